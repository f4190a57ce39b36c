"""Changes since the last run: which leads are new, escalated, de-escalated, dropped or unchanged.

A scheduled run that repeats last week's leads is noise. Each lead's score is put in a band
(``HIGH`` from ``settings.band_high``, ``MEDIUM`` from ``settings.band_medium``, ``LOW`` below) and
compared with the previous complete run by canonical ``entity_id``: only a lead that was not
there before (``NEW``) or moved to a higher band (``ESCALATED``) calls for a new alert. A lead whose
score moved inside its band is ``UNCHANGED``. Networks are numbered afresh by each run, so a
``NETWORK`` lead is matched by its members (``source_ids``) instead of its number.

Examples
--------
>>> import pandas as pd
>>> before = pd.DataFrame({"entity_type": ["EMPLOYER", "EMPLOYER"], "entity_id": ["employers:E02", "employers:E05"],
...     "source_ids": ["employers:E02", "employers:E05"], "name": ["CV Kopi", "PT Tekstil"], "score": [65.0, 45.0], "rank": [1, 2]})
>>> now = pd.DataFrame({"entity_type": ["EMPLOYER", "EMPLOYER"], "entity_id": ["employers:E02", "employers:E06"],
...     "source_ids": ["employers:E02", "employers:E06"], "name": ["CV Kopi", "CV Karet"], "score": [89.6, 41.0], "rank": [1, 2]})
>>> changes = compare_scores(before, now, Settings())
>>> changes[["entity_id", "change", "band_before", "band_now"]].fillna("").values.tolist()
[['employers:E06', 'NEW', '', 'MEDIUM'], ['employers:E02', 'ESCALATED', 'MEDIUM', 'HIGH'], ['employers:E05', 'DROPPED', 'MEDIUM', '']]
>>> changes_summary(changes)["counts"]
{'NEW': 1, 'ESCALATED': 1, 'DE_ESCALATED': 0, 'DROPPED': 1, 'UNCHANGED': 0}
"""

from __future__ import annotations

import math

import pandas as pd

from graphkit.config import Settings
from graphkit.errors import GraphkitError

CHANGE_KINDS = ("NEW", "ESCALATED", "DE_ESCALATED", "DROPPED", "UNCHANGED")
CHANGE_COLUMNS = ["entity_type", "entity_id", "name", "change", "band_before", "band_now",
                  "score_before", "score_now", "rank_before", "rank_now"]
BANDS = ("LOW", "MEDIUM", "HIGH")
ENTITY_ORDER = ("EMPLOYER", "SPONSOR", "ADDRESS", "PERSON", "NETWORK")


def score_band(score: float, settings: Settings) -> str:
    """The band of a score: ``HIGH``, ``MEDIUM`` or ``LOW``.

    >>> [score_band(s, Settings()) for s in (70, 69.9, 40, 12)]
    ['HIGH', 'MEDIUM', 'MEDIUM', 'LOW']
    """
    if score >= settings.band_high:
        return "HIGH"
    return "MEDIUM" if score >= settings.band_medium else "LOW"


def _keyed(scores: pd.DataFrame) -> pd.DataFrame:
    """One row per lead with the key it is matched on across runs."""
    frame = scores[["entity_type", "entity_id", "source_ids", "name", "score", "rank"]].copy()
    network = frame["entity_type"] == "NETWORK"
    frame["key"] = frame["entity_id"].where(~network, "NETWORK|" + frame["source_ids"].astype(str))
    return frame.drop(columns="source_ids").drop_duplicates("key")


def compare_scores(previous: pd.DataFrame | None, current: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """Compare this run's ``scores`` with the previous complete run's; one row per lead in either.

    Parameters
    ----------
    previous : DataFrame or None
        The previous run's ``scores.csv`` (None for the first run: every lead is ``NEW``).
    current : DataFrame
        This run's scores (the ``scores.csv`` columns).
    settings : Settings
        ``band_high`` and ``band_medium`` set the band edges.

    Returns
    -------
    DataFrame
        The ``changes.csv`` columns (:data:`CHANGE_COLUMNS`), ordered by change kind
        (:data:`CHANGE_KINDS`), entity type, then score (now, else before) from high to low.

    Examples
    --------
    >>> import datetime
    >>> from graphkit import load_folder
    >>> from graphkit.datasets import tiny_path
    >>> from graphkit.scoring import score_tables
    >>> scores = score_tables(load_folder(tiny_path()).tables, datetime.date(2026, 11, 1)).scores
    >>> compare_scores(scores, scores, Settings())["change"].unique().tolist()
    ['UNCHANGED']
    >>> compare_scores(None, scores, Settings())["change"].value_counts().to_dict()
    {'NEW': 17}
    """
    if not settings.band_medium < settings.band_high:
        raise GraphkitError(f"setting band_medium ({settings.band_medium:g}) must be below band_high ({settings.band_high:g})")
    now = _keyed(current)
    before = _keyed(previous) if previous is not None else now.iloc[0:0]
    both = before.merge(now, on="key", how="outer", suffixes=("_before", "_now"), sort=False)
    band = {b: i for i, b in enumerate(BANDS)}
    rows = []
    for r in both.itertuples(index=False):
        had, has = not _missing(r.score_before), not _missing(r.score_now)
        band_before = score_band(r.score_before, settings) if had else None
        band_now = score_band(r.score_now, settings) if has else None
        if not had:
            change = "NEW"
        elif not has:
            change = "DROPPED"
        elif band[band_now] != band[band_before]:
            change = "ESCALATED" if band[band_now] > band[band_before] else "DE_ESCALATED"
        else:
            change = "UNCHANGED"
        rows.append({
            "entity_type": r.entity_type_now if has else r.entity_type_before,
            "entity_id": r.entity_id_now if has else r.entity_id_before,
            "name": r.name_now if has else r.name_before,
            "change": change, "band_before": band_before, "band_now": band_now,
            "score_before": r.score_before if had else None, "score_now": r.score_now if has else None,
            "rank_before": r.rank_before if had else None, "rank_now": r.rank_now if has else None,
        })
    out = pd.DataFrame(rows, columns=CHANGE_COLUMNS)
    for col in ("score_before", "score_now"):
        out[col] = out[col].astype("float64")
    for col in ("rank_before", "rank_now"):
        out[col] = out[col].astype("Int64")
    order = pd.DataFrame({
        "kind": out["change"].map(CHANGE_KINDS.index),
        "type": out["entity_type"].map(lambda t: ENTITY_ORDER.index(t) if t in ENTITY_ORDER else len(ENTITY_ORDER)),
        "score": -out["score_now"].fillna(out["score_before"]),
        "id": out["entity_id"],
    })
    return out.loc[order.sort_values(["kind", "type", "score", "id"], kind="stable").index].reset_index(drop=True)


def _missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def changes_summary(changes: pd.DataFrame, top: int = 10) -> dict:
    """What a report shows at the top of a run: counts per change kind, the top new and escalated leads.

    Parameters
    ----------
    changes : DataFrame
        A run's ``changes.csv`` (as written by :func:`compare_scores`).
    top : int
        How many new and how many escalated leads to list, highest score first.

    Returns
    -------
    dict
        ``counts`` (every kind of :data:`CHANGE_KINDS`, zero included), ``new`` and ``escalated``
        (lists of plain dicts with the :data:`CHANGE_COLUMNS`; missing values are None).

    Examples
    --------
    >>> import pandas as pd
    >>> changes = pd.DataFrame([{"entity_type": "PERSON", "entity_id": "persons:P29", "name": "Aung Ko", "change": "NEW",
    ...     "band_before": None, "band_now": "MEDIUM", "score_before": None, "score_now": 68.0, "rank_before": None, "rank_now": 1}])
    >>> s = changes_summary(changes)
    >>> s["counts"]["NEW"], s["new"][0]["name"], s["new"][0]["score_before"], s["escalated"]
    (1, 'Aung Ko', None, [])
    """
    counts = {kind: int((changes["change"] == kind).sum()) for kind in CHANGE_KINDS}

    def listed(kind: str) -> list[dict]:
        rows = changes[changes["change"] == kind].sort_values("score_now", ascending=False, kind="stable").head(top)
        return [{k: (None if _missing(v) else v.item() if hasattr(v, "item") else v) for k, v in r.items()}
                for r in rows[CHANGE_COLUMNS].to_dict("records")]

    return {"counts": counts, "new": listed("NEW"), "escalated": listed("ESCALATED")}
