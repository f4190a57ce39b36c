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
    """Per-row first failure: reason, column and offending value."""

    def __init__(self, index: pd.Index):
        self.index = index
        self.reason = pd.Series(pd.NA, index=index, dtype="object")
        self.column = pd.Series(pd.NA, index=index, dtype="object")
        self.value = pd.Series(pd.NA, index=index, dtype="object")

    @property
    def open(self) -> pd.Series:
        return self.reason.isna()

    def fail(self, mask: pd.Series, reason: str, column: str, values: pd.Series) -> None:
        hit = mask & self.open
        if hit.any():
            self.reason[hit] = reason
            self.column[hit] = column
            self.value[hit] = values[hit].fillna("")


def validate_table(raw: RawTable, table: Table, accepted_keys: dict[str, pd.Index]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Validate one raw table; return (accepted typed frame, rejects frame).

    ``accepted_keys`` maps each already-validated table to the index of its accepted keys; the
    caller adds this table's keys after the call.
    """
    frame = raw.frame.apply(lambda s: s.str.strip()).replace("", pd.NA) if len(raw.frame) else raw.frame.copy()
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
            ok = s.str.match(_DATE, na=False)
            parsed = pd.to_datetime(s.where(ok), format="%Y-%m-%d", errors="coerce")
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

    key_frame = frame[list(table.key)].fillna("")
    dup = key_frame[verdicts.open].duplicated(keep="first").reindex(frame.index, fill_value=False)
    verdicts.fail(
        dup,
        "duplicate_key",
        table.key[0] if len(table.key) == 1 else "+".join(table.key),
        _joined(key_frame[dup]).reindex(frame.index),
    )

    for c in table.references:
        known = accepted_keys.get(c.references, pd.Index([]))
        s = frame[c.name]
        verdicts.fail(s.notna() & ~isin(s, known), "unknown_reference", c.name, s)

    ok = verdicts.open
    accepted = frame.loc[ok].copy()
    for name, series in typed.items():
        accepted[name] = series[ok]
    rejects = pd.DataFrame(
        {
            "table": table.name,
            "row_number": frame.index[~ok],
            "column": verdicts.column[~ok].to_numpy(),
            "value": verdicts.value[~ok].to_numpy(),
            "reason": verdicts.reason[~ok].to_numpy(),
        }
    )
    if raw.ragged_rows:
        shape = pd.DataFrame(
            {"table": table.name, "row_number": list(raw.ragged_rows), "column": "", "value": "", "reason": "bad_shape"}
        )
        rejects = pd.concat([shape, rejects]).sort_values("row_number", kind="stable")
    return accepted, rejects.reset_index(drop=True)


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
