"""What each person record says about where its human was and when: evidence for and against a merge.

A human's records tell one story. When a passport is renewed, or a crossing is filed under another
spelling of the name, that story is split over two records and the two halves *complement* each
other: one record's stay ends where the other's begins (a permit issued around the other's expiry;
the last crossing on one record an arrival, the first on the other a departure with no arrival
before it). Two strangers who share a name and a birth date tell two stories that *collide*: one
arrives while the other, by its own crossings, is already here (an arrival strictly inside the
other's closed arrival-to-departure stay), or both hold valid permits for months on end under
different passports. Neither is a veto: the person model weighs them with everything else.

Dates are whole days since 1970-01-01 (so the model's SQL can subtract them); stays are kept as
lists of weeks (day // 7) so that a collision is one list intersection, with each list's first and
last week beside it: most pairs' weeks do not overlap at all, and two integer tests say so.

Examples
--------
>>> import pandas as pd
>>> persons = pd.DataFrame({"person_id": ["A", "B", "C"]})
>>> moves = pd.DataFrame({"person_id": ["A", "B", "C", "C"], "direction": ["ARRIVAL", "DEPARTURE", "ARRIVAL", "DEPARTURE"],
...                       "date": pd.to_datetime(["2026-01-05", "2026-03-01", "2025-12-01", "2026-04-01"])})
>>> h = history_columns({"movements": moves}, persons)
>>> h["open_from"].notna().tolist(), h["orphan_departure"].notna().tolist()  # A's stay is open, B only left
([True, False, False], [False, True, False])
>>> bool(set(h["arrival_weeks"][0]) & set(h["stay_weeks"][2]))  # A arrives while C is here: a collision
True
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from graphkit.arrowops import positions

#: The columns :func:`history_columns` returns (whole days, or lists of weeks).
COLUMNS = ("open_from", "left_on", "orphan_departure", "arrival_weeks", "stay_weeks", "arrival_first", "arrival_last",
           "stay_first", "stay_last", "permit_from", "permit_to")

_DAY = np.timedelta64(1, "D")


def history_columns(tables: dict[str, pd.DataFrame], persons: pd.DataFrame, where: dict | None = None) -> pd.DataFrame:
    """Per record of ``persons`` (in its order), from the movements: the last crossing when it is an
    arrival (``open_from``) or a departure (``left_on``), the first when it is a departure
    (``orphan_departure``), the weeks of arrivals and the weeks strictly inside closed stays; from
    the permits: the first one's issue and the last one's expiry. ``arrival_first``/``arrival_last``
    and ``stay_first``/``stay_last`` are the first and last of each record's weeks. ``where`` may hold, per table, the
    position in ``persons`` of each row's person (see :func:`~graphkit.resolve.persons.holders`)."""
    n = len(persons)
    out = pd.DataFrame(index=pd.RangeIndex(n))
    (out["open_from"], out["left_on"], out["orphan_departure"], out["arrival_weeks"],
     out["stay_weeks"]) = _crossings(tables, persons, where or {})
    for lists in ("arrival", "stay"):
        out[f"{lists}_first"], out[f"{lists}_last"] = _span(out[f"{lists}_weeks"])
    out["permit_from"], out["permit_to"] = _permits(tables, persons, where or {})
    return out


def _days(values) -> np.ndarray:
    return ((np.asarray(values, dtype="datetime64[ns]") - np.datetime64("1970-01-01", "ns")) // _DAY).astype(np.int64)


def _int_column(n: int, pos: np.ndarray, values: np.ndarray) -> pd.Series:
    out = pd.array(np.zeros(n, dtype=np.int32), dtype="Int32")
    out[:] = pd.NA
    out[pos] = values.astype(np.int32)
    return pd.Series(out)


def _week_lists(n: int, pos: np.ndarray, weeks: np.ndarray) -> pd.Series:
    """Lists of weeks per record (``pos`` sorted; records without any: null)."""
    counts = np.bincount(pos, minlength=n)
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
    valid = pa.array(counts > 0).to_numpy(zero_copy_only=False)
    lists = pa.ListArray.from_arrays(pa.array(offsets), pa.array(weeks.astype(np.int32)),
                                     mask=pa.array(~valid))
    return pd.Series(pd.arrays.ArrowExtensionArray(lists))


def _span(lists: pd.Series) -> tuple[pd.Series, pd.Series]:
    """The least and greatest week of each list of :func:`_week_lists` (none: null)."""
    arrow = pa.chunked_array([pa.array(lists.array)], pa.list_(pa.int32())).combine_chunks()
    counts = pc.fill_null(pc.list_value_length(arrow), 0).to_numpy()
    weeks = pc.list_flatten(arrow).to_numpy()
    pos = np.flatnonzero(counts)
    starts = (np.cumsum(counts) - counts)[pos]
    n = len(lists)
    if not len(pos):
        return _int_column(n, pos, pos), _int_column(n, pos, pos)
    return (_int_column(n, pos, np.minimum.reduceat(weeks, starts)), _int_column(n, pos, np.maximum.reduceat(weeks, starts)))


def _crossings(tables, persons, where):
    n = len(persons)
    empty = pd.Series(pd.array([pd.NA] * n, dtype="Int32"))
    nothing = _week_lists(n, np.array([], np.int64), np.array([], np.int64))
    m = tables.get("movements")
    if m is None or m.empty:
        return empty, empty.copy(), empty.copy(), nothing, nothing.copy()
    pos = where["movements"] if "movements" in where else positions(m["person_id"], persons["person_id"])
    date = m["date"].to_numpy("datetime64[ns]")
    keep = (pos >= 0) & ~np.isnat(date)
    p, date, arrival = pos[keep], date[keep], (m["direction"] == "ARRIVAL").fillna(False).to_numpy(bool)[keep]
    # on one day a departure comes before an arrival: leaving and coming back is not a stay of zero days
    order = np.lexsort((arrival, date, p))
    p, day, arrival = p[order], _days(date[order]), arrival[order]
    first = np.r_[True, p[1:] != p[:-1]] if len(p) else np.array([], bool)
    last = np.r_[p[1:] != p[:-1], True] if len(p) else np.array([], bool)
    open_at, left_at = last & arrival, last & ~arrival
    orphan_at = first & ~arrival
    # a closed stay: an arrival followed, on the same record, by a departure; its weeks strictly inside
    starts = np.flatnonzero(arrival[:-1] & ~arrival[1:] & (p[:-1] == p[1:])) if len(p) > 1 else np.array([], np.int64)
    week = day // 7
    inner_from, inner_to = week[starts] + 1, week[starts + 1]
    length = np.maximum(inner_to - inner_from, 0)
    stay_pos = np.repeat(p[starts], length)
    stay_week = np.repeat(inner_from, length) + (np.arange(length.sum()) - np.repeat(np.cumsum(length) - length, length))
    order = np.argsort(stay_pos, kind="stable")
    arrivals = np.flatnonzero(arrival)
    return (_int_column(n, p[open_at], day[open_at]), _int_column(n, p[left_at], day[left_at]),
            _int_column(n, p[orphan_at], day[orphan_at]),
            _week_lists(n, p[arrivals], week[arrivals]), _week_lists(n, stay_pos[order], stay_week[order]))


def _permits(tables, persons, where):
    n = len(persons)
    empty = pd.Series(pd.array([pd.NA] * n, dtype="Int32"))
    t = tables.get("permits")
    if t is None or t.empty:
        return empty, empty.copy()
    pos = where["permits"] if "permits" in where else positions(t["person_id"], persons["person_id"])
    keep = (pos >= 0) & t["issued_on"].notna().to_numpy() & t["expires_on"].notna().to_numpy()
    frame = pd.DataFrame({"pos": pos[keep], "issued": _days(t["issued_on"][keep]), "expires": _days(t["expires_on"][keep])})
    by = frame.groupby("pos")
    issued, expires = by["issued"].min(), by["expires"].max()
    return (_int_column(n, issued.index.to_numpy(), issued.to_numpy()),
            _int_column(n, expires.index.to_numpy(), expires.to_numpy()))
