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

from graphkit.graphmodel import NodeSet, RelationshipSet, graph_sizes, node_sets, relationship_sets
from graphkit.store.base import LoadStats


class MemoryStore:
    """Holds the accepted tables; nodes and relationships derive from them through the schema."""

    backend = "memory"

    def __init__(self) -> None:
        self._tables: dict[str, pd.DataFrame] = {}
        self._graph: tuple[dict[str, NodeSet], list[RelationshipSet]] | None = None
        self._sizes: tuple[dict[str, int], dict[str, int]] = ({}, {})
        self.scores: pd.DataFrame | None = None

    def load(self, tables: dict[str, pd.DataFrame]) -> LoadStats:
        """Keep ``tables`` (replacing any earlier load: loading twice changes nothing).

        The node and relationship sets are built when first asked for (graph pages, after the
        analysis), so they take no memory while resolution and the indicators run.
        """
        started = time.perf_counter()
        self._tables = dict(tables)
        self._graph = None
        nodes, rels = self._sizes = graph_sizes(self._tables)
        return LoadStats(backend=self.backend, nodes=dict(nodes), relationships=dict(rels),
                         seconds=time.perf_counter() - started, method="memory")

    def _sets(self) -> tuple[dict[str, NodeSet], list[RelationshipSet]]:
        if self._graph is None:
            self._graph = node_sets(self._tables), relationship_sets(self._tables)
        return self._graph

    def write_scores(self, scores: pd.DataFrame, run: dict) -> int:
        """Keep the latest scores beside the graph (the Neo4j store writes them onto nodes)."""
        self.scores = scores
        return len(scores)

    def node_set(self, label: str) -> NodeSet:
        return self._sets()[0][label]

    def relationship_sets(self) -> list[RelationshipSet]:
        return list(self._sets()[1])

    def node_counts(self) -> dict[str, int]:
        return {label: n for label, n in self._sizes[0].items() if n}

    def relationship_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for r in self._sets()[1]:
            if len(r.frame):
                counts[r.type] = counts.get(r.type, 0) + len(r.frame)
        return counts

    def tables(self) -> dict[str, pd.DataFrame]:
        return dict(self._tables)
