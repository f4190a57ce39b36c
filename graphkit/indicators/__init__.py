"""Indicators: one module each, like lint rules. Each has a ``CODE``, the ``ENTITY`` type it scores,
the contract columns it ``READS``, a docstring (what it flags, why it matters, what evidence it
cites) and YAML test cases under ``indicators/cases``; ``run(ctx)`` returns reasons with evidence.

Examples
--------
>>> from graphkit import load_folder
>>> from graphkit.datasets import tiny_path
>>> from graphkit.indicators.context import build_context
>>> reasons = run_indicators(build_context(load_folder(tiny_path()).tables, as_of="2026-11-01"))
>>> sorted(reasons["code"].unique())[:3]
['ADDRESS_CROWDING', 'EMP_VISIT_WORKFORCE', 'NETWORK_MEMBER']
"""

from __future__ import annotations

import time

import pandas as pd

from graphkit.indicators import (
    address_crowding,
    emp_visit_workforce,
    network_member,
    network_shell,
    person_no_lawful_entry,
    person_overstay,
    person_purpose_mismatch,
    sponsor_fanout,
)
from graphkit.indicators.base import REASON_COLUMNS
from graphkit.indicators.context import Context

INDICATORS = (
    emp_visit_workforce,
    sponsor_fanout,
    address_crowding,
    network_shell,
    network_member,
    person_overstay,
    person_no_lawful_entry,
    person_purpose_mismatch,
)


def run_indicators(ctx: Context, timings: dict | None = None) -> pd.DataFrame:
    """Every indicator's reasons, concatenated in registry order; seconds per indicator go to ``timings``."""
    frames = []
    for module in INDICATORS:
        started = time.perf_counter()
        frames.append(module.run(ctx))
        if timings is not None:
            timings[module.CODE] = round(time.perf_counter() - started, 3)
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in REASON_COLUMNS})
    return pd.concat(frames, ignore_index=True)
