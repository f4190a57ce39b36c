"""Score benchmark: `graphkit score` on the memory backend against a naive networkx pipeline.

Usage: python -m benchmarks.bench_score [N_PERSONS ...]   (default 1000000)
       python -m benchmarks.bench_score --no-naive --style baseline --style agency 1000000

Goal at 1M persons on a 2-core machine: <= 60 s and <= 4 GiB peak for graphkit on any scenario
style of the randomised family (stretch: <= 40 s and <= 3 GiB), >= 10x faster than the naive
networkx pipeline (benchmarks/naive_networkx.py) on the same data; at 200k <= 27 s and <= 2 GiB.
Each side runs in a fresh process so its peak memory is its own; ``--style`` (repeatable, default
baseline) picks world styles of :mod:`graphkit.datasets.synth.styles`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
import time

from benchmarks._common import in_child, machine, peak_rss_mib, scenario

#: (seconds, MiB) per size: the goal a run is printed beside.
GOALS = {1_000_000: (60, 4096), 200_000: (27, 2048)}


def measure_graphkit(folder: str) -> dict:
    from graphkit import Settings
    from graphkit.jobs import run_score

    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        cpu = time.process_time()
        run = run_score(folder, out, Settings(as_of=dt.date(2026, 11, 1)))
        seconds = time.perf_counter() - started
        cpu = time.process_time() - cpu
    return {"seconds": round(seconds, 1), "cpu_seconds": round(cpu, 1), "peak_mib": round(peak_rss_mib()),
            "timings": run.manifest["timings"], "scored": run.manifest["scored"]}


def main(sizes: list[int], styles: list[str], naive: bool) -> None:
    print(f"# graphkit score benchmark on {machine()}")
    for n in sizes:
        for style in styles:
            folder = str(scenario(n, style=style))
            ours = in_child("benchmarks.bench_score", "--measure", folder)
            goal = GOALS.get(n)
            beside = f"  (goal <= {goal[0]} s, <= {goal[1]:,} MiB)" if goal else ""
            print(f"{n:>9,} persons  {style:<10} graphkit score (memory)  {ours['seconds']:>7.1f} s  "
                  f"cpu {ours['cpu_seconds']:.1f} s  peak {ours['peak_mib']:,} MiB{beside}", flush=True)
            print(f"           stages: {json.dumps(ours['timings'])}", flush=True)
            if naive:
                base = in_child("benchmarks.naive_networkx", folder)
                print(f"{n:>9,} persons  {style:<10} naive networkx           {base['seconds']:>7.1f} s  "
                      f"peak {base['peak_mib']:,} MiB  steps {json.dumps(base['steps'])}", flush=True)
                print(f"           speed-up: {base['seconds'] / ours['seconds']:.1f}x", flush=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--measure"]:
        print(json.dumps(measure_graphkit(sys.argv[2])))
    else:
        parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
        parser.add_argument("sizes", nargs="*", type=int, default=[1_000_000])
        parser.add_argument("--style", action="append", dest="styles",
                            help="world style (repeatable; default baseline)")
        parser.add_argument("--no-naive", action="store_true", help="skip the naive networkx pipeline")
        args = parser.parse_args()
        main(args.sizes, args.styles or ["baseline"], not args.no_naive)
