"""Scheduled runs on the real Neo4j: the password, read from the variable password_env names, appears
in no output, log line, manifest, history, audit record, report or graph property; runs are recorded
as linked (:ScoringRun) nodes carrying the run id of their folder and the run's purpose."""

from __future__ import annotations

import pytest

import json
import os
import subprocess
import sys
from pathlib import Path

from graphkit.audit import verify_audit
from graphkit.datasets import tiny_path


@pytest.fixture(autouse=True)
def audit_in_output_root(monkeypatch):
    """These tests check the default: a scheduled run's audit trail lives in its output root."""
    monkeypatch.delenv("GRAPHKIT_AUDIT_LOG", raising=False)


PURPOSE = "OP-2026-17 field supervision"


def run(config: Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "graphkit", "run", "--config", str(config), "--log-format", "json"],
                          capture_output=True, text=True, env=env)


def test_scheduled_runs_on_neo4j_never_show_the_password(neo4j_clean, neo4j_server, tmp_path: Path):
    password = neo4j_server.password.get_secret_value()
    root = tmp_path / "root"
    config = tmp_path / "run.toml"
    config.write_text(
        f'input_dir = "{tiny_path()}"\noutput_root = "{root}"\npurpose = "{PURPOSE}"\nas_of = 2026-11-01\nbackend = "neo4j"\n'
        f'[neo4j]\nuri = "{neo4j_server.uri}"\nuser = "{neo4j_server.user}"\ndatabase = "neo4j"\npassword_env = "GK_NEO4J_PW"\n'
    )
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("GRAPHKIT_")}, "GK_NEO4J_PW": password}
    outputs = []
    for _ in range(2):
        proc = run(config, env)
        assert proc.returncode == 0, proc.stderr
        outputs += [proc.stdout, proc.stderr]
        assert all(json.loads(line)["run_id"] for line in proc.stderr.splitlines())

    wrong = "wrong-Passw0rd-also-secret"
    refused = run(config, {**env, "GK_NEO4J_PW": wrong})
    assert refused.returncode == 2 and refused.stderr.splitlines()[-1].startswith("graphkit: Neo4j at"), refused.stderr
    outputs += [refused.stdout, refused.stderr]

    history = [json.loads(line) for line in (root / "runs.jsonl").read_text().splitlines()]
    assert [r["status"] for r in history] == ["ok", "ok", "failed"] and neo4j_server.uri in history[2]["error"]
    assert verify_audit(root / "audit.jsonl")[0]
    records, _, _ = neo4j_clean.execute_query("MATCH (r:ScoringRun) RETURN r.run_id AS id, properties(r) AS props ORDER BY id")
    assert [r["id"] for r in records] == [history[0]["run_id"], history[1]["run_id"]]
    assert all(r["props"]["purpose"] == PURPOSE for r in records)
    chain, _, _ = neo4j_clean.execute_query("MATCH (b:ScoringRun)-[:FOLLOWS]->(a:ScoringRun) RETURN a.run_id AS a, b.run_id AS b")
    assert [(r["a"], r["b"]) for r in chain] == [(history[0]["run_id"], history[1]["run_id"])]
    stamped, _, _ = neo4j_clean.execute_query("MATCH (e:Employer) WHERE e.risk_run_id IS NOT NULL RETURN DISTINCT e.risk_run_id AS id")
    assert [r["id"] for r in stamped] == [history[1]["run_id"]], "written-back risk carries the run folder's id"

    files = [p for p in root.rglob("*") if p.is_file()]
    assert {"manifest.json", "runs.jsonl", "audit.jsonl", "changes.csv", "scores.csv"} <= {p.name for p in files}
    for secret in (password, wrong):
        assert all(secret not in text for text in outputs)
        for path in files:
            assert secret.encode() not in path.read_bytes(), path
        assert all(secret not in json.dumps(r["props"], default=str) for r in records)
