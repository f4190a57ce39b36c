"""The Neo4j store: the same graph as the memory store, written to a real server over Bolt.

Writes are batched ``UNWIND $rows AS row MERGE ...`` statements from ``cypher/load`` on
constrained keys, so a load is idempotent and a load killed half-way, run again, ends with exactly
the graph of a clean load. The driver is made by the caller (see :func:`connect`) and passed in.
"""

from __future__ import annotations

import math
import random
from concurrent.futures import ThreadPoolExecutor
import time
from collections.abc import Iterator
from itertools import chain
from pathlib import Path
from urllib.parse import urlparse

import neo4j
import numpy as np
import pandas as pd
from neo4j.exceptions import AuthError, ClientError, ConstraintError, ServiceUnavailable, SessionExpired, TransientError
from pydantic import SecretStr
from tqdm.auto import tqdm

from graphkit import neo4j_server
from graphkit.config import Settings
from graphkit.cypher import names, query
from graphkit.errors import GraphkitError, Neo4jUnavailableError, ReadOnlyError
from graphkit.graphmodel import NodeSet, RelationshipSet, node_sets, relationship_sets
from graphkit.schema import Schema, load_schema
from graphkit.store.base import LoadStats, tables_from_graph
from graphkit.store.neo4j_import import bulk_import, import_pending, load_lock


def connect(settings: Settings, verify: bool = True) -> neo4j.Driver:
    """A verified driver for the server in ``settings``; one clear line if it can't be reached.

    The message names the URI and user, never the password. ``verify=False`` skips the check
    (the server is about to be started by a bulk import).
    """
    driver = neo4j.GraphDatabase.driver(settings.neo4j_uri, auth=settings.neo4j_auth())
    if not verify:
        return driver
    try:
        driver.verify_connectivity()
    except AuthError:
        driver.close()
        raise Neo4jUnavailableError(
            f"Neo4j at {settings.neo4j_uri} refused user {settings.neo4j_user!r}: check GRAPHKIT_NEO4J_USER and GRAPHKIT_NEO4J_PASSWORD"
        ) from None
    except (ServiceUnavailable, OSError, ValueError) as exc:
        driver.close()
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise Neo4jUnavailableError(
            f"Neo4j at {settings.neo4j_uri} is unreachable ({reason}): is the server running (graphkit neo4j status) and GRAPHKIT_NEO4J_URI right?"
        ) from None
    return driver


def managed_data_dir(settings: Settings) -> Path | None:
    """The instance folder of the server at ``settings.neo4j_uri`` if graphkit runs it, else None.

    That is ``settings.neo4j_data_dir`` (default: the one of ``graphkit neo4j start``) when its last
    start used the URI's port on this machine.

    >>> managed_data_dir(Settings(neo4j_data_dir="/nonexistent")) is None
    True
    """
    data_dir = Path(settings.neo4j_data_dir or neo4j_server.default_data_dir()).expanduser().resolve()
    options = neo4j_server.start_options(data_dir)
    uri = urlparse(settings.neo4j_uri)
    if options is None or uri.hostname not in ("127.0.0.1", "localhost") or (uri.port or 7687) != options["port"]:
        return None
    return data_dir


_READ_CHUNK = 100_000  # nodes per read-back query: one record each, decoded in one go
_READERS = 3  # concurrent read-back queries
_WRITERS = 3  # concurrent write sessions of an online load
RETRY_DELAYS = (0.5, 1, 2, 4, 8, 16, 16, 16)
"""Seconds between attempts of a write batch on a transient error: about a minute, which covers a
server restart, then the load stops with one line."""


def with_retries(work, delays: tuple[float, ...] = RETRY_DELAYS):
    """Call ``work()``; on a transient error (deadlock, lock timeout, lost or restarting server)
    wait the next delay (with jitter) and call again; after the last delay raise one clear line.

    The driver's own managed-transaction retries are not used: their bound is a time, this one a
    count, and it says what happened.

    >>> with_retries(lambda: 42)
    42
    """
    for delay in (*delays, None):
        try:
            return work()
        except (TransientError, ServiceUnavailable, SessionExpired) as exc:
            if delay is None:
                reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                raise Neo4jUnavailableError(
                    f"Neo4j write failed {len(delays) + 1} times, the last time: {reason[:300]}; "
                    "the load is idempotent: run it again once the server is up"
                ) from None
            time.sleep(delay * (1 + random.random() / 4))


def read_cypher(driver: neo4j.Driver, statement: str, database: str = "neo4j", **parameters) -> pd.DataFrame:
    """Run one statement in an analyst's read-only session; its rows as a DataFrame.

    The statement is planned first (``EXPLAIN``): one that would write, change the schema or call a
    writing procedure is refused with :class:`~graphkit.errors.ReadOnlyError` before it runs; the
    session itself is ``READ_ACCESS``, so the server refuses a write too. Writes belong to
    ``graphkit load`` and ``graphkit score``.
    """
    with driver.session(database=database, default_access_mode=neo4j.READ_ACCESS) as session:
        try:
            kind = session.run("EXPLAIN " + statement, parameters).consume().query_type
            if kind != "r":
                raise ReadOnlyError(
                    f"analyst sessions are read-only: this statement would write (query type {kind!r}); "
                    "the graph is changed only by graphkit load and graphkit score"
                )
            return session.run(statement, parameters).to_df()
        except ClientError as exc:
            if "AccessMode" in (exc.code or "") or "Forbidden" in (exc.code or ""):
                raise ReadOnlyError(f"analyst sessions are read-only: the server refused a write ({exc.code})") from None
            raise


def run_analysis(driver: neo4j.Driver, name: str, database: str = "neo4j", **parameters) -> pd.DataFrame:
    """Run ``cypher/analysis/<name>.cypher`` read-only (see :func:`read_cypher`) with `parameters`."""
    return read_cypher(driver, query(f"analysis/{name}"), database, **parameters)


def _plain(value):
    """A pandas cell as a value the driver sends: None for missing, dates as dates."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, np.generic):
        return value.item()
    return value


def _records(frame: pd.DataFrame, skip: tuple[str, ...] = ()) -> list[dict]:
    """Rows as property maps without missing values (Neo4j stores no nulls)."""
    cols = [c for c in frame.columns if c not in skip]
    values = {c: [_plain(v) for v in frame[c].tolist()] for c in cols}
    return [{c: values[c][i] for c in cols if values[c][i] is not None} for i in range(len(frame))]


def _batches(rows: list[dict], size: int) -> Iterator[list[dict]]:
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


def _ids(parts: list[neo4j.Record], name: str) -> np.ndarray:
    """The internal ids in column `name` of every part, in order."""
    return np.concatenate([np.asarray(p[name], dtype=np.int64) for p in parts]) if parts else np.empty(0, np.int64)


def _columns_frame(parts: list[neo4j.Record], table, columns: list[str], first: dict | None = None,
                   keep: np.ndarray | None = None) -> pd.DataFrame:
    """The schema columns of every part (:meth:`Neo4jStore._read_parts`: plain columns, then dates)
    as one frame after the columns `first`, only the rows at positions `keep` if given: text as
    Python objects, floats as float64, dates parsed from ISO text."""
    types = {c.name: c.type for c in table.columns} if table else {}
    dates = [c for c in columns if types.get(c) == "date"]
    names = [c for c in columns if c not in dates] + dates
    frame = pd.DataFrame(first or {})
    for j, name in enumerate(names):
        values = np.empty(sum(len(p["columns"][j]) for p in parts), dtype=object)
        values[:] = list(chain.from_iterable(p["columns"][j] for p in parts))
        frame[name] = pd.Series(values if keep is None else values[keep], dtype="object")
        if name in dates:
            frame[name] = pd.to_datetime(frame[name], format="%Y-%m-%d")
        elif types.get(name) == "float":
            frame[name] = pd.to_numeric(frame[name]).astype("float64")
    return frame[[*(first or {}), *columns]]


def _relationship_specs(schema: Schema) -> list[tuple[str, str, str, str | None]]:
    """``(type, start label, end label, key)`` of every relationship set `schema` defines, worked
    out once per store: graph pages ask for the relationship sets once a page, and building the
    sets of empty tables takes about 0.1 s (eight times a page made 91 of the 105 s of 125 pages
    at 200k persons)."""
    empty = {t.name: pd.DataFrame({c: pd.Series(dtype="object") for c in t.column_names}) for t in schema.tables}
    return [(r.type, r.start_label, r.end_label, r.key) for r in relationship_sets(empty, schema)]


class Neo4jStore:
    """A :class:`~graphkit.store.base.GraphStore` on a Neo4j database.

    Parameters
    ----------
    driver : neo4j.Driver
        Made by the caller, e.g. with :func:`connect`.
    database : str
        The database to use (Community has one user database, ``neo4j``).
    batch_size : int
        Rows per write transaction.
    progress : bool
        Show a progress bar per node or relationship set.
    server_dir : path, optional
        Instance folder of the server, if graphkit runs it (:func:`managed_data_dir`): then a load
        into an empty database, or a full reload, is a bulk import (:mod:`graphkit.store.neo4j_import`).
    password : SecretStr, optional
        The server's password, to start it again after a bulk import.
    """

    backend = "neo4j"

    def __init__(self, driver: neo4j.Driver, database: str = "neo4j", batch_size: int = 10_000, progress: bool = False,
                 server_dir: str | Path | None = None, password: SecretStr | str | None = None):
        self.driver = driver
        self.database = database
        self.batch_size = batch_size
        self.progress = progress
        self.server_dir = Path(server_dir).expanduser().resolve() if server_dir else None
        self.password = password
        self.schema: Schema = load_schema()
        self._specs = _relationship_specs(self.schema)
        self._read: dict = {}  # what was read back since the last load: graph exports ask many times

    def _run(self, statement: str, **params) -> list[neo4j.Record]:
        # no bookmarks: a bulk import starts a new store whose transaction ids restart, and a bookmark
        # from before it would make the server wait for a transaction that never comes
        records, _, _ = self.driver.execute_query(statement, params, database_=self.database, bookmark_manager_=None)
        return records

    def create_constraints(self) -> None:
        """Create every uniqueness constraint in ``cypher/schema`` (idempotent).

        On parallel sessions: after a bulk import each one populates its index from a full store,
        and the server builds several at once.
        """
        with ThreadPoolExecutor(_WRITERS) as pool:
            list(pool.map(lambda name: with_retries(lambda: self._run(query(name))), names("schema")))

    def _write_batch(self, statement: str, rows: list[dict], fallback: str | None = None, **params) -> None:
        """One batch in one explicit transaction, retried on transient errors (see :func:`with_retries`);
        if it breaks a uniqueness constraint and there is a `fallback` statement, that one instead."""
        def attempt(text: str) -> None:
            with self.driver.session(database=self.database) as session, session.begin_transaction() as tx:
                tx.run(text, rows=rows, **params).consume()
                tx.commit()

        try:
            with_retries(lambda: attempt(statement))
        except ConstraintError:
            if fallback is None:
                raise
            with_retries(lambda: attempt(fallback))

    def _write_all(self, jobs: list[tuple], what: str) -> None:
        """Run ``(statement, [[batch, ...], ...], fallback, params)`` jobs on parallel sessions; each
        inner list of batches runs in order on one worker, the lists concurrently."""
        total = sum(len(b) for job in jobs for lane in job[1] for b in lane)
        bar = tqdm(total=total, desc=what, unit="rows", disable=not self.progress, leave=False)

        def run_lane(statement: str, lane: list[list[dict]], fallback: str | None, params: dict) -> None:
            for batch in lane:
                self._write_batch(statement, batch, fallback, **params)
                bar.update(len(batch))

        with ThreadPoolExecutor(_WRITERS) as pool:
            for future in [pool.submit(run_lane, st, lane, fb, params) for st, lanes, fb, params in jobs for lane in lanes]:
                future.result()
        bar.close()

    def load(self, tables: dict[str, pd.DataFrame], full_reload: bool = False) -> LoadStats:
        """Write the tables: a bulk import into an empty database (or with ``full_reload``) of a
        server graphkit runs, else batched ``MERGE`` statements (idempotent)."""
        self._read.clear()
        if self.server_dir is None:
            if full_reload:
                raise GraphkitError(
                    "a full reload replaces the whole graph with neo4j-admin, which needs the server graphkit runs "
                    "(graphkit neo4j start; GRAPHKIT_NEO4J_DATA_DIR): this store's server is not one"
                )
            return self._merge(tables)
        with load_lock(self.server_dir):
            if full_reload or import_pending(self.server_dir) or not self._run(query("read/any_node"))[0]["any"]:
                return self._import(tables)
        return self._merge(tables)

    def _import(self, tables: dict[str, pd.DataFrame]) -> LoadStats:
        started = time.perf_counter()
        rejects = bulk_import(tables, self.server_dir, self.password, self.database, self.schema)
        self.create_constraints()
        stats = LoadStats(backend=self.backend, method="import")
        doomed = rejects[rejects["node_key"].notna()]
        for label, keys in doomed.groupby("node_label"):
            self._run(query("import/delete_rejected_nodes"), label=label, key=self.schema.node_table(label).graph_key,
                      keys=keys["node_key"].tolist())
        lost = pd.concat([rejects["set"], doomed["node_label"]]).value_counts()
        for label, ns in node_sets(tables, self.schema).items():
            stats.nodes[label] = len(ns.frame) - int(lost.get(label, 0))
        for rs in relationship_sets(tables, self.schema):
            stats.relationships[rs.name] = len(rs.frame) - int(lost.get(rs.name, 0))
        stats.rejects = rejects.drop(columns=["set", "node_label", "node_key"])
        stats.seconds = time.perf_counter() - started
        return stats

    def _merge(self, tables: dict[str, pd.DataFrame]) -> LoadStats:
        """Constraints first, then every node set (all labels at once), then one relationship set
        after another, each on parallel sessions.

        Node batches of distinct keys never wait on each other; a label with no node yet is written
        by ``CREATE`` (no look-up first), a batch that meets a node of its keys (a load running
        beside) by its ``MERGE``. A relationship set is split into one lane per writer by its hub
        side, the side with fewer nodes (a sponsor of thousands of permits), so no two concurrent
        transactions touch the same hub, and every batch takes the other side in key order, so
        transactions that share such a node queue behind each other and cannot deadlock.
        """
        started = time.perf_counter()
        self.create_constraints()
        present = self.node_counts()
        stats = LoadStats(backend=self.backend)
        jobs = []
        for label, ns in node_sets(tables, self.schema).items():
            rows = [{"key": p[ns.key], "props": p} for p in _records(ns.frame)]
            merge = query(f"load/merge_{ns.name}")
            batches = [[b] for b in _batches(rows, self.batch_size)]
            if present.get(label):
                jobs.append((merge, batches, None, {}))
            else:  # nothing to merge with: CREATE, the constraint still refusing a second node of a key
                jobs.append((query("load/create_nodes"), batches, merge, {"label": label}))
            stats.nodes[label] = len(ns.frame)
        self._write_all(jobs, "nodes")
        for rs in relationship_sets(tables, self.schema):
            # lanes by the side with fewer nodes (a sponsor's, an employer's permits or workers), so no
            # two concurrent transactions share a hub; each batch takes the other side in key order
            hub = "end" if rs.frame["end"].nunique() < rs.frame["start"].nunique() else "start"
            frame = rs.frame.sort_values(["start" if hub == "end" else "end", hub], kind="stable")
            if rs.key:
                props = _records(frame, skip=("start", "end"))
                rows = [{"start": s, "end": e, "key": p[rs.key], "props": p} for s, e, p in zip(frame["start"], frame["end"], props)]
            else:
                rows = [{"start": s, "end": e} for s, e in zip(frame["start"].tolist(), frame["end"].tolist())]
            lane_of = pd.util.hash_pandas_object(frame[hub], index=False).to_numpy() % _WRITERS
            lanes = [[rows[i] for i in np.flatnonzero(lane_of == w)] for w in range(_WRITERS)]
            self._write_all([(query(f"load/merge_{rs.name}"), [list(_batches(lane, self.batch_size)) for lane in lanes], None, {})],
                            rs.name)
            stats.relationships[rs.name] = len(rows)
        stats.seconds = time.perf_counter() - started
        return stats

    def write_scores(self, scores: pd.DataFrame, run: dict) -> int:
        """Write risk onto every record node of each scored entity, clear earlier runs' risk, record the run.

        ``run`` is the manifest; its summary becomes a ``(:ScoringRun)`` node linked to the run
        before it. Returns the number of nodes written.
        """
        run_id = run["run_id"]
        written = 0
        rows_by_label: dict[str, list[dict]] = {}
        for r in scores[scores["entity_type"] != "NETWORK"].itertuples():
            for source in r.source_ids.split(";"):
                table, key = source.split(":", 1)
                label = self.schema.table(table).node
                rows_by_label.setdefault(label, []).append(
                    {"key": key, "entity_id": r.entity_id, "score": float(r.score), "rank": int(r.rank), "reasons": r.reasons}
                )
        for label in ("Person", "Employer", "Sponsor", "Address"):
            rows = rows_by_label.get(label, [])
            statement = query(f"writeback/set_{label.lower()}_risk")
            for batch in _batches(rows, self.batch_size):
                self._write_batch(statement, batch, run_id=run_id)
            written += len(rows)
            self._run(query("writeback/clear_stale_risk"), label=label, run_id=run_id)
        props = {k: run[k] for k in ("started_at", "finished_at", "contract_version", "graphkit_version", "backend",
                                     "rule_set_version", "purpose") if k in run}
        props["as_of"] = run["parameters"]["as_of"]
        props.update({f"scored_{t}": n for t, n in run.get("scored", {}).items()})
        self._run(query("writeback/merge_scoring_run"), run_id=run_id, props=props)
        return written

    def node_set(self, label: str) -> NodeSet:
        if ("node", label) not in self._read:
            self._read_nodes()
        return self._read[("node", label)]

    def _read_nodes(self) -> None:
        """Every node set of the schema, in one pass over the internal node ids, each sorted by key;
        the nodes' internal ids are kept beside (:meth:`_keys_of`)."""
        specs = {label: (table := self.schema.node_table(label), list(dict.fromkeys([table.graph_key, *table.column_names])))
                 for label in self.schema.labels}
        parts = self._read_parts("read/nodes_in_id_range", "read/node_id_span", "labels", specs)
        for label, (table, columns) in specs.items():
            mine = [p for p in parts if p["label"] == label]
            frame = _columns_frame(mine, table, columns)
            keys = frame[table.graph_key].to_numpy()
            ids = _ids(mine, "ids")
            by_id = np.argsort(ids, kind="stable")
            self._read[("ids", label)] = (ids[by_id], keys[by_id])
            order = np.argsort(keys, kind="stable")
            self._read[("node", label)] = NodeSet(label, table.graph_key, frame.take(order).reset_index(drop=True))

    def _keys_of(self, label: str, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Which of internal ids `ids` are `label`'s nodes, and the graph keys of those."""
        self.node_set(label)
        known, keys = self._read[("ids", label)]
        if not len(known):
            return np.zeros(len(ids), bool), keys[:0]
        at = np.searchsorted(known, ids).clip(max=len(known) - 1)
        hit = known[at] == ids
        return hit, keys[at[hit]]

    def _read_parts(self, statement: str, span: str, names: str, specs: dict[str, tuple]) -> list[neo4j.Record]:
        """Records of `statement` over every internal id range of ``span`` (nodes or relationships),
        read on parallel sessions; each record holds one label's or type's ids in its range and one
        list per column (:func:`_columns_frame`). `specs` maps each wanted label or type (parameter
        `names`) to its table and columns.

        Each range seeks its ids one by one, reads each node's or relationship's properties once and
        returns a few large lists, which the Rust extension decodes in one go: no label scan per
        range, no row per node. Only the schema's properties are read (risk written back by earlier
        runs is not analysis input); dates travel as ISO text and are parsed per column.
        """
        keys, dates = {}, {}
        for name, (table, columns) in specs.items():
            types = {c.name: c.type for c in table.columns} if table else {}
            dates[name] = [c for c in columns if types.get(c) == "date"]
            keys[name] = [c for c in columns if c not in dates[name]]
        text = query(statement)

        def read(lo_hi: tuple[int, int]) -> list[neo4j.Record]:
            with self._read_session() as session:
                return list(session.run(text, {names: list(specs)}, keys=keys, dates=dates, lo=lo_hi[0], hi=lo_hi[1]))

        with ThreadPoolExecutor(_READERS) as pool:
            return [record for part in pool.map(read, self._id_ranges(span)) for record in part]

    def _read_session(self) -> neo4j.Session:
        # id() is deprecated in Cypher 5 without a replacement for ranges: don't log it per query
        return self.driver.session(database=self.database, default_access_mode=neo4j.READ_ACCESS,
                                   notifications_disabled_classifications=["DEPRECATION"])

    def _id_ranges(self, span: str) -> list[tuple[int, int]]:
        """``[lo, hi)`` ranges of internal ids that split the nodes or the relationships (``span``)
        into parts of about :data:`_READ_CHUNK` (even parts of the id span)."""
        with self._read_session() as session:
            found = session.run(query(span)).single()
        if not found["items"]:
            return []
        lo, hi = found["lo"], found["hi"] + 1
        step = -(-(hi - lo) // -(-found["items"] // _READ_CHUNK))
        return [(i, min(i + step, hi)) for i in range(lo, hi, step)]

    def relationship_sets(self) -> list[RelationshipSet]:
        """Every relationship set the schema defines, read back from the server (once per load)."""
        return [self._relationship_set(spec, self._specs) for spec in self._specs]

    def _relationship_set(self, spec: tuple[str, str, str, str | None], among: list[tuple]) -> RelationshipSet:
        """One relationship set; the types of `among` not read yet are read with it, in one pass."""
        if ("relationships", spec) not in self._read:
            self._read_relationships([s for s in among if ("relationships", s) not in self._read])
        return self._read[("relationships", spec)]

    def _read_relationships(self, wanted: list[tuple[str, str, str, str | None]]) -> None:
        """The relationship sets `wanted`, in one pass over the internal relationship ids: start and
        end come back as internal ids, kept where they are nodes of the set's labels (a type may join
        several pairs) and turned into keys through the node sets."""
        specs = {}
        for type_, _, _, key in wanted:
            edge = next((t for t in self.schema.tables if t.edge and t.edge.type == type_), None)
            specs[type_] = (edge, [key, *(c for c in edge.column_names if c not in (edge.edge.start, edge.edge.end))] if edge else [])
        parts = self._read_parts("read/relationships_in_id_range", "read/relationship_id_span", "types", specs)
        for spec in wanted:
            type_, start, end, key = spec
            edge, props = specs[type_]
            mine = [p for p in parts if p["label"] == type_]
            starts, start_keys = self._keys_of(start, _ids(mine, "ids"))
            ends, end_keys = self._keys_of(end, _ids(mine, "end_ids")[starts])
            first = {"start": pd.Series(start_keys[ends], dtype="object"), "end": pd.Series(end_keys, dtype="object")}
            frame = _columns_frame(mine, edge, props, first, np.flatnonzero(starts)[ends])
            frame = frame.sort_values(["start", "end", *([key] if key else [])], kind="stable").reset_index(drop=True)
            self._read[("relationships", spec)] = RelationshipSet(type_, start, end, key, frame)

    def node_counts(self) -> dict[str, int]:
        return {r["label"]: r["nodes"] for r in self._run(query("read/count_nodes_by_label"), section="GRAPH COUNTS") if r["nodes"]}

    def relationship_counts(self) -> dict[str, int]:
        return {r["type"]: r["relationships"] for r in self._run(query("read/count_relationships_by_type"), section="GRAPH COUNTS") if r["relationships"]}

    def tables(self) -> dict[str, pd.DataFrame]:
        """The contract tables: every node set, and the relationship sets that are rows of an edge
        table (employment, residences). A reference column's relationship (``HOLDS``, ...) is not
        read here: the column is a property of its row's node, as the table holds it."""
        nodes = {label: ns for label in self.schema.labels if len((ns := self.node_set(label)).frame)}
        edges = {t.edge.type for t in self.schema.tables if t.edge}
        wanted = [spec for spec in self._specs if spec[0] in edges]
        rels = [self._relationship_set(spec, wanted) for spec in wanted]
        return tables_from_graph(nodes, [r for r in rels if len(r.frame)], self.schema)
