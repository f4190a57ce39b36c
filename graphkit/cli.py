"""The ``graphkit`` command: a thin layer that parses arguments, builds Settings, calls one library
function and prints a summary. Bad input or settings: one line on stderr, exit 2; internal
failure: one line, exit 1 (``GRAPHKIT_DEBUG=1`` shows the traceback)."""

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
    from graphkit.jobs import run_score

    settings = make_settings(
        backend=backend.value if backend else None, as_of=as_of, grace_days=grace_days,
        neo4j_uri=neo4j_uri, neo4j_user=neo4j_user, neo4j_database=neo4j_database,
    )
    run = run_score(input_dir, out, settings, progress=sys.stderr.isatty())
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
) -> None:
    """Write a synthetic scenario with planted typologies, look-alikes and ground truth."""
    from graphkit.datasets.synth import synth as make, write_scenario

    try:
        scenario = make(persons, seed, as_of)
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
