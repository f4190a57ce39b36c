"""The shape every indicator returns: one row per (entity, reason) with its evidence."""

from __future__ import annotations

import pandas as pd

REASON_COLUMNS = ["entity_type", "entity_id", "code", "strength", "evidence_count", "evidence_ids", "text"]


def reason_frame(entity_type, entity_id, code: str, strength, evidence_ids, text) -> pd.DataFrame:
    """Build an indicator's result; ``evidence_ids`` holds a sorted tuple of ``table:id`` per row.

    >>> r = reason_frame("PERSON", ["persons:P1"], "X", [0.5], [("permits:K1", "permits:K1")], ["t"])
    >>> r.loc[0, "evidence_ids"], int(r.loc[0, "evidence_count"])
    (('permits:K1',), 1)
    """
    frame = pd.DataFrame({"entity_type": entity_type, "entity_id": list(entity_id), "code": code,
                          "strength": [float(s) for s in strength], "evidence_ids": [tuple(sorted(set(e))) for e in evidence_ids],
                          "text": list(text)})
    frame["evidence_count"] = frame["evidence_ids"].map(len)
    return frame[REASON_COLUMNS]


def empty_reasons() -> pd.DataFrame:
    """A result with no reasons."""
    return pd.DataFrame({c: pd.Series(dtype="object") for c in REASON_COLUMNS})

