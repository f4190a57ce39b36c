"""Bulk first loads by neo4j-admin into a server graphkit runs: the same graph as an online load,
importer rejects in rejects.csv, and a killed import that reruns clean."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
from pathlib import Path

import neo4j
import pandas as pd
import psutil
import pytest

from graphkit import Settings, load_folder, neo4j_server
from graphkit.datasets import tiny_path
from graphkit.jobs import run_load
from graphkit.store.neo4j import Neo4jStore, managed_data_dir
from graphkit.store.neo4j_import import import_pending
from tests.integration.dump import graph_dump
from tests.integration.test_neo4j_faults import NASTY


@pytest.fixture(scope="module")
def managed(tmp_path_factory):
    """Settings for a server graphkit runs (its own data dir), stopped after the module."""
    data_dir = tmp_path_factory.mktemp("managed") / "neo4j"
    password = secrets.token_urlsafe(24)
    server = neo4j_server.start(data_dir, neo4j_server.free_port(), password)
    settings = Settings(backend="neo4j", neo4j_uri=server.uri, neo4j_password=password, neo4j_data_dir=data_dir)
    yield settings
    neo4j_server.stop(data_dir)


@pytest.fixture(scope="module")
def online_dump(neo4j_driver):
    """The tiny scenario loaded online (MERGE) into the session's server, dumped."""
    with neo4j_driver.session() as session:
        session.run("MATCH (n) CALL { WITH n DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()
    Neo4jStore(neo4j_driver).load(load_folder(tiny_path()).tables)
    return graph_dump(neo4j_driver)


def dump_of(settings: Settings) -> dict:
    with neo4j.GraphDatabase.driver(settings.neo4j_uri, auth=settings.neo4j_auth()) as driver:
        return graph_dump(driver)


def test_first_load_is_a_bulk_import_equal_to_an_online_load(managed, online_dump, tmp_path):
    assert managed_data_dir(managed) == Path(managed.neo4j_data_dir).resolve()
    result = run_load(tiny_path(), tmp_path / "o", managed, full_reload=True)
    assert result.stats.method == "import" and result.manifest["load_method"] == "import"
    dump = dump_of(managed)
    assert dump == online_dump
    assert ("Date", "Permit") in {(t, lb[0]) for lb, props in dump["nodes"] for _, t, _ in props}
    rejects = pd.read_csv(tmp_path / "o" / "rejects.csv", dtype=str, keep_default_na=False)
    assert len(rejects) == len(result.ingested.rejects) == sum(c["rejected"] for c in result.manifest["rows"].values())
    # a second load finds the graph there: an online MERGE that changes nothing
    again = run_load(tiny_path(), tmp_path / "o2", managed)
    assert again.stats.method == "merge" and dump_of(managed) == online_dump


def test_rows_the_importer_rejects_land_in_the_rejects(managed):
    data = load_folder(tiny_path())
    tables = {name: frame.copy() for name, frame in data.tables.items()}
    # rows validation would have refused, handed straight to the store: the importer must refuse them
    persons, permits, employment = tables["persons"], tables["permits"], tables["employment"]
    nasty = persons.index[1 : 1 + len(NASTY)]
    persons.loc[nasty, "full_name"] = NASTY  # and the importer stores these literally
    persons.loc[9001] = persons.iloc[0].to_dict() | {"full_name": "Second Of That Id"}
    permits.loc[9002] = permits.iloc[0].to_dict() | {"permit_id": "K-NEW", "person_id": "NOBODY"}
    employment.loc[9003] = employment.iloc[0].to_dict() | {"employer_id": "NO-SUCH-FIRM"}
    data.tables = tables
    for name in ("persons", "permits", "employment"):
        data.counts[name]["read"] += 1
        data.counts[name]["accepted"] += 1
    with neo4j.GraphDatabase.driver(managed.neo4j_uri, auth=managed.neo4j_auth()) as driver:
        store = Neo4jStore(driver, server_dir=managed.neo4j_data_dir, password=managed.neo4j_password)
        stats = store.load(tables, full_reload=True)
        got = stats.rejects.sort_values("row_number").reset_index(drop=True)
        assert got[["table", "row_number", "column", "value", "reason"]].values.tolist() == [
            ["persons", 9001, "person_id", persons.iloc[0]["person_id"], "duplicate_key"],
            ["permits", 9002, "person_id", "NOBODY", "unknown_reference"],
            ["employment", 9003, "employer_id", "NO-SUCH-FIRM", "unknown_reference"],
        ]
        data.reject(stats.rejects)
        for name, c in data.counts.items():
            assert c["accepted"] + c["rejected"] == c["read"], name
        counts = store.node_counts()
        assert counts["Person"] == data.counts["persons"]["accepted"] == stats.nodes["Person"]
        assert counts["Permit"] == data.counts["permits"]["accepted"] == stats.nodes["Permit"]
        assert store.relationship_counts()["EMPLOYED_BY"] == data.counts["employment"]["accepted"]
        kept, _, _ = driver.execute_query("MATCH (p:Person {person_id: $id}) RETURN p.full_name AS name",
                                          id=persons.iloc[0]["person_id"])
        assert [r["name"] for r in kept] == [persons.iloc[0]["full_name"]]
        names = store.node_set("Person").frame.set_index("person_id")["full_name"]
        assert names[persons.loc[nasty, "person_id"]].tolist() == NASTY


def test_a_killed_import_reruns_to_the_graph_of_a_clean_load(managed, online_dump, tmp_path):
    data_dir = Path(managed.neo4j_data_dir).resolve()
    env = {**os.environ, "GRAPHKIT_NEO4J_URI": managed.neo4j_uri, "GRAPHKIT_NEO4J_DATA_DIR": str(data_dir),
           "GRAPHKIT_NEO4J_PASSWORD": managed.neo4j_password.get_secret_value()}
    cmd = [sys.executable, "-m", "graphkit", "load", str(tiny_path()), "--backend", "neo4j", "--out", str(tmp_path / "o")]
    load = subprocess.Popen([*cmd, "--full-reload"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    log = data_dir / "logs" / "import.log"
    importer = None
    while load.poll() is None:  # watch the importer until it writes nodes, then kill it
        importer = importer or next((p for p in psutil.Process(load.pid).children()
                                     if "org.neo4j.cli.AdminTool" in p.cmdline()), None)
        if importer and log.exists() and "Node import" in log.read_text(errors="replace"):
            importer.send_signal(signal.SIGKILL)
            break
    assert importer is not None, f"the importer never ran: {load.communicate()}"
    _, err = load.communicate(timeout=120)
    assert load.returncode != 0 and "IMPORT DONE" not in log.read_text(errors="replace")
    assert "run the load again" in err and len(err.strip().splitlines()) == 1
    assert import_pending(data_dir) and neo4j_server.status(data_dir)["state"] == "stopped"

    rerun = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    assert "by bulk import" in rerun.stdout and not import_pending(data_dir)
    assert dump_of(managed) == online_dump
