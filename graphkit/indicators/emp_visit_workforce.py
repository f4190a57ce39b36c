"""EMP_VISIT_WORKFORCE: employers whose foreign workforce holds visit permits beyond chance.

What it flags
    An employer where more of the people seen working for it hold a visit permit (which does not
    allow work) than its workforce size and the population's base rate explain.
Why it matters
    Visit permits used for work are the abuse field teams look for most; a firm staffed by
    visitors is the place to inspect. A large contractor with a few business visitors among
    hundreds of work-permit holders is ordinary, and is not flagged.
Evidence
    The visit-permit holders seen working there (canonical person ids); the
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

from graphkit.indicators.base import empty_reasons, reason_frame
from graphkit.indicators.context import Context, shrunk_rate, surprising

CODE = "EMP_VISIT_WORKFORCE"
ENTITY = "EMPLOYER"
# The base rate is shrunk toward a prior: 2% of foreign workers on visit permits, worth 500 workers.
PRIOR_RATE, PRIOR_WEIGHT = 0.02, 500

READS = ("employment.person_id", "employment.employer_id", "employment.end_date", "permits.permit_type",
         "permits.issued_on", "permits.permit_id")


def workers(ctx: Context) -> pd.DataFrame:
    """Current (employer, worker) pairs, with whether the worker's latest permit is a visit permit."""
    emp = ctx.employment[ctx.employment["current"] & ctx.employment["org"].notna()]
    pairs = emp[["org", "human"]].drop_duplicates()
    pairs = pairs.join(ctx.humans[["latest_type"]], on="human")
    return pairs.assign(visit=pairs["latest_type"] == "VISIT")


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
        f"{CODE}: {int(r.k)} of {int(r.n)} foreign workers hold visit permits, where {r.n * base:.1f} would be expected "
        f"at the {base:.1%} base rate (tail p={r.p:.1e})"
        for r in flagged.itertuples()
    ]
    return reason_frame(ENTITY, flagged.index, CODE, flagged["strength"], [evidence[o] for o in flagged.index], texts)
