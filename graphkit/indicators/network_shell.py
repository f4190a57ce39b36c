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

Only employers among which workers were rotated outside their permit's sponsor enter the
community detection; shared identifiers then weigh their ties. Hubs: a phone, address or sponsor
shared by more than ``hub_limit`` employers (a business centre, a large agency) is ignored here --
it is ranked by the other indicators instead.

Examples
--------
>>> from graphkit import load_folder
>>> from graphkit.datasets import tiny_path
>>> from graphkit.indicators.context import build_context
>>> r = run(build_context(load_folder(tiny_path()).tables, as_of="2026-11-01"))
>>> r[["entity_type", "entity_id"]].values.tolist()
[['NETWORK', 'network:N0001'], ['EMPLOYER', 'employers:E03'], ['EMPLOYER', 'employers:E04']]
"""

from __future__ import annotations

import random

import igraph as ig
import numpy as np
import pandas as pd

from graphkit.arrowops import isin
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
    ids = ctx.org_ids[ctx.org_ids["org"].isin(employers)]
    links = []
    for kind in ("phone", "address"):
        p = _pairs(ids.loc[ids["kind"] == kind, ["org", "value"]].rename(columns={"value": kind}), kind, limit)
        links.append(p.assign(kind=kind, human=None)[["org_a", "org_b", "kind", "human"]])
    workers = ctx.employment[isin(ctx.employment["org"], employers)][["human", "org"]].drop_duplicates()
    sponsors = ctx.permits[["human", "sponsor"]].dropna().drop_duplicates()
    via = workers.merge(sponsors, on="human")
    via = via[via["sponsor"] != via["org"]]
    p = _pairs(via, "sponsor", limit)
    links.append(p.assign(kind="sponsor", human=None)[["org_a", "org_b", "kind", "human"]].drop_duplicates(["org_a", "org_b"]))
    p = _pairs(workers, "human", limit)
    irregular = isin(p["human"], unsponsored_workers(ctx)).to_numpy()
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
    # Only employers that people were rotated among (outside their permit's sponsor) can be members:
    # identifier ties alone (a shared office building) join firms that share nothing else.
    rotating = links.loc[links["rotation_irregular"] > 0, ["org_a", "org_b"]].stack().unique()
    links = links[links["org_a"].isin(rotating) & links["org_b"].isin(rotating)]
    if links.empty:
        return empty_reasons()
    runs = [communities(links, s) for s in SEEDS]
    community = pd.Series(runs[0], name="community")
    links = links.assign(community=links["org_a"].map(community))
    inside = links[links["community"] == links["org_b"].map(community)]
    rotated = inside[["community", "humans"]].explode("humans").dropna().drop_duplicates()
    per = inside.groupby("community").agg(phone=("phone", "sum"), address=("address", "sum"), sponsor=("sponsor", "sum"))
    per["rotated"] = rotated.groupby("community")["humans"].agg(lambda h: tuple(sorted(h)))
    per["rotated"] = per["rotated"].apply(lambda h: h if isinstance(h, tuple) else ())
    members = community.rename_axis("org").reset_index().sort_values("org").groupby("community")["org"].agg(tuple)
    per["members"] = members.reindex(per.index)
    per = per[(per["members"].map(len) >= 2) & (per[["phone", "address", "sponsor"]].sum(axis=1) >= 1) & (per["rotated"].map(len) >= 2)]
    if per.empty:
        return empty_reasons()
    # stability: in how many seeded runs all members of the community fell in one community
    member_rows = per["members"].explode().rename("org").reset_index()
    together = [member_rows.assign(c=member_rows["org"].map(r)).groupby("community")["c"].nunique() == 1 for r in runs]
    per["stable"] = pd.concat(together, axis=1).mean(axis=1)
    per = per.assign(first=per["members"].map(lambda m: m[0])).sort_values("first")
    # each member's own rotated workers: those on links touching it inside its community
    touching = pd.concat([inside[["org_a", "humans"]].rename(columns={"org_a": "org"}),
                          inside[["org_b", "humans"]].rename(columns={"org_b": "org"})]).explode("humans").dropna()
    mine = touching.drop_duplicates().groupby("org")["humans"].agg(lambda h: tuple(sorted(h)))
    rows = []
    for number, r in enumerate(per.itertuples(), start=1):
        network = f"network:N{number:04d}"
        identifiers = int(r.phone + r.address + r.sponsor)
        strength = min(1.0, 0.3 + 0.1 * identifiers + 0.1 * len(r.rotated)) * (0.5 + 0.5 * r.stable)
        ties = ", ".join(f"{int(n)} shared {k}(s)" for k, n in (("phone", r.phone), ("address", r.address), ("sponsor", r.sponsor)) if n)
        summary = (f"{len(r.members)} employers linked by {ties} and {len(r.rotated)} workers rotated among them outside "
                   f"their permit's sponsor (stable in {r.stable:.0%} of {len(runs)} seeded runs)")
        rows.append(("NETWORK", network, strength, r.members, f"{CODE}: {summary}"))
        for m in r.members:
            others = tuple(o for o in r.members if o != m)
            rows.append(("EMPLOYER", m, strength, others + mine.get(m, ()), f"{CODE}: member of {network}: {summary}"))
    types, ids, strengths, evidence, texts = zip(*rows)
    return reason_frame(list(types), ids, CODE, strengths, evidence, texts)
