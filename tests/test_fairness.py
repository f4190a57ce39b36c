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
from graphkit.scoring import score_tables
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


# --- the scenario family: proxies permuted among humans, on several world styles ----------------------

FAMILY_STYLES = ["harbour", "longhaul", "bazaar"]
#: each permutation moves these columns together; nationality travels with passport country (a proxy)
PERMUTED = {"nationality": ["nationality", "passport_country"], "sex": ["sex"], "birth_date": ["birth_date"]}
OUTPUTS = ("scores.csv", "clusters.csv", "evidence.csv", "entities.csv")


def permute_among_humans(scenario, src: Path, dest: Path, columns: list[str], seed: int) -> None:
    """Copy a written scenario with ``columns`` of one human moved, together, to another human.

    Humans are the generator's (its truth names every record of one human), so the test does
    not rely on the resolver it checks. Every record of a human gets the same other human's
    values; a blank stays blank (missingness belongs to the record), and the planted bad rows
    keep their invalid values.
    """
    shutil.copytree(src, dest)
    persons = pd.read_csv(src / "persons.csv", dtype=str, keep_default_na=False)
    human = {s.split(":", 1)[1]: group[0] for group in scenario.truth["resolution"]["persons"] for s in group}
    persons["_human"] = persons["person_id"].map(lambda p: human.get(p, p))
    bad = {row - 1 for table, row, _ in scenario.truth["bad_row_list"] if table == "persons"}
    valid = ~persons.index.isin(sorted(bad))
    first = persons[valid & (persons[columns] != "").all(axis=1)].drop_duplicates("_human").set_index("_human")[columns]
    rng = np.random.default_rng(seed)
    moved = first.iloc[rng.permutation(len(first))].set_index(first.index)
    for col in columns:
        target = persons.loc[valid, "_human"].map(moved[col])
        keep = target.isna() | (persons.loc[valid, col] == "")
        persons.loc[valid, col] = persons.loc[valid, col].where(keep, target)
    before = pd.read_csv(src / "persons.csv", dtype=str, keep_default_na=False)
    assert (persons[columns[0]] != before[columns[0]]).mean() > 0.3  # many humans really changed (sex: ~47%)
    persons.drop(columns="_human").to_csv(dest / "persons.csv", index=False, lineterminator="\r\n")


@pytest.fixture(scope="module", params=FAMILY_STYLES)
def family_run(request, tmp_path_factory):
    from graphkit.datasets.synth import synth, write_scenario

    root = tmp_path_factory.mktemp(request.param)
    scenario = synth(5000, seed=3, style=request.param)
    folder = write_scenario(scenario, root / "input")
    settings = Settings(as_of=dt.date(2026, 11, 1), report_top=1)
    run_score(folder, root / "original", settings)
    return scenario, folder, root, settings


@pytest.mark.parametrize("attribute", ["nationality", "sex"])
def test_permuting_a_protected_attribute_among_humans_changes_no_output(family_run, attribute):
    scenario, folder, root, settings = family_run
    permute_among_humans(scenario, folder, root / attribute, PERMUTED[attribute], seed=11)
    run_score(root / attribute, root / f"{attribute}-out", settings)
    for name in OUTPUTS:
        a, b = root / "original" / name, root / f"{attribute}-out" / name
        assert a.read_bytes() == b.read_bytes(), f"{name} changed: {_how_much(a, b)}"


def _how_much(a: Path, b: Path) -> str:
    """How far two runs' outputs differ: for scores, the largest score move of one entity."""
    left = pd.read_csv(a, dtype=str, keep_default_na=False)
    right = pd.read_csv(b, dtype=str, keep_default_na=False)
    differ = len(set(map(tuple, left.values)) ^ set(map(tuple, right.values)))
    text = f"{len(left)} vs {len(right)} rows, {differ} differ"
    if "score" in left.columns and "entity_id" in left.columns:
        keys = ["entity_type", "source_ids"] if "source_ids" in left.columns else ["entity_id"]
        both = left.merge(right, on=keys, how="outer", suffixes=("_a", "_b"))
        move = (pd.to_numeric(both.score_a, errors="coerce") - pd.to_numeric(both.score_b, errors="coerce")).abs()
        if move.notna().any():
            worst = both.loc[move.idxmax()]
            text += f"; largest score move {move.max():.1f} ({worst['entity_type']} {worst['source_ids'][:60]})"
        changed = [c for c in ("rank", "reasons") if (both[f"{c}_a"] != both[f"{c}_b"]).any()]
        text += f"; {', '.join(changed) or 'no rank or reason'} changed"
    return text


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


def test_permuting_birth_dates_among_humans_moves_no_lead_once_resolved(family_run):
    """Birth date is identity evidence (issue 10: one human's records agree on it, a typo is a
    level of the comparison), so permuting it may change which records resolve together: it erases
    a record's own typo and makes or breaks coincidences between same-named strangers. What must
    hold is that no indicator, cluster or tie-break weighs it: scored on the same resolution, the
    permuted tables give the same leads, byte for byte."""
    scenario, folder, root, settings = family_run
    permute_among_humans(scenario, folder, root / "birth_date", PERMUTED["birth_date"], seed=11)
    original, permuted = load_folder(folder).tables, load_folder(root / "birth_date").tables
    assert not original["persons"]["birth_date"].equals(permuted["persons"]["birth_date"])
    resolution = resolve(original, settings)
    a = score_tables(original, settings.as_of_date(), settings.thresholds(), resolution=resolution)
    b = score_tables(permuted, settings.as_of_date(), settings.thresholds(), resolution=resolution)
    assert len(a.scores) > 0
    for name in ("scores", "clusters", "evidence"):
        assert getattr(a, name).to_csv(index=False) == getattr(b, name).to_csv(index=False), name
