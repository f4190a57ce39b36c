"""Analysis benchmark: only the ``analysis`` stage of ``graphkit score`` (context, indicators, scoring).

Usage: python -m benchmarks.bench_analysis prepare FOLDER           (ingest, store, resolve once: a pickle)
       python -m benchmarks.bench_analysis run FOLDER [--out DIR] [--profile FILE.prof]

``prepare`` runs the stages before the analysis as the job does (memory store, judgements of the
folder, the job's settings with as-of 2026-11-01) and pickles the tables and the resolution to
``<cache>/analysis-<folder name>.pickle`` (``GRAPHKIT_BENCH_DIR`` or ``benchmarks/data``); ``run``
loads them and times :func:`graphkit.scoring.score_tables` alone -- the job's ``analysis`` stage --
printing its stage split, CPU seconds and the memory it added, and with ``--out`` writes
``scores.csv``, ``clusters.csv`` and ``evidence.csv`` (without graph pages) to compare runs byte for byte.
Goal at 1M persons on a 2-core machine: the analysis <= 15 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import pickle
import time
from pathlib import Path

from benchmarks._common import CACHE, peak_rss_mib

AS_OF = dt.date(2026, 11, 1)


def _pickle_path(folder: str) -> Path:
    return CACHE / f"analysis-{Path(folder).resolve().name}.pickle"


def prepare(folder: str) -> Path:
    from graphkit import Settings
    from graphkit.ingest import load_folder
    from graphkit.resolve import read_judgements, resolve
    from graphkit.store.memory import MemoryStore

    store = MemoryStore()
    store.load(load_folder(folder).tables)
    tables = store.tables()
    resolution = resolve(tables, Settings(as_of=AS_OF), read_judgements(folder), keep_models=False)
    path = _pickle_path(folder)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as f:
        pickle.dump((tables, resolution), f, protocol=pickle.HIGHEST_PROTOCOL)
    return path


def run(folder: str, out: str | None, profile: str | None) -> dict:
    from graphkit import Settings
    from graphkit.export.tables import write_csv
    from graphkit.scoring import score_tables

    with _pickle_path(folder).open("rb") as f:
        tables, resolution = pickle.load(f)
    settings = Settings(as_of=AS_OF)
    before = peak_rss_mib()
    started, cpu = time.perf_counter(), time.process_time()
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        result = profiler.runcall(score_tables, tables, settings.as_of_date(), settings.thresholds(), resolution=resolution)
        profiler.dump_stats(profile)
    else:
        result = score_tables(tables, settings.as_of_date(), settings.thresholds(), resolution=resolution)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    if out:
        target = Path(out)
        target.mkdir(parents=True, exist_ok=True)
        write_csv(result.scores, target / "scores.csv")
        write_csv(result.clusters, target / "clusters.csv")
        write_csv(result.evidence, target / "evidence.csv")
    return {"seconds": round(seconds, 1), "cpu_seconds": round(cpu, 1), "inputs_peak_mib": round(before),
            "peak_mib": round(peak_rss_mib()), "stages": result.timings}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("step", choices=["prepare", "run"])
    parser.add_argument("folder")
    parser.add_argument("--out", help="write scores.csv, clusters.csv and evidence.csv here")
    parser.add_argument("--profile", help="write a cProfile of the analysis here")
    args = parser.parse_args()
    if args.step == "prepare":
        print(prepare(args.folder))
    else:
        print(json.dumps(run(args.folder, args.out, args.profile)))
