"""The shape every indicator returns: one row per (entity, reason) with its evidence."""

from __future__ import annotations

import numpy as np
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



def tuples_by(keys: pd.Series, values: pd.Series) -> pd.Series:
    """``values.groupby(keys).agg(tuple)`` (each key's values in their order, missing keys dropped,
    sorted keys) without a Python call per group: a pandas group costs tens of microseconds, and
    there are a hundred thousand sponsors or humans at a million people.

    >>> tuples_by(pd.Series(["b", "a", "b", None]), pd.Series([1, 2, 3, 4])).to_dict()
    {'a': (2,), 'b': (1, 3)}
    """
    codes, uniques = pd.factorize(keys, sort=True)
    known = codes >= 0
    codes = codes[known]
    order = np.argsort(codes, kind="stable")
    gathered = values.to_numpy(dtype=object)[known][order]
    bounds = np.cumsum(np.bincount(codes, minlength=len(uniques)))[:-1]
    return pd.Series([tuple(part) for part in np.split(gathered, bounds)] if len(uniques) else [],
                     index=pd.Index(uniques, name=keys.name), dtype=object)
