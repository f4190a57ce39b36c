"""Entity resolution rules, including hubs that must not merge."""

from __future__ import annotations

import pandas as pd

from graphkit.resolve import group_records, normalise_address, normalise_company, resolve


def frame(text: str) -> pd.DataFrame:
    rows = [r.split(",") for r in text.strip().splitlines()]
    f = pd.DataFrame(rows[1:], columns=rows[0]).replace("", pd.NA)
    if "birth_date" in f:
        f["birth_date"] = pd.to_datetime(f["birth_date"])
    return f


def persons(text: str) -> dict:
    return {"persons": frame(text)}


def test_same_passport_or_same_name_and_birth_date_is_one_human():
    r = resolve(persons("""
person_id,full_name,birth_date,passport_no,passport_country
P1,Li Wei,1980-01-01,E1,CHN
P2,Lee Wei,1980-01-01,E-1,CHN
P3,LI  WEI,1980-01-01,E9,CHN
P4,Li Wei,1990-01-01,E8,CHN
"""))
    assert r.person["P2"] == r.person["P3"] == r.person["P1"] == "persons:P1"
    assert r.person["P4"] == "persons:P4"


def test_a_record_without_birth_date_needs_a_shared_sponsor_employer_or_address():
    tables = persons("""
person_id,full_name,birth_date,passport_no,passport_country
P1,Yang Haoran,2001-10-26,E1,CHN
P2,Yang Haoran,,E2,CHN
P3,Yang Haoran,,E3,CHN
""")
    tables["employment"] = frame("person_id,employer_id\nP1,E7\nP2,E7\nP3,E8\n")
    r = resolve(tables)
    assert r.person["P2"] == "persons:P1" and r.person["P3"] == "persons:P3"


def test_hub_passport_numbers_do_not_merge():
    rows = "\n".join(f"P{i},Person {i},,000000,IDN" for i in range(40))
    r = resolve(persons("person_id,full_name,birth_date,passport_no,passport_country\n" + rows))
    assert r.person.nunique() == 40


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


def test_normalisation():
    assert normalise_company("Sinar Jaya, PT") == normalise_company("PT. SINAR  JAYA Tbk") == "sinar jaya"
    assert normalise_address("Jl. Mawar No. 3 RT 05/RW 02") == normalise_address("JALAN MAWAR NOMOR 3 rt 5 / rw 2")
    assert normalise_address("Gg. Kenanga") == normalise_address("gang kenanga")


def test_group_records_ignores_values_over_the_hub_limit():
    key = pd.Series(["h"] * 5 + ["a", "a"])
    assert group_records(7, [key], hub_limit=4).tolist() == [0, 1, 2, 3, 4, 5, 5]


def test_two_travellers_sharing_a_name_stay_two_and_a_renewed_record_joins_the_one_it_shares_an_employer_with():
    tables = persons("""
person_id,full_name,birth_date,passport_no,passport_country
P1,He Jing,1999-05-16,E1,CHN
P2,He Jing,1999-05-16,E2,CHN
P3,He  Jing,1999-05-16,E3,CHN
""")
    tables["movements"] = frame("person_id,direction,date\nP1,ARRIVAL,2023-02-07\nP2,ARRIVAL,2024-01-01\n")
    tables["employment"] = frame("person_id,employer_id\nP2,E7\nP3,E7\nP1,E9\n")
    r = resolve(tables)
    assert r.person["P1"] != r.person["P2"]
    assert r.person["P3"] == r.person["P2"]
