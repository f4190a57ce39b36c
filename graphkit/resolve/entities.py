"""Entities from links: connected records, stable canonical ids, and ``entities.csv``.

An entity's canonical id is the smallest ``table:id`` among its records (string order), so it
depends only on which records it holds: not on input row order, nor on the run.

Examples
--------
>>> import numpy as np
>>> ids = np.array(["persons:P3", "persons:P1", "persons:P2"], dtype=object)
>>> links = Links(np.array([0]), np.array([2]), np.array([0.97]), np.array(["name:exact"], dtype=object))
>>> entity_frame("PERSON", ids, links)[["source_id", "entity_id", "match_probability"]].values.tolist()
[['persons:P1', 'persons:P1', nan], ['persons:P2', 'persons:P2', 0.97], ['persons:P3', 'persons:P2', 0.97]]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from graphkit.distinct import first_positions

COLUMNS = ["source_id", "entity_type", "entity_id", "match_probability", "matched_on"]


@dataclass
class Links:
    """Pairs of record positions that are one entity, with their probability and evidence."""

    left: np.ndarray
    right: np.ndarray
    probability: np.ndarray
    matched_on: np.ndarray

    @staticmethod
    def concat(parts: list["Links"]) -> "Links":
        """All links of ``parts``, in order."""
        if not parts:
            return Links(*(np.array([], dtype=t) for t in (np.int64, np.int64, float, object)))
        return Links(*(np.concatenate([getattr(p, f) for p in parts]).astype(t)
                       for f, t in (("left", np.int64), ("right", np.int64), ("probability", float), ("matched_on", object))))

    def __len__(self) -> int:
        return len(self.left)


def hard_links(key: pd.Series, hub_limit: int | None, label: str) -> Links:
    """Links from every record to the first record sharing its non-empty ``key`` value.

    A value held by more than ``hub_limit`` records (a placeholder number) links nothing.

    >>> hard_links(pd.Series(["a", "", "a", "b"]), 10, "passport").left.tolist()
    [2]
    """
    pos = np.flatnonzero((key.notna() & (key != "")).to_numpy(bool))
    # integer codes in order of first appearance: a group-by on a million strings costs seconds
    codes, uniques = pd.factorize(key.to_numpy()[pos] if len(pos) else np.array([], dtype=object))
    size = np.bincount(codes, minlength=len(uniques))
    first = pos[first_positions(codes, len(uniques))].astype(np.int64)  # each value's first position
    joined = (size[codes] > 1) & ((size[codes] <= hub_limit) if hub_limit else True)
    joined &= pos != first[codes]
    n = int(joined.sum())
    return Links(pos[joined].astype(np.int64), first[codes[joined]], np.ones(n), np.full(n, label, dtype=object))


def components(n: int, links: Links) -> np.ndarray:
    """Each record's component number (records joined by any link)."""
    graph = coo_matrix((np.ones(len(links), dtype=np.int8), (links.left, links.right)), shape=(n, n))
    return connected_components(graph, directed=False)[1]


def cut(n: int, links: Links, apart: list[tuple[int, int]], keep: np.ndarray) -> Links:
    """``links`` without the weakest ones that join a pair judged ``not_same``.

    Links marked in ``keep`` (judged ``same``) are never cut; within a component holding a
    separated pair, links are dropped from the weakest up until the pair falls apart.
    """
    if not apart:
        return links
    alive = np.ones(len(links), dtype=bool)
    for a, b in apart:
        label = components(n, _subset(links, alive))
        if label[a] != label[b]:
            continue
        inside = np.flatnonzero(alive & (label[links.left] == label[a]) & ~keep)
        for i in inside[np.lexsort((inside, links.probability[inside]))]:
            alive[i] = False
            label = components(n, _subset(links, alive))
            if label[a] != label[b]:
                break
    return _subset(links, alive)


def _subset(links: Links, mask: np.ndarray) -> Links:
    return Links(links.left[mask], links.right[mask], links.probability[mask], links.matched_on[mask])


def entity_frame(entity_type: str, source_ids: np.ndarray, links: Links) -> pd.DataFrame:
    """One row per record: its entity's canonical id and its strongest link into the entity.

    Records alone in their entity have no match probability and nothing matched on.
    """
    n = len(source_ids)
    label = components(n, links)
    ids = np.asarray(source_ids, dtype=object)
    # resolve hands its ids sorted and distinct: then a record's rank is its position, and sorting a
    # million strings again (twice) is skipped
    in_order = n < 2 or bool(np.all(ids[1:] > ids[:-1]))
    # the smallest id of each component, by integer ranks: a string group-by runs per group in Python
    rank, ordered = (np.arange(n), ids) if in_order else pd.factorize(pd.Series(ids, dtype=object), sort=True)
    smallest = np.full(label.max() + 1 if n else 0, n, dtype=np.int64)
    np.minimum.at(smallest, label, rank)
    entity = np.asarray(ordered, dtype=object)[smallest[label]]
    ends = pd.DataFrame({"pos": np.concatenate([links.left, links.right]),
                         "p": np.tile(links.probability, 2), "on": np.tile(links.matched_on, 2)})
    ends = ends.sort_values(["pos", "p", "on"], ascending=[True, False, True], kind="stable").drop_duplicates("pos")
    probability = np.full(n, np.nan)
    matched_on = np.full(n, "", dtype=object)
    probability[ends["pos"].to_numpy()] = ends["p"].to_numpy()
    matched_on[ends["pos"].to_numpy()] = ends["on"].to_numpy()
    frame = pd.DataFrame({"source_id": source_ids, "entity_type": entity_type, "entity_id": entity,
                          "match_probability": probability, "matched_on": matched_on})
    return frame if in_order else frame.sort_values("source_id", kind="stable", ignore_index=True)
