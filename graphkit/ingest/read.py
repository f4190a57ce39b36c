"""Read one contract table from a CSV or Parquet file into a frame of trimmed strings.

Every cell comes back as a string ("" for empty) so that validation sees exactly what the source
wrote; column names are trimmed and lower-cased, as the data contract promises.
"""

from __future__ import annotations

import csv
import hashlib
import os
import stat
import sys
from contextlib import contextmanager
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
    ragged_rows: tuple[int, ...] = ()

    @property
    def rows_read(self) -> int:
        return len(self.frame) + len(self.ragged_rows)


def find_table_files(folder: Path, tables: tuple[Table, ...]) -> dict[str, Path]:
    """Map each contract table present in ``folder`` to its file.

    Table names and extensions match case-insensitively, like column names (``Movements.CSV`` is
    the movements table). A name that is there but cannot be read -- a dangling symlink, a symlink
    loop, a folder, a file without read permission -- is a bad file, never an absent table: an
    optional table silently missing changes every lead. Two files for one table are ambiguous.
    """
    wanted = {table.name: table for table in tables}
    found: dict[str, list[Path]] = {}
    for entry in sorted(folder.iterdir()):
        stem, dot, ext = entry.name.rpartition(".")
        if dot and stem.strip().lower() in wanted and f".{ext.lower()}" in FORMATS:
            found.setdefault(stem.strip().lower(), []).append(entry)
    for name, paths in found.items():
        if len(paths) > 1:
            raise InputFileError(f"{folder}: {' and '.join(p.name for p in paths)} are all the {name} table; keep one")
        _check_readable(paths[0])
    return {name: found[name][0] for name in wanted if name in found}


def _check_readable(path: Path) -> None:
    """Raise :class:`InputFileError` unless ``path`` is a regular file this process can read."""
    problem = None
    try:
        mode = os.stat(path).st_mode
        if stat.S_ISDIR(mode):
            problem = "is a folder, not a file"
        elif not stat.S_ISREG(mode):
            problem = "is not a regular file"
        else:
            with open(path, "rb") as fh:
                fh.read(1)
    except FileNotFoundError:
        problem = "is a symlink to nothing"
    except PermissionError:
        problem = "cannot be read (permission denied)"
    except OSError as exc:  # ELOOP, EIO, ...: the name is there, the data is not
        problem = f"cannot be read ({exc.strerror or type(exc).__name__})"
    if problem:
        raise InputFileError(f"{path}: {problem}; the table must be a readable CSV or Parquet file")


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
    return RawTable(table.name, path, frame, ragged)


@contextmanager
def _no_field_limit():
    """Lift the csv module's 128 KiB field limit (a long free-text cell is data, not a bad file)."""
    before = csv.field_size_limit(sys.maxsize)
    try:
        yield
    finally:
        csv.field_size_limit(before)


def _header(path: Path) -> list[str]:
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh, _no_field_limit():
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
        return _read_csv_fast(path, header, 1 << 20), ()
    except pa.ArrowInvalid as exc:
        if "straddl" not in str(exc):
            return _csv_failure(path, header, exc)
    # a row longer than a block (one multi-megabyte cell): read again with a block that holds any row
    try:
        return _read_csv_fast(path, header, min(max(path.stat().st_size + 1, 1 << 20), (1 << 31) - 1)), ()
    except pa.ArrowInvalid as exc:
        return _csv_failure(path, header, exc)


def _csv_failure(path: Path, header: list[str], exc: pa.ArrowInvalid) -> tuple[pd.DataFrame, tuple[int, ...]]:
    text = str(exc)
    if "UTF8" in text or "utf8" in text.lower() and "invalid" in text.lower():
        raise InputFileError(f"{path}: not UTF-8 text; re-save it as UTF-8") from None
    if "Expected" in text and "columns" in text:
        return _read_csv_slowly(path, header)
    raise InputFileError(f"{path}: not a CSV table ({text.splitlines()[0]})") from None


def _read_csv_fast(path: Path, header: list[str], block_size: int) -> pd.DataFrame:
    arrow = pacsv.read_csv(
        path,
        read_options=pacsv.ReadOptions(column_names=header, skip_rows=1, encoding="utf8", block_size=block_size),
        parse_options=pacsv.ParseOptions(newlines_in_values=True),
        convert_options=pacsv.ConvertOptions(
            column_types={h: pa.string() for h in header}, strings_can_be_null=False, quoted_strings_can_be_null=False
        ),
    )
    return _one_chunk(arrow).to_pandas()


def _one_chunk(table: pa.Table) -> pa.Table:
    """``table`` with each column joined into one chunk (when its bytes fit one string array).

    The reader hands one chunk per 1 MiB block: every later take, lookup and sort on a column
    then pays a call per chunk (a graph page reads a few hundred rows from a hundred chunks).

    >>> _one_chunk(pa.table({"a": pa.chunked_array([["x"], ["y", "z"]])})).column("a").num_chunks
    1
    """
    # by position, not a dict by name: a repeated header must reach validation, which reports it
    return pa.Table.from_arrays([c.combine_chunks() if c.num_chunks > 1 and c.nbytes < 1 << 31 else c for c in table.columns],
                                names=table.column_names)


def _read_csv_slowly(path: Path, header: list[str]) -> tuple[pd.DataFrame, tuple[int, ...]]:
    """Row by row, for files with rows of the wrong width: those rows are reported, not read."""
    rows, numbers, ragged = [], [], []
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh, _no_field_limit():
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
    except UnicodeDecodeError:
        raise InputFileError(f"{path}: not UTF-8 text; re-save it as UTF-8") from None
    except csv.Error as exc:
        raise InputFileError(f"{path}: not a CSV table ({exc})") from None
    return pd.DataFrame(rows, columns=header, index=pd.Index(numbers), dtype=str), tuple(ragged)


def _read_parquet(path: Path) -> tuple[pd.DataFrame, tuple[int, ...]]:
    try:
        arrow = pq.read_table(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputFileError(f"{path}: not a Parquet table ({str(exc).splitlines()[0]})") from None
    names = [str(n).strip().lower() for n in arrow.column_names]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:  # caught here: a dict of columns would keep only the last of them
        raise InputFileError(f"{path}: column {repeated[0]!r} appears twice")
    columns = {}
    for name, col in zip(arrow.column_names, arrow.columns):
        if pa.types.is_nested(col.type):
            raise InputFileError(f"{path}: column {name!r} holds {col.type} values; a contract column holds one value per row")
        if pa.types.is_date(col.type) or pa.types.is_timestamp(col.type):
            col = col.cast(pa.date32())
        try:
            columns[name] = col.cast(pa.string()).fill_null("")
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
            what = "not UTF-8 text" if "UTF8" in str(exc) else f"{col.type} values cannot be read as text"
            raise InputFileError(f"{path}: column {name!r}: {what}") from None
    return pa.table(columns).to_pandas(), ()
