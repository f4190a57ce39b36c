"""What indicators see: the graph's tables joined to canonical ids, without protected columns.

The context is the fairness boundary. It is built from the contract tables *after* resolution
and carries no column that schema.yaml marks ``scoring: never`` (names, sex, birth dates,
nationalities, passport data), so no indicator can weigh them even by accident.

Examples
--------
>>> from graphkit import load_folder
>>> from graphkit.datasets import tiny_path
>>> ctx = build_context(load_folder(tiny_path()).tables, as_of="2026-11-01")
>>> ctx.humans.loc["persons:P28", ["latest_type", "latest_expires"]].tolist()
['VISIT', Timestamp('2026-07-30 00:00:00')]
>>> ctx.orgs.loc["employers:E01", "entity_type"]
'EMPLOYER'
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from graphkit.arrowops import gather, positions
from graphkit.resolve import Resolution, normalise_documents, resolve
from graphkit.schema import load_schema

#: Contract columns the context itself reads to build its frames (identity columns are read only
#: by resolution, which decides who is who and is never evidence).
READS = (
    "permits.permit_id", "permits.person_id", "permits.permit_type", "permits.purpose", "permits.sponsor_id",
    "permits.issued_on", "permits.expires_on", "permits.office",
    "employment.person_id", "employment.employer_id", "employment.source", "employment.start_date", "employment.end_date",
    "residences.person_id", "residences.address_id", "residences.reported_on",
    "movements.person_id", "movements.direction", "movements.date",
    "employers.employer_id", "employers.name", "employers.address_id", "employers.phone",
    "sponsors.sponsor_id", "sponsors.sponsor_type", "sponsors.name", "sponsors.address_id", "sponsors.phone",
    "addresses.address_id", "addresses.line", "addresses.city",
)

WORK_SOURCES = ("INSPECTION", "REPORT")


@dataclass(frozen=True)
class Thresholds:
    """Knobs of the indicators; every one is recorded in the manifest."""

    grace_days: int = 30
    alpha: float = 1e-3
    lookback_days: int = 365
    min_crowd: int = 4
    hub_limit: int = 8


@dataclass
class Context:
    """Frames for indicators, all keyed by canonical ids.

    ``humans`` (index: canonical person id) holds each human's latest permit and border crossings;
    ``permits``, ``employment``, ``residences``, ``movements`` carry a ``human`` column (and
    ``org``/``sponsor``/``place`` for the entity they point at), each with its position in the
    sorted index of ``humans``, ``orgs`` or ``places`` beside it (``human_at``, ``org_at``,
    ``sponsor_at``, ``place_at``; -1: none) to group on integers; ``orgs`` and ``places`` describe
    canonical organisations and addresses; ``org_ids`` lists each organisation's phones and places
    (``org``, ``kind``, ``value``).
    """

    as_of: pd.Timestamp
    thresholds: Thresholds
    resolution: Resolution
    permits: pd.DataFrame
    employment: pd.DataFrame
    residences: pd.DataFrame
    movements: pd.DataFrame
    humans: pd.DataFrame
    orgs: pd.DataFrame
    org_ids: pd.DataFrame
    places: pd.DataFrame
    extra: dict = field(default_factory=dict)


def _table(tables: dict[str, pd.DataFrame], name: str, columns: list[str]) -> pd.DataFrame:
    if name not in tables:  # an absent optional table: empty, with the schema's types (dates stay dates)
        table = load_schema().table(name)
        return pd.DataFrame({c: pd.Series(dtype="datetime64[us]" if table.column(c).type == "date" else "object")
                             for c in columns})
    return tables[name][columns]  # copy-on-write: the context's new columns never touch the input


def _sorted(frame: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """``frame.sort_values(by, kind="stable", na_position="first")`` through Arrow's stable sort, which
    compares strings in C++ rather than factorising each key (seconds at a million rows)."""
    keys = pa.table({c: pa.Array.from_pandas(frame[c]) for c in by})
    order = pc.sort_indices(keys, sort_keys=[(c, "ascending", "at_start") for c in by])
    return frame.take(order.to_numpy()).reset_index(drop=True)


def build_context(tables: dict[str, pd.DataFrame], as_of, thresholds: Thresholds | None = None,
                  resolution: Resolution | None = None) -> Context:
    """Resolve ``tables`` (unless given their ``resolution``) and derive the frames every indicator reads."""
    as_of = pd.Timestamp(as_of)
    thresholds = thresholds or Thresholds()
    res = resolution if resolution is not None else resolve(tables)
    org_of = res.organisation

    # factorised once: the sorted canonical persons and each record's position among them
    person_at, humans_index = pd.factorize(res.person.to_numpy(dtype=object), sort=True)
    humans_index = pd.Index(humans_index, name="human")
    orgs, org_ids = _orgs(tables, res)
    places = _places(tables, res)

    permits = _sorted(_table(tables, "permits", ["permit_id", "person_id", "permit_type", "purpose", "sponsor_id",
                                                 "issued_on", "expires_on", "office"]), ["permit_id"])
    permits["valid"] = (permits["issued_on"] <= as_of) & (permits["expires_on"] >= as_of)
    employment = _sorted(_table(tables, "employment", ["person_id", "employer_id", "source", "start_date", "end_date"]),
                         ["person_id", "employer_id", "source", "start_date"])
    employment["record"] = "employment:" + employment["person_id"].astype(str) + "|" + employment["employer_id"].astype(str)
    recent = as_of - pd.Timedelta(days=thresholds.lookback_days)
    employment["current"] = employment["end_date"].isna() | (employment["end_date"] >= recent)
    residences = _sorted(_table(tables, "residences", ["person_id", "address_id", "reported_on"]),
                         ["person_id", "address_id", "reported_on"])
    movements = _sorted(_table(tables, "movements", ["person_id", "direction", "date"]), ["person_id", "direction", "date"])

    _Canonical(res.person, humans_index, person_at).add(
        (permits, permits["person_id"], "human"), (employment, employment["person_id"], "human"),
        (residences, residences["person_id"], "human"), (movements, movements["person_id"], "human"))
    _Canonical(org_of, orgs.index).add((permits, "sponsors:" + permits["sponsor_id"], "sponsor"),
                                       (employment, "employers:" + employment["employer_id"], "org"))
    _Canonical(res.address, places.index).add((residences, residences["address_id"], "place"))
    # column order as the indicators have always seen it
    permits = permits[[*permits.columns.drop("valid"), "valid"]]
    employment = employment[[c for c in ("person_id", "employer_id", "source", "start_date", "end_date", "human",
                                         "human_at", "org", "org_at", "record", "current") if c in employment.columns]]

    humans = _humans(humans_index, permits, movements)
    return Context(as_of, thresholds, res, permits, employment, residences, movements, humans, orgs, org_ids, places)


class _Canonical:
    """Canonical ids of records (``mapping``: record id -> canonical id) and their positions in the
    sorted ``index`` of canonical ids (``at``, when known already): one hash lookup of all the
    frames' keys gives both, and indicators group on the positions instead of hashing strings again."""

    def __init__(self, mapping: pd.Series, index: pd.Index, at: np.ndarray | None = None):
        self.mapping = mapping
        self.values = mapping.to_numpy(dtype=object)
        if at is None:
            at = positions(pd.Series(self.values), index) if len(mapping) else np.zeros(0, dtype=np.int64)
        self.at = at

    def add(self, *targets: tuple[pd.DataFrame, pd.Series, str]) -> None:
        """For each (frame, keys, column): set ``frame[column]`` to the canonical id of each key
        (missing: None) and ``frame[column + "_at"]`` to its position in the index (-1: missing)."""
        keys = pd.concat([k.reset_index(drop=True) for _, k, _ in targets], ignore_index=True)
        if len(self.mapping):
            found_at = positions(keys, self.mapping.index)
        else:
            found_at = np.full(len(keys), -1, dtype=np.int64)
        start = 0
        for frame, k, column in targets:
            at = found_at[start:start + len(k)]
            start += len(k)
            found = at >= 0
            ids = np.full(len(k), None, dtype=object)
            ids[found] = self.values[at[found]]
            frame[column] = pd.Series(ids, index=frame.index, dtype=object)
            frame[column + "_at"] = np.where(found, self.at[np.maximum(at, 0)] if len(self.at) else -1, -1)


def _humans(index: pd.Index, permits: pd.DataFrame, movements: pd.DataFrame) -> pd.DataFrame:
    # Grouped on integer positions in the sorted index with numpy, strings gathered by Arrow's
    # take: string keys, index alignment and Python objects cost seconds per column at a million people.
    n = len(index)
    columns: dict[str, object] = {}

    code = permits["human_at"].to_numpy()
    issued = permits["issued_on"].to_numpy()
    expires = permits["expires_on"].to_numpy()
    # permits are in permit_id order and lexsort is stable: ties on dates keep the highest permit_id last
    order = np.lexsort((expires, issued, code))
    order = order[code[order] >= 0]
    sorted_code = code[order]
    ends = np.r_[sorted_code[1:] != sorted_code[:-1], True] if len(order) else np.zeros(0, dtype=bool)
    owners = sorted_code[ends]
    latest_row = np.full(n, -1, dtype=np.int64)
    latest_row[owners] = order[ends]
    rows = pa.array(latest_row, mask=latest_row < 0)
    for col, source in (("latest_permit", "permit_id"), ("latest_type", "permit_type"), ("latest_purpose", "purpose"),
                        ("latest_issued", "issued_on"), ("latest_office", "office")):
        columns[col] = _gather(permits[source], latest_row, rows)
    starts = np.r_[True, ends[:-1]] if len(order) else ends
    latest_expires = np.full(n, np.datetime64("NaT"), dtype=expires.dtype)
    if len(order):  # NaT is the smallest int64: a maximum over the integers skips it as pandas' max does
        latest_expires[owners] = np.maximum.reduceat(expires[order].view(np.int64), np.flatnonzero(starts)).view(expires.dtype)
    columns["latest_expires"] = latest_expires
    valid = permits["valid"].to_numpy(dtype=bool)
    work = valid & (permits["permit_type"] != "VISIT").to_numpy(dtype=bool)
    known = code >= 0
    columns["valid_permit"] = np.bincount(code[known & valid], minlength=n) > 0
    columns["work_permit"] = np.bincount(code[known & work], minlength=n) > 0

    m_code = movements["human_at"].to_numpy()
    arrival = (movements["direction"] == "ARRIVAL").to_numpy(dtype=bool)
    dates = movements["date"].to_numpy()
    m_known = m_code >= 0
    for is_arrival, col in ((True, "last_arrival"), (False, "last_departure")):
        mask = m_known & (arrival == is_arrival)
        last = np.full(n, np.iinfo(np.int64).min, dtype=np.int64)
        np.maximum.at(last, m_code[mask], dates[mask].view(np.int64))
        columns[col] = last.view(dates.dtype)
    columns["arrivals"] = np.bincount(m_code[m_known & arrival], minlength=n).astype(np.int64)
    return pd.DataFrame(columns, index=index)


def _gather(values: pd.Series, at: np.ndarray, rows: pa.Array):
    """``values`` at rows ``at`` (-1: missing), strings through Arrow, dates through numpy."""
    if values.dtype.kind == "M":
        return gather(values.to_numpy(), at, np.datetime64("NaT"))
    if isinstance(values.dtype, pd.StringDtype):
        return pd.Series(pc.take(pa.Array.from_pandas(values), rows), dtype=values.dtype).array
    return gather(values.to_numpy(dtype=object), at, None)


def _orgs(tables: dict[str, pd.DataFrame], res: Resolution) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Canonical organisations (type, name, city, individual) and their identifiers (phones, places)."""
    rows = []
    for table, id_col in (("employers", "employer_id"), ("sponsors", "sponsor_id")):
        if table not in tables:
            continue
        t = tables[table]
        rows.append(pd.DataFrame({
            "record": (table + ":" + t[id_col].astype(str)).to_numpy(),
            "table": table,
            "name": t["name"].to_numpy(),
            "address_id": t["address_id"].to_numpy(),
            "phone": t["phone"].to_numpy(),
            "individual": (t["sponsor_type"] == "INDIVIDUAL").to_numpy() if table == "sponsors" else False,
        }))
    if not rows:
        empty = pd.DataFrame(columns=["entity_type", "name", "city", "individual"])
        return empty, pd.DataFrame(columns=["org", "kind", "value"])
    recs = pd.concat(rows, ignore_index=True)
    recs["org"] = recs["record"].map(res.organisation)
    recs["place"] = recs["address_id"].map(res.address)
    city = tables["addresses"].set_index("address_id")["city"] if "addresses" in tables else pd.Series(dtype="object")
    recs["city"] = recs["address_id"].map(city)
    recs["phone"] = normalise_documents(recs["phone"])
    recs = recs.sort_values(["org", "record"], kind="stable", ignore_index=True)
    by_org = recs.groupby("org", sort=True)
    orgs = by_org[["name", "city"]].first()
    orgs.insert(0, "entity_type", np.where((recs["table"] == "employers").groupby(recs["org"]).any(), "EMPLOYER", "SPONSOR"))
    orgs["individual"] = recs["individual"].astype(bool).groupby(recs["org"]).any()
    orgs.index.name = "org"
    phones = recs.loc[recs["phone"].str.len() >= 6, ["org", "phone"]].rename(columns={"phone": "value"}).assign(kind="phone")
    places = recs.loc[recs["place"].notna(), ["org", "place"]].rename(columns={"place": "value"}).assign(kind="address")
    ids = pd.concat([phones, places], ignore_index=True)[["org", "kind", "value"]].drop_duplicates()
    return orgs, ids.sort_values(["org", "kind", "value"], kind="stable", ignore_index=True)


def _places(tables: dict[str, pd.DataFrame], res: Resolution) -> pd.DataFrame:
    if "addresses" not in tables:
        return pd.DataFrame(columns=["name", "city"])
    a = _sorted(tables["addresses"][["address_id", "line", "city"]].copy(), ["address_id"])
    a["place"] = a["address_id"].map(res.address)
    grouped = a.groupby("place", sort=True)
    places = pd.DataFrame({"name": grouped["line"].first(), "city": grouped["city"].first()})
    places.index.name = "place"
    return places


def tail_pvalue(k: np.ndarray, n: np.ndarray, p: float | np.ndarray) -> np.ndarray:
    """P(X >= k) for X ~ Binomial(n, p): how surprising k events in n trials are at base rate p
    (through :func:`tail_weighted`, which needs no import of ``scipy.stats``: seconds at start-up).

    >>> round(float(tail_pvalue(np.array([7]), np.array([8]), 0.05)[0]), 10)
    6e-09
    >>> round(float(tail_pvalue(np.array([4]), np.array([300]), 0.05)[0]), 3)
    1.0
    """
    return tail_weighted(k, n, p)


def tail_weighted(k: np.ndarray, n: np.ndarray, p: float | np.ndarray) -> np.ndarray:
    """P(X >= k) for X ~ Binomial(n, p), continuous in (possibly weighted) ``k`` and ``n``: the
    regularised incomplete beta ``I_p(k, n - k + 1)``.

    >>> round(float(tail_weighted(np.array([7.0]), np.array([8.0]), 0.05)[0]), 10)
    6e-09
    """
    from scipy.special import betainc

    k = np.asarray(k, dtype=float)
    n = np.asarray(n, dtype=float)
    out = np.ones_like(k)
    some = k > 0
    p = np.broadcast_to(np.asarray(p, dtype=float), k.shape)
    out[some] = betainc(k[some], np.maximum(n[some] - k[some], 0.0) + 1.0, p[some])
    return out


def shrunk_rate(k, n, prior_rate: float, prior_weight: float):
    """A base rate ``k / n`` shrunk toward ``prior_rate`` worth ``prior_weight`` trials, so that a
    small world -- one district, a test fixture -- is not judged against its own outliers.

    >>> round(shrunk_rate(11, 24, 0.02, 500), 3)
    0.04
    """
    return (k + prior_rate * prior_weight) / (n + prior_weight)


def surprising(per: pd.DataFrame, base, alpha: float, min_k: int) -> pd.DataFrame:
    """Rows of ``per`` (columns ``n`` trials, ``k`` events) whose ``k`` is at least ``min_k`` and
    improbably high at ``base`` rate, with their tail ``p`` and reason ``strength``."""
    candidates = (per["k"] >= min_k).to_numpy()
    base = np.broadcast_to(np.asarray(base, dtype=float), (len(per),))[candidates]
    per = per[candidates]  # the tail is computed only where a flag is possible: it is the costly part
    per = per.assign(p=tail_pvalue(per["k"].to_numpy(), per["n"].to_numpy(), base))
    flagged = per[per["p"] < alpha]
    return flagged.assign(strength=strength_from_pvalue(flagged["p"].to_numpy(), alpha))


def strength_from_pvalue(p: np.ndarray, alpha: float, full_at: float = 1e-30) -> np.ndarray:
    """Map a tail p-value below ``alpha`` to a strength in [0.5, 1], log-linearly.

    A count that is just surprising enough to flag is a medium lead (0.5); ``full_at`` or smaller
    is the strongest (1.0). The scale keeps very strong leads apart instead of tying them.

    >>> strength_from_pvalue(np.array([1e-3, 1e-16, 1e-40]), alpha=1e-3).round(2).tolist()
    [0.5, 0.74, 1.0]
    """
    top, floor = -np.log10(alpha), -np.log10(full_at)
    logp = -np.log10(np.clip(p, 1e-300, 1.0))
    return 0.5 + 0.5 * np.clip((logp - top) / (floor - top), 0.0, 1.0)
