"""Scoring: a versioned rule set combines reasons into 0-100 scores, ranks and clusters.

Scores are leads for human review, not findings. Every score lists its reasons, each with its
evidence count; the same input and settings give the same bytes.

Examples
--------
>>> from graphkit import load_folder
>>> from graphkit.datasets import tiny_path
>>> result = score_tables(load_folder(tiny_path()).tables, as_of="2026-11-01")
>>> top = result.scores[result.scores["entity_type"] == "EMPLOYER"].iloc[0]
>>> top["entity_id"], int(top["rank"]), top["reasons"].split(":")[0]
('employers:E02', 1, 'EMP_VISIT_WORKFORCE')
>>> combine([0.5, 0.5], [1.0, 1.0])
75.0
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files

import numpy as np
import pandas as pd
import yaml

from graphkit.arrowops import isin
from graphkit.indicators import run_indicators
from graphkit.indicators.context import Context, Thresholds, build_context

ENTITY_TYPES = ("EMPLOYER", "SPONSOR", "ADDRESS", "PERSON", "NETWORK")
SCORE_COLUMNS = ["entity_type", "entity_id", "source_ids", "name", "score", "rank", "reasons", "office", "city", "graph"]
CLUSTER_COLUMNS = ["cluster_id", "kind", "size", "score", "members", "reasons"]
EVIDENCE_COLUMNS = ["entity_type", "entity_id", "code", "evidence_id"]


@dataclass(frozen=True)
class RuleSet:
    """Weights per indicator code, and the version that names them."""

    version: str
    weights: dict[str, float]


@cache
def load_rules() -> RuleSet:
    """The bundled rule set (``graphkit/rules.yaml``)."""
    raw = yaml.safe_load(files("graphkit").joinpath("rules.yaml").read_text(encoding="utf-8"))
    return RuleSet(str(raw["version"]), {k: float(v) for k, v in raw["weights"].items()})


def combine(weights, strengths) -> float:
    """Noisy-or of weighted strengths, as a 0-100 score rounded to one decimal."""
    w = np.asarray(weights, dtype=float) * np.asarray(strengths, dtype=float)
    return round(float(100 * (1 - np.prod(1 - np.clip(w, 0, 1)))), 1)


@dataclass
class ScoreResult:
    """Scores (one row per scored entity), clusters, the reasons behind them and their evidence."""

    scores: pd.DataFrame
    clusters: pd.DataFrame
    reasons: pd.DataFrame
    evidence: pd.DataFrame
    rule_set: RuleSet
    context: Context
    timings: dict = field(default_factory=dict)

    def top(self, entity_type: str, n: int = 10) -> pd.DataFrame:
        """The ``n`` highest-ranked entities of one type."""
        return self.scores[self.scores["entity_type"] == entity_type].head(n)

    @property
    def counts(self) -> dict[str, int]:
        """Scored entities per type."""
        return {t: int((self.scores["entity_type"] == t).sum()) for t in ENTITY_TYPES}

    def __repr__(self) -> str:
        # short on purpose: a saved notebook keeps this text, and the frames hold personal data
        counts = ", ".join(f"{n} {t}" for t, n in self.counts.items() if n)
        return f"ScoreResult(rule set {self.rule_set.version}: {counts}; {len(self.clusters)} clusters)"

    def _repr_html_(self) -> str:
        parts = [f"<p>rule set {self.rule_set.version}: {len(self.scores)} leads for review, {len(self.clusters)} clusters</p>"]
        for t in ENTITY_TYPES:
            top = self.top(t, 5)
            if len(top):
                parts.append(f"<h4>{t}</h4>" + top[["entity_id", "name", "score", "rank", "reasons"]].to_html(index=False))
        return "".join(parts)


def score_reasons(reasons: pd.DataFrame, rules: RuleSet) -> pd.DataFrame:
    """One row per entity: its score and its reasons, strongest contribution first."""
    if reasons.empty:
        return pd.DataFrame(columns=["entity_type", "entity_id", "score", "reasons"])
    r = reasons.copy()
    r["weight"] = r["code"].map(rules.weights)
    missing = sorted(set(r.loc[r["weight"].isna(), "code"]))
    if missing:
        raise ValueError(f"rules.yaml has no weight for {', '.join(missing)}")
    r["contribution"] = r["weight"] * r["strength"]
    r["line"] = r["text"].astype(str).str.replace("; ", ", ", regex=False) + " (evidence " + r["evidence_count"].astype(str) + ")"
    r = r.sort_values(["entity_type", "entity_id", "contribution", "code"], ascending=[True, True, False, True], kind="stable")
    r["log_keep"] = np.log1p(-r["contribution"].clip(0, 1).to_numpy())  # noisy-or as a sum of logs
    grouped = r.groupby(["entity_type", "entity_id"], sort=True)
    out = pd.DataFrame({"score": (100 * -np.expm1(grouped["log_keep"].sum())).round(1)}).reset_index()
    # the rows are sorted by entity already: each entity's lines are one run, joined without a Python call per group
    kind, entity = r["entity_type"].to_numpy(dtype=object), r["entity_id"].to_numpy(dtype=object)
    starts = np.flatnonzero(np.r_[True, (kind[1:] != kind[:-1]) | (entity[1:] != entity[:-1])])
    out["reasons"] = ["; ".join(part) for part in np.split(r["line"].to_numpy(dtype=object), starts[1:])]
    return out


def _mode(values: pd.Series) -> pd.Series:
    """Most frequent value per index label (ties: alphabetical first)."""
    values = values.dropna()
    if values.empty:
        return pd.Series(dtype="object")
    counts = values.groupby([values.index, values]).size().rename("n").reset_index()
    counts.columns = ["key", "value", "n"]
    counts = counts.sort_values(["key", "n", "value"], ascending=[True, False, True], kind="stable")
    return counts.drop_duplicates("key").set_index("key")["value"]


def _labels(ctx: Context, tables: dict[str, pd.DataFrame], wanted) -> pd.DataFrame:
    """Name, office and city to show for the ``wanted`` canonical entities (shown, never weighted)."""
    res = ctx.resolution
    wanted = pd.Index(sorted(set(wanted)))
    humans = wanted[wanted.str.startswith("persons:")]
    orgs = wanted[isin(wanted.to_series(), ctx.orgs.index).to_numpy()]
    places = wanted[isin(wanted.to_series(), ctx.places.index).to_numpy()]
    records = res.person[isin(res.person, humans)]
    records = records[~records.duplicated()]  # the first record of each human names it
    persons = tables["persons"].set_index("person_id")["full_name"]
    person_name = pd.Series(persons.reindex(records.index).to_numpy(), index=records.to_numpy())
    homes = ctx.residences[isin(ctx.residences["human"], humans)]
    human_city = homes.sort_values("reported_on", kind="stable").groupby("human")["place"].last().map(ctx.places["city"])
    latest_office = ctx.humans["latest_office"]
    jobs = ctx.employment[isin(ctx.employment["org"], orgs)]
    emp_office = _mode(jobs.set_index("org")["human"].map(latest_office))
    sponsored = ctx.permits[isin(ctx.permits["sponsor"], orgs)]
    spon_office = _mode(sponsored.set_index("sponsor")["office"])
    residents = ctx.residences[isin(ctx.residences["place"], places)]
    place_office = _mode(residents.set_index("place")["human"].map(latest_office))
    frames = [
        pd.DataFrame({"name": person_name.reindex(humans), "office": latest_office.reindex(humans),
                      "city": human_city.reindex(humans)}),
        pd.DataFrame({"name": ctx.orgs["name"].reindex(orgs), "city": ctx.orgs["city"].reindex(orgs),
                      "office": emp_office.reindex(orgs).fillna(spon_office.reindex(orgs))}),
        pd.DataFrame({"name": ctx.places["name"].reindex(places), "office": place_office.reindex(places),
                      "city": ctx.places["city"].reindex(places)}),
    ]
    return pd.concat(frames)


def rank_scores(scored: pd.DataFrame) -> pd.DataFrame:
    """Rank within each entity type: highest score first, ties broken by entity id."""
    order = {t: i for i, t in enumerate(ENTITY_TYPES)}
    scored = scored.assign(_t=scored["entity_type"].map(order))
    scored = scored.sort_values(["_t", "score", "entity_id"], ascending=[True, False, True], kind="stable")
    scored["rank"] = scored.groupby("entity_type").cumcount() + 1
    return scored.drop(columns="_t").reset_index(drop=True)


def score_tables(tables: dict[str, pd.DataFrame], as_of, thresholds: Thresholds | None = None,
                 rules: RuleSet | None = None, resolution=None) -> ScoreResult:
    """Resolve (unless given the ``resolution``), run every indicator and score: the whole analysis on validated tables."""
    rules = rules or load_rules()
    timings: dict[str, float] = {}
    started = time.perf_counter()
    ctx = build_context(tables, as_of, thresholds, resolution)
    timings["resolve_and_context"] = round(time.perf_counter() - started, 3)
    reasons = run_indicators(ctx, timings)
    scored = score_reasons(reasons, rules)
    res = ctx.resolution

    networks = reasons[reasons["entity_type"] == "NETWORK"]
    network_members = {r.entity_id: r.evidence_ids for r in networks.itertuples()}

    own = dict(zip(scored["entity_id"], res.source_ids_of(scored["entity_id"])))
    member_ids = sorted({m for members in network_members.values() for m in members})
    member_sources = dict(zip(member_ids, res.source_ids_of(member_ids)))
    for network, members in network_members.items():
        own[network] = ";".join(sorted(s for m in members for s in member_sources[m].split(";")))
    labels = _labels(ctx, tables, set(scored["entity_id"]) | set(member_ids))
    scored["source_ids"] = scored["entity_id"].map(own)
    for col in ("name", "office", "city"):
        scored[col] = scored["entity_id"].map(labels[col]).astype(object)  # all-empty must not turn float
    if network_members:
        rows = pd.Series(network_members).explode().rename("member").rename_axis("network").reset_index()
        rows = rows.join(labels[["name", "city", "office"]], on="member")
        per = rows.groupby("network", sort=False).agg(
            n=("member", "size"), names=("name", lambda n: ", ".join(n.fillna("").astype(str))), city=("city", "min"), office=("office", "min"))
        at = scored["entity_id"].isin(per.index)
        ids = scored.loc[at, "entity_id"]
        scored.loc[at, "name"] = (per["n"].astype(str) + " employers: " + per["names"]).reindex(ids).to_numpy()
        scored.loc[at, "city"] = per["city"].reindex(ids).to_numpy()
        scored.loc[at, "office"] = per["office"].reindex(ids).to_numpy()
    scored["graph"] = ""
    scores = rank_scores(scored)[SCORE_COLUMNS]

    clusters = scores[scores["entity_type"] == "NETWORK"].assign(
        cluster_id=lambda s: s["entity_id"].str.removeprefix("network:"),
        kind="NETWORK_SHELL",
        size=lambda s: s["entity_id"].map(lambda n: len(network_members[n])),
        members=lambda s: s["source_ids"],
    )[CLUSTER_COLUMNS].reset_index(drop=True)

    evidence = reasons[["entity_type", "entity_id", "code", "evidence_ids"]].explode("evidence_ids")
    evidence = evidence.rename(columns={"evidence_ids": "evidence_id"}).dropna(subset=["evidence_id"])
    evidence = evidence.sort_values(EVIDENCE_COLUMNS, kind="stable").reset_index(drop=True)[EVIDENCE_COLUMNS]
    timings["scoring"] = round(time.perf_counter() - started - sum(timings.values()), 3)
    return ScoreResult(scores, clusters, reasons, evidence, rules, ctx, timings)
