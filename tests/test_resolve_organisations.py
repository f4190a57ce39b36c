"""Organisation resolution: one company under any spelling, and firms that only share a generic word."""

from __future__ import annotations

import pandas as pd

from graphkit.config import Settings
from graphkit.resolve import resolve
from graphkit.resolve.organisations import rare_words
from tests.test_resolve import frame

NO_PERSONS = "person_id,full_name,birth_date,passport_no,passport_country\n"


def companies(rows: str) -> dict:
    """Employers in one city (Palembang), with the given ``id,name`` rows."""
    lines = rows.strip().splitlines()
    return {
        "addresses": frame("address_id,line,city\n" + "\n".join(f"A{i},Jl. Jalan {i},Palembang" for i in range(len(lines)))),
        "employers": frame("employer_id,name,address_id\n" + "\n".join(f"{line},A{i}" for i, line in enumerate(lines))),
        "persons": frame(NO_PERSONS),
    }


def test_a_typo_and_extra_words_keep_one_company():
    r = resolve(companies("""
E1,UNILEVER N.V.
E2,Uniliver NV
E3,THALES NEDERLAND B.V.
E4,Thales Nederland B.V. Hengelo
E5,PT Sinar Jaya Abadi
"""))
    org = r.organisation
    assert org["employers:E2"] == org["employers:E1"]
    assert org["employers:E4"] == org["employers:E3"]
    assert org["employers:E1"] != org["employers:E3"] and org["employers:E5"] == "employers:E5"


def test_two_firms_sharing_only_a_generic_word_stay_two():
    r = resolve(companies("""
E1,PT Sinar Jaya
E2,CV Mitra Jaya
E3,PT Jaya Industries
E4,Karya Jaya Industries
"""))
    assert r.organisation[[f"employers:E{i}" for i in range(1, 5)]].nunique() == 4


def test_a_common_word_is_not_a_rare_word_however_often_one_company_files():
    # "philips" is in one name filed a thousand times, and in two other names: rare among names
    names = pd.Series(["koninklijke philips"] * 1000 + ["philips electronics", "us philips"]
                      + [f"{w} industries" for w in ("alpha", "beta", "gamma", "delta", "epsilon", "zeta")])
    rare = rare_words(names, limit=3, share=1.0)
    assert rare.iloc[0] == "philips" and rare.iloc[-1] is None
    assert rare_words(names, limit=3, share=0.1).isna().all()  # eight names are too few to call a word rare


def test_companies_sharing_a_phone_and_an_office_but_not_a_name_stay_several():
    # a shell network (or a corporate group's head office): the shared contact details corroborate
    # each company's sponsor and employer rows, never join the companies
    tables = {
        "addresses": frame("address_id,line,city\nA1,Jl. Demang Lebar Daun No. 7,Palembang\n"
                           "A2,Jl. Merdeka No. 2,Palembang\n"),
        "employers": frame("employer_id,name,phone,address_id\nE1,PT Griya Plantation Group,0711633639,A1\n"
                           "E2,PT Eka Energi Kencana,(0711) 633639,A1\nE3,CV Tri Kencana Sentosa,0711-633639,A1\n"),
        "sponsors": frame("sponsor_id,sponsor_type,name,phone,address_id\nS1,COMPANY,Griya Plantation Group PT,0711633639,A1\n"
                          "S2,COMPANY,Eka Energi Kencana PT,0711-633639,A2\nS3,COMPANY,CV. TRI KENCANA SENTOSA,,A1\n"),
        "persons": frame(NO_PERSONS),
    }
    # even at a lenient threshold, where phone and office alone outweigh two names
    org = resolve(tables, Settings(resolve_organisation_threshold=0.05)).organisation
    assert [org[f"employers:E{i}"] == org[f"sponsors:S{i}"] for i in (1, 2, 3)] == [True] * 3
    assert len({org["employers:E1"], org["employers:E2"], org["employers:E3"]}) == 3
