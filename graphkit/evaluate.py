"""Measure graphkit's leads against the ground truth planted in a synthetic scenario.

:func:`evaluate` reads the contract outputs ``scores.csv`` and ``clusters.csv`` of a run and the
truth written by :func:`graphkit.datasets.synth.write_scenario`, and reports, per target:

======================== ============================================ =====================================
target                   planted positives                            measured on
======================== ============================================ =====================================
EMPLOYER                 visit_workforce + every shell-network        the EMPLOYER ranking: precision@k
                         employer                                     (k = planted), recall@2k, average
                                                                      precision
SPONSOR                  sponsor_mills                                the SPONSOR ranking, as above
ADDRESS                  address_hotspots                             the ADDRESS ranking, as above
PERSON_OVERSTAY          overstayers                                  PERSON rows with a reason coded
                                                                      PERSON_OVERSTAY: precision, recall
PERSON_NO_LAWFUL_ENTRY   no_lawful_entry                              PERSON rows with a reason coded
                                                                      PERSON_NO_LAWFUL_ENTRY, as above
NETWORK_SHELL            shell_networks                               clusters of kind NETWORK_SHELL:
                                                                      share of planted networks found
                                                                      (recall), share of clusters that
                                                                      find one (precision)
SHELL_IN_ONE_CLUSTER     shell_networks                               share of planted networks whose
                                                                      employers all sit in one
                                                                      NETWORK_SHELL cluster of at most 3x
                                                                      the network's employers (recall)
======================== ============================================ =====================================

A scored entity matches a planted group (one real-world entity: an employer and its sponsor twin,
a place under all its address ids, a human under all their person rows) when their source ids
intersect; each planted group is counted once, so a second entity matching an already-found group
is a miss. A planted network is found by a NETWORK_SHELL cluster whose members intersect every
employer group of the network and of whose employer members at least half belong to it.

Look-alikes are counted where they would hurt: in the top k of their entity type (big contractors,
commissioning campaigns, corporate groups; travel agents, universities, family sponsors, visa
agencies; hotels, dormitories, boarding houses) or, for people, among those flagged as overstayers
(departed after expiry, recently expired, renewed passport, departure on another record). A kind
the scenario does not plant is not reported.

Examples
--------
>>> import tempfile
>>> from pathlib import Path
>>> truth = {"typologies": {"sponsor_mills": [["sponsors:S1"]], "overstayers": [["persons:P1", "persons:P9"]]},
...          "lookalikes": {"travel_agents": [["sponsors:S2"]], "renewed_passport": [["persons:P4", "persons:P5"]]}}
>>> with tempfile.TemporaryDirectory() as run:
...     _ = Path(run, "scores.csv").write_text(
...         "entity_type,entity_id,source_ids,name,score,rank,reasons\\n"
...         "SPONSOR,s-1,sponsors:S2,Travel,90,1,SPONSOR_MILL: 40 visitors (evidence 40)\\n"
...         "SPONSOR,s-2,sponsors:S1,Mill,80,2,SPONSOR_MILL: 12 visitors (evidence 12)\\n"
...         "PERSON,p-1,persons:P9,Wei,70,1,PERSON_OVERSTAY: latest permit K7 expired (evidence 2)\\n")
...     _ = Path(run, "clusters.csv").write_text("cluster_id,kind,size,score,members,reasons\\n")
...     result = evaluate(run, truth)
>>> result.as_dict()["SPONSOR"]["precision"], result.as_dict()["SPONSOR"]["average_precision"]
(0.0, 0.5)
>>> result.as_dict()["PERSON_OVERSTAY"]["recall"]
1.0
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

SCORE_COLUMNS = ("entity_type", "entity_id", "source_ids", "name", "score", "rank", "reasons")
CLUSTER_COLUMNS = ("cluster_id", "kind", "size", "score", "members", "reasons")
FRAME_COLUMNS = ("target", "planted", "k", "precision", "recall", "average_precision", "lookalikes")


@dataclass(frozen=True)
class Evaluation:
    """Precision and recall of one run against a scenario's truth, one row per target.

    Each row is a dict with ``target``, ``planted`` (number of planted groups or networks), ``k``
    (the cut-off for rankings; the number flagged for people; the number of NETWORK_SHELL
    clusters), ``precision``, ``recall``, ``average_precision`` (rankings only; otherwise None)
    and ``lookalikes`` ({kind: {"planted": n, "hit": m}}: how many look-alikes of that kind were
    in the top k, or flagged). A measure that has no denominator (nothing planted, nothing
    flagged) is None.
    """

    rows: tuple[dict, ...]

    def as_dict(self) -> dict:
        """``{target: row without its target}``, JSON-able."""
        return {row["target"]: {k: v for k, v in row.items() if k != "target"} for row in self.rows}

    def to_frame(self) -> pd.DataFrame:
        """One row per target; look-alikes as text ("hotels 0/4; dormitories 1/3")."""
        records = [{**row, "lookalikes": _lookalike_text(row["lookalikes"])} for row in self.rows]
        return pd.DataFrame(records, columns=list(FRAME_COLUMNS))

    def __str__(self) -> str:
        """A Markdown pipe table: readable in a terminal, pastes into a README."""
        header = ["target", "planted", "k", "precision", "recall", "AP", "look-alikes hit"]
        body = [
            [row["target"], str(row["planted"]), str(row["k"]), _number(row["precision"]), _number(row["recall"]),
             _number(row["average_precision"]), _lookalike_text(row["lookalikes"]) or "-"]
            for row in self.rows
        ]
        widths = [max(len(r[i]) for r in [header] + body) for i in range(len(header))]
        right = {1, 2, 3, 4, 5}

        def line(cells):
            return "| " + " | ".join(c.rjust(w) if i in right else c.ljust(w)
                                     for i, (c, w) in enumerate(zip(cells, widths))) + " |"

        rule = "|" + "|".join("-" * (w + 1) + ":" if i in right else "-" * (w + 2) for i, w in enumerate(widths)) + "|"
        notes = (
            "EMPLOYER, SPONSOR, ADDRESS: precision@k (k = planted), recall@2k, average precision (AP);"
            " look-alikes in the top k.",
            "PERSON_*: precision and recall of the people flagged with that reason code; look-alikes flagged.",
            "NETWORK_SHELL: k = NETWORK_SHELL clusters; precision = clusters finding a planted network;"
            " recall = networks found.",
        )
        return "\n".join([line(header), rule] + [line(b) for b in body] + [""] + list(notes))


def evaluate(scores_dir: str | Path, truth: str | Path | dict) -> Evaluation:
    """Evaluate a run's ``scores.csv`` and ``clusters.csv`` against a scenario's planted truth.

    Parameters
    ----------
    scores_dir : str or Path
        The run's output folder, holding ``scores.csv`` and ``clusters.csv`` (data contract).
    truth : str, Path or dict
        The truth of a synthetic scenario (``<scenario>.truth.json``) or the dict itself.

    Returns
    -------
    Evaluation
        One row per target; see the module docstring for the measures.

    Raises
    ------
    FileNotFoundError
        When ``scores.csv`` or ``clusters.csv`` is missing.
    ValueError
        When a file lacks a contract column.

    Examples
    --------
    An empty run finds nothing, and that is measured, not an error:

    >>> import tempfile
    >>> from pathlib import Path
    >>> truth = {"typologies": {"visit_workforce": [["employers:E1", "sponsors:S7"]]}, "lookalikes": {}}
    >>> with tempfile.TemporaryDirectory() as run:
    ...     _ = Path(run, "scores.csv").write_text(",".join(SCORE_COLUMNS) + "\\n")
    ...     _ = Path(run, "clusters.csv").write_text(",".join(CLUSTER_COLUMNS) + "\\n")
    ...     print(evaluate(run, truth).as_dict()["EMPLOYER"])
    {'planted': 1, 'k': 1, 'precision': 0.0, 'recall': 0.0, 'average_precision': 0.0, 'lookalikes': {}}
    """
    if not isinstance(truth, dict):
        truth = json.loads(Path(truth).read_text(encoding="utf-8"))
    folder = Path(scores_dir)
    scores = _read(folder / "scores.csv", SCORE_COLUMNS)
    clusters = _read(folder / "clusters.csv", CLUSTER_COLUMNS)
    typ, look = truth.get("typologies", {}), truth.get("lookalikes", {})
    networks = typ.get("shell_networks", [])

    def lookalikes(*kinds: str) -> dict[str, list]:
        """The kinds this scenario plants (a world style may plant only some)."""
        return {kind: look[kind] for kind in kinds if kind in look}

    rows = (
        _ranked(scores, "EMPLOYER", typ.get("visit_workforce", []) + [g for net in networks for g in net],
                lookalikes("big_contractors", "commissioning_campaigns", "corporate_groups")),
        _ranked(scores, "SPONSOR", typ.get("sponsor_mills", []),
                lookalikes("travel_agents", "universities", "family_sponsors", "visa_agencies")),
        _ranked(scores, "ADDRESS", typ.get("address_hotspots", []),
                lookalikes("hotels", "dormitories", "boarding_houses")),
        _flagged(scores, "PERSON_OVERSTAY", typ.get("overstayers", []),
                 lookalikes("departed_expired", "recently_expired", "renewed_passport", "departure_on_other_record")),
        _flagged(scores, "PERSON_NO_LAWFUL_ENTRY", typ.get("no_lawful_entry", []), {}),
        _networks(clusters, networks),
        _contained(clusters, networks),
    )
    return Evaluation(rows)


def _read(path: Path, columns: tuple[str, ...]) -> pd.DataFrame:
    if not path.is_file():
        raise FileNotFoundError(f"{path}: not found; evaluate needs a run folder with scores.csv and clusters.csv")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{path}: column {missing[0]!r} is missing (data contract: {', '.join(columns)})")
    return frame


def _ids(text: str) -> set[str]:
    return {part.strip() for part in text.split(";") if part.strip()}


def _codes(reasons: str) -> set[str]:
    """Indicator codes of a ``; ``-separated reasons cell (each reason starts with ``CODE:``)."""
    return {r.split(":", 1)[0].strip() for r in reasons.split("; ") if r.strip()}


def _in_rank_order(scores: pd.DataFrame, entity_type: str) -> pd.DataFrame:
    rows = scores[scores["entity_type"].str.strip().str.upper() == entity_type].copy()
    rows["_rank"] = pd.to_numeric(rows["rank"], errors="coerce")
    rows["_score"] = pd.to_numeric(rows["score"], errors="coerce")
    return rows.sort_values(["_rank", "_score", "entity_id"], ascending=[True, False, True], na_position="last",
                            kind="stable")


def _owners(groups: list) -> dict[str, set[int]]:
    owner: dict[str, set[int]] = {}
    for g, group in enumerate(groups):
        for sid in group:
            owner.setdefault(sid, set()).add(g)
    return owner


def _walk(entities: list[set[str]], groups: list) -> tuple[list[bool], list[int]]:
    """Per entity in order: does it find a not-yet-found group; groups found so far."""
    owner = _owners(groups)
    found: set[int] = set()
    relevant, cumulative = [], []
    for ids in entities:
        new = set().union(*(owner.get(sid, set()) for sid in ids)) - found
        found |= new
        relevant.append(bool(new))
        cumulative.append(len(found))
    return relevant, cumulative


def _hits(entities: list[set[str]], groups: list) -> int:
    seen = set().union(*entities) if entities else set()
    return sum(1 for group in groups if seen.intersection(group))


def _ranked(scores: pd.DataFrame, entity_type: str, groups: list, lookalikes: dict) -> dict:
    entities = [_ids(s) for s in _in_rank_order(scores, entity_type)["source_ids"]]
    k = len(groups)
    relevant, cumulative = _walk(entities, groups)
    if k == 0:
        precision = recall = average_precision = None
    else:
        precision = sum(relevant[:k]) / k
        recall = (cumulative[min(2 * k, len(entities)) - 1] / k) if entities else 0.0
        hits, total = 0, 0.0
        for i, rel in enumerate(relevant, start=1):
            if rel:
                hits += 1
                total += hits / i
        average_precision = total / k
    return {"target": entity_type, "planted": k, "k": k, "precision": precision, "recall": recall,
            "average_precision": average_precision,
            "lookalikes": {kind: {"planted": len(g), "hit": _hits(entities[:k], g)} for kind, g in lookalikes.items()}}


def _flagged(scores: pd.DataFrame, code: str, groups: list, lookalikes: dict) -> dict:
    people = _in_rank_order(scores, "PERSON")
    entities = [_ids(s) for s, r in zip(people["source_ids"], people["reasons"]) if code in _codes(r)]
    relevant, cumulative = _walk(entities, groups)
    return {"target": code, "planted": len(groups), "k": len(entities),
            "precision": sum(relevant) / len(entities) if entities else None,
            "recall": (cumulative[-1] if entities else 0) / len(groups) if groups else None,
            "average_precision": None,
            "lookalikes": {kind: {"planted": len(g), "hit": _hits(entities, g)} for kind, g in lookalikes.items()}}


def _finds(members: set[str], network: list) -> bool:
    employers = {m for m in members if m.startswith("employers:")}
    ours = set().union(*network) if network else set()
    return (bool(network) and all(members.intersection(group) for group in network)
            and bool(employers) and 2 * len(employers & ours) >= len(employers))


def _networks(clusters: pd.DataFrame, networks: list) -> dict:
    shells = [_ids(m) for m in clusters.loc[clusters["kind"].str.strip().str.upper() == "NETWORK_SHELL", "members"]]
    found = sum(1 for net in networks if any(_finds(c, net) for c in shells))
    useful = sum(1 for c in shells if any(_finds(c, net) for net in networks))
    return {"target": "NETWORK_SHELL", "planted": len(networks), "k": len(shells),
            "precision": useful / len(shells) if shells else None,
            "recall": found / len(networks) if networks else None, "average_precision": None, "lookalikes": {}}


def _contained(clusters: pd.DataFrame, networks: list) -> dict:
    """Networks whose every employer group sits in one NETWORK_SHELL cluster no larger than 3x the network."""
    shells = clusters[clusters["kind"].str.strip().str.upper() == "NETWORK_SHELL"]
    members = [_ids(m) for m in shells["members"]]
    sizes = [sum(1 for m in ids if m.startswith("employers:")) for ids in members]

    def inside(net: list) -> bool:
        return any(all(ids.intersection(group) for group in net) and size <= 3 * len(net)
                   for ids, size in zip(members, sizes))

    return {"target": "SHELL_IN_ONE_CLUSTER", "planted": len(networks), "k": len(members), "precision": None,
            "recall": sum(map(inside, networks)) / len(networks) if networks else None, "average_precision": None,
            "lookalikes": {}}


def _number(value) -> str:
    return "-" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.3f}"


def _lookalike_text(lookalikes: dict) -> str:
    return "; ".join(f"{kind} {v['hit']}/{v['planted']}" for kind, v in lookalikes.items())
