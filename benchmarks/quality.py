"""Quality benchmark: `graphkit score` measured by `graphkit evaluate` on synthetic scenarios.

Usage: python -m benchmarks.quality [N_PERSONS ...] [--seeds 1,2,3]   (default 20000 200000, seeds 1,2,3)

Bars (issue 4): precision@k >= 0.95 for EMPLOYER, SPONSOR and ADDRESS; overstay precision = recall
= 1.0; >= 90% of planted shell networks inside one cluster; <= 5% of the top k are look-alikes.
Prints one markdown row per scenario, ready for the README.
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
from pathlib import Path

from benchmarks._common import machine


def measure(n: int, seed: int) -> dict:
    from graphkit import Settings, evaluate, run_score
    from graphkit.datasets.synth import synth, write_scenario

    with tempfile.TemporaryDirectory() as tmp:
        folder = write_scenario(synth(n, seed), Path(tmp) / "input")
        run_score(folder, Path(tmp) / "out", Settings(as_of=dt.date(2026, 11, 1), report_top=1))
        rows = evaluate(Path(tmp) / "out", Path(tmp) / "input.truth.json").as_dict()
    return rows


def main(sizes: list[int], seeds: list[int]) -> None:
    print(f"# graphkit quality on {machine()}")
    print("| persons | seed | EMPLOYER p@k | SPONSOR p@k | ADDRESS p@k | overstay P / R | no lawful entry P / R | networks found | look-alikes in top k |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n in sizes:
        for seed in seeds:
            r = measure(n, seed)
            print(f"| {n:,} | {seed} | " + " | ".join(_cells(r)) + " |", flush=True)


def _fmt(v) -> str:
    return "-" if v is None else f"{v:.3f}"


def _cells(by: dict) -> list[str]:
    ranked = ("EMPLOYER", "SPONSOR", "ADDRESS")
    lookalikes = sum(l["hit"] for t in ranked for l in by[t]["lookalikes"].values())
    k = sum(by[t]["k"] for t in ranked)
    return [
        _fmt(by["EMPLOYER"]["precision"]), _fmt(by["SPONSOR"]["precision"]), _fmt(by["ADDRESS"]["precision"]),
        f"{_fmt(by['PERSON_OVERSTAY']['precision'])} / {_fmt(by['PERSON_OVERSTAY']['recall'])}",
        f"{_fmt(by['PERSON_NO_LAWFUL_ENTRY']['precision'])} / {_fmt(by['PERSON_NO_LAWFUL_ENTRY']['recall'])}",
        _fmt(by["NETWORK_SHELL"]["recall"]),
        f"{lookalikes} of {k}",
    ]


if __name__ == "__main__":
    args = sys.argv[1:]
    seeds = [1, 2, 3]
    if "--seeds" in args:
        i = args.index("--seeds")
        seeds = [int(s) for s in args[i + 1].split(",")]
        del args[i:i + 2]
    main([int(a) for a in args] or [20_000, 200_000], seeds)
