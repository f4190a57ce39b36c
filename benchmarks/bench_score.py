"""Score benchmark: `graphkit score` on the memory backend against a naive networkx pipeline.

Usage: python -m benchmarks.bench_score [N_PERSONS ...]   (default 1000000)
       python -m benchmarks.bench_score --no-naive 1000000

Goal at 1M persons on a 2-core machine: <= 60 s and <= 4 GiB peak for graphkit, >= 10x faster than
the naive networkx pipeline (benchmarks/naive_networkx.py) on the same data. Each side runs in a
fresh process so its peak memory is its own.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import tempfile
import time

from benchmarks._common import in_child, machine, peak_rss_mib, scenario


def measure_graphkit(folder: str) -> dict:
    from graphkit import Settings
    from graphkit.jobs import run_score

    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        run = run_score(folder, out, Settings(as_of=dt.date(2026, 11, 1)))
        seconds = time.perf_counter() - started
    return {"seconds": round(seconds, 1), "peak_mib": round(peak_rss_mib()), "timings": run.manifest["timings"],
            "scored": run.manifest["scored"]}


def main(sizes: list[int], naive: bool) -> None:
    print(f"# graphkit score benchmark on {machine()}")
    for n in sizes:
        folder = str(scenario(n))
        ours = in_child("benchmarks.bench_score", "--measure", folder)
        print(f"{n:>9,} persons  graphkit score (memory)  {ours['seconds']:>7.1f} s  peak {ours['peak_mib']:,} MiB", flush=True)
        print(f"           stages: {json.dumps(ours['timings'])}", flush=True)
        if naive:
            base = in_child("benchmarks.naive_networkx", folder)
            print(f"{n:>9,} persons  naive networkx           {base['seconds']:>7.1f} s  peak {base['peak_mib']:,} MiB  "
                  f"steps {json.dumps(base['steps'])}", flush=True)
            print(f"           speed-up: {base['seconds'] / ours['seconds']:.1f}x", flush=True)


if __name__ == "__main__":
    args = sys.argv[1:]
    if args[:1] == ["--measure"]:
        print(json.dumps(measure_graphkit(args[1])))
    else:
        naive = "--no-naive" not in args
        main([int(a) for a in args if a != "--no-naive"] or [1_000_000], naive)
