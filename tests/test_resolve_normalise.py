"""Normalisers: legal forms, transliterations, address parts, cities, documents and phones."""

from __future__ import annotations

import pandas as pd
import pytest

from graphkit.resolve import normalise_address, normalise_company
from graphkit.resolve.normalise import name_key, name_sound, normalise_cities, normalise_names, normalise_phones


@pytest.mark.parametrize("variants", [
    ("PT Sinar Jaya", "PT. SINAR  JAYA Tbk", "Sinar Jaya, PT", "sinar jaya (persero)"),
    ("Unilever N.V.", "UNILEVER NV", "Unilever"),
    ("Philips B.V.", "philips bv"),
    ("Siemens GmbH", "SIEMENS AG", "Siemens"),
    ("Acme Sdn. Bhd.", "ACME SDN BHD", "Acme Ltd.", "Acme Limited", "Acme Pte. Ltd.", "Acme Inc.", "Acme Co., Ltd."),
    ("CV Maju & Jaya", "Maju and Jaya CV"),
])
def test_legal_forms_indonesian_and_international_are_dropped(variants):
    assert len({normalise_company(v) for v in variants}) == 1


def test_a_word_that_only_looks_like_a_legal_form_inside_a_name_stays():
    assert normalise_company("PT Cvtra Abadi") == "cvtra abadi"


@pytest.mark.parametrize("a, b", [
    ("Muhammad Rizal", "Mohd Rizal"),
    ("Mohammed Ali", "Muhammad Ali"),
    ("Müller Jürgen", "Mueller Juergen"),
    ("Schäfer", "Schaefer"),
    ("Ahmad bin Ismail", "Ahmad Ismail"),
    ("Siti binti Abdullah", "Siti Abdullah"),
    ("Dr. Hassan Al Farsi", "Hasan Farsi"),
    ("Haji Yusof", "Yusuf"),
    ("Min-jun Kim", "Minjun Kim"),
    ("José Núñez", "Jose Nunez"),
])
def test_transliterations_honorifics_and_particles(a, b):
    assert normalise_names(pd.Series([a])).iloc[0] == normalise_names(pd.Series([b])).iloc[0]


def test_name_key_ignores_word_order_and_cyrillic_is_transliterated():
    names = normalise_names(pd.Series(["Zhang Wei", "Wei ZHANG", "Иван Петров"]))
    assert name_key(names).tolist() == ["wei zhang", "wei zhang", "ivan petrov"]


def test_address_parts_and_city_aliases():
    assert normalise_address("Jl. Mawar No. 3 RT 05/RW 02") == normalise_address("JALAN MAWAR NOMOR 3 rt 5 / rw 2")
    assert normalise_address("Gg. Kenanga") == normalise_address("gang kenanga")
    assert normalise_address("Lrg. Sawah Blk. C") == normalise_address("Lorong Sawah Blok C")
    assert normalise_address("Perumahan Griya Kel. Sukajadi") == "perum griya kelurahan sukajadi"
    cities = normalise_cities(pd.Series(["OKI", "Kab. Ogan Komering Ilir", "Muba", "Musi Banyuasin", "Kota Palembang", "PALEMBANG"]))
    assert cities.tolist() == ["ogan komering ilir"] * 2 + ["musi banyuasin"] * 2 + ["palembang"] * 2


def test_phone_digits_without_country_code_or_trunk_zero():
    assert normalise_phones(pd.Series(["+62 711 669387", "(0711) 669387", "0711-669387", None])).tolist() == \
        ["711669387"] * 3 + [""]


def test_a_chinese_surname_in_another_dialect_s_romanisation_sounds_like_its_mandarin_form():
    sounds = name_sound(normalise_names(pd.Series(["Wong Bin", "Huang Bin", "Ng Mei", "Wu Mei", "Chan Wei", "Chen Wei",
                                                   "Wang Wei"])))
    assert sounds[0] == sounds[1] and sounds[2] == sounds[3] and sounds[4] == sounds[5]
    assert sounds[5] != sounds[6]  # Chen is not Wang
