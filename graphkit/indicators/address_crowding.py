"""ADDRESS_CROWDING: a place where many foreigners working without a work permit live.

What it flags
    An address (after resolution: every spelling of one place together) where at least
    ``min_crowd`` people who are still here (no departure since they reported living there) and
    seen working hold no valid work or long-stay permit -- more than the baseline share explains.
Why it matters
    Crowded housing of irregular workers points at the employers and agents behind them, and at
    people who may be exploited. Hotels and guesthouses full of tourists who leave are not
    crowding, nor are company dormitories of workers with valid permits: neither is flagged.
Evidence
    The residents counted (canonical person ids).

Examples
--------
>>> from graphkit import load_folder
>>> from graphkit.datasets import tiny_path
>>> from graphkit.indicators.context import build_context
>>> run(build_context(load_folder(tiny_path()).tables, as_of="2026-11-01"))[["entity_id", "evidence_count"]].values.tolist()
[['addresses:A04', 6]]
"""

from __future__ import annotations

import pandas as pd

from graphkit.arrowops import isin
from graphkit.indicators.base import empty_reasons, reason_frame
from graphkit.indicators.context import Context, shrunk_rate, surprising

CODE = "ADDRESS_CROWDING"
ENTITY = "ADDRESS"
READS = ("residences.person_id", "residences.address_id", "residences.reported_on", "movements.direction",
         "movements.date", "employment.person_id", "employment.end_date", "permits.permit_type", "permits.expires_on",
         "addresses.line", "addresses.city")
# Baseline share of present residents who work without a valid work or long-stay permit, shrunk
# toward a prior of 5% worth 200 residents.
PRIOR_RATE, PRIOR_WEIGHT = 0.05, 200


def residents(ctx: Context) -> pd.DataFrame:
    """(place, human) for residents still here, with whether they work without a valid permit to stay."""
    res = ctx.residences[ctx.residences["place"].notna()]
    res = res.join(ctx.humans[["last_departure", "work_permit"]], on="human")
    present = res[res["last_departure"].isna() | (res["last_departure"] < res["reported_on"])]
    residents = present[["place", "human", "work_permit"]].drop_duplicates(["place", "human"])
    working = ctx.employment.loc[ctx.employment["current"], "human"].drop_duplicates()
    return residents.assign(irregular=isin(residents["human"], working) & ~residents["work_permit"].astype(bool))


def measure(ctx: Context) -> pd.DataFrame:
    """Per place: residents still here ``n`` and those working without a valid permit to stay ``k``.

    ``cypher/analysis/residents_per_address.cypher`` computes the same in Neo4j.
    """
    return _count(residents(ctx))


def _count(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.groupby("place", sort=True).agg(n=("human", "size"), k=("irregular", "sum"))


def run(ctx: Context) -> pd.DataFrame:
    """Places with a surprising number of present, working residents without a valid permit to stay."""
    residents_ = residents(ctx)
    per = _count(residents_)
    if per.empty:
        return empty_reasons()
    base = float(shrunk_rate(per["k"].sum(), per["n"].sum(), PRIOR_RATE, PRIOR_WEIGHT))
    flagged = surprising(per, base, ctx.thresholds.alpha, min_k=ctx.thresholds.min_crowd)
    if flagged.empty:
        return empty_reasons()
    evidence = residents_[residents_["irregular"] & residents_["place"].isin(flagged.index)].groupby("place")["human"].agg(tuple)
    texts = [
        f"{CODE}: {int(r.k)} of {int(r.n)} residents still here are seen working without a valid work or long-stay permit, "
        f"where {r.n * base:.1f} would be expected at the {base:.1%} baseline (tail p={r.p:.1e})"
        for r in flagged.itertuples()
    ]
    return reason_frame(ENTITY, flagged.index, CODE, flagged["strength"], [evidence[p] for p in flagged.index], texts)
