"""The person model: hubs cut both ways, and nationality / passport country never decide a merge."""

from __future__ import annotations

import datetime as dt
import shutil
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from graphkit import Settings, load_folder
from graphkit.datasets.synth import synth, write_scenario
from graphkit.indicators.context import build_context
from graphkit.jobs import run_score
from graphkit.resolve import resolve

sys.path.insert(0, str(Path(__file__).parent))
from test_resolve import background, frame  # noqa: E402


def hotel(guests: str) -> dict:
    """Persons (the guests, then strangers) and 40 background people reporting the hotel H as residence."""
    persons = frame(guests.strip() + "\n" + background())
    stays = [f"B{i},H,2026-01-01" for i in range(40)] + [f"{p},H,2026-01-01" for p in persons["person_id"] if p.startswith("G")]
    residences = frame("person_id,address_id,reported_on\n" + "\n".join(stays))
    residences["reported_on"] = pd.to_datetime(residences["reported_on"])
    return {"persons": persons, "residences": residences,
            "addresses": frame("address_id,line,city\nH,Jl. Hotel No. 1,Palembang\n")}


def test_a_hub_address_alone_merges_nobody():
    tables = hotel("""
person_id,full_name,birth_date,passport_no,passport_country
G1,Rahul Sharma,,M10000001,IND
G2,Rahul Sharma,,M27777772,IND
""")
    r = resolve(tables)
    assert r.person["G1"] != r.person["G2"]
    # the same two records at a small shared address are one human: the hub, not the address, is what is ignored
    small = dict(tables, residences=frame("person_id,address_id\nG1,Q\nG2,Q\n"),
                 addresses=frame("address_id,line,city\nQ,Jl. Kecil No. 9,Palembang\n"))
    assert resolve(small).person["G1"] == resolve(small).person["G2"]


def test_records_at_a_hub_that_agree_on_much_else_still_merge_and_the_hub_is_still_seen():
    tables = hotel("""
person_id,full_name,birth_date,passport_no,passport_country
G1,Sophie Martin,1991-07-12,F12345678,FRA
G2,MARTIN Sophie,1991-12-07,F12345679,FRA
""")
    r = resolve(tables)
    assert r.person["G1"] == r.person["G2"]
    ctx = build_context(tables, as_of="2026-11-01", resolution=r)
    assert ctx.residences.loc[ctx.residences["place"] == "addresses:H", "human"].nunique() == 41


def permute_country_pairs(src: Path, dest: Path, groups: list[list[str]], seed: int) -> None:
    """Give every human (all their records) another human's (nationality, passport_country) pair.

    Rows that validation rejects keep their values: which rows are accepted is not resolution.
    """
    shutil.copytree(src, dest)
    persons = pd.read_csv(dest / "persons.csv", dtype=str, keep_default_na=False)
    rejects = load_folder(src).rejects
    valid = ~persons.index.isin(rejects.loc[rejects["table"] == "persons", "row_number"] - 1)
    human = {pid.split(":")[1]: g[0] for g in groups for pid in g}
    persons["_human"] = persons["person_id"].map(lambda p: human.get(p, p))
    pairs = persons[valid].drop_duplicates("_human").set_index("_human")[["nationality", "passport_country"]]
    shuffled = pairs.iloc[np.random.default_rng(seed).permutation(len(pairs))].set_index(pairs.index)
    for col in ("nationality", "passport_country"):
        persons.loc[valid, col] = persons.loc[valid, "_human"].map(shuffled[col])
    assert not persons["nationality"].equals(pd.read_csv(src / "persons.csv", dtype=str, keep_default_na=False)["nationality"])
    persons.drop(columns="_human").to_csv(dest / "persons.csv", index=False)


@pytest.fixture(scope="module")
def twins_scenario(tmp_path_factory) -> tuple[Path, list[list[str]]]:
    """A synthetic scenario plus strangers who share a name and a birth date (and a human with two records)."""
    s = synth(2000, 11)
    folder = write_scenario(s, tmp_path_factory.mktemp("f") / "input")
    persons = pd.read_csv(folder / "persons.csv", dtype=str, keep_default_na=False)
    extra = pd.DataFrame([
        ["Z1", "Chen Wei", "M", "1990-01-01", "CHN", "E55501234", "CHN"],
        ["Z2", "Chen Wei", "M", "1990-01-01", "SGP", "K77709876", "SGP"],
        ["Z3", "Anil Kumar", "M", "1985-05-05", "IND", "M40404040", "IND"],
        ["Z4", "Kumar Anil", "M", "1985-05-05", "IND", "M40404041", "IND"],
    ], columns=["person_id", "full_name", "sex", "birth_date", "nationality", "passport_no", "passport_country"])
    pd.concat([persons, extra[persons.columns]]).to_csv(folder / "persons.csv", index=False)
    groups = s.truth["resolution"]["persons"] + [["persons:Z3", "persons:Z4"]]
    return folder, groups


@pytest.mark.parametrize("seed", [1, 2])
def test_permuting_nationality_and_passport_country_among_humans_changes_no_output_byte(twins_scenario, tmp_path: Path, seed: int):
    folder, groups = twins_scenario
    permute_country_pairs(folder, tmp_path / "permuted", groups, seed)
    settings = Settings(as_of=dt.date(2026, 11, 1), resolve_train_min_records=1000)
    a = run_score(folder, tmp_path / "a", settings)
    run_score(tmp_path / "permuted", tmp_path / "b", settings)
    e = a.result.context.resolution.person
    assert e["Z1"] != e["Z2"] and e["Z3"] == e["Z4"]
    for name in ("entities.csv", "scores.csv", "clusters.csv", "evidence.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


RENEWED_AS = """
person_id,full_name,birth_date,passport_no,passport_country
N1,{old},1995-04-08,G47574276,MYS
N2,{new},1995-04-08,G71010834,MYS
"""


@pytest.mark.parametrize("old, new", [
    ("Wang Wei", "Wei Wang"),              # family name first on one record
    ("SMITH John", "John Smith"),
    ("Zulkifli Ibrahim", "Z. Ibrahim"),    # the given name as an initial
    ("Le Quang Huy", "Le Q."),             # an initial for one part, another part missing
    ("Nurul Aina Rahman", "N. A. Rahman"),
])
def test_a_renewed_record_with_the_name_re_ordered_or_as_initials_joins_the_old_one(old, new):
    r = resolve({"persons": frame(RENEWED_AS.format(old=old, new=new).strip() + "\n" + background())})
    assert r.person["N1"] == r.person["N2"]


@pytest.mark.parametrize("one, other", [
    ("Brett S Burton", "Lorraine S Meeker"),  # a middle initial in common is not a name in common
    ("J. Smith", "Mary Smith"),               # the initial is not the other's given name
    ("Emily J Moore", "Aniyah A Moore"),
])
def test_strangers_born_on_one_day_sharing_an_initial_or_a_common_family_name_stay_apart(one, other):
    r = resolve({"persons": frame(RENEWED_AS.format(old=one, new=other).strip() + "\n" + background())})
    assert r.person["N1"] != r.person["N2"]


def test_a_renewed_record_with_the_family_name_in_cantonese_romanisation_joins_when_the_history_fits():
    people = """
person_id,full_name,birth_date,passport_no,passport_country
W1,Huang Bin,1978-10-07,E18526010,CHN
W2,Wong Bin,1978-10-07,E69488003,CHN
"""
    permits = frame("permit_id,person_id,permit_type,issued_on,expires_on\nK1,W1,LIMITED_STAY,2025-06-01,2026-05-31\n")
    permits["sponsor_id"] = pd.NA
    for col in ("issued_on", "expires_on"):
        permits[col] = pd.to_datetime(permits[col])
    moves = frame("person_id,direction,date\nW1,ARRIVAL,2025-05-25\nW2,DEPARTURE,2026-05-27\n")
    r = resolve({"persons": frame(people.strip() + "\n" + background()), "permits": permits, "movements": moves})
    assert r.person["W1"] == r.person["W2"]
    assert "name:sounds_alike" in r.entities.set_index("source_id").loc["persons:W2", "matched_on"]
