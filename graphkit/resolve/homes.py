"""Where each person record says its human lives, as address parts the person model can compare.

Two spellings of one address may not resolve to one place, yet two records whose home lines are a
typo apart, in one postcode and village, are evidence of one human. An address reported by more
than the hub limit of records (a hotel, a dormitory) says nothing about who is who and is left out.

Examples
--------
>>> import pandas as pd
>>> persons = pd.DataFrame({"person_id": ["P1", "P2"]})
>>> tables = {"residences": pd.DataFrame({"person_id": ["P1"], "address_id": ["A1"]}),
...           "addresses": pd.DataFrame({"address_id": ["A1"], "line": ["Jl. Mawar No. 3"], "village": ["Sekip"],
...                                      "city": ["Palembang"], "postal_code": ["30126"]})}
>>> homes = home_columns(tables, persons, hub_limit=25)
>>> homes.iloc[0].tolist(), homes.iloc[1].isna().all()
(['jalan mawar no 3', 'jalan mawar no', '3', '3 jalan mawar no', '30126', 'sekip'], np.True_)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from graphkit.arrowops import positions
from graphkit.resolve.distinct import distinct, distinct_inverse
from graphkit.resolve.normalise import normalise_addresses, normalise_documents

COLUMNS = ("home_line", "home_street", "home_number", "home_words", "home_postcode", "home_village")
_STRING = pd.StringDtype("pyarrow")


def home_columns(tables: dict[str, pd.DataFrame], persons: pd.DataFrame, hub_limit: int,
                 where: dict | None = None) -> pd.DataFrame:
    """Per record of ``persons`` (in its order): the normalised line of its first non-hub residence
    address (by address id), its first three words (the street), its house number (see
    :func:`house_number`), its words in alphabetical order (blind to the order in which two systems
    wrote street, building and estate), its postcode and village; missing when it has none. ``where`` may hold each residence row's position in ``persons``
    (see :func:`~graphkit.resolve.persons.holders`)."""
    n = len(persons)
    # typed strings even when empty: the model's SQL compares them as text
    out = pd.DataFrame({c: pd.Series([None] * n, dtype=_STRING) for c in COLUMNS})
    if "residences" not in tables or "addresses" not in tables or tables["residences"].empty:
        return out
    res, addr = tables["residences"], tables["addresses"]
    pos = (where or {}).get("residences")
    pos = positions(res["person_id"], persons["person_id"]) if pos is None else pos
    keep = (pos >= 0) & res["address_id"].notna().to_numpy()
    # integer codes in address-id order (sort=True): each address id is hashed and looked up once
    code, ids = pd.factorize(res["address_id"][keep].astype(str), sort=True)
    width = max(len(ids), 1)
    pair = distinct(pos[keep] * width + code)  # distinct (record, address), by record then address id
    pos, code = pair // width, pair % width
    small = np.bincount(code, minlength=len(ids))[code] <= hub_limit  # residents per address
    pos, code = pos[small], code[small]
    first = np.r_[True, pos[1:] != pos[:-1]] if len(pos) else np.zeros(0, bool)
    pos, code = pos[first], code[first]
    row = positions(pd.Series(ids), addr["address_id"].astype(str))[code]  # the address row of each chosen id
    pos, row = pos[row >= 0], row[row >= 0]
    # the parts of each chosen address row, computed once per address, not once per resident
    rows, at = distinct_inverse(row)
    chosen = addr.iloc[rows]
    line = normalise_addresses(chosen["line"])
    codes, lines = pd.factorize(line.fillna(""), use_na_sentinel=False)
    street = np.array([" ".join(v.split()[:3]) for v in lines], dtype=object)[codes]  # the street: its first words
    number = np.array([house_number(v) for v in lines], dtype=object)[codes]
    words = np.array([" ".join(sorted(v.split())) for v in lines], dtype=object)[codes]
    parts = {"home_line": line, "home_street": pd.Series(street), "home_number": pd.Series(number),
             "home_words": pd.Series(words),
             "home_postcode": normalise_documents(chosen["postal_code"]) if "postal_code" in chosen else None,
             "home_village": normalise_addresses(chosen["village"]) if "village" in chosen else None}
    for col, values in parts.items():
        if values is None:
            continue
        v = values.to_numpy(object)
        column = np.full(n, None, dtype=object)
        column[pos] = np.where(pd.isna(v) | (v == ""), None, v)[at]
        out[col] = pd.Series(column, dtype=_STRING)
    return out


def house_number(line: str) -> str | None:
    """The house number of a normalised address line: the number after ``no``, else its first word
    that is a number (RT and RW numbers are neighbourhood units, not houses).

    >>> house_number("jalan mawar no 3 rt 5 rw 2"), house_number("12 main street"), house_number("rt 5 rw 2")
    ('3', '12', None)
    """
    words = line.split()
    for i, w in enumerate(words[:-1]):
        if w == "no" and words[i + 1].isdigit():
            return words[i + 1]
    for i, w in enumerate(words):
        if w.isdigit() and (i == 0 or words[i - 1] not in ("rt", "rw")):
            return w
    return None
