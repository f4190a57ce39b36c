"""Ingest: every row accepted or rejected with a reason; bad files stop the run with one line."""

from __future__ import annotations

import shutil
import string
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graphkit import load_folder
from graphkit.datasets import tiny_path
from graphkit.errors import InputFileError
from graphkit.ingest import REASONS


@pytest.fixture()
def tiny_copy(tmp_path: Path) -> Path:
    dest = tmp_path / "in"
    shutil.copytree(tiny_path(), dest)
    return dest


def write(folder: Path, name: str, text: str) -> None:
    (folder / f"{name}.csv").write_text(text, encoding="utf-8")


def minimal(folder: Path, persons: str, permits: str = "permit_id,person_id,permit_type,issued_on,expires_on\n") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    write(folder, "persons", persons)
    write(folder, "permits", permits)
    return folder


def test_every_table_accounts_for_every_row():
    data = load_folder(tiny_path())
    for name, counts in data.counts.items():
        assert counts["accepted"] + counts["rejected"] == counts["read"], name
        assert counts["accepted"] == len(data.tables[name])
        assert counts["rejected"] == (data.rejects["table"] == name).sum()


def test_tiny_scenario_exercises_every_reason_but_shape():
    reasons = set(load_folder(tiny_path()).rejects["reason"])
    assert reasons == set(REASONS) - {"bad_shape"}


def test_reject_rows_point_at_the_data_row(tiny_copy: Path):
    data = load_folder(tiny_copy)
    raw = pd.read_csv(tiny_copy / "persons.csv", dtype=str, keep_default_na=False)
    for _, rej in data.rejects[data.rejects["table"] == "persons"].iterrows():
        row = raw.iloc[rej["row_number"] - 1]
        assert row[rej["column"]] == rej["value"] or rej["reason"] == "missing_required"


@pytest.mark.parametrize(
    ("persons", "reason", "column"),
    [
        ("person_id,full_name\nP1,\n", "missing_required", "full_name"),
        ("person_id,full_name,birth_date\nP1,A,1990-02-30\n", "bad_type", "birth_date"),
        ("person_id,full_name,sex\nP1,A,Q\n", "bad_enum", "sex"),
        ("person_id,full_name,nationality\nP1,A,ID\n", "bad_format", "nationality"),
        ("person_id,full_name\nP1,A\nP1,B\n", "duplicate_key", "person_id"),
    ],
)
def test_each_reason_on_a_hand_written_row(tmp_path: Path, persons: str, reason: str, column: str):
    data = load_folder(minimal(tmp_path, persons))
    rej = data.rejects.iloc[-1]
    assert (rej["reason"], rej["column"], rej["table"]) == (reason, column, "persons")


def test_unknown_reference_and_range(tmp_path: Path):
    folder = minimal(
        tmp_path,
        "person_id,full_name\nP1,A\n",
        "permit_id,person_id,permit_type,issued_on,expires_on\nK1,P2,VISIT,2026-01-01,2026-01-30\nK2,P1,VISIT,2026-02-01,2026-01-30\n",
    )
    rej = load_folder(folder).rejects
    assert list(rej["reason"]) == ["unknown_reference", "bad_range"]
    assert list(rej["row_number"]) == [1, 2]


def test_a_reference_to_a_rejected_row_is_rejected(tmp_path: Path):
    folder = minimal(
        tmp_path,
        "person_id,full_name,sex\nP1,A,bogus\n",
        "permit_id,person_id,permit_type,issued_on,expires_on\nK1,P1,VISIT,2026-01-01,2026-01-30\n",
    )
    assert list(load_folder(folder).rejects["reason"]) == ["bad_enum", "unknown_reference"]


def test_duplicate_keeps_first_valid_row(tmp_path: Path):
    data = load_folder(minimal(tmp_path, "person_id,full_name,sex\nP1,A,bogus\nP1,B,F\nP1,C,M\n"))
    assert data.tables["persons"]["full_name"].tolist() == ["B"]
    assert data.rejects["reason"].tolist() == ["bad_enum", "duplicate_key"]


def test_headers_are_case_insensitive_trimmed_and_extras_carried(tmp_path: Path):
    data = load_folder(minimal(tmp_path, " Person_ID ,FULL_NAME,Sex,source_system\nP1, Ann ,f,SIMKIM\n"))
    row = data.tables["persons"].iloc[0]
    assert (row["person_id"], row["full_name"], row["sex"], row["source_system"]) == ("P1", "Ann", "F", "SIMKIM")


def test_quoted_newlines_and_commas_are_one_row(tmp_path: Path):
    data = load_folder(minimal(tmp_path, 'person_id,full_name\nP1,"Smith, John\nJr."\nP2,B\n'))
    assert data.tables["persons"]["full_name"].tolist() == ["Smith, John\nJr.", "B"]


def test_rows_of_the_wrong_width_are_rejected_not_fatal(tmp_path: Path):
    data = load_folder(minimal(tmp_path, "person_id,full_name\nP1,A\nP2,B,extra\nP3,C\n"))
    assert data.tables["persons"]["person_id"].tolist() == ["P1", "P3"]
    assert data.rejects[["row_number", "reason"]].values.tolist() == [[2, "bad_shape"]]
    assert data.counts["persons"] == {"read": 3, "accepted": 2, "rejected": 1}


def test_parquet_reads_like_csv(tiny_copy: Path):
    for csv in tiny_copy.glob("*.csv"):
        pd.read_csv(csv, dtype=str, keep_default_na=False).to_parquet(csv.with_suffix(".parquet"), index=False)
        csv.unlink()
    from_parquet = load_folder(tiny_copy)
    from_csv = load_folder(tiny_path())
    assert from_parquet.counts == from_csv.counts
    pd.testing.assert_frame_equal(from_parquet.rejects, from_csv.rejects)


@pytest.mark.parametrize(
    ("setup", "needle"),
    [
        (lambda f: write(f, "persons", "person_id,name\nP1,A\n"), "persons.csv: required column 'full_name'"),
        (lambda f: (f / "persons.csv").write_bytes(b"person_id,full_name\nP1,\xff\xfe\n"), "persons.csv: not UTF-8"),
        (lambda f: write(f, "persons", ""), "persons.csv: no header row"),
        (lambda f: (f / "permits.csv").unlink(), "required table 'permits'"),
        (lambda f: write(f, "persons", "person_id,full_name,Person_ID\nP1,A,P1\n"), "column 'person_id' appears twice"),
    ],
)
def test_bad_file_is_one_line_naming_file_and_column(tiny_copy: Path, setup, needle: str):
    setup(tiny_copy)
    with pytest.raises(InputFileError) as err:
        load_folder(tiny_copy)
    assert needle in str(err.value)
    assert "\n" not in str(err.value)


_text = st.text(alphabet=string.ascii_letters + string.digits + " ,\"'\n-é中", max_size=12)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(_text, _text, _text, _text), max_size=15))
def test_any_persons_file_accounts_for_every_row(tmp_path_factory, rows):
    """Whatever the cells hold, accepted + rejected = read and accepted rows are valid."""
    folder = tmp_path_factory.mktemp("prop")
    frame = pd.DataFrame(rows, columns=["person_id", "full_name", "sex", "birth_date"])
    frame.to_csv(folder / "persons.csv", index=False)
    write(folder, "permits", "permit_id,person_id,permit_type,issued_on,expires_on\n")
    data = load_folder(folder)
    c = data.counts["persons"]
    assert c["read"] == len(frame) and c["accepted"] + c["rejected"] == c["read"]
    accepted = data.tables["persons"]
    assert accepted["person_id"].is_unique and accepted["full_name"].notna().all()
    assert accepted["sex"].dropna().isin(["M", "F", "X"]).all()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["a", "b", "", None]), st.sampled_from(["x", "y", None])), max_size=30),
       st.randoms(use_true_random=False))
def test_repeated_keys_are_found_as_pandas_finds_them(rows, rnd):
    """``_repeats`` against ``DataFrame.duplicated(keep="first")`` on the open rows, missing as empty."""
    from graphkit.ingest.validate import _repeats

    frame = pd.DataFrame(rows, columns=["k1", "k2"], dtype="str") if rows else pd.DataFrame({"k1": [], "k2": []}, dtype="str")
    among = pd.Series([rnd.random() < 0.8 for _ in range(len(frame))], dtype=bool).to_numpy()
    expected = frame[among].fillna("").duplicated(keep="first").reindex(frame.index, fill_value=False).to_numpy()
    assert _repeats([frame["k1"], frame["k2"]], among).tolist() == expected.tolist()
    single = frame[among][["k1"]].fillna("").duplicated(keep="first").reindex(frame.index, fill_value=False)
    assert _repeats([frame["k1"]], among).tolist() == single.tolist()


@pytest.mark.parametrize("cells", [["2026-01-02", "2026-02-30", None, "2026-01-02", "x"], ["2026-01-02", "2026-01-02"],
                                   [None, None], ["bad"], []])
def test_dates_parsed_once_per_distinct_cell_equal_a_parse_of_every_cell(cells):
    from graphkit.ingest.validate import _parse_dates, _per_value

    s = pd.Series(cells, dtype="str", index=pd.RangeIndex(1, len(cells) + 1))
    once, every = _per_value(s, _parse_dates), _parse_dates(s)
    pd.testing.assert_series_equal(once, every, check_names=False)
