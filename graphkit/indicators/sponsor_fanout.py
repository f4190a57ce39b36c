"""SPONSOR_FANOUT: a sponsor whose guaranteed visitors stay on and work for many other employers.

What it flags
    A sponsor (guarantor) -- or a small group of sponsor records sharing a specific address or
    phone, such as a mill under two names or fronted by a spouse at the same house -- more of whose
    visitors (people it guaranteed on a visit permit, which allows no work) stay on (no departure
    since their latest permit, or visit after visit) and are seen working for employers outside the
    group than its peers explain, spread over at least ``MIN_EMPLOYERS`` employers. The peers are
    the sponsors of its type (organisation or individual) that show no such fan-out themselves: a
    handful of mills must not raise the baseline they are judged against.
Why it matters
    A sponsor mill sells guarantees: unrelated visitors who then work and live all over. Split
    over two records, each half looks small; a shared address or phone that few other
    organisations share puts them back together (one shared by more than ``GROUP_LIMIT``
    organisations is a business centre or an agency's switchboard, not a tie). The look-alikes
    stay quiet: travel agents, event organisers and visa agencies sponsor guests and business
    visitors who leave after their visit; universities sponsor students who do not work;
    employers sponsor their own staff (work for the sponsor is not "elsewhere", nor is a secondee's
    work at a sister company while still employed by the sponsor, and one or two employers is no
    fan-out); spouses sponsor their family. A corporate group or an outsourcing agency placing its
    work-permit holders at sister companies or clients serves many employers lawfully: work
    permits are not a mill's visitors.
Evidence
    The visitors who stayed on and work elsewhere (canonical person ids) and the other
    sponsor records of the group; the text gives how many employers and addresses they spread over.

Examples
--------
>>> from graphkit import load_folder
>>> from graphkit.datasets import tiny_path
>>> from graphkit.indicators.context import build_context
>>> run(build_context(load_folder(tiny_path()).tables, as_of="2026-11-01"))[["entity_id", "evidence_count"]].values.tolist()
[['sponsors:S04', 6]]
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from graphkit.arrowops import gather, isin, positions
from graphkit.distinct import distinct
from graphkit.indicators.context import Context, shrunk_rate, surprising
from graphkit.indicators.base import empty_reasons, reason_frame, tuples_by

CODE = "SPONSOR_FANOUT"
ENTITY = "SPONSOR"
READS = ("permits.sponsor_id", "permits.person_id", "permits.permit_type", "permits.issued_on", "permits.expires_on",
         "sponsors.sponsor_type", "sponsors.address_id", "sponsors.phone", "employers.address_id", "employers.phone",
         "employment.employer_id", "employment.end_date", "residences.address_id", "movements.direction",
         "movements.date")
# Baseline share of sponsored people working elsewhere, shrunk toward 5% worth 200 people.
PRIOR_RATE, PRIOR_WEIGHT = 0.05, 200
MIN_WORKING_ELSEWHERE = 3
MIN_EMPLOYERS = 3
# An address or phone shared by at most this many organisations ties their sponsor records into one group.
GROUP_LIMIT = 3


def sponsor_groups(ctx: Context) -> pd.Series:
    """Group id (its lead: the member sponsoring most people, then the smallest id) per sponsor org.

    Sponsors sharing an address or phone that at most ``GROUP_LIMIT`` organisations share form a
    group; every other sponsor is a group of its own.
    """
    # distinct (sponsor, human) pairs counted on their positions in the sorted indices: hashing two
    # string columns of every permit costs seconds at a million people
    s, h = ctx.permits["sponsor_at"].to_numpy(), ctx.permits["human_at"].to_numpy()
    known = (s >= 0) & (h >= 0)
    pair_sponsors = distinct(s[known] * len(ctx.humans) + h[known]) // len(ctx.humans) if known.any() else s[:0]
    at_sponsor, count = np.unique(pair_sponsors, return_counts=True)
    people = pd.Series(count.astype(np.int64), index=ctx.orgs.index[at_sponsor].rename("sponsor"), name="human")
    sponsors = people.index
    if len(sponsors) == 0:
        return pd.Series(dtype="object", name="group")
    ids = ctx.org_ids
    size = ids.groupby(["kind", "value"])["org"].transform("nunique")
    ties = ids[(size >= 2) & (size <= GROUP_LIMIT) & isin(ids["org"], sponsors)]
    at = pd.Series(np.arange(len(sponsors)), index=sponsors)
    pairs = ties.merge(ties, on=["kind", "value"])
    a, b = at[pairs["org_x"]].to_numpy(), at[pairs["org_y"]].to_numpy()
    graph = coo_matrix((np.ones(len(a)), (a, b)), shape=(len(sponsors), len(sponsors)))
    _, label = connected_components(graph, directed=False)
    frame = pd.DataFrame({"sponsor": sponsors, "label": label, "people": people.to_numpy()})
    lead = frame.sort_values(["label", "people", "sponsor"], ascending=[True, False, True], kind="stable").drop_duplicates("label")
    return frame["label"].map(lead.set_index("label")["sponsor"]).set_axis(sponsors).rename("group")


def _sponsored(ctx: Context, group: pd.Series) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(group, human, visit, org, stayed) rows of sponsored people and their current employers; and
    the visitors among them who stayed on and work outside the group (``group``: a group id per sponsor).

    Computed on positions in the sorted indices of humans and organisations (``*_at`` columns
    beside the ids), in the order a sort by (group, human) and a left merge on the human give."""
    orgs, n_humans = ctx.orgs.index, len(ctx.humans)
    group_of = np.full(len(orgs), -1, dtype=np.int64)  # organisation position -> its group lead's position
    if len(group):
        group_of[positions(pd.Series(group.index), orgs)] = positions(pd.Series(group.to_numpy()), orgs)
    p = ctx.permits
    s, h = p["sponsor_at"].to_numpy(), p["human_at"].to_numpy()
    g = gather(group_of, s, -1)
    known = (g >= 0) & (h >= 0)
    keys, inverse = np.unique(g[known] * n_humans + h[known], return_inverse=True)
    visit = np.bincount(inverse, weights=(p["permit_type"] == "VISIT").to_numpy(dtype=bool)[known], minlength=len(keys)) > 0
    pair_g, pair_h = keys // n_humans, keys % n_humans
    hum = ctx.humans
    # left: departed and not back on a new permit since (a visa run comes back on one)
    stayed = ~(hum["last_departure"].notna() & (hum["last_departure"] >= hum["latest_issued"])).to_numpy()
    e = ctx.employment
    e_h, e_o = e["human_at"].to_numpy(), e["org_at"].to_numpy()
    jobs = np.flatnonzero(e["current"].to_numpy(dtype=bool) & (e_o >= 0) & (e_h >= 0))
    _, first = np.unique(e_h[jobs] * len(orgs) + e_o[jobs], return_index=True)
    jobs = jobs[np.sort(first)]  # distinct (human, org), first seen first
    jobs = jobs[np.argsort(e_h[jobs], kind="stable")]
    per_human = np.bincount(e_h[jobs], minlength=n_humans)
    start = np.cumsum(per_human) - per_human
    # the left merge: each pair once per job of its human, in job order; once with no org if none
    reps = np.maximum(per_human[pair_h], 1)
    row = np.repeat(np.arange(len(keys)), reps)
    offset = np.arange(len(row)) - np.repeat(np.cumsum(reps) - reps, reps)
    has_job = per_human[pair_h][row] > 0
    job = np.where(has_job, jobs[np.minimum(start[pair_h][row] + offset, max(len(jobs) - 1, 0))] if len(jobs) else -1, -1)
    org_at = np.where(has_job, e_o[np.maximum(job, 0)] if len(jobs) else -1, -1)
    member_of = gather(group_of, org_at, -1)
    at_home = (member_of >= 0) & (member_of == pair_g[row])
    # staff who also work for their sponsor are its own, seconded or lent out, not a mill's clients
    home_pairs = np.zeros(len(keys), dtype=bool)
    home_pairs[row[at_home]] = True
    org_ids = e["org"].to_numpy(dtype=object)
    names = orgs.to_numpy(dtype=object)
    merged = pd.DataFrame({
        "group": names[pair_g][row], "human": hum.index.to_numpy(dtype=object)[pair_h][row], "visit": visit[row],
        "stayed": stayed[pair_h][row],
        "org": np.where(has_job, org_ids[np.maximum(job, 0)] if len(jobs) else None, np.nan),
        "member_of": np.where(member_of >= 0, names[np.maximum(member_of, 0)] if len(names) else None, np.nan),
        "elsewhere": has_job & ~at_home & ~home_pairs[row],
        "group_at": pair_g[row], "human_at": pair_h[row], "org_at": org_at, "first": offset == 0,
    })
    return merged, merged[merged["elsewhere"] & merged["stayed"] & merged["visit"]]


def _alone(ctx: Context) -> pd.Series:
    sponsors = pd.Index(ctx.permits["sponsor"].dropna().unique()).sort_values()
    return pd.Series(sponsors, index=sponsors, name="group")


def measure(ctx: Context, grouped: bool = False) -> pd.DataFrame:
    """Per sponsor (per sponsor group, with ``grouped``): people sponsored ``n`` (``visits`` on
    visit permits), ``working`` for anyone, ``k`` visitors who stayed on and work for an employer
    outside the group, over how many ``employers``, living at how many ``homes``.

    ``cypher/analysis/sponsored_people_per_sponsor.cypher`` computes n, visits and working per
    sponsor record in Neo4j.
    """
    group = sponsor_groups(ctx) if grouped else _alone(ctx)
    return _measure(ctx, group, *_sponsored(ctx, group))


def _measure(ctx: Context, group: pd.Series, merged: pd.DataFrame, away: pd.DataFrame) -> pd.DataFrame:
    first = merged[merged["first"].to_numpy()]
    lead = first["group_at"].to_numpy()
    leads, n = np.unique(lead, return_counts=True)
    index = pd.Index(ctx.orgs.index.to_numpy(dtype=object)[leads], name="group")
    at = np.searchsorted(leads, lead)
    per = pd.DataFrame({"n": n.astype(np.int64),
                        "visits": np.bincount(at, weights=first["visit"].to_numpy(), minlength=len(leads)).astype(np.int64)},
                       index=index)
    working = first["org_at"].to_numpy() >= 0  # the first row of a pair has an org when the human has any job
    per["working"] = np.bincount(at[working], minlength=len(leads)).astype(np.int64)
    a_lead, a_human, a_org = (away[c].to_numpy() for c in ("group_at", "human_at", "org_at"))
    a_at = np.searchsorted(leads, a_lead)
    per["k"] = _distinct_per(a_at, a_human, len(leads))
    per["employers"] = _distinct_per(a_at, a_org, len(leads))
    r = ctx.residences
    homes = pd.DataFrame({"h": r["human_at"].to_numpy(), "place": r["place_at"].to_numpy()})
    homes = homes[(homes["h"] >= 0) & (homes["place"] >= 0)]
    away_homes = pd.DataFrame({"g": a_at, "h": a_human}).drop_duplicates().merge(homes, on="h")
    per["homes"] = _distinct_per(away_homes["g"].to_numpy(), away_homes["place"].to_numpy(), len(leads))
    individual = ctx.orgs["individual"].reindex(group.index, fill_value=False).astype(bool)
    per["individual"] = individual.groupby(group).all().reindex(per.index, fill_value=False).astype(bool)
    per["members"] = tuples_by(group, pd.Series(group.index)).reindex(per.index)
    return per


def _distinct_per(at: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """How many distinct non-negative ``values`` each of ``n`` groups (``at``) holds."""
    known = values >= 0
    if not known.any():
        return np.zeros(n, dtype=np.int64)
    pairs = distinct(at[known].astype(np.int64) * (int(values.max()) + 1) + values[known])
    return np.bincount(pairs // (int(values.max()) + 1), minlength=n).astype(np.int64)


def run(ctx: Context) -> pd.DataFrame:
    """Sponsor groups whose people stay on and work elsewhere beyond their sponsor type's baseline."""
    group = sponsor_groups(ctx)
    merged, away = _sponsored(ctx, group)
    per = _measure(ctx, group, merged, away)
    if per.empty:
        return empty_reasons()
    fans_out = (per["employers"] >= MIN_EMPLOYERS) & (per["k"] >= MIN_WORKING_ELSEWHERE)
    peers = per[~fans_out].groupby("individual")[["k", "n"]].sum().reindex([False, True], fill_value=0)
    per["base"] = per["individual"].map(shrunk_rate(peers["k"], peers["n"], PRIOR_RATE, PRIOR_WEIGHT))
    spread = per[per["employers"] >= MIN_EMPLOYERS]
    flagged = surprising(spread, spread["base"], ctx.thresholds.alpha, min_k=MIN_WORKING_ELSEWHERE)
    if flagged.empty:
        return empty_reasons()
    evidence = away[away["group"].isin(flagged.index)].groupby("group")["human"].agg(tuple)
    texts = []
    for lead, r in zip(flagged.index, flagged.itertuples()):
        others = [m for m in r.members if m != lead]
        with_ = f" (with {', '.join(others)}, sharing an address or phone few others share)" if others else ""
        texts.append(
            f"{CODE}: guarantees{with_} {int(r.n)} people ({int(r.visits)} on visit permits); {int(r.k)} of the visitors "
            f"stayed on and work for {int(r.employers)} other employers and live at {int(r.homes)} addresses, where "
            f"{r.n * r.base:.1f} would be expected at the baseline of {'individual' if r.individual else 'organisation'} "
            f"sponsors without such fan-out, {r.base:.1%} (tail p={r.p:.1e})")
    types = ctx.orgs["entity_type"].reindex(flagged.index).fillna(ENTITY)
    proof = [evidence[g] + tuple(m for m in flagged.loc[g, "members"] if m != g) for g in flagged.index]
    return reason_frame(types.to_numpy(), flagged.index, CODE, flagged["strength"], proof, texts)
