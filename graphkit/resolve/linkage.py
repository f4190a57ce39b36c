"""Probabilistic record linkage with Splink on DuckDB, driven by a declared :class:`Model`.

A model declares, as data, the blocking rules that find candidate pairs and the comparisons that
weigh them (each comparison a list of levels: an SQL condition on ``l``/``r``, a label, prior m and
u probabilities, optionally a term-frequency column), from which :meth:`Model.settings` builds Splink's
settings; :func:`load` copies the records into DuckDB and trains m and u without labels when there are
enough records (expectation maximisation on the model's training blocks, u from a seeded random
sample), and :func:`score` returns the scored pairs at or above the threshold (the caller may drop
its records frame in between). Everything is deterministic: records enter sorted by their source id, sampling is
seeded or hash-based, and probabilities are rounded before anything downstream sees them.
"""

from __future__ import annotations

import logging
import math
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

#: Most random pairs u is estimated from (four per record below that): levels strangers reach once in a million pairs.
_U_PAIRS = 1e6

#: Digits kept of every match probability: DuckDB sums in parallel, so the last bits may differ.
PROBABILITY_DIGITS = 6


def _sides(sql: str) -> str:
    """Blocking-rule spelling (``l.name``) as Splink's comparison spelling (``name_l``).

    >>> _sides("l.name = r.name")
    'name_l = name_r'
    """
    return re.sub(r"\b([lr])\.(\w+)", r"\2_\1", sql)


def _one_edit(match: re.Match) -> str:
    a, b = match.group(1), match.group(2)
    n = f"greatest(length({a}), length({b}))"
    return (f"(abs(length({a}) - length({b})) <= 1 AND (left({a}, {n} // 2) = left({b}, {n} // 2) "
            f"OR right({a}, {n} - {n} // 2) = right({b}, {n} - {n} // 2)) AND levenshtein({a}, {b}) <= 1)")


def _cheap_edits(sql: str) -> str:
    """``levenshtein(a, b) <= 1`` (and ``> 1``) behind tests that decide most pairs without it, same
    in truth and nulls.

    One edit changes a length by at most one, and leaves either the first half of the longer string
    or its second half as it was (where the edit is not, the strings agree). Levenshtein's dynamic
    programme costs the product of the lengths; these cost their sum, and a predict at a million
    records evaluates the level on millions of pairs that share only a blocking key.

    >>> _cheap_edits("levenshtein(l.a, r.a) <= 1")[:44]
    '(abs(length(l.a) - length(r.a)) <= 1 AND (le'
    """
    sql = re.sub(r"levenshtein\(([\w.]+), ([\w.]+)\) <= 1\b", _one_edit, sql)
    return re.sub(r"levenshtein\(([\w.]+), ([\w.]+)\) > 1\b", lambda m: f"NOT {_one_edit(m)}", sql)


@dataclass(frozen=True)
class Level:
    """One level of a comparison: records agreeing this way (``sql`` on ``l.``/``r.`` columns)."""

    label: str
    sql: str
    m: float
    u: float
    tf: str | None = None
    #: ``u`` as declared, never estimated from random pairs: where a few entities hold most records
    #: (one company's hundreds of filings), random pairs are often the same entity and ``u`` comes out far too high
    fixed_u: bool = False


@dataclass(frozen=True)
class Comparison:
    """One piece of evidence: levels from the strongest agreement down; ``null`` when it says nothing.

    ``fixed_m`` keeps the declared m probabilities (how often one human's own records show each
    level) out of training: a generator's habits must not turn evidence into a veto.
    """

    name: str
    null: str
    levels: tuple[Level, ...]
    columns: tuple[str, ...] = ()
    fixed_m: bool = False

    def splink(self) -> dict:
        """The comparison as a Splink settings dictionary (the ``else`` level closes it)."""
        levels = [{"sql_condition": _sides(self.null), "label_for_charts": "null", "is_null_level": True}]
        for level in self.levels:
            d = {"sql_condition": _sides(_cheap_edits(level.sql)), "label_for_charts": level.label,
                 "m_probability": level.m, "u_probability": level.u}
            if level.tf:
                d.update(tf_adjustment_column=level.tf, tf_adjustment_weight=1.0)
            if level.fixed_u:
                d.update(fix_u_probability=True)
            levels.append(d)
        m_rest = max(1e-4, 1 - sum(level.m for level in self.levels))
        u_rest = max(1e-4, 1 - sum(level.u for level in self.levels))
        levels.append({"sql_condition": "ELSE", "label_for_charts": "else", "m_probability": m_rest, "u_probability": u_rest})
        if self.fixed_m:
            for level in levels[1:]:
                level["fix_m_probability"] = True
        return {"output_column_name": self.name, "comparison_levels": levels}

    def labels(self) -> list[str]:
        """Level labels by Splink's gamma value (the strongest level has the highest)."""
        return ["else"] + [level.label for level in reversed(self.levels)]


@dataclass(frozen=True)
class Model:
    """A declared linkage model: blocking rules, comparisons and EM training blocks, all SQL text."""

    kind: str
    blocking: tuple[str, ...]
    comparisons: tuple[Comparison, ...]
    training: tuple[str, ...] = ()
    duplicates_per_record: float = 0.05
    deterministic: tuple[str, ...] = ()
    #: the prior stays the one estimated from ``deterministic`` whatever the EM blocks do: a block
    #: without pairs (no phones in the data) otherwise leaves its blocking-adjusted prior behind (0.98)
    keep_prior: bool = False
    #: u as the share of *non-matching* random pairs at each level: the random sample also holds the
    #: prior's share of matches, and for a level strangers seldom reach (the same street and number,
    #: the same rare name) those matches are most of the sample's hits, capping the level's weight
    #: near the prior's (see :func:`_strangers_only`). Only with a trusted prior (``keep_prior``):
    #: where a few entities hold most records (a company's hundreds of filings) the prior is no guide.
    u_of_strangers: bool = False

    def settings(self, n: int) -> dict:
        """Splink settings for ``n`` records (the prior: ``duplicates_per_record`` extra rows per entity)."""
        prior = min(0.5, 2 * self.duplicates_per_record / max(n - 1, 1))
        return {
            "link_type": "dedupe_only",
            "unique_id_column_name": "unique_id",
            "probability_two_random_records_match": prior,
            "blocking_rules_to_generate_predictions": [{"blocking_rule": b} for b in self.blocking],
            "comparisons": [c.splink() for c in self.comparisons],
            "retain_matching_columns": True,
            "retain_intermediate_calculation_columns": False,
            "max_iterations": 10,
            "em_convergence": 1e-3,
        }


@dataclass
class Linked:
    """What :func:`score` found: pairs of record positions with their probability and evidence."""

    left: np.ndarray
    right: np.ndarray
    probability: np.ndarray
    matched_on: np.ndarray
    linker: object = None


def _quiet() -> None:
    for name in ("splink", "splink.internals"):
        logging.getLogger(name).setLevel(logging.ERROR)


@dataclass
class Loaded:
    """A model's records copied into DuckDB and its Splink linker trained: ready for :func:`score`."""

    con: object
    db: object
    linker: object
    model: Model


def load(records: pd.DataFrame, model: Model, *, train_min_records: int, seed: int, threads: int = 2) -> Loaded:
    """Copy ``records`` (at least two) into DuckDB and train the model's m and u on them (with at
    least ``train_min_records`` records); ``records`` is not needed afterwards."""
    n = len(records)
    import duckdb
    from splink import DuckDBAPI, Linker

    _quiet()
    con = duckdb.connect(config={"threads": threads})
    db = DuckDBAPI(connection=con)
    # copied once into a DuckDB table: Splink reads its input through a view, once per blocking rule
    # and side, and a scan of a pandas frame converts every object cell again under the GIL
    con.register("records_frame", records)
    con.execute(f"CREATE TABLE {model.kind}_input AS SELECT * FROM records_frame")
    con.unregister("records_frame")
    linker = Linker(db.register(f"{model.kind}_input", table_name=f"{model.kind}_records"),
                    model.settings(n), log_level=None)
    if n >= train_min_records:
        _train(linker, model, n, seed)
    return Loaded(con, db, linker, model)


def _train(linker, model: Model, n: int, seed: int) -> None:
    if model.deterministic:
        # the prior from the pairs near-certain rules find (assumed to be 70% of the matches),
        # never below the declared one: large clusters (a company's hundreds of records) need it
        floor = linker._settings_obj._probability_two_random_records_match
        linker.training.estimate_probability_two_random_records_match(list(model.deterministic), recall=0.7)
        estimated = linker._settings_obj._probability_two_random_records_match
        linker._settings_obj._probability_two_random_records_match = max(floor, estimated)
    # the sample is a hash of each record's id with the seed: the same rows on any number of threads
    u_pairs = min(_U_PAIRS, 4.0 * n)
    linker.training.estimate_u_using_random_sampling(max_pairs=u_pairs, seed=seed)
    from splink.internals.exceptions import EMTrainingException

    prior = linker._settings_obj._probability_two_random_records_match
    for block in model.training:
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(
                block, estimate_without_term_frequencies=True, max_pairs=min(5e6, n * 5.0))
        except EMTrainingException:
            pass  # this block holds no pairs in these data (no passports, say): the priors stand
        if model.keep_prior:
            linker._settings_obj._probability_two_random_records_match = prior
    if model.u_of_strangers:
        _strangers_only(linker, u_pairs)


def score(loaded: Loaded, threshold: float) -> Linked:
    """The candidate pairs of :func:`load`'s records scored; those at or above ``threshold`` come back
    with ``matched_on``: the comparisons that agreed, each with the level it reached
    (``name:exact;birth_date:day_month_swap``)."""
    con, db, linker, model = loaded.con, loaded.db, loaded.linker, loaded.model
    blocked = _blocked_pairs(con, f"{model.kind}_input", model.blocking)
    linker.table_management.register_blocked_pairs_for_predict(db.register(blocked))
    predicted = linker.inference.predict(threshold_match_probability=threshold)
    # only the ids, the probability and the levels leave DuckDB: the retained matching columns of
    # both sides (names, dates, anchors) would be a second copy of the records per pair
    present = set(con.sql(f"SELECT * FROM {predicted.physical_name} LIMIT 0").columns)
    wanted = ["unique_id_l", "unique_id_r", "match_probability"] + [
        f"gamma_{c.name}" for c in model.comparisons if f"gamma_{c.name}" in present]
    pairs = con.sql(f"SELECT {', '.join(wanted)} FROM {predicted.physical_name}").to_df()
    predicted.drop_table_from_database_and_remove_from_cache()
    if pairs.empty:
        empty = np.array([], dtype=np.int64)
        return Linked(empty, empty, np.array([], dtype=float), np.array([], dtype=object), linker)
    pairs = pairs.sort_values(["unique_id_l", "unique_id_r"], kind="stable", ignore_index=True)
    return Linked(pairs["unique_id_l"].to_numpy(np.int64), pairs["unique_id_r"].to_numpy(np.int64),
                  pairs["match_probability"].round(PROBABILITY_DIGITS).to_numpy(float),
                  _matched_on(pairs, model), linker)


def _strangers_only(linker, sampled: float) -> None:
    """Each level's u among non-matching pairs: a random pair reaches a level with probability
    ``prior * m + (1 - prior) * u``, so ``u = (sampled share - prior * m) / (1 - prior)``, never below
    one pair of the sample (a level the sample saw only in matches is not proof that strangers never reach it)."""
    prior = linker._settings_obj._probability_two_random_records_match
    for comparison in linker._settings_obj.comparisons:
        for level in comparison.comparison_levels:
            if level.is_null_level or level.u_probability is None or level.m_probability is None:
                continue
            level.u_probability = max(1 / sampled, (level.u_probability - prior * level.m_probability) / (1 - prior))


def _blocked_pairs(con, table: str, rules: tuple[str, ...]) -> str:
    """The pairs the blocking ``rules`` find in ``table``, as Splink's own blocking finds them: each
    pair once, its ``match_key`` the first rule that finds it. Returns the table's name.

    Splink runs all rules as one ``UNION ALL`` whose every branch also tests the earlier rules: DuckDB
    then builds every branch's hash table, carrying every blocking column, before any is probed
    (about 4.5 GB at a million persons). Here each rule joins on its own columns, one at a time.

    >>> import duckdb
    >>> con = duckdb.connect()
    >>> _ = con.execute("CREATE TABLE t AS SELECT * FROM (VALUES (0, 'a', 1), (1, 'a', 1), (2, 'b', 1)) v(unique_id, x, y)")
    >>> con.sql(f"SELECT * FROM {_blocked_pairs(con, 't', ('l.x = r.x', 'l.y = r.y'))} ORDER BY ALL").fetchall()
    [('0', 0, 1), ('1', 0, 2), ('1', 1, 2)]
    """
    con.execute(f"CREATE TABLE {table}_found (rule INTEGER, join_key_l BIGINT, join_key_r BIGINT)")
    for i, rule in enumerate(rules):
        con.execute(f"INSERT INTO {table}_found SELECT {i}, l.unique_id, r.unique_id FROM {_join(table, rule)} "
                    f"WHERE l.unique_id < r.unique_id")
    con.execute(f"CREATE TABLE {table}_blocked AS SELECT CAST(min(rule) AS VARCHAR) AS match_key, join_key_l, join_key_r "
                f"FROM {table}_found GROUP BY join_key_l, join_key_r")
    con.execute(f"DROP TABLE {table}_found")
    return f"{table}_blocked"


_LIST_CONTAINS = re.compile(r"list_contains\(([lr])\.(\w+), ([lr])\.(\w+)\)")


def _join(table: str, rule: str) -> str:
    """``table`` joined with itself on ``rule``, a ``list_contains(r.words, l.word)`` in it as an
    equality with the list's elements: the same pairs (once more for a word the list holds twice),
    found through the hash of the word rather than by testing every pair the rest of the rule
    leaves (every pair of records born on one day, some 25 million at a million persons).

    >>> _join("t", "l.d = r.d AND list_contains(r.words, l.word)")
    't AS l JOIN (SELECT *, unnest(words) AS words_element FROM t) AS r ON (l.d = r.d AND r.words_element = l.word)'
    """
    found = _LIST_CONTAINS.search(rule)
    if not found:
        return f"{table} AS l JOIN {table} AS r ON ({rule})"
    side, words, other, word = found.groups()
    rule = f"{rule[:found.start()]}{side}.{words}_element = {other}.{word}{rule[found.end():]}"
    unnested = f"(SELECT *, unnest({words}) AS {words}_element FROM {table})"
    left, right = (unnested, table) if side == "l" else (table, unnested)
    return f"{left} AS l JOIN {right} AS r ON ({rule})"


def _matched_on(pairs: pd.DataFrame, model: Model) -> np.ndarray:
    out = np.full(len(pairs), "", dtype=object)
    for comparison in model.comparisons:
        if f"gamma_{comparison.name}" not in pairs:
            continue
        # gamma -1 is the null level, 0 the else level: neither is evidence of a match
        names = np.array(["", ""] + [f"{comparison.name}:{label}" for label in comparison.labels()[1:]], dtype=object)
        part = names[pairs[f"gamma_{comparison.name}"].to_numpy(np.int64) + 1]
        out = np.where(part == "", out, np.where(out == "", part, out + ";" + part))
    return out


def match_weight(probability: float) -> float:
    """The match weight (log2 odds) of a probability.

    >>> match_weight(0.5)
    0.0
    """
    return math.log2(probability / (1 - probability))
