"""Resolution on the real Neo4j: one entity node per human / organisation / place, read back in Cypher."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from graphkit import Settings
from graphkit.cypher import query
from graphkit.datasets import tiny_path
from graphkit.jobs import run_score


def test_entity_nodes_link_every_record_with_its_match_probability(neo4j_clean, neo4j_server, tmp_path: Path):
    settings = Settings(backend="neo4j", neo4j_uri=neo4j_server.uri, neo4j_password=neo4j_server.password,
                        as_of=dt.date(2026, 11, 1))
    run = run_score(tiny_path(), tmp_path / "out", settings)
    run.load.store.driver.close()
    entities = pd.read_csv(tmp_path / "out" / "entities.csv")
    assert run.manifest["entities_written_back"] == len(entities)

    humans, _, _ = neo4j_clean.execute_query("MATCH (h:Human) RETURN count(h) AS n")
    assert humans[0]["n"] == entities.loc[entities["entity_type"] == "PERSON", "entity_id"].nunique()
    pair, _, _ = neo4j_clean.execute_query(
        "MATCH (p:Person)-[r:RESOLVES_TO]->(h:Human {entity_id: $id}) "
        "RETURN p.person_id AS person, r.match_probability AS p, r.matched_on AS on ORDER BY person", id="persons:P26")
    assert [r["person"] for r in pair] == ["P26", "P27"]
    assert all(r["p"] > 0.95 and "birth_date:exact" in r["on"] for r in pair)
    org, _, _ = neo4j_clean.execute_query(
        "MATCH (o:Organisation {entity_id: $id})<-[:RESOLVES_TO]-(n) RETURN count(n) AS n", id="employers:E01")
    assert org[0]["n"] == 2  # employer E01 and its sponsor twin S01
    records, _, _ = neo4j_clean.execute_query(query("analysis/humans_with_several_records"), min_records=2)
    several = entities[entities["entity_type"] == "PERSON"].groupby("entity_id").size()
    assert {r["entity_id"]: r["records"] for r in records} == several[several >= 2].to_dict()

    # a second run replaces the links instead of adding to them
    again = run_score(tiny_path(), tmp_path / "again", settings)
    again.load.store.driver.close()
    links, _, _ = neo4j_clean.execute_query("MATCH (:Person)-[r:RESOLVES_TO]->() RETURN count(r) AS n")
    assert links[0]["n"] == int((entities["entity_type"] == "PERSON").sum())
