"""SPONSOR_FANOUT: a sponsor whose guaranteed people work for many other employers.

What it flags
    A sponsor (guarantor) more of whose sponsored people are seen working for *other* employers
    than the baseline for its sponsor type (organisation or individual) explains, spread over at
    least two employers.
Why it matters
    A sponsor mill sells guarantees: unrelated visitors who then work and live all over. Travel
    agents and universities sponsor many people who do not work, employers sponsor their own
    workers, spouses sponsor their family: none of these fan out, and none is flagged.
Evidence
    The sponsored people working elsewhere (canonical person ids); the text gives how many
    employers and addresses they spread over.

Examples
--------
>>> from graphkit import load_folder
>>> from graphkit.datasets import tiny_path
>>> from graphkit.indicators.context import build_context
>>> run(build_context(load_folder(tiny_path()).tables, as_of="2026-11-01"))[["entity_id", "evidence_count"]].values.tolist()
[['sponsors:S04', 6]]
"""

from __future__ import annotations

import pandas as pd

from graphkit.indicators.base import empty_reasons, reason_frame
from graphkit.indicators.context import Context, shrunk_rate, surprising

CODE = "SPONSOR_FANOUT"
ENTITY = "SPONSOR"
READS = ("permits.sponsor_id", "permits.person_id", "permits.permit_type", "sponsors.sponsor_type",
         "employment.employer_id", "employment.end_date", "residences.address_id")
# Baseline share of sponsored people working for someone other than their sponsor, shrunk toward a
# prior of 5% worth 200 people.
PRIOR_RATE, PRIOR_WEIGHT = 0.05, 200
MIN_WORKING_ELSEWHERE = 3


def _sponsored(ctx: Context) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(sponsor, human, visit, org) rows of sponsored people and their current employers; and those working elsewhere."""
    sponsored = ctx.permits[ctx.permits["sponsor"].notna()]
    sponsored = sponsored.assign(visit=sponsored["permit_type"] == "VISIT")
    pairs = sponsored.groupby(["sponsor", "human"], sort=True)["visit"].any().reset_index()
    work = ctx.employment[ctx.employment["current"] & ctx.employment["org"].notna()][["human", "org"]].drop_duplicates()
    merged = pairs.merge(work, on="human", how="left")
    merged["elsewhere"] = merged["org"].notna() & (merged["org"] != merged["sponsor"])
    return merged, merged[merged["elsewhere"]]


def measure(ctx: Context) -> pd.DataFrame:
    """Per sponsor: people sponsored ``n`` (``visits`` on visit permits), ``working`` for anyone,
    ``k`` working for another employer, over how many ``employers``, living at how many ``homes``.

    ``cypher/analysis/sponsored_people_per_sponsor.cypher`` computes n, visits and working in Neo4j.
    """
    return _measure(ctx, *_sponsored(ctx))


def _measure(ctx: Context, merged: pd.DataFrame, away: pd.DataFrame) -> pd.DataFrame:
    homes = ctx.residences[["human", "place"]].dropna().drop_duplicates()
    first = merged.drop_duplicates(["sponsor", "human"])
    per = first.groupby("sponsor", sort=True).agg(n=("human", "size"), visits=("visit", "sum"))
    per["working"] = merged[merged["org"].notna()].groupby("sponsor")["human"].nunique().reindex(per.index, fill_value=0)
    per["k"] = away.groupby("sponsor")["human"].nunique().reindex(per.index, fill_value=0)
    per["employers"] = away.groupby("sponsor")["org"].nunique().reindex(per.index, fill_value=0)
    away_homes = away[["sponsor", "human"]].drop_duplicates().merge(homes, on="human")
    per["homes"] = away_homes.groupby("sponsor")["place"].nunique().reindex(per.index, fill_value=0)
    per["individual"] = ctx.orgs["individual"].reindex(per.index, fill_value=False).astype(bool)
    return per


def run(ctx: Context) -> pd.DataFrame:
    """Sponsors whose people work elsewhere more than their sponsor type's baseline explains."""
    merged, away = _sponsored(ctx)
    per = _measure(ctx, merged, away)
    if per.empty:
        return empty_reasons()
    totals = per.groupby("individual")[["k", "n"]].sum()
    per["base"] = per["individual"].map(shrunk_rate(totals["k"], totals["n"], PRIOR_RATE, PRIOR_WEIGHT))
    spread = per[per["employers"] >= 2]
    flagged = surprising(spread, spread["base"], ctx.thresholds.alpha, min_k=MIN_WORKING_ELSEWHERE)
    if flagged.empty:
        return empty_reasons()
    evidence = away[away["sponsor"].isin(flagged.index)].groupby("sponsor")["human"].agg(tuple)
    texts = [
        f"{CODE}: guarantees {int(r.n)} people ({int(r.visits)} on visit permits); {int(r.k)} of them work for "
        f"{int(r.employers)} other employers and live at {int(r.homes)} addresses, where {r.n * r.base:.1f} would be expected "
        f"at the {'individual' if r.individual else 'organisation'} sponsor baseline of {r.base:.1%} (tail p={r.p:.1e})"
        for r in flagged.itertuples()
    ]
    types = ctx.orgs["entity_type"].reindex(flagged.index).fillna(ENTITY)
    return reason_frame(types.to_numpy(), flagged.index, CODE, flagged["strength"], [evidence[s] for s in flagged.index], texts)
