"""Column operations done by Arrow's C++ kernels where pandas would loop in Python.

pandas 3 answers ``Series.isin`` on Arrow-backed strings by walking the candidate values in a
Python list comprehension: with a million ids that is seconds per call. ``isin`` here hands the
whole job to ``pyarrow.compute.is_in``.

Examples
--------
>>> import pandas as pd
>>> isin(pd.Series(["P1", "P2", None, "P4"]), ["P4", "P1"]).tolist()
[True, False, False, True]
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


def _arrow_strings(values) -> pa.Array:
    if isinstance(values, (pd.Series, pd.Index)):
        values = values.astype(pd.StringDtype("pyarrow"))
        return pa.array(values.array) if isinstance(values, pd.Series) else pa.array(values)
    return pa.array([None if v is None else str(v) for v in values], type=pa.large_string())


def isin(series: pd.Series, values: Iterable) -> pd.Series:
    """Which cells of a string ``series`` are among ``values`` (missing cells: False)."""
    if not isinstance(values, (pd.Series, pd.Index)):
        values = pd.Index(list(values), dtype=pd.StringDtype("pyarrow"))
    cells = _arrow_strings(series)
    pool = _arrow_strings(values)
    if pool.type != cells.type:
        pool = pool.cast(cells.type)
    found = pc.fill_null(pc.is_in(cells, value_set=pool), False)
    return pd.Series(found.to_numpy(zero_copy_only=False), index=series.index)


def lookup(keys: pd.Series, mapping: pd.Series) -> pd.Series:
    """``keys.map(mapping)`` for string keys, through Arrow's ``index_in`` (missing keys: NA).

    >>> lookup(pd.Series(["P2", "P9", None]), pd.Series(["x", "y"], index=["P1", "P2"])).tolist()
    ['y', nan, nan]
    """
    cells = _arrow_strings(keys)
    pool = _arrow_strings(pd.Index(mapping.index))
    if pool.type != cells.type:
        pool = pool.cast(cells.type)
    at = pc.index_in(cells, value_set=pool)
    if pd.api.types.is_string_dtype(mapping.dtype) and not isinstance(mapping.dtype, np.dtype):
        # strings stay in Arrow: a take, not a million Python objects converted back
        return pd.Series(pc.take(_arrow_strings(mapping), at), index=keys.index, dtype=mapping.dtype)
    at = at.to_numpy(zero_copy_only=False)
    found = ~pd.isna(at)
    values = mapping.to_numpy()
    out = np.full(len(keys), None, dtype=object)
    out[found] = values[at[found].astype(np.int64)]
    dtype = mapping.dtype if pd.api.types.is_string_dtype(mapping.dtype) else None
    return pd.Series(out, index=keys.index, dtype=dtype)


def positions(keys: pd.Series, values) -> np.ndarray:
    """Position of each key among ``values`` (-1 when absent): ``Index.get_indexer`` through Arrow.

    >>> positions(pd.Series(["b", "z", "a"]), pd.Series(["a", "b"])).tolist()
    [1, -1, 0]
    """
    cells = _arrow_strings(keys)
    pool = _arrow_strings(values if isinstance(values, (pd.Series, pd.Index)) else pd.Index(list(values)))
    if pool.type != cells.type:
        pool = pool.cast(cells.type)
    at = pc.index_in(cells, value_set=pool)
    return pc.fill_null(at, -1).to_numpy(zero_copy_only=False).astype(np.int64)


def positions_of_many(columns: list[pd.Series], values: pd.Index) -> list[np.ndarray]:
    """:func:`positions` of each of ``columns`` among one ``values``, hashed once; a column that is
    ``values`` itself, row for row (a relationship from each node of a set), costs no lookup.

    >>> [p.tolist() for p in positions_of_many([pd.Series(["b", "z"]), pd.Series(["a", "b"])], pd.Index(["a", "b"]))]
    [[1, -1], [0, 1]]
    """
    pool = _arrow_strings(values)
    out: list[np.ndarray | None] = []
    looked_up = []
    for column in columns:
        cells = _arrow_strings(column)
        if pool.type != cells.type:
            cells = cells.cast(pool.type)
        if len(cells) == len(pool) and cells.null_count == 0 and pc.all(pc.equal(cells, pool)).as_py():
            out.append(np.arange(len(cells), dtype=np.int64))
        else:
            out.append(None)
            looked_up.append(cells)
    if looked_up:
        at = pc.fill_null(pc.index_in(pa.chunked_array(looked_up), value_set=pool), -1).to_numpy().astype(np.int64)
        ends = np.cumsum([0] + [len(c) for c in looked_up])
        parts = iter(at[ends[i]:ends[i + 1]] for i in range(len(looked_up)))
        out = [next(parts) if o is None else o for o in out]
    return out


def strings(values: pa.Array | pa.ChunkedArray) -> pd.Series:
    """Arrow strings as a pandas Series of Arrow-backed strings, no copy.

    >>> strings(pa.array(["a", None])).tolist()
    ['a', <NA>]
    """
    return pd.Series(pd.arrays.ArrowStringArray(values))


def spread(values: pd.Series, at: np.ndarray) -> pd.Series:
    """``values`` (strings) taken at ``at``, missing where ``at`` is -1, as Arrow strings: one take
    in C++ where a million Python strings would each be converted again.

    >>> spread(pd.Series(["x", "y"]), np.array([1, -1, 0])).tolist()
    ['y', <NA>, 'x']
    """
    taken = _arrow_strings(values).take(pa.array(at, mask=at < 0))
    return strings(taken)


def gather(values: np.ndarray, at: np.ndarray, missing) -> np.ndarray:
    """``values[at]`` where ``at >= 0``, ``missing`` where ``at`` is -1 (also when ``values`` is empty).

    >>> gather(np.array([10, 20]), np.array([1, -1, 0]), -1).tolist()
    [20, -1, 10]
    >>> gather(np.array([], dtype=int), np.array([-1, -1]), -1).tolist()
    [-1, -1]
    """
    found = at >= 0
    out = np.full(len(at), missing, dtype=values.dtype)
    out[found] = values[at[found]]
    return out
