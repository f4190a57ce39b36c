"""Ingest: read an input folder, validate every row, and account for each one.

Examples
--------
>>> from graphkit import load_folder
>>> from graphkit.datasets import tiny_path
>>> data = load_folder(tiny_path())
>>> all(c["accepted"] + c["rejected"] == c["read"] for c in data.counts.values())
True
>>> sorted(set(data.rejects["reason"]))[:3]
['bad_enum', 'bad_format', 'bad_range']
"""

from __future__ import annotations

import html
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from graphkit.errors import InputFileError
from graphkit.ingest.read import RawTable, file_sha256, find_table_files, read_table
from graphkit.ingest.validate import REASONS, REJECT_COLUMNS, validate_tables
from graphkit.schema import load_schema

__all__ = ["Ingested", "load_folder", "REASONS", "REJECT_COLUMNS"]


@dataclass
class Ingested:
    """The accepted tables of one input folder, its rejects, and where every row went.

    ``counts[table]`` holds ``read``, ``accepted`` and ``rejected``; ``files[table]`` holds the
    file name, format and SHA-256 for the run manifest; ``absent`` names the optional tables the
    folder does not have (the manifest and the console say so: a missing table changes the leads).
    """

    folder: Path
    tables: dict[str, pd.DataFrame]
    rejects: pd.DataFrame
    counts: dict[str, dict[str, int]]
    files: dict[str, dict[str, str]] = field(default_factory=dict)
    absent: tuple[str, ...] = ()

    @property
    def rows_read(self) -> int:
        return sum(c["read"] for c in self.counts.values())

    def reject(self, rows: pd.DataFrame) -> None:
        """Move accepted rows to the rejects (a store refused them): ``rows`` as in ``rejects.csv``."""
        if not len(rows):
            return
        self.rejects = pd.concat([self.rejects, rows[REJECT_COLUMNS]], ignore_index=True)
        for table, n in rows["table"].value_counts().items():
            self.counts[table]["accepted"] -= int(n)
            self.counts[table]["rejected"] += int(n)

    def summary(self) -> pd.DataFrame:
        """Rows read, accepted and rejected per table, as a frame."""
        return pd.DataFrame.from_dict(self.counts, orient="index")[["read", "accepted", "rejected"]]

    def __repr__(self) -> str:
        # short on purpose: a saved notebook keeps this text, and the tables hold personal data
        rejected = sum(c["rejected"] for c in self.counts.values())
        return f"Ingested({str(self.folder)!r}: {self.rows_read} rows read, {rejected} rejected, {len(self.tables)} tables)"

    def _repr_html_(self) -> str:
        return f"<p>{html.escape(self.folder.name)}: {self.rows_read} rows read</p>" + self.summary().to_html()


def load_folder(path: str | Path) -> Ingested:
    """Read and validate the contract tables in ``path``.

    Raises :class:`~graphkit.errors.InputFileError` for an unusable file or folder; a bad row
    only rejects itself.
    """
    folder = Path(path)
    if not folder.is_dir():
        raise InputFileError(f"{folder}: not a folder; give the folder that holds persons.csv, permits.csv, ...")
    schema = load_schema()
    paths = find_table_files(folder, schema.tables)
    for table in schema.tables:
        if not table.optional and table.name not in paths:
            raise InputFileError(f"{folder}: required table {table.name!r} is missing ({table.name}.csv or .parquet)")
    # the files are hashed for the manifest in a thread while Arrow parses them (both free the GIL)
    with ThreadPoolExecutor(1) as pool:
        digests = {name: pool.submit(file_sha256, p) for name, p in paths.items()}
        raws: dict[str, RawTable] = {name: read_table(p, schema.table(name)) for name, p in paths.items()}
        accepted, rejects = validate_tables(raws, schema)
        sha256 = {name: digest.result() for name, digest in digests.items()}
    per_table = rejects["table"].value_counts()
    counts = {
        name: {"read": raw.rows_read, "accepted": len(accepted[name]), "rejected": int(per_table.get(name, 0))}
        for name, raw in raws.items()
    }
    files = {
        name: {"file": raw.path.name, "format": raw.path.suffix.lstrip("."), "sha256": sha256[name]}
        for name, raw in raws.items()
    }
    absent = tuple(t.name for t in schema.tables if t.name not in paths)
    return Ingested(folder, accepted, rejects, counts, files, absent)
