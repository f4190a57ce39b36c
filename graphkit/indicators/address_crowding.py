"""ADDRESS_CROWDING: an ordinary house that over the years was home to many visitors who work.

What it flags
    An address (after resolution: every spelling of one place together) whose residents over the
    last ``HISTORY_DAYS`` -- not only those present today -- include at least ``min_crowd`` people
    living on visit permits (no work or long-stay permit in that window) who were seen working in
    it, more than the share among residents of all addresses explains.
    Each resident counts with a recency weight (halved every ``HALF_LIFE_DAYS`` since their last
    report there), and the surprise is the binomial tail of the weighted count at the base rate.
Why it matters
    A hotspot house is where visit-permit workers are housed by whoever employs or sponsors them:
    people come, leave, return on new permits and move on, so on any one day only part of them
    are there and some have no current job on record -- counting today's residents with today's
    jobs sees nothing. The look-alikes stay quiet because few of their residents are visitors
    at work (a tourist extending a visit is not): hotels and guesthouses (many short-stay tourists who depart), company
    dormitories and contractor camps (work-permit holders), boarding houses (students).
Evidence
    The residents counted (canonical person ids); the text gives the weighted and plain counts,
    how many were seen working, for how many employers, how many renewed visit after visit, how
    many are present today, and the base rate.

Examples
--------
>>> from graphkit import load_folder
>>> from graphkit.datasets import tiny_path
>>> from graphkit.indicators.context import build_context
>>> run(build_context(load_folder(tiny_path()).tables, as_of="2026-11-01"))[["entity_id", "evidence_count"]].values.tolist()
[['addresses:A04', 6]]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from graphkit.distinct import distinct
from graphkit.indicators.base import empty_reasons, reason_frame
from graphkit.indicators.context import Context, shrunk_rate, strength_from_pvalue, tail_weighted

CODE = "ADDRESS_CROWDING"
ENTITY = "ADDRESS"
READS = ("residences.person_id", "residences.address_id", "residences.reported_on", "movements.direction",
         "movements.date", "employment.person_id", "employment.employer_id", "employment.start_date",
         "employment.end_date", "permits.permit_type", "permits.issued_on", "permits.expires_on",
         "addresses.line", "addresses.city")
# Residence history considered, and the half-life of a report's weight within it.
HISTORY_DAYS, HALF_LIFE_DAYS = 5 * 365, 2 * 365
# A visit permit issued at most this many days after the previous one expired continues a chain.
CHAIN_GAP_DAYS = 30
# Baseline share of residents living on visit permits at work, shrunk toward 5% worth 200 residents.
PRIOR_RATE, PRIOR_WEIGHT = 0.05, 200


def _since(ctx: Context) -> pd.Timestamp:
    return ctx.as_of - pd.Timedelta(days=HISTORY_DAYS)


def visit_lives(ctx: Context) -> pd.DataFrame:
    """Per human with any permit: ``stay_permit`` (a non-visit permit valid at some time in the
    window), ``chained`` (a visit permit followed by another within ``CHAIN_GAP_DAYS`` of its
    expiry, in the window), ``employers`` (distinct employers worked for in the window); computed
    once per context (EMP_VISIT_WORKFORCE reads it too)."""
    if "visit_lives" not in ctx.extra:
        ctx.extra["visit_lives"] = _visit_lives(ctx)
    return ctx.extra["visit_lives"]


def _visit_lives(ctx: Context) -> pd.DataFrame:
    since = _since(ctx)
    # grouped on integer codes of the humans' sorted index: string keys cost seconds at a million people
    humans = ctx.humans.index
    p = ctx.permits[ctx.permits["human"].notna() & (ctx.permits["expires_on"] >= since) & (ctx.permits["issued_on"] <= ctx.as_of)]
    code = p["human_at"].to_numpy()
    visit = (p["permit_type"] == "VISIT").to_numpy() & (code >= 0)
    stay = np.zeros(len(humans), dtype=bool)
    stay[code[~visit & (code >= 0)]] = True
    vc, issued, expires = code[visit], p["issued_on"].to_numpy()[visit], p["expires_on"].to_numpy()[visit]
    order = np.lexsort((expires, issued, vc))
    vc, issued, expires = vc[order], issued[order], expires[order]
    links = ((vc[1:] == vc[:-1]) & (issued[1:] > issued[:-1])
             & (issued[1:] <= expires[:-1] + np.timedelta64(CHAIN_GAP_DAYS, "D")))
    chained = np.zeros(len(humans), dtype=bool)
    chained[vc[:-1][links]] = True
    e = ctx.employment[ctx.employment["org"].notna() & ctx.employment["human"].notna()
                       & (ctx.employment["end_date"].isna() | (ctx.employment["end_date"] >= since))
                       & (ctx.employment["start_date"].isna() | (ctx.employment["start_date"] <= ctx.as_of))]
    h, o = e["human_at"].to_numpy(), e["org_at"].to_numpy()
    jobs = distinct(h * max(len(ctx.orgs), 1) + o) // max(len(ctx.orgs), 1)  # distinct (human, org)
    employers = np.bincount(jobs, minlength=len(humans)).astype(np.int64)
    return pd.DataFrame({"stay_permit": stay, "chained": chained, "employers": employers}, index=humans)


def residents(ctx: Context) -> pd.DataFrame:
    """(place, human) for everyone reported living there in the window, with the recency ``weight``
    of their latest report, whether they are ``present`` (no departure since), and whether they
    live on visit permits at work (``irregular``: no stay permit in the window, seen working in it)."""
    since = _since(ctx)
    res = ctx.residences[ctx.residences["place"].notna() & ctx.residences["human"].notna()]
    res = res[(res["reported_on"] >= since) & (res["reported_on"] <= ctx.as_of)]
    # one row per (place, human), sorted, on positions in the sorted indices: no string hashing
    n_humans = max(len(ctx.humans), 1)
    keys, inverse = np.unique(res["place_at"].to_numpy() * n_humans + res["human_at"].to_numpy(), return_inverse=True)
    reported = res["reported_on"].to_numpy()
    latest = np.full(len(keys), np.iinfo(np.int64).min, dtype=np.int64)
    np.maximum.at(latest, inverse, reported.view(np.int64))
    place_at, human_at = keys // n_humans, keys % n_humans
    last = pd.DataFrame({"place": ctx.places.index.to_numpy(dtype=object)[place_at],
                         "human": ctx.humans.index.to_numpy(dtype=object)[human_at],
                         "reported_on": latest.view(reported.dtype)})
    age = (ctx.as_of - last["reported_on"]).dt.days.to_numpy()
    last["weight"] = 0.5 ** (age / HALF_LIFE_DAYS)
    departure = ctx.humans["last_departure"].to_numpy()[human_at]
    last["present"] = pd.isna(departure) | (departure < last["reported_on"].to_numpy())
    lives = visit_lives(ctx)
    last["employers"] = lives["employers"].to_numpy()[human_at]
    last["chained"] = lives["chained"].to_numpy()[human_at]
    last["irregular"] = ~lives["stay_permit"].to_numpy()[human_at] & (last["employers"] > 0)
    return last[["place", "human", "weight", "present", "employers", "chained", "irregular"]]


def measure(ctx: Context) -> pd.DataFrame:
    """Per place: residents in the window ``n`` and those living on visit permits at work ``k``,
    and the same recency-weighted (``n_w``, ``k_w``).

    ``cypher/analysis/residents_per_address.cypher`` computes ``n`` and ``k`` in Neo4j.
    """
    return _count(residents(ctx))


def _count(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.assign(k_weight=frame["weight"] * frame["irregular"])
    return frame.groupby("place", sort=True).agg(n=("human", "size"), k=("irregular", "sum"),
                                                 n_w=("weight", "sum"), k_w=("k_weight", "sum"))


def run(ctx: Context) -> pd.DataFrame:
    """Places whose residents over the years lived on visit permits at work beyond the base rate."""
    residents_ = residents(ctx)
    per = _count(residents_)
    if per.empty:
        return empty_reasons()
    base = float(shrunk_rate(per["k_w"].sum(), per["n_w"].sum(), PRIOR_RATE, PRIOR_WEIGHT))
    per["p"] = tail_weighted(per["k_w"].to_numpy(), per["n_w"].to_numpy(), base)
    alpha = ctx.thresholds.alpha
    flagged = per[(per["k"] >= ctx.thresholds.min_crowd) & (per["p"] < alpha)]
    if flagged.empty:
        return empty_reasons()
    strength = strength_from_pvalue(flagged["p"].to_numpy(), alpha)
    counted = residents_[residents_["irregular"] & residents_["place"].isin(flagged.index)]
    evidence = counted.groupby("place")["human"].agg(tuple)
    detail = counted.groupby("place").agg(working=("employers", lambda e: int((e > 0).sum())),
                                          chained=("chained", "sum"), present=("present", "sum"))
    jobs = ctx.employment[ctx.employment["human"].isin(counted["human"]) & ctx.employment["org"].notna()]
    spread = counted[["place", "human"]].merge(jobs[["human", "org"]].drop_duplicates(), on="human")
    employers = spread.groupby("place")["org"].nunique()
    years = HISTORY_DAYS // 365
    texts = [
        f"{CODE}: {int(r.k)} of {int(r.n)} residents over the last {years} years lived on visit permits at work "
        f"(recency-weighted {r.k_w:.1f} of {r.n_w:.1f}, where {r.n_w * base:.1f} would be expected at the {base:.1%} "
        f"baseline, tail p={r.p:.1e}): {int(detail.loc[place, 'working'])} seen working for "
        f"{int(employers.get(place, 0))} employers, {int(detail.loc[place, 'chained'])} renewed visit after visit, "
        f"{int(detail.loc[place, 'present'])} present today"
        for place, r in zip(flagged.index, flagged.itertuples())
    ]
    return reason_frame(ENTITY, flagged.index, CODE, strength, [evidence[p] for p in flagged.index], texts)
