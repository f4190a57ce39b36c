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


# ---- every output file and every console line of every exporting command -------------------

PSEUDO_ENV = {"GRAPHKIT_PSEUDONYM_KEY": "k3y-for-tests-only"}


def _with_individual_sponsor(folder):
    """The tiny scenario with its flagged sponsor (SPONSOR_FANOUT) turned into an individual."""
    import shutil

    shutil.copytree(tiny_path(), folder)
    text = (folder / "sponsors.csv").read_text(encoding="utf-8")
    (folder / "sponsors.csv").write_text(text.replace("S04,ORGANIZATION,CV Maju Bersama Mandiri,0404040404",
                                                      "S04,INDIVIDUAL,Siti Rahayu Wulandari,1671019999000042"), encoding="utf-8")
    return folder


def _personal_values(folder) -> set[str]:
    persons = pd.read_csv(folder / "persons.csv", dtype=str, keep_default_na=False)
    sponsors = pd.read_csv(folder / "sponsors.csv", dtype=str, keep_default_na=False)
    people = sponsors[sponsors["sponsor_type"].str.upper() == "INDIVIDUAL"]
    values = set(persons["full_name"]) | set(persons["passport_no"]) | set(people["name"]) | set(people["registration_no"])
    return {v.strip() for v in values if len(v.strip()) >= 4}


def _leaks(texts: dict[str, str], secrets: set[str]) -> list[str]:
    return [f"{where}: {s!r}" for where, text in texts.items() for s in secrets if s in text]


def _files(root) -> dict[str, str]:
    return {str(p): p.read_text(encoding="utf-8", errors="replace") for p in root.rglob("*") if p.is_file()}


def test_no_name_document_or_national_id_in_any_output_or_console_line(tmp_path, monkeypatch):
    from tests.clirun import invoke

    for name, value in PSEUDO_ENV.items():
        monkeypatch.setenv(name, value)
    folder = _with_individual_sponsor(tmp_path / "in")
    secrets = _personal_values(folder)
    assert {"Siti Rahayu Wulandari", "1671019999000042", "Aung Ko"} <= secrets
    out = tmp_path / "out"
    runs = {
        "score": invoke("score", folder, "--out", out / "score", "--as-of", "2026-11-01", "--pseudonymise"),
        "load": invoke("load", folder, "--out", out / "load", "--pseudonymise"),
        "export-graph": invoke("export-graph", "sponsors:S04", "--input", folder, "--scores", out / "score" / "scores.csv",
                               "--out", out / "one" / "s04.html", "--gexf", "--pseudonymise"),
        "export-graph-person": invoke("export-graph", "persons:P29", "--input", folder, "--out", out / "one" / "p29.html",
                                      "--pseudonymise"),
        "run": invoke("run", "--input-dir", folder, "--output-root", out / "runs", "--purpose", "OP-1", "--as-of", "2026-11-01",
                      "--pseudonymise"),
    }
    for command, r in runs.items():
        assert r.code == 0, (command, r.stderr)
    scores = pd.read_csv(out / "score" / "scores.csv", dtype=str, keep_default_na=False)
    sponsor = scores[scores["entity_id"] == "sponsors:S04"].iloc[0]
    assert sponsor["name"].startswith("PERSON-") and sponsor["graph"], "the individual sponsor is flagged, with a page"
    assert "SPONSOR" in runs["score"].stdout and "PERSON-" in runs["score"].stdout
    import os
    from pathlib import Path

    audit = Path(os.environ["GRAPHKIT_AUDIT_LOG"])  # conftest's private trail, written by score and export-graph
    texts = _files(out) | {str(audit): audit.read_text(encoding="utf-8")}
    texts |= {f"{c} stdout": r.stdout for c, r in runs.items()} | {f"{c} stderr": r.stderr for c, r in runs.items()}
    assert len(texts) > 20
    assert not _leaks(texts, secrets)
    page = (out / "score" / sponsor["graph"]).read_text(encoding="utf-8")
    title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
    assert "PERSON-" in title and "Wulandari" not in title


def test_without_pseudonymisation_the_names_are_there(tmp_path):
    """The scan above can fail: the same run without the flag shows the names it looks for."""
    from tests.clirun import invoke

    folder = _with_individual_sponsor(tmp_path / "in")
    r = invoke("score", folder, "--out", tmp_path / "out", "--as-of", "2026-11-01")
    assert r.code == 0
    assert "Siti Rahayu Wulandari" in r.stdout
    assert _leaks(_files(tmp_path / "out"), {"Siti Rahayu Wulandari", "Aung Ko"})


def test_demo_takes_the_flag_and_prints_no_name(tmp_path, monkeypatch):
    from tests.clirun import invoke

    monkeypatch.setenv("GRAPHKIT_PSEUDONYM_KEY", PSEUDO_ENV["GRAPHKIT_PSEUDONYM_KEY"])
    r = invoke("demo", "--out", tmp_path / "demo", "--persons", "1000", "--pseudonymise")
    assert r.code == 0, r.stderr
    secrets = _personal_values(tmp_path / "demo" / "input")
    assert not _leaks(_files(tmp_path / "demo" / "output") | {"stdout": r.stdout, "stderr": r.stderr}, secrets)
    assert "PERSON-" in r.stdout
