"""First loads by Neo4j's offline importer, into a server graphkit runs itself (``graphkit neo4j start``).

``neo4j-admin database import full`` writes the store files directly, orders of magnitude faster than
Cypher ``MERGE``: graphkit writes one Parquet file per node and relationship set (import headers in
the column names, ``person_id:ID(Person)``, ``:START_ID(Person)``; dates and floats typed by Parquet),
stops the server, runs the importer from the same Maven assembly, starts the server again and maps the
importer's bad-entries report onto ``rejects.csv`` rows. The Neo4j store then creates the constraints.

A marker file (:data:`PENDING`) exists from the moment the server is stopped until the new graph is up:
a killed import leaves it behind, and the next load sees it and imports again from scratch, so a
killed import reruns to the graph of a clean one.

Examples
--------
>>> from graphkit import load_folder
>>> from graphkit.datasets import tiny_path
>>> import tempfile
>>> files = write_import_files(load_folder(tiny_path()).tables, Path(tempfile.mkdtemp()))
>>> [(f.kind, f.name, f.rows) for f in files][:2]
[('nodes', 'Person', 32), ('nodes', 'Address', 10)]
>>> pq.read_schema(files[0].path).names[:2]
['person_id:ID(Person)', 'full_name']
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import psutil
import pyarrow as pa
import pyarrow.parquet as pq
from pydantic import SecretStr

from graphkit import neo4j_server
from graphkit.errors import Neo4jServerError
from graphkit.graphmodel import RelationshipSet, node_sets, relationship_sets
from graphkit.ingest import REJECT_COLUMNS
from graphkit.schema import Column, Schema, Table, load_schema

PENDING = "import.pending"
"""In a data dir: a bulk import began and its graph is not up yet; the next load imports again."""

_ADMIN_TOOL = "org.neo4j.cli.AdminTool"
_IMPORT_DIR = "graphkit-import"
_DUPLICATE = re.compile(r"^Id '(?P<id>.*)' is defined more than once in group '(?P<group>[^']*)'$")
_MISSING = " referring to missing node "


@dataclass(frozen=True)
class ImportFile:
    """One input file of the importer: ``kind`` is ``nodes`` or ``relationships``, ``name`` its label or type."""

    kind: str
    name: str
    path: Path
    rows: int


def import_pending(data_dir: str | os.PathLike) -> bool:
    """True if a bulk import into `data_dir` began and did not finish (killed or failed)."""
    return (Path(data_dir).expanduser().resolve() / PENDING).exists()


def write_import_files(tables: dict[str, pd.DataFrame], folder: Path, schema: Schema | None = None) -> list[ImportFile]:
    """One Parquet file per node set and relationship set, column names carrying the import header.

    Each label is its own id group, so keys need only be unique within a label. A node row whose key
    repeats an earlier one adds no relationship (the importer keeps the first node of a key, and so
    does validation).
    """
    schema = schema or load_schema()
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for label, ns in node_sets(tables, schema).items():
        table = schema.node_table(label)
        frame = ns.frame.rename(columns={ns.key: f"{ns.key}:ID({label})"})
        out.append(_write(frame, _arrow_schema(frame, table), folder / f"nodes-{ns.name}.parquet", "nodes", label))
    for rs in relationship_sets(tables, schema):
        frame = rs.frame
        own = _reference(rs, schema)
        if own is not None:
            frame = frame[~frame[own[2]].duplicated()]
        frame = frame.rename(columns={"start": f":START_ID({rs.start_label})", "end": f":END_ID({rs.end_label})"})
        edge = next((t for t in schema.tables if t.edge and t.edge.type == rs.type), None)
        out.append(_write(frame, _arrow_schema(frame, edge), folder / f"relationships-{rs.name}.parquet", "relationships", rs.type))
    return out


def _arrow_schema(frame: pd.DataFrame, table: Table | None) -> pa.Schema:
    """Parquet types the importer maps onto Neo4j types: dates as Date, floats as Float, the rest String."""
    columns: dict[str, Column] = {c.name: c for c in table.columns} if table else {}
    fields = []
    for name in frame.columns:
        column = columns.get(name.split(":", 1)[0])
        kind = column.type if column else "string"
        fields.append(pa.field(name, pa.date32() if kind == "date" else pa.float64() if kind == "float" else pa.string()))
    return pa.schema(fields)


def _write(frame: pd.DataFrame, schema: pa.Schema, path: Path, kind: str, name: str) -> ImportFile:
    arrays = []
    for f in schema:
        s = frame[f.name]
        if pa.types.is_date32(f.type):
            arrays.append(pa.Array.from_pandas(pd.to_datetime(s)).cast(pa.date32()))
        elif pa.types.is_float64(f.type):
            arrays.append(pa.array(pd.to_numeric(s), pa.float64(), from_pandas=True))
        else:
            arrays.append(pa.array(s.astype("object").where(s.notna(), None), pa.string()))
    pq.write_table(pa.Table.from_arrays(arrays, schema=schema), path)
    return ImportFile(kind, name, path, len(frame))


def _reference(rs: RelationshipSet, schema: Schema) -> tuple[Table, Column, str] | None:
    """For a relationship made by a node table's reference column: that table, the column and the
    side (``start`` or ``end``) of the row's own node; None for a relationship table."""
    for table in schema.tables:
        for col in table.references:
            if col.relationship != rs.type or not table.node:
                continue
            target = schema.table(col.references).node
            if col.direction == "out" and (table.node, target) == (rs.start_label, rs.end_label):
                return table, col, "start"
            if col.direction == "in" and (target, table.node) == (rs.start_label, rs.end_label):
                return table, col, "end"
    return None


@contextmanager
def load_lock(data_dir: Path) -> Iterator[None]:
    """One bulk load per data dir at a time: a second waits, then finds the graph there."""
    (data_dir / "run").mkdir(parents=True, exist_ok=True)
    with open(data_dir / "run" / "graphkit-load.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def bulk_import(tables: dict[str, pd.DataFrame], data_dir: str | os.PathLike, password: str | SecretStr,
                database: str = "neo4j", schema: Schema | None = None) -> pd.DataFrame:
    """Replace the graph of the server in `data_dir` by `tables` with the offline importer.

    The server is stopped, the importer writes a new store, the server is started again as it ran
    before (port, heap, page cache). The caller holds :func:`load_lock` and creates the constraints.

    Returns
    -------
    pandas.DataFrame
        The rows the importer rejected, as ``rejects.csv`` rows (``table``, ``row_number``,
        ``column``, ``value``, ``reason``), plus ``set``, the node label or relationship set name
        (:attr:`~graphkit.graphmodel.RelationshipSet.name`) the row did not reach, and ``node_label``
        and ``node_key``: the node the importer did write for a rejected row (its relationship was
        refused), to be removed.
    """
    schema = schema or load_schema()
    data_dir = Path(data_dir).expanduser().resolve()
    options = neo4j_server.start_options(data_dir)
    if options is None:
        raise Neo4jServerError(f"{data_dir} holds no server started by graphkit: run graphkit neo4j start first")
    (data_dir / PENDING).write_text("the graph of this data dir is being replaced by a bulk import\n")
    neo4j_server.stop(data_dir)
    _stop_stale_importer(data_dir)
    folder = data_dir / "import" / _IMPORT_DIR
    shutil.rmtree(folder, ignore_errors=True)
    files = write_import_files(tables, folder, schema)
    report = folder / "import.report"
    _run_importer(data_dir, database, files, report, options["heap"])
    rejects = read_report(report, tables, schema)
    neo4j_server.start(data_dir, options["port"], password, heap=options["heap"], pagecache=options["pagecache"])
    (data_dir / PENDING).unlink()
    shutil.rmtree(folder, ignore_errors=True)
    return rejects


def _run_importer(data_dir: Path, database: str, files: list[ImportFile], report: Path, heap: str) -> None:
    home = neo4j_server.assemble()
    args = [f"--{f.kind}={f.name}={f.path}" for f in files if f.rows]
    cmd = [str(neo4j_server._java()), f"-Xmx{heap}", *neo4j_server._JVM_FLAGS, "-cp", f"{home / 'lib'}/*", _ADMIN_TOOL,
           "database", "import", "full", database, "--input-type=parquet", *args,
           "--overwrite-destination=true", f"--report-file={report}",
           # rejects are counted row by row (read_report), never a reason to give up
           "--skip-bad-relationships=true", "--skip-duplicate-nodes=true", "--bad-tolerance=-1"]
    env = {**os.environ, "NEO4J_HOME": str(home), "NEO4J_CONF": str(data_dir / "conf")}
    log_path = data_dir / "logs" / "import.log"
    with open(log_path, "w") as log:
        proc = subprocess.Popen(cmd, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, cwd=data_dir)
        (data_dir / "run" / "import.pid").write_text(f"{proc.pid}\n")
        code = proc.wait()
    (data_dir / "run" / "import.pid").unlink(missing_ok=True)
    if code != 0:
        raise Neo4jServerError(
            f"neo4j-admin database import stopped with code {code} ({log_path}: "
            f"{neo4j_server._tail(log_path.read_text(errors='replace'))}); the server is stopped and "
            "the graph incomplete: run the load again"
        )


def _stop_stale_importer(data_dir: Path) -> None:
    """An importer outliving a killed load would write into the store the next import rebuilds."""
    try:
        process = psutil.Process(int((data_dir / "run" / "import.pid").read_text()))
        if _ADMIN_TOOL in process.cmdline() and process.environ().get("NEO4J_CONF") == str(data_dir / "conf"):
            process.kill()
            process.wait(30)
    except (OSError, ValueError, psutil.Error):
        pass


def read_report(report: Path, tables: dict[str, pd.DataFrame], schema: Schema | None = None) -> pd.DataFrame:
    """The importer's bad-entries report as ``rejects.csv`` rows (see :func:`bulk_import`).

    Two kinds of entry: a node id defined more than once in its label (the later rows are
    ``duplicate_key``), and a relationship referring to a missing node (``unknown_reference`` for
    the row that made it). Lines are matched against the relationships graphkit wrote, never parsed
    apart, so ids holding spaces, brackets or arrows map exactly.
    """
    schema = schema or load_schema()
    lines = [ln for ln in report.read_text(encoding="utf-8").splitlines() if ln.strip()] if report.exists() else []
    if not lines:
        return pd.DataFrame(columns=[*REJECT_COLUMNS, "set", "node_label", "node_key"])
    rows: list[dict] = []
    duplicates: dict[str, set[str]] = {}
    missing: list[str] = []
    for line in lines:
        hit = _DUPLICATE.match(line)
        if hit:
            duplicates.setdefault(hit["group"], set()).add(hit["id"])
        elif _MISSING in line:
            missing.append(line)
        else:
            raise Neo4jServerError(f"{report}: an importer report line graphkit does not know: {line[:200]}")
    for label, ids in duplicates.items():
        table = schema.node_table(label)
        keys = _node_keys(table, tables, schema)
        later = keys[keys.isin(ids) & keys.duplicated()]
        rows += [{"table": table.name, "row_number": int(i), "column": table.graph_key, "value": k,
                  "reason": "duplicate_key", "set": label, "node_label": None, "node_key": None} for i, k in later.items()]
    if missing:
        rows += _missing_reference_rows(set(missing), tables, schema)
    if len(rows) != len(lines):
        raise Neo4jServerError(f"{report}: {len(lines)} importer rejects, {len(rows)} mapped onto rows")
    return pd.DataFrame(rows, columns=[*REJECT_COLUMNS, "set", "node_label", "node_key"])


def _node_keys(table: Table, tables: dict[str, pd.DataFrame], schema: Schema) -> pd.Series:
    """The graph key of each row of a node table, indexed by row number (composite keys built)."""
    keys = node_sets({table.name: tables[table.name]}, schema)[table.node].frame[table.graph_key]
    return pd.Series(keys.to_numpy(), index=tables[table.name].index)


def _missing_reference_rows(lines: set[str], tables: dict[str, pd.DataFrame], schema: Schema) -> list[dict]:
    rows = []
    for rs in relationship_sets(tables, schema):
        ref = _reference(rs, schema)
        start, end = rs.frame["start"].astype(str), rs.frame["end"].astype(str)
        prefix = start + f" ({rs.start_label})-[{rs.type}]->" + end + f" ({rs.end_label}){_MISSING}"
        for side, ids in (("start", start), ("end", end)):
            hit = (prefix + ids).isin(lines)
            if ref is not None:
                table, col, own_side = ref
                keys = _node_keys(table, tables, schema)
                row_of = pd.Series(keys.index[~keys.duplicated()], index=keys[~keys.duplicated()].to_numpy())
                for key, value in zip(rs.frame[own_side][hit], ids[hit]):
                    i = row_of[key]
                    rows.append({"table": table.name, "row_number": int(i), "column": col.name, "value": value,
                                 "reason": "unknown_reference", "set": rs.name, "node_label": table.node, "node_key": key})
            else:
                table = next(t for t in schema.tables if t.edge and t.edge.type == rs.type)
                column = table.edge.start if side == "start" else table.edge.end
                index = tables[table.name].index[hit.to_numpy()]
                rows += [{"table": table.name, "row_number": int(i), "column": column, "value": v,
                          "reason": "unknown_reference", "set": rs.name, "node_label": None, "node_key": None} for i, v in zip(index, ids[hit])]
    return rows
