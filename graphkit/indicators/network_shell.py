"""NETWORK_SHELL: employers tied by shared phones, addresses, sponsors and rotating workers.

What it flags
    A community of two or more employers -- found by Leiden community detection (igraph,
    modularity, fixed seeds and node order) on an employer projection -- whose ties include at
    least one shared identifier (phone, address or sponsor) and at least two workers rotated
    among them who were seen working for an employer that neither sponsored their permit nor
    holds a work permit for them (a stay permit allows work only for its sponsor).
Why it matters
    Shell employers rotate the same people to hide who really employs them and to spread
    inspections thin. A legitimate corporate group shares a head office and seconds staff with
    work permits for each company: its rotations do not count, so it is not flagged.
Evidence
    For the network: its member employers. For each member: the other members and the rotated
    workers. The stability share says in how many of several seeded runs the same members fell
    in one community.

Hubs: a phone, address or sponsor shared by more than ``hub_limit`` employers (a business
centre, a large agency) is ignored here -- it is ranked by the other indicators instead.

Examples
--------
>>> from graphkit import load_folder
>>> from graphkit.datasets import tiny_path
>>> from graphkit.indicators.context import build_context
>>> r = run(build_context(load_folder(tiny_path()).tables, as_of="2026-11-01"))
>>> r[["entity_type", "entity_id"]].values.tolist()
[['NETWORK', 'network:N0001'], ['EMPLOYER', 'employers:E02'], ['EMPLOYER', 'employers:E03'], ['EMPLOYER', 'employers:E04']]
"""

from __future__ import annotations

import random

import igraph as ig
import numpy as np
import pandas as pd

from graphkit.indicators.base import empty_reasons, reason_frame
from graphkit.indicators.context import WORK_SOURCES, Context

CODE = "NETWORK_SHELL"
ENTITY = "NETWORK"
READS = ("employers.phone", "employers.address_id", "sponsors.phone", "sponsors.address_id", "permits.sponsor_id",
         "employment.person_id", "employment.employer_id", "permits.permit_type", "permits.expires_on")
SEEDS = (0, 1, 2, 3, 4)
# Link weights in the employer projection: a rotated worker working outside their permit's sponsor
# counts fully, one covered by permits (a secondment) a quarter; each shared identifier counts once.
IRREGULAR_WEIGHT, REGULAR_WEIGHT, IDENTIFIER_WEIGHT = 1.0, 0.25, 1.0


def _pairs(frame: pd.DataFrame, group: str, limit: int) -> pd.DataFrame:
    """Pairs (a < b) of orgs that share a value of ``group``, skipping hub values."""
    frame = frame[["org", group]].dropna().drop_duplicates()
    size = frame.groupby(group)["org"].transform("size")
    frame = frame[(size >= 2) & (size <= limit)]
    pairs = frame.merge(frame, on=group, suffixes=("_a", "_b"))
    return pairs[pairs["org_a"] < pairs["org_b"]]


def unsponsored_workers(ctx: Context) -> set[str]:
    """Humans seen working (inspection, report) for an employer that neither sponsored any of their
    permits nor holds a work-permit record for them: a stay permit allows work only for its sponsor."""
    seen = ctx.employment[ctx.employment["source"].isin(WORK_SOURCES) & ctx.employment["org"].notna()][["human", "org"]]
    covered = pd.concat([
        ctx.permits[["human", "sponsor"]].dropna().rename(columns={"sponsor": "org"}),
        ctx.employment.loc[ctx.employment["source"] == "WORK_PERMIT", ["human", "org"]].dropna(),
    ]).drop_duplicates()
    merged = seen.drop_duplicates().merge(covered.assign(ok=True), on=["human", "org"], how="left")
    return set(merged.loc[merged["ok"].isna(), "human"])


def projection(ctx: Context) -> pd.DataFrame:
    """Employer x employer links: one row per pair with counts of each kind of tie and its weight."""
    employers = ctx.orgs.index[ctx.orgs["entity_type"] == "EMPLOYER"]
    limit = ctx.thresholds.hub_limit
    orgs = ctx.orgs.loc[employers]
    links = []
    for col, kind in (("phones", "phone"), ("places", "address")):
        exploded = orgs[col].explode().dropna().rename(kind).reset_index()
        p = _pairs(exploded, kind, limit)
        links.append(p.assign(kind=kind, human=None)[["org_a", "org_b", "kind", "human"]])
    workers = ctx.employment[ctx.employment["org"].isin(employers)][["human", "org"]].drop_duplicates()
    sponsors = ctx.permits[["human", "sponsor"]].dropna().drop_duplicates()
    via = workers.merge(sponsors, on="human")
    via = via[via["sponsor"] != via["org"]]
    p = _pairs(via, "sponsor", limit)
    links.append(p.assign(kind="sponsor", human=None)[["org_a", "org_b", "kind", "human"]].drop_duplicates(["org_a", "org_b"]))
    p = _pairs(workers, "human", limit)
    irregular = p["human"].isin(unsponsored_workers(ctx)).to_numpy()
    links.append(p.assign(kind=np.where(irregular, "rotation_irregular", "rotation_regular"))[["org_a", "org_b", "kind", "human"]])
    links = pd.concat(links, ignore_index=True)
    if links.empty:
        return pd.DataFrame(columns=["org_a", "org_b", "phone", "address", "sponsor", "rotation_irregular",
                                     "rotation_regular", "humans", "weight"])
    counts = pd.crosstab([links["org_a"], links["org_b"]], links["kind"])
    for kind in ("phone", "address", "sponsor", "rotation_irregular", "rotation_regular"):
        if kind not in counts:
            counts[kind] = 0
    counts["humans"] = links[links["kind"] == "rotation_irregular"].groupby(["org_a", "org_b"])["human"].agg(tuple)
    counts["humans"] = counts["humans"].apply(lambda h: h if isinstance(h, tuple) else ())
    counts["weight"] = (IDENTIFIER_WEIGHT * (counts["phone"] + counts["address"] + counts["sponsor"])
                        + IRREGULAR_WEIGHT * counts["rotation_irregular"] + REGULAR_WEIGHT * counts["rotation_regular"])
    return counts.reset_index().sort_values(["org_a", "org_b"], kind="stable").reset_index(drop=True)


def communities(links: pd.DataFrame, seed: int) -> dict[str, int]:
    """Leiden (modularity) membership of every linked employer, for one seed; node order is sorted ids."""
    nodes = sorted(set(links["org_a"]) | set(links["org_b"]))
    index = {n: i for i, n in enumerate(nodes)}
    graph = ig.Graph(n=len(nodes), edges=list(zip(links["org_a"].map(index), links["org_b"].map(index))))
    graph.es["weight"] = links["weight"].astype(float).tolist()
    random.seed(seed)
    parts = graph.community_leiden(objective_function="modularity", weights="weight", n_iterations=-1)
    return dict(zip(nodes, parts.membership))


def run(ctx: Context) -> pd.DataFrame:
    """Shell networks (NETWORK rows) and the reason each member employer gets (EMPLOYER rows)."""
    links = projection(ctx)
    if links.empty:
        return empty_reasons()
    runs = [communities(links, s) for s in SEEDS]
    first = pd.Series(runs[0])
    found = []
    for members in first.groupby(first.to_numpy()).groups.values():
        members = sorted(members)
        inside = links[links["org_a"].isin(members) & links["org_b"].isin(members)]
        identifiers = int(inside[["phone", "address", "sponsor"]].to_numpy().sum())
        rotated = sorted({h for hs in inside["humans"] for h in hs})
        if len(members) < 2 or identifiers < 1 or len(rotated) < 2:
            continue
        stable = sum(len({r[m] for m in members}) == 1 for r in runs) / len(runs)
        found.append((members, inside, identifiers, rotated, stable))
    if not found:
        return empty_reasons()
    found.sort(key=lambda f: f[0][0])
    rows = []
    for number, (members, inside, identifiers, rotated, stable) in enumerate(found, start=1):
        network = f"network:N{number:04d}"
        strength = min(1.0, 0.3 + 0.1 * identifiers + 0.1 * len(rotated)) * (0.5 + 0.5 * stable)
        ties = ", ".join(f"{int(inside[k].sum())} shared {k}(s)" for k in ("phone", "address", "sponsor") if inside[k].sum())
        summary = (f"{len(members)} employers linked by {ties} and {len(rotated)} workers rotated among them outside "
                   f"their permit's sponsor (stable in {stable:.0%} of {len(runs)} seeded runs)")
        rows.append(("NETWORK", network, strength, tuple(members), f"{CODE}: {summary}"))
        for m in members:
            others = tuple(o for o in members if o != m)
            mine = {h for hs in inside.loc[(inside["org_a"] == m) | (inside["org_b"] == m), "humans"] for h in hs}
            rows.append(("EMPLOYER", m, strength, others + tuple(sorted(mine)), f"{CODE}: member of {network}: {summary}"))
    types, ids, strengths, evidence, texts = zip(*rows)
    return reason_frame(list(types), ids, CODE, strengths, evidence, texts)
