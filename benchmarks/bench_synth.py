"""Benchmark: generate and write synthetic scenarios (default 100k and 1M persons, CSV and Parquet).

Each size and format runs in a fresh process, so each peak RSS is its own. The budget (issue #3):
1M persons generated and written in at most 60 s and 4 GiB.

Usage::

    .venv/bin/python benchmarks/bench_synth.py                 # 100k and 1M, csv and parquet
    .venv/bin/python benchmarks/bench_synth.py 250000 --fmt csv
    .venv/bin/python benchmarks/bench_synth.py 1000000 --style longhaul   # a world style
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BUDGET_SECONDS = 60
BUDGET_GIB = 4


def measure(n_persons: int, fmt: str, seed: int, style: str = "baseline") -> dict:
    """Generate and write one scenario in this process; seconds, peak RSS and bytes written."""
    from graphkit.datasets.synth import synth, write_scenario

    start = time.perf_counter()
    scenario = synth(n_persons, seed=seed, style=style)
    generated = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        folder = write_scenario(scenario, Path(tmp) / "scenario", fmt=fmt)
        written = time.perf_counter()
        size = sum(p.stat().st_size for p in folder.iterdir())
    return {
        "n_persons": n_persons, "style": style, "format": fmt, "generate_s": round(generated - start, 2),
        "write_s": round(written - generated, 2), "total_s": round(written - start, 2),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),  # KiB on Linux
        "files_mib": round(size / 2**20), "rows": sum(scenario.truth["counts"].values()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[100_000, 1_000_000])
    parser.add_argument("--fmt", choices=["csv", "parquet", "both"], default="both")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--style", default="baseline", help="world style (graphkit.datasets.synth.STYLES)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    formats = ["csv", "parquet"] if args.fmt == "both" else [args.fmt]
    if args.child:
        print(json.dumps(measure(args.sizes[0], formats[0], args.seed, args.style)))
        return
    print(f"style {args.style}")
    print(f"{'persons':>9} {'format':>7} {'rows':>10} {'generate s':>10} {'write s':>8} {'total s':>8} "
          f"{'peak RSS MiB':>12} {'files MiB':>9}  budget ({BUDGET_SECONDS} s, {BUDGET_GIB} GiB)")
    for n in args.sizes:
        for fmt in formats:
            out = subprocess.run([sys.executable, __file__, str(n), "--fmt", fmt, "--seed", str(args.seed),
                                  "--style", args.style, "--child"],
                                 capture_output=True, text=True, check=True)
            r = json.loads(out.stdout.strip().splitlines()[-1])
            ok = r["total_s"] <= BUDGET_SECONDS and r["peak_rss_mib"] <= BUDGET_GIB * 1024
            print(f"{r['n_persons']:>9} {r['format']:>7} {r['rows']:>10} {r['generate_s']:>10} {r['write_s']:>8} "
                  f"{r['total_s']:>8} {r['peak_rss_mib']:>12} {r['files_mib']:>9}  {'ok' if ok else 'OVER'}",
                  flush=True)


if __name__ == "__main__":
    main()
