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


def test_list_contains_rules_find_the_pairs_of_the_plain_join():
    con = duckdb.connect()
    con.execute("CREATE TABLE t AS SELECT * FROM (VALUES (0, 'd1', ['ali', 'ali', 'hasan'], NULL), "
                "(1, 'd1', NULL, 'ali'), (2, 'd1', ['budi'], 'hasan'), (3, 'd2', ['ali'], 'ali'), "
                "(4, 'd1', [], 'ali')) v(unique_id, d, words, spelled)")
    rules = ("l.d = r.d AND list_contains(r.words, l.spelled)", "l.d = r.d AND list_contains(l.words, r.spelled)")
    query = "SELECT match_key, join_key_l, join_key_r FROM {} ORDER BY ALL"
    plain = [con.execute(f"SELECT l.unique_id, r.unique_id FROM t AS l JOIN t AS r ON ({rule}) "
                         "WHERE l.unique_id < r.unique_id ORDER BY ALL").fetchall() for rule in rules]
    found = con.sql(query.format(linkage._blocked_pairs(con, "t", rules))).fetchall()
    assert plain == [[], [(0, 1), (0, 2), (0, 4)]]  # record 0 holds "ali" twice: its pairs once each
    assert found == [("1", 0, 1), ("1", 0, 2), ("1", 0, 4)]


def test_cheap_one_edit_tests_agree_with_levenshtein_in_truth_and_nulls():
    words = ["", "a", "ab", "ba", "abc", "abd", "acb", "abcd", "abdc", "xbcd", "abcde", "abce", "bcde", "müller",
             "muller", "mueller", "unilever", "uniliver", "unilevers", "nilever", None]
    con = duckdb.connect()
    con.execute("CREATE TABLE p AS SELECT a.w AS a, b.w AS b FROM unnest(?) a(w), unnest(?) b(w)", [words, words])
    for plain in ("levenshtein(a, b) <= 1", "levenshtein(a, b) > 1"):
        cheap = linkage._cheap_edits(plain)
        assert cheap != plain
        differ, true = con.execute(f"SELECT count(*) FILTER (WHERE ({cheap}) IS DISTINCT FROM ({plain})), "
                                   f"count(*) FILTER (WHERE {plain}) FROM p").fetchall()[0]
        assert differ == 0 and true > 20


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
