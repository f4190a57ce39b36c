"""Scheduled runs: config, layout, history, locking, kills at every stage, logs without credentials."""

import datetime as dt
import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from graphkit import Settings
from graphkit.audit import verify_audit
from graphkit.cli import make_settings
from graphkit.datasets import tiny_path
from graphkit.errors import GraphkitError, RunLockedError
from graphkit.schedule import _take_over, config_values, run_lock, run_scheduled


@pytest.fixture(autouse=True)
def audit_in_output_root(monkeypatch):
    """These tests check the default: a scheduled run's audit trail lives in its output root."""
    monkeypatch.delenv("GRAPHKIT_AUDIT_LOG", raising=False)


AS_OF = dt.date(2026, 11, 1)


def write_config(path: Path, input_dir: Path, root: Path, **extra) -> Path:
    lines = [f'input_dir = "{input_dir}"', f'output_root = "{root}"', 'as_of = "2026-11-01"']
    lines += [f"{k} = {json.dumps(v)}" for k, v in extra.items()]
    path.write_text("\n".join(lines) + "\n")
    return path


def clean_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRAPHKIT_")}
    return {**env, **extra}


def graphkit(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "graphkit", *args], capture_output=True, text=True, env=env or clean_env())


def start(*args: str, env: dict) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "graphkit", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def wait_for(condition, what: str, timeout: float = 120) -> None:
    """Poll ``condition`` until it holds (never a fixed sleep standing in for it)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def settings_for(root: Path, input_dir: Path = tiny_path(), **extra) -> Settings:
    return Settings(input_dir=input_dir, output_root=root, purpose="OP-2026-17", as_of=AS_OF, **extra)


def tree(root: Path) -> dict:
    """Every path under ``root`` with its size and modification time."""
    return {str(p.relative_to(root)): (p.lstat().st_size, p.lstat().st_mtime_ns) for p in sorted(root.rglob("*"))}


def complete_runs(root: Path) -> list[str]:
    return sorted(p.name for p in (root / "runs").iterdir() if (p / "COMPLETE").is_file())


def events(caplog) -> list[str]:
    return [getattr(r, "event", None) for r in caplog.records]


def history(root: Path) -> list[dict]:
    return [json.loads(line) for line in (root / "runs.jsonl").read_text().splitlines()]


# --- configuration -------------------------------------------------------------------------------


def test_flags_override_environment_override_file(tmp_path: Path, monkeypatch):
    for name in [k for k in os.environ if k.startswith("GRAPHKIT_")]:
        monkeypatch.delenv(name)
    cfg = write_config(tmp_path / "run.toml", Path("in"), Path("out"), purpose="OP-1", grace_days=10, min_crowd=5)
    (tmp_path / "run.toml").write_text(cfg.read_text() + '[neo4j]\nuri = "bolt://db:7687"\npassword_env = "PW_VAR"\n')
    values = config_values(cfg)
    assert values["input_dir"] == tmp_path / "in" and values["neo4j_uri"] == "bolt://db:7687"
    monkeypatch.setenv("GRAPHKIT_GRACE_DAYS", "20")
    settings = make_settings(**{**config_values(cfg), "min_crowd": 6})
    assert (settings.grace_days, settings.min_crowd, settings.neo4j_password_env) == (20, 6, "PW_VAR")


@pytest.mark.parametrize("text, message", [
    ('purpose = "x"\ncolour = "blue"\n', "unknown key 'colour'"),
    ('[thresholds]\ngrace_days = 3\n', "unknown table [thresholds]"),
    ('pseudonym_key = "k"\n', "pseudonym_key is a secret"),
    ('purpose = \n', "not valid TOML"),
])
def test_bad_config_files_are_one_line_errors(tmp_path: Path, text: str, message: str):
    (tmp_path / "run.toml").write_text(text)
    with pytest.raises(GraphkitError, match=message.replace("[", r"\[")):
        config_values(tmp_path / "run.toml")


def test_missing_purpose_exits_2_with_one_line_and_touches_nothing(tmp_path: Path):
    root = tmp_path / "root"
    proc = graphkit("run", "--config", str(write_config(tmp_path / "run.toml", tiny_path(), root)))
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.count("\n") == 1 and "purpose is required" in proc.stderr and "GRAPHKIT_PURPOSE" in proc.stderr
    assert not root.exists()
    proc = graphkit("run", "--config", str(tmp_path / "missing.toml"), "--purpose", "OP-1")
    assert proc.returncode == 2 and "missing.toml not found" in proc.stderr


# --- layout, history, failures ---------------------------------------------------------------------


def test_runs_are_published_complete_with_history_and_audit(tmp_path: Path):
    root = tmp_path / "root"
    first, second = run_scheduled(settings_for(root)), run_scheduled(settings_for(root))
    assert complete_runs(root) == sorted([first["run_id"], second["run_id"]])
    assert os.readlink(root / "latest") == f"runs/{second['run_id']}", "relative: the root can be moved"
    folder = root / "latest"
    assert {"scores.csv", "clusters.csv", "evidence.csv", "rejects.csv", "manifest.json", "changes.csv", "COMPLETE"} <= {
        p.name for p in folder.iterdir()}
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["run_id"] == second["run_id"] and manifest["purpose"] == "OP-2026-17"
    assert (folder / "COMPLETE").read_text() == f"{second['run_id']}\n"
    lines = history(root)
    assert [r["run_id"] for r in lines] == [first["run_id"], second["run_id"]] and lines[1] == second
    assert lines[1]["status"] == "ok" and lines[1]["error"] is None and lines[1]["purpose"] == "OP-2026-17"
    assert lines[1]["inputs"] == {t: f["sha256"] for t, f in manifest["inputs"].items()}
    assert lines[1]["rows"] == {"read": 194, "accepted": 166, "rejected": 28}
    assert lines[1]["rule_set_version"] == manifest["rule_set_version"] and lines[1]["started_at"] <= lines[1]["finished_at"]
    ok, message = verify_audit(root / "audit.jsonl")
    assert ok and message.startswith("ok: 2 records")
    assert not (root / ".lock").exists() and not list((root / "runs").glob(".*"))


def test_a_failed_run_is_recorded_and_leaves_latest_and_no_partial(tmp_path: Path):
    root, data = tmp_path / "root", tmp_path / "in"
    shutil.copytree(tiny_path(), data)
    good = run_scheduled(settings_for(root, data))
    (data / "permits.csv").write_text("permit_id,person_id\nK1,P01\n")
    with pytest.raises(GraphkitError, match="permits.csv") as failure:
        run_scheduled(settings_for(root, data))
    last = history(root)[-1]
    assert (last["status"], last["exit_code"]) == ("failed", 2) and last["error"] == str(failure.value)
    assert os.readlink(root / "latest") == f"runs/{good['run_id']}" and complete_runs(root) == [good["run_id"]]
    assert sorted(p.name for p in (root / "runs").iterdir()) == [good["run_id"]]
    audit = [json.loads(line) for line in (root / "audit.jsonl").read_text().splitlines()]
    assert audit[-1]["status"] == "failed" and audit[-1]["output"] is None and "permits" not in json.dumps(audit[-1]["counts"])
    assert not (root / ".lock").exists()


# --- locking ---------------------------------------------------------------------------------------


def lock_file(root: Path, pid: int, host: str | None = None, process_started: float = 0.0, run_id: str = "old") -> bytes:
    root.mkdir(parents=True, exist_ok=True)
    content = json.dumps({"run_id": run_id, "pid": pid, "host": host or socket.gethostname(), "started": "2026-11-01T02:30:00+00:00",
                          "process_started": process_started}).encode()
    (root / ".lock").write_bytes(content)
    return content


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_a_stale_lock_is_taken_over_and_the_dead_run_recorded(tmp_path: Path, caplog):
    root = tmp_path / "root"
    lock_file(root, dead_pid(), run_id="20261101T023000.000000Z-dead00")
    with caplog.at_level(logging.WARNING, logger="graphkit"):
        record = run_scheduled(settings_for(root))
    assert record["status"] == "ok" and "stale_lock_taken_over" in events(caplog)
    dead = history(root)[0]
    assert dead["run_id"] == "20261101T023000.000000Z-dead00" and dead["status"] == "failed" and "killed" in dead["error"]


def test_a_reused_pid_does_not_keep_a_lock_alive(tmp_path: Path):
    root = tmp_path / "root"
    lock_file(root, os.getpid(), process_started=psutil.Process().create_time() - 3600)
    assert run_scheduled(settings_for(root))["status"] == "ok"


def test_a_lock_from_another_host_is_never_taken(tmp_path: Path):
    root = tmp_path / "root"
    content = lock_file(root, 1, host="other-host.example")
    with pytest.raises(RunLockedError, match="on other-host.example"):
        run_scheduled(settings_for(root))
    assert (root / ".lock").read_bytes() == content and sorted(p.name for p in root.iterdir()) == [".lock"]


def test_takeover_never_steals_a_lock_taken_meanwhile(tmp_path: Path):
    live = lock_file(tmp_path, os.getpid(), process_started=psutil.Process().create_time(), run_id="live")
    assert _take_over(tmp_path / ".lock", b'{"run_id": "the stale one we judged"}') is False
    assert (tmp_path / ".lock").read_bytes() == live and [p.name for p in tmp_path.iterdir()] == [".lock"]
    with pytest.raises(RunLockedError, match="run live"):
        with run_lock(tmp_path, "new"):
            pass


def test_two_runs_started_at_once_one_runs_the_other_exits_3_touching_nothing(tmp_path: Path):
    root = tmp_path / "root"
    cfg = write_config(tmp_path / "run.toml", tiny_path(), root, purpose="OP-2026-17")
    env = clean_env(GRAPHKIT_TEST_PAUSE_AT="load")  # the winner holds the lock at "load" until we let it go
    procs = [start("run", "--config", str(cfg), env=env) for _ in range(2)]
    wait_for(lambda: any(p.poll() is not None for p in procs), "one run to give up")
    loser = next(p for p in procs if p.poll() is not None)
    winner = next(p for p in procs if p is not loser)
    fifo = root / ".test-pause-load"
    wait_for(fifo.exists, "the winner to reach the load stage")
    assert loser.returncode == 3
    err = loser.stderr.read()
    assert err.count("\n") == 1 and "holds" in err and "this run did nothing" in err, err

    before = tree(root)
    third = graphkit("run", "--config", str(cfg))
    assert third.returncode == 3 and third.stderr.count("\n") == 1, third.stderr
    assert tree(root) == before, "a locked-out run touches nothing"

    with open(fifo, "wb"):
        pass  # let the winner go on
    out, err = winner.communicate(timeout=120)
    assert winner.returncode == 0, err
    assert [r["status"] for r in history(root)] == ["ok"] and len(complete_runs(root)) == 1
    assert not (root / ".lock").exists()


# --- killed runs -----------------------------------------------------------------------------------


@pytest.mark.parametrize("stage", ["load", "score", "export", "publish"])
def test_a_run_killed_at_any_stage_leaves_latest_and_the_next_run_succeeds(stage: str, tmp_path: Path, caplog):
    root = tmp_path / "root"
    previous = run_scheduled(settings_for(root))
    cfg = write_config(tmp_path / "run.toml", tiny_path(), root, purpose="OP-2026-17")
    proc = start("run", "--config", str(cfg), env=clean_env(GRAPHKIT_TEST_PAUSE_AT=stage))
    try:
        wait_for(lambda: (root / f".test-pause-{stage}").exists() or proc.poll() is not None, f"the run to reach {stage}")
        assert proc.poll() is None, proc.stderr.read()
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.communicate()

    assert os.readlink(root / "latest") == f"runs/{previous['run_id']}"
    killed = json.loads((root / ".lock").read_bytes())["run_id"]
    folders = sorted(p.name for p in (root / "runs").iterdir())
    if stage == "publish":  # fully written and renamed, but never published: latest did not move
        assert folders == sorted([previous["run_id"], killed]) and complete_runs(root) == folders
    else:
        assert folders == sorted([previous["run_id"], f".{killed}.partial"]) and complete_runs(root) == [previous["run_id"]]
    assert all((root / "runs" / f / "COMPLETE").is_file() for f in folders if not f.startswith(".")), "no half-written run looks complete"

    with caplog.at_level(logging.INFO, logger="graphkit"):
        rerun = run_scheduled(settings_for(root))
    assert "stale_lock_taken_over" in events(caplog) and ("removed_partial_run" in events(caplog)) == (stage != "publish")
    assert rerun["status"] == "ok" and os.readlink(root / "latest") == f"runs/{rerun['run_id']}"
    assert rerun["previous_run_id"] == previous["run_id"], "changes are counted from the last published run"
    assert rerun["changes"]["NEW"] == 0 and not list((root / "runs").glob(".*"))
    assert [(r["run_id"], r["status"]) for r in history(root)] == [(previous["run_id"], "ok"), (killed, "failed"), (rerun["run_id"], "ok")]


# --- logs and credentials --------------------------------------------------------------------------


def test_json_logs_and_no_credential_anywhere(tmp_path: Path):
    root = tmp_path / "root"
    password, key = "pw-Zq7!never-log-me-0192", "pseudonym-key-never-log-me-8841"
    cfg = write_config(tmp_path / "run.toml", tiny_path(), root, purpose="OP-2026-17")
    cfg.write_text(cfg.read_text() + '[neo4j]\npassword_env = "GK_TEST_PW"\n')
    env = clean_env(GK_TEST_PW=password, GRAPHKIT_PSEUDONYM_KEY=key)
    outputs = []
    for _ in range(2):
        proc = graphkit("run", "--config", str(cfg), "--log-format", "json", env=env)
        assert proc.returncode == 0, proc.stderr
        outputs += [proc.stdout, proc.stderr]
        records = [json.loads(line) for line in proc.stderr.splitlines()]
        assert {"run_started", "scored", "changes", "run_complete"} <= {r["event"] for r in records}
        assert all({"ts", "level", "event", "run_id"} <= set(r) for r in records)
        assert len({r["run_id"] for r in records}) == 1
    text = proc.stderr.splitlines()
    assert json.loads(text[0])["run_id"] == history(root)[-1]["run_id"]
    files = [p for p in root.rglob("*") if p.is_file()]
    assert {"manifest.json", "runs.jsonl", "audit.jsonl", "changes.csv"} <= {p.name for p in files}
    for secret in (password, key):
        assert all(secret not in o for o in outputs)
        for path in files:
            assert secret.encode() not in path.read_bytes(), path

    missing = graphkit("run", "--config", str(cfg), env=clean_env())
    assert missing.returncode == 2 and "GK_TEST_PW" in missing.stderr and missing.stderr.count("\n") == 1
