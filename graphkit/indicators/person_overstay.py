"""PERSON_OVERSTAY: still in the country after the latest permit expired.

What it flags
    A human (after resolution: all records of one person together) whose every permit, on any of
    their records, expired more than ``grace_days`` before the as-of date, with no departure on
    any of their records since the latest permit was issued. A permit on one record and the
    departure on another are one history: the human's, never a record's.
Why it matters
    Overstay is one of the violations supervision teams act on. Judging per human matters: an old
    record of someone who renewed under a new passport is not an overstay, nor is a permit that
    expired a few days ago, nor one whose holder departed.
Evidence
    The latest permit; the days overstayed set the strength (full at one year).

Examples
--------
>>> from graphkit import load_folder
>>> from graphkit.datasets import tiny_path
>>> from graphkit.indicators.context import build_context
>>> run(build_context(load_folder(tiny_path()).tables, as_of="2026-11-01"))["entity_id"].tolist()
['persons:P28']
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from graphkit.indicators.base import empty_reasons, reason_frame
from graphkit.indicators.context import Context

CODE = "PERSON_OVERSTAY"
ENTITY = "PERSON"
READS = ("permits.permit_id", "permits.issued_on", "permits.expires_on", "movements.direction", "movements.date")


def run(ctx: Context) -> pd.DataFrame:
    """Humans whose permits all expired beyond the grace period and who have not departed since."""
    h = ctx.humans
    limit = ctx.as_of - pd.Timedelta(days=ctx.thresholds.grace_days)
    departed = h["last_departure"].notna() & (h["last_departure"] >= h["latest_issued"])
    hit = h[h["latest_expires"].notna() & (h["latest_expires"] < limit) & ~departed]
    if hit.empty:
        return empty_reasons()
    days = (ctx.as_of - hit["latest_expires"]).dt.days.to_numpy()
    strength = np.clip(0.5 + days / 730, 0.0, 1.0)
    texts = [
        f"{CODE}: latest permit {r.latest_permit} expired {r.latest_expires:%Y-%m-%d}, {d} days before "
        f"{ctx.as_of:%Y-%m-%d} (grace {ctx.thresholds.grace_days} days), no departure recorded since {r.latest_issued:%Y-%m-%d}"
        for r, d in zip(hit.itertuples(), days)
    ]
    evidence = [(f"permits:{p}",) for p in hit["latest_permit"]]
    return reason_frame(ENTITY, hit.index, CODE, strength, evidence, texts)
