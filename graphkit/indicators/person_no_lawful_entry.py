"""PERSON_NO_LAWFUL_ENTRY: seen working or living here, never seen entering, no valid permit.

What it flags
    A human with employment evidence (inspection, report) or a residence report, no arrival
    through an immigration checkpoint on record, and no permit valid on the as-of date.
Why it matters
    Entry without passing an immigration checkpoint and presence without documents are among
    the violations supervision teams act on. A missing arrival can also be a data gap: the lead
    asks for a document check, not an arrest.
Evidence
    The employment and residence records that place the person here.

Examples
--------
>>> from graphkit import load_folder
>>> from graphkit.datasets import tiny_path
>>> from graphkit.indicators.context import build_context
>>> run(build_context(load_folder(tiny_path()).tables, as_of="2026-11-01"))[["entity_id", "evidence_count"]].values.tolist()
[['persons:P29', 2]]
"""

from __future__ import annotations

import pandas as pd

from graphkit.arrowops import isin
from graphkit.indicators.base import empty_reasons, reason_frame, tuples_by
from graphkit.indicators.context import WORK_SOURCES, Context

CODE = "PERSON_NO_LAWFUL_ENTRY"
ENTITY = "PERSON"
READS = ("employment.source", "employment.person_id", "residences.person_id", "residences.address_id",
         "movements.direction", "permits.issued_on", "permits.expires_on")
STRENGTH = 0.8


def run(ctx: Context) -> pd.DataFrame:
    """Humans present by evidence, absent from arrivals, without a valid permit."""
    h = ctx.humans
    suspects = h.index[(h["arrivals"] == 0) & ~h["valid_permit"]]
    work = ctx.employment[ctx.employment["source"].isin(WORK_SOURCES) & isin(ctx.employment["human"], suspects)]
    live = ctx.residences[isin(ctx.residences["human"], suspects)]
    seen = pd.concat([
        pd.DataFrame({"human": work["human"], "ev": work["record"], "kind": "work"}),
        pd.DataFrame({"human": live["human"], "ev": "residences:" + live["person_id"].astype(str) + "|" + live["address_id"].astype(str),
                      "kind": "home"}),
    ])
    if seen.empty:
        return empty_reasons()
    seen = seen.assign(work=seen["kind"] == "work", home=seen["kind"] == "home")
    per = seen.groupby("human", sort=True).agg(work=("work", "sum"), home=("home", "sum"))
    per.insert(0, "ev", tuples_by(seen["human"], seen["ev"]).reindex(per.index))
    texts = [
        f"{CODE}: seen working {r.work} time(s) and reported living here {r.home} time(s), with no recorded arrival "
        f"through a checkpoint and no permit valid on {ctx.as_of:%Y-%m-%d}"
        for r in per.itertuples()
    ]
    return reason_frame(ENTITY, per.index, CODE, [STRENGTH] * len(per), per["ev"], texts)
