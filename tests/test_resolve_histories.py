"""Travel and permit histories as evidence: one human's story split over two records merges, two
strangers' stories that collide do not."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from graphkit.resolve import resolve
from graphkit.resolve.histories import history_columns

sys.path.insert(0, str(Path(__file__).parent))
from test_resolve import background, frame  # noqa: E402


def tables(people: str, permits: str = "", movements: str = "") -> dict:
    out = {"persons": frame(people.strip() + "\n" + background())}
    if permits:
        p = frame(permits)
        p["sponsor_id"] = pd.NA
        for col in ("issued_on", "expires_on"):
            p[col] = pd.to_datetime(p[col])
        out["permits"] = p
    if movements:
        out["movements"] = frame(movements)
    return out


RENEWED = """
person_id,full_name,birth_date,passport_no,passport_country
R1,Zhang Haoran,1965-07-28,E38939451,CHN
R2,Haoran Chang,1965-07-28,E17457790,CHN
"""


def test_a_renewed_passport_under_a_transliterated_name_merges_when_the_new_permit_picks_up_the_old():
    permits = """
permit_id,person_id,permit_type,issued_on,expires_on
K1,R1,LIMITED_STAY,2025-03-01,2026-02-28
K2,R2,LIMITED_STAY,2026-02-15,2027-02-14
"""
    r = resolve(tables(RENEWED, permits, "person_id,direction,date\nR1,ARRIVAL,2025-02-20\n"))
    assert r.person["R1"] == r.person["R2"]
    matched = r.entities.set_index("source_id").loc["persons:R2", "matched_on"]
    assert "history:permit_picked_up" in matched and "name:" in matched


def test_a_departure_filed_under_another_spelling_closes_the_stay_left_open_on_the_first_record():
    people = """
person_id,full_name,birth_date,passport_no,passport_country
X1,Xu Zhiwei,1980-05-24,G29891845,CHN
X2,Hsu Chihwei,1980-05-24,G93171671,CHN
"""
    permits = "permit_id,person_id,permit_type,issued_on,expires_on\nK1,X1,LIMITED_STAY,2025-06-01,2026-05-31\n"
    moves = "person_id,direction,date\nX1,ARRIVAL,2025-05-25\nX2,DEPARTURE,2026-05-27\n"
    r = resolve(tables(people, permits, moves))
    assert r.person["X1"] == r.person["X2"]
    assert "history:left_at_expiry_on_the_other" in r.entities.set_index("source_id").loc["persons:X2", "matched_on"]
    # without the departure the two spellings alone stay apart: the history is what joined them
    assert resolve(tables(people, permits, moves.rsplit("\n", 2)[0])).person["X2"] == "persons:X2"


STRANGERS = """
person_id,full_name,birth_date,passport_no,passport_country
S1,Rahul Sharma,1990-03-14,M10000001,IND
S2,Rahul Sharma,1990-03-14,M27777772,IND
"""


def test_same_name_and_birth_date_strangers_who_arrive_while_the_other_is_here_stay_apart():
    one_after = "person_id,direction,date\nS1,ARRIVAL,2024-01-10\nS1,DEPARTURE,2024-06-30\nS2,ARRIVAL,2025-03-01\n"
    assert resolve(tables(STRANGERS, movements=one_after)).person["S2"] == "persons:S1"
    inside = "person_id,direction,date\nS1,ARRIVAL,2024-01-10\nS1,DEPARTURE,2024-06-30\nS2,ARRIVAL,2024-03-01\n"
    r = resolve(tables(STRANGERS, movements=inside))
    assert r.person["S1"] != r.person["S2"]


def test_same_name_and_birth_date_strangers_who_arrive_after_the_others_open_arrival_with_no_exit_between_stay_apart():
    # S1 arrived and never left; S2 arrives later under another passport and shows no exit before
    twice = "person_id,direction,date\nS1,ARRIVAL,2025-09-01\nS2,ARRIVAL,2026-07-22\n"
    r = resolve(tables(STRANGERS, movements=twice))
    assert r.person["S1"] != r.person["S2"]
    # with the exit filed under the new passport (renewed in the country, left, came back) they are one human
    renewed = "person_id,direction,date\nS1,ARRIVAL,2025-09-01\nS2,DEPARTURE,2026-03-01\nS2,ARRIVAL,2026-07-22\n"
    assert resolve(tables(STRANGERS, movements=renewed)).person["S2"] == "persons:S1"


def test_same_name_and_birth_date_strangers_holding_permits_at_once_under_two_passports_stay_apart():
    permits = """
permit_id,person_id,permit_type,issued_on,expires_on
K1,S1,LIMITED_STAY,2025-01-01,2025-12-31
K2,S2,LIMITED_STAY,2025-02-01,2026-01-31
"""
    assert resolve(tables(STRANGERS, permits)).person["S1"] != resolve(tables(STRANGERS, permits)).person["S2"]
    # a renewal overlaps by weeks, not months: that is no collision
    renewal = permits.replace("2025-02-01,2026-01-31", "2025-12-15,2026-12-14")
    assert resolve(tables(STRANGERS, renewal)).person["S2"] == "persons:S1"


def test_history_columns_see_open_stays_orphan_departures_and_stays_week_by_week():
    persons = pd.DataFrame({"person_id": ["A", "B"]})
    moves = frame("person_id,direction,date\nA,ARRIVAL,2026-01-01\nA,DEPARTURE,2026-01-29\nB,DEPARTURE,2026-02-01\n")
    h = history_columns({"movements": moves}, persons)
    assert h["left_on"].tolist()[0] == (pd.Timestamp("2026-01-29") - pd.Timestamp("1970-01-01")).days
    assert h["orphan_departure"].isna().tolist() == [True, False]
    assert len(h["stay_weeks"][0]) == 3 and h["stay_weeks"].isna().tolist() == [False, True]
    assert h["permit_from"].isna().all()
