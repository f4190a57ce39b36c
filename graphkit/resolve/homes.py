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
import pyarrow as pa
import pyarrow.compute as pc

from graphkit.arrowops import lookup, positions, spread, strings
from graphkit.distinct import distinct, distinct_inverse
from graphkit.resolve.normalise import normalise_addresses, normalise_documents

COLUMNS = ("home_line", "home_street", "home_number", "home_words", "home_postcode", "home_village")
_STRING = pd.StringDtype("pyarrow")


def home_columns(tables: dict[str, pd.DataFrame], persons: pd.DataFrame, hub_limit: int,
                 where: dict | None = None, lines: pd.Series | None = None) -> pd.DataFrame:
    """Per record of ``persons`` (in its order): the normalised line of its first non-hub residence
    address (by address id), its first three words (the street), its house number (see
    :func:`line_parts`), its words in alphabetical order (blind to the order in which two systems
    wrote street, building and estate), its postcode and village; missing when it has none.
    ``where`` may hold each residence row's position in ``persons`` (see
    :func:`~graphkit.resolve.persons.holders`), and ``lines`` the normalised line of each address id
    (as :func:`~graphkit.resolve.places.place_records` made them: a second pass costs seconds)."""
    n = len(persons)
    if "residences" not in tables or "addresses" not in tables or tables["residences"].empty:
        # typed strings even when empty: the model's SQL compares them as text
        return pd.DataFrame({c: pd.Series([None] * n, dtype=_STRING) for c in COLUMNS})
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
    line = normalise_addresses(chosen["line"]) if lines is None else lookup(chosen["address_id"].astype(str), lines)
    codes, distinct_lines = pd.factorize(line.fillna(""), use_na_sentinel=False)
    of_line, of_row = np.full(n, -1, dtype=np.int64), np.full(n, -1, dtype=np.int64)
    of_line[pos], of_row[pos] = codes[at], at
    parts = {**{col: (values, of_line) for col, values in line_parts(pd.Series(distinct_lines, dtype=_STRING)).items()},
             "home_postcode": (normalise_documents(chosen["postal_code"]) if "postal_code" in chosen else None, of_row),
             "home_village": (normalise_addresses(chosen["village"]) if "village" in chosen else None, of_row)}
    # a missing part and an empty one are both missing
    return pd.DataFrame({col: pd.Series([None] * n, dtype=_STRING) if values is None else
                         spread(values.astype(_STRING).replace("", None), at) for col, (values, at) in parts.items()})


def line_parts(lines: pd.Series) -> dict[str, pd.Series]:
    """For normalised address lines (single spaces, trimmed): the line, its first three words (the
    street), its house number (the number after ``no``, else the first number that does not
    follow ``rt`` or ``rw``: those are neighbourhood units, not houses) and its words in
    alphabetical order, each by Arrow's kernels (a few hundred thousand distinct lines take seconds
    in Python).

    >>> {k: v.tolist() for k, v in line_parts(pd.Series(["jalan mawar no 3 rt 5 rw 2", ""])).items()}
    {'home_line': ['jalan mawar no 3 rt 5 rw 2', ''], 'home_street': ['jalan mawar no', ''], \
'home_number': ['3', <NA>], 'home_words': ['2 3 5 jalan mawar no rt rw', '']}
    """
    text = pa.array(lines.astype(_STRING).fillna("").array)
    text = (text.combine_chunks() if isinstance(text, pa.ChunkedArray) else text).cast(pa.string())
    words = pc.split_pattern(text, " ")
    flat = pc.list_flatten(words)
    # each line's words by their rank among all words: one integer sort, not a string sort per line
    rank = pd.factorize(strings(flat), sort=True)[0]
    order = np.lexsort((rank, pc.list_parent_indices(words).to_numpy()))
    ordered = pa.ListArray.from_arrays(words.offsets, flat.take(pa.array(order)))
    return {"home_line": lines.astype(_STRING), "home_street": strings(pc.binary_join(pc.list_slice(words, 0, 3), " ")),
            "home_number": strings(_house_numbers(text)), "home_words": strings(pc.binary_join(ordered, " "))}


def _house_numbers(text: pa.Array) -> pa.Array:
    """The house number of each line (see :func:`line_parts`), by regular expressions: the RT and
    RW numbers are blanked out before the first number is taken."""
    after_no = pc.struct_field(pc.extract_regex(text, r"(?:^| )no (?P<v>\d+)(?: |$)"), "v")
    units_blanked = pc.replace_substring_regex(text, r"\b(rt|rw) \d+\b", r"\1 _")
    first = pc.struct_field(pc.extract_regex(units_blanked, r"(?:^| )(?P<v>\d+)(?: |$)"), "v")
    return pc.coalesce(after_no, first)
