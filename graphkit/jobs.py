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

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from pydantic import SecretStr

from graphkit.config import Settings
from graphkit.errors import GraphkitError
from graphkit.export.graphs import export_graphs
from graphkit.export.report import render_report
from graphkit.privacy import Pseudonymiser, personal_values
from graphkit.export.tables import write_csv, write_json
from graphkit.ingest import Ingested, load_folder
from graphkit.manifest import Manifest, new_run_id
from graphkit.memory import release_memory
from graphkit.resolve import read_judgements, resolve
from graphkit.schedule import _pause_for_kill_test, built_aside, run_lock
from graphkit.scoring import ScoreResult, score_tables
from graphkit.store.base import GraphStore, LoadStats
from graphkit.store.memory import MemoryStore


GRAPH_SLUG = 60  # characters of the id kept readable in a graph file name; the hash tells ids apart


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
    from graphkit.store.neo4j import Neo4jStore, connect, managed_data_dir
    from graphkit.store.neo4j_import import import_pending

    server_dir = managed_data_dir(settings)
    # a killed bulk import leaves the server stopped: the load restarts it, so don't wait for it here
    driver = connect(settings, verify=not (server_dir and import_pending(server_dir)))
    return Neo4jStore(driver, settings.neo4j_database, settings.batch_size, progress=progress,
                      server_dir=server_dir, password=settings.neo4j_password)


def run_load(input_dir: str | Path, out: str | Path | None = None, settings: Settings | None = None,
             store: GraphStore | None = None, progress: bool = False, full_reload: bool = False) -> LoadResult:
    """Ingest ``input_dir`` into a store and write ``rejects.csv`` and ``manifest.json`` to ``out``.

    A bad file raises before anything is written or loaded. ``full_reload`` replaces the graph of
    a Neo4j server graphkit runs by a bulk import (an empty one gets one anyway).
    """
    settings = settings or Settings()
    pseudonymiser = make_pseudonymiser(settings)
    if full_reload and settings.backend != "neo4j":
        raise GraphkitError("--full-reload replaces a Neo4j graph: use it with --backend neo4j")
    manifest = Manifest.start("load", settings.backend, _parameters(settings))
    with manifest.stage("ingest"):
        ingested = load_folder(input_dir)
    store = store or open_store(settings, progress=progress)
    with manifest.stage("store"):
        stats = store.load(ingested.tables, full_reload=True) if full_reload else store.load(ingested.tables)
    _store_rejects(ingested, stats)
    manifest.extra["load_method"] = stats.method
    manifest.inputs = ingested.files
    manifest.rows = ingested.counts
    manifest.extra["absent_tables"] = list(ingested.absent)
    manifest.extra["graph"] = {"nodes": stats.nodes, "relationships": stats.relationships}
    data = manifest.finish()
    out_path = Path(out) if out is not None else None
    if out_path is not None:
        write_csv(pseudonymise_rejects(ingested.rejects, pseudonymiser), out_path / "rejects.csv")
        write_json(data, out_path / "manifest.json")
    return LoadResult(ingested, store, stats, data, out_path)


def _store_rejects(ingested: Ingested, stats: LoadStats) -> None:
    if stats.rejects is not None:
        ingested.reject(stats.rejects)


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

    The outputs are built beside ``out`` and swapped in only when complete (see
    :func:`graphkit.schedule.built_aside`), under the lock ``.<out name>.lock`` beside it: ``out``
    holds the earlier run's outputs or this run's, never a mix, and a second writer into the same
    ``out`` gets :class:`~graphkit.errors.RunLockedError` (exit 3). A folder that holds something
    other than a graphkit run is refused rather than replaced.

    >>> import tempfile, datetime
    >>> from graphkit.datasets import tiny_path
    >>> run = run_score(tiny_path(), tempfile.mkdtemp(), Settings(as_of=datetime.date(2026, 11, 1)))
    >>> sorted(p.name for p in run.out.iterdir())
    ['clusters.csv', 'entities.csv', 'evidence.csv', 'graphs', 'manifest.json', 'rejects.csv', 'report.html', 'scores.csv']
    >>> run.manifest["scored"]["EMPLOYER"], run.manifest["rule_set_version"]
    (3, '2026.12.2')
    """
    target = Path(out).absolute()
    if target.exists() and not target.is_dir():
        raise GraphkitError(f"--out {out} is a file, not a folder")
    if target.is_dir() and any(target.iterdir()) and not (target / "manifest.json").is_file():
        raise GraphkitError(f"--out {out} holds files that are not a graphkit run (no manifest.json): "
                            "give a new or empty folder, or the folder of an earlier run to replace")
    make_pseudonymiser(settings or Settings())  # a settings error stops the job before it takes the lock
    target.parent.mkdir(parents=True, exist_ok=True)
    run_id = new_run_id()
    with run_lock(target.parent, run_id, name=f".{target.name}.lock"), built_aside(target, run_id) as aside:
        run = score_into(input_dir, aside, settings, store=store, progress=progress)
    run.out = run.load.out = Path(out)
    return run


def score_into(input_dir: str | Path, out: str | Path, settings: Settings | None = None,
               store: GraphStore | None = None, progress: bool = False) -> ScoreRun:
    """:func:`run_score`'s work, written straight into the folder ``out`` with no lock and no swap:
    for callers that publish the folder themselves (``graphkit run``)."""
    settings = settings or Settings()
    pseudonymiser = make_pseudonymiser(settings)  # a missing key is a settings error: say so before any work
    manifest = Manifest.start("score", settings.backend, _parameters(settings))
    manifest.parameters["as_of"] = settings.as_of_date().isoformat()
    with manifest.stage("ingest"):
        ingested = load_folder(input_dir)
    release_memory()
    store = store or open_store(settings, progress=progress)
    with manifest.stage("store"):
        stats = store.load(ingested.tables)
    _store_rejects(ingested, stats)
    with manifest.stage("read_back"):
        tables = store.tables()
    release_memory()
    with manifest.stage("resolve"):
        resolution = resolve(tables, settings, read_judgements(input_dir), keep_models=False)
    release_memory()
    with manifest.stage("analysis"):
        result = score_tables(tables, settings.as_of_date(), settings.thresholds(), resolution=resolution)
    release_memory()
    manifest.inputs = ingested.files
    manifest.rows = ingested.counts
    manifest.timings["analysis_stages"] = result.timings
    manifest.extra.update({
        "absent_tables": list(ingested.absent),
        "graph": {"nodes": stats.nodes, "relationships": stats.relationships},
        "resolution": result.context.resolution.counts,
        "rule_set_version": result.rule_set.version,
        "scored": result.counts,
        "clusters": len(result.clusters),
    })
    out_path = Path(out)
    with manifest.stage("graphs"):
        scores = export_target_graphs(store, result.scores, out_path, settings, pseudonymiser)
    _pause_for_kill_test("graphs", out_path.parent)
    with manifest.stage("write"):
        shown = pseudonymise_scores(scores, pseudonymiser, tables)
        write_csv(shown, out_path / "scores.csv")
        write_csv(result.clusters, out_path / "clusters.csv")
        write_csv(result.evidence, out_path / "evidence.csv")
        write_csv(resolution.entities, out_path / "entities.csv")
        write_csv(pseudonymise_rejects(ingested.rejects, pseudonymiser), out_path / "rejects.csv")
    manifest.extra["graphs"] = int((scores["graph"] != "").sum())
    manifest.extra["pseudonymised"] = pseudonymiser is not None
    data = manifest.finish()
    with manifest.stage("write_back"):
        data["written_back"] = store.write_scores(result.scores, data)
        if settings.backend == "neo4j":
            from graphkit.store.neo4j_entities import write_entities

            data["entities_written_back"] = write_entities(store.driver, resolution.entities, store.database, store.batch_size)
    data["timings"] = manifest.timings
    write_json(data, out_path / "manifest.json")
    render_report(out_path, top=settings.report_top)
    load = LoadResult(ingested, store, stats, data, out_path)
    result.scores = shown  # what a console or notebook shows is what the files hold
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
    """The relative path of an entity's graph page: a readable slug of the id plus a hash of the
    exact id, so ``E/6`` and ``E:6`` get two pages and a 300-character id a short name.

    >>> graph_file("network:N0001")
    'graphs/network_N0001-f1c7bc4e46.html'
    >>> graph_file("employers:E/6") != graph_file("employers:E:6"), len(graph_file("employers:" + "x" * 300))
    (True, 83)
    """
    slug = re.sub(r"[^A-Za-z0-9_.-]", "_", entity_id)[:GRAPH_SLUG].strip("._") or "entity"
    return f"graphs/{slug}-{hashlib.sha256(entity_id.encode('utf-8')).hexdigest()[:10]}.html"


def export_target_graphs(store: GraphStore, scores: pd.DataFrame, out: Path, settings: Settings,
                         pseudonymiser: Pseudonymiser | None = None) -> pd.DataFrame:
    """Write ``graphs/<entity>.html`` for the top ``report_top`` leads per type at or above
    ``report_threshold``; return the scores with their ``graph`` column filled."""
    chosen = scores[(scores["score"] >= settings.report_threshold) & (scores["rank"] <= settings.report_top)]
    pages = {index: graph_file(entity_id) for index, entity_id in zip(chosen.index, chosen["entity_id"])}
    export_graphs(store, {e: out / pages[i] for i, e in zip(chosen.index, chosen["entity_id"])}, scores,
                  cap=settings.graph_cap, pseudonymise=pseudonymiser)
    scores = scores.copy()
    if pages:
        scores.loc[list(pages), "graph"] = list(pages.values())
    return scores


def pseudonymise_scores(scores: pd.DataFrame, pseudonymiser: Pseudonymiser | None,
                        tables: dict[str, pd.DataFrame] | None = None) -> pd.DataFrame:
    """Scores with people's names replaced by pseudonyms: persons, and sponsors that are
    individuals (a sponsor record of type INDIVIDUAL in ``tables``; without ``tables``, every
    entity holding a sponsor record, since its type cannot be checked)."""
    if pseudonymiser is None:
        return scores
    scores = scores.copy()
    sponsors = (tables or {}).get("sponsors")
    if tables is None:
        holds_person = scores["source_ids"].astype(str).str.contains("sponsors:", regex=False)
    elif sponsors is None or sponsors.empty:
        holds_person = pd.Series(False, index=scores.index)
    else:
        individual = set("sponsors:" + sponsors.loc[sponsors["sponsor_type"] == "INDIVIDUAL", "sponsor_id"].astype(str))
        holds_person = scores["source_ids"].astype(str).map(lambda ids: any(s in individual for s in ids.split(";")))
    people = (scores["entity_type"] == "PERSON") | ((scores["entity_type"] == "SPONSOR") & holds_person)
    scores.loc[people, "name"] = scores.loc[people, "name"].map(pseudonymiser.name)
    return scores


def pseudonymise_rejects(rejects: pd.DataFrame, pseudonymiser: Pseudonymiser | None) -> pd.DataFrame:
    """Rejects with the values of personal columns replaced by pseudonyms. A rejected sponsor row's
    type cannot be trusted, so its name and registration number count as an individual's."""
    if pseudonymiser is None:
        return rejects
    rejects = rejects.copy()
    for table in rejects["table"].unique():
        personal = personal_values(table, {"sponsor_type": "INDIVIDUAL"})
        for column, kind in personal.items():
            mask = (rejects["table"] == table) & (rejects["column"] == column)
            rejects.loc[mask, "value"] = rejects.loc[mask, "value"].map(lambda v, k=kind: pseudonymiser.value(k, v))
    return rejects
