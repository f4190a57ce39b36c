"""A known number of bad rows per table and reject reason, each failing exactly one check."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from graphkit.datasets.synth.reference import COLUMNS, _JOB_TITLES
from graphkit.datasets.synth.state import _World
from graphkit.datasets.synth.text import _format_ids, _strings


_KEYS = {
    "persons": ["person_id"], "permits": ["permit_id"], "sponsors": ["sponsor_id"], "employers": ["employer_id"],
    "addresses": ["address_id"], "employment": ["person_id", "employer_id", "source", "start_date"],
    "residences": ["person_id", "address_id", "reported_on", "source"],
    "movements": ["person_id", "direction", "date", "port"],
}
_REQUIRED = {
    "persons": ["person_id", "full_name"],
    "permits": ["permit_id", "person_id", "permit_type", "issued_on", "expires_on"],
    "sponsors": ["sponsor_id", "sponsor_type", "name"], "employers": ["employer_id", "name"],
    "addresses": ["address_id", "line", "city"], "employment": ["person_id", "employer_id", "source"],
    "residences": ["person_id", "address_id"], "movements": ["person_id", "direction", "date"],
}
_TYPED = {  # dates and numbers
    "persons": ["birth_date"], "permits": ["issued_on", "expires_on"], "employment": ["start_date", "end_date"],
    "addresses": ["latitude", "longitude"], "residences": ["reported_on"], "movements": ["date"],
}
_ENUMS = {"persons": ["sex"], "permits": ["permit_type", "purpose"], "sponsors": ["sponsor_type"],
          "employment": ["source"], "movements": ["direction"]}
_FORMATTED = {"persons": ["nationality", "passport_country"]}
_RANGED = ("permits", "employment", "addresses")
_REFERENCES = {
    "permits": {"person_id": "persons", "sponsor_id": "sponsors"}, "sponsors": {"address_id": "addresses"},
    "employers": {"address_id": "addresses"}, "employment": {"person_id": "persons", "employer_id": "employers"},
    "residences": {"person_id": "persons", "address_id": "addresses"}, "movements": {"person_id": "persons"},
}
_PREFIX = {"persons": "P", "permits": "K", "sponsors": "S", "employers": "E", "addresses": "A"}
_BAD_DATES = ("12/03/2024", "31-12-2023", "2023.05.17", "17 Mei 2023", "2024-13-01", "2023-02-30")
_BAD_NUMBERS = ("-2,9761", "104°45'E", "unknown", "3.0.1")
_BAD_ENUMS = {"sex": ("L", "P", "Pria", "Male"), "permit_type": ("ITAS", "KITAS", "ITK"),
              "purpose": ("WORKING", "HOLIDAY", "VACATION"), "sponsor_type": ("COMPANY", "PERSON", "PT"),
              "source": ("AUDIT", "TIP", "HEARSAY"), "direction": ("ENTRY", "EXIT", "IN")}
_BAD_COUNTRIES = ("ID", "CN", "INDIA", "C1N", "K0R", "Indonesia")
REASONS = ("missing_required", "bad_type", "bad_enum", "bad_format", "bad_range", "duplicate_key", "unknown_reference")


def _plant_bad_rows(w: _World, tables: dict, ids: dict, safe: dict, n_persons: int):
    """Add a known number of bad rows per table and reason at random places in each file.

    Each bad row is a copy of an ordinary valid row, spoilt to fail one check (and pass the checks
    before it), under a fresh id nobody references. Returns pandas frames in file order and
    ``[table, row_number, reason]`` for every bad row.
    """
    rng = w.rng
    scale = max(1, int(round(np.sqrt(n_persons / 2000))))
    fresh_number = {t: len(ids[t]) + 1 for t in _PREFIX}
    unknown_number = {t: 2 * len(ids[t]) + 1 for t in _PREFIX}
    frames, bad_list = {}, []
    for name in COLUMNS:
        table = tables.pop(name)  # frees each Arrow table once its frame exists
        pool = np.flatnonzero(safe[name])
        parts, positions, reasons = [], [], []
        for reason in REASONS:
            if not _applies(name, reason):
                continue
            count = int(rng.integers(2, 6)) * scale
            template = pool[rng.integers(0, len(pool), count)]
            rows = table.take(pa.array(template)).to_pandas().astype(object)
            if name in _PREFIX and reason != "duplicate_key":
                rows[_KEYS[name][0]] = _format_ids(_PREFIX[name], np.arange(count) + fresh_number[name],
                                                   ids["widths"][name]).to_pylist()
                fresh_number[name] += count
            _spoil(w, name, reason, rows, ids, unknown_number)
            if reason == "duplicate_key":  # somewhere after the row whose key it repeats
                pos = template + 0.5 + rng.random(count) * (table.num_rows - template - 0.5)
            else:
                pos = rng.random(count) * table.num_rows
            parts.append(pa.table({c: _strings(rows[c].to_numpy()) for c in table.column_names}))
            positions.append(pos)
            reasons += [reason] * count
        combined = pa.concat_tables([table] + parts)
        order = np.argsort(np.concatenate([np.arange(table.num_rows, dtype=float)] + positions), kind="stable")
        row_number = np.empty(len(order), np.int64)
        row_number[order] = np.arange(1, len(order) + 1)
        bad_list += [[name, int(r), reason] for r, reason in zip(row_number[table.num_rows:], reasons)]
        frames[name] = combined.take(pa.array(order)).to_pandas()
    bad_list.sort(key=lambda b: (list(COLUMNS).index(b[0]), b[1]))
    return frames, bad_list


def _applies(name: str, reason: str) -> bool:
    return {
        "missing_required": True, "bad_type": name in _TYPED, "bad_enum": name in _ENUMS,
        "bad_format": name in _FORMATTED, "bad_range": name in _RANGED, "duplicate_key": True,
        "unknown_reference": name in _REFERENCES,
    }[reason]


def _spoil(w: _World, name: str, reason: str, rows: pd.DataFrame, ids: dict, unknown_number: dict) -> None:
    """Make each row fail ``reason`` and pass every check before it."""
    rng = w.rng

    def one_of(options):
        return options[rng.integers(0, len(options))]

    for i in range(len(rows)):
        if reason == "missing_required":
            rows.loc[i, one_of(_REQUIRED[name])] = one_of(("", "   "))
        elif reason == "bad_type":
            rows.loc[i, one_of(_TYPED[name])] = one_of(_BAD_NUMBERS if name == "addresses" else _BAD_DATES)
        elif reason == "bad_enum":
            col = one_of(_ENUMS[name])
            rows.loc[i, col] = one_of(_BAD_ENUMS[col])
        elif reason == "bad_format":
            rows.loc[i, one_of(_FORMATTED[name])] = one_of(_BAD_COUNTRIES)
        elif reason == "bad_range":
            if name == "permits":
                rows.loc[i, "expires_on"] = str(np.datetime64(rows.loc[i, "issued_on"]) - int(rng.integers(1, 200)))
            elif name == "employment":  # shifted start: a key of its own
                start = np.datetime64(rows.loc[i, "start_date"]) - int(rng.integers(1, 30))
                rows.loc[i, "start_date"] = str(start)
                rows.loc[i, "end_date"] = str(start - int(rng.integers(1, 90)))
            else:
                col = one_of(("latitude", "longitude"))
                limit = 90 if col == "latitude" else 180
                rows.loc[i, col] = f"{(limit + rng.uniform(0.5, 40)) * (-1) ** rng.integers(0, 2):.6f}"
        elif reason == "duplicate_key":  # the same key, perhaps with a field written differently
            if name == "persons":
                rows.loc[i, "full_name"] = rows.loc[i, "full_name"].upper()
            elif name == "employment":
                rows.loc[i, "role"] = one_of(_JOB_TITLES)
        elif reason == "unknown_reference":
            col = one_of(list(_REFERENCES[name]))
            target = _REFERENCES[name][col]
            rows.loc[i, col] = _format_ids(_PREFIX[target], [unknown_number[target]], ids["widths"][target])[0].as_py()
            unknown_number[target] += 1
