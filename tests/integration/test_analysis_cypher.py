"""The analysts' Cypher (cypher/analysis) agrees with the Python indicators on the same data."""

from __future__ import annotations

import datetime as dt

import pytest

from graphkit import load_folder
from graphkit.cypher import names, query
from graphkit.datasets import tiny_path
from graphkit.indicators import address_crowding, emp_visit_workforce, network_shell, sponsor_fanout
from graphkit.indicators import person_no_lawful_entry, person_overstay
from graphkit.indicators.context import build_context
from graphkit.errors import ReadOnlyError
from graphkit.store.neo4j import Neo4jStore, read_cypher, run_analysis

AS_OF = dt.date(2026, 11, 1)
PARAMS = {"as_of": AS_OF, "lookback_days": 365, "grace_days": 30, "hub_limit": 8, "visit": "VISIT",
          "departure": "DEPARTURE", "arrival": "ARRIVAL", "work_sources": ["INSPECTION", "REPORT"],
          "history_days": address_crowding.HISTORY_DAYS, "chain_gap_days": address_crowding.CHAIN_GAP_DAYS,
          "rotation_gap_days": network_shell.ROTATION_GAP_DAYS}


@pytest.fixture(scope="module")
def loaded(neo4j_driver):
    with neo4j_driver.session() as session:  # batched: a graph left by an earlier test may exceed one transaction's memory
        session.run("MATCH (n) CALL { WITH n DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()
    tables = load_folder(tiny_path()).tables
    Neo4jStore(neo4j_driver).load(tables)
    return neo4j_driver, build_context(tables, AS_OF)


def cypher(driver, name: str) -> list[dict]:
    text = query(f"analysis/{name}")
    used = {p for p in PARAMS if f"${p}" in text}
    return run_analysis(driver, name, **{p: PARAMS[p] for p in used}).to_dict("records")


@pytest.mark.parametrize("statement", [
    "MATCH (p:Person) SET p.note = $note RETURN count(p) AS n",
    "MATCH (p:Person) DETACH DELETE p",
    "MERGE (p:Person {person_id: $note})",
])
def test_a_write_in_an_analyst_session_is_refused_and_changes_nothing(loaded, statement):
    driver, _ = loaded
    before = read_cypher(driver, "MATCH (n) RETURN count(n) AS n, count(n.note) AS notes")
    with pytest.raises(ReadOnlyError, match="read-only"):
        read_cypher(driver, statement, note="changed")
    assert read_cypher(driver, "MATCH (n) RETURN count(n) AS n, count(n.note) AS notes").equals(before)


def test_every_analysis_query_is_checked_here():
    checked = {"visit_workers_per_employer", "sponsored_people_per_sponsor", "residents_per_address",
               "overstay_candidates", "no_lawful_entry_candidates", "employer_links",
               "humans_with_several_records"}  # read back against entities.csv in test_entities_neo4j.py
    assert {n.split("/")[1] for n in names("analysis")} == checked


def test_visit_workers_per_employer(loaded):
    driver, ctx = loaded
    python = emp_visit_workforce.measure(ctx)
    got = {f"employers:{r['employer_id']}": (r["workers"], r["visit_workers"]) for r in cypher(driver, "visit_workers_per_employer")}
    assert got == {org: (int(r.n), int(r.k)) for org, r in python.iterrows()}


def test_sponsored_people_per_sponsor(loaded):
    driver, ctx = loaded
    python = sponsor_fanout.measure(ctx)
    rows = cypher(driver, "sponsored_people_per_sponsor")
    humans = {ctx.resolution.organisation[f"sponsors:{r['sponsor_id']}"]: {ctx.resolution.person[p] for p in r["people"]} for r in rows}
    assert {s: len(h) for s, h in humans.items()} == python["n"].astype(int).to_dict()
    one_record_each = {ctx.resolution.organisation[f"sponsors:{r['sponsor_id']}"]: (r["visits"], r["working"])
                       for r in rows if r["sponsored"] == len(humans[ctx.resolution.organisation[f"sponsors:{r['sponsor_id']}"]])}
    assert len(one_record_each) >= 4
    assert one_record_each == {s: (int(python.loc[s, "visits"]), int(python.loc[s, "working"])) for s in one_record_each}


def test_residents_per_address(loaded):
    driver, ctx = loaded
    python = address_crowding.measure(ctx)
    got = {ctx.resolution.address[r["address_id"]]: (r["residents"], r["irregular_workers"]) for r in cypher(driver, "residents_per_address")}
    assert got == {p: (int(r.n), int(r.k)) for p, r in python.iterrows()}


def test_overstay_per_record_and_per_human(loaded):
    """Per record Cypher finds what Python finds, plus old records of humans who renewed: resolution's job."""
    driver, ctx = loaded
    records = {f"persons:{r['person_id']}" for r in cypher(driver, "overstay_candidates")}
    humans = set(person_overstay.run(ctx)["entity_id"])
    assert humans <= {ctx.resolution.person[r.split(":")[1]] for r in records}
    explained = {r for r in records if ctx.resolution.person[r.split(":")[1]] not in humans}
    assert explained == {"persons:P26"}  # renewed under a new passport as P27


def test_no_lawful_entry(loaded):
    driver, ctx = loaded
    got = {f"persons:{r['person_id']}": r["seen_working"] + r["reported_living"] for r in cypher(driver, "no_lawful_entry_candidates")}
    python = person_no_lawful_entry.run(ctx)
    assert got == dict(zip(python["entity_id"], python["evidence_count"].astype(int)))


def test_employer_links(loaded):
    driver, ctx = loaded
    links = network_shell.projection(ctx)
    python = {(r.org_a, r.org_b): (int(r.phone), int(r.address), int(r.rotation_irregular + r.rotation_regular)) for r in links.itertuples()
              if r.phone + r.address + r.rotation_irregular + r.rotation_regular}
    got = {(f"employers:{r['employer_a']}", f"employers:{r['employer_b']}"): (r["shared_phone"], r["shared_address"], len(r["rotated"]))
           for r in cypher(driver, "employer_links")}
    assert got == python
