"""Place resolution: spellings of one address merge; houses that RT/RW or coordinates tell apart stay apart."""

from __future__ import annotations

import numpy as np
import pandas as pd

from graphkit.resolve import resolve
from graphkit.resolve.entities import Links
from graphkit.resolve.places import FAR_KM, LINE_RULE, consistent, place_records

STREETS = ["Mawar", "Melati", "Kenanga", "Anggrek", "Dahlia", "Cempaka", "Flamboyan", "Kamboja", "Nangka",
           "Duku", "Rambutan", "Manggis", "Durian", "Sawo", "Jambu", "Salak", "Belimbing", "Sirsak"]
VILLAGES = ["Sekip", "Bukit Lama", "Lorok Pakjo", "Sialang", "Pulokerto", "Talang Betutu", "Kebun Bunga"]
EMPTY_PERSONS = pd.DataFrame({"person_id": pd.Series(dtype=str), "full_name": pd.Series(dtype=str),
                              "birth_date": pd.Series(dtype="datetime64[ns]"), "passport_no": pd.Series(dtype=str),
                              "passport_country": pd.Series(dtype=str)})


def background(n: int = 200) -> list[tuple]:
    """Distinct houses elsewhere, so that the records under test are not the whole population (term
    frequencies and the prior come from the data)."""
    return [(f"B{i:04d}", f"Jl. {STREETS[i % len(STREETS)]} Raya No. {i + 1}, RT {1 + i % 9:03d}/RW {1 + i % 7:03d}",
             VILLAGES[i % len(VILLAGES)], "Palembang", -2.9 - (i % 40) * 0.005, 104.7 + (i // 40) * 0.01) for i in range(n)]


def places(rows: list[tuple]) -> pd.Series:
    """The canonical place of each record under test (``address_id, line, village, city, lat, lon``)."""
    f = pd.DataFrame(rows + background(), columns=["address_id", "line", "village", "city", "latitude", "longitude"])
    return resolve({"addresses": f, "persons": EMPTY_PERSONS}).address[[r[0] for r in rows]]


def test_spellings_of_one_address_merge_with_or_without_rt_rw():
    got = places([
        ("A1", "Jl. Talang Jambe Gg. Kenanga No. 44, RT 004/RW 008", "Sekip Jaya", "Kota Palembang", -2.99496, 104.75991),
        ("A2", "JALAN TALANG JAMBE GANG KENANGA NOMOR 44 RT 4 RW 8", "SEKIP JAYA", "Palembang", -2.99510, 104.75980),
        ("A3", "Jln. Talang Jambe Gang Kenanga No.44", "Sekip Jaya", "PALEMBANG", None, None),
        ("A4", "jl talang jambe gg kenanga nmr 44 rt 04", "Sekip Jaya", "Plg", -2.99490, 104.76002),
    ])
    assert got.nunique() == 1


def test_city_aliases_lorong_perum_and_blok_spellings_merge():
    got = places([
        ("C1", "Perum Griya Asri Blok C2 No. 5", "Kayuagung", "OKI", None, None),
        ("C2", "Perumahan Griya Asri Blk C2 Nomor 5", "Kayuagung", "Kabupaten Ogan Komering Ilir", None, None),
        ("D1", "Lr. Pinang No. 7, RT 002/RW 001", "Sekayu", "Muba", None, None),
        ("D2", "Lorong Pinang Nomor 7 RT 02 RW 01", "Sekayu", "Musi Banyuasin", None, None),
    ])
    assert got["C1"] == got["C2"] and got["D1"] == got["D2"] and got["C1"] != got["D1"]


def test_different_rt_or_rw_on_one_street_number_and_village_are_two_places():
    got = places([
        ("A1", "Jl. Mayor Ruslan No. 6, RT 014/RW 003", "Bukit Lama", "Palembang", None, None),
        ("A2", "Jalan Mayor Ruslan Nomor 6, RT 002/RW 003", "Bukit Lama", "Palembang", None, None),
        ("A3", "Jl. Mayor Ruslan No. 6, RT 014/RW 005", "Bukit Lama", "Palembang", None, None),
    ])
    assert got.nunique() == 3


def test_a_record_without_rt_rw_does_not_bridge_two_houses_whose_rt_rw_differ():
    got = places([
        ("A1", "Jl. Siaran No. 21, RT 016/RW 006", "Pulokerto", "Palembang", None, None),
        ("A2", "Jl. Siaran No. 21", "Pulokerto", "Palembang", None, None),
        ("A3", "Jl. Siaran No. 21, RT 003/RW 006", "Pulokerto", "Palembang", None, None),
        ("A4", "JALAN SIARAN NOMOR 21", "Pulokerto", "Palembang", None, None),
    ])
    assert got["A1"] != got["A3"]
    # the two bare spellings are one line, so one house: whichever it is, not both
    assert got["A2"] == got["A4"] and got["A2"] in (got["A1"], got["A3"])


def test_one_line_with_fixes_kilometres_apart_is_two_places_and_a_record_without_a_fix_joins_one():
    got = places([
        ("A1", "Jl. Basuki Rahmat No. 115", "15 Ulu", "Palembang", -2.97234, 104.78821),
        ("A2", "Jl. Basuki Rahmat No. 115", "15 Ulu", "Palembang", -2.97250, 104.78830),
        ("A3", "Jl. Basuki Rahmat No. 115", "15 Ulu", "Palembang", -2.95835, 104.78673),
        ("A4", "Jl. Basuki Rahmat No. 115", "15 Ulu", "Palembang", None, None),
    ])
    assert got["A1"] == got["A2"] != got["A3"]
    assert got["A4"] in (got["A1"], got["A3"])


def test_two_gangs_off_one_road_are_two_streets():
    got = places([
        ("A1", "Jl. Pangeran Ratu Gg. Melati No. 124, RT 007/RW 006", "Air Lintang", "Muara Enim", None, None),
        ("A2", "Jl. Pangeran Ratu Gg. Swadaya No. 124, RT 007/RW 006", "Air Lintang", "Muara Enim", None, None),
    ])
    assert got["A1"] != got["A2"]


def test_a_hotel_with_hundreds_of_records_is_one_place():
    rng = np.random.default_rng(3)
    spellings = ["Jl. Jenderal Sudirman No. 88, RT 002/RW 004", "JALAN JEND. SUDIRMAN NOMOR 88 RT 2 RW 4",
                 "Jl. Jendral Sudirman No. 88", "Jln Jenderal Sudirman No 88, RT 02/RW 04"]
    rows = []
    for i in range(300):
        # guests' records: fixes scattered over the building and its car park, some without one
        lat, lon = (-2.98010 + rng.normal(0, 0.0003), 104.75520 + rng.normal(0, 0.0003)) if i % 5 else (None, None)
        rows.append((f"H{i:03d}", spellings[i % len(spellings)], "Sungai Pangeran", "Palembang", lat, lon))
    assert places(rows).nunique() == 1


def test_an_analysts_same_judgement_joins_records_whose_rt_differs_and_the_model_alone_does_not():
    records = pd.DataFrame({"rt": ["1", "2"], "rw": [None, None], "lane": [None, None],
                            "latitude": [np.nan] * 2, "longitude": [np.nan] * 2})
    judged = Links(np.array([0, 0]), np.array([1, 1]), np.array([1.0, 0.99]), np.array(["judgement", "m"], dtype=object))
    assert consistent(records, judged, np.array([True, False])).matched_on.tolist() == ["judgement", "m"]
    model = Links(np.array([0]), np.array([1]), np.array([0.99]), np.array(["m"], dtype=object))
    assert len(consistent(records, model, np.array([False]))) == 0


def test_the_model_s_links_grow_places_before_the_hard_line_links():
    # A0 (no fix) shares its line with A1 and A2, which stand kilometres apart; the model joins A2 and
    # A3 (the same house) directly: the hard star through A0 must not decide which house A3 is
    far = FAR_KM * 3 / 111.2
    records = pd.DataFrame({"rt": [None] * 4, "rw": [None] * 4, "lane": [None] * 4,
                            "latitude": [np.nan, -3.0, -3.0 + far, -3.0 + far], "longitude": [np.nan, 104.0, 104.0, 104.0]})
    links = Links(np.array([0, 0, 0, 2]), np.array([1, 2, 3, 3]), np.array([1.0, 1.0, 1.0, 0.999]),
                  np.array([LINE_RULE, LINE_RULE, LINE_RULE, "street:exact"], dtype=object))
    kept = consistent(records, links, np.zeros(4, dtype=bool))
    assert (2, 3) in set(zip(kept.left.tolist(), kept.right.tolist()))
    assert (0, 1) in set(zip(kept.left.tolist(), kept.right.tolist()))


def test_place_records_split_the_street_into_road_lane_and_blok():
    r = place_records(pd.DataFrame({"address_id": ["A1", "A2"], "city": ["Palembang", "Palembang"],
                                    "line": ["Jl. Bangau Gg. Kamboja No. 3", "Perum Griya Blok B No. 2 RT 1"]}))
    assert r["road"].tolist() == ["jalan bangau", "perum griya"]
    assert r["lane"].iloc[0] == "kamboja" and pd.isna(r["lane"].iloc[1])
    assert r["block"].iloc[1] == "b" and r["rt"].iloc[1] == "1" and pd.isna(r["rw"].iloc[1])


def test_a_geocoders_fallback_point_on_many_streets_does_not_split_a_hotel():
    # the village's centre stands in for the fix of records the geocoder could not place: it is
    # kilometres from the hotel, and shared with houses on other streets
    centre = (-2.9500, 104.7300)
    rows = [(f"H{i}", "Jl. Kolonel Atmo No. 12", "Sungai Pangeran", "Palembang", -2.98010, 104.75520) for i in range(4)]
    rows += [(f"G{i}", "Jl. Kolonel Atmo No. 12", "Sungai Pangeran", "Palembang", *centre) for i in range(3)]
    rows += [(f"X{i}", f"Jl. {STREETS[i]} Dalam No. {i + 1}", "Sungai Pangeran", "Palembang", *centre) for i in range(3)]
    got = places(rows)
    assert got[[r[0] for r in rows[:7]]].nunique() == 1
    assert got[[r[0] for r in rows[7:]]].nunique() == 3
