"""The reason frame and the per-key gathering indicators share."""

from __future__ import annotations

import numpy as np
import pandas as pd

from graphkit.indicators.base import tuples_by


def test_tuples_by_is_groupby_tuple():
    rng = np.random.default_rng(1)
    keys = pd.Series(rng.choice(["s1", "s2", "s10", "é", None], 3000), dtype=object)
    values = pd.Series(rng.choice(["h1", "h2", "h3"], 3000), dtype="str")
    got = tuples_by(keys, values)
    expected = values.groupby(keys).agg(tuple)
    assert got.to_dict() == expected.to_dict()
    assert list(got.index) == list(expected.index)


def test_tuples_by_nothing():
    assert tuples_by(pd.Series([None, None], dtype=object), pd.Series([1, 2])).empty
