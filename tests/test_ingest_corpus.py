"""A malformed-input corpus (issue 12): every case is a tiny folder built here, run through the real
CLI in-process. Each ends in exit 2 with one line naming the file (and nothing written), or exit 0
with ``accepted + rejected = read`` for every table; never exit 1, never a traceback.

Most cases run ``graphkit load`` (reading and validation are where input faults are handled); the
``SCORED`` ones run ``graphkit score`` too, since some faults (a header-only table) only showed in
the analysis; a few run in a real subprocess, as cron would.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from graphkit.datasets import tiny_path
from graphkit.schema import load_schema
from tests.clirun import Outcome, invoke

PERSONS = ("person_id,full_name,sex,birth_date,nationality,passport_no,passport_country\n"
           "P1,Li Wei,M,1990-01-01,CHN,E1,CHN\nP2,Budi Santoso,F,1985-05-05,IDN,B2,IDN\n")
PERMITS = ("permit_id,person_id,permit_type,purpose,sponsor_id,issued_on,expires_on,office\n"
           "K1,P1,VISIT,TOURISM,,2026-01-01,2026-03-01,Kantor Imigrasi Palembang\n"
           "K2,P2,LIMITED_STAY,WORK,,2026-01-01,2027-01-01,Kantor Imigrasi Palembang\n")
PERSON_HEADER = PERSONS.splitlines()[0] + "\n"


def minimal(folder: Path, **tables: str | bytes | None) -> Path:
    """persons.csv and permits.csv of two good rows each, changed by ``tables``: ``name=content``
    writes ``name.csv`` (``stem_ext=...`` writes ``stem.ext``, e.g. ``Movements_CSV``), ``name=None``
    leaves ``name.csv`` out."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {"persons.csv": PERSONS, "permits.csv": PERMITS}
    for name, content in tables.items():
        stem, _, ext = name.partition("_")
        files[f"{stem}.{ext or 'csv'}"] = content
    for name, content in files.items():
        if content is None:
            continue
        path = folder / name
        path.write_bytes(content) if isinstance(content, bytes) else path.write_text(content, encoding="utf-8")
    return folder


def tiny(folder: Path) -> Path:
    shutil.copytree(tiny_path(), folder)
    return folder


def parquet(folder: Path, name: str, table: pa.Table, drop_csv: bool = True) -> Path:
    folder = minimal(folder)
    if drop_csv:
        (folder / f"{name}.csv").unlink(missing_ok=True)
    pq.write_table(table, folder / f"{name}.parquet")
    return folder


def persons_table(**columns) -> pa.Table:
    base = {"person_id": pa.array(["P1", "P2"]), "full_name": pa.array(["Li Wei", "Budi"])}
    return pa.table({**base, **columns})


def _symlink(folder: Path, name: str, target, **tables) -> Path:
    folder = minimal(folder, **tables)
    (folder / name).symlink_to(target(folder) if callable(target) else target)
    return folder


def _fifo(folder: Path) -> Path:
    folder = minimal(folder)
    os.mkfifo(folder / "movements.csv")
    return folder


def _folder_named(folder: Path, name: str, **tables) -> Path:
    folder = minimal(folder, **tables)
    (folder / name).mkdir()
    return folder


def _big_header(n: int) -> str:
    extra = ",".join(f"x{i}" for i in range(n))
    return f"person_id,full_name,{extra}\nP1,A,{','.join('v' for _ in range(n))}\nP2,B,{','.join('' for _ in range(n))}\n"


# name -> (builder(folder) -> input path, expected: "bad" (exit 2, one line naming `names`) or "rows")
BAD, ROWS = "bad", "rows"
CASES: dict[str, tuple] = {
    # --- a name that exists but cannot be read is a bad file, optional or required (12.1) ---
    "dangling_symlink_optional": (lambda f: _symlink(f, "movements.csv", "/nonexistent/movements.csv"), BAD, "movements.csv"),
    "dangling_symlink_required": (lambda f: _symlink(f, "persons.parquet", "/nonexistent/p.parquet", persons=None), BAD, "persons.parquet"),
    "symlink_loop_optional": (lambda f: _symlink(f, "movements.csv", lambda d: d / "movements.csv"), BAD, "movements.csv"),
    "symlink_loop_required": (lambda f: _symlink(f, "Permits.PARQUET", lambda d: d / "Permits.PARQUET", permits=None), BAD, "Permits.PARQUET"),
    "folder_named_like_a_table": (lambda f: _folder_named(f, "employers.csv"), BAD, "employers.csv"),
    "folder_named_like_required_table": (lambda f: _folder_named(f, "persons.parquet", persons=None), BAD, "persons.parquet"),
    "fifo_named_like_a_table": (_fifo, BAD, "movements.csv"),
    "device_named_like_a_table": (lambda f: _symlink(f, "residences.csv", "/dev/null"), BAD, "residences.csv"),
    "csv_and_parquet_of_one_table": (lambda f: parquet(f, "persons", persons_table(), drop_csv=False), BAD, "persons"),
    "two_cases_of_one_table": (lambda f: minimal(f, Persons_CSV=PERSONS), BAD, "ersons"),
    "upper_case_table_name": (lambda f: minimal(f, Movements_CSV="person_id,direction,date\nP1,ARRIVAL,2026-01-01\n"), ROWS, "movements"),
    "upper_case_extension": (lambda f: minimal(f, persons=None, persons_CSV=PERSONS), ROWS, "persons"),
    "symlink_to_a_good_file": (lambda f: _symlink(minimal(f, Movements_TXT="person_id,direction,date\nP1,ARRIVAL,2026-01-01\n"),
                                                 "movements.csv", lambda d: d / "Movements.TXT"), ROWS, "movements"),
    "unrelated_files_beside": (lambda f: minimal(f, README_txt="notes", persons_csv_bak=PERSONS, notes_csv="a,b\n"), ROWS, "persons"),
    # --- the folder itself ---
    "input_is_a_file": (lambda f: minimal(f) / "persons.csv", BAD, "not a folder"),
    "input_does_not_exist": (lambda f: f / "nowhere", BAD, "not a folder"),
    "empty_folder": (lambda f: (f.mkdir(), f)[1], BAD, "persons"),
    "required_table_missing": (lambda f: (minimal(f), (f / "permits.csv").unlink(), f)[2], BAD, "permits"),
    "only_a_tsv_of_a_required_table": (lambda f: (minimal(f, permits_tsv=PERMITS.replace(",", "\t")), (f / "permits.csv").unlink(), f)[2], BAD, "permits"),
    # --- whole-file faults (12.5 and the contract's bad files) ---
    "empty_file": (lambda f: minimal(f, persons=""), BAD, "persons.csv"),
    "blank_header": (lambda f: minimal(f, persons=",,,\nP1,A,,\n"), BAD, "persons.csv"),
    "latin1_text": (lambda f: minimal(f, persons=PERSON_HEADER.encode() + "P1,José,M,,,,\n".encode("latin-1")), BAD, "UTF-8"),
    "latin1_header": (lambda f: minimal(f, persons="person_id,full_name,ñ\n".encode("latin-1")), BAD, "UTF-8"),
    "utf16_with_bom": (lambda f: minimal(f, persons=PERSONS.encode("utf-16")), BAD, "persons.csv"),
    "utf8_bom_is_fine": (lambda f: minimal(f, persons="\ufeff" + PERSONS), ROWS, "persons"),
    "missing_required_column": (lambda f: minimal(f, permits="permit_id,person_id\nK1,P1\n"), BAD, "permit_type"),
    "repeated_column": (lambda f: minimal(f, persons="person_id,full_name,full_name\nP1,A,B\n"), BAD, "full_name"),
    "repeated_column_by_case": (lambda f: minimal(f, persons="person_id,full_name,Full_Name \nP1,A,B\n"), BAD, "full_name"),
    "binary_garbage": (lambda f: minimal(f, persons=bytes(range(256)) * 8), BAD, "persons.csv"),
    "parquet_bytes_in_a_csv": (lambda f: (parquet(f, "x", persons_table()), minimal(f, persons=(f / "x.parquet").read_bytes()))[1], BAD, "persons.csv"),
    "csv_text_in_a_parquet": (lambda f: minimal(f, persons=None, persons_parquet=PERSONS), BAD, "persons.parquet"),
    "empty_parquet_file": (lambda f: minimal(f, persons=None, persons_parquet=b""), BAD, "persons.parquet"),
    "truncated_parquet": (lambda f: (parquet(f, "persons", persons_table()), (f / "persons.parquet").write_bytes((f / "persons.parquet").read_bytes()[:-40]), f)[2], BAD, "persons.parquet"),
    "parquet_non_utf8_binary": (lambda f: parquet(f, "persons", persons_table(full_name=pa.array([b"\xff\xfe", b"ok"], pa.binary()))), BAD, "full_name"),
    "parquet_list_column": (lambda f: parquet(f, "persons", persons_table(full_name=pa.array([["a"], ["b"]]))), BAD, "full_name"),
    "parquet_struct_column": (lambda f: parquet(f, "persons", persons_table(full_name=pa.array([{"a": 1}, {"a": 2}]))), BAD, "full_name"),
    "parquet_map_extra_column": (lambda f: parquet(f, "persons", persons_table(tags=pa.array([[("k", "v")], []], pa.map_(pa.string(), pa.string())))), BAD, "tags"),
    "parquet_missing_required_column": (lambda f: parquet(f, "persons", pa.table({"person_id": ["P1"]})), BAD, "full_name"),
    "parquet_repeated_column": (lambda f: parquet(f, "persons", pa.Table.from_arrays([pa.array(["P1"]), pa.array(["A"]), pa.array(["B"])],
                                                                                     names=["person_id", "full_name", "full_name"])), BAD, "full_name"),
    "unterminated_quote": (lambda f: minimal(f, persons=PERSONS + 'P3,"Never closed,M,,,,\n'), ROWS, "persons"),
    # --- rows: every one accepted or rejected with a reason ---
    "header_only_permits": (lambda f: minimal(f, permits=PERMITS.splitlines()[0] + "\n"), ROWS, "permits"),
    "header_only_persons": (lambda f: minimal(f, persons=PERSON_HEADER), ROWS, "persons"),
    "header_only_everything": (lambda f: minimal(f, persons=PERSON_HEADER, permits=PERMITS.splitlines()[0] + "\n",
                                                 movements="person_id,direction,date\n", employers="employer_id,name\n",
                                                 employment="person_id,employer_id,source\n", sponsors="sponsor_id,sponsor_type,name\n",
                                                 addresses="address_id,line,city\n", residences="person_id,address_id\n"), ROWS, "persons"),
    "parquet_zero_rows": (lambda f: parquet(f, "persons", pa.table({"person_id": pa.array([], pa.string()), "full_name": pa.array([], pa.string())})), ROWS, "persons"),
    "row_too_short": (lambda f: minimal(f, persons=PERSONS + "P3,Short\n"), ROWS, "persons"),
    "row_too_long": (lambda f: minimal(f, persons=PERSONS + "P3,Long,M,,,,,,extra,extra\n"), ROWS, "persons"),
    "field_of_200kb_beside_a_ragged_row": (lambda f: minimal(f, persons=PERSONS + "P3," + "x" * 200_000 + ",M,,,,\nP4,a\n"), ROWS, "persons"),
    "field_of_3mb": (lambda f: minimal(f, persons=PERSONS + "P3," + "y" * 3_000_000 + ",M,,,,\n"), ROWS, "persons"),
    "header_field_of_200kb": (lambda f: minimal(f, persons=PERSON_HEADER.rstrip("\n") + ",n" + "z" * 200_000 + "\nP1,A,M,,,,,v\n"), ROWS, "persons"),
    "newline_inside_quotes": (lambda f: minimal(f, persons=PERSONS + 'P3,"Two\nLines",M,,,,\n'), ROWS, "persons"),
    "crlf_line_ends": (lambda f: minimal(f, persons=PERSONS.replace("\n", "\r\n"), permits=PERMITS.replace("\n", "\r\n")), ROWS, "persons"),
    "cr_only_line_ends": (lambda f: minimal(f, persons=PERSONS.replace("\n", "\r")), ROWS, "persons"),
    "blank_lines_between_rows": (lambda f: minimal(f, persons=PERSONS.replace("\nP2", "\n\n\nP2") + "\n\n"), ROWS, "persons"),
    "no_newline_at_end": (lambda f: minimal(f, persons=PERSONS.rstrip("\n")), ROWS, "persons"),
    "nul_byte_in_a_field": (lambda f: minimal(f, persons=PERSONS + "P3,Nul\x00Name,M,,,,\n"), ROWS, "persons"),
    "only_commas_row": (lambda f: minimal(f, persons=PERSONS + ",,,,,,\n"), ROWS, "persons"),
    "whitespace_only_required": (lambda f: minimal(f, persons=PERSONS + "P3,   ,M,,,,\n"), ROWS, "persons"),
    "padded_column_names": (lambda f: minimal(f, persons=" Person_ID , FULL_NAME \nP1,A\nP2,B\n"), ROWS, "persons"),
    "quoted_header": (lambda f: minimal(f, persons='"person_id","full_name"\n"P1","A"\n"P2","B"\n'), ROWS, "persons"),
    "thousand_extra_columns": (lambda f: minimal(f, persons=_big_header(1000)), ROWS, "persons"),
    "extra_columns_carried": (lambda f: minimal(f, persons=PERSONS.replace("passport_country\n", "passport_country,note\n", 1)
                                                 .replace("CHN\n", "CHN,x\n").replace("IDN\n", "IDN,y\n")), ROWS, "persons"),
    "duplicate_ids": (lambda f: minimal(f, persons=PERSONS + "P1,Again,M,,,,\n"), ROWS, "persons"),
    "ids_differing_by_case": (lambda f: minimal(f, persons=PERSONS + "p1,Lower,M,,,,\n"), ROWS, "persons"),
    "id_with_semicolon": (lambda f: minimal(f, persons=PERSONS + "P;3,Semi,M,,,,\n"), ROWS, "persons"),
    "id_of_300_characters": (lambda f: minimal(f, persons=PERSONS + "P" + "9" * 299 + ",Long Id,M,,,,\n"), ROWS, "persons"),
    "id_with_quotes_slashes_unicode": (lambda f: minimal(f, persons=PERSONS + '"P/3:\'x""ü—",Odd,M,,,,\n'), ROWS, "persons"),
    "unknown_reference": (lambda f: minimal(f, permits=PERMITS + "K3,P9,VISIT,,,2026-01-01,2026-02-01,\n"), ROWS, "permits"),
    "reference_to_a_rejected_row": (lambda f: minimal(f, persons=PERSONS + "P3,,M,,,,\n", permits=PERMITS + "K3,P3,VISIT,,,2026-01-01,2026-02-01,\n"), ROWS, "permits"),
    "impossible_date": (lambda f: minimal(f, persons=PERSONS + "P3,Feb,M,2026-02-30,,,\n"), ROWS, "persons"),
    "date_in_another_format": (lambda f: minimal(f, persons=PERSONS + "P3,Slash,M,30/01/1990,,,\n"), ROWS, "persons"),
    "date_out_of_timestamp_range": (lambda f: minimal(f, persons=PERSONS + "P3,Old,M,0001-01-01,,,\nP4,Far,M,9999-12-31,,,\n"), ROWS, "persons"),
    "expiry_before_issue": (lambda f: minimal(f, permits=PERMITS + "K3,P1,VISIT,,,2026-05-01,2026-01-01,\n"), ROWS, "permits"),
    "enum_in_lower_case": (lambda f: minimal(f, permits=PERMITS + "K3,P1,visit,tourism,,2026-05-01,2026-06-01,\n"), ROWS, "permits"),
    "unknown_enum": (lambda f: minimal(f, permits=PERMITS + "K3,P1,GOLDEN,,,2026-05-01,2026-06-01,\n"), ROWS, "permits"),
    "bad_country_code": (lambda f: minimal(f, persons=PERSONS + "P3,Cc,M,,ID,,\n"), ROWS, "persons"),
    "coordinates_bad": (lambda f: minimal(f, addresses="address_id,line,city,latitude,longitude\nA1,Jl. 1,Palembang,nan,104\n"
                                                     "A2,Jl. 2,Palembang,inf,104\nA3,Jl. 3,Palembang,-95,104\nA4,Jl. 4,Palembang,1e400,0\n"
                                                     "A5,Jl. 5,Palembang,-2.9,104.7\n"), ROWS, "addresses"),
    "formula_and_markup_values": (lambda f: minimal(f, persons=PERSONS + '"P3","=HYPERLINK(""x"")",M,,,,\nP4,<img src=x onerror=alert(1)>,F,,,,\n'
                                                    "P5,@SUM(A1),X,,,,\n"), ROWS, "persons"),
    "unicode_oddities": (lambda f: minimal(f, persons=PERSONS + "P3,\u202eRTL\u200bzero-width \U0001F600,M,,,,\n"), ROWS, "persons"),
    "dates_in_the_future": (lambda f: minimal(f, persons=PERSONS + "P3,Unborn,M,2090-01-01,,,\n"), ROWS, "persons"),
    "all_sponsor_types_bad": (lambda f: minimal(f, sponsors="sponsor_id,sponsor_type,name\nS1,COMPANY,A\nS2,,B\nS3,PERSON,C\n"), ROWS, "sponsors"),
    "employment_of_unknown_people": (lambda f: minimal(f, employers="employer_id,name\nE1,PT A\n",
                                                       employment="person_id,employer_id,source\nP9,E1,INSPECTION\nP1,E9,REPORT\nP1,E1,RUMOUR\n"), ROWS, "employment"),
    "movements_messy": (lambda f: minimal(f, movements="person_id,direction,date,port\nP1,ARRIVAL,2026-01-01,X\nP1,ARRIVAL,2026-01-01,X\n"
                                                       "P1,ENTRY,2026-01-02,X\nP2,DEPARTURE,,X\nP9,ARRIVAL,2026-01-01,X\n"), ROWS, "movements"),
    "parquet_typed_columns": (lambda f: parquet(f, "addresses", pa.table({
        "address_id": pa.array([1, 2], pa.int64()), "line": pa.array(["Jl. 1", None]), "city": pa.array(["Palembang", "Lahat"]),
        "latitude": pa.array([-2.9, 91.0]), "longitude": pa.array([104.7, None], pa.float32())})), ROWS, "addresses"),
    "parquet_dates_and_timestamps": (lambda f: parquet(f, "movements", pa.table({
        "person_id": ["P1", "P2"], "direction": ["ARRIVAL", "DEPARTURE"],
        "date": pa.array([pa.scalar(0, pa.timestamp("ms")).as_py(), None], pa.timestamp("ms"))})), ROWS, "movements"),
    "parquet_dictionary_bool_decimal": (lambda f: parquet(f, "persons", persons_table(
        sex=pa.array(["M", "F"]).dictionary_encode(), flag=pa.array([True, None]),
        amount=pa.array([None, None], pa.decimal128(5, 2)),
        big=pa.array(["x", "y"], pa.large_string()))), ROWS, "persons"),
    "parquet_with_nulls_in_required": (lambda f: parquet(f, "persons", pa.table({"person_id": ["P1", None, "P3"], "full_name": ["A", "B", None]})), ROWS, "persons"),
}

# the ones worth a whole analysis too: their tables reach the indicators empty, odd or sparse
SCORED = {"header_only_permits", "header_only_persons", "header_only_everything", "parquet_zero_rows", "id_with_semicolon",
          "id_of_300_characters", "id_with_quotes_slashes_unicode", "formula_and_markup_values", "field_of_3mb",
          "employment_of_unknown_people", "movements_messy", "upper_case_table_name", "dangling_symlink_optional",
          "folder_named_like_a_table", "parquet_non_utf8_binary"}


def check(outcome: Outcome, expected: str, hint: str, out: Path) -> dict | None:
    assert outcome.code in (0, 2), (outcome.code, outcome.stderr)
    assert "Traceback" not in outcome.stderr + outcome.stdout and "internal error" not in outcome.stderr
    if expected == BAD:
        assert outcome.code == 2, outcome.stdout
        assert outcome.stderr.count("\n") == 1 and outcome.stderr.startswith("graphkit: "), outcome.stderr
        assert hint in outcome.stderr, outcome.stderr
        assert not out.exists(), "a bad file stops the run before anything is written"
        return None
    assert outcome.code == 0, outcome.stderr
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert hint in manifest["rows"]
    for table, counts in manifest["rows"].items():
        assert counts["accepted"] + counts["rejected"] == counts["read"], table
    rejects = (out / "rejects.csv").read_text(encoding="utf-8").count("\n") - 1
    assert rejects >= sum(c["rejected"] for c in manifest["rows"].values())
    return manifest


def test_the_corpus_is_big_enough():
    assert len(CASES) >= 70
    assert sum(e == BAD for _, e, _ in CASES.values()) >= 25 and sum(e == ROWS for _, e, _ in CASES.values()) >= 35


@pytest.mark.parametrize("name", sorted(CASES))
def test_malformed_input(name: str, tmp_path: Path):
    build, expected, hint = CASES[name]
    folder = build(tmp_path / "in")
    out = tmp_path / "out"
    check(invoke("load", folder, "--out", out), expected, hint, out)
    if name in SCORED:
        scored = tmp_path / "scored"
        manifest = check(invoke("score", folder, "--out", scored, "--as-of", "2026-11-01"), expected, hint, scored)
        if manifest is not None:
            assert (scored / "scores.csv").is_file() and (scored / "report.html").is_file()


def test_absent_optional_tables_are_named_in_manifest_and_console(tmp_path: Path):
    folder = minimal(tmp_path / "in", movements="person_id,direction,date\nP1,ARRIVAL,2026-01-01\n")
    r = invoke("score", folder, "--out", tmp_path / "out", "--as-of", "2026-11-01")
    assert r.code == 0, r.stderr
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    absent = [t.name for t in load_schema().tables if t.name not in ("persons", "permits", "movements")]
    assert manifest["absent_tables"] == absent
    assert f"optional tables absent: {', '.join(absent)}" in r.stdout
    full = invoke("load", tiny_path(), "--out", tmp_path / "full")
    assert "optional tables absent" not in full.stdout
    assert json.loads((tmp_path / "full" / "manifest.json").read_text(encoding="utf-8"))["absent_tables"] == []


def test_an_unreadable_table_is_a_bad_file_even_for_root(tmp_path: Path):
    """Permission denied (12.1). Root reads any file, so as root the CLI runs without the two
    capabilities that let it (util-linux setpriv): the same refusal a normal user meets."""
    folder = minimal(tmp_path / "in", movements="person_id,direction,date\nP1,ARRIVAL,2026-01-01\n")
    os.chmod(folder / "movements.csv", 0o000)
    without = ["setpriv", "--bounding-set=-dac_override,-dac_read_search"] if os.geteuid() == 0 else []
    try:
        proc = subprocess.run([*without, sys.executable, "-m", "graphkit", "load", str(folder), "--out", str(tmp_path / "out")],
                              capture_output=True, text=True)
    finally:
        os.chmod(folder / "movements.csv", 0o644)
    assert proc.returncode == 2, proc.stderr
    assert "movements.csv" in proc.stderr and "permission denied" in proc.stderr and proc.stderr.count("\n") == 1
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("name", ["symlink_loop_optional", "header_only_permits", "parquet_list_column", "field_of_200kb_beside_a_ragged_row"])
def test_a_few_through_a_real_process(name: str, tmp_path: Path):
    build, expected, hint = CASES[name]
    folder = build(tmp_path / "in")
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "graphkit", "score", str(folder), "--out", str(out), "--as-of", "2026-11-01"],
                          capture_output=True, text=True, env={k: v for k, v in os.environ.items() if k != "GRAPHKIT_DEBUG"})
    check(Outcome(proc.returncode, proc.stdout, proc.stderr), expected, hint, out)
