"""Distinct values by one sort return exactly what numpy's unique returns."""

from __future__ import annotations

import numpy as np

from graphkit.distinct import among, distinct, distinct_inverse, first_positions


def test_distinct_values_inverse_and_first_positions_equal_numpy_unique():
    rng = np.random.default_rng(3)
    for values in (rng.integers(0, 50, 1000), rng.integers(-10**12, 10**12, 500), np.array([], dtype=np.int64),
                   np.array(["2026-01-02", "2025-12-31", "2026-01-02"], dtype="datetime64[D]")):
        assert np.array_equal(distinct(values), np.unique(values))
        d, inverse = distinct_inverse(values)
        expected, expected_inverse = np.unique(values, return_inverse=True)
        assert np.array_equal(d, expected) and np.array_equal(inverse, expected_inverse)
    codes = rng.integers(0, 40, 2000)
    _, codes = np.unique(codes, return_inverse=True)  # every code 0 .. k-1 present
    assert np.array_equal(first_positions(codes, codes.max() + 1), np.unique(codes, return_index=True)[1])


def test_among_equals_numpy_isin():
    rng = np.random.default_rng(5)
    values = rng.integers(-20, 60, 3000)
    for pool in (rng.integers(0, 40, 100), np.array([], dtype=np.int64), np.array([59]), np.array([-100, 10**9])):
        assert np.array_equal(among(values, distinct(pool)), np.isin(values, pool))
