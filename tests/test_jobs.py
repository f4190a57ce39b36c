"""Jobs: ``run_score`` builds its outputs aside, swaps them in whole, and lets one writer in at a time (issue 12.7)."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from graphkit.datasets import tiny_path
from graphkit.schedule import run_lock
from tests.clirun import invoke

AS_OF = ("--as-of", "2026-11-01")


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def wait_for(condition, what: str, timeout: float = 120) -> None:
    """Poll ``condition`` until it holds (never a fixed sleep standing in for it)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def test_a_second_writer_gets_one_line_and_exit_3(tmp_path: Path):
    out = tmp_path / "out"
    assert invoke("score", tiny_path(), "--out", out, *AS_OF).code == 0
    before = snapshot(out)
    with run_lock(tmp_path, "another-run", name=".out.lock"):
        r = invoke("score", tiny_path(), "--out", out, *AS_OF)
    assert r.code == 3 and r.stderr.count("\n") == 1 and "another-run" in r.stderr and "Traceback" not in r.stderr
    assert snapshot(out) == before
    assert invoke("score", tiny_path(), "--out", out, *AS_OF).code == 0, "the lock is gone with its holder"


def test_graph_pages_of_an_earlier_run_are_removed(tmp_path: Path, monkeypatch):
    out = tmp_path / "out"
    assert invoke("score", tiny_path(), "--out", out, *AS_OF).code == 0
    (out / "graphs" / "from-an-even-older-run.html").write_text("stale", encoding="utf-8")
    many = {p.name for p in (out / "graphs").iterdir()}
    monkeypatch.setenv("GRAPHKIT_REPORT_THRESHOLD", "60")  # fewer leads get a page this time
    assert invoke("score", tiny_path(), "--out", out, *AS_OF).code == 0
    pages = {p.name for p in (out / "graphs").iterdir()}
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert pages < many and len(pages) == manifest["graphs"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"], "no partial folder or lock left beside it"


def test_a_folder_that_is_not_a_run_is_refused_not_replaced(tmp_path: Path):
    out = tmp_path / "home"
    out.mkdir()
    (out / "thesis.docx").write_text("years of work", encoding="utf-8")
    r = invoke("score", tiny_path(), "--out", out, *AS_OF)
    assert r.code == 2 and "not a graphkit run" in r.stderr and r.stderr.count("\n") == 1
    assert snapshot(out) == {"thesis.docx": b"years of work"}


@pytest.mark.parametrize("stage", ["graphs", "swap"])
def test_a_score_killed_mid_way_leaves_the_earlier_outputs_whole(stage: str, tmp_path: Path):
    out = tmp_path / "out"
    assert invoke("score", tiny_path(), "--out", out, *AS_OF).code == 0
    before = snapshot(out)
    env = {k: v for k, v in os.environ.items() if k != "GRAPHKIT_DEBUG"} | {"GRAPHKIT_TEST_PAUSE_AT": stage,
                                                                            "GRAPHKIT_REPORT_THRESHOLD": "60"}
    proc = subprocess.Popen([sys.executable, "-m", "graphkit", "score", str(tiny_path()), "--out", str(out), *AS_OF],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        wait_for(lambda: (tmp_path / f".test-pause-{stage}").exists() or proc.poll() is not None, f"the run to reach {stage}")
        assert proc.poll() is None, proc.stderr.read()
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.communicate()
    assert proc.returncode == -signal.SIGKILL
    assert snapshot(out) == before, "the earlier run, every byte of it"
    assert any(p.name.endswith(".partial") for p in tmp_path.iterdir()), "the killed run's work was aside"
    assert invoke("score", tiny_path(), "--out", out, *AS_OF).code == 0, "its stale lock is taken over"
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".test-pause")) == ["out"]
