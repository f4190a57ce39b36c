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

from graphkit.graphmodel import NodeSet, RelationshipSet, node_sets, relationship_sets
from graphkit.store.base import LoadStats


class MemoryStore:
    """Holds the accepted tables; nodes and relationships derive from them through the schema."""

    backend = "memory"

    def __init__(self) -> None:
        self._tables: dict[str, pd.DataFrame] = {}
        self._nodes: dict[str, NodeSet] = {}
        self._rels: list[RelationshipSet] = []
        self.scores: pd.DataFrame | None = None

    def load(self, tables: dict[str, pd.DataFrame]) -> LoadStats:
        """Keep ``tables`` (replacing any earlier load: loading twice changes nothing)."""
        started = time.perf_counter()
        self._tables = dict(tables)
        self._nodes = node_sets(self._tables)
        self._rels = relationship_sets(self._tables)
        return LoadStats(
            backend=self.backend,
            nodes={label: len(ns.frame) for label, ns in self._nodes.items()},
            relationships={r.name: len(r.frame) for r in self._rels},
            seconds=time.perf_counter() - started,
            method="memory",
        )

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
