"""Blocking rule by rule finds exactly the pairs, and match keys, Splink's own blocking finds."""

from __future__ import annotations

import importlib

import duckdb
import pandas as pd
from splink import DuckDBAPI, Linker

from graphkit import load_folder
from graphkit.datasets.synth import synth, write_scenario

linkage = importlib.import_module("graphkit.resolve.linkage")
persons = importlib.import_module("graphkit.resolve.persons")


def test_blocked_pairs_equal_splinks_own_on_a_synthetic_scenario(tmp_path):
    tables = load_folder(write_scenario(synth(2000, 5), tmp_path / "input")).tables
    people = tables["persons"].sort_values("person_id", kind="stable", ignore_index=True)
    records = persons.person_records(tables, people, 25, pd.Series(dtype=object), pd.Series(dtype=object))
    con = duckdb.connect()
    con.register("frame", records)
    con.execute("CREATE TABLE persons_input AS SELECT * FROM frame")
    linker = Linker(DuckDBAPI(connection=con).register("persons_input"), persons.MODEL.settings(len(records)), log_level=None)
    theirs = linker.inference.compute_blocked_pairs_for_predict()
    query = "SELECT match_key, join_key_l, join_key_r FROM {} ORDER BY join_key_l, join_key_r"
    expected = con.sql(query.format(theirs.physical_name)).fetchall()
    found = con.sql(query.format(linkage._blocked_pairs(con, "persons_input", persons.MODEL.blocking))).fetchall()
    assert len(expected) > 100  # the scenario's duplicates, twins and look-alikes give blocks to find
    assert found == expected
    assert len({key for key, _, _ in found}) > 5  # several rules contribute first finds


def test_u_of_strangers_takes_the_priors_matches_out_of_the_random_sample():
    from types import SimpleNamespace as NS

    rare = NS(is_null_level=False, m_probability=0.6, u_probability=7e-5)  # 7 in 100,000 random pairs
    common = NS(is_null_level=False, m_probability=0.3, u_probability=0.01)
    unseen = NS(is_null_level=False, m_probability=0.5, u_probability=4e-5)  # all its hits are matches
    null = NS(is_null_level=True, m_probability=None, u_probability=None)
    settings = NS(_probability_two_random_records_match=1e-4,
                  comparisons=[NS(comparison_levels=[null, rare, common, unseen])])
    linkage._strangers_only(NS(_settings_obj=settings), 1e6)
    assert abs(rare.u_probability - (7e-5 - 6e-5) / (1 - 1e-4)) < 1e-12  # 1 of the 7 hits was strangers
    assert abs(common.u_probability - 0.01) < 1e-4  # strangers reach it often: nearly unchanged
    assert unseen.u_probability == 1e-6  # never below one pair of the sample
    assert null.u_probability is None
