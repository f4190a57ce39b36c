"""First loads by Neo4j's offline importer, into a server graphkit runs itself (``graphkit neo4j start``).

``neo4j-admin database import full`` writes the store files directly, orders of magnitude faster than
Cypher ``MERGE``: graphkit writes one Parquet file per node and relationship set (import headers in
the column names, ``:ID(Person)``, ``:START_ID(Person)``, integer ids; dates and floats typed by Parquet),
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
[':ID(Person)', 'person_id']
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import psutil
import pyarrow as pa
import pyarrow.compute as pc
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

    Each label is its own id group. The importer's ids are integers (``--id-type=integer``: no
    string id map to build, about a third of its work): a node's id is the row of the first node of
    its key (:func:`import_ids`), stored nowhere; the key itself is an ordinary property. A node
    row whose key repeats an earlier one gets that row's id, so the importer reports it as a
    duplicate and keeps the first node (as validation does), and it adds no relationship.
    """
    schema = schema or load_schema()
    folder.mkdir(parents=True, exist_ok=True)
    keys = node_keys(tables, schema)
    out = []
    for label, ns in node_sets(tables, schema).items():
        ids = import_ids(keys[label], keys[label])
        out.append(_write(ns.frame, schema.node_table(label), {f":ID({label})": ids},
                          folder / f"nodes-{ns.name}.parquet", "nodes", label))
    for rs in relationship_sets(tables, schema):
        frame = rs.frame
        own = _reference(rs, schema)
        if own is not None:
            frame = frame[~frame[own[2]].duplicated()]
        ends = {f":START_ID({rs.start_label})": import_ids(_strings(frame["start"]), keys.get(rs.start_label)),
                f":END_ID({rs.end_label})": import_ids(_strings(frame["end"]), keys.get(rs.end_label))}
        edge = next((t for t in schema.tables if t.edge and t.edge.type == rs.type), None)
        out.append(_write(frame.drop(columns=["start", "end"]), edge, ends,
                          folder / f"relationships-{rs.name}.parquet", "relationships", rs.type))
    return out


def node_keys(tables: dict[str, pd.DataFrame], schema: Schema | None = None) -> dict[str, pa.Array]:
    """The graph key of every node row, per label, in row order (what :func:`import_ids` looks up)."""
    return {label: _strings(ns.frame[ns.key]) for label, ns in node_sets(tables, schema or load_schema()).items()}


def import_ids(values: pa.Array, keys: pa.Array | None) -> pa.Array:
    """The importer's integer id of each key in `values`: the row of its first node in `keys`.

    A key with no node gets an id past every node's (one per distinct key), so the importer
    reports the relationship that refers to it.

    >>> keys = pa.array(["A", "B", "A"])
    >>> import_ids(keys, keys).to_pylist(), import_ids(pa.array(["B", "X", "Y", "X"]), keys).to_pylist()
    ([0, 1, 0], [1, 3, 4, 3])
    """
    keys = keys if keys is not None else pa.array([], pa.string())
    ids = pc.index_in(values, value_set=keys)
    if ids.null_count:
        unknown = pc.unique(pc.filter(values, pc.is_null(ids)))
        ids = pc.coalesce(ids, pc.add(pc.index_in(values, value_set=unknown), len(keys)))
    return ids.cast(pa.int64())


def _strings(s: pd.Series) -> pa.Array:
    """A text column as an Arrow string array, missing values null (no Python object per value
    when pandas already holds the column as Arrow strings)."""
    try:
        return pa.array(s, pa.string(), from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return pa.array(s.astype("object").where(s.notna(), None).map(lambda v: v if v is None else str(v)), pa.string())


def _write(frame: pd.DataFrame, table: Table | None, ids: dict[str, pa.Array], path: Path, kind: str, name: str) -> ImportFile:
    """The id columns, then each property typed for the importer: dates as Date, floats as Float,
    the rest String."""
    columns: dict[str, Column] = {c.name: c for c in table.columns} if table else {}
    arrays = dict(ids)
    for name_ in frame.columns:
        column = columns.get(name_)
        kind_ = column.type if column else "string"
        s = frame[name_]
        if kind_ == "date":
            arrays[name_] = pa.Array.from_pandas(pd.to_datetime(s)).cast(pa.date32())
        elif kind_ == "float":
            arrays[name_] = pa.array(pd.to_numeric(s), pa.float64(), from_pandas=True)
        else:
            arrays[name_] = _strings(s)
    pq.write_table(pa.table(arrays), path)
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
    _stop_stale_importer(data_dir)
    folder = data_dir / "import" / _IMPORT_DIR
    shutil.rmtree(folder, ignore_errors=True)
    with ThreadPoolExecutor(1) as pool:  # the server stops (a checkpoint, its threads) while the files are written
        stopping = pool.submit(neo4j_server.stop, data_dir)
        files = write_import_files(tables, folder, schema)
        stopping.result()
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
           "database", "import", "full", database, "--input-type=parquet", "--id-type=integer", *args,
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
    the row that made it). Lines name the importer's integer ids (:func:`import_ids`); they are
    matched against the relationships graphkit wrote, never parsed apart, and mapped back to keys.
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
        named = set(keys.iloc[sorted(int(i) for i in ids)])
        later = keys[keys.isin(named) & keys.duplicated()]
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
    keys = node_keys(tables, schema)
    for rs in relationship_sets(tables, schema):
        ref = _reference(rs, schema)
        values = {side: rs.frame[side].astype(str) for side in ("start", "end")}
        ids = {side: pd.Series(import_ids(_strings(rs.frame[side]), keys.get(label)).to_numpy(zero_copy_only=False),
                               index=rs.frame.index).astype(str)
               for side, label in (("start", rs.start_label), ("end", rs.end_label))}
        prefix = ids["start"] + f" ({rs.start_label})-[{rs.type}]->" + ids["end"] + f" ({rs.end_label}){_MISSING}"
        for side in ("start", "end"):
            hit = (prefix + ids[side]).isin(lines)
            if ref is not None:
                table, col, own_side = ref
                own_keys = _node_keys(table, tables, schema)
                row_of = pd.Series(own_keys.index[~own_keys.duplicated()], index=own_keys[~own_keys.duplicated()].to_numpy())
                for key, value in zip(rs.frame[own_side][hit], values[side][hit]):
                    i = row_of[key]
                    rows.append({"table": table.name, "row_number": int(i), "column": col.name, "value": value,
                                 "reason": "unknown_reference", "set": rs.name, "node_label": table.node, "node_key": key})
            else:
                table = next(t for t in schema.tables if t.edge and t.edge.type == rs.type)
                column = table.edge.start if side == "start" else table.edge.end
                index = tables[table.name].index[hit.to_numpy()]
                rows += [{"table": table.name, "row_number": int(i), "column": column, "value": v,
                          "reason": "unknown_reference", "set": rs.name, "node_label": None, "node_key": None}
                         for i, v in zip(index, values[side][hit])]
    return rows
