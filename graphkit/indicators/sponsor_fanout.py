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

from graphkit.arrowops import isin, lookup, positions
from graphkit.indicators.context import Context, shrunk_rate, surprising
from graphkit.indicators.base import empty_reasons, reason_frame

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
    people = ctx.permits[["sponsor", "human"]].dropna().drop_duplicates().groupby("sponsor", sort=True)["human"].size()
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
    the visitors among them who stayed on and work outside the group (``group``: a group id per sponsor)."""
    sponsored = ctx.permits[ctx.permits["sponsor"].notna()]
    sponsored = sponsored.assign(visit=sponsored["permit_type"] == "VISIT", group=sponsored["sponsor"].map(group))
    pairs = sponsored.groupby(["group", "human"], sort=True)["visit"].any().reset_index()
    h = ctx.humans
    # left: departed and not back on a new permit since (a visa run comes back on one)
    stayed = ~(h["last_departure"].notna() & (h["last_departure"] >= h["latest_issued"])).rename("stayed")
    pairs["stayed"] = stayed.to_numpy()[positions(pairs["human"], stayed.index)]
    work = ctx.employment[ctx.employment["current"] & ctx.employment["org"].notna()][["human", "org"]].drop_duplicates()
    merged = pairs.merge(work, on="human", how="left")
    merged["member_of"] = lookup(merged["org"], group)
    at_home = (merged["member_of"] == merged["group"]).fillna(False).to_numpy(dtype=bool)
    # staff who also work for their sponsor are its own, seconded or lent out, not a mill's clients
    pair = merged.groupby(["group", "human"], sort=False).ngroup().to_numpy()
    home_pairs = np.zeros(pair.max() + 1 if len(pair) else 0, dtype=bool)
    home_pairs[pair[at_home]] = True
    merged["elsewhere"] = merged["org"].notna().to_numpy() & ~at_home & ~home_pairs[pair]
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
    homes = ctx.residences[["human", "place"]].dropna().drop_duplicates()
    first = merged.drop_duplicates(["group", "human"])
    per = first.groupby("group", sort=True).agg(n=("human", "size"), visits=("visit", "sum"))
    per["working"] = merged[merged["org"].notna()].groupby("group")["human"].nunique().reindex(per.index, fill_value=0)
    per["k"] = away.groupby("group")["human"].nunique().reindex(per.index, fill_value=0)
    per["employers"] = away.groupby("group")["org"].nunique().reindex(per.index, fill_value=0)
    away_homes = away[["group", "human"]].drop_duplicates().merge(homes, on="human")
    per["homes"] = away_homes.groupby("group")["place"].nunique().reindex(per.index, fill_value=0)
    individual = ctx.orgs["individual"].reindex(group.index, fill_value=False).astype(bool)
    per["individual"] = individual.groupby(group).all().reindex(per.index, fill_value=False).astype(bool)
    per["members"] = group.rename_axis("sponsor").reset_index().groupby("group")["sponsor"].agg(tuple).reindex(per.index)
    return per


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
