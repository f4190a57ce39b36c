"""Scoring: deterministic, bounded, every score explained."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd

from graphkit import Settings
from graphkit.datasets import tiny_path
from graphkit.jobs import run_score
from graphkit.scoring import ENTITY_TYPES, SCORE_COLUMNS, combine, load_rules
from graphkit.indicators import INDICATORS

SETTINGS = Settings(as_of=dt.date(2026, 11, 1))


def test_same_input_same_bytes(tmp_path: Path):
    run_score(tiny_path(), tmp_path / "a", SETTINGS)
    run_score(tiny_path(), tmp_path / "b", SETTINGS)
    for name in ("scores.csv", "clusters.csv", "evidence.csv", "rejects.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_scores_csv_follows_the_contract(tmp_path: Path):
    run_score(tiny_path(), tmp_path, SETTINGS)
    scores = pd.read_csv(tmp_path / "scores.csv", dtype=str, keep_default_na=False)
    assert list(scores.columns[:7]) == ["entity_type", "entity_id", "source_ids", "name", "score", "rank", "reasons"]
    assert list(scores.columns) == SCORE_COLUMNS
    assert set(scores["entity_type"]) <= set(ENTITY_TYPES)
    values = scores["score"].astype(float)
    assert ((values >= 0) & (values <= 100)).all()
    for entity_type, group in scores.groupby("entity_type"):
        assert group["rank"].astype(int).tolist() == list(range(1, len(group) + 1))
        assert group["score"].astype(float).is_monotonic_decreasing
    codes = {m.CODE for m in INDICATORS}
    for reasons in scores["reasons"]:
        for reason in reasons.split("; "):
            code, _, rest = reason.partition(": ")
            assert code in codes
            assert re.search(r"\(evidence \d+\)$", rest), reason
    for row in scores.itertuples():
        if row.entity_type != "NETWORK":
            assert row.entity_id in row.source_ids.split(";")


def test_clusters_csv_follows_the_contract(tmp_path: Path):
    run_score(tiny_path(), tmp_path, SETTINGS)
    clusters = pd.read_csv(tmp_path / "clusters.csv", dtype=str, keep_default_na=False)
    assert list(clusters.columns) == ["cluster_id", "kind", "size", "score", "members", "reasons"]
    row = clusters.iloc[0]
    assert row["kind"] == "NETWORK_SHELL" and {"employers:E03", "employers:E04"} <= set(row["members"].split(";"))


def test_every_reason_code_has_a_weight():
    assert set(load_rules().weights) == {m.CODE for m in INDICATORS}


def test_noisy_or_is_bounded_and_monotone():
    assert combine([], []) == 0.0
    assert combine([1.0], [1.0]) == 100.0
    assert combine([0.9, 0.5], [1.0, 1.0]) > combine([0.9], [1.0])


def test_look_alikes_in_the_tiny_scenario_are_not_leads(tmp_path: Path):
    run = run_score(tiny_path(), tmp_path, SETTINGS)
    ids = set(run.result.scores["entity_id"])
    # the contractor (E01) with one commissioning visitor, its dormitory (A09), the hotel (A03),
    # the travel agent (S02), the spouse sponsor (S03), the renewed passport (P26/P27), the
    # departed tourist (P30) and the recently expired visitor (P31)
    assert not ids & {"employers:E01", "addresses:A09", "addresses:A03", "sponsors:S02", "sponsors:S03",
                      "persons:P26", "persons:P30", "persons:P31"}


def test_a_visit_permit_workforce_outranks_a_mere_network_member(tmp_path: Path):
    """Membership is a separate, smaller reason: a firm staffed by visitors (E02) ranks above the members
    of the tiny scenario's shell network (E03, E04), and no member inherits the network's own score."""
    result = run_score(tiny_path(), tmp_path, SETTINGS).result
    employers = result.scores[result.scores["entity_type"] == "EMPLOYER"].set_index("entity_id")
    network = result.scores[result.scores["entity_type"] == "NETWORK"].iloc[0]
    assert employers.loc["employers:E02", "rank"] < min(employers.loc[["employers:E03", "employers:E04"], "rank"])
    for member in ("employers:E03", "employers:E04"):
        assert employers.loc[member, "reasons"].startswith("NETWORK_MEMBER: member of network:N0001")
        assert employers.loc[member, "score"] <= 100 * load_rules().weights["NETWORK_MEMBER"] < network["score"]
