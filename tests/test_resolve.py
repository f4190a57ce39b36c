"""Entity resolution end to end: hard links, the probabilistic models, hubs that must not merge."""

from __future__ import annotations

import pandas as pd

from graphkit.resolve import resolve
from graphkit.resolve.entities import hard_links

FAMILY = ["Tan", "Lim", "Nguyen", "Kumar", "Smith", "Sato", "Park", "Garcia", "Silva", "Rossi", "Dubois", "Ivanov"]
GIVEN = ["Alya", "Bram", "Chidi", "Dara", "Eko", "Farid", "Gita", "Hana", "Ilse", "Joko", "Kiri", "Lutfi",
         "Maya", "Niko", "Oren", "Putu", "Qadir", "Rina", "Sven", "Tomas", "Umar", "Vera", "Wira", "Yosef", "Zara"]


def frame(text: str) -> pd.DataFrame:
    rows = [r.split(",") for r in text.strip().splitlines()]
    f = pd.DataFrame(rows[1:], columns=rows[0]).replace("", pd.NA)
    for col in ("birth_date", "date"):
        if col in f:
            f[col] = pd.to_datetime(f[col])
    return f


def background(n: int = 300) -> str:
    """Distinct strangers, so that the records under test are not the whole population (term
    frequencies and the prior are computed from the data)."""
    rows = [f"B{i},{GIVEN[i % len(GIVEN)]} {FAMILY[i // len(GIVEN) % len(FAMILY)]} {chr(65 + i % 26)}{i},"
            f"19{50 + i % 50}-{1 + i % 12:02d}-{1 + i % 28:02d},X{i:06d},{('IDN', 'MYS', 'CHN')[i % 3]}" for i in range(n)]
    return "\n".join(rows)


def persons(text: str) -> dict:
    return {"persons": frame(text.strip() + "\n" + background())}


def test_same_passport_or_same_name_and_birth_date_is_one_human():
    r = resolve(persons("""
person_id,full_name,birth_date,passport_no,passport_country
P1,Li Wei,1980-01-01,E1,CHN
P2,Lee Wei,1980-01-01,E-1,CHN
P3,LI  WEI,1980-01-01,E9,CHN
P4,Li Wei,1990-06-13,E8,CHN
"""))
    assert r.person["P2"] == r.person["P3"] == r.person["P1"] == "persons:P1"
    assert r.person["P4"] == "persons:P4"


def test_a_record_without_birth_date_joins_the_one_it_shares_a_sponsor_employer_or_address_with():
    tables = persons("""
person_id,full_name,birth_date,passport_no,passport_country
P1,Yang Haoran,2001-10-26,E15550001,CHN
P2,Yang Haoran,,E27360482,CHN
P3,Yang Haoran,,E39914273,CHN
""")
    tables["employment"] = frame("person_id,employer_id\nP1,E7\nP2,E7\nP3,E8\n")
    r = resolve(tables)
    assert r.person["P2"] == "persons:P1" and r.person["P3"] == "persons:P3"


def test_hub_passport_numbers_do_not_merge():
    rows = "\n".join(f"P{i},Person {GIVEN[i % 25]} {FAMILY[i % 12]}{i},,000000,IDN" for i in range(40))
    r = resolve(persons("person_id,full_name,birth_date,passport_no,passport_country\n" + rows))
    assert r.person[[f"P{i}" for i in range(40)]].nunique() == 40


def test_companies_merge_by_registration_or_name_in_the_same_city():
    tables = {
        "addresses": frame("address_id,line,city\nA1,Jl. X No. 1,Palembang\nA2,Jl. Y No. 2,Palembang\nA3,Jl. Z,Lahat\n"),
        "employers": frame("employer_id,name,registration_no,address_id\nE1,PT Sinar Jaya,123,A1\nE2,CV Lain,,A3\n"),
        "sponsors": frame("sponsor_id,sponsor_type,name,registration_no,address_id\n"
                          "S1,ORGANIZATION,PT. SINAR JAYA,12-3,A2\nS2,ORGANIZATION,Lain CV,,A2\nS3,INDIVIDUAL,Lain,,A3\n"),
        "persons": frame("person_id,full_name,birth_date,passport_no,passport_country\n"),
    }
    r = resolve(tables)
    assert r.organisation["sponsors:S1"] == "employers:E1"
    assert r.organisation["sponsors:S2"] == "sponsors:S2"  # same name, other city
    assert r.organisation["sponsors:S3"] == "sponsors:S3"  # a person is not a company
    assert r.source_ids("employers:E1") == "employers:E1;sponsors:S1"


def test_hard_links_ignore_values_over_the_hub_limit():
    key = pd.Series(["h"] * 5 + ["a", "a"])
    links = hard_links(key, 4, "passport")
    assert links.left.tolist() == [6] and links.right.tolist() == [5]


def test_two_travellers_sharing_a_name_stay_two_and_a_renewed_record_joins_the_one_it_shares_an_employer_with():
    tables = persons("""
person_id,full_name,birth_date,passport_no,passport_country
P1,He Jing,1999-05-16,E15550001,CHN
P2,He Jing,1999-05-16,E27360482,CHN
P3,He  Jing,1999-05-16,E39914273,CHN
""")
    tables["movements"] = frame("person_id,direction,date\nP1,ARRIVAL,2023-02-07\nP2,ARRIVAL,2024-01-01\n")
    tables["employment"] = frame("person_id,employer_id\nP2,E7\nP3,E7\nP1,E9\n")
    r = resolve(tables)
    assert r.person["P1"] != r.person["P2"]
    assert r.person["P3"] == r.person["P2"]


def test_a_renewed_passport_with_the_old_history_before_the_new_one_merges_despite_a_transliterated_name():
    tables = persons("""
person_id,full_name,birth_date,passport_no,passport_country
P1,Mohd Rizal bin Abdullah,1985-03-04,A111,MYS
P2,Muhammad Rizal Abdullah,1985-04-03,B222,MYS
""")
    tables["movements"] = frame("person_id,direction,date\nP1,ARRIVAL,2019-01-01\nP1,DEPARTURE,2020-01-01\n"
                                "P2,ARRIVAL,2022-01-01\n")
    tables["residences"] = frame("person_id,address_id\nP1,A1\nP2,A1\n")
    r = resolve(tables)
    assert r.person["P2"] == r.person["P1"] == "persons:P1"
    row = r.entities.set_index("source_id").loc["persons:P2"]
    assert "birth_date:day_month_swap" in row["matched_on"] and row["match_probability"] >= 0.95
