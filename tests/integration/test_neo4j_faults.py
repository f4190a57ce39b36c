"""Neo4j faults on online loads: a server SIGKILLed mid-load and restarted, bounded retries, two loads
at once, and property values that look like Cypher, all on a real server."""

from __future__ import annotations

import secrets
import threading

import neo4j
import psutil
import pytest

from graphkit import load_folder, neo4j_server
from graphkit.datasets import tiny_path
from graphkit.errors import Neo4jUnavailableError
from graphkit.store.neo4j import Neo4jStore, with_retries
from tests.integration.dump import graph_dump

WIPE = "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS"


def wipe(driver) -> None:
    with driver.session() as session:
        session.run(WIPE).consume()


@pytest.fixture(scope="module")
def own_server(tmp_path_factory):
    """A server of this module's own, so killing it disturbs no other test."""
    data_dir = tmp_path_factory.mktemp("faults") / "neo4j"
    password, port = secrets.token_urlsafe(24), neo4j_server.free_port()
    neo4j_server.start(data_dir, port, password)
    yield data_dir, port, password
    neo4j_server.stop(data_dir)


def test_server_killed_mid_load_and_restarted_the_load_completes_to_a_clean_graph(own_server):
    data_dir, port, password = own_server
    tables = load_folder(tiny_path()).tables
    with neo4j.GraphDatabase.driver(f"bolt://127.0.0.1:{port}", auth=("neo4j", password)) as driver:
        Neo4jStore(driver).load(tables)
        clean = graph_dump(driver)
        wipe(driver)
        store = Neo4jStore(driver, batch_size=1)
        failure: list[BaseException] = []

        def load() -> None:
            try:
                store.load(tables)
            except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
                failure.append(exc)

        loader = threading.Thread(target=load)
        loader.start()
        while graph_size(driver) < 20 and loader.is_alive():
            pass  # poll until the load is visibly under way
        assert loader.is_alive(), "the load must still be running when the server dies"
        server = psutil.Process(neo4j_server.status(data_dir)["pid"])
        server.kill()
        server.wait(30)
        neo4j_server.start(data_dir, port, password)  # recovery, then the load's retries get through
        loader.join(300)
        assert not failure, failure
        assert graph_dump(driver) == clean


def graph_size(driver) -> int:
    try:
        records, _, _ = driver.execute_query("MATCH (n) RETURN count(n) AS n")
        return records[0]["n"]
    except neo4j.exceptions.Neo4jError:
        return 0


def test_retries_are_bounded_and_end_in_one_line():
    attempts = []
    closed = neo4j_server.free_port()  # nothing listens there: every attempt fails as unavailable
    with neo4j.GraphDatabase.driver(f"bolt://127.0.0.1:{closed}", auth=("neo4j", "unused-password")) as driver:
        def attempt() -> None:
            attempts.append(1)
            with driver.session() as session:  # session.run: no retries of the driver's own
                session.run("RETURN 1").consume()

        with pytest.raises(Neo4jUnavailableError) as err:
            with_retries(attempt, delays=(0.01, 0.02, 0.04))
    assert len(attempts) == 4 and "failed 4 times" in str(err.value) and "\n" not in str(err.value)


def test_a_lock_held_by_another_writer_is_waited_out(neo4j_clean):
    """A concurrent writer holds a node the load must update; the load waits or retries, then wins."""
    tables = load_folder(tiny_path()).tables
    store = Neo4jStore(neo4j_clean)
    store.load(tables)
    clean = graph_dump(neo4j_clean)
    with neo4j_clean.session() as session:
        tx = session.begin_transaction()
        tx.run("MATCH (p:Person {person_id: $id}) SET p.full_name = $name", id="P01", name="held by another writer").consume()
        loader = threading.Thread(target=store.load, args=(tables,))
        loader.start()
        while not blocked_on_lock(neo4j_clean) and loader.is_alive():
            pass  # until the load waits for the lock this transaction holds
        assert loader.is_alive()
        tx.rollback()
    loader.join(120)
    assert not loader.is_alive() and graph_dump(neo4j_clean) == clean


def blocked_on_lock(driver) -> bool:
    records, _, _ = driver.execute_query(
        "SHOW TRANSACTIONS YIELD status WHERE status STARTS WITH $blocked RETURN count(*) AS n", blocked="Blocked"
    )
    return records[0]["n"] > 0


def test_two_loads_of_one_folder_at_once_leave_no_duplicates(neo4j_clean):
    tables = load_folder(tiny_path()).tables
    Neo4jStore(neo4j_clean).load(tables)
    clean = graph_dump(neo4j_clean)
    wipe(neo4j_clean)
    loads = [threading.Thread(target=Neo4jStore(neo4j_clean, batch_size=3).load, args=(tables,)) for _ in range(2)]
    for t in loads:
        t.start()
    for t in loads:
        t.join(300)
    assert graph_dump(neo4j_clean) == clean


NASTY = [
    "'); MATCH (n) DETACH DELETE n //",
    '"quoted" and \\"escaped\\" and a \\ backslash \\\\ two',
    "$rows {props} ${x} `backticks` [:HOLDS]->(n) /* comment */",
    "Zoë Ñandú 王秀英 محمد \u200f\u202eRTL\u202c \u2028line sep 👩\u200d👩\u200d👧 e\u0301",
    "tab\there, CSV, \"comma\"; semicolon|pipe%25",
]


def test_property_values_full_of_cypher_quotes_and_unicode_are_stored_literally(neo4j_clean):
    tables = {name: frame.copy() for name, frame in load_folder(tiny_path()).tables.items()}
    persons = tables["persons"]
    persons.loc[persons.index[: len(NASTY)], "full_name"] = NASTY
    store = Neo4jStore(neo4j_clean)
    store.load(tables)
    got = store.node_set("Person").frame.set_index("person_id")["full_name"]
    assert [got[p] for p in persons["person_id"][: len(NASTY)]] == NASTY
    assert store.node_counts()["Person"] == len(persons)
