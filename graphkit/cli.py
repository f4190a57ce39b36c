"""The ``graphkit`` command: a thin layer that parses arguments, builds Settings, calls one library
function and prints a summary. Bad input or settings: one line on stderr, exit 2; another run
holds the lock: exit 3; internal failure: one line, exit 1 (``GRAPHKIT_DEBUG=1`` shows the
traceback)."""

from __future__ import annotations

import os
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer
from pydantic import ValidationError

from graphkit.config import Settings
from graphkit.errors import GraphkitError

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False)


@app.callback()
def _group() -> None:
    """graphkit: link analysis of foreign nationals, permits, sponsors, employers and addresses."""


class Backend(str, Enum):
    memory = "memory"
    neo4j = "neo4j"


def make_settings(**given) -> Settings:
    """Settings from flags that were given (others fall back to GRAPHKIT_* variables, then defaults)."""
    try:
        return Settings(**{k: v for k, v in given.items() if v is not None})
    except ValidationError as exc:
        err = exc.errors()[0]
        raise GraphkitError(f"setting {'.'.join(map(str, err['loc']))}: {err['msg']}") from None


@app.command()
def load(
    input_dir: Annotated[Path, typer.Argument(help="folder with the contract tables (CSV or Parquet)")],
    backend: Annotated[Optional[Backend], typer.Option(help="memory (default) or neo4j")] = None,
    out: Annotated[Path, typer.Option(help="where rejects.csv and manifest.json go")] = Path("graphkit-out"),
    neo4j_uri: Annotated[Optional[str], typer.Option(help="or GRAPHKIT_NEO4J_URI")] = None,
    neo4j_user: Annotated[Optional[str], typer.Option(help="or GRAPHKIT_NEO4J_USER")] = None,
    neo4j_database: Annotated[Optional[str], typer.Option(help="or GRAPHKIT_NEO4J_DATABASE")] = None,
) -> None:
    """Validate INPUT_DIR and load it into the store; write rejects.csv and manifest.json."""
    from graphkit.jobs import run_load

    settings = make_settings(
        backend=backend.value if backend else None, neo4j_uri=neo4j_uri, neo4j_user=neo4j_user, neo4j_database=neo4j_database
    )
    result = run_load(input_dir, out=out, settings=settings, progress=sys.stderr.isatty())
    typer.echo(result.ingested.summary().to_string())
    typer.echo(
        f"{settings.backend}: {result.stats.node_total} nodes, {result.stats.relationship_total} relationships "
        f"written in {result.manifest['timings']['store']:.2f} s (ingest {result.manifest['timings']['ingest']:.2f} s)"
    )
    typer.echo(f"rejects.csv and manifest.json in {out}")


@app.command()
def score(
    input_dir: Annotated[Path, typer.Argument(help="folder with the contract tables (CSV or Parquet)")],
    out: Annotated[Path, typer.Option(help="output folder: scores.csv, clusters.csv, report.html, ...")] = Path("graphkit-out"),
    as_of: Annotated[Optional[str], typer.Option("--as-of", help="judge permits as of this day (YYYY-MM-DD); default today")] = None,
    backend: Annotated[Optional[Backend], typer.Option(help="memory (default) or neo4j")] = None,
    grace_days: Annotated[Optional[int], typer.Option(help="or GRAPHKIT_GRACE_DAYS (default 30)")] = None,
    neo4j_uri: Annotated[Optional[str], typer.Option(help="or GRAPHKIT_NEO4J_URI")] = None,
    neo4j_user: Annotated[Optional[str], typer.Option(help="or GRAPHKIT_NEO4J_USER")] = None,
    neo4j_database: Annotated[Optional[str], typer.Option(help="or GRAPHKIT_NEO4J_DATABASE")] = None,
) -> None:
    """Score INPUT_DIR: ranked, explained leads for review in OUT (the main job)."""
    from graphkit.audit import audit_export
    from graphkit.jobs import run_score

    settings = make_settings(
        backend=backend.value if backend else None, as_of=as_of, grace_days=grace_days,
        neo4j_uri=neo4j_uri, neo4j_user=neo4j_user, neo4j_database=neo4j_database,
    )
    run = run_score(input_dir, out, settings, progress=sys.stderr.isatty())
    audit_export(out, command="score", manifest=run.manifest, settings=settings)
    m = run.manifest
    rows = sum(c["read"] for c in m["rows"].values())
    rejected = sum(c["rejected"] for c in m["rows"].values())
    typer.echo(f"{rows} rows read, {rejected} rejected; rule set {m['rule_set_version']}, as of {m['parameters']['as_of']}")
    for entity_type, n in m["scored"].items():
        top = run.result.top(entity_type, 3)
        lead = "; ".join(f"#{r.rank} {r.name} ({r.score:g})" for r in top.itertuples())
        typer.echo(f"{entity_type:9} {n:6} leads  {lead}")
    typer.echo(f"{m['clusters']} clusters; outputs in {out} ({sum(v for v in m['timings'].values() if isinstance(v, float)):.1f} s)")
    typer.echo("Scores are leads for human review, not findings.")


@app.command("export-graph")
def export_graph_command(
    entity_id: Annotated[str, typer.Argument(help="table:id of the target, e.g. employers:E01, or an entity_id of scores.csv")],
    out: Annotated[Path, typer.Option(help="the HTML file to write (a .gexf beside it with --gexf)")],
    input_dir: Annotated[Optional[Path], typer.Option("--input", help="contract tables to load (memory backend)")] = None,
    scores: Annotated[Optional[Path], typer.Option(help="a run's scores.csv: its reasons and scores go into the page")] = None,
    hops: Annotated[int, typer.Option(help="how far from the target")] = 2,
    backend: Annotated[Optional[Backend], typer.Option(help="memory (needs --input) or neo4j (reads the server)")] = None,
    pseudonymise: Annotated[Optional[bool], typer.Option("--pseudonymise/--no-pseudonymise", help="or GRAPHKIT_PSEUDONYMISE")] = None,
    gexf: Annotated[bool, typer.Option(help="also write the neighbourhood as GEXF for Gephi")] = False,
) -> None:
    """Write one target's interactive neighbourhood graph (self-contained, offline)."""
    import pandas as pd

    from graphkit.export.graphs import export_gexf, export_graph, neighbourhood, node_id
    from graphkit.jobs import make_pseudonymiser, open_store

    settings = make_settings(backend=backend.value if backend else None, pseudonymise=pseudonymise)
    store = open_store(settings)
    if settings.backend == "memory":
        if input_dir is None:
            raise GraphkitError("the memory backend needs --input (the folder to load), or use --backend neo4j")
        from graphkit import load_folder

        store.load(load_folder(input_dir).tables)
    table = pd.read_csv(scores, dtype=str, keep_default_na=False) if scores else None
    path = export_graph(store, entity_id, hops=hops, out=out, scores=table, cap=settings.graph_cap,
                        pseudonymise=make_pseudonymiser(settings))
    typer.echo(f"wrote {path}")
    if gexf:
        seeds = [node_id(s) for s in (table.set_index("entity_id").loc[entity_id, "source_ids"].split(";") if table is not None else [entity_id])]
        typer.echo(f"wrote {export_gexf(neighbourhood(store, seeds, hops=hops, cap=settings.graph_cap), out.with_suffix('.gexf'))}")


class Format(str, Enum):
    csv = "csv"
    parquet = "parquet"


@app.command()
def synth(
    out_dir: Annotated[Path, typer.Argument(help="folder for persons.csv, permits.csv, ...")],
    persons: Annotated[int, typer.Option(help="number of humans (1000 or more)")] = 20_000,
    seed: Annotated[int, typer.Option(help="random seed: same seed, same bytes")] = 7,
    as_of: Annotated[Optional[str], typer.Option("--as-of", help="the day the data describe (default 2026-11-01)")] = None,
    format: Annotated[Format, typer.Option("--format", help="csv or parquet")] = Format.csv,
    truth: Annotated[Optional[Path], typer.Option(help="where truth.json goes (default <OUT_DIR>.truth.json, never inside)")] = None,
    style: Annotated[str, typer.Option(help="world style: baseline, harbour, plantation, campus, agency, corridor, boomtown; held out: longhaul, bazaar")] = "baseline",
) -> None:
    """Write a synthetic scenario with planted typologies, look-alikes and ground truth."""
    from graphkit.datasets.synth import synth as make, write_scenario

    try:
        scenario = make(persons, seed, as_of, style=style)
        write_scenario(scenario, out_dir, format.value, truth)
    except ValueError as exc:
        raise GraphkitError(str(exc)) from None
    counts = scenario.truth["counts"]
    typed = ", ".join(f"{len(v)} {k}" for k, v in scenario.truth["typologies"].items())
    typer.echo(f"{sum(counts.values()):,} rows in {len(counts)} tables written to {out_dir}; planted: {typed}")


@app.command()
def evaluate(
    out_dir: Annotated[Path, typer.Argument(help="a scoring output folder (scores.csv, clusters.csv)")],
    truth: Annotated[Path, typer.Option(help="the scenario's truth.json")],
) -> None:
    """Measure a scoring run against a synthetic scenario's ground truth."""
    from graphkit.evaluate import evaluate as measure

    typer.echo(str(measure(out_dir, truth)))


@app.command()
def demo(
    out: Annotated[Path, typer.Option(help="where the scenario and the scored outputs go")] = Path("graphkit-demo"),
    persons: Annotated[int, typer.Option(help="size of the synthetic scenario")] = 20_000,
) -> None:
    """The main job on a synthetic scenario: generate it (seed 7), score it in memory, evaluate it."""
    from graphkit.datasets.synth import DEFAULT_AS_OF, synth as make, write_scenario
    from graphkit.evaluate import evaluate as measure
    from graphkit.jobs import run_score

    scenario_dir = write_scenario(make(persons, 7), out / "input")
    run = run_score(scenario_dir, out / "output", make_settings(as_of=DEFAULT_AS_OF), progress=sys.stderr.isatty())
    for entity_type in ("EMPLOYER", "SPONSOR", "ADDRESS", "PERSON", "NETWORK"):
        for r in run.result.top(entity_type, 2).itertuples():
            typer.echo(f"{entity_type:8} #{r.rank} {r.name} ({r.score:g}): {r.reasons.split('; ')[0][:150]}")
    typer.echo(str(measure(out / "output", out / "input.truth.json")))
    typer.echo(f"Open {out / 'output' / 'report.html'} in a browser. Scores are leads for human review, not findings.")


class LogFormat(str, Enum):
    text = "text"
    json = "json"


@app.command("run")
def run_command(
    config: Annotated[Optional[Path], typer.Option(help="TOML run file; its keys are the options below; a neo4j table holds uri, user, database, password_env")] = None,
    input_dir: Annotated[Optional[Path], typer.Option(help="folder with the contract tables; or GRAPHKIT_INPUT_DIR")] = None,
    output_root: Annotated[Optional[Path], typer.Option(help="folder for runs/, latest, runs.jsonl, audit.jsonl; or GRAPHKIT_OUTPUT_ROOT")] = None,
    purpose: Annotated[Optional[str], typer.Option(help="case or operation reference (required); or GRAPHKIT_PURPOSE")] = None,
    as_of: Annotated[Optional[str], typer.Option("--as-of", help="judge permits as of this day (YYYY-MM-DD); default today")] = None,
    backend: Annotated[Optional[Backend], typer.Option(help="memory (default) or neo4j")] = None,
    pseudonymise: Annotated[Optional[bool], typer.Option("--pseudonymise/--no-pseudonymise", help="keyed pseudonyms in exports (key: GRAPHKIT_PSEUDONYM_KEY)")] = None,
    grace_days: Annotated[Optional[int], typer.Option(help="or GRAPHKIT_GRACE_DAYS (default 30)")] = None,
    alpha: Annotated[Optional[float], typer.Option(help="or GRAPHKIT_ALPHA (default 0.001)")] = None,
    min_crowd: Annotated[Optional[int], typer.Option(help="or GRAPHKIT_MIN_CROWD (default 4)")] = None,
    hub_limit: Annotated[Optional[int], typer.Option(help="or GRAPHKIT_HUB_LIMIT (default 8)")] = None,
    lookback_days: Annotated[Optional[int], typer.Option(help="or GRAPHKIT_LOOKBACK_DAYS (default 365)")] = None,
    band_high: Annotated[Optional[float], typer.Option(help="score from which a lead is HIGH (default 70)")] = None,
    band_medium: Annotated[Optional[float], typer.Option(help="score from which a lead is MEDIUM (default 40)")] = None,
    neo4j_uri: Annotated[Optional[str], typer.Option(help="or GRAPHKIT_NEO4J_URI")] = None,
    neo4j_user: Annotated[Optional[str], typer.Option(help="or GRAPHKIT_NEO4J_USER")] = None,
    neo4j_database: Annotated[Optional[str], typer.Option(help="or GRAPHKIT_NEO4J_DATABASE")] = None,
    neo4j_password_env: Annotated[Optional[str], typer.Option(help="NAME of the variable holding the Neo4j password")] = None,
    audit_log: Annotated[Optional[Path], typer.Option(help="audit trail file (default OUTPUT_ROOT/audit.jsonl)")] = None,
    log_format: Annotated[Optional[LogFormat], typer.Option(help="text (default) or json lines on stderr")] = None,
) -> None:
    """A scheduled run: locked, kept under OUTPUT_ROOT/runs/<run_id>, with changes since the last run.

    Exit codes: 0 ok, 1 internal error, 2 bad input or config, 3 another run holds the lock.
    """
    from graphkit.schedule import config_values, configure_logging, run_scheduled

    flags = dict(
        input_dir=input_dir, output_root=output_root, purpose=purpose, as_of=as_of, backend=backend.value if backend else None,
        pseudonymise=pseudonymise, grace_days=grace_days, alpha=alpha, min_crowd=min_crowd, hub_limit=hub_limit,
        lookback_days=lookback_days, band_high=band_high, band_medium=band_medium, neo4j_uri=neo4j_uri, neo4j_user=neo4j_user,
        neo4j_database=neo4j_database, neo4j_password_env=neo4j_password_env, audit_log=audit_log,
        log_format=log_format.value if log_format else None,
    )
    settings = make_settings(**{**config_values(config), **{k: v for k, v in flags.items() if v is not None}})
    configure_logging(settings.log_format)
    record = run_scheduled(settings)
    changes = ", ".join(f"{kind} {n}" for kind, n in record["changes"].items())
    typer.echo(f"run {record['run_id']}: {sum(record['scored'].values())} leads; since {record['previous_run_id'] or 'no earlier run'}: {changes}")
    typer.echo(f"outputs in {settings.output_root / record['folder']} (also {settings.output_root / 'latest'}). "
               "Scores are leads for human review, not findings.")


audit_app = typer.Typer(no_args_is_help=True, help="The hash-chained audit trail of runs and exports.")
app.add_typer(audit_app, name="audit")


@audit_app.command("verify")
def audit_verify(
    path: Annotated[Optional[Path], typer.Argument(help="audit.jsonl (default GRAPHKIT_AUDIT_LOG, else ~/.local/share/graphkit/audit.jsonl)")] = None,
) -> None:
    """Check the audit trail's hash chain; exit 1 naming the first broken line."""
    from graphkit.audit import default_audit_log, verify_audit

    ok, message = verify_audit(path or make_settings().audit_log or default_audit_log())
    typer.echo(message)
    if not ok:
        raise typer.Exit(1)


neo4j_app = typer.Typer(no_args_is_help=True, help="Run the project's own Neo4j 5.26 (assembled from Maven Central).")
app.add_typer(neo4j_app, name="neo4j")
DataDir = Annotated[Optional[Path], typer.Option(help="instance folder (default ~/.local/share/graphkit/neo4j)")]


def _data_dir(data_dir: Path | None) -> Path:
    if data_dir:
        return data_dir
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "graphkit" / "neo4j"


@neo4j_app.command("start")
def neo4j_start(
    data_dir: DataDir = None,
    heap: Annotated[str, typer.Option(help="JVM heap, e.g. 2g")] = "1g",
    pagecache: Annotated[str, typer.Option(help="page cache, e.g. 1g")] = "512m",
) -> None:
    """Start Neo4j on the port of GRAPHKIT_NEO4J_URI with the password GRAPHKIT_NEO4J_PASSWORD."""
    from urllib.parse import urlparse

    from graphkit.neo4j_server import start

    settings = make_settings()
    if not settings.neo4j_password.get_secret_value():
        raise GraphkitError("set GRAPHKIT_NEO4J_PASSWORD (8 characters or more) before starting Neo4j")
    port = urlparse(settings.neo4j_uri).port or 7687
    server = start(_data_dir(data_dir), port, settings.neo4j_password, heap=heap, pagecache=pagecache)
    typer.echo(f"Neo4j running at {server.uri} (pid {server.pid}, user {server.user}); log: {server.log_path}")


@neo4j_app.command("stop")
def neo4j_stop(data_dir: DataDir = None) -> None:
    """Stop the server of the instance folder."""
    from graphkit.neo4j_server import stop

    typer.echo("stopped" if stop(_data_dir(data_dir)) else "not running")


@neo4j_app.command("status")
def neo4j_status(data_dir: DataDir = None) -> None:
    """Say whether the instance's server runs, and where."""
    from graphkit.neo4j_server import status

    s = status(_data_dir(data_dir))
    typer.echo(f"{s['state']}" + (f" at {s['uri']} (pid {s['pid']})" if s["pid"] else "") + f"; data in {s['data_dir']}")
    if s["state"] == "stopped":
        raise typer.Exit(3)


def main() -> None:
    """Entry point: run the app and turn errors into one line and an exit code."""
    try:
        app()
    except GraphkitError as exc:
        typer.echo(f"graphkit: {exc}", err=True)
        sys.exit(exc.exit_code)
    except Exception as exc:  # noqa: BLE001 - the last line of defence: one line, never a traceback
        if os.environ.get("GRAPHKIT_DEBUG"):
            raise
        typer.echo(f"graphkit: internal error: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''} "
                   "(set GRAPHKIT_DEBUG=1 for the traceback)", err=True)
        sys.exit(1)
