"""Shared pieces of the benchmarks: scenario folders, child-process measurement, the machine line."""

from __future__ import annotations

import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
CACHE = Path(os.environ.get("GRAPHKIT_BENCH_DIR", ROOT / "benchmarks" / "data"))


def machine() -> str:
    """One line naming the machine the figures came from."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = psutil.virtual_memory().total / 2**30
    return f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GiB RAM, Python {platform.python_version()}, {platform.system()} {platform.release()}"


def scenario(n_persons: int, seed: int = 7, style: str = "baseline") -> Path:
    """A synthetic scenario folder of ``n_persons`` in a world ``style`` (generated once, then reused).

    Baseline folders are ``synth-<persons>-<seed>``, other styles ``synth-<persons>-<seed>-<style>``.
    """
    from graphkit.datasets.synth import synth, write_scenario

    folder = CACHE / (f"synth-{n_persons}-{seed}" + ("" if style == "baseline" else f"-{style}"))
    if not (folder / "persons.csv").exists():
        write_scenario(synth(n_persons, seed, style=style), folder)
    return folder


def peak_rss_mib() -> float:
    """Peak resident memory of this process so far, MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def in_child(module: str, *args: str) -> dict:
    """Run ``python -m module args`` in a fresh process (its own peak memory); it prints one JSON line."""
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", module, *args], capture_output=True, text=True, cwd=ROOT)
    if proc.returncode != 0:
        raise RuntimeError(f"{module} {' '.join(args)} failed: {proc.stderr.strip().splitlines()[-1:]}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result.setdefault("wall_seconds", round(time.perf_counter() - started, 1))
    return result
