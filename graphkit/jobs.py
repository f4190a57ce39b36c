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
from graphkit.scoring import ScoreResult, score_tables
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


@dataclass
class ScoreRun:
    """What :func:`run_score` did: the load, the scores and the manifest it wrote."""

    load: LoadResult
    result: ScoreResult
    manifest: dict
    out: Path


def run_score(input_dir: str | Path, out: str | Path, settings: Settings | None = None,
              store: GraphStore | None = None, progress: bool = False) -> ScoreRun:
    """The main job: ingest, store, resolve, run every indicator, score, write the contract outputs.

    The analysis reads its tables back from the store, so the same code runs on either backend.

    >>> import tempfile, datetime
    >>> from graphkit.datasets import tiny_path
    >>> run = run_score(tiny_path(), tempfile.mkdtemp(), Settings(as_of=datetime.date(2026, 11, 1)))
    >>> sorted(p.name for p in run.out.iterdir())
    ['clusters.csv', 'evidence.csv', 'manifest.json', 'rejects.csv', 'scores.csv']
    >>> run.manifest["scored"]["EMPLOYER"], run.manifest["rule_set_version"]
    (3, '2026.11.1')
    """
    settings = settings or Settings()
    manifest = Manifest.start("score", settings.backend, _parameters(settings))
    manifest.parameters["as_of"] = settings.as_of_date().isoformat()
    with manifest.stage("ingest"):
        ingested = load_folder(input_dir)
    store = store or open_store(settings, progress=progress)
    with manifest.stage("store"):
        stats = store.load(ingested.tables)
    with manifest.stage("read_back"):
        tables = store.tables()
    with manifest.stage("analysis"):
        result = score_tables(tables, settings.as_of_date(), settings.thresholds())
    manifest.inputs = ingested.files
    manifest.rows = ingested.counts
    manifest.timings["analysis_stages"] = result.timings
    manifest.extra.update({
        "graph": {"nodes": stats.nodes, "relationships": stats.relationships},
        "resolution": result.context.resolution.counts,
        "rule_set_version": result.rule_set.version,
        "scored": result.counts,
        "clusters": len(result.clusters),
    })
    out_path = Path(out)
    with manifest.stage("write"):
        write_csv(result.scores, out_path / "scores.csv")
        write_csv(result.clusters, out_path / "clusters.csv")
        write_csv(result.evidence, out_path / "evidence.csv")
        write_csv(ingested.rejects, out_path / "rejects.csv")
    data = manifest.finish()
    with manifest.stage("write_back"):
        data["written_back"] = store.write_scores(result.scores, data)
    data["timings"] = manifest.timings
    write_json(data, out_path / "manifest.json")
    load = LoadResult(ingested, store, stats, data, out_path)
    return ScoreRun(load, result, data, out_path)
