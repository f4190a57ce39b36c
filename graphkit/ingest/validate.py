"""Validate raw tables against the schema: every row is accepted or rejected with a reason.

Checks run in a fixed order and a row is rejected for the first that fails, so ``rejects.csv``
has exactly one line per rejected row:

``bad_shape`` (wrong number of fields), ``missing_required``, ``bad_type``, ``bad_enum``,
``bad_format`` (also: an id holding ``;``, the separator of ``source_ids``), ``bad_range``, ``duplicate_key`` (the first valid row with a key is kept),
``unknown_reference`` (no accepted row with that id in the referenced table).

Tables are validated in dependency order, so a reference to a rejected row is itself rejected.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from graphkit.arrowops import isin
from graphkit.ingest.read import RawTable
from graphkit.schema import Schema, Table

REASONS = (
    "bad_shape",
    "missing_required",
    "bad_type",
    "bad_enum",
    "bad_format",
    "bad_range",
    "duplicate_key",
    "unknown_reference",
)
REJECT_COLUMNS = ["table", "row_number", "column", "value", "reason"]
_DATE = r"^\d{4}-\d{2}-\d{2}$"
_COUNTRY = r"^[A-Za-z]{3}$"


class _Verdicts:
    """Per-row first failure: reason, column and offending value.

    Kept as numpy codes, one small integer per row: which check failed first (0: none yet). The
    reason, column and value of a check are looked up only for the rows it rejected, at the end.
    """

    def __init__(self, index: pd.Index):
        self.index = index
        self.check = np.zeros(len(index), dtype=np.int32)
        self.checks: list[tuple[str, str, pd.Series]] = []

    @property
    def open(self) -> np.ndarray:
        return self.check == 0

    def fail(self, mask, reason: str, column: str, values: pd.Series) -> None:
        hit = np.asarray(mask, dtype=bool) & self.open
        if hit.any():
            self.checks.append((reason, column, values))
            self.check[hit] = len(self.checks)

    def rejected(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """``(positions, reasons, columns, values)`` of the rejected rows, in row order."""
        at = np.flatnonzero(self.check)
        reasons = np.empty(len(at), dtype=object)
        columns = np.empty(len(at), dtype=object)
        values = np.empty(len(at), dtype=object)
        codes = self.check[at]
        for number, (reason, column, source) in enumerate(self.checks, start=1):
            mine = codes == number
            reasons[mine], columns[mine] = reason, column
            values[mine] = source.iloc[at[mine]].fillna("").to_numpy(dtype=object)
        return at, reasons, columns, values


def _trimmed(frame: pd.DataFrame) -> pd.DataFrame:
    """Every cell with surrounding whitespace taken off, and an empty cell missing, by Arrow's
    kernels (``utf8_trim_whitespace``, as pandas' ``str.strip`` on Arrow strings)."""
    columns = {}
    for name in frame.columns:
        cells = pc.utf8_trim_whitespace(pa.array(frame[name].astype(pd.StringDtype("pyarrow")).array))
        columns[name] = pc.if_else(pc.equal(cells, ""), pa.scalar(None, cells.type), cells)
    return pa.table(columns).to_pandas().set_axis(frame.index)


def validate_table(raw: RawTable, table: Table, accepted_keys: dict[str, pd.Index]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Validate one raw table; return (accepted typed frame, rejects frame).

    ``accepted_keys`` maps each already-validated table to the index of its accepted keys; the
    caller adds this table's keys after the call.
    """
    frame = _trimmed(raw.frame) if len(raw.frame) else raw.frame.copy()
    for col in table.column_names:
        if col not in frame.columns:
            frame[col] = pd.Series(pd.NA, index=frame.index, dtype="object")
    verdicts = _Verdicts(frame.index)
    typed: dict[str, pd.Series] = {}

    for col in table.required:
        verdicts.fail(frame[col].isna(), "missing_required", col, frame[col])
    for c in table.columns:
        s = frame[c.name]
        if c.type == "date":
            parsed = _per_value(s, _parse_dates)
            verdicts.fail(s.notna() & parsed.isna(), "bad_type", c.name, s)
            typed[c.name] = parsed
        elif c.type == "float":
            parsed = pd.to_numeric(s, errors="coerce")
            verdicts.fail(s.notna() & parsed.isna(), "bad_type", c.name, s)
            typed[c.name] = parsed.astype("float64")
    for c in table.columns:
        s = frame[c.name]
        if c.type == "enum":
            upper = s.str.upper()
            verdicts.fail(s.notna() & ~upper.isin(c.values), "bad_enum", c.name, s)
            typed[c.name] = upper
    for c in table.columns:
        s = frame[c.name]
        if c.type == "id":
            # ids are opaque, but scores.csv joins an entity's ids with ";": an id holding one could
            # not be told from two, so its row is rejected here rather than misread downstream
            verdicts.fail(s.str.contains(";", regex=False, na=False), "bad_format", c.name, s)
        if c.type == "country":
            verdicts.fail(s.notna() & ~s.str.match(_COUNTRY, na=False), "bad_format", c.name, s)
            typed[c.name] = s.str.upper()
    for c in table.columns:
        if c.type == "float" and (c.min is not None or c.max is not None):
            v = typed[c.name]
            verdicts.fail((v < c.min) | (v > c.max), "bad_range", c.name, frame[c.name])
    for earlier, later in table.order:
        verdicts.fail(typed[later] < typed[earlier], "bad_range", later, frame[later])

    dup = _repeats([frame[k] for k in table.key], verdicts.open)
    verdicts.fail(
        dup,
        "duplicate_key",
        table.key[0] if len(table.key) == 1 else "+".join(table.key),
        _joined(frame[list(table.key)][dup].fillna("")).reindex(frame.index),
    )

    for c in table.references:
        known = accepted_keys.get(c.references, pd.Index([]))
        s = frame[c.name]
        verdicts.fail(s.notna() & ~isin(s, known), "unknown_reference", c.name, s)

    ok = verdicts.open
    accepted = frame.loc[ok].copy()
    for name, series in typed.items():
        accepted[name] = series[ok]
    at, reasons, columns, values = verdicts.rejected()
    rejects = pd.DataFrame(
        {"table": table.name, "row_number": frame.index[at], "column": columns, "value": values, "reason": reasons}
    )
    if raw.ragged_rows:
        shape = pd.DataFrame(
            {"table": table.name, "row_number": list(raw.ragged_rows), "column": "", "value": "", "reason": "bad_shape"}
        )
        rejects = pd.concat([shape, rejects]).sort_values("row_number", kind="stable")
    return accepted, rejects.reset_index(drop=True)


def _parse_dates(s: pd.Series) -> pd.Series:
    """``YYYY-MM-DD`` cells as dates; any other cell missing."""
    return pd.to_datetime(s.where(s.str.match(_DATE, na=False)), format="%Y-%m-%d", errors="coerce")


def _per_value(s: pd.Series, convert) -> pd.Series:
    """``convert(s)`` for a cell-by-cell ``convert``, run once per distinct cell: a million dates
    hold a few thousand days. The distinct cells keep a missing one when ``s`` has one, so the
    result's type is the one ``convert`` gives ``s`` itself."""
    codes, uniques = pd.factorize(s)
    if not len(uniques):
        return convert(s)
    values = pd.Series(uniques, dtype=s.dtype)
    if (codes < 0).any():
        values = pd.concat([values, pd.Series([None], dtype=s.dtype)], ignore_index=True)
        codes = np.where(codes < 0, len(values) - 1, codes)
    return pd.Series(convert(values).to_numpy()[codes], index=s.index)


def _repeats(columns: list[pd.Series], among: np.ndarray) -> np.ndarray:
    """Which of the rows ``among`` repeat the key (one cell per column, missing as empty) of an
    earlier row ``among``: ``DataFrame.duplicated(keep="first")`` on those rows, with Arrow's
    hashing of whole columns and the cells' numbers combined in numpy."""
    key = np.zeros(len(among), dtype=np.int64)
    span = 1
    for column in columns:
        cells = pa.array(column.astype(pd.StringDtype("pyarrow")).array)
        cells = pc.fill_null(cells.combine_chunks() if isinstance(cells, pa.ChunkedArray) else cells, "")
        codes = pc.dictionary_encode(cells).indices.to_numpy(zero_copy_only=False).astype(np.int64)
        width = int(codes.max(initial=0)) + 1
        if span * width >= 2**62:  # renumbered densely first, so the product cannot overflow
            key = np.unique(key, return_inverse=True)[1].astype(np.int64)
            span = int(key.max(initial=0)) + 1
        key, span = key * width + codes, span * width
    at = np.flatnonzero(among)
    repeated = np.zeros(len(among), dtype=bool)
    repeated[at] = True
    repeated[at[np.unique(key[at], return_index=True)[1]]] = False
    return repeated


def _joined(keys: pd.DataFrame) -> pd.Series:
    if keys.shape[1] == 1:
        return keys.iloc[:, 0]
    return keys.astype(str).agg("|".join, axis=1)


def validate_tables(raws: dict[str, RawTable], schema: Schema) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """Validate every present table in dependency order; return accepted tables and all rejects."""
    accepted: dict[str, pd.DataFrame] = {}
    keys: dict[str, pd.Index] = {}
    rejects = []
    for table in schema.tables:
        if table.name not in raws:
            continue
        good, bad = validate_table(raws[table.name], table, keys)
        accepted[table.name] = good
        if len(table.key) == 1:
            keys[table.name] = pd.Index(good[table.key[0]])
        rejects.append(bad)
    frame = pd.concat(rejects, ignore_index=True) if rejects else pd.DataFrame(columns=REJECT_COLUMNS)
    frame["row_number"] = frame["row_number"].astype(np.int64)
    return accepted, frame[REJECT_COLUMNS]
