"""PERSON_PURPOSE_MISMATCH: a visit-permit holder seen working.

What it flags
    A person whose latest permit is a visit permit and who was seen working (inspection) or
    reported working since that permit was issued.
Why it matters
    Visit permits (tourism, business meetings, family visits) do not allow work. Many people
    found working on them are themselves exploited: the lead is for an inspection, not a verdict.
Evidence
    The employment records (inspection or report) dated on or after the permit's issue date.
    An inspection weighs more than a report; a business visit (possibly a short commissioning
    job) weighs less than tourism.

Examples
--------
>>> from graphkit import load_folder
>>> from graphkit.datasets import tiny_path
>>> from graphkit.indicators.context import build_context
>>> r = run(build_context(load_folder(tiny_path()).tables, as_of="2026-11-01"))
>>> sorted(r["entity_id"])[:3], len(r)
(['persons:P09', 'persons:P10', 'persons:P11'], 9)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from graphkit.arrowops import isin
from graphkit.indicators.base import empty_reasons, reason_frame, tuples_by
from graphkit.indicators.context import WORK_SOURCES, Context

CODE = "PERSON_PURPOSE_MISMATCH"
ENTITY = "PERSON"
READS = ("permits.permit_type", "permits.purpose", "permits.issued_on", "employment.source",
         "employment.start_date", "employment.employer_id")

STRENGTH = {"INSPECTION": 0.7, "REPORT": 0.5}
BUSINESS_FACTOR = 0.6


def run(ctx: Context) -> pd.DataFrame:
    """Visit-permit holders with employment evidence since their permit was issued."""
    visitors = ctx.humans[ctx.humans["latest_type"] == "VISIT"]
    emp = ctx.employment[ctx.employment["source"].isin(WORK_SOURCES) & isin(ctx.employment["human"], visitors.index)]
    emp = emp.join(visitors[["latest_issued", "latest_purpose", "latest_permit"]], on="human")
    emp = emp[emp["start_date"].isna() | (emp["start_date"] >= emp["latest_issued"])]
    if emp.empty:
        return empty_reasons()
    emp = emp.assign(s=emp["source"].map(STRENGTH), inspection=emp["source"] == "INSPECTION", report=emp["source"] == "REPORT")
    per = emp.groupby("human", sort=True).agg(
        s=("s", "max"), purpose=("latest_purpose", "first"), permit=("latest_permit", "first"),
        inspections=("inspection", "sum"), reports=("report", "sum"), employers=("org", "nunique"),
    )
    per["evidence"] = tuples_by(emp["human"], emp["record"]).reindex(per.index)
    strength = np.where(per["purpose"] == "BUSINESS", per["s"] * BUSINESS_FACTOR, per["s"])
    texts = [
        f"{CODE}: holds visit permit {r.permit} ({str(r.purpose).lower() if isinstance(r.purpose, str) else 'no purpose'}) "
        f"and was seen working {r.inspections} time(s) at inspection, reported {r.reports} time(s), at {r.employers} employer(s)"
        for r in per.itertuples()
    ]
    return reason_frame(ENTITY, per.index, CODE, strength, per["evidence"], texts)
