"""The analysis context: id positions beside the ids, Arrow's sort, the humans frame on integers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from graphkit import load_folder
from graphkit.datasets import tiny_path
from graphkit.datasets.synth import synth, write_scenario
from graphkit.indicators.context import _sorted, build_context


@pytest.fixture(scope="module")
def contexts(tmp_path_factory):
    folder = write_scenario(synth(1500, 3, style="agency"), tmp_path_factory.mktemp("ctx") / "input")
    return [build_context(load_folder(tiny_path()).tables, as_of="2026-11-01"),
            build_context(load_folder(folder).tables, as_of="2026-11-01")]


def test_positions_point_at_the_ids(contexts):
    for ctx in contexts:
        for frame, column, index in ((ctx.permits, "human", ctx.humans.index), (ctx.permits, "sponsor", ctx.orgs.index),
                                     (ctx.employment, "human", ctx.humans.index), (ctx.employment, "org", ctx.orgs.index),
                                     (ctx.residences, "human", ctx.humans.index), (ctx.residences, "place", ctx.places.index),
                                     (ctx.movements, "human", ctx.humans.index)):
            at = frame[f"{column}_at"].to_numpy()
            known = at >= 0
            assert (index.to_numpy()[at[known]] == frame[column].to_numpy()[known]).all(), column
            assert frame.loc[~known, column].isna().all(), column
        assert ctx.permits["sponsor_at"].ge(0).any() and ctx.residences["place_at"].ge(0).any()


def test_sorted_is_pandas_stable_sort_with_missing_first():
    rng = np.random.default_rng(0)
    n = 5000
    frame = pd.DataFrame({
        "name": pd.Series(rng.choice(["b", "a", "é", "B", "ab", None], n), dtype="str"),
        "kind": pd.Series(rng.choice(["x", "y", None], n), dtype="str"),
        "day": pd.to_datetime(pd.Series(rng.choice([None, "2020-01-01", "2021-06-02"], n))).astype("datetime64[us]"),
        "row": np.arange(n),
    })
    by = ["name", "kind", "day"]
    expected = frame.sort_values(by, kind="stable", na_position="first").reset_index(drop=True)
    pd.testing.assert_frame_equal(_sorted(frame, by), expected)


def test_humans_frame_matches_a_plain_groupby(contexts):
    for ctx in contexts:
        p = ctx.permits.dropna(subset=["human"])
        # the latest permit: latest issue, then latest expiry, then the highest permit id
        latest = p.sort_values(["human", "issued_on", "expires_on", "permit_id"], kind="stable").groupby("human").last()
        h = ctx.humans.loc[latest.index]
        assert (h["latest_permit"] == latest["permit_id"]).all()
        assert (h["latest_expires"] == p.groupby("human")["expires_on"].max().reindex(latest.index)).all()
        assert (h["valid_permit"] == p.groupby("human")["valid"].any().reindex(latest.index)).all()
        m = ctx.movements.dropna(subset=["human"])
        departures = m[m["direction"] == "DEPARTURE"].groupby("human")["date"].max()
        assert (ctx.humans.loc[departures.index, "last_departure"] == departures).all()
        arrivals = m[m["direction"] == "ARRIVAL"].groupby("human").size()
        assert (ctx.humans["arrivals"].reindex(arrivals.index) == arrivals).all()
        assert ctx.humans.loc[~ctx.humans.index.isin(arrivals.index), "arrivals"].eq(0).all()
        assert ctx.humans.loc[~ctx.humans.index.isin(p["human"]), "latest_permit"].isna().all()
