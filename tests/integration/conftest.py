"""One real Neo4j server per test session, assembled from Maven Central jars.

If the server cannot be assembled or started the fixtures fail, never skip: a test that needs
Neo4j and did not run it is a failure.
"""

import secrets

import neo4j
import pytest

from graphkit.neo4j_server import free_port, start


@pytest.fixture(scope="session")
def neo4j_server(tmp_path_factory):
    """A started :class:`graphkit.neo4j_server.Neo4jServer` with a random password."""
    data_dir = tmp_path_factory.mktemp("neo4j")
    server = start(data_dir, free_port(), secrets.token_urlsafe(24))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def neo4j_driver(neo4j_server):
    """The official driver connected to the session's server."""
    driver = neo4j.GraphDatabase.driver(neo4j_server.uri, auth=neo4j_server.auth)
    driver.verify_connectivity()
    yield driver
    driver.close()


def _quote(name: str) -> str:
    # constraint and index names cannot be parameters in DROP
    return "`" + name.replace("`", "``") + "`"


@pytest.fixture
def neo4j_clean(neo4j_driver):
    """The session's driver, on an empty database: no nodes, constraints or indexes."""
    with neo4j_driver.session() as session:
        # CALL {} IN TRANSACTIONS needs an auto-commit transaction: session.run, not execute_query
        session.run(
            "MATCH (n) CALL { WITH n DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS"
        ).consume()
        for name in session.run("SHOW CONSTRAINTS YIELD name").value():
            session.run(f"DROP CONSTRAINT {_quote(name)} IF EXISTS").consume()
        # the two token lookup indexes stay: Neo4j creates them with every database
        indexes = session.run("SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP' RETURN name")
        for name in indexes.value():
            session.run(f"DROP INDEX {_quote(name)} IF EXISTS").consume()
    return neo4j_driver
