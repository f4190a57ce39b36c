"""Fuzzed input folders (issue 12): whatever the bytes, ingest ends in a one-line bad-file error or in
every row accepted or rejected (``accepted + rejected = read``), never another exception.

A few hundred examples here keep the suite fast; ``python -m benchmarks.fuzz_ingest`` runs the same
test with ``GRAPHKIT_FUZZ_EXAMPLES=10000``.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from graphkit import load_folder
from graphkit.errors import InputFileError
from graphkit.schema import load_schema

EXAMPLES = int(os.environ.get("GRAPHKIT_FUZZ_EXAMPLES", "200"))
SCHEMA = load_schema()
# the characters that break parsers, quoting, ids and spreadsheets, with ordinary ones
CHARS = st.sampled_from(list("abcXYZ019 -_/:;,\"'\n\r\t=+@.|\\") + ["\x00", "é", "中", "\u202e", "\U0001F600", "\ufeff"])
CELL = st.one_of(st.text(CHARS, max_size=12), st.sampled_from(["", "P1", "P2", "K1", "VISIT", "work", "2026-01-01", "2026-02-30",
                                                               "IDN", "-6.2", "1e400", "nan", "ARRIVAL", "INDIVIDUAL"]))


def _column_names(table, hostile: bool) -> st.SearchStrategy[list[str]]:
    """Mostly a usable header (the required columns, some others, any order and case), sometimes anything."""
    known = list(table.column_names)
    usable = st.tuples(st.permutations(known), st.integers(len(table.required), len(known)), st.booleans()).map(
        lambda t: [c.upper() if t[2] else c for c in ([*table.required] + [c for c in t[0] if c not in table.required])[:t[1]]])
    name = st.one_of(st.sampled_from(known), st.sampled_from([c.upper() for c in known] + [f" {c} " for c in known]),
                     st.text(CHARS, max_size=6))
    return st.one_of(usable, st.lists(name, min_size=0, max_size=len(known) + 2)) if hostile else usable


def _csv_text(header: list[str], rows: list[list[str]], quote_all: bool, line_end: str) -> str:
    def cell(v: str) -> str:
        return '"' + v.replace('"', '""') + '"' if quote_all or any(c in v for c in ',"\n\r') else v
    return line_end.join(",".join(cell(v) for v in row) for row in [header, *rows]) + line_end


@st.composite
def table_file(draw, table, hostile: bool) -> tuple[str, bytes]:
    """One file for ``table``: structured CSV (mostly), raw bytes, or Parquet of the same cells.
    Unless ``hostile``, the header is usable and the file a table, so the rows get fuzzed too."""
    header = draw(_column_names(table, hostile))
    width = len(header)
    rows = draw(st.lists(st.lists(CELL, min_size=max(width - 2, 0), max_size=width + 2), max_size=8))
    kind = draw(st.sampled_from(["csv"] * 6 + ["bytes", "parquet", "parquet"] if hostile else ["csv"] * 3 + ["parquet"]))
    if kind == "bytes":
        return f"{table.name}.csv", draw(st.binary(max_size=200))
    if kind == "parquet":
        names = header or ["x"]
        cols = {}
        for i, n in enumerate(dict.fromkeys(names)):
            values = [r[i] if i < len(r) else None for r in rows]
            arrow_type = draw(st.sampled_from(["string", "binary", "int", "null"] if hostile else ["string", "string", "int", "null"]))
            if arrow_type == "binary":
                cols[n] = pa.array([None if v is None else v.encode("utf-8", "surrogatepass") for v in values], pa.binary())
            elif arrow_type == "int":
                cols[n] = pa.array([len(v) if v else None for v in values], pa.int64())
            elif arrow_type == "null":
                cols[n] = pa.nulls(len(values))
            else:
                cols[n] = pa.array(values, pa.string())
        sink = pa.BufferOutputStream()
        pq.write_table(pa.table(cols), sink)
        return f"{table.name}.parquet", sink.getvalue().to_pybytes()
    text = _csv_text(header, rows, draw(st.booleans()), draw(st.sampled_from(["\n", "\r\n", "\r"])))
    return f"{draw(st.sampled_from([table.name, table.name.upper()]))}.csv", text.encode("utf-8", "surrogatepass")


@st.composite
def folder_files(draw) -> dict[str, bytes]:
    files = {}
    hostile = draw(st.integers(0, 2)) == 0  # a third of the folders have anything in them; the rest are tables
    for table in SCHEMA.tables:
        if draw(st.integers(0, 9)) < (9 if not table.optional else 3):
            name, content = draw(table_file(table, hostile))
            files[name] = content
    return files


@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> Path:
    """One folder for every example (module-scoped: hypothesis reruns the test body, not fixtures)."""
    return tmp_path_factory.mktemp("fuzz")


@settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(files=folder_files())
def test_any_folder_is_a_one_line_error_or_every_row_accounted_for(scratch: Path, files: dict[str, bytes]):
    folder = scratch / "in"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    for name, content in files.items():
        (folder / name).write_bytes(content)
    try:
        data = load_folder(folder)
    except InputFileError as exc:
        message = str(exc)
        assert message and "\n" not in message and str(folder) in message
        event("bad file: one line")
        return
    event("read: every row accounted for")
    for table, counts in data.counts.items():
        assert counts["accepted"] + counts["rejected"] == counts["read"], table
        assert counts["accepted"] == len(data.tables[table])
    assert len(data.rejects) == sum(c["rejected"] for c in data.counts.values())
    assert set(data.rejects["reason"]) <= {"bad_shape", "missing_required", "bad_type", "bad_enum", "bad_format",
                                           "bad_range", "duplicate_key", "unknown_reference"}
