"""NETWORK_MEMBER: an employer's own part in a flagged shell network.

What it flags
    An employer that belongs to a network NETWORK_SHELL flagged, with a strength that is the
    network's scaled by the employer's *own* share in it: how many of the network's irregularly
    rotated workers passed through this employer, and whether it holds one of the network's
    specific ties itself (full at ``MIN_ROTATED`` workers and a tie).
Why it matters
    Membership is a lead to the network, not a finding about each firm: a member that only one
    rotated worker touched must not inherit the network's score, and an employer whose own
    workforce is on visit permits (EMP_VISIT_WORKFORCE) is a stronger lead than a mere member --
    so this reason is separate from the network's and weighs less in ``rules.yaml``.
Evidence
    The network itself (``network:N....``), the other members, and the rotated workers who passed
    through this employer (canonical ids).

Examples
--------
>>> from graphkit import load_folder
>>> from graphkit.datasets import tiny_path
>>> from graphkit.indicators.context import build_context
>>> r = run(build_context(load_folder(tiny_path()).tables, as_of="2026-11-01"))
>>> r[["entity_id", "evidence_count"]].values.tolist()
[['employers:E03', 4], ['employers:E04', 4]]
"""

from __future__ import annotations

import pandas as pd

from graphkit.indicators import network_shell
from graphkit.indicators.base import empty_reasons, reason_frame
from graphkit.indicators.context import Context

CODE = "NETWORK_MEMBER"
ENTITY = "EMPLOYER"
READS = network_shell.READS


def run(ctx: Context) -> pd.DataFrame:
    """One reason per member employer of each flagged network."""
    found = network_shell.networks(ctx)
    if found.empty:
        return empty_reasons()
    rows = []
    for r in found.itertuples():
        for m in r.members:
            own = r.own[m]
            # its own part: rotated workers who passed through it, and a specific tie of its own
            share = min(1.0, (len(own) + r.tied[m]) / (network_shell.MIN_ROTATED + 1))
            others = tuple(o for o in r.members if o != m)
            text = (f"{CODE}: member of {r.network} ({r.summary}); {len(own)} of its {len(r.rotated)} rotated workers "
                    f"passed through this employer")
            rows.append((m, r.strength * share, (r.network,) + others + own, text))
    ids, strengths, evidence, texts = zip(*rows)
    return reason_frame(ENTITY, ids, CODE, strengths, evidence, texts)
