"""The Neo4j store against a real server: parity with memory, idempotency, constraints, secrets."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from graphkit import MemoryStore, Settings, load_folder
from graphkit.datasets import tiny_path
from graphkit.errors import Neo4jUnavailableError
from graphkit.store.neo4j import Neo4jStore, connect


def frames_equal(a: pd.DataFrame, b: pd.DataFrame, keys: list[str]) -> None:
    def norm(f: pd.DataFrame) -> pd.DataFrame:
        f = f.copy()
        for c in f.columns:
            f[c] = f[c].map(lambda v: None if v is None or (isinstance(v, float) and v != v) or v is pd.NA or v is pd.NaT
                            else v.date() if isinstance(v, pd.Timestamp) else v)
        return f.sort_values(keys).reset_index(drop=True)[sorted(f.columns)]

    pd.testing.assert_frame_equal(norm(a), norm(b), check_dtype=False)


def snapshot(store) -> tuple[dict, dict]:
    return store.node_counts(), store.relationship_counts()


def test_parity_with_memory_store(neo4j_clean):
    tables = load_folder(tiny_path()).tables
    memory, graph = MemoryStore(), Neo4jStore(neo4j_clean, batch_size=7)
    memory.load(tables)
    graph.load(tables)
    assert snapshot(graph) == snapshot(memory)
    for label in memory.node_counts():
        frames_equal(graph.node_set(label).frame, memory.node_set(label).frame, [memory.node_set(label).key])
    mem_rels = {r.name: r for r in memory.relationship_sets()}
    for rel in graph.relationship_sets():
        expected = mem_rels[rel.name].frame
        frames_equal(rel.frame, expected, ["start", "end", *([rel.key] if rel.key else [])])
    for name, frame in memory.tables().items():
        keys = list(__import__("graphkit").load_schema().table(name).key)
        frames_equal(graph.tables()[name], frame, keys)


def test_dates_are_neo4j_dates_and_properties_have_no_nulls(neo4j_clean):
    Neo4jStore(neo4j_clean).load(load_folder(tiny_path()).tables)
    records, _, _ = neo4j_clean.execute_query(
        "MATCH (k:Permit {permit_id: $id}) RETURN k.issued_on AS issued, k.sponsor_id IS NULL AS no_sponsor", id="K013"
    )
    assert records[0]["issued"].to_native() == dt.date(2026, 10, 1)
    assert records[0]["no_sponsor"] is True


def test_loading_twice_changes_nothing(neo4j_clean):
    store = Neo4jStore(neo4j_clean)
    tables = load_folder(tiny_path()).tables
    store.load(tables)
    first = snapshot(store)
    props = store.node_set("Person").frame
    store.load(tables)
    assert snapshot(store) == first
    frames_equal(store.node_set("Person").frame, props, ["person_id"])


def test_constraints_come_from_the_schema(neo4j_clean):
    Neo4jStore(neo4j_clean).create_constraints()
    records, _, _ = neo4j_clean.execute_query("SHOW CONSTRAINTS YIELD labelsOrTypes, properties RETURN *")
    got = {(r["labelsOrTypes"][0], r["properties"][0]) for r in records}
    schema = __import__("graphkit").load_schema()
    entities = {(label, "entity_id") for label in ("Human", "Organisation", "Place")}  # resolution's entity nodes
    assert got == {(t.node, t.graph_key) for t in schema.tables if t.node} | entities


def test_wrong_password_is_one_line_without_the_password(neo4j_server):
    wrong = "definitely-wrong-password-42"
    settings = Settings(neo4j_uri=neo4j_server.uri, neo4j_password=wrong)
    with pytest.raises(Neo4jUnavailableError) as err:
        connect(settings)
    assert wrong not in str(err.value) and neo4j_server.uri in str(err.value) and "\n" not in str(err.value)
