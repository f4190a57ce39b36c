"""Load benchmark: the memory store, Neo4j first loads (bulk import), online loads, read-back and
``graphkit score --backend neo4j``, each figure printed beside its goal.

Usage: python -m benchmarks.bench_load [N_PERSONS | FOLDER ...]   (default 1000000)
       python -m benchmarks.bench_load --score [N_PERSONS | FOLDER]   (score on both backends; default goal size 200000)
       python -m benchmarks.bench_load --measure import|online|memory FOLDER   (one figure, as JSON)

A FOLDER is a scenario already written (e.g. ``$GRAPHKIT_BENCH_DIR/synth-200000-1``); N_PERSONS
generates (once) the default seed's scenario of that size.

Goals on a 2-core machine, at 1M persons: memory store >= 200,000 rows/s; Neo4j first load by bulk import
>= 250,000 rows/s end to end (server stop, import, start and constraints included); online MERGE load
>= 50,000 rows/s; read-back of the whole graph >= 300,000 rows/s. At 200k persons ``score --backend
neo4j`` takes <= 2x the memory backend's time. Each measurement runs in a fresh process, on a fresh
server with 4 GiB heap and page cache.
"""

from __future__ import annotations

import json
import secrets
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from benchmarks._common import in_child, machine, peak_rss_mib, scenario

GOALS = {"memory": 200_000, "import": 250_000, "online": 50_000, "read_back": 300_000}


def measure_memory(folder: str) -> dict:
    from graphkit import MemoryStore, load_folder

    started = time.perf_counter()
    data = load_folder(folder)
    ingest = time.perf_counter() - started
    MemoryStore().load(data.tables)
    seconds = time.perf_counter() - started
    return {"rows": data.rows_read, "ingest_s": round(ingest, 1), "seconds": round(seconds, 1),
            "rows_per_s": round(data.rows_read / seconds), "peak_mib": round(peak_rss_mib())}


def _server(tmp: str):
    from graphkit.neo4j_server import free_port, start

    data_dir, password = Path(tmp) / "neo4j", secrets.token_urlsafe(16)
    return start(data_dir, free_port(), password, heap="4g", pagecache="4g"), data_dir, password


@contextmanager
def _own_server(folder: str):
    """The folder's tables, and a driver on a fresh server of graphkit's own (stopped afterwards)."""
    import neo4j

    from graphkit import load_folder
    from graphkit.neo4j_server import stop

    data = load_folder(folder)
    with tempfile.TemporaryDirectory() as tmp:
        server, data_dir, password = _server(tmp)
        try:
            with neo4j.GraphDatabase.driver(server.uri, auth=server.auth) as driver:
                yield data, driver, data_dir, password
        finally:
            stop(data_dir)


def measure_import(folder: str) -> dict:
    """First load into graphkit's own (empty) server: a bulk import; then the whole read-back."""
    from graphkit.store.neo4j import Neo4jStore

    with _own_server(folder) as (data, driver, data_dir, password):
        store = Neo4jStore(driver, server_dir=data_dir, password=password)
        started = time.perf_counter()
        stats = store.load(data.tables)
        seconds = time.perf_counter() - started
        started = time.perf_counter()
        tables = store.tables()
        read_s = time.perf_counter() - started
    read_rows = sum(len(t) for t in tables.values())
    return {"rows": data.rows_read, "method": stats.method, "seconds": round(seconds, 1),
            "rows_per_s": round(data.rows_read / seconds), "read_rows": read_rows, "read_s": round(read_s, 1),
            "read_rows_per_s": round(read_rows / read_s), "client_peak_mib": round(peak_rss_mib())}


def measure_online(folder: str) -> dict:
    """A load into someone else's server (graphkit does not run it): batched MERGE, then once more."""
    from graphkit.store.neo4j import Neo4jStore

    with _own_server(folder) as (data, driver, _, _):
        store = Neo4jStore(driver, batch_size=20_000)  # no server_dir: graphkit may not restart it
        started = time.perf_counter()
        store.load(data.tables)
        seconds = time.perf_counter() - started
        counts = store.node_counts(), store.relationship_counts()
        started = time.perf_counter()
        store.load(data.tables)
        again = time.perf_counter() - started
        unchanged = (store.node_counts(), store.relationship_counts()) == counts
    return {"rows": data.rows_read, "seconds": round(seconds, 1), "rows_per_s": round(data.rows_read / seconds),
            "again_s": round(again, 1), "unchanged": unchanged, "client_peak_mib": round(peak_rss_mib())}


def measure_score(folder: str, backend: str) -> dict:
    """``run_score`` end to end; for Neo4j into graphkit's own fresh server (first load = bulk import)."""
    from graphkit import Settings
    from graphkit.jobs import run_score

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(as_of="2026-11-01")
        if backend == "neo4j":
            server, data_dir, password = _server(tmp)
            settings = Settings(as_of="2026-11-01", backend="neo4j", neo4j_uri=server.uri, neo4j_password=password,
                                neo4j_data_dir=data_dir)
        try:
            started = time.perf_counter()
            run = run_score(folder, Path(tmp) / "out", settings)
            seconds = time.perf_counter() - started
        finally:
            if backend == "neo4j":
                from graphkit.neo4j_server import stop

                run.load.store.driver.close()
                stop(data_dir)
    timings = {k: round(v, 1) for k, v in run.manifest["timings"].items() if isinstance(v, float)}
    return {"seconds": round(seconds, 1), "timings": timings, "peak_mib": round(peak_rss_mib())}


def _line(label: str, value: float, goal: float, unit: str = "rows/s", better: str = "higher") -> str:
    met = value >= goal if better == "higher" else value <= goal
    sign = ">=" if better == "higher" else "<="
    return f"  {label:34} {value:>12,.0f} {unit:7} goal {sign} {goal:,.0f}: {'met' if met else 'NOT met'}"


def _folder(arg: str) -> str:
    """A scenario folder given as a path, or generated from a number of persons."""
    return arg if Path(arg).is_dir() else str(scenario(int(arg)))


def main(sizes: list[str]) -> None:
    print(f"# graphkit load benchmark on {machine()}")
    for n in sizes:
        folder = _folder(n)
        print(f"{folder}", flush=True)
        r = in_child("benchmarks.bench_load", "--measure", "memory", folder)
        print(_line(f"memory store ({r['rows']:,} rows)", r["rows_per_s"], GOALS["memory"]), flush=True)
        r = in_child("benchmarks.bench_load", "--measure", "import", folder)
        print(_line(f"neo4j first load, bulk ({r['seconds']} s)", r["rows_per_s"], GOALS["import"]), flush=True)
        print(_line(f"neo4j read-back ({r['read_s']} s)", r["read_rows_per_s"], GOALS["read_back"]), flush=True)
        r = in_child("benchmarks.bench_load", "--measure", "online", folder)
        print(_line(f"neo4j online MERGE ({r['seconds']} s)", r["rows_per_s"], GOALS["online"]), flush=True)
        print(f"  {'neo4j online, loaded again':34} {r['again_s']:>12,.1f} s       graph unchanged: {r['unchanged']}", flush=True)


def main_score(n: str) -> None:
    print(f"# graphkit score, memory vs neo4j, on {machine()}")
    folder = _folder(n)
    memory = in_child("benchmarks.bench_load", "--measure-score", "memory", folder)
    graph = in_child("benchmarks.bench_load", "--measure-score", "neo4j", folder)
    print(f"{folder}: memory {memory['seconds']} s, neo4j {graph['seconds']} s {graph['timings']}")
    print(_line("score --backend neo4j / memory", graph["seconds"] / memory["seconds"] * 100, 200, "% time", "lower"))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--measure"]:
        fn = {"memory": measure_memory, "import": measure_import, "online": measure_online}[sys.argv[2]]
        print(json.dumps(fn(sys.argv[3])))
    elif sys.argv[1:2] == ["--measure-score"]:
        print(json.dumps(measure_score(sys.argv[3], sys.argv[2])))
    elif sys.argv[1:2] == ["--score"]:
        main_score(sys.argv[2] if sys.argv[2:] else "200000")
    else:
        main(sys.argv[1:] or ["1000000"])
