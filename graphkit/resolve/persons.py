"""Person records: which rows are one human.

Hard links: the same passport number issued by the same country (a value shared by more than the
hub limit of records, such as a placeholder, links nothing). Everything else is weighed by the
:data:`MODEL` below, declared as data: names (transliterated, honorifics and ``bin``/``binti``/``al``
dropped, word order ignored, term-frequency adjusted so a common name weighs little), birth date
(day/month swaps, one-character typos), passport number (one edit: a typo; a different number:
perhaps a renewed passport, so only mild evidence against), travel history (evidence, not a veto: a
renewed passport splits one human's crossings over two records, one after the other, while two
histories that overlap in time are two people) and shared sponsors, employers or
addresses (a hub's value, shared by more than the hub limit of people, is dropped: it says nothing
about who is who). Nationality and passport country are never compared: on their own they would
decide which strangers merge.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from graphkit.arrowops import positions
from graphkit.resolve.linkage import Comparison, Level, Model
from graphkit.resolve.normalise import name_key, normalise_documents, normalise_names

#: Sponsors, employers and addresses kept per record as evidence (the first by canonical id).
MAX_ANCHORS = 4

_NAME_NULL = "l.name_key IS NULL OR r.name_key IS NULL"
_SAME_DIGITS = "l.name_digits IS NOT DISTINCT FROM r.name_digits"
_DOB_NULL = "l.birth_date IS NULL OR r.birth_date IS NULL"

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
        # records sharing a (non-hub) sponsor, employer or address and a name word
        "l.anchor1 = r.anchor1 AND l.name_a = r.name_a",
        "l.anchor1 = r.anchor1 AND l.name_z = r.name_z",
        "l.anchor1 = r.anchor1 AND l.birth_date = r.birth_date",
        # a record without a birth date is only worth comparing with one it shares an anchor with
        "l.undated_key = r.name_key AND l.anchor1 = r.anchor1",
        "l.name_key = r.undated_key AND l.anchor1 = r.anchor1",
    ),
    comparisons=(
        Comparison("name", _NAME_NULL, (
            Level("exact", "l.name_key = r.name_key", 0.70, 0.0005, tf="name_key"),
            # numbers in a name (a record label such as "Worker 3") must agree for any fuzzy level
            Level("one_letter", f"levenshtein(l.name_compact, r.name_compact) <= 1 AND {_SAME_DIGITS}", 0.1, 0.0002),
            Level("spelling", f"jaro_winkler_similarity(l.name_ordered, r.name_ordered) >= 0.94 AND {_SAME_DIGITS}",
                  0.1, 0.001),
            Level("close", f"jaro_winkler_similarity(l.name_ordered, r.name_ordered) >= 0.86 AND {_SAME_DIGITS}",
                  0.04, 0.01),
            Level("shares_a_name", "(l.name_a = r.name_a OR l.name_z = r.name_z OR l.name_a = r.name_z "
                  f"OR l.name_z = r.name_a) AND {_SAME_DIGITS}", 0.05, 0.05),
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
        Comparison("travel", "l.travel_from IS NULL OR r.travel_from IS NULL", (
            Level("one_after_the_other", "l.travel_from > r.travel_to OR r.travel_from > l.travel_to", 0.6, 0.3),
            Level("histories_overlap", "l.travel_from <= r.travel_to AND r.travel_from <= l.travel_to", 0.3999, 0.7),
        )),
        Comparison("shared_anchor", "l.anchors IS NULL OR r.anchors IS NULL", (
            Level("sponsor_employer_or_address", "list_has_any(string_split(l.anchors, '|'), string_split(r.anchors, '|'))",
                  0.5, 0.0002),
        )),
    ),
    training=(
        "l.passport_no = r.passport_no",
        "l.name_key = r.name_key AND l.birth_date = r.birth_date",
    ),
    deterministic=("l.passport_no = r.passport_no", "l.name_key = r.name_key AND l.birth_date = r.birth_date"),
)


def person_records(tables: dict[str, pd.DataFrame], persons: pd.DataFrame, hub_limit: int,
                   address_of: pd.Series, organisation_of: pd.Series) -> pd.DataFrame:
    """The model's columns for ``persons`` (sorted by id; ``unique_id`` is the position).

    ``address_of`` and ``organisation_of`` map address ids and ``table:id`` organisation records to
    their canonical ids, so two records at two spellings of one place share an anchor.
    """
    name = normalise_names(persons["full_name"])
    key = name_key(name)
    first, last = _ends(key)
    birth = persons["birth_date"].dt.strftime("%Y-%m-%d").astype(pd.StringDtype("pyarrow"))
    passport = normalise_documents(persons["passport_no"])
    frame = pd.DataFrame({
        "unique_id": np.arange(len(persons), dtype=np.int64),
        "name_key": key.where(key != "", None),
        "name_compact": key.str.replace(" ", "", regex=False),
        "name_ordered": name.str.replace(" ", "", regex=False),
        "name_digits": key.str.replace(r"[^0-9]", "", regex=True).replace("", None),
        "name_a": first,
        "name_z": last,
        "name_compact4": key.str.replace(" ", "", regex=False).str.slice(0, 4),
        "birth_date": birth,
        "birth_year": birth.str.slice(0, 4),
        "birth_month": birth.str.slice(5, 7),
        "birth_day": birth.str.slice(8, 10),
        "birth_md": birth.str.slice(5, 10),
        "birth_dm": birth.str.slice(8, 10) + "-" + birth.str.slice(5, 7),
        "passport_no": passport.where(passport != "", None),
    })
    frame["anchors"], anchor1 = _anchors(tables, persons, hub_limit, address_of, organisation_of)
    frame["travel_from"], frame["travel_to"] = _travel(tables, persons)
    frame["undated_key"] = frame["name_key"].where(frame["birth_date"].isna(), None)
    frame["anchor1"] = anchor1
    return frame


def _travel(tables, persons) -> tuple[pd.Series, pd.Series]:
    """Each record's first crossing and its last one (open-ended while the last was an arrival)."""
    none = pd.Series([None] * len(persons), dtype=object)
    if "movements" not in tables or tables["movements"].empty:
        return none, none.copy()
    m = tables["movements"]
    pos = positions(m["person_id"], persons["person_id"])
    moves = pd.DataFrame({"pos": pos, "date": m["date"].to_numpy(), "arrival": (m["direction"] == "ARRIVAL").to_numpy()})
    moves = moves[(moves["pos"] >= 0) & moves["date"].notna()].sort_values(["pos", "date", "arrival"], kind="stable")
    by = moves.groupby("pos")
    first = by["date"].min().dt.strftime("%Y-%m-%d")
    last = by["date"].max().dt.strftime("%Y-%m-%d").where(~by["arrival"].last(), "9999-12-31")
    start, end = none.copy(), none.copy()
    start.iloc[first.index.to_numpy()] = first.to_numpy()
    end.iloc[last.index.to_numpy()] = last.to_numpy()
    return start, end


def _anchors(tables, persons, hub_limit, address_of, organisation_of) -> tuple[pd.Series, pd.Series]:
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
    # every table's person ids looked up in one pass (Arrow hashes the million ids once)
    holders = [tables[table]["person_id"] for table, *_ in sources]
    where = positions(pd.concat(holders, ignore_index=True), persons["person_id"]) if holders else None
    ends = np.cumsum([0] + [len(h) for h in holders])
    codes, names = [], []
    for i, (table, col, prefix, canon) in enumerate(sources):
        t = tables[table]
        pos = where[ends[i]:ends[i + 1]]
        keep = (pos >= 0) & t[col].notna().to_numpy()
        row_code, ids = pd.factorize(t[col][keep].astype(str).to_numpy(object))
        ids = pd.Series(ids, dtype=object)
        key = ids if canon is address_of else prefix + ids
        values = key.map(canon).astype(object).fillna(prefix + ids).to_numpy()  # a record no table describes is itself
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
    pair = np.sort(pos * width + code)  # (record, anchor) pairs, by record then anchor
    pair = pair[np.r_[True, pair[1:] != pair[:-1]]] if len(pair) else pair
    pos, code = pair // width, pair % width
    small = np.bincount(code, minlength=len(text))[code] <= hub_limit
    pos, code = pos[small], code[small]
    starts = np.flatnonzero(np.r_[True, pos[1:] != pos[:-1]]) if len(pos) else np.zeros(0, np.int64)
    rank = np.arange(len(pos)) - np.repeat(starts, np.diff(np.r_[starts, len(pos)]))
    text = np.array([str(v) for v in text], dtype=object)
    out = np.full(len(persons), None, dtype=object)
    for r in range(MAX_ANCHORS):
        at = rank == r
        p, value = pos[at], text[code[at]]
        out[p] = value if r == 0 else out[p] + "|" + value
    first = np.full(len(persons), None, dtype=object)
    at = rank == 0
    first[pos[at]] = np.array([v.split("|")[0] for v in text], dtype=object)[code[at]]  # as split from the joined text
    return pd.Series(out, dtype=object), pd.Series(first, dtype=object)


def _ends(key: pd.Series) -> tuple[pd.Series, pd.Series]:
    """The first and the last word of each name key (computed once per distinct key)."""
    codes, uniques = pd.factorize(key.fillna(""), use_na_sentinel=False)
    words = [u.split(" ") for u in uniques]
    first = np.array([w[0] or None for w in words], dtype=object)[codes]
    last = np.array([w[-1] or None for w in words], dtype=object)[codes]
    return pd.Series(first, index=key.index, dtype=object), pd.Series(last, index=key.index, dtype=object)
