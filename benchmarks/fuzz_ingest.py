"""Benchmark: 10,000 fuzzed input folders through ingest (issue 12's acceptance).

Runs the suite's fuzz test (``tests/test_ingest_fuzz.py``) with ``GRAPHKIT_FUZZ_EXAMPLES`` set,
hypothesis's statistics on, and prints one JSON line: examples asked for, pass or fail, seconds.
The suite itself runs a few hundred examples of the same test.

Usage::

    .venv/bin/python -m benchmarks.fuzz_ingest            # 10,000 examples
    .venv/bin/python -m benchmarks.fuzz_ingest 20000
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time

from benchmarks._common import ROOT, machine


def main(examples: int = 10_000) -> dict:
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "tests/test_ingest_fuzz.py", "-q", "-p", "no:cacheprovider", "--hypothesis-show-statistics"],
        capture_output=True, text=True, cwd=ROOT, env={**os.environ, "GRAPHKIT_FUZZ_EXAMPLES": str(examples)},
    )
    ran = re.search(r"(\d+) passing, (\d+) failing, and (\d+) invalid", proc.stdout)
    events = dict((name.strip(), share) for share, name in re.findall(r"\* (\d+\.?\d*%), (bad file: one line|read: every row accounted for)", proc.stdout))
    result = {
        "examples_asked": examples,
        "passing_examples": int(ran.group(1)) if ran else None,
        "failing_examples": int(ran.group(2)) if ran else None,
        "invalid_examples": int(ran.group(3)) if ran else None,
        "outcomes": events,
        "passed": proc.returncode == 0,
        "seconds": round(time.perf_counter() - started, 1),
        "machine": machine(),
    }
    if proc.returncode != 0:
        result["failure"] = proc.stdout[-3000:]
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
