"""The main job on the real Neo4j backend: same scores as memory, written back, visible in Cypher."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from graphkit import Settings
from graphkit.jobs import run_score
from graphkit.datasets import tiny_path

AS_OF = dt.date(2026, 11, 1)


def neo4j_settings(server) -> Settings:
    return Settings(backend="neo4j", neo4j_uri=server.uri, neo4j_password=server.password, as_of=AS_OF)


def test_scores_identical_on_both_backends_and_written_back(neo4j_clean, neo4j_server, tmp_path: Path):
    run_score(tiny_path(), tmp_path / "memory", Settings(as_of=AS_OF))
    graph = run_score(tiny_path(), tmp_path / "neo4j", neo4j_settings(neo4j_server))
    graph.load.store.driver.close()
    for name in ("scores.csv", "clusters.csv", "evidence.csv", "rejects.csv"):
        assert (tmp_path / "neo4j" / name).read_bytes() == (tmp_path / "memory" / name).read_bytes(), name
    pages = sorted(p.name for p in (tmp_path / "memory" / "graphs").iterdir())
    assert pages and sorted(p.name for p in (tmp_path / "neo4j" / "graphs").iterdir()) == pages
    for name in pages:  # the graph pages read the relationship sets back from the server
        assert (tmp_path / "neo4j" / "graphs" / name).read_bytes() == (tmp_path / "memory" / "graphs" / name).read_bytes(), name

    records, _, _ = neo4j_clean.execute_query(
        "MATCH (e:Employer) WHERE e.risk_score IS NOT NULL "
        "RETURN e.employer_id AS id, e.risk_rank AS rank, e.risk_reasons AS reasons, e.risk_run_id AS run ORDER BY rank"
    )
    assert [r["id"] for r in records] == ["E02", "E03", "E04"]  # a visit-permit workforce outranks mere members
    assert records[0]["reasons"].startswith("EMP_VISIT_WORKFORCE:")
    assert records[1]["reasons"].startswith("NETWORK_MEMBER:")
    assert {r["run"] for r in records} == {graph.manifest["run_id"]}
    twin, _, _ = neo4j_clean.execute_query("MATCH (s:Sponsor {sponsor_id: $id}) RETURN s.risk_entity_id AS e", id="S05")
    assert twin[0]["e"] == "employers:E03"
    runs, _, _ = neo4j_clean.execute_query("MATCH (r:ScoringRun) RETURN r.rule_set_version AS v, r.scored_EMPLOYER AS n")
    assert [(r["v"], r["n"]) for r in runs] == [(graph.manifest["rule_set_version"], 3)]


def test_a_second_run_links_runs_and_clears_stale_risk(neo4j_clean, neo4j_server, tmp_path: Path):
    first = run_score(tiny_path(), tmp_path / "a", neo4j_settings(neo4j_server))
    first.load.store.driver.close()
    later = neo4j_settings(neo4j_server).model_copy(update={"as_of": dt.date(2030, 1, 1)})
    second = run_score(tiny_path(), tmp_path / "b", later)
    second.load.store.driver.close()
    stale, _, _ = neo4j_clean.execute_query(
        "MATCH (n) WHERE n.risk_run_id IS NOT NULL AND n.risk_run_id <> $run RETURN count(n) AS n", run=second.manifest["run_id"]
    )
    assert stale[0]["n"] == 0
    chain, _, _ = neo4j_clean.execute_query("MATCH (b:ScoringRun)-[:FOLLOWS]->(a:ScoringRun) RETURN a.run_id AS a, b.run_id AS b")
    assert [(r["a"], r["b"]) for r in chain] == [(first.manifest["run_id"], second.manifest["run_id"])]
