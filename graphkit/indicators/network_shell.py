"""NETWORK_SHELL: a small, tight group of employers tied by specific identifiers that rotate workers.

What it flags
    A NETWORK (its own entity, not an employer score): two to ``hub_limit`` employers, found by
    Leiden community detection (igraph, CPM on weighted ties, fixed seeds, node order by canonical
    id) on an employer projection, whose ties include a *specific* shared identifier (a phone,
    address or third sponsor that few employers share) and at least two workers rotated among
    them -- consecutive stints, one starting within ``ROTATION_GAP_DAYS`` of the day the previous
    one ended -- at an employer that neither sponsored the worker's permit nor holds a work permit for
    them, and more such rotations than covered ones.
Why it matters
    Shell employers, typically three to six firms behind one phone or ruko address and one
    sponsor, rotate the same people to hide who really employs them and to spread inspections
    thin. Two look-alikes must stay quiet: ordinary firms that merely meet through a sponsor or an
    office building serving many firms (a visa agency, a sponsor mill, a business centre) -- a
    value shared by many employers is no tie, and a tie weighs ``2 / m`` for a value ``m``
    employers share; and a legitimate corporate group sharing a head office and phone whose staff
    are seconded (still employed by the company holding their work permit while they work at
    another: no consecutive stints) or move with work permits for each company (covered rotations
    weigh little and cannot make a network).
Evidence
    The member employers; the reason text gives the specific ties, the rotated workers (canonical
    ids of people moved outside their permits) and the stability: in how many of the seeded runs
    the same members fell in one community. Each member employer gets its own, separately named
    and smaller reason from NETWORK_MEMBER, scaled by its own part in the rotations.

CPM (the constant Potts model) keeps a group together only while its ties are denser than
``RESOLUTION`` per pair, so a chain of ordinary firms each sharing one worker with the next does
not snowball into one large "community" the way modularity lets it.

Examples
--------
>>> from graphkit import load_folder
>>> from graphkit.datasets import tiny_path
>>> from graphkit.indicators.context import build_context
>>> r = run(build_context(load_folder(tiny_path()).tables, as_of="2026-11-01"))
>>> r[["entity_type", "entity_id", "evidence_ids"]].values.tolist()
[['NETWORK', 'network:N0001', ('employers:E03', 'employers:E04')]]
"""

from __future__ import annotations

import random

import igraph as ig
import numpy as np
import pandas as pd

from graphkit.arrowops import gather, isin, positions
from graphkit.distinct import among, distinct
from graphkit.indicators.base import empty_reasons, reason_frame
from graphkit.indicators.context import Context

CODE = "NETWORK_SHELL"
ENTITY = "NETWORK"
READS = ("employers.phone", "employers.address_id", "sponsors.phone", "sponsors.address_id", "permits.sponsor_id",
         "employment.person_id", "employment.employer_id", "employment.source", "employment.start_date",
         "employment.end_date")
SEEDS = (0, 1, 2, 3, 4)
# A worker who starts at B within this many days after a stint at A ends (or while it lasts) rotated A -> B.
ROTATION_GAP_DAYS = 90
# Link weights: each worker rotated outside their permits counts fully, a covered one (a secondment)
# a quarter; a shared identifier counts 2 / m for a value m employers share (1 for a pair).
IRREGULAR_WEIGHT, REGULAR_WEIGHT = 1.0, 0.25
# CPM resolution: a community must hold more than this much tie weight per pair of members.
RESOLUTION = 0.5
MIN_ROTATED = 2
TIE_KINDS = ("phone", "address", "sponsor")
LINK_COLUMNS = ["org_a", "org_b", *TIE_KINDS, "identifiers", "rotation_irregular", "rotation_regular", "humans", "weight"]


def _shared(frame: pd.DataFrame, group: str, limit: int) -> pd.DataFrame:
    """Pairs (a < b) of orgs sharing a value of ``group`` that at most ``limit`` orgs share, with the
    value's specificity ``2 / m`` (m orgs share it)."""
    frame = frame[["org", group]].dropna().drop_duplicates()
    size = frame.groupby(group)["org"].transform("size")
    frame = frame[(size >= 2) & (size <= limit)].assign(specificity=2.0 / size[(size >= 2) & (size <= limit)])
    pairs = frame.merge(frame[["org", group]], on=group, suffixes=("_a", "_b"))
    return pairs[pairs["org_a"] < pairs["org_b"]]


def covered(ctx: Context) -> pd.DataFrame:
    """(human, org) pairs where the human may work: the org sponsored one of their permits or holds a
    work-permit record for them (a stay permit allows work only for its sponsor)."""
    return pd.concat([
        ctx.permits[["human", "sponsor"]].dropna().rename(columns={"sponsor": "org"}),
        ctx.employment.loc[ctx.employment["source"] == "WORK_PERMIT", ["human", "org"]].dropna(),
    ]).drop_duplicates()


def rotations(ctx: Context, employers) -> pd.DataFrame:
    """One row per (human, org_a < org_b) the human rotated between -- consecutive stints: one at
    the other employer starting within ``ROTATION_GAP_DAYS`` of the day a stint ended -- with
    whether it was irregular (outside the human's permits at either end). A secondment, where the
    stint at the home employer goes on, is not a rotation."""
    # on positions in the sorted humans and orgs (the context's *_at columns): the self-join per
    # human and the permit checks hash integers, not strings
    n_orgs = max(len(ctx.orgs), 1)
    e = ctx.employment
    is_employer = np.zeros(n_orgs, dtype=bool)
    is_employer[positions(pd.Series(employers), ctx.orgs.index)] = True
    h, o = e["human_at"].to_numpy(), e["org_at"].to_numpy()
    keep = (h >= 0) & (o >= 0) & gather(is_employer, o, False) & e["start_date"].notna().to_numpy()
    emp = pd.DataFrame({"h": h[keep], "o": o[keep], "start": e["start_date"].to_numpy()[keep],
                        "end": e["end_date"].to_numpy()[keep]})
    per_human = distinct(emp["h"].to_numpy() * n_orgs + emp["o"].to_numpy()) // n_orgs
    many = np.bincount(per_human, minlength=len(ctx.humans))[emp["h"].to_numpy()] >= 2
    emp = emp[many]
    pairs = emp[emp["end"].notna()].merge(emp, on="h", suffixes=("_a", "_b"))
    gap = pd.Timedelta(days=ROTATION_GAP_DAYS)
    pairs = pairs[(pairs["o_a"] != pairs["o_b"]) & (pairs["start_b"] >= pairs["start_a"])
                  & (pairs["start_b"] >= pairs["end_a"] - gap)
                  & (pairs["start_b"] <= pairs["end_a"] + gap)]
    lo = np.minimum(pairs["o_a"].to_numpy(), pairs["o_b"].to_numpy())
    hi = np.maximum(pairs["o_a"].to_numpy(), pairs["o_b"].to_numpy())
    moves = pd.DataFrame({"h": pairs["h"].to_numpy(), "a": lo, "b": hi}).drop_duplicates()
    mh, ma, mb = moves["h"].to_numpy(), moves["a"].to_numpy(), moves["b"].to_numpy()
    ok = _covered_keys(ctx, n_orgs)
    irregular = ~among(mh * n_orgs + ma, ok) | ~among(mh * n_orgs + mb, ok)
    order = np.lexsort((mh, mb, ma))
    names, humans = ctx.orgs.index.to_numpy(dtype=object), ctx.humans.index.to_numpy(dtype=object)
    return pd.DataFrame({"human": humans[mh[order]], "org_a": names[ma[order]], "org_b": names[mb[order]],
                         "irregular": irregular[order]})


def _covered_keys(ctx: Context, n_orgs: int) -> np.ndarray:
    """:func:`covered` as ``human position * n_orgs + org position`` keys."""
    p, e = ctx.permits, ctx.employment
    ph, ps = p["human_at"].to_numpy(), p["sponsor_at"].to_numpy()
    permit = (e["source"] == "WORK_PERMIT").to_numpy(dtype=bool)
    eh, eo = e["human_at"].to_numpy()[permit], e["org_at"].to_numpy()[permit]
    return distinct(np.concatenate([(ph * n_orgs + ps)[(ph >= 0) & (ps >= 0)], (eh * n_orgs + eo)[(eh >= 0) & (eo >= 0)]]))


def _pairs(frame: pd.DataFrame, first: str, second: str, n_second: int) -> pd.DataFrame:
    """The distinct (``first``, ``second``) position pairs of ``frame`` (both known), first seen first."""
    a, b = frame[first].to_numpy(), frame[second].to_numpy()
    known = np.flatnonzero((a >= 0) & (b >= 0))
    _, at = np.unique(a[known] * max(n_second, 1) + b[known], return_index=True)
    rows = known[np.sort(at)]
    return pd.DataFrame({"h": a[rows], "o": b[rows]})


def projection(ctx: Context) -> pd.DataFrame:
    """Employer x employer links: per pair, how many specific phones, addresses and third sponsors it
    shares, their summed specificity (``identifiers``), rotations outside and inside permits, the
    irregularly rotated humans, and the tie ``weight``."""
    employers = ctx.orgs.index[ctx.orgs["entity_type"] == "EMPLOYER"]
    limit = ctx.thresholds.hub_limit
    ids = ctx.org_ids[isin(ctx.org_ids["org"], employers)]
    links = []
    for kind in ("phone", "address"):
        p = _shared(ids.loc[ids["kind"] == kind, ["org", "value"]].rename(columns={"value": kind}), kind, limit)
        links.append(p.assign(kind=kind)[["org_a", "org_b", "kind", "specificity"]])
    # workers and the sponsors of their permits joined on positions (humans with no position have no permit)
    is_employer = np.zeros(len(ctx.orgs), dtype=bool)
    is_employer[positions(pd.Series(employers), ctx.orgs.index)] = True
    e = ctx.employment[gather(is_employer, ctx.employment["org_at"].to_numpy(), False)]
    workers = _pairs(e, "human_at", "org_at", len(ctx.orgs))
    sponsors = _pairs(ctx.permits, "human_at", "sponsor_at", len(ctx.orgs)).rename(columns={"o": "s"})
    via = workers.merge(sponsors, on="h")
    via = via[via["s"] != via["o"]]
    names = ctx.orgs.index.to_numpy(dtype=object)
    via = pd.DataFrame({"org": names[via["o"].to_numpy()], "sponsor": names[via["s"].to_numpy()]})
    p = _shared(via, "sponsor", limit)
    links.append(p.assign(kind="sponsor")[["org_a", "org_b", "kind", "specificity"]])
    ties = pd.concat(links, ignore_index=True)
    moves = rotations(ctx, employers)
    if ties.empty and moves.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in LINK_COLUMNS})
    counts = ties.pivot_table(index=["org_a", "org_b"], columns="kind", values="specificity", aggfunc="size", fill_value=0)
    counts = counts.reindex(columns=list(TIE_KINDS), fill_value=0)
    counts["identifiers"] = ties.groupby(["org_a", "org_b"])["specificity"].sum()
    rot = moves.groupby(["org_a", "org_b"]).agg(rotation_irregular=("irregular", "sum"), rotation_total=("human", "size"))
    rot["rotation_regular"] = rot["rotation_total"] - rot["rotation_irregular"]
    rot["humans"] = moves[moves["irregular"]].groupby(["org_a", "org_b"])["human"].agg(tuple)
    out = counts.join(rot.drop(columns="rotation_total"), how="outer")
    for col in (*TIE_KINDS, "rotation_irregular", "rotation_regular"):
        out[col] = out[col].fillna(0).astype(np.int64)
    out["identifiers"] = out["identifiers"].fillna(0.0)
    out["humans"] = out["humans"].apply(lambda h: h if isinstance(h, tuple) else ())
    out["weight"] = out["identifiers"] + IRREGULAR_WEIGHT * out["rotation_irregular"] + REGULAR_WEIGHT * out["rotation_regular"]
    out = out.reset_index().sort_values(["org_a", "org_b"], kind="stable", ignore_index=True)
    out.columns.name = None
    return out[LINK_COLUMNS]


def candidate_links(links: pd.DataFrame) -> pd.DataFrame:
    """The links community detection runs on: those among employers that people were rotated
    between outside their permits. Identifier ties alone (a shared office building) join firms
    that share nothing else; such a firm can still join a flagged network afterwards, through
    the network's own phone or address."""
    rotating = pd.unique(links.loc[links["rotation_irregular"] > 0, ["org_a", "org_b"]].to_numpy().ravel())
    return links[isin(links["org_a"], rotating) & isin(links["org_b"], rotating)]


def communities(links: pd.DataFrame, seed: int) -> dict[str, int]:
    """Leiden (CPM at ``RESOLUTION``) membership of every linked employer, for one seed.

    Node order is the sorted canonical employer ids and edges come sorted by them, so nothing
    but the ties themselves and the seed decides the result.
    """
    nodes = sorted(set(links["org_a"]) | set(links["org_b"]))
    index = {n: i for i, n in enumerate(nodes)}
    graph = ig.Graph(n=len(nodes), edges=list(zip(links["org_a"].map(index), links["org_b"].map(index))))
    graph.es["weight"] = links["weight"].astype(float).tolist()
    random.seed(seed)
    parts = graph.community_leiden(objective_function="CPM", weights="weight", resolution=RESOLUTION, n_iterations=-1)
    return dict(zip(nodes, parts.membership))


def networks(ctx: Context) -> pd.DataFrame:
    """Flagged networks, one row each (``network``, ``members``, ties, ``rotated``, ``stable``,
    ``strength``, ``summary``) and, in ``own``, each member's rotated workers; computed once per
    context and shared with NETWORK_MEMBER."""
    if CODE in ctx.extra:
        return ctx.extra[CODE]
    ctx.extra[CODE] = found = _networks(ctx)
    return found


def _networks(ctx: Context) -> pd.DataFrame:
    empty = pd.DataFrame(columns=["network", "members", "rotated", "own", "tied", "strength", "summary"])
    every = projection(ctx)
    links = candidate_links(every)
    rotating = pd.unique(links[["org_a", "org_b"]].to_numpy().ravel())
    if links.empty:
        return empty
    runs = [communities(links, s) for s in SEEDS]
    community = pd.Series(runs[0], name="community")
    links = links.assign(community=links["org_a"].map(community))
    inside = links[links["community"] == links["org_b"].map(community)]
    rotated = inside[["community", "humans"]].explode("humans").dropna().drop_duplicates()
    per = inside.groupby("community").agg(phone=("phone", "sum"), address=("address", "sum"), sponsor=("sponsor", "sum"),
                                          identifiers=("identifiers", "sum"), regular=("rotation_regular", "sum"),
                                          irregular=("rotation_irregular", "sum"))
    per["rotated"] = rotated.groupby("community")["humans"].agg(lambda h: tuple(sorted(h)))
    per["rotated"] = per["rotated"].apply(lambda h: h if isinstance(h, tuple) else ())
    members = community.rename_axis("org").reset_index().sort_values("org").groupby("community")["org"].agg(tuple)
    per["members"] = members.reindex(per.index)
    size = per["members"].map(len)
    per = per[(size >= 2) & (size <= ctx.thresholds.hub_limit) & (per[list(TIE_KINDS)].sum(axis=1) >= 1)
              & (per["rotated"].map(len) >= MIN_ROTATED) & (per["irregular"] > per["regular"])]
    if per.empty:
        return empty
    per["members"] = _with_tied_firms(per["members"], every, ctx.thresholds.hub_limit)
    # stability: in how many seeded runs all members of the community fell in one community
    member_rows = per["members"].explode().rename("org").reset_index()
    member_rows = member_rows[isin(member_rows["org"], rotating)]
    together = [member_rows.assign(c=member_rows["org"].map(r)).groupby("community")["c"].nunique() == 1 for r in runs]
    per["stable"] = pd.concat(together, axis=1).mean(axis=1)
    per = per.assign(first=per["members"].map(lambda m: m[0])).sort_values("first")
    touching = pd.concat([inside[["org_a", "humans"]].rename(columns={"org_a": "org"}),
                          inside[["org_b", "humans"]].rename(columns={"org_b": "org"})]).explode("humans").dropna()
    mine = touching.drop_duplicates().groupby("org")["humans"].agg(lambda h: tuple(sorted(h)))
    per["network"] = [f"network:N{i:04d}" for i in range(1, len(per) + 1)]
    per["own"] = per["members"].map(lambda ms: {m: mine.get(m, ()) for m in ms})
    # a member holds a specific tie of its own inside, or joined through one
    tied = set(inside.loc[inside["identifiers"] > 0, ["org_a", "org_b"]].to_numpy().ravel())
    per["tied"] = per["members"].map(lambda ms: {m: m in tied or m not in community.index for m in ms})
    per["strength"] = (np.minimum(1.0, 0.3 + 0.15 * np.minimum(per["identifiers"], 2.0) + 0.1 * per["rotated"].map(len))
                       * (0.5 + 0.5 * per["stable"]))
    per["summary"] = [
        f"{len(r.members)} employers tied by "
        + ", ".join(f"{int(n)} specific shared {k}(s)" for k, n in zip(TIE_KINDS, (r.phone, r.address, r.sponsor)) if n)
        + f" and {len(r.rotated)} workers rotated among them outside their permits"
        + f" (stable in {r.stable:.0%} of {len(runs)} seeded runs)"
        for r in per.itertuples()
    ]
    return per.reset_index(drop=True)[["network", "members", "rotated", "own", "tied", "strength", "summary"]]


def _with_tied_firms(members: pd.Series, links: pd.DataFrame, limit: int) -> pd.Series:
    """Each community's members plus the employers outside every community that share a specific
    phone or address with at least half of its members (a firm behind the same ruko address or
    phone that no rotated worker happened to pass through), up to ``limit`` members. A shared
    sponsor alone does not join: its clients may work anywhere."""
    owner = {m: c for c, ms in members.items() for m in ms}
    tied = links[(links["phone"] + links["address"]) > 0]
    a_in, b_in = tied["org_a"].map(owner), tied["org_b"].map(owner)
    one_side = a_in.notna() ^ b_in.notna()
    edges = pd.DataFrame({"outsider": np.where(a_in.notna(), tied["org_b"], tied["org_a"]),
                          "community": a_in.fillna(b_in)})[one_side.to_numpy()]
    if edges.empty:
        return members
    counts = edges.groupby(["outsider", "community"]).size().rename("ties").reset_index()
    counts = counts[2 * counts["ties"] >= counts["community"].map(members.map(len))]
    best = counts.sort_values(["outsider", "ties", "community"], ascending=[True, False, True], kind="stable")
    best = best.drop_duplicates("outsider")
    extra = best.groupby("community")["outsider"].agg(tuple)
    grown = {c: tuple(sorted(ms + extra.get(c, ()))) for c, ms in members.items()}
    return pd.Series({c: ms if len(ms) <= limit else members[c] for c, ms in grown.items()}).reindex(members.index)


def run(ctx: Context) -> pd.DataFrame:
    """Shell networks, as NETWORK rows; their members' reasons come from NETWORK_MEMBER."""
    found = networks(ctx)
    if found.empty:
        return empty_reasons()
    return reason_frame(ENTITY, found["network"], CODE, found["strength"], found["members"],
                        [f"{CODE}: {s}" for s in found["summary"]])
