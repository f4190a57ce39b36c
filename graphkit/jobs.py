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

import re
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from pydantic import SecretStr
from tqdm.auto import tqdm

from graphkit.config import Settings
from graphkit.errors import GraphkitError
from graphkit.export.graphs import export_graph
from graphkit.export.report import render_report
from graphkit.privacy import Pseudonymiser, personal_columns
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
    secret = {k for k, f in Settings.model_fields.items() if f.annotation is SecretStr}
    return {k: v for k, v in settings.model_dump(mode="json").items() if k not in secret}


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
    ['clusters.csv', 'evidence.csv', 'graphs', 'manifest.json', 'rejects.csv', 'report.html', 'scores.csv']
    >>> run.manifest["scored"]["EMPLOYER"], run.manifest["rule_set_version"]
    (3, '2026.12.1')
    """
    settings = settings or Settings()
    pseudonymiser = make_pseudonymiser(settings)  # a missing key is a settings error: say so before any work
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
    with manifest.stage("graphs"):
        scores = export_target_graphs(store, result.scores, out_path, settings, pseudonymiser)
    with manifest.stage("write"):
        write_csv(pseudonymise_scores(scores, pseudonymiser), out_path / "scores.csv")
        write_csv(result.clusters, out_path / "clusters.csv")
        write_csv(result.evidence, out_path / "evidence.csv")
        write_csv(pseudonymise_rejects(ingested.rejects, pseudonymiser), out_path / "rejects.csv")
    manifest.extra["graphs"] = int((scores["graph"] != "").sum())
    manifest.extra["pseudonymised"] = pseudonymiser is not None
    data = manifest.finish()
    with manifest.stage("write_back"):
        data["written_back"] = store.write_scores(result.scores, data)
    data["timings"] = manifest.timings
    write_json(data, out_path / "manifest.json")
    render_report(out_path, top=settings.report_top)
    load = LoadResult(ingested, store, stats, data, out_path)
    result.scores = scores
    return ScoreRun(load, result, data, out_path)


def make_pseudonymiser(settings: Settings) -> Pseudonymiser | None:
    """The run's pseudonymiser when ``settings.pseudonymise`` is on (its key must be set)."""
    if not settings.pseudonymise:
        return None
    key = settings.pseudonym_key.get_secret_value()
    if not key:
        raise GraphkitError("pseudonymise is on but GRAPHKIT_PSEUDONYM_KEY is empty: set a secret key")
    return Pseudonymiser(key)


def graph_file(entity_id: str) -> str:
    """The relative path of an entity's graph page, e.g. ``graphs/employers_E01.html``.

    >>> graph_file("network:N0001")
    'graphs/network_N0001.html'
    """
    return "graphs/" + re.sub(r"[^A-Za-z0-9_.-]", "_", entity_id) + ".html"


def export_target_graphs(store: GraphStore, scores: pd.DataFrame, out: Path, settings: Settings,
                         pseudonymiser: Pseudonymiser | None = None) -> pd.DataFrame:
    """Write ``graphs/<entity>.html`` for the top ``report_top`` leads per type at or above
    ``report_threshold``; return the scores with their ``graph`` column filled."""
    scores = scores.copy()
    chosen = scores[(scores["score"] >= settings.report_threshold) & (scores["rank"] <= settings.report_top)]
    for row in tqdm(list(chosen.itertuples()), desc="graphs", unit="graph", disable=not sys.stderr.isatty(), leave=False):
        path = graph_file(row.entity_id)
        export_graph(store, row.entity_id, out=out / path, scores=scores, cap=settings.graph_cap, pseudonymise=pseudonymiser)
        scores.loc[row.Index, "graph"] = path
    return scores


def pseudonymise_scores(scores: pd.DataFrame, pseudonymiser: Pseudonymiser | None) -> pd.DataFrame:
    """Scores with people's names replaced by pseudonyms (persons, and individual sponsors)."""
    if pseudonymiser is None:
        return scores
    scores = scores.copy()
    people = (scores["entity_type"] == "PERSON") | scores["source_ids"].str.startswith("sponsors:") & (scores["entity_type"] == "SPONSOR")
    scores.loc[people, "name"] = scores.loc[people, "name"].map(pseudonymiser.name)
    return scores


def pseudonymise_rejects(rejects: pd.DataFrame, pseudonymiser: Pseudonymiser | None) -> pd.DataFrame:
    """Rejects with the values of personal columns replaced by pseudonyms."""
    if pseudonymiser is None:
        return rejects
    rejects = rejects.copy()
    for table in rejects["table"].unique():
        for column, kind in personal_columns(table).items():
            mask = (rejects["table"] == table) & (rejects["column"] == column)
            rejects.loc[mask, "value"] = rejects.loc[mask, "value"].map(lambda v, k=kind: pseudonymiser.value(k, v))
    return rejects
