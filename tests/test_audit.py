"""The audit trail: hash-chained, append-only, concurrent-safe, verifiable, and free of personal data."""

import datetime as dt
import json
import multiprocessing
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from graphkit import Settings
from graphkit.scoring import load_rules
from graphkit.audit import GENESIS, append_audit, audit_export, default_audit_log, verify_audit
from graphkit.datasets import tiny_path
from graphkit.errors import GraphkitError
from graphkit.schedule import run_scheduled

AS_OF = dt.date(2026, 11, 1)


def graphkit(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "graphkit", *args], capture_output=True, text=True, env={**os.environ, **(env or {})})


@pytest.fixture(scope="module")
def history(tmp_path_factory) -> Path:
    """A real history: two scheduled runs, a scoring job from the CLI and a notebook export."""
    root = tmp_path_factory.mktemp("history")
    settings = Settings(input_dir=tiny_path(), output_root=root, purpose="OP-2026-17", as_of=AS_OF)
    run_scheduled(settings)
    last = run_scheduled(settings)
    proc = graphkit("score", str(tiny_path()), "--out", str(root / "score"), "--as-of", AS_OF.isoformat(),
                    env={"GRAPHKIT_AUDIT_LOG": str(root / "audit.jsonl"), "GRAPHKIT_PURPOSE": "OP-2026-17"})
    assert proc.returncode == 0, proc.stderr
    manifest = json.loads((root / last["folder"] / "manifest.json").read_text())
    audit_export(root / "export", command="export-graph", manifest=manifest, counts={"graphs": 5},
                 settings=Settings(audit_log=root / "audit.jsonl"))
    return root / "audit.jsonl"


def test_every_run_score_and_export_leaves_a_chained_record(history: Path):
    records = [json.loads(line) for line in history.read_text().splitlines()]
    assert [r["command"] for r in records] == ["run", "run", "score", "export-graph"]
    assert records[0]["prev_sha256"] == GENESIS
    for r in records:
        assert {"ts", "user", "command", "purpose", "inputs", "rule_set_version", "counts", "output", "sha256"} <= set(r)
        assert r["purpose"] == "OP-2026-17" and r["rule_set_version"] == load_rules().version
        assert len(r["inputs"]) == 8 and all(len(h) == 64 for h in r["inputs"].values())
    assert records[2]["counts"]["EMPLOYER"] == 3 and records[2]["output"].endswith("score")
    assert records[3]["counts"] == {"graphs": 5}
    ok, message = verify_audit(history)
    assert ok, message


def test_no_personal_data_in_the_audit_trail(history: Path):
    text = history.read_text(encoding="utf-8")
    persons = pd.read_csv(tiny_path() / "persons.csv", dtype=str)
    for value in [*persons["full_name"].dropna(), *persons["passport_no"].dropna(), *persons["person_id"].dropna()]:
        assert value not in text, value
    with pytest.raises(ValueError, match="full_name"):
        append_audit(history.parent / "other.jsonl", {"command": "run", "full_name": "Li Wei"})


def test_verify_command_passes_on_the_real_history(history: Path):
    proc = graphkit("audit", "verify", str(history))
    assert proc.returncode == 0 and proc.stdout.startswith("ok: 4 records"), proc.stdout + proc.stderr


def byte_positions(data: bytes) -> list[tuple[int, int]]:
    """(byte offset, line number) spread over every record: first byte, inside a hash, a count digit, the line end."""
    starts = [0] + [i + 1 for i, b in enumerate(data) if b == 10][:-1]
    positions = []
    for number, start in enumerate(starts, start=1):
        line = data[start:data.index(b"\n", start)]
        positions += [(start, number), (start + line.index(b'"sha256":"') + 20, number),
                      (start + line.index(b'"prev_sha256":"') + 30, number), (start + len(line) - 3, number)]
        digit = next(i for i, b in enumerate(line) if chr(b).isdigit())
        positions.append((start + digit, number))
        if number < len(starts):
            positions.append((start + len(line), number))  # the line feed: two records become one line
    return positions


def test_any_single_changed_byte_of_a_past_record_breaks_the_chain_at_its_line(history: Path, tmp_path: Path):
    data = history.read_bytes()
    for offset, number in byte_positions(data):
        for replacement in {data[offset] ^ 0x01, ord("0") if data[offset] != ord("0") else ord("1")}:
            tampered = tmp_path / "audit.jsonl"
            tampered.write_bytes(data[:offset] + bytes([replacement]) + data[offset + 1:])
            ok, message = verify_audit(tampered)
            assert not ok, (offset, replacement)
            assert message.startswith(f"line {number}:"), (offset, message)
    proc = graphkit("audit", "verify", str(tampered))
    assert proc.returncode == 1 and proc.stdout.startswith("line "), proc.stdout


def test_removed_or_truncated_records_are_caught(history: Path, tmp_path: Path):
    lines = history.read_bytes().splitlines(keepends=True)
    cut = tmp_path / "cut.jsonl"
    cut.write_bytes(b"".join(lines[1:]))
    assert verify_audit(cut) == (False, "line 1: its prev_sha256 does not match the genesis hash (a record before it was changed, removed or inserted)")
    cut.write_bytes(b"".join(lines)[:-5])
    assert verify_audit(cut)[1].startswith("line 4: incomplete")
    with pytest.raises(GraphkitError, match="partial record"):
        append_audit(cut, {"command": "run"})
    assert not verify_audit(tmp_path / "missing.jsonl")[0]


def _append_many(path: str, worker: int) -> None:
    for i in range(25):
        append_audit(path, {"command": "export", "counts": {"worker": worker, "i": i}})


def test_concurrent_appends_keep_one_unbroken_chain(tmp_path: Path):
    path = tmp_path / "audit.jsonl"
    ctx = multiprocessing.get_context("fork")
    workers = [ctx.Process(target=_append_many, args=(str(path), w)) for w in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
        assert w.exitcode == 0
    ok, message = verify_audit(path)
    assert ok, message
    assert len(path.read_bytes().splitlines()) == 100


def test_default_audit_log_follows_xdg(monkeypatch, tmp_path: Path):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert default_audit_log() == tmp_path / "graphkit" / "audit.jsonl"
    monkeypatch.delenv("XDG_DATA_HOME")
    assert default_audit_log() == Path.home() / ".local" / "share" / "graphkit" / "audit.jsonl"
