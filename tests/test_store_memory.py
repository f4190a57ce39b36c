"""The memory store holds validated tables and derives the schema's graph from them."""

import pandas as pd

from graphkit import MemoryStore, load_folder
from graphkit.datasets import tiny_path
from graphkit.store.base import tables_from_graph


def loaded() -> MemoryStore:
    store = MemoryStore()
    store.load(load_folder(tiny_path()).tables)
    return store


def test_counts_per_label_and_type():
    store = loaded()
    data = load_folder(tiny_path())
    assert store.node_counts() == {
        "Person": 32, "Address": 10, "Sponsor": 6, "Employer": 5, "Permit": 31, "BorderCrossing": 35,
    }
    rel = store.relationship_counts()
    assert rel["HOLDS"] == len(data.tables["permits"])
    assert rel["SPONSORED_BY"] == data.tables["permits"]["sponsor_id"].notna().sum()
    assert rel["EMPLOYED_BY"] == len(data.tables["employment"])
    assert rel["LOCATED_AT"] == data.tables["sponsors"]["address_id"].notna().sum() + data.tables["employers"]["address_id"].notna().sum()


def test_loading_twice_changes_nothing():
    store = loaded()
    before = (store.node_counts(), store.relationship_counts())
    store.load(load_folder(tiny_path()).tables)
    assert (store.node_counts(), store.relationship_counts()) == before


def test_tables_round_trip_through_the_graph():
    store = loaded()
    labels = store.node_counts()
    rebuilt = tables_from_graph({l: store.node_set(l) for l in labels}, store.relationship_sets())
    for name, frame in store.tables().items():
        pd.testing.assert_frame_equal(
            rebuilt[name].reset_index(drop=True), frame.reset_index(drop=True), check_dtype=False, check_like=True
        )
