"""Nationality, sex and birth date are never scoring inputs: permuting them changes no byte of scores.csv.

Birth dates take part in entity resolution (same name and birth date = one human), so they are
permuted across *humans*: every record of one human gets the same other human's values.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from graphkit import Settings
from graphkit.datasets import tiny_path
from graphkit.jobs import run_score
from graphkit.resolve import resolve
from graphkit import load_folder

PROTECTED = ["nationality", "sex", "birth_date"]


def permute_protected(src: Path, dest: Path, seed: int) -> None:
    shutil.copytree(src, dest)
    persons = pd.read_csv(dest / "persons.csv", dtype=str, keep_default_na=False)
    data = load_folder(src)
    human = resolve(data.tables).person
    rejected = data.rejects.loc[data.rejects["table"] == "persons", "row_number"] - 1
    valid = ~persons.index.isin(rejected)  # invalid values stay where they are: validation is not scoring
    persons["_human"] = persons["person_id"].map(human)
    humans = persons[valid].drop_duplicates("_human").set_index("_human")[PROTECTED]
    rng = np.random.default_rng(seed)
    shuffled = humans.iloc[rng.permutation(len(humans))].set_index(humans.index)
    for col in PROTECTED:
        persons.loc[valid, col] = persons.loc[valid, "_human"].map(shuffled[col])
    assert not persons[PROTECTED].equals(pd.read_csv(src / "persons.csv", dtype=str, keep_default_na=False)[PROTECTED])
    persons.drop(columns="_human").to_csv(dest / "persons.csv", index=False)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_permuting_protected_attributes_changes_no_score(tmp_path: Path, seed: int):
    settings = Settings(as_of=dt.date(2026, 11, 1))
    permute_protected(tiny_path(), tmp_path / "permuted", seed)
    before = run_score(tiny_path(), tmp_path / "a", settings)
    run_score(tmp_path / "permuted", tmp_path / "b", settings)
    assert len(before.result.scores) > 0
    for name in ("scores.csv", "clusters.csv", "evidence.csv"):
        a = (tmp_path / "a" / name).read_bytes()
        b = (tmp_path / "b" / name).read_bytes()
        assert a == b, name


def test_the_permutation_test_can_fail(tmp_path: Path):
    """A change to a column indicators do read (a permit type) does change the scores."""
    settings = Settings(as_of=dt.date(2026, 11, 1))
    dest = tmp_path / "changed"
    shutil.copytree(tiny_path(), dest)
    permits = pd.read_csv(dest / "permits.csv", dtype=str, keep_default_na=False)
    permits.loc[permits["permit_id"] == "K015", "permit_type"] = "VISIT"
    permits.to_csv(dest / "permits.csv", index=False)
    run_score(tiny_path(), tmp_path / "a", settings)
    run_score(dest, tmp_path / "b", settings)
    assert (tmp_path / "a" / "scores.csv").read_bytes() != (tmp_path / "b" / "scores.csv").read_bytes()


def _scenario(tmp_path: Path, style: str) -> Path:
    from graphkit.datasets.synth import synth, write_scenario

    return write_scenario(synth(3000, seed=4, style=style), tmp_path / "input")


def _same_outputs(tmp_path: Path, a: Path, b: Path) -> None:
    settings = Settings(as_of=dt.date(2026, 11, 1), report_top=1)
    run_score(a, tmp_path / "out_a", settings)
    run_score(b, tmp_path / "out_b", settings)
    clusters = pd.read_csv(tmp_path / "out_a" / "clusters.csv")
    assert len(clusters) > 0  # the clustering itself is under test
    for name in ("scores.csv", "clusters.csv", "evidence.csv"):
        assert (tmp_path / "out_a" / name).read_bytes() == (tmp_path / "out_b" / name).read_bytes(), name


@pytest.mark.parametrize("style", ["corridor", "boomtown"])
def test_permuting_nationality_with_passport_country_changes_nothing(tmp_path: Path, style: str):
    """(nationality, passport_country) pairs move together among humans on world styles with shell
    networks and messy records: indicators, Leiden clusters, ranks and tie-breaks stay put."""
    src = _scenario(tmp_path, style)
    dest = tmp_path / "permuted"
    shutil.copytree(src, dest)
    persons = pd.read_csv(dest / "persons.csv", dtype=str, keep_default_na=False)
    data = load_folder(src)
    human = persons["person_id"].map(resolve(data.tables).person)
    rejected = data.rejects.loc[data.rejects["table"] == "persons", "row_number"] - 1
    movable = ~persons.index.isin(rejected) & human.notna()
    pairs = persons[movable].assign(_h=human[movable]).drop_duplicates("_h").set_index("_h")[["nationality", "passport_country"]]
    shuffled = pairs.iloc[np.random.default_rng(11).permutation(len(pairs))].set_index(pairs.index)
    for col in ("nationality", "passport_country"):
        persons.loc[movable, col] = human[movable].map(shuffled[col])
    persons.to_csv(dest / "persons.csv", index=False)
    _same_outputs(tmp_path, src, dest)


def test_row_order_changes_nothing(tmp_path: Path):
    """Node order and tie-breaks come from canonical ids, never from the order rows arrive in."""
    src = _scenario(tmp_path, "corridor")
    dest = tmp_path / "shuffled"
    dest.mkdir()
    rng = np.random.default_rng(5)
    for path in sorted(src.glob("*.csv")):
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
        table.iloc[rng.permutation(len(table))].to_csv(dest / path.name, index=False)
    _same_outputs(tmp_path, src, dest)
