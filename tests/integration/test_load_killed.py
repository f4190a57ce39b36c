"""A Neo4j load killed half-way and run again ends with exactly the graph of a clean load."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from graphkit import load_folder
from graphkit.datasets import tiny_path
from graphkit.store.neo4j import Neo4jStore

WIPE = "MATCH (n) DETACH DELETE n"


def graph_snapshot(store: Neo4jStore) -> dict:
    snap = {"nodes": store.node_counts(), "relationships": store.relationship_counts()}
    for label in snap["nodes"]:
        frame = store.node_set(label).frame
        snap[label] = frame.astype(str).sort_values(store.node_set(label).key).to_csv(index=False)
    for rel in store.relationship_sets():
        snap[rel.name] = rel.frame.astype(str).to_csv(index=False)
    return snap


def node_count(driver) -> int:
    records, _, _ = driver.execute_query("MATCH (n) RETURN count(n) AS n")
    return records[0]["n"]


def test_kill_mid_load_then_rerun_equals_clean_load(neo4j_clean, neo4j_server, tmp_path: Path):
    tables = load_folder(tiny_path()).tables
    store = Neo4jStore(neo4j_clean)
    store.load(tables)
    clean = graph_snapshot(store)
    total = sum(clean["nodes"].values())
    neo4j_clean.execute_query(WIPE)

    env = {**os.environ, "GRAPHKIT_NEO4J_URI": neo4j_server.uri, "GRAPHKIT_NEO4J_PASSWORD": neo4j_server.password.get_secret_value(),
           "GRAPHKIT_BATCH_SIZE": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "graphkit", "load", str(tiny_path()), "--backend", "neo4j", "--out", str(tmp_path / "o")],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while node_count(neo4j_clean) < 10 and proc.poll() is None and time.monotonic() < deadline:
        pass  # poll the database until the load has visibly begun
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    partial = node_count(neo4j_clean)
    assert 0 < partial < total, "the load must have been killed half-way"
    assert not (tmp_path / "o" / "manifest.json").exists()

    store.load(tables)
    assert graph_snapshot(store) == clean
