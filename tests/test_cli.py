"""The CLI: a thin layer; bad input is one line on stderr and exit 2, with nothing written."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

from graphkit.datasets import tiny_path


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    import os

    return subprocess.run(
        [sys.executable, "-m", "graphkit", *args], capture_output=True, text=True, env={**os.environ, **(env or {})}
    )


def test_load_writes_rejects_and_manifest(tmp_path: Path):
    out = tmp_path / "out"
    proc = run("load", str(tiny_path()), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "persons" in proc.stdout and "relationships" in proc.stdout
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["contract_version"] == "1" and manifest["backend"] == "memory"
    assert manifest["rows"]["persons"] == {"read": 37, "accepted": 32, "rejected": 5}
    assert len(manifest["inputs"]["persons"]["sha256"]) == 64
    assert {"ingest", "store"} <= set(manifest["timings"])
    rejects = (out / "rejects.csv").read_text().splitlines()
    assert rejects[0] == "table,row_number,column,value,reason"
    assert len(rejects) - 1 == sum(r["rejected"] for r in manifest["rows"].values())


def test_bad_file_exits_2_with_one_line_and_writes_nothing(tmp_path: Path):
    src = tmp_path / "in"
    shutil.copytree(tiny_path(), src)
    (src / "permits.csv").write_text("permit_id,person_id\nK1,P01\n")
    out = tmp_path / "out"
    proc = run("load", str(src), "--out", str(out))
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0
    assert "permits.csv" in proc.stderr and "permit_type" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not out.exists()


def test_unreachable_neo4j_is_one_line_without_the_password(tmp_path: Path):
    secret = "s3cret-Passw0rd-xyz"
    proc = run(
        "load", str(tiny_path()), "--backend", "neo4j", "--neo4j-uri", "bolt://127.0.0.1:9", "--out", str(tmp_path / "o"),
        env={"GRAPHKIT_NEO4J_PASSWORD": secret},
    )
    assert proc.returncode == 2
    assert "bolt://127.0.0.1:9" in proc.stderr and proc.stderr.strip().count("\n") == 0
    assert secret not in proc.stderr + proc.stdout
    assert not (tmp_path / "o").exists()


def test_bad_setting_is_exit_2(tmp_path: Path):
    proc = run("load", str(tiny_path()), "--out", str(tmp_path), env={"GRAPHKIT_BATCH_SIZE": "zero"})
    assert proc.returncode == 2 and "batch_size" in proc.stderr


def test_full_reload_without_neo4j_exits_2_with_one_line(tmp_path: Path):
    done = run("load", str(tiny_path()), "--full-reload", "--out", str(tmp_path / "o"))
    assert done.returncode == 2 and "--backend neo4j" in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "o").exists()
