r"""Write tabular outputs and the manifest, each atomically (a temp file renamed into place).

CSV outputs are opened in spreadsheets, which run a cell starting with ``=``, ``+``, ``-`` or ``@``
(or a tab or carriage return before one) as a formula: a name like ``=HYPERLINK(...)`` in the input
would become a live link in an analyst's sheet. :func:`write_csv` therefore applies the OWASP
mitigation: such a text cell gets one ``'`` in front, which spreadsheets read as "this is text".
A cell that already starts with ``'`` gets one too, so the rule can be undone exactly
(:func:`read_csv`). Plain numbers (``-6.2``, ``+62``) are left alone: a spreadsheet reads them as
numbers, not formulas, and numeric columns stay numeric for every other consumer.

Examples
--------
>>> frame = pd.DataFrame({"name": ["=1+1", "-6.2", "'quoted", "@SUM(A1)", "Budi"], "score": [1.5, -2, 3, 4, 5]})
>>> print(frame.pipe(spreadsheet_safe).to_csv(index=False, lineterminator="\n"), end="")
name,score
'=1+1,1.5
-6.2,-2.0
''quoted,3.0
'@SUM(A1),4.0
Budi,5.0
>>> import tempfile
>>> path = write_csv(frame, Path(tempfile.mkdtemp()) / "t.csv")
>>> read_csv(path)["name"].tolist() == frame["name"].tolist()
True
"""

from __future__ import annotations

import csv
import json
import os
import re
import tempfile
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

_FORMULA = re.compile(r"^[=+\-@\t\r']")
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


def atomic_write(path: Path, text: str) -> Path:
    """Write ``text`` to ``path`` via a fsynced temp file in the same folder, then rename."""
    return _atomic(path, lambda fh: fh.write(text))


def _atomic(path: Path, write) -> Path:
    """Call ``write`` on a text file handle of a temp file beside ``path``, fsync it, rename it to ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _safe_cell(value):
    if isinstance(value, str) and _FORMULA.match(value) and not _NUMBER.match(value):
        return "'" + value
    return value


def _text_columns(frame: pd.DataFrame) -> list:
    return [c for c in frame.columns if frame[c].dtype == object or pd.api.types.is_string_dtype(frame[c])]


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every text cell that a spreadsheet would run as a formula prefixed by ``'``."""
    text = _text_columns(frame)
    if not text:
        return frame
    return frame.assign(**{c: _safe_column(frame[c]) for c in text})


def _safe_column(column: pd.Series) -> pd.Series:
    """:func:`_safe_cell` over ``column``; when every value is text, only over the cells Arrow finds
    starting like a formula (a million ids hold a handful)."""
    if isinstance(column.dtype, pd.StringDtype) and column.dtype.storage == "pyarrow":
        cells = pa.array(column.array)  # Arrow's own strings: no Python object per cell
    elif pd.api.types.infer_dtype(column, skipna=True) == "string":
        cells = pa.array(column.to_numpy(dtype=object), type=pa.large_string(), from_pandas=True)
    else:
        return column.map(_safe_cell)
    risky = pc.fill_null(pc.match_substring_regex(cells, _FORMULA.pattern), False).to_numpy(zero_copy_only=False)
    if not risky.any():
        return column
    out = column.astype(object).to_numpy(copy=True)
    out[risky] = [_safe_cell(v) for v in out[risky]]
    return pd.Series(out, index=column.index, dtype=object)


def write_csv(frame: pd.DataFrame, path: Path) -> Path:
    """A contract CSV: UTF-8, header, RFC 4180 quoting, ``\\n`` line ends, formula cells defused."""
    frame = spreadsheet_safe(frame)
    # the csv writer quotes a field holding the line terminator, not one holding a lone "\r", which
    # readers then take for a line end: a file with such a cell quotes every field instead
    lone_cr = any(_holds_cr(frame[c]) for c in _text_columns(frame))
    quoting = csv.QUOTE_ALL if lone_cr else csv.QUOTE_MINIMAL
    # written in chunks straight into the file: the whole text of a million rows is never held at once
    return _atomic(path, lambda fh: frame.to_csv(fh, index=False, lineterminator="\n", quoting=quoting))


def _holds_cr(column: pd.Series) -> bool:
    """Whether a cell of ``column`` (as :func:`str` would write it) holds a carriage return; a column
    of text only is searched by Arrow, with no Python string per cell."""
    if isinstance(column.dtype, pd.StringDtype) and column.dtype.storage == "pyarrow":
        cells = pa.array(column.array)
    elif pd.api.types.infer_dtype(column, skipna=True) in ("string", "empty"):
        cells = pa.array(column.to_numpy(dtype=object), type=pa.large_string(), from_pandas=True)
    else:
        return bool(column.astype(str).str.contains("\r", regex=False).any())
    return bool(pc.any(pc.match_substring(cells, "\r")).as_py())


def read_csv(path: Path) -> pd.DataFrame:
    """A CSV that :func:`write_csv` wrote, as strings, with its ``'`` prefixes taken off again."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    for c in frame.columns:
        quoted = frame[c].str.match(r"^'[=+\-@\t\r']", na=False)
        if quoted.any():
            frame.loc[quoted, c] = frame.loc[quoted, c].str.slice(1)
    return frame


def write_json(data: dict, path: Path) -> Path:
    """Pretty, key-sorted JSON."""
    return atomic_write(path, json.dumps(data, indent=2, sort_keys=True, default=str) + "\n")
