"""Write tabular outputs and the manifest, each atomically (a temp file renamed into place)."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pandas as pd


def atomic_write(path: Path, text: str) -> Path:
    """Write ``text`` to ``path`` via a fsynced temp file in the same folder, then rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_csv(frame: pd.DataFrame, path: Path) -> Path:
    """A contract CSV: UTF-8, header, RFC 4180 quoting, ``\\n`` line ends."""
    return atomic_write(path, frame.to_csv(index=False, lineterminator="\n"))


def write_json(data: dict, path: Path) -> Path:
    """Pretty, key-sorted JSON."""
    return atomic_write(path, json.dumps(data, indent=2, sort_keys=True, default=str) + "\n")
