"""The embedded default store: validated tables in memory, graph views built on demand.

Examples
--------
>>> from graphkit import load_folder
>>> from graphkit.datasets import tiny_path
>>> store = MemoryStore()
>>> stats = store.load(load_folder(tiny_path()).tables)
>>> store.node_counts()["Person"], store.relationship_counts()["EMPLOYED_BY"]
(32, 24)
"""

from __future__ import annotations

import time

import pandas as pd

from graphkit.graphmodel import NodeSet, RelationshipSet, node_sets, relationship_counts, relationship_sets
from graphkit.store.base import LoadStats


class MemoryStore:
    """Holds the accepted tables; nodes and relationships derive from them through the schema."""

    backend = "memory"

    def __init__(self) -> None:
        self._tables: dict[str, pd.DataFrame] = {}
        self._views: dict = {}  # node and relationship sets, built on first use (graph pages need them)
        self.scores: pd.DataFrame | None = None

    def load(self, tables: dict[str, pd.DataFrame]) -> LoadStats:
        """Keep ``tables`` (replacing any earlier load: loading twice changes nothing).

        Node and relationship sets are derived when first asked for: the analysis reads the
        tables, and at a million persons the sets cost as much memory again.
        """
        started = time.perf_counter()
        self._tables = dict(tables)
        self._views = {}
        empty = {name: frame.iloc[:0] for name, frame in self._tables.items()}
        return LoadStats(
            backend=self.backend,
            nodes={ns.label: len(self._tables[self._schema_table(ns.label)]) for ns in node_sets(empty).values()},
            relationships=relationship_counts(self._tables),
            seconds=time.perf_counter() - started,
        )

    @staticmethod
    def _schema_table(label: str) -> str:
        from graphkit.schema import load_schema

        return load_schema().node_table(label).name

    @property
    def _nodes(self) -> dict[str, NodeSet]:
        if "nodes" not in self._views:
            self._views["nodes"] = node_sets(self._tables)
        return self._views["nodes"]

    @property
    def _rels(self) -> list[RelationshipSet]:
        if "rels" not in self._views:
            self._views["rels"] = relationship_sets(self._tables)
        return self._views["rels"]

    def write_scores(self, scores: pd.DataFrame, run: dict) -> int:
        """Keep the latest scores beside the graph (the Neo4j store writes them onto nodes)."""
        self.scores = scores
        return len(scores)

    def node_set(self, label: str) -> NodeSet:
        return self._nodes[label]

    def relationship_sets(self) -> list[RelationshipSet]:
        return list(self._rels)

    def node_counts(self) -> dict[str, int]:
        return {label: len(ns.frame) for label, ns in self._nodes.items() if len(ns.frame)}

    def relationship_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for r in self._rels:
            if len(r.frame):
                counts[r.type] = counts.get(r.type, 0) + len(r.frame)
        return counts

    def tables(self) -> dict[str, pd.DataFrame]:
        return dict(self._tables)
