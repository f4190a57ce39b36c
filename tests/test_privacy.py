"""Keyed pseudonyms: stable per key, different across keys and kinds, the key never shown."""

import pickle
import re

import pandas as pd
import pytest

from graphkit import load_folder
from graphkit.datasets import tiny_path
from graphkit.privacy import Pseudonymiser, personal_columns

KEY = "s3cret-case-key-2026"


def test_pseudonyms_are_stable_and_formatted():
    p = Pseudonymiser(KEY)
    assert p.name("Li Wei") == Pseudonymiser(KEY).name("Li Wei") == Pseudonymiser(KEY.encode()).name("Li Wei")
    assert re.fullmatch(r"PERSON-[0-9a-f]{12}", p.name("Li Wei"))
    assert re.fullmatch(r"DOC-[0-9a-f]{12}", p.document("E10000001"))


def test_pseudonyms_depend_on_key_value_and_kind():
    p, q = Pseudonymiser(KEY), Pseudonymiser(KEY + "x")
    assert p.name("Li Wei") != q.name("Li Wei")
    assert p.name("Li Wei") != p.name("Wang Fang")
    assert p.name("E1")[-12:] != p.document("E1")[-12:]


def test_spelling_noise_gives_the_same_pseudonym():
    p = Pseudonymiser(KEY)
    assert p.name("  li   WEI ") == p.name("Li Wei")
    assert p.name("Ｌｉ Wei") == p.name("Li Wei")  # full-width letters, NFKC


def test_missing_values_stay_missing():
    p = Pseudonymiser(KEY)
    assert p.name(None) is None
    assert pd.isna(p.document(float("nan")))
    assert p.name("  ") == "  "


def test_key_never_shown_or_pickled():
    p = Pseudonymiser(KEY)
    assert KEY not in repr(p) and KEY not in str(p)
    assert not hasattr(p, "__dict__")
    with pytest.raises(TypeError):
        pickle.dumps(p)
    assert KEY not in p.name("Li Wei") + p.document("E1")


def test_bad_key_and_kind_are_refused():
    with pytest.raises(ValueError):
        Pseudonymiser("")
    with pytest.raises(ValueError):
        Pseudonymiser(KEY).value("nationality", "CHN")


def test_frame_replaces_exactly_the_personal_columns():
    tables = load_folder(tiny_path()).tables
    persons = tables["persons"]
    before = persons.copy()
    p = Pseudonymiser(KEY)
    out = p.frame(persons, "persons")
    assert personal_columns("persons") == {"full_name": "name", "passport_no": "document"}
    assert not set(out["full_name"]) & set(persons["full_name"])
    assert not set(out["passport_no"].dropna()) & set(persons["passport_no"].dropna())
    assert out["full_name"].tolist() == [p.name(v) for v in persons["full_name"]]
    assert out["passport_no"].isna().tolist() == persons["passport_no"].isna().tolist()
    for col in ("person_id", "nationality", "birth_date"):
        pd.testing.assert_series_equal(out[col], persons[col])
    pd.testing.assert_frame_equal(persons, before)  # the input is not changed
    pd.testing.assert_frame_equal(p.frame(tables["employers"], "employers"), tables["employers"])


def test_a_pseudonymised_score_run_leaks_no_name_or_passport_number(tmp_path):
    import datetime as dt

    import pandas as pd

    from graphkit import Settings, run_score
    from graphkit.datasets import tiny_path

    settings = Settings(as_of=dt.date(2026, 11, 1), pseudonymise=True, pseudonym_key="k3y-for-tests-only")
    run_score(tiny_path(), tmp_path / "a", settings)
    run_score(tiny_path(), tmp_path / "b", settings)
    persons = pd.read_csv(tiny_path() / "persons.csv", dtype=str, keep_default_na=False)
    sponsors = pd.read_csv(tiny_path() / "sponsors.csv", dtype=str, keep_default_na=False)
    people = sponsors[sponsors["sponsor_type"] == "INDIVIDUAL"]
    secrets = {v for v in persons["full_name"].tolist() + persons["passport_no"].tolist() if len(v) >= 4}
    secrets |= set(people["name"]) | set(people["registration_no"])
    files = [p for p in (tmp_path / "a").rglob("*") if p.is_file()]
    assert len(files) > 5
    for path in files:
        text = path.read_text(encoding="utf-8")
        leaked = [s for s in secrets if s in text]
        assert not leaked, f"{path.name} shows {leaked[:3]}"
        assert "k3y-for-tests-only" not in text
    names_a = pd.read_csv(tmp_path / "a" / "scores.csv")["name"]
    names_b = pd.read_csv(tmp_path / "b" / "scores.csv")["name"]
    assert names_a.equals(names_b) and names_a.str.startswith("PERSON-").any()
