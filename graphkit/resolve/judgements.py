"""Analysts' judgements: ``judgements.csv`` in the input folder, honoured on every run.

Columns: ``left_source_id``, ``right_source_id`` (``table:id``, e.g. ``persons:P01``), ``decision``
(``same`` or ``not_same``), ``by``, ``note``. ``same`` links the two records whatever the model
says; ``not_same`` keeps them in different entities (the weakest model links between them are cut).
A judgement naming a record that is not in the input is counted, not applied.

Examples
--------
>>> import pandas as pd
>>> j = judgements_from_frame(pd.DataFrame({"left_source_id": ["persons:P1"], "right_source_id": ["persons:P2"],
...                                         "decision": ["Same "], "by": ["ana"], "note": [""]}))
>>> j["decision"].tolist()
['same']
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from graphkit.errors import InputFileError

FILE_NAME = "judgements.csv"
COLUMNS = ("left_source_id", "right_source_id", "decision", "by", "note")
DECISIONS = ("same", "not_same")


def empty_judgements() -> pd.DataFrame:
    """A judgements frame without rows."""
    return pd.DataFrame({c: pd.Series(dtype=object) for c in COLUMNS})


def read_judgements(folder: str | Path) -> pd.DataFrame:
    """The judgements in ``folder/judgements.csv`` (none when the file is absent)."""
    path = Path(folder) / FILE_NAME
    if not path.is_file():
        return empty_judgements()
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputFileError(f"{path}: not a readable CSV file ({type(exc).__name__}); fix or remove it") from None
    frame.columns = [c.strip().lower() for c in frame.columns]
    try:
        return judgements_from_frame(frame)
    except ValueError as exc:
        raise InputFileError(f"{path}: {exc}") from None


def judgements_from_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Checked, trimmed judgements (``decision`` lower-cased); raises ValueError naming the fault."""
    missing = [c for c in COLUMNS[:3] if c not in frame.columns]
    if missing:
        raise ValueError(f"missing column {missing[0]!r}; judgements need {', '.join(COLUMNS)}")
    out = pd.DataFrame({c: frame[c].fillna("").astype(str).str.strip() if c in frame else "" for c in COLUMNS})
    out["decision"] = out["decision"].str.lower()
    bad = out[~out["decision"].isin(DECISIONS)]
    if len(bad):
        raise ValueError(f"row {bad.index[0] + 1}: decision {bad['decision'].iloc[0]!r} is not 'same' or 'not_same'")
    return out.reset_index(drop=True)
