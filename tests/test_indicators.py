"""Every indicator: its YAML cases, its declared columns (fairness guard) and its documentation."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from graphkit import load_folder
from graphkit.indicators import INDICATORS
from graphkit.indicators import context as context_module
from graphkit.indicators.context import build_context
from graphkit.schema import load_schema

CASES = Path(__file__).resolve().parents[1] / "graphkit" / "indicators" / "cases"
MODULES = {m.CODE: m for m in INDICATORS}


def expand(lines: list) -> str:
    out = []
    for line in lines:
        if isinstance(line, dict):
            out += [line["line"].format(i=i) for i in range(1, line["repeat"] + 1)]
        else:
            out.append(line)
    return "\n".join(out) + "\n"


def all_cases():
    for path in sorted(CASES.glob("*.yaml")):
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in spec["cases"]:
            yield pytest.param(spec["code"], spec["as_of"], case, id=f"{path.stem}: {case['name'][:60]}")


@pytest.mark.parametrize(("code", "as_of", "case"), list(all_cases()))
def test_yaml_case(tmp_path: Path, code: str, as_of, case: dict):
    for table, lines in case["tables"].items():
        (tmp_path / f"{table}.csv").write_text(expand(lines), encoding="utf-8")
    if "permits" not in case["tables"]:
        (tmp_path / "permits.csv").write_text("permit_id,person_id,permit_type,issued_on,expires_on\n")
    data = load_folder(tmp_path)
    assert data.rejects.empty, data.rejects.to_string()
    reasons = MODULES[code].run(build_context(data.tables, as_of))
    got = {r.entity_id: int(r.evidence_count) for r in reasons.itertuples()}
    assert got == {e["entity_id"]: e["evidence_count"] for e in case["expect"]}
    assert all(t.startswith(f"{code}: ") for t in reasons["text"])


def test_every_indicator_has_cases():
    covered = {yaml.safe_load(p.read_text())["code"] for p in CASES.glob("*.yaml")}
    assert covered == set(MODULES)


@pytest.mark.parametrize("module", INDICATORS, ids=lambda m: m.CODE)
def test_indicator_reads_no_protected_column(module):
    schema = load_schema()
    for ref in module.READS:
        table, column = ref.split(".")
        assert not schema.table(table).column(column).protected, f"{module.CODE} reads protected {ref}"


def test_context_reads_no_protected_column():
    schema = load_schema()
    for ref in context_module.READS:
        table, column = ref.split(".")
        assert not schema.table(table).column(column).protected, ref


def test_context_frames_carry_no_protected_column(tmp_path: Path):
    from graphkit.datasets import tiny_path

    ctx = build_context(load_folder(tiny_path()).tables, "2026-11-01")
    protected = {c.name for t in load_schema().tables for c in t.columns if c.protected}
    for name in ("permits", "employment", "residences", "movements", "humans", "orgs", "places"):
        frame = getattr(ctx, name)
        assert not protected & set(frame.columns), name


@pytest.mark.parametrize("module", INDICATORS, ids=lambda m: m.CODE)
def test_indicator_documents_what_why_evidence(module):
    doc = module.__doc__
    assert doc.startswith(f"{module.CODE}:")
    for heading in ("What it flags", "Why it matters", "Evidence", "Examples"):
        assert heading in doc, heading
