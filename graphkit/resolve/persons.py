"""Person records: which rows are one human.

Hard links: the same passport number issued by the same country (a value shared by more than the
hub limit of records, such as a placeholder, links nothing). Everything else is weighed by the
:data:`MODEL` below, declared as data: names (transliterated, honorifics and ``bin``/``binti``/``al``
dropped, word order ignored, term-frequency adjusted so a common name weighs little; given and
family parts each within a typo; initials meeting the names they stand for, ``J. Smith`` and
``John Smith``, while an initial in common is no name in common; another romanisation of the same
sounds, see :func:`~graphkit.resolve.normalise.name_sound`), birth date (day/month swaps, one-character typos),
passport number (one edit: a typo; a different number: perhaps a renewed passport, so only mild
evidence against), travel and permit history (:mod:`~graphkit.resolve.histories`; evidence, not a
veto: a renewed passport splits one human's story over two records that complement each other,
while two strangers' stories collide: one present while the other arrives, or arriving after the
other's last arrival with no exit between), the home address as written
(:mod:`~graphkit.resolve.homes`: the line, its words in any order, its house number, postcode and
village) and shared sponsors, employers or addresses (a hub's value, shared by more than the hub
limit of people, is dropped: it says nothing about who is who). Nationality and passport country are
never compared: on their own they would decide which strangers merge.

How often one human's records disagree on name, birth date, passport and home is learned from the
data (EM on pairs sharing a passport, a name and birth date, or a sponsor, employer or address), and
each level's u counts strangers only (see :attr:`~graphkit.resolve.linkage.Model.u_of_strangers`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from graphkit.arrowops import lookup, positions, spread, strings
from graphkit.distinct import distinct, distinct_inverse
from graphkit.resolve.histories import history_columns
from graphkit.resolve.homes import home_columns
from graphkit.resolve.linkage import Comparison, Level, Model
from graphkit.resolve.normalise import name_key, name_sound, normalise_documents, normalise_names

_STRING = pd.StringDtype("pyarrow")

#: Sponsors, employers and addresses kept per record as evidence (the first by canonical id).
MAX_ANCHORS = 4

_NAME_NULL = "l.name_key IS NULL OR r.name_key IS NULL"
_SAME_DIGITS = "l.name_digits IS NOT DISTINCT FROM r.name_digits"
_DOB_NULL = "l.birth_date IS NULL OR r.birth_date IS NULL"
_PARTS_CLOSE = ("(jaro_winkler_similarity(l.name_{a}, r.name_{b}) >= 0.88 "
                "AND jaro_winkler_similarity(l.name_{c}, r.name_{d}) >= 0.88)")
_NO_HISTORY = "({s}.arrival_weeks IS NULL AND {s}.orphan_departure IS NULL AND {s}.permit_from IS NULL)"
#: Two humans at once: one arrives while the other, by its own crossings, is already here; or both
#: hold valid permits for half a year under different passports (a renewal overlaps by weeks).
_PRESENT_TOGETHER = (
    # (the spans first: most pairs' weeks lie apart, and the list intersection is the costliest test here)
    " OR ".join(f"({a}.arrival_last >= {b}.stay_first AND {a}.arrival_first <= {b}.stay_last "
                f"AND list_has_any({a}.arrival_weeks, {b}.stay_weeks))" for a, b in (("l", "r"), ("r", "l"))) +
    " "
    "OR (levenshtein(l.passport_no, r.passport_no) > 1 AND l.permit_to - r.permit_from > 180 "
    "AND r.permit_to - l.permit_from > 180)")
#: One arrives after the other's last crossing, itself an arrival, and never left before: one human
#: would have had to leave in between, and neither record shows it (only a missed exit explains it).
_ARRIVED_AGAIN = " OR ".join(
    f"({a}.open_from IS NOT NULL AND {b}.orphan_departure IS NULL AND list_min({b}.arrival_weeks) > {a}.open_from // 7)"
    for a, b in (("l", "r"), ("r", "l")))
#: One stay in two halves: left open on one record (its last crossing an arrival), closed on the
#: other by a departure with no arrival before it and no permit of its own (the permit is on the first).
_CLOSED_ELSEWHERE = " OR ".join(f"({a}.open_from <= {b}.orphan_departure AND {b}.permit_from IS NULL)"
                                for a, b in (("l", "r"), ("r", "l")))
#: ... and that departure came as the open record's last permit ran out, as most departures do.
_LEFT_AT_EXPIRY = " OR ".join(
    f"({a}.open_from <= {b}.orphan_departure AND {b}.permit_from IS NULL "
    f"AND {b}.orphan_departure BETWEEN {a}.permit_to - 90 AND {a}.permit_to + 30)" for a, b in (("l", "r"), ("r", "l")))
#: One permit chain in two halves: the other record's first permit is issued around this record's
#: last expiry, this record never shows its human leaving, and the other shows no arrival before it.
_PICKED_UP = " OR ".join(
    f"({b}.permit_from BETWEEN {a}.permit_to - 60 AND {a}.permit_to + 15 AND {b}.permit_from > {a}.permit_from "
    f"AND {a}.left_on IS NULL AND ({b}.arrival_weeks IS NULL OR list_min({b}.arrival_weeks) >= {b}.permit_from // 7))"
    for a, b in (("l", "r"), ("r", "l")))

#: One house number in one postcode, village or street: a house number alone is shared by strangers
#: all over the country, and blocking on it with a name part pairs them with the square of the records.
_ONE_PLACE = "(l.home_postcode = r.home_postcode OR l.home_village = r.home_village OR l.home_street = r.home_street)"

#: Two home lines within a typo or two, as written or with their words in alphabetical order.
_LINE_CLOSE = ("(jaro_winkler_similarity(l.home_line, r.home_line) >= {t} "
               "OR jaro_winkler_similarity(l.home_words, r.home_words) >= {t})")

#: A name written with initials (``J. Smith``, ``Le Q.``): each of its words in full is a word of the
#: other record's name, and each initial is the first letter of one of the other's words.
_INITIALLED = " OR ".join(
    f"({a}.name_spelled IS NOT NULL AND list_has_all({b}.name_words, {a}.name_full) "
    f"AND list_has_all({b}.name_heads, {a}.name_singles))" for a, b in (("l", "r"), ("r", "l")))

MODEL = Model(
    kind="persons",
    blocking=(
        "l.passport_no = r.passport_no",
        "l.name_key = r.name_key AND l.birth_year = r.birth_year AND l.birth_month = r.birth_month",
        "l.name_key = r.name_key AND l.birth_year = r.birth_year AND l.birth_day = r.birth_day",
        "l.name_key = r.name_key AND l.birth_year = r.birth_year AND l.birth_md = r.birth_dm",
        "l.name_key = r.name_key AND l.birth_md = r.birth_md",
        "l.birth_date = r.birth_date AND l.name_a = r.name_a",
        "l.birth_date = r.birth_date AND l.name_z = r.name_z",
        "l.birth_date = r.birth_date AND l.name_compact4 = r.name_compact4",
        "l.birth_date = r.birth_date AND l.name_sound = r.name_sound",
        "l.birth_date = r.birth_date AND l.key_initials = r.key_initials",
        # a name with initials: one of its words in full is one of the other's, wherever it sorts
        "l.birth_date = r.birth_date AND list_contains(r.name_words, l.name_spelled)",
        "l.birth_date = r.birth_date AND list_contains(l.name_words, r.name_spelled)",
        # a home address spelled alike (hub addresses are left out of home_line) and a name part
        "l.home_line = r.home_line AND l.name_first = r.name_first",
        "l.home_line = r.home_line AND l.name_last = r.name_last",
        "l.home_line = r.home_line AND l.birth_year = r.birth_year",
        "l.home_postcode = r.home_postcode AND l.name_first = r.name_first AND l.name_last = r.name_last",
        "l.home_postcode = r.home_postcode AND l.birth_date = r.birth_date",
        "l.home_street = r.home_street AND l.home_postcode = r.home_postcode AND l.name_initials = r.name_initials",
        "l.home_street = r.home_street AND l.home_village = r.home_village AND l.name_initials = r.name_initials",
        # one house (its number in one village or postcode) and the name's initials or the birth date,
        # or a name part written in the other place: what typos in every other field leave agreeing
        "l.home_number = r.home_number AND l.home_village = r.home_village AND l.key_initials = r.key_initials",
        "l.home_number = r.home_number AND l.home_postcode = r.home_postcode AND l.name_initials = r.name_initials",
        "l.home_number = r.home_number AND l.birth_date = r.birth_date",
        f"l.home_number = r.home_number AND l.name_last = r.name_first AND {_ONE_PLACE}",
        f"l.home_number = r.home_number AND l.name_first = r.name_last AND {_ONE_PLACE}",
        "l.home_village = r.home_village AND l.birth_date = r.birth_date",
        "l.home_street = r.home_street AND l.birth_date = r.birth_date",
        "l.home_village = r.home_village AND l.name_key = r.name_key",
        # records sharing a (non-hub) sponsor, employer or address and a name word
        "l.anchor1 = r.anchor1 AND l.name_a = r.name_a",
        "l.anchor1 = r.anchor1 AND l.name_z = r.name_z",
        "l.anchor1 = r.anchor1 AND l.birth_date = r.birth_date",
        # a record without a birth date is only worth comparing with one it shares an anchor with
        "l.undated_key = r.name_key AND l.anchor1 = r.anchor1",
        "l.name_key = r.undated_key AND l.anchor1 = r.anchor1",
        # ... or one home (a house number, a postcode, a village) and a name part
        "l.undated_a = r.name_a AND l.home_number = r.home_number",
        "l.name_a = r.undated_a AND l.home_number = r.home_number",
        "l.undated_a = r.name_a AND l.home_village = r.home_village",
        "l.name_a = r.undated_a AND l.home_village = r.home_village",
        "l.undated_z = r.name_z AND l.home_postcode = r.home_postcode",
        "l.name_z = r.undated_z AND l.home_postcode = r.home_postcode",
    ),
    comparisons=(
        Comparison("name", _NAME_NULL, (
            Level("exact", "l.name_key = r.name_key", 0.62, 0.0005, tf="name_key"),
            # numbers in a name (a record label such as "Worker 3") must agree for any fuzzy level
            Level("one_letter", f"levenshtein(l.name_compact, r.name_compact) <= 1 AND {_SAME_DIGITS}", 0.08, 0.0002),
            Level("spelling", f"jaro_winkler_similarity(l.name_ordered, r.name_ordered) >= 0.94 AND {_SAME_DIGITS}",
                  0.08, 0.001),
            # each part of the name within a typo or two of the other record's (either order)
            Level("both_parts_close", f"({_PARTS_CLOSE.format(a='first', b='first', c='last', d='last')} OR "
                  f"{_PARTS_CLOSE.format(a='first', b='last', c='last', d='first')}) AND {_SAME_DIGITS}", 0.04, 0.001),
            Level("close", f"jaro_winkler_similarity(l.name_ordered, r.name_ordered) >= 0.86 AND {_SAME_DIGITS}",
                  0.03, 0.01),
            # given names as initials (j smith / john smith, le q / le quang huy)
            Level("initials", f"({_INITIALLED}) AND {_SAME_DIGITS}", 0.03, 0.0005),
            # another romanisation of the same sounds (xu zhiwei / hsu chihwei)
            Level("sounds_alike", f"l.name_sound = r.name_sound AND {_SAME_DIGITS}", 0.03, 0.002),
            # a word, not an initial: two strangers' middle initials say next to nothing
            Level("shares_a_name", "(" + " OR ".join(f"(l.name_{a} = r.name_{b} AND length(l.name_{a}) > 1)"
                                               for a, b in ("aa", "zz", "az", "za")) + f") AND {_SAME_DIGITS}",
                  0.04, 0.05),
        )),
        Comparison("birth_date", _DOB_NULL, (
            Level("exact", "l.birth_date = r.birth_date", 0.85, 0.0003),
            Level("day_month_swap", "l.birth_year = r.birth_year AND l.birth_md = r.birth_dm", 0.02, 0.00002),
            Level("one_edit", "levenshtein(l.birth_date, r.birth_date) <= 1", 0.08, 0.003),
            Level("same_year", "l.birth_year = r.birth_year", 0.02, 0.02),
        )),
        Comparison("passport_no", "l.passport_no IS NULL OR r.passport_no IS NULL", (
            Level("exact", "l.passport_no = r.passport_no", 0.55, 0.000002, tf="passport_no"),
            Level("one_edit", "levenshtein(l.passport_no, r.passport_no) <= 1", 0.05, 0.00002),
        )),
        # travel and permits (see graphkit.resolve.histories): evidence, never a veto, so how often one
        # human's own records show each level is declared, not learned from the data
        Comparison("history", f"{_NO_HISTORY.format(s='l')} OR {_NO_HISTORY.format(s='r')}", (
            Level("present_together", _PRESENT_TOGETHER, 0.001, 0.05),
            Level("arrived_again_without_leaving", _ARRIVED_AGAIN, 0.01, 0.05),
            Level("left_at_expiry_on_the_other", _LEFT_AT_EXPIRY, 0.08, 0.0001),
            Level("stay_closed_on_the_other", _CLOSED_ELSEWHERE, 0.04, 0.0001),
            Level("permit_picked_up", _PICKED_UP, 0.1, 0.01),
            Level("one_after_the_other", "l.travel_from > r.travel_to OR r.travel_from > l.travel_to", 0.2, 0.3),
        ), fixed_m=True),
        # the home address as written (two spellings of one address may not resolve to one place); records
        # sharing an address already count it as a shared anchor, so the home then says nothing more
        Comparison("home", "l.home_line IS NULL OR r.home_line IS NULL OR "
                   "list_has_any(string_split(l.anchors, '|'), string_split(r.anchors, '|'))", (
            Level("same_line", "l.home_line = r.home_line", 0.5, 0.0005),
            # the same words in another order (street and estate swapped) count as spelled alike
            Level("line_close_in_postcode", f"{_LINE_CLOSE.format(t=0.88)} "
                  "AND (l.home_postcode = r.home_postcode OR l.home_village = r.home_village)", 0.2, 0.0002),
            # the same street and number spelled alike where the postcode or village was mistyped
            Level("line_close", _LINE_CLOSE.format(t=0.92), 0.1, 0.001),
            # one line a part of the other (the street left out, an estate added) at one house number
            Level("same_number_part_of_line", "l.home_number = r.home_number AND "
                  "(list_has_all(string_split(l.home_words, ' '), string_split(r.home_words, ' ')) OR "
                  "list_has_all(string_split(r.home_words, ' '), string_split(l.home_words, ' ')))", 0.05, 0.0002),
            # one house: its number on one street, in one postcode or in one village (spelled alike), the
            # rest of the line written otherwise (the estate for the street, a typo in both)
            Level("same_house", "l.home_number = r.home_number AND (l.home_street = r.home_street OR "
                  "l.home_postcode = r.home_postcode OR jaro_winkler_similarity(l.home_village, r.home_village) >= 0.88)",
                  0.1, 0.0002),
            Level("postcode_and_village", "l.home_postcode = r.home_postcode AND "
                  "jaro_winkler_similarity(l.home_village, r.home_village) >= 0.88", 0.1, 0.002),
            # one neighbourhood, another house: a move next door, or the line written too differently
            Level("same_postcode_or_village", "l.home_postcode = r.home_postcode OR "
                  "jaro_winkler_similarity(l.home_village, r.home_village) >= 0.88", 0.05, 0.01),
        )),
        Comparison("shared_anchor", "l.anchors IS NULL OR r.anchors IS NULL", (
            Level("sponsor_employer_or_address", "l.anchor1 = r.anchor1 OR "
                  "list_has_any(string_split(l.anchors, '|'), string_split(r.anchors, '|'))", 0.5, 0.0002),
        )),
    ),
    training=(
        "l.passport_no = r.passport_no",
        "l.name_key = r.name_key AND l.birth_date = r.birth_date",
    ),
    deterministic=("l.passport_no = r.passport_no", "l.name_key = r.name_key AND l.birth_date = r.birth_date"),
    # an EM block finds only near-certain pairs (or none: data without passports), and Splink would
    # carry its blocking-adjusted prior (near 1) to every pair: strangers chained by a birth date
    keep_prior=True,
    u_of_strangers=True,
)


def person_records(tables: dict[str, pd.DataFrame], persons: pd.DataFrame, hub_limit: int,
                   address_of: pd.Series, organisation_of: pd.Series, lines: pd.Series | None = None) -> pd.DataFrame:
    """The model's columns for ``persons`` (sorted by id; ``unique_id`` is the position).

    ``address_of`` and ``organisation_of`` map address ids and ``table:id`` organisation records to
    their canonical ids, so two records at two spellings of one place share an anchor; ``lines``
    may hold each address id's normalised line (see :func:`~graphkit.resolve.homes.home_columns`).
    """
    name = normalise_names(persons["full_name"])
    key = name_key(name)
    first, last = _ends(key)
    birth = _day_text(persons["birth_date"])
    passport = normalise_documents(persons["passport_no"])
    frame = pd.DataFrame({
        "unique_id": np.arange(len(persons), dtype=np.int64),
        "name_key": key.where(key != "", None),
        "name_compact": key.str.replace(" ", "", regex=False),
        "name_ordered": name.str.replace(" ", "", regex=False),
        "name_digits": _on_distinct(key, lambda d: d.str.replace(r"[^0-9]", "", regex=True)).replace("", None),
        "name_a": first,
        "key_initials": (first.str.slice(0, 1) + last.str.slice(0, 1)),
        "name_z": last,
        "name_compact4": key.str.replace(" ", "", regex=False).str.slice(0, 4),
        "name_sound": _on_distinct(name, name_sound).replace("", None),
        "name_first": _per_distinct(name, lambda v: v.split(" ")[0] or None),
        "name_last": _per_distinct(name, lambda v: v.split(" ")[-1] or None),
        "name_initials": _per_distinct(name, lambda v: v[:1] + v.split(" ")[-1][:1] or None),
        "birth_date": birth,
        "birth_year": birth.str.slice(0, 4),
        "birth_month": birth.str.slice(5, 7),
        "birth_day": birth.str.slice(8, 10),
        "birth_md": birth.str.slice(5, 10),
        "birth_dm": birth.str.slice(8, 10) + "-" + birth.str.slice(5, 7),
        "passport_no": passport.where(passport != "", None),
    })
    frame = frame.join(name_part_columns(frame["name_key"]))
    where = holders(tables, persons)
    frame["anchors"], anchor1 = _anchors(tables, persons, hub_limit, address_of, organisation_of, where)
    frame["travel_from"], frame["travel_to"] = _travel(tables, persons, where)
    frame = frame.join(history_columns(tables, persons, where)).join(home_columns(tables, persons, hub_limit, where, lines))
    undated = frame["birth_date"].isna()
    for col in ("key", "a", "z"):
        frame[f"undated_{col}"] = frame[f"name_{col}"].where(undated, None)
    frame["anchor1"] = anchor1
    # text as Arrow strings: a Python object per cell costs some 60 bytes, a million records a gigabyte
    for col in frame.columns[frame.dtypes == object]:
        frame[col] = frame[col].astype(_STRING)
    return frame


def name_part_columns(key: pd.Series) -> pd.DataFrame:
    """The words of each name key (``name_words``), their first letters (``name_heads``), and for a
    name written with initials its one-letter words (``name_singles``), its other words
    (``name_full``) and the longest of those (``name_spelled``, a blocking key); computed once per
    distinct key.

    >>> p = name_part_columns(pd.Series(["j smith", "john smith", None]))
    >>> p["name_singles"].tolist()[0], p["name_spelled"].tolist()
    (['j'], ['smith', None, None])
    >>> p["name_heads"].tolist()[1]
    ['j', 's']
    """
    codes, uniques = pd.factorize(key.fillna(""), use_na_sentinel=False)
    words = [u.split() for u in uniques]
    singles = [[w for w in ws if len(w) == 1] for ws in words]
    full = [[w for w in ws if len(w) > 1] for ws in words]
    initialled = [bool(s) and bool(f) for s, f in zip(singles, full)]

    def column(values: list) -> pd.Series:
        return pd.Series(pd.arrays.ArrowExtensionArray(pa.array(values, type=pa.list_(pa.string())).take(codes)),
                         index=key.index)

    spelled = np.array([max(f, key=lambda w: (len(w), w)) if i else None for f, i in zip(full, initialled)],
                       dtype=object)[codes]
    return pd.DataFrame({
        "name_words": column([ws or None for ws in words]),
        "name_heads": column([[w[0] for w in ws] or None for ws in words]),
        "name_singles": column([s if i else None for s, i in zip(singles, initialled)]),
        "name_full": column([f if i else None for f, i in zip(full, initialled)]),
        "name_spelled": pd.Series(spelled, index=key.index, dtype=object),
    })


def holders(tables: dict[str, pd.DataFrame], persons: pd.DataFrame) -> dict[str, np.ndarray]:
    """For each table that names persons, each row's position in ``persons`` (-1: none): found in one
    pass, so the million person ids are hashed once, not once per table and use.

    >>> holders({"permits": pd.DataFrame({"person_id": ["B", "Z"]})}, pd.DataFrame({"person_id": ["A", "B"]}))
    {'permits': array([ 1, -1])}
    """
    names = [t for t in ("permits", "employment", "residences", "movements") if t in tables]
    if not names:
        return {}
    where = positions(pd.concat([tables[t]["person_id"] for t in names], ignore_index=True), persons["person_id"])
    ends = np.cumsum([0] + [len(tables[t]) for t in names])
    return {t: where[ends[i]:ends[i + 1]] for i, t in enumerate(names)}


def _travel(tables, persons, where) -> tuple[pd.Series, pd.Series]:
    """Each record's first crossing and its last one (open-ended while the last was an arrival)."""
    none = pd.Series([None] * len(persons), dtype=object)
    if "movements" not in tables or tables["movements"].empty:
        return none, none.copy()
    m = tables["movements"]
    pos = where["movements"]
    date = m["date"].to_numpy("datetime64[ns]")
    keep = (pos >= 0) & ~np.isnat(date)
    pos, date, arrival = pos[keep], date[keep], (m["direction"] == "ARRIVAL").fillna(False).to_numpy(bool)[keep]
    order = np.lexsort((arrival, date, pos))  # by record, date, and on one day a departure first
    pos, date, arrival = pos[order], date[order], arrival[order]
    first = np.flatnonzero(np.r_[True, pos[1:] != pos[:-1]]) if len(pos) else np.zeros(0, np.int64)
    last = np.r_[first[1:] - 1, len(pos) - 1] if len(pos) else np.zeros(0, np.int64)
    # each distinct day written once: strftime runs per value
    days, at = distinct_inverse(date.astype("datetime64[D]"))
    text = pd.Series(days).dt.strftime("%Y-%m-%d").to_numpy(object)[at]
    start, end = np.full(len(persons), None, dtype=object), np.full(len(persons), None, dtype=object)
    start[pos[first]] = text[first]
    end[pos[last]] = np.where(arrival[last], "9999-12-31", text[last])
    return pd.Series(start, dtype=object), pd.Series(end, dtype=object)


def _anchors(tables, persons, hub_limit, address_of, organisation_of, where) -> tuple[pd.Series, pd.Series]:
    """Each record's non-hub sponsors, employers and addresses (canonical ids), ``|``-joined, and
    the first of them.

    Anchors are numbered in the order they first appear (permits, then employment, then
    residences) and each record keeps its first :data:`MAX_ANCHORS` by that number. Everything
    runs on integer codes: ids are looked up once per distinct id, not once per row.
    """
    sources = [(table, col, prefix, canon) for table, col, prefix, canon in (
        ("permits", "sponsor_id", "sponsors:", organisation_of),
        ("employment", "employer_id", "employers:", organisation_of),
        ("residences", "address_id", "addresses:", address_of)) if table in tables]
    codes, names = [], []
    for table, col, prefix, canon in sources:
        t = tables[table]
        pos = where[table]
        keep = (pos >= 0) & t[col].notna().to_numpy()
        row_code, ids = pd.factorize(t[col][keep].astype(str))  # Arrow hashes the column, no object copy
        ids = pd.Series(ids.to_numpy(object), dtype=object)
        key = ids if canon is address_of else prefix + ids
        values = lookup(key, canon).astype(object).fillna(prefix + ids).to_numpy()  # a record no table describes is itself
        codes.append((pos[keep], row_code + sum(len(n) for n in names)))
        names.append(values)
    none = pd.Series([None] * len(persons), dtype=object)
    if not codes:
        return none, none.copy()
    # one number per canonical id, in the order of first appearance over all rows
    anchor, text = pd.factorize(np.concatenate(names))
    pos = np.concatenate([p for p, _ in codes]).astype(np.int64)
    code = anchor[np.concatenate([c for _, c in codes])].astype(np.int64)
    width = max(len(text), 1)
    pair = distinct(pos * width + code)  # distinct (record, anchor) pairs, by record then anchor
    pos, code = pair // width, pair % width
    small = np.bincount(code, minlength=len(text))[code] <= hub_limit
    pos, code = pos[small], code[small]
    starts = np.flatnonzero(np.r_[True, pos[1:] != pos[:-1]]) if len(pos) else np.zeros(0, np.int64)
    rank = np.arange(len(pos)) - np.repeat(starts, np.diff(np.r_[starts, len(pos)]))
    first = np.full(len(persons), -1, dtype=np.int64)
    first[pos[rank == 0]] = code[rank == 0]  # each record's first anchor
    pos, code = pos[rank < MAX_ANCHORS], code[rank < MAX_ANCHORS]
    text = pa.array([str(v) for v in text], type=pa.string())
    # each record's anchors as one list (records sorted, anchors in number order), joined by Arrow
    counts = np.bincount(pos, minlength=len(persons))
    lists = pa.ListArray.from_arrays(pa.array(np.r_[0, np.cumsum(counts)].astype(np.int32)), text.take(pa.array(code)),
                                     mask=pa.array(counts == 0))
    # the first anchor as split from the joined text
    heads = strings(pc.list_element(pc.split_pattern(text, "|"), 0))
    return strings(pc.binary_join(lists, "|")), spread(heads, first)


def _per_distinct(values: pd.Series, f) -> pd.Series:
    """``f`` over each distinct string of ``values`` once (missing stays missing), spread back over
    the rows as Arrow strings: most names repeat, and a split per row of a million names costs seconds."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    done = pd.Series([None if v is pd.NA else f(v) for v in uniques], dtype=object)
    return spread(done, codes).set_axis(values.index)


def _day_text(dates: pd.Series) -> pd.Series:
    """Dates as ``YYYY-MM-DD`` text (missing: NA), each distinct date formatted once."""
    codes, days = pd.factorize(dates)  # code -1: a missing date
    return spread(pd.Series(days.strftime("%Y-%m-%d").to_numpy(object), dtype=object), codes).set_axis(dates.index)


def _on_distinct(values: pd.Series, f) -> pd.Series:
    """The vectorised string function ``f`` over each distinct value of ``values`` once."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    return spread(f(pd.Series(uniques, dtype=_STRING)), codes).set_axis(values.index)


def _ends(key: pd.Series) -> tuple[pd.Series, pd.Series]:
    """The first and the last word of each name key (computed once per distinct key)."""
    codes, uniques = pd.factorize(key.fillna(""), use_na_sentinel=False)
    words = [u.split(" ") for u in uniques]
    return tuple(spread(pd.Series([w[end] or None for w in words], dtype=object), codes).set_axis(key.index)
                 for end in (0, -1))
