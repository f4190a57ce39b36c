"""Whole jobs an analyst or the CLI runs with one call: read, validate, store, write outputs.

Examples
--------
>>> import tempfile
>>> from graphkit.datasets import tiny_path
>>> result = run_load(tiny_path(), out=tempfile.mkdtemp())
>>> result.ingested.counts["persons"]
{'read': 37, 'accepted': 32, 'rejected': 5}
>>> sorted(p.name for p in result.out.iterdir())
['manifest.json', 'rejects.csv']
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from graphkit.config import Settings
from graphkit.export.tables import write_csv, write_json
from graphkit.ingest import Ingested, load_folder
from graphkit.manifest import Manifest
from graphkit.store.base import GraphStore, LoadStats
from graphkit.store.memory import MemoryStore


@dataclass
class LoadResult:
    """What :func:`run_load` did: the ingested tables, the store and what it wrote, the manifest."""

    ingested: Ingested
    store: GraphStore
    stats: LoadStats
    manifest: dict
    out: Path | None


def _parameters(settings: Settings) -> dict:
    """Settings worth recording; secrets never."""
    return {k: v for k, v in settings.model_dump(mode="json").items() if k != "neo4j_password"}


def open_store(settings: Settings, progress: bool = False) -> GraphStore:
    """The store ``settings.backend`` names; for Neo4j, connected and verified."""
    if settings.backend == "memory":
        return MemoryStore()
    from graphkit.store.neo4j import Neo4jStore, connect

    return Neo4jStore(connect(settings), settings.neo4j_database, settings.batch_size, progress=progress)


def run_load(input_dir: str | Path, out: str | Path | None = None, settings: Settings | None = None,
             store: GraphStore | None = None, progress: bool = False) -> LoadResult:
    """Ingest ``input_dir`` into a store and write ``rejects.csv`` and ``manifest.json`` to ``out``.

    A bad file raises before anything is written or loaded.
    """
    settings = settings or Settings()
    manifest = Manifest.start("load", settings.backend, _parameters(settings))
    with manifest.stage("ingest"):
        ingested = load_folder(input_dir)
    store = store or open_store(settings, progress=progress)
    with manifest.stage("store"):
        stats = store.load(ingested.tables)
    manifest.inputs = ingested.files
    manifest.rows = ingested.counts
    manifest.extra["graph"] = {"nodes": stats.nodes, "relationships": stats.relationships}
    data = manifest.finish()
    out_path = Path(out) if out is not None else None
    if out_path is not None:
        write_csv(ingested.rejects, out_path / "rejects.csv")
        write_json(data, out_path / "manifest.json")
    return LoadResult(ingested, store, stats, data, out_path)
