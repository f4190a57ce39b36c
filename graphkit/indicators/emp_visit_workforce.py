"""EMP_VISIT_WORKFORCE: employers whose foreign workforce lives on visit permits beyond chance.

What it flags
    An employer where more of the people seen working for it hold a visit permit (which does not
    allow work) *and stay on* -- no departure since they started there and since their latest
    permit (a visa run returns on a new one) -- than its workforce size and the population's base rate explain. A business visitor
    still within a first visit counts half: they may yet leave when it ends.
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
[['employers:E02', 5]]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from graphkit.indicators.address_crowding import visit_lives
from graphkit.indicators.base import empty_reasons, reason_frame
from graphkit.indicators.context import Context, shrunk_rate, strength_from_pvalue, tail_weighted

CODE = "EMP_VISIT_WORKFORCE"
ENTITY = "EMPLOYER"
# The base rate is shrunk toward a prior: 2% of foreign workers on visit permits, worth 500 workers.
PRIOR_RATE, PRIOR_WEIGHT = 0.02, 500
# A business visitor still within a first visit may yet leave when it ends (a vendor engineer
# commissioning a machine): half a count.
IN_PROGRESS_WEIGHT = 0.5

READS = ("employment.person_id", "employment.employer_id", "employment.start_date", "employment.end_date",
         "permits.permit_type", "permits.purpose", "permits.issued_on", "permits.expires_on", "permits.permit_id", "movements.direction",
         "movements.date")


def workers(ctx: Context) -> pd.DataFrame:
    """Current (employer, worker) pairs; ``visit``: the worker's latest permit is a visit permit and
    they have not left (no departure since they started here and since their latest permit); ``weight``: 1 for a visitor who renews visit after visit,
    stayed past the permit or came as a tourist, ``IN_PROGRESS_WEIGHT`` for a business visitor
    still within a first visit."""
    emp = ctx.employment[ctx.employment["current"] & ctx.employment["org"].notna() & ctx.employment["human"].notna()]
    # one row per (org, human), sorted, on positions in the sorted indices: no string hashing
    n_humans = max(len(ctx.humans), 1)
    keys, inverse = np.unique(emp["org_at"].to_numpy() * n_humans + emp["human_at"].to_numpy(), return_inverse=True)
    started = emp["start_date"].to_numpy()
    never = np.iinfo(np.int64).max  # a missing start is skipped by the minimum, as pandas' min skips NaT
    first = np.full(len(keys), never, dtype=np.int64)
    np.minimum.at(first, inverse, np.where(pd.isna(started), never, started.view(np.int64)))
    org_at, human_at = keys // n_humans, keys % n_humans
    pairs = pd.DataFrame({"org": ctx.orgs.index.to_numpy(dtype=object)[org_at],
                          "human": ctx.humans.index.to_numpy(dtype=object)[human_at],
                          "start_date": np.where(first == never, np.iinfo(np.int64).min, first).view(started.dtype)})
    h = ctx.humans.iloc[human_at]
    for col in ("latest_type", "latest_purpose", "latest_issued", "latest_expires", "last_departure"):
        pairs[col] = h[col].array
    chained = visit_lives(ctx)["chained"].to_numpy()[human_at]
    # left: departed after starting here and not back on a new permit since (a visa run comes back on one)
    left = (pairs["last_departure"].notna() & (pairs["last_departure"] >= pairs["latest_issued"])
            & (pairs["start_date"].isna() | (pairs["last_departure"] >= pairs["start_date"]))).to_numpy()
    expired = (pairs["latest_expires"] < ctx.as_of).to_numpy()
    visit = (pairs["latest_type"] == "VISIT").to_numpy() & ~left
    business = (pairs["latest_purpose"] == "BUSINESS").to_numpy()
    weight = np.where(chained | expired | ~business, 1.0, IN_PROGRESS_WEIGHT) * visit
    return pairs.assign(visit=visit, weight=weight)


def measure(ctx: Context) -> pd.DataFrame:
    """Per employer: current foreign workers ``n``, visit-permit holders among them who stayed on
    ``k``, and ``k_w`` weighing each as in :func:`workers`.

    The core count; ``cypher/analysis/visit_workers_per_employer.cypher`` computes ``n`` and ``k`` in Neo4j.
    """
    return _count(workers(ctx))


def _count(pairs: pd.DataFrame) -> pd.DataFrame:
    return pairs.groupby("org", sort=True).agg(n=("human", "size"), k=("visit", "sum"), k_w=("weight", "sum"))


def run(ctx: Context) -> pd.DataFrame:
    """Employers with a surprising share of visit-permit holders among their current workers."""
    pairs = workers(ctx)
    per_org = _count(pairs)
    if per_org.empty or per_org["n"].sum() == 0:
        return empty_reasons()
    base = float(shrunk_rate(per_org["k_w"].sum(), per_org["n"].sum(), PRIOR_RATE, PRIOR_WEIGHT))
    per_org["p"] = tail_weighted(per_org["k_w"].to_numpy(), per_org["n"].to_numpy(), base)
    alpha = ctx.thresholds.alpha
    flagged = per_org[(per_org["k"] >= 2) & (per_org["p"] < alpha)]
    if flagged.empty:
        return empty_reasons()
    flagged = flagged.assign(strength=strength_from_pvalue(flagged["p"].to_numpy(), alpha))
    visitors = pairs[pairs["visit"] & pairs["org"].isin(flagged.index)]
    evidence = visitors.groupby("org")["human"].agg(tuple)
    texts = [
        f"{CODE}: {int(r.k)} of {int(r.n)} foreign workers hold visit permits and stayed on (weighted {r.k_w:.1f}: a first business "
        f"visit still in progress counts {IN_PROGRESS_WEIGHT}), where {r.n * base:.1f} would be expected "
        f"at the {base:.1%} base rate (tail p={r.p:.1e})"
        for r in flagged.itertuples()
    ]
    return reason_frame(ENTITY, flagged.index, CODE, flagged["strength"], [evidence[o] for o in flagged.index], texts)
