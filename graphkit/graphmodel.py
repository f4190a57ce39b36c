"""The graph the schema describes: node sets and relationship sets built from accepted tables.

Both stores use this one mapping -- the memory store keeps the frames it returns, the Neo4j store
writes them with the ``cypher/load`` statements -- so the two graphs cannot drift apart.

Examples
--------
>>> from graphkit import load_folder
>>> from graphkit.datasets import tiny_path
>>> data = load_folder(tiny_path())
>>> nodes = node_sets(data.tables)
>>> len(nodes["Person"].frame), nodes["Person"].key
(32, 'person_id')
>>> sorted({(r.type, r.start_label, r.end_label) for r in relationship_sets(data.tables)})[:2]
[('CROSSED', 'Person', 'BorderCrossing'), ('EMPLOYED_BY', 'Person', 'Employer')]
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from graphkit.schema import Schema, Table, load_schema


@dataclass(frozen=True)
class NodeSet:
    """All nodes of one label: ``frame`` has the key column plus every property column."""

    label: str
    key: str
    frame: pd.DataFrame

    @property
    def name(self) -> str:
        """The label in snake case, e.g. ``border_crossing`` (also names its load statement)."""
        return snake_case(self.label)


@dataclass(frozen=True)
class RelationshipSet:
    """All relationships of one type between two labels.

    ``frame`` has ``start`` and ``end`` (the end nodes' keys), plus, for tables whose rows are
    relationships, the key property and the row's other columns as properties.
    """

    type: str
    start_label: str
    end_label: str
    key: str | None
    frame: pd.DataFrame

    @property
    def name(self) -> str:
        """A stable name, e.g. ``person_holds_permit`` (also the name of its load statement)."""
        return f"{snake_case(self.start_label)}_{self.type.lower()}_{snake_case(self.end_label)}"


def snake_case(label: str) -> str:
    """``BorderCrossing`` -> ``border_crossing``."""
    return "".join("_" + ch.lower() if ch.isupper() and i else ch.lower() for i, ch in enumerate(label))


def composite_key(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.Series:
    """One string per row from several key columns: values joined by ``|`` (``|`` and ``%`` escaped).

    Built by Arrow's kernels, with no Python string per row: a million-row table has one.

    >>> composite_key(pd.DataFrame({"a": ["P1", "x|y"], "b": [None, "E1"]}), ("a", "b"))
    0         P1|
    1    x%7Cy|E1
    dtype: str
    """
    parts = []
    for col in columns:
        s = frame[col]
        if pd.api.types.is_datetime64_any_dtype(s):
            # the day as ISO text, as strftime("%Y-%m-%d") writes it; a date cast is ~7x faster
            text = pc.cast(pa.array(s, from_pandas=True), pa.date32(), safe=False).cast(pa.string())
        else:
            text = pa.array(s.astype(pd.StringDtype("pyarrow")).array)
        text = pc.fill_null(text.cast(pa.large_string()), "")
        parts.append(pc.replace_substring(pc.replace_substring(text, "%", "%25"), "|", "%7C"))
    joined = pc.binary_join_element_wise(*parts, pa.scalar("|", pa.large_string()))
    return joined.cast(pa.string()).to_pandas().set_axis(frame.index)


def _with_key(table: Table, frame: pd.DataFrame) -> pd.DataFrame:
    if not table.key_property:
        return frame
    frame = frame.copy(deep=False)  # copy-on-write: the inserted key is this frame's alone
    frame.insert(0, table.key_property, composite_key(frame, table.key))
    return frame


def node_sets(tables: dict[str, pd.DataFrame], schema: Schema | None = None) -> dict[str, NodeSet]:
    """One :class:`NodeSet` per label whose table is present."""
    schema = schema or load_schema()
    out = {}
    for table in schema.tables:
        if table.node and table.name in tables:
            out[table.node] = NodeSet(table.node, table.graph_key, _with_key(table, tables[table.name]))
    return out


def graph_sizes(tables: dict[str, pd.DataFrame], schema: Schema | None = None) -> tuple[dict[str, int], dict[str, int]]:
    """Nodes per label and relationships per set name, as :func:`node_sets` and
    :func:`relationship_sets` would build them, counted without building them.

    >>> from graphkit import load_folder
    >>> from graphkit.datasets import tiny_path
    >>> tables = load_folder(tiny_path()).tables
    >>> nodes, rels = graph_sizes(tables)
    >>> nodes == {label: len(ns.frame) for label, ns in node_sets(tables).items()}
    True
    >>> rels == {r.name: len(r.frame) for r in relationship_sets(tables)}
    True
    """
    schema = schema or load_schema()
    nodes: dict[str, int] = {}
    rels: dict[str, int] = {}
    for table in schema.tables:
        if table.name not in tables:
            continue
        frame = tables[table.name]
        if table.node:
            nodes[table.node] = len(frame)
            for col in table.references:
                target = schema.table(col.references)
                if not col.relationship or target.name not in tables:
                    continue
                start, end = (target.node, table.node) if col.direction == "in" else (table.node, target.node)
                rels[f"{snake_case(start)}_{col.relationship.lower()}_{snake_case(end)}"] = int(frame[col.name].notna().sum())
        elif table.edge:
            start = schema.table(table.column(table.edge.start).references).node
            end = schema.table(table.column(table.edge.end).references).node
            rels[f"{snake_case(start)}_{table.edge.type.lower()}_{snake_case(end)}"] = len(frame)
    return nodes, rels


def relationship_sets(tables: dict[str, pd.DataFrame], schema: Schema | None = None) -> list[RelationshipSet]:
    """Every relationship set: one per reference column with a relationship, one per edge table.

    Rows whose reference is empty make no relationship.
    """
    schema = schema or load_schema()
    out = []
    for table in schema.tables:
        if table.name not in tables:
            continue
        frame = tables[table.name]
        if table.node:
            for col in table.references:
                if not col.relationship:
                    continue
                target = schema.table(col.references)
                if target.name not in tables:
                    continue
                linked = frame[frame[col.name].notna()]
                own = _with_key(table, linked)[table.graph_key]
                # .array, not .to_numpy(): the ends stay Arrow strings, not a Python object per row
                pair = pd.DataFrame({"start": own.array, "end": linked[col.name].array})
                if col.direction == "in":
                    pair = pair.rename(columns={"start": "end", "end": "start"})[["start", "end"]]
                    start, end = target.node, table.node
                else:
                    start, end = table.node, target.node
                out.append(RelationshipSet(col.relationship, start, end, None, pair.reset_index(drop=True)))
        elif table.edge:
            edge = table.edge
            start = schema.table(table.column(edge.start).references).node
            end = schema.table(table.column(edge.end).references).node
            keyed = _with_key(table, frame)
            props = keyed.drop(columns=[edge.start, edge.end])
            rel = pd.concat(
                [pd.DataFrame({"start": keyed[edge.start].array, "end": keyed[edge.end].array}),
                 props.reset_index(drop=True)],
                axis=1,
            )
            out.append(RelationshipSet(edge.type, start, end, table.key_property, rel))
    return out
