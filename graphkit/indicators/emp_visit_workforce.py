"""EMP_VISIT_WORKFORCE: employers whose foreign workforce lives on visit permits beyond chance.

What it flags
    An employer where more of the people seen working for it hold a visit permit (which does not
    allow work) *and stay on* -- renewing visit after visit, or no departure since they started
    there -- than its workforce size and the population's base rate explain.
Why it matters
    Visit permits used for work are the abuse field teams look for most; a firm staffed by
    visitors is the place to inspect. Two look-alikes are ordinary and stay quiet: a large
    contractor with a few business visitors among hundreds of work-permit holders (the share is
    small), and vendor engineers on a short commissioning visit who leave when it is done (one
    visit, departed: a visit, not a workforce).
Evidence
    The visit-permit holders seen working there who stayed on (canonical person ids); the
    measure is the binomial tail P(X >= k | n, base rate), so it is a surprise, not a raw count.

Examples
--------
>>> from graphkit import load_folder
>>> from graphkit.datasets import tiny_path
>>> from graphkit.indicators.context import build_context
>>> r = run(build_context(load_folder(tiny_path()).tables, as_of="2026-11-01"))
>>> r[["entity_id", "evidence_count"]].values.tolist()
[['employers:E02', 5], ['employers:E03', 3]]
"""

from __future__ import annotations

import pandas as pd

from graphkit.indicators.address_crowding import visit_lives
from graphkit.indicators.base import empty_reasons, reason_frame
from graphkit.indicators.context import Context, shrunk_rate, surprising

CODE = "EMP_VISIT_WORKFORCE"
ENTITY = "EMPLOYER"
# The base rate is shrunk toward a prior: 2% of foreign workers on visit permits, worth 500 workers.
PRIOR_RATE, PRIOR_WEIGHT = 0.02, 500

READS = ("employment.person_id", "employment.employer_id", "employment.start_date", "employment.end_date",
         "permits.permit_type", "permits.issued_on", "permits.expires_on", "permits.permit_id", "movements.direction",
         "movements.date")


def workers(ctx: Context) -> pd.DataFrame:
    """Current (employer, worker) pairs, with whether the worker's latest permit is a visit permit
    and they stayed on (visit after visit, or no departure since they first started there)."""
    emp = ctx.employment[ctx.employment["current"] & ctx.employment["org"].notna()]
    pairs = emp.groupby(["org", "human"], sort=True)["start_date"].min().reset_index()
    pairs = pairs.join(ctx.humans[["latest_type", "last_departure"]], on="human")
    chained = visit_lives(ctx)["chained"]
    left = pairs["last_departure"].notna() & (pairs["start_date"].isna() | (pairs["last_departure"] >= pairs["start_date"]))
    stayed = ~left | pairs["human"].map(chained).astype("boolean").fillna(False).astype(bool)
    return pairs.assign(visit=(pairs["latest_type"] == "VISIT") & stayed)


def measure(ctx: Context) -> pd.DataFrame:
    """Per employer: current foreign workers ``n`` and visit-permit holders among them ``k``.

    The core count; ``cypher/analysis/visit_workers_per_employer.cypher`` computes the same in Neo4j.
    """
    return _count(workers(ctx))


def _count(pairs: pd.DataFrame) -> pd.DataFrame:
    return pairs.groupby("org", sort=True).agg(n=("human", "size"), k=("visit", "sum"))


def run(ctx: Context) -> pd.DataFrame:
    """Employers with a surprising share of visit-permit holders among their current workers."""
    pairs = workers(ctx)
    per_org = _count(pairs)
    if per_org.empty or per_org["n"].sum() == 0:
        return empty_reasons()
    base = float(shrunk_rate(per_org["k"].sum(), per_org["n"].sum(), PRIOR_RATE, PRIOR_WEIGHT))
    flagged = surprising(per_org, base, ctx.thresholds.alpha, min_k=2)
    if flagged.empty:
        return empty_reasons()
    visitors = pairs[pairs["visit"] & pairs["org"].isin(flagged.index)]
    evidence = visitors.groupby("org")["human"].agg(tuple)
    texts = [
        f"{CODE}: {int(r.k)} of {int(r.n)} foreign workers hold visit permits and stayed on, where {r.n * base:.1f} would be expected "
        f"at the {base:.1%} base rate (tail p={r.p:.1e})"
        for r in flagged.itertuples()
    ]
    return reason_frame(ENTITY, flagged.index, CODE, flagged["strength"], [evidence[o] for o in flagged.index], texts)
