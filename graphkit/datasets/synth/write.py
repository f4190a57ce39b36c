"""The scenario, its files (CSV or Parquet, byte-identical per seed) and its ground truth."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
import datetime
import json

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from graphkit.datasets.synth.bad_rows import REASONS
from graphkit.datasets.synth.reference import COLUMNS, SCHEMA_VERSION
from graphkit.datasets.synth.state import _World


@dataclass
class Scenario:
    """A synthetic scenario: the contract input tables and the ground truth planted in them.

    Attributes
    ----------
    tables : dict of str to pandas.DataFrame
        Contract table name to a frame of string columns in contract order ("" for an empty cell),
        rows in file order, bad rows included.
    truth : dict
        JSON-able ground truth: ``seed``, ``n_persons``, ``as_of``, ``schema``, ``counts`` (rows
        written per table), ``accepted`` (rows a contract loader keeps), ``typologies``,
        ``lookalikes``, ``messiness``, ``resolution`` (source ids of each real-world entity that
        has several rows), ``bad_rows`` and ``bad_row_list``.
    """

    tables: dict[str, pd.DataFrame]
    truth: dict


def write_scenario(scenario: Scenario, out_dir: str | Path, fmt: str = "csv",
                   truth_path: str | Path | None = None) -> Path:
    """Write a scenario's tables (one file per table) and its truth (JSON, beside the folder).

    CSV files are RFC 4180 (UTF-8, header row, CRLF line ends, quotes only where needed); Parquet
    files hold string columns with empty cells as nulls and no timestamps, so the same scenario
    always gives the same bytes.

    Parameters
    ----------
    scenario : Scenario
        From :func:`synth`.
    out_dir : str or Path
        Folder for ``persons.csv`` ... (created if absent).
    fmt : {"csv", "parquet"}
        File format of the tables.
    truth_path : str or Path, optional
        Where to write the truth; defaults to ``<out_dir>.truth.json`` beside the folder. It may
        not lie inside ``out_dir``: the ground truth must never be read as input.

    Returns
    -------
    Path
        ``out_dir``.

    Examples
    --------
    >>> import tempfile
    >>> from graphkit.datasets.synth import synth
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     folder = write_scenario(synth(1000, seed=1), Path(tmp) / "scenario")
    ...     sorted(p.name for p in Path(tmp).iterdir())
    ['scenario', 'scenario.truth.json']
    """
    if fmt not in ("csv", "parquet"):
        raise ValueError(f"fmt must be 'csv' or 'parquet', got {fmt!r}")
    out = Path(out_dir)
    truth_file = Path(truth_path) if truth_path is not None else out.with_name(out.name + ".truth.json")
    if truth_file.resolve().is_relative_to(out.resolve()):
        raise ValueError(f"{truth_file}: the truth file may not lie inside the scenario folder {out}")
    out.mkdir(parents=True, exist_ok=True)
    for name, frame in scenario.tables.items():
        if fmt == "csv":
            frame.to_csv(out / f"{name}.csv", index=False, lineterminator="\r\n", encoding="utf-8")
        else:
            columns = {}
            for col in frame.columns:
                values = pa.array(frame[col]).cast(pa.string())
                columns[col] = pc.if_else(pc.equal(values, ""), pa.scalar(None, pa.string()), values)
            pq.write_table(pa.table(columns), out / f"{name}.parquet", compression="zstd")
    truth_file.parent.mkdir(parents=True, exist_ok=True)
    truth_file.write_text(_dump_truth(scenario.truth), encoding="utf-8")
    return out


#: look-alikes only some world styles plant (absent from the truth of a scenario without any)
LATER_LOOKALIKES = ("commissioning_campaigns", "departure_on_other_record", "visa_agencies", "boarding_houses",
                    "corporate_groups")


def _truth(w: _World, ids: dict, tables: dict, bad_list: list, messiness: dict, *, seed: int, n_persons: int,
           as_of: datetime.date, style: dict) -> dict:
    person_rows = _rows_by(w.persons["human"], w.humans.n)
    address_rows = _rows_by(w.addresses["place"], w.places.n)
    p_id, a_id, s_id, e_id = (ids[t].to_numpy(zero_copy_only=False)
                              for t in ("persons", "addresses", "sponsors", "employers"))
    twin = w.companies["twin"]

    def group(kind: str, index: int) -> list[str]:
        if kind == "company":
            return [f"employers:{e_id[index]}", f"sponsors:{s_id[twin[index]]}"]
        if kind == "sponsor":
            return [f"sponsors:{s_id[index]}"]
        if kind == "sponsors":
            return sorted(f"sponsors:{s_id[i]}" for i in index if i >= 0)
        if kind == "place":
            return sorted(f"addresses:{a_id[r]}" for r in address_rows[index])
        return sorted(f"persons:{p_id[r]}" for r in person_rows[index])

    def groups(label: str):
        kind, members = w.truth[label]
        if kind == "networks":
            return sorted(sorted(group("company", c) for c in net) for net in members)
        return sorted(group(kind, m if kind == "sponsors" else int(m)) for m in members)

    bad_rows: dict[str, dict[str, int]] = {}
    for table, _, reason in bad_list:
        bad_rows.setdefault(table, {}).setdefault(reason, 0)
        bad_rows[table][reason] += 1
    counts = {name: len(frame) for name, frame in tables.items()}
    planted_later = tuple(label for label in LATER_LOOKALIKES if label in w.truth and len(w.truth[label][1]))
    mill_rows = w.mill_spellings  # one mill under two spellings: an organisation's duplicate rows
    several_persons = np.flatnonzero(np.bincount(w.persons["human"], minlength=w.humans.n) > 1)
    several_places = np.flatnonzero(np.bincount(w.addresses["place"], minlength=w.places.n) > 1)
    return {
        "schema": SCHEMA_VERSION,
        "seed": seed,
        "n_persons": n_persons,
        "as_of": as_of.isoformat(),
        "style": {k: list(v) if isinstance(v, tuple) else v for k, v in style.items()},
        "counts": counts,
        "accepted": {name: counts[name] - sum(bad_rows.get(name, {}).values()) for name in counts},
        "typologies": {label: groups(label) for label in (
            "visit_workforce", "sponsor_mills", "address_hotspots", "overstayers", "shell_networks", "no_lawful_entry")},
        "lookalikes": {label: groups(label) for label in (
            "big_contractors", "hotels", "family_sponsors", "travel_agents", "universities", "dormitories",
            "departed_expired", "recently_expired", "renewed_passport") + planted_later},
        "messiness": messiness,
        "resolution": {
            "persons": sorted(group("human", int(h)) for h in several_persons),
            "companies": sorted(group("company", c) for c in range(w.companies.n)),
            "sponsors": sorted(sorted([f"sponsors:{s_id[a]}", f"sponsors:{s_id[b]}"]) for a, b in zip(*mill_rows)),
            "places": sorted(group("place", int(p)) for p in several_places),
        },
        "bad_rows": {t: {r: bad_rows[t][r] for r in REASONS if r in bad_rows[t]} for t in COLUMNS if t in bad_rows},
        "bad_row_list": bad_list,
    }


class _rows_by:
    """Row numbers per owner (rows of a human, address rows of a place), by one stable sort."""

    def __init__(self, owner: np.ndarray, n_owners: int):
        self.order = np.argsort(owner, kind="stable")
        self.bounds = np.searchsorted(owner[self.order], np.arange(n_owners + 1))

    def __getitem__(self, owner: int) -> np.ndarray:
        return self.order[self.bounds[owner]:self.bounds[owner + 1]]


def _dump_truth(truth: dict) -> str:
    """JSON with one line per top-level key, or per second-level key for nested sections."""
    lines = []
    for key, value in truth.items():
        if isinstance(value, dict) and value:
            inner = [f"    {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in value.items()]
            lines.append(f"  {json.dumps(key)}: {{\n" + ",\n".join(inner) + "\n  }")
        elif key == "bad_row_list":
            inner = [f"    {json.dumps(v)}" for v in value]
            lines.append(f"  {json.dumps(key)}: [\n" + ",\n".join(inner) + "\n  ]")
        else:
            lines.append(f"  {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}")
    return "{\n" + ",\n".join(lines) + "\n}\n"
