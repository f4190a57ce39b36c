"""Analysts' judgements: read from the input folder, honoured on every run, counted in the manifest."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from graphkit import Settings
from graphkit.datasets import tiny_path
from graphkit.errors import InputFileError
from graphkit.jobs import run_score
from graphkit.resolve import read_judgements
from graphkit.resolve.job import run_resolve


def with_judgements(tmp_path: Path, rows: str) -> Path:
    folder = tmp_path / "input"
    shutil.copytree(tiny_path(), folder)
    (folder / "judgements.csv").write_text("left_source_id,right_source_id,decision,by,note\n" + rows, encoding="utf-8")
    return folder


def entities(out: Path) -> pd.Series:
    return pd.read_csv(out / "entities.csv").set_index("source_id")["entity_id"]


def test_not_same_splits_and_same_joins_and_the_manifest_counts_them(tmp_path: Path):
    before = entities(run_resolve(tiny_path(), tmp_path / "before"))
    assert before["persons:P26"] == before["persons:P27"]
    assert before["persons:P01"] != before["persons:P02"]
    folder = with_judgements(tmp_path, "persons:P26,persons:P27,not_same,ana,two brothers\n"
                                       "persons:P01,persons:P02,same,ana,passport copy seen\n"
                                       "persons:P01,persons:NOPE,same,ana,\n")
    after = entities(run_resolve(folder, tmp_path / "after"))
    assert after["persons:P26"] != after["persons:P27"]
    assert after["persons:P01"] == after["persons:P02"] == "persons:P01"
    manifest = json.loads((tmp_path / "after" / "manifest.json").read_text())
    assert manifest["resolution"]["judgements"] == {"same": 1, "not_same": 1, "not_applied": 1}


def test_score_runs_honour_judgements_in_the_input_folder(tmp_path: Path):
    folder = with_judgements(tmp_path, "employers:E01,sponsors:S01,not_same,budi,different companies\n")
    run = run_score(folder, tmp_path / "out", Settings(as_of=dt.date(2026, 11, 1)))
    e = entities(tmp_path / "out")
    assert e["employers:E01"] != e["sponsors:S01"]
    assert run.manifest["resolution"]["judgements"]["not_same"] == 1


def test_a_bad_decision_stops_with_one_line(tmp_path: Path):
    folder = with_judgements(tmp_path, "persons:P01,persons:P02,maybe,ana,\n")
    with pytest.raises(InputFileError, match="judgements.csv: row 1: decision 'maybe'"):
        read_judgements(folder)
