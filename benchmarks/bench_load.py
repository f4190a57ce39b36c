"""Load benchmark: rows/s and peak memory for the memory store and a real Neo4j.

Usage: python -m benchmarks.bench_load [N_PERSONS ...]   (default 100000 1000000)

Targets at 1M persons on a 2-core machine: memory store >= 200,000 rows/s; Neo4j >= 30,000 rows/s.
Each measurement runs in a fresh process so its peak memory is its own.
"""

from __future__ import annotations

import json
import secrets
import sys
import tempfile
import time
from pathlib import Path

from benchmarks._common import in_child, machine, peak_rss_mib, scenario


def measure_memory(folder: str) -> dict:
    from graphkit import MemoryStore, load_folder

    started = time.perf_counter()
    data = load_folder(folder)
    ingest = time.perf_counter() - started
    stats = MemoryStore().load(data.tables)
    seconds = time.perf_counter() - started
    return {"backend": "memory", "rows": data.rows_read, "ingest_s": round(ingest, 1), "seconds": round(seconds, 1),
            "rows_per_s": round(data.rows_read / seconds), "nodes": stats.node_total, "relationships": stats.relationship_total,
            "peak_mib": round(peak_rss_mib())}


def measure_neo4j(folder: str) -> dict:
    import neo4j

    from graphkit import load_folder
    from graphkit.neo4j_server import free_port, start
    from graphkit.store.neo4j import Neo4jStore

    data = load_folder(folder)
    with tempfile.TemporaryDirectory() as tmp:
        server = start(Path(tmp) / "neo4j", free_port(), secrets.token_urlsafe(16), heap="4g", pagecache="4g")
        try:
            driver = neo4j.GraphDatabase.driver(server.uri, auth=server.auth)
            started = time.perf_counter()
            stats = Neo4jStore(driver, batch_size=20_000).load(data.tables)
            seconds = time.perf_counter() - started
            driver.close()
        finally:
            server.stop()
    return {"backend": "neo4j", "rows": data.rows_read, "seconds": round(seconds, 1), "rows_per_s": round(data.rows_read / seconds),
            "nodes": stats.node_total, "relationships": stats.relationship_total, "client_peak_mib": round(peak_rss_mib())}


def main(sizes: list[int]) -> None:
    print(f"# graphkit load benchmark on {machine()}")
    for n in sizes:
        folder = scenario(n)
        for backend in ("memory", "neo4j"):
            r = in_child("benchmarks.bench_load", "--measure", backend, str(folder))
            print(f"{n:>9,} persons  {backend:6}  {r['rows']:>10,} rows  {r['seconds']:>7.1f} s  {r['rows_per_s']:>9,} rows/s  "
                  f"peak {r.get('peak_mib', r.get('client_peak_mib'))} MiB", flush=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--measure"]:
        fn = measure_memory if sys.argv[2] == "memory" else measure_neo4j
        print(json.dumps(fn(sys.argv[3])))
    else:
        main([int(a) for a in sys.argv[1:]] or [100_000, 1_000_000])
