"""What every store offers the analysis layer, whatever holds the graph.

A store is loaded from validated tables and hands back the same node sets, relationship sets and
contract tables, so indicators, scoring and exports never know which backend they run on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

import pandas as pd

from graphkit.graphmodel import NodeSet, RelationshipSet
from graphkit.schema import Schema, load_schema


@dataclass
class LoadStats:
    """What a load wrote: nodes per label, relationships per ``start_type_end`` set, seconds.

    ``method`` says how (``memory``, ``merge`` or ``import``); ``rejects`` holds rows the store
    itself refused (Neo4j's bulk importer), as ``rejects.csv`` rows.
    """

    backend: str
    nodes: dict[str, int] = field(default_factory=dict)
    relationships: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    method: str = "merge"
    rejects: pd.DataFrame | None = None

    @property
    def node_total(self) -> int:
        return sum(self.nodes.values())

    @property
    def relationship_total(self) -> int:
        return sum(self.relationships.values())


class GraphStore(Protocol):
    """The protocol both stores implement."""

    backend: str

    def load(self, tables: dict[str, pd.DataFrame]) -> LoadStats:
        """Write validated tables; loading the same tables twice changes nothing."""

    def node_set(self, label: str) -> NodeSet:
        """Every node of ``label`` with its properties."""

    def relationship_sets(self) -> list[RelationshipSet]:
        """Every relationship set in the store."""

    def node_counts(self) -> dict[str, int]:
        """Nodes per label."""

    def relationship_counts(self) -> dict[str, int]:
        """Relationships per type."""

    def tables(self) -> dict[str, pd.DataFrame]:
        """The contract tables as the graph holds them (the analysis layer's input)."""

    def write_scores(self, scores: pd.DataFrame, run: dict) -> int:
        """Keep a scoring run's results with the graph; returns how many records got a score."""


def coerce_table(frame: pd.DataFrame, table_name: str, schema: Schema | None = None) -> pd.DataFrame:
    """Give a table read back from a store the dtypes validation gives: dates, floats, strings."""
    schema = schema or load_schema()
    table = schema.table(table_name)
    out = frame.copy()
    for col in table.columns:
        if col.name not in out.columns:
            out[col.name] = pd.Series(pd.NA, index=out.index, dtype="object")
        if col.type == "date" and not pd.api.types.is_datetime64_any_dtype(out[col.name]):
            out[col.name] = pd.to_datetime(out[col.name].map(_iso), format="%Y-%m-%d")
        elif col.type == "float":
            out[col.name] = pd.to_numeric(out[col.name]).astype("float64")
    order = list(table.column_names) + sorted(c for c in out.columns if c not in table.column_names)
    return out[order]


def _iso(value):
    if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
        return None
    return value.isoformat()[:10] if hasattr(value, "isoformat") else str(value)


def tables_from_graph(nodes: dict[str, NodeSet], rels: list[RelationshipSet], schema: Schema | None = None) -> dict[str, pd.DataFrame]:
    """Rebuild contract tables from node and relationship sets (node tables, then edge tables)."""
    schema = schema or load_schema()
    out: dict[str, pd.DataFrame] = {}
    by_type = {r.type: r for r in rels}
    for table in schema.tables:
        if table.node and table.node in nodes:
            frame = nodes[table.node].frame
            if table.key_property:
                frame = frame.drop(columns=[table.key_property])
            out[table.name] = coerce_table(frame, table.name, schema)
        elif table.edge and table.edge.type in by_type:
            rel = by_type[table.edge.type]
            frame = rel.frame.rename(columns={"start": table.edge.start, "end": table.edge.end})
            out[table.name] = coerce_table(frame.drop(columns=[table.key_property]), table.name, schema)
    return out
