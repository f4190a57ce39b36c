"""Read one contract table from a CSV or Parquet file into a frame of trimmed strings.

Every cell comes back as a string ("" for empty) so that validation sees exactly what the source
wrote; column names are trimmed and lower-cased, as the data contract promises.
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from graphkit.errors import InputFileError
from graphkit.schema import Table

FORMATS = (".csv", ".parquet")


@dataclass(frozen=True)
class RawTable:
    """A table as read: string cells, and rows whose field count did not match the header."""

    name: str
    path: Path
    frame: pd.DataFrame  # index = data row number, counting from 1
    sha256: str
    ragged_rows: tuple[int, ...] = ()

    @property
    def rows_read(self) -> int:
        return len(self.frame) + len(self.ragged_rows)


def find_table_files(folder: Path, tables: tuple[Table, ...]) -> dict[str, Path]:
    """Map each contract table present in ``folder`` to its file.

    A table given both as CSV and as Parquet is ambiguous and stops the run.
    """
    found: dict[str, Path] = {}
    for table in tables:
        paths = [folder / f"{table.name}{ext}" for ext in FORMATS if (folder / f"{table.name}{ext}").is_file()]
        if len(paths) > 1:
            raise InputFileError(f"{paths[0]}: both {paths[0].name} and {paths[1].name} exist; keep one")
        if paths:
            found[table.name] = paths[0]
    return found


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes, streamed."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_table(path: Path, table: Table) -> RawTable:
    """Read ``path`` as contract table ``table``.

    Raises :class:`~graphkit.errors.InputFileError` (one line, naming the file and, where it
    applies, the column) when the file is not a table, not UTF-8, or lacks a required column.
    """
    frame, ragged = _read_parquet(path) if path.suffix == ".parquet" else _read_csv(path)
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    repeated = frame.columns[frame.columns.duplicated()].tolist()
    if repeated:
        raise InputFileError(f"{path}: column {repeated[0]!r} appears twice in the header")
    for col in table.required:
        if col not in frame.columns:
            raise InputFileError(f"{path}: required column {col!r} is missing (header: {', '.join(frame.columns)})")
    frame.index = pd.RangeIndex(1, len(frame) + 1) if not ragged else frame.index
    return RawTable(table.name, path, frame, file_sha256(path), ragged)


def _header(path: Path) -> list[str]:
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            header = next(csv.reader(fh), None)
    except UnicodeDecodeError as exc:
        raise InputFileError(f"{path}: not UTF-8 text (byte {exc.start} of the header); re-save it as UTF-8") from None
    except csv.Error as exc:
        raise InputFileError(f"{path}: not a CSV table ({exc})") from None
    if not header or not any(h.strip() for h in header):
        raise InputFileError(f"{path}: no header row; the first line must name the columns")
    return header


def _read_csv(path: Path) -> tuple[pd.DataFrame, tuple[int, ...]]:
    header = _header(path)
    try:
        arrow = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(column_names=header, skip_rows=1, encoding="utf8"),
            parse_options=pacsv.ParseOptions(newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types={h: pa.string() for h in header}, strings_can_be_null=False, quoted_strings_can_be_null=False
            ),
        )
    except pa.ArrowInvalid as exc:
        text = str(exc)
        if "UTF8" in text or "utf8" in text.lower() and "invalid" in text.lower():
            raise InputFileError(f"{path}: not UTF-8 text; re-save it as UTF-8") from None
        if "Expected" in text and "columns" in text:
            return _read_csv_slowly(path, header)
        raise InputFileError(f"{path}: not a CSV table ({text.splitlines()[0]})") from None
    return arrow.to_pandas(), ()


def _read_csv_slowly(path: Path, header: list[str]) -> tuple[pd.DataFrame, tuple[int, ...]]:
    """Row by row, for files with rows of the wrong width: those rows are reported, not read."""
    rows, numbers, ragged = [], [], []
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        next(reader)
        number = 0
        for row in reader:
            if not row:
                continue
            number += 1
            if len(row) == len(header):
                rows.append(row)
                numbers.append(number)
            else:
                ragged.append(number)
    return pd.DataFrame(rows, columns=header, index=pd.Index(numbers), dtype=str), tuple(ragged)


def _read_parquet(path: Path) -> tuple[pd.DataFrame, tuple[int, ...]]:
    try:
        arrow = pq.read_table(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputFileError(f"{path}: not a Parquet table ({str(exc).splitlines()[0]})") from None
    columns = {}
    for name, col in zip(arrow.column_names, arrow.columns):
        if pa.types.is_date(col.type) or pa.types.is_timestamp(col.type):
            col = col.cast(pa.date32())
        columns[name] = col.cast(pa.string()).fill_null("")
    return pa.table(columns).to_pandas(), ()
