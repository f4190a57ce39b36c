"""The project's own Neo4j server: assembled, started with auth on 127.0.0.1, stopped cleanly."""

import os
import secrets
import time

import neo4j
import psutil
import pytest
from neo4j.exceptions import AuthError

from graphkit import neo4j_server as server_module

pytestmark = pytest.mark.neo4j


def test_answers_with_generated_password(neo4j_driver):
    records, _, _ = neo4j_driver.execute_query("RETURN 1 AS one")
    assert records[0]["one"] == 1


def test_wrong_password_is_refused(neo4j_server):
    with neo4j.GraphDatabase.driver(neo4j_server.uri, auth=("neo4j", "not-the-password")) as d:
        with pytest.raises(AuthError):
            d.verify_connectivity()


def test_listens_on_loopback_only(neo4j_server):
    port = int(neo4j_server.uri.rsplit(":", 1)[1])
    listening = [c for c in psutil.Process(neo4j_server.pid).net_connections("tcp")
                 if c.status == psutil.CONN_LISTEN]
    assert port in {c.laddr.port for c in listening}
    # any other listening port (HTTP, HTTPS) would be a leak too: all must be loopback
    assert {c.laddr.ip.removeprefix("::ffff:") for c in listening} == {"127.0.0.1"}


def test_password_kept_out_of_logs_and_repr(neo4j_server):
    password = neo4j_server.password.get_secret_value()
    assert password not in repr(neo4j_server) and password not in str(neo4j_server)
    log_files = [p for p in (neo4j_server.data_dir / "logs").rglob("*") if p.is_file()]
    assert neo4j_server.log_path in log_files
    for path in [*log_files, *(neo4j_server.data_dir / "conf").iterdir()]:
        assert password not in path.read_text(errors="replace"), path


def test_neo4j_clean_empties_the_database(neo4j_driver, request):
    run = neo4j_driver.execute_query
    run("CREATE CONSTRAINT `odd``name` FOR (p:Person) REQUIRE p.id IS UNIQUE")
    run("CREATE INDEX person_name FOR (p:Person) ON (p.name)")
    run("UNWIND range(1, 100) AS i CREATE (:Person {id: i})-[:KNOWS]->(:Person {id: -i})")
    driver = request.getfixturevalue("neo4j_clean")
    assert driver.execute_query("MATCH (n) RETURN count(n) AS c").records[0]["c"] == 0
    assert driver.execute_query("SHOW CONSTRAINTS").records == []
    types = {r["type"] for r in driver.execute_query("SHOW INDEXES YIELD type").records}
    assert types <= {"LOOKUP"}


def _described(pid: int) -> str:
    """What is left of a process that should be gone (its state and parent), for the failure message."""
    try:
        process = psutil.Process(pid)
        return f"pid {pid} is {process.status()}, parent {process.ppid()} (this test is {os.getpid()})"
    except psutil.NoSuchProcess:
        return f"pid {pid} is gone now"


def test_status_and_stop_of_a_second_instance(tmp_path, neo4j_server):
    home = server_module.assemble()
    started = time.monotonic()
    assert server_module.assemble() == home
    assert time.monotonic() - started < 0.5 and (home / ".assembled").is_file()

    data_dir = tmp_path / "second"
    server = server_module.start(data_dir, server_module.free_port(), secrets.token_urlsafe(16))
    try:
        assert server.pid != neo4j_server.pid
        assert server_module.status(data_dir) | {"pid": None} == {
            "state": "running", "pid": None, "uri": server.uri,
            "data_dir": str(data_dir), "log_path": str(server.log_path),
        }
        assert server_module.status(data_dir)["pid"] == server.pid
        assert server_module.stop(data_dir) is True
        assert not psutil.pid_exists(server.pid), _described(server.pid)
        assert server_module.status(data_dir)["state"] == "stopped"
        assert server_module.stop(data_dir) is False
    finally:
        server.stop()
