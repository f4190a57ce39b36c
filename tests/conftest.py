"""Test-wide settings: no test writes to the user's real audit trail."""

import pytest


@pytest.fixture(autouse=True)
def private_audit_log(tmp_path_factory, monkeypatch):
    """Every test (and every CLI it starts) appends audit records to a temporary file."""
    monkeypatch.setenv("GRAPHKIT_AUDIT_LOG", str(tmp_path_factory.mktemp("audit") / "audit.jsonl"))
