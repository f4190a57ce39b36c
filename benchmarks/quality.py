"""Quality benchmark: `graphkit score` measured by `graphkit evaluate` on a randomised scenario family.

Each scenario is one (world style, seed, size) of `graphkit synth`; the style's ranges are drawn per
seed. By default: every tuning style and both held-out styles at 20,000 persons with seeds 1, 2, 3
(24 scenarios), and four styles at 200,000 persons with seed 1. Per style, per group of styles
(tuning; held out, reported apart) and per size it prints the median and the worst of each metric,
as a markdown table the README can take, and writes every scenario's figures and the tables to
``benchmarks/results/quality.json`` and ``benchmarks/results/quality.md``.

Bars (issue 11), on the held-out styles: worst EMPLOYER, SPONSOR, ADDRESS precision@k >= 0.90 and
median >= 0.95; overstay precision >= 0.98 and recall >= 0.99; >= 90% of shell networks inside one
cluster no larger than 3x the network; <= 5% of the top k look-alikes.

Usage::

    .venv/bin/python -m benchmarks.quality                          # the whole family (about 10 min here)
    .venv/bin/python -m benchmarks.quality --styles longhaul,bazaar --seeds 1 --large-styles ""
    .venv/bin/python -m benchmarks.quality --persons 50000 --jobs 2 --out /tmp/q
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from benchmarks._common import ROOT, machine

RANKED = ("EMPLOYER", "SPONSOR", "ADDRESS")
#: metric, how it is read from an evaluation, whether higher is better
METRICS = (
    ("EMPLOYER P@k", lambda e: e["EMPLOYER"]["precision"], True),
    ("SPONSOR P@k", lambda e: e["SPONSOR"]["precision"], True),
    ("ADDRESS P@k", lambda e: e["ADDRESS"]["precision"], True),
    ("overstay P", lambda e: e["PERSON_OVERSTAY"]["precision"], True),
    ("overstay R", lambda e: e["PERSON_OVERSTAY"]["recall"], True),
    ("no lawful entry P", lambda e: e["PERSON_NO_LAWFUL_ENTRY"]["precision"], True),
    ("no lawful entry R", lambda e: e["PERSON_NO_LAWFUL_ENTRY"]["recall"], True),
    ("shells in one cluster <= 3x", lambda e: e["SHELL_IN_ONE_CLUSTER"]["recall"], True),
    ("look-alikes in top k", lambda e: _lookalike_share(e), False),
)
BARS = {"EMPLOYER P@k": (0.90, 0.95), "SPONSOR P@k": (0.90, 0.95), "ADDRESS P@k": (0.90, 0.95),
        "overstay P": (0.98, None), "overstay R": (0.99, None), "shells in one cluster <= 3x": (0.90, None),
        "look-alikes in top k": (0.05, None)}


def _lookalike_share(e: dict) -> float:
    hits = sum(v["hit"] for t in RANKED for v in e[t]["lookalikes"].values())
    k = sum(e[t]["k"] for t in RANKED)
    return hits / k if k else 0.0


def measure(style: str, seed: int, n: int) -> dict:
    """Generate, score and evaluate one scenario; its evaluation and timings."""
    from graphkit import Settings, evaluate, run_score
    from graphkit.datasets.synth import DEFAULT_AS_OF, synth, write_scenario

    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        folder = write_scenario(synth(n, seed, style=style), Path(tmp) / "input")
        generated = time.perf_counter()
        run_score(folder, Path(tmp) / "out", Settings(as_of=DEFAULT_AS_OF, report_top=1))
        scored = time.perf_counter()
        result = evaluate(Path(tmp) / "out", Path(tmp) / "input.truth.json").as_dict()
    return {"style": style, "seed": seed, "persons": n, "generate_s": round(generated - start, 1),
            "score_s": round(scored - generated, 1), "evaluation": result}


def summarise(runs: list[dict], held_out: frozenset) -> list[dict]:
    """Median and worst per metric: per style and size, then per group (tuning / held out) and size."""
    rows = []
    keys = sorted({(r["persons"], r["style"]) for r in runs}, key=lambda k: (k[0], k[1] in held_out, k[1]))
    groups = [(n, name) for n in sorted({r["persons"] for r in runs}) for name in ("tuning", "held out")]
    for n, label in [(n, s) for n, s in keys] + [(n, f"all {g}") for n, g in groups]:
        if label.startswith("all "):
            wanted = label == "all held out"
            chosen = [r for r in runs if r["persons"] == n and (r["style"] in held_out) == wanted]
        else:
            chosen = [r for r in runs if r["persons"] == n and r["style"] == label]
        if not chosen:
            continue
        row = {"persons": n, "styles": label, "scenarios": len(chosen)}
        for name, read, higher in METRICS:
            values = [v for v in (read(r["evaluation"]) for r in chosen) if v is not None]
            row[name] = (statistics.median(values), min(values) if higher else max(values)) if values else None
        rows.append(row)
    return rows


def markdown(rows: list[dict], held_out: frozenset) -> str:
    """One table: each cell is median / worst."""
    names = [m[0] for m in METRICS]
    lines = ["| persons | styles | scenarios | " + " | ".join(names) + " |",
             "|---:|---|---:|" + "---:|" * len(names)]
    for row in rows:
        label = row["styles"] + (" (held out)" if row["styles"] in held_out else "")
        cells = ["-" if row[m] is None else f"{row[m][0]:.3f} / {row[m][1]:.3f}" for m in names]
        lines.append(f"| {row['persons']:,} | {label} | {row['scenarios']} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def verdict(rows: list[dict]) -> list[str]:
    """The issue's bars on each size's held-out group: met or missed, with the figure."""
    out = []
    for row in (r for r in rows if r["styles"] == "all held out"):
        for name, (worst_bar, median_bar) in BARS.items():
            if row[name] is None:
                continue
            median, worst = row[name]
            higher = name != "look-alikes in top k"
            ok = (worst >= worst_bar if higher else worst <= worst_bar) and (median_bar is None or median >= median_bar)
            bar = f"worst {'>=' if higher else '<='} {worst_bar}" + (f", median >= {median_bar}" if median_bar else "")
            out.append(f"{row['persons']:,} held out, {name}: median {median:.3f}, worst {worst:.3f} "
                       f"({bar}): {'met' if ok else 'MISSED'}")
    return out


def main() -> None:
    from graphkit.datasets.synth import HELD_OUT, TUNING

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--styles", default=",".join(TUNING + tuple(sorted(HELD_OUT))),
                        help="comma-separated world styles at --persons")
    parser.add_argument("--persons", default="20000", help="comma-separated sizes")
    parser.add_argument("--seeds", default="1,2,3", help="comma-separated seeds")
    parser.add_argument("--large-styles", default="longhaul,bazaar,harbour,agency",
                        help="styles also run once (first seed) at --large-persons; '' for none")
    parser.add_argument("--large-persons", type=int, default=200_000)
    parser.add_argument("--jobs", type=int, default=1, help="scenarios scored at once (the machine has 2 cores)")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results",
                        help="folder for quality.json and quality.md")
    args = parser.parse_args()
    styles = [s for s in args.styles.split(",") if s]
    seeds = [int(s) for s in args.seeds.split(",") if s]
    plan = [(s, seed, int(n)) for n in args.persons.split(",") if n for s in styles for seed in seeds]
    plan += [(s, seeds[0], args.large_persons) for s in args.large_styles.split(",") if s]
    print(f"# graphkit quality on {machine()}: {len(plan)} scenarios", flush=True)
    runs = []
    with ProcessPoolExecutor(args.jobs) if args.jobs > 1 else _Inline() as pool:
        for run in pool.map(measure, *zip(*plan)):
            e = run["evaluation"]
            print(f"{run['style']:>10} seed {run['seed']} {run['persons']:>7,}: "
                  + ", ".join(f"{name} {_fmt(read(e))}" for name, read, _ in METRICS)
                  + f" ({run['generate_s']} s + {run['score_s']} s)", flush=True)
            runs.append(run)
    rows = summarise(runs, HELD_OUT)
    table = markdown(rows, HELD_OUT)
    checks = verdict(rows)
    print("\nEach cell: median / worst over the scenarios.\n")
    print(table)
    print("\n" + "\n".join(checks))
    args.out.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    (args.out / "quality.json").write_text(json.dumps(
        {"machine": machine(), "when": stamp, "held_out": sorted(HELD_OUT), "runs": runs, "summary": rows,
         "bars": checks}, indent=1) + "\n")
    (args.out / "quality.md").write_text(
        f"graphkit quality on {machine()}, {stamp}. Each cell: median / worst.\n\n{table}\n\n" + "\n".join(checks) + "\n")
    print(f"\nwrote {args.out / 'quality.json'} and {args.out / 'quality.md'}")


class _Inline:
    """A one-process stand-in for the pool: map in order, nothing to shut down."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    @staticmethod
    def map(fn, *iterables):
        return map(fn, *iterables)


def _fmt(v) -> str:
    return "-" if v is None else f"{v:.3f}"


if __name__ == "__main__":
    main()
