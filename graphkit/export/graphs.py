"""Interactive, self-contained HTML graphs of a target's neighbourhood, and GEXF for Gephi.

Three steps, each a function an analyst can call alone:

1. :func:`neighbourhood` walks the store's relationship sets from the seed nodes with numpy (an
   adjacency index built once per store, never a networkx graph of the whole store) and returns a
   small ``networkx.MultiDiGraph``. Past ``cap`` nodes it keeps the seeds and the closest, most
   connected (or riskiest) nodes and stands one "and N more" node in for each relationship type cut.
2. :func:`render_html` lays the graph out in Python (igraph Fruchterman-Reingold, fixed seed), hands
   the nodes and edges to pyvis, and writes them into graphkit's own page: vis-network inlined from
   ``assets/``, no request leaves the page, every data text is escaped, physics is off so a
   2,000-node graph is usable at once. Tooltips are plain text, never HTML.
3. :func:`export_graph` does both for one scored entity and writes the file.

Examples
--------
>>> from graphkit import MemoryStore, load_folder
>>> from graphkit.datasets import tiny_path
>>> store = MemoryStore()
>>> _ = store.load(load_folder(tiny_path()).tables)
>>> g = neighbourhood(store, ["Employer:E02"], hops=1)
>>> g.number_of_nodes(), sorted({d["label"] for _, d in g.nodes(data=True)})
(9, ['Address', 'Employer', 'Person'])
>>> sorted({d["type"] for _, _, d in g.edges(data=True)})
['EMPLOYED_BY', 'LOCATED_AT']
>>> page = render_html(g, ["Employer:E02"], "CV Kopi Lahat Sejahtera")
>>> "https://" in page.split("<body>")[1], "window.network" in page
(False, True)
"""

from __future__ import annotations

import base64
import datetime
import gc
import hashlib
import html
import json
import multiprocessing
import os
import random
import weakref
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path

import igraph
import networkx as nx
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pyvis.network import Network
from scipy.spatial import cKDTree

from graphkit.errors import GraphkitError
from graphkit.export.tables import atomic_write
from graphkit.graphmodel import RelationshipSet
from graphkit.arrowops import positions_of_many
from graphkit.privacy import Pseudonymiser, personal_columns, personal_values
from graphkit.schema import load_schema

MORE = "More"
"""The label of the stand-in nodes that count what a cap left out."""

# fill colour and vis shape per label; risk shows in size and border, the target in a black border
STYLE = {
    "Person": ("#4e79a7", "dot"),
    "Permit": ("#59a14f", "square"),
    "Sponsor": ("#b07aa1", "diamond"),
    "Employer": ("#f28e2b", "hexagon"),
    "Address": ("#edc948", "triangle"),
    "BorderCrossing": ("#76b7b2", "triangleDown"),
    MORE: ("#e0e0e0", "box"),
}
RISK_BANDS = ((75, "#d62728", "risk 75-100"), (50, "#ff7f0e", "risk 50-74"), (25, "#bcbd22", "risk 25-49"),
              (0, "#606060", "risk below 25 or not scored"))
EDGE_LENGTH = 150.0  # pixels: the layout is scaled to at least this median edge length
NODE_SPACING = 90.0  # pixels: ... and to at least this median distance to the nearest node
LABEL_CHARS = 36
CROWDED_EDGES = 1000
POOL_PAGES = 16  # pages per worker process worth its start


# --------------------------------------------------------------------------------------------
# neighbourhood


class _Blanks:
    """Node-sized arrays, each of one fill value, kept from page to page of one index: a page says
    where it wrote (:meth:`wrote`) and :meth:`restore` puts the fill back there. At a million persons
    a fresh set per page is over 100 MB to allocate and fault in, more than the page's own work."""

    def __init__(self, size: int):
        self.size = size
        self.arrays: dict[str, tuple[np.ndarray, object]] = {}
        self.written: list[tuple[str, np.ndarray]] = []

    def get(self, name: str, dtype, fill) -> np.ndarray:
        if name not in self.arrays:
            self.arrays[name] = np.full(self.size, fill, dtype=dtype), fill
        return self.arrays[name][0]

    def wrote(self, name: str, at: np.ndarray) -> None:
        self.written.append((name, at))

    def restore(self) -> None:
        for name, at in self.written:
            values, fill = self.arrays[name]
            values[at] = fill
        self.written.clear()


@dataclass(frozen=True)
class _Index:
    """The store's relationships as a compressed adjacency over integer node codes.

    A node's code is ``offsets[label] + position of its key in keys[label]``; ``indptr``,
    ``neighbour`` and ``edge`` list every node's neighbours (both directions) and the edge
    numbers that link them; edge ``e`` is row ``edge_row[e]`` of ``rels[edge_set[e]]``.
    """

    rels: tuple[RelationshipSet, ...]
    labels: tuple[str, ...]
    offsets: np.ndarray
    frames: dict[str, pd.DataFrame]
    keys: dict[str, pd.Index]
    key_arrays: dict[str, pa.ChunkedArray]
    indptr: np.ndarray
    neighbour: np.ndarray
    edge: np.ndarray
    edge_set: np.ndarray
    edge_row: np.ndarray
    edge_type: np.ndarray
    types: tuple[str, ...]
    blanks: _Blanks

    @property
    def size(self) -> int:
        return int(self.offsets[-1])

    def codes(self, node_ids: Sequence[str]) -> list[int | None]:
        """The code of each node id (``None``: not in the index), one lookup per label."""
        out: list[int | None] = [None] * len(node_ids)
        by_label: dict[str, list[int]] = {}
        for i, node_id in enumerate(node_ids):
            by_label.setdefault(node_id.partition(":")[0], []).append(i)
        for label, at in by_label.items():
            if label not in self.keys:
                continue
            found = self.keys[label].get_indexer([node_ids[i].partition(":")[2] for i in at]).tolist()
            offset = int(self.offsets[self.labels.index(label)])
            for i, pos in zip(at, found):
                if pos >= 0:
                    out[i] = offset + pos
        return out

    def props(self, codes: np.ndarray, node_ids: Sequence[str]) -> dict[str, dict]:
        """Properties of the nodes ``codes`` (with ids ``node_ids``), read by position from the node
        sets the index was built on."""
        block = np.searchsorted(self.offsets, codes, side="right") - 1
        out: dict[str, dict] = {}
        ids = np.array(node_ids, dtype=object)
        for b in np.unique(block).tolist():
            at = block == b
            label = self.labels[b]
            out.update(zip(ids[at].tolist(), _records(self.frames[label], codes[at] - self.offsets[b])))
        return out

    def node_ids(self, codes: np.ndarray) -> list[str]:
        block = np.searchsorted(self.offsets, codes, side="right") - 1
        out = np.empty(len(codes), dtype=object)
        for b in np.unique(block).tolist():
            at = block == b
            label = self.labels[b]
            out[at] = [f"{label}:{key}" for key in _take(self.key_arrays[label], codes[at] - self.offsets[b]).to_pylist()]
        return out.tolist()

    def adjacent(self, nodes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(node, neighbour, edge)`` for every incident edge of ``nodes``, vectorised."""
        starts = self.indptr[nodes]
        counts = self.indptr[nodes + 1] - starts
        total = int(counts.sum())
        ends = np.cumsum(counts)
        pos = np.repeat(starts - ends + counts, counts) + np.arange(total)
        return np.repeat(nodes, counts), self.neighbour[pos], self.edge[pos]


_INDEXES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _index(store) -> _Index:
    """The adjacency index of ``store``, rebuilt only when its relationship frames change."""
    rels = tuple(r for r in store.relationship_sets() if len(r.frame))
    cached = _INDEXES.get(store)
    if (cached is not None and [id(r.frame) for r in cached.rels] == [id(r.frame) for r in rels]
            and all(store.node_set(label).frame is frame for label, frame in cached.frames.items())):
        return cached
    types = load_schema().relationship_types
    labels = tuple(dict.fromkeys(lab for r in rels for lab in (r.start_label, r.end_label)))
    # node codes follow each label's node set; relationship ends are looked up there (Arrow's
    # index_in), so no concatenated copy of every key column is ever made
    keys, frames = {}, {}
    for label in labels:
        nodes = store.node_set(label)
        frames[label] = nodes.frame
        keys[label] = pd.Index(nodes.frame[nodes.key])
    offsets = np.concatenate([[0], np.cumsum([len(keys[lab]) for lab in labels])]).astype(np.int64)
    # each label's keys hashed once for all the relationship ends that point to it
    at = {}
    for label in labels:
        sides = [(i, side) for i, r in enumerate(rels) for side, lab in (("start", r.start_label), ("end", r.end_label))
                 if lab == label]
        found = positions_of_many([rels[i].frame[side] for i, side in sides], keys[label])
        at.update({key: offsets[labels.index(label)] + p for key, p in zip(sides, found)})
    starts, ends, sets, rows, tcodes = [], [], [], [], []
    for i, r in enumerate(rels):
        starts.append(at[i, "start"])
        ends.append(at[i, "end"])
        sets.append(np.full(len(r.frame), i, dtype=np.int32))
        rows.append(np.arange(len(r.frame), dtype=np.int32))
        tcodes.append(np.full(len(r.frame), types.index(r.type), dtype=np.int8))
    start = np.concatenate(starts) if rels else np.zeros(0, np.int64)
    end = np.concatenate(ends) if rels else np.zeros(0, np.int64)
    n_edges = len(start)
    src = np.concatenate([start, end])
    order = np.argsort(src, kind="stable")
    index = _Index(
        rels=rels,
        labels=labels,
        offsets=offsets,
        frames=frames,
        keys=keys,
        key_arrays={label: _arrow_frame(store.node_set(label).frame).column(store.node_set(label).key) for label in labels},
        indptr=np.concatenate([[0], np.cumsum(np.bincount(src, minlength=int(offsets[-1])))]).astype(np.int64),
        neighbour=np.concatenate([end, start])[order].astype(np.int32 if offsets[-1] < 2**31 else np.int64),
        edge=np.concatenate([np.arange(n_edges), np.arange(n_edges)])[order].astype(np.int32 if n_edges < 2**31 else np.int64),
        edge_set=np.concatenate(sets) if rels else np.zeros(0, np.int32),
        edge_row=np.concatenate(rows) if rels else np.zeros(0, np.int64),
        edge_type=np.concatenate(tcodes) if rels else np.zeros(0, np.int8),
        types=types,
        blanks=_Blanks(int(offsets[-1])),
    )
    _INDEXES[store] = index
    return index


def _plain(value):
    """A property value fit for JSON and GEXF: ISO dates, Python numbers, ``None`` for missing."""
    if value is None or value is pd.NaT or (isinstance(value, float) and value != value) or value is pd.NA:
        return None
    if isinstance(value, datetime.datetime):  # pandas' Timestamp, or a timestamp Arrow read
        return value.strftime("%Y-%m-%d")
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, (int, float, str)):
        return value
    return str(value)


def _take(values: pa.ChunkedArray, rows, parts: dict | None = None) -> pa.Array:
    """``values.take(rows)``, chunk by chunk.

    Arrow's ``take`` on a chunked array joins every chunk first: a copy of the whole column per
    call, tens of milliseconds for a million rows read in 1 MiB blocks, where a page wants a few
    hundred rows. ``parts`` keeps the split of ``rows`` over each chunk layout seen, for the
    other columns of the same table.

    >>> _take(pa.chunked_array([["a", "b"], [], ["c"]]), [2, 0, 1]).to_pylist()
    ['c', 'a', 'b']
    """
    parts = {} if parts is None else parts
    layout = tuple(len(c) for c in values.chunks)
    if layout not in parts:
        rows = np.asarray(rows, dtype=np.int64)
        if values.num_chunks == 1:
            parts[layout] = None, pa.array(rows)
        else:
            bounds = np.cumsum([0, *layout])
            chunk = np.searchsorted(bounds, rows, side="right") - 1
            order = np.argsort(chunk, kind="stable")
            pieces = [(c, pa.array(rows[order[chunk[order] == c]] - bounds[c])) for c in np.unique(chunk).tolist()]
            back = np.empty(len(rows), dtype=np.int64)
            back[order] = np.arange(len(rows))
            parts[layout] = pieces, pa.array(back)
    pieces, at = parts[layout]
    if pieces is None:
        return values.chunk(0).take(at)
    taken = [values.chunk(c).take(part) for c, part in pieces] or [pa.array([], values.type)]
    return pa.concat_arrays(taken).take(at)


def _plain_list(values: pa.Array) -> list:
    """:func:`_plain` of every value, without a Python call per text or number."""
    if pa.types.is_string(values.type) or pa.types.is_large_string(values.type):
        return values.to_pylist()
    if pa.types.is_floating(values.type):
        return [None if v is None or v != v else v for v in values.to_pylist()]
    if pa.types.is_integer(values.type) or pa.types.is_boolean(values.type):
        return values.to_pylist()
    if pa.types.is_timestamp(values.type) and values.type.tz is None and _four_digit_years(values):
        return pc.strftime(values, "%Y-%m-%d").to_pylist()
    return [_plain(v) for v in values.to_pylist()]


def _four_digit_years(values: pa.Array) -> bool:
    """Whether every year is 1000-9999, where Arrow's ``strftime`` writes what Python's does
    (Python writes year 999 as ``999``, Arrow as ``0999``).

    >>> _four_digit_years(pa.array([datetime.datetime(999, 1, 1), None]))
    False
    """
    years = pc.min_max(pc.year(values))
    return years["min"].as_py() is None or (years["min"].as_py() >= 1000 and years["max"].as_py() <= 9999)


def _records(frame: pd.DataFrame, rows, drop: Sequence[str] = ()) -> list[dict]:
    """``rows`` (positions) of ``frame`` as property dictionaries, missing values left out.

    Read through an Arrow copy of the frame made once: pandas' ``iloc`` and ``to_dict`` cost
    milliseconds per call, and a graph page makes a dozen calls on million-row frames.
    """
    table = _arrow_frame(frame)
    parts: dict = {}
    names, columns = [], []
    for name, column in zip(table.column_names, table.columns):
        if name not in drop:
            names.append(name)
            columns.append(_plain_list(_take(column, rows, parts)))
    if not names:
        return [{} for _ in range(len(rows))]
    return [{k: v for k, v in zip(names, row) if v is not None} for row in zip(*columns)]


def _column(frame: pd.DataFrame, name: str, rows) -> list:
    """``frame[name].take(rows).tolist()`` through the frame's Arrow copy."""
    return _take(_arrow_frame(frame).column(name), rows).to_pylist()


_ARROW_FRAMES: dict[int, tuple[pd.DataFrame, pa.Table]] = {}


def _arrow_frame(frame: pd.DataFrame) -> pa.Table:
    cached = _ARROW_FRAMES.get(id(frame))
    if cached is None or cached[0] is not frame:
        if len(_ARROW_FRAMES) >= 32:  # a few stores' node and relationship sets at most
            _ARROW_FRAMES.clear()
        cached = _ARROW_FRAMES[id(frame)] = (frame, pa.Table.from_pandas(frame, preserve_index=False))
    return cached[1]


_KEY_INDEXES: dict[int, tuple[pd.DataFrame, pd.Index]] = {}


def _key_index(ns) -> pd.Index:
    """A lookup index on a node set's keys, built once per node frame (a million-row scan per graph is slow)."""
    cached = _KEY_INDEXES.get(id(ns.frame))
    if cached is None or cached[0] is not ns.frame:
        if len(_KEY_INDEXES) >= 16:  # a few stores' labels at most; the frames are held here
            _KEY_INDEXES.clear()
        cached = _KEY_INDEXES[id(ns.frame)] = (ns.frame, pd.Index(ns.frame[ns.key]))
    return cached[1]


def _node_props(store, node_ids: Sequence[str]) -> dict[str, dict]:
    """Properties of each node, read from the store's node sets; unknown nodes are an error."""
    by_label: dict[str, list[str]] = {}
    for node_id in node_ids:
        label, _, key = node_id.partition(":")
        by_label.setdefault(label, []).append(key)
    out = {}
    for label, keys in by_label.items():
        if label not in load_schema().labels:
            raise GraphkitError(f"unknown node label in {label}:{keys[0]}: expected one of {', '.join(load_schema().labels)}")
        ns = store.node_set(label)
        rows = [p for p in _key_index(ns).get_indexer(keys).tolist() if p >= 0]
        for key, props in zip(_column(ns.frame, ns.key, rows), _records(ns.frame, rows)):
            out[f"{label}:{key}"] = props
        missing = [k for k in keys if f"{label}:{k}" not in out]
        if missing:
            raise GraphkitError(f"unknown node {label}:{missing[0]}: no {label} with that key in the store")
    return out


def neighbourhood(store, seeds: Sequence[str], hops: int = 2, cap: int = 300,
                  risk: Mapping[str, float] | None = None) -> nx.MultiDiGraph:
    """The nodes within ``hops`` relationships of ``seeds``, capped at ``cap`` nodes.

    Parameters
    ----------
    store : GraphStore
        Any store; its relationship sets are indexed once and the index is kept until they change.
    seeds : list of str
        Node ids ``Label:key``, e.g. ``Employer:E01``. Seeds are always kept.
    hops : int
        How many relationships away from a seed to go.
    cap : int
        Most real nodes to keep (more only if there are more seeds). Beyond it, nodes are kept
        closest hop first, then highest ``risk`` (when given), then highest degree in the store.
    risk : mapping of node id to score, optional
        Ranks nodes of the same hop before degree does.

    Returns
    -------
    networkx.MultiDiGraph
        Nodes carry ``label``, ``key``, ``props`` and ``hop``; edges carry ``type`` and the
        relationship's properties. Every relationship type that lost nodes to the cap gets one
        node ``More:<TYPE>`` (label ``More``, ``props['count']`` nodes not shown), linked from each
        kept node it was cut from (edge attribute ``count``). ``graph.graph`` holds ``found``
        (nodes within reach), ``shown``, ``hops`` and ``cap``.

    Examples
    --------
    >>> from graphkit import MemoryStore, load_folder
    >>> from graphkit.datasets import tiny_path
    >>> store = MemoryStore()
    >>> _ = store.load(load_folder(tiny_path()).tables)
    >>> g = neighbourhood(store, ["Employer:E01"], hops=1, cap=4)
    >>> g.graph["found"], g.number_of_nodes()
    (11, 6)
    >>> g.nodes["More:EMPLOYED_BY"]["props"]
    {'relationship': 'EMPLOYED_BY', 'count': 6, 'by_label': 'Person 6'}
    """
    index = _index(store)
    try:
        return _neighbourhood(index, store, seeds, hops, cap, risk)
    finally:
        index.blanks.restore()


def _neighbourhood(index: _Index, store, seeds: Sequence[str], hops: int, cap: int,
                   risk: Mapping[str, float] | None) -> nx.MultiDiGraph:
    """:func:`neighbourhood` on the store's ``index``, in its blank arrays."""
    blanks = index.blanks
    seeds = list(dict.fromkeys(seeds))
    props = {}
    codes = dict(zip(seeds, index.codes(seeds)))
    isolated = [s for s, c in codes.items() if c is None]
    props.update(_node_props(store, isolated))  # raises for seeds that are not in the store at all
    seed_codes = np.array(sorted({c for c in codes.values() if c is not None}), dtype=np.int64)

    hop = blanks.get("hop", np.int16, -1)
    hop[seed_codes] = 0
    blanks.wrote("hop", seed_codes)
    reached = [seed_codes]
    frontier = seed_codes
    for h in range(1, hops + 1):
        _, nbr, _ = index.adjacent(frontier)
        frontier = np.unique(nbr[hop[nbr] < 0])
        if not len(frontier):
            break
        hop[frontier] = h
        blanks.wrote("hop", frontier)
        reached.append(frontier)
    nodes = np.concatenate(reached)
    limit = max(cap - len(isolated), len(seed_codes))
    if len(nodes) > limit:
        # ties go by node id, not by code: codes follow the input's row order, ids do not
        reached_ids = index.node_ids(nodes)
        by_id = np.empty(len(nodes), dtype=np.int64)
        by_id[np.argsort(np.array(reached_ids, dtype=object), kind="stable")] = np.arange(len(nodes))
        id_rank = blanks.get("id_rank", np.int64, -1)
        id_rank[nodes] = by_id
        blanks.wrote("id_rank", nodes)
        degree = index.indptr[nodes + 1] - index.indptr[nodes]
        weight = np.zeros(len(nodes))
        if risk:
            weight = np.array([float(risk.get(n, 0.0)) for n in reached_ids])
        order = np.lexsort((by_id, -degree, -weight, hop[nodes]))
        kept, cut = nodes[order[:limit]], nodes[order[limit:]]
    else:
        kept, cut = nodes, nodes[:0]

    is_kept = blanks.get("is_kept", bool, False)
    is_kept[kept] = True
    blanks.wrote("is_kept", kept)
    kept_ids = index.node_ids(kept)
    props.update(index.props(kept, kept_ids))

    attrs = {"found": len(nodes) + len(isolated), "shown": len(kept) + len(isolated), "hops": hops, "cap": cap}
    node_rows = []
    for node_id, h in [(s, 0) for s in isolated] + list(zip(kept_ids, hop[kept].tolist())):
        label, _, key = node_id.partition(":")
        node_rows.append((node_id, {"label": label, "key": key, "props": props[node_id], "hop": h}))
    edge_rows = []

    # relationships among kept nodes, in store order
    src, nbr, eid = index.adjacent(kept)
    eid = np.unique(eid[is_kept[nbr]])
    for set_no in np.unique(index.edge_set[eid]).tolist():
        rs = index.rels[set_no]
        rows = index.edge_row[eid[index.edge_set[eid] == set_no]]
        for start, end, p in zip(_column(rs.frame, "start", rows), _column(rs.frame, "end", rows),
                                 _records(rs.frame, rows, ("start", "end"))):
            edge_rows.append((f"{rs.start_label}:{start}", f"{rs.end_label}:{end}", {"type": rs.type, **p}))

    if len(cut):
        _add_more_nodes(node_rows, edge_rows, index, hop, is_kept, cut, id_rank)
    return _in_id_order(attrs, node_rows, edge_rows)


def _in_id_order(attrs: dict, nodes: list[tuple[str, dict]], edges: list[tuple[str, str, dict]]) -> nx.MultiDiGraph:
    """The graph of ``nodes`` sorted by id and ``edges`` by ends, type and properties: the input's
    row order (which the store's codes follow) must not reach the page, its layout or its bytes.
    Built once, in that order: a networkx graph built and then copied sorted costs twice."""
    out = nx.MultiDiGraph(**attrs)
    out.add_nodes_from(sorted(nodes, key=lambda n: n[0]))
    edges = sorted(edges, key=lambda e: (e[0], e[1]))
    # edges between the same two nodes by their properties: a stable sort on the ends and then on
    # the properties within each run of equal ends orders as one sort on all three
    start = 0
    for end in range(1, len(edges) + 1):
        if end == len(edges) or edges[end][:2] != edges[start][:2]:
            if end - start > 1:
                edges[start:end] = sorted(edges[start:end], key=lambda e: json.dumps(e[2], sort_keys=True, default=str))
            start = end
    out.add_edges_from(edges)
    return out


def _add_more_nodes(nodes: list[tuple[str, dict]], edges: list[tuple[str, str, dict]], index: _Index, hop: np.ndarray,
                    is_kept: np.ndarray, cut: np.ndarray, id_rank: np.ndarray) -> None:
    """Count every cut node once, under the relationship type by which its path left the kept
    nodes: one ``More`` node per relationship type appended to ``nodes``, its links to ``edges``."""
    node, nbr, eid = index.adjacent(cut)
    towards = hop[nbr] == hop[node] - 1
    node, nbr, eid = node[towards], nbr[towards], eid[towards]
    # one parent per cut node: a kept one if any, then by relationship type order, then by node id
    order = np.lexsort((id_rank[nbr], index.edge_type[eid], ~is_kept[nbr], node))
    node, nbr, eid = node[order], nbr[order], eid[order]
    first = np.concatenate([[True], node[1:] != node[:-1]])
    node, parent, ptype = node[first], nbr[first], index.edge_type[eid[first]].astype(np.int64)

    group = index.blanks.get("group", np.int64, -1)  # relationship type of the cut
    anchor = index.blanks.get("anchor", np.int64, -1)  # kept node it was cut from
    index.blanks.wrote("group", node)
    index.blanks.wrote("anchor", node)
    for h in np.unique(hop[node]).tolist():
        at = hop[node] == h
        d, p, t = node[at], parent[at], ptype[at]
        direct = is_kept[p]
        group[d] = np.where(direct, t, group[p])
        anchor[d] = np.where(direct, p, anchor[p])

    labels = np.searchsorted(index.offsets, cut, side="right") - 1
    table = pd.DataFrame({"type": group[cut], "anchor": anchor[cut], "label": labels})
    for tcode, part in table.groupby("type", sort=True):
        rel_type = index.types[tcode]
        by_label = part["label"].value_counts().sort_index()
        more_id = f"{MORE}:{rel_type}"
        nodes.append((more_id, {"label": MORE, "key": rel_type, "hop": int(hop[cut].max()), "props": {
            "relationship": rel_type,
            "count": len(part),
            "by_label": ", ".join(f"{index.labels[lab]} {n}" for lab, n in by_label.items()),
        }}))
        anchors = part["anchor"].value_counts().sort_index()
        for anchor_id, n in zip(index.node_ids(anchors.index.to_numpy()), anchors.tolist()):
            edges.append((anchor_id, more_id, {"type": rel_type, "count": n}))


# --------------------------------------------------------------------------------------------
# rendering


@cache
def _asset(name: str) -> str:
    return files("graphkit.export").joinpath("assets", name).read_text(encoding="utf-8")


def _vis_script() -> str:
    """vis-network with its leading licence comment replaced by a notice without web addresses."""
    code = _asset("vis-network.min.js")
    if code.startswith("/**"):
        code = code[code.index("*/") + 2:].lstrip("\n")
    notice = ("/* vis-network 9.1.2 (c) 2011-2017 Almende B.V, (c) 2017-2019 visjs contributors;"
              " dual licensed Apache-2.0 and MIT, texts in graphkit/export/assets/ */\n")
    return notice + code


def safe_json(data) -> str:
    """JSON that cannot end the ``<script>`` element holding it: ``<``, ``>``, ``&`` and the JS line
    separators are written as ``\\u`` escapes.

    >>> safe_json({"name": "</script><script>alert(1)</script>"})
    '{"name":"\\\\u003c/script\\\\u003e\\\\u003cscript\\\\u003ealert(1)\\\\u003c/script\\\\u003e"}'
    """
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)
    for raw, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(raw, escaped)
    return text


def _short(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "\u2026"


def _display(label: str, key: str, props: dict) -> str:
    """The text drawn under a node."""
    if label == "Person":
        return _short(props.get("full_name", key))
    if label in ("Sponsor", "Employer"):
        return _short(props.get("name", key))
    if label == "Address":
        return _short(", ".join(str(props[c]) for c in ("line", "city") if c in props) or key)
    if label == "Permit":
        return _short(f"{props.get('permit_type', '')} {key}")
    if label == "BorderCrossing":
        return _short(f"{props.get('direction', '')} {props.get('date', '')}")
    if label == MORE:
        return f"and {props['count']:,} more\n{props['relationship']}"
    return _short(key)


def _hidden_properties() -> set[str]:
    """Generated composite keys: noise in a tooltip."""
    return {t.key_property for t in load_schema().tables if t.key_property}


def _tooltip(label: str, key: str, props: dict, risk: float | None, reasons: Sequence[str]) -> str:
    """Plain-text tooltip: what the node is, its score and reasons, then its properties."""
    if label == MORE:
        return (f"{props['count']:,} more nodes reached through {props['relationship']} are not shown"
                f" ({props['by_label']}).\nExport with a higher cap, or open the entity's own graph, to see them.")
    lines = [f"{label} {key}"]
    if risk is not None:
        lines.append(f"risk score {risk:g}")
    lines += [f"reason: {r}" for r in reasons]
    hidden = _hidden_properties()
    lines += [f"{k}: {v}" for k, v in props.items() if k not in hidden]
    return "\n".join(lines)


def _edge_tooltip(data: dict) -> str:
    if "count" in data:
        return f"{data['type']}: {data['count']:,} related nodes not shown"
    hidden = _hidden_properties() | {"type"}
    return "\n".join([data["type"], *(f"{k}: {v}" for k, v in data.items() if k not in hidden)])


def _layout(graph: nx.MultiDiGraph, seed: int) -> dict[str, tuple[float, float]]:
    """Fruchterman-Reingold positions in pixels, the same for the same graph and seed."""
    nodes = list(graph.nodes)
    if len(nodes) < 2:
        return {n: (0.0, 0.0) for n in nodes}
    position = {n: i for i, n in enumerate(nodes)}
    pairs = sorted({tuple(sorted((position[u], position[v]))) for u, v in graph.edges() if u != v})
    g = igraph.Graph(n=len(nodes), edges=pairs)
    # igraph draws from a global generator: give it a private seeded one, then restore its default
    igraph.set_random_number_generator(random.Random(seed))
    try:
        coords = np.array(g.layout_fruchterman_reingold(niter=500).coords)
    finally:
        igraph.set_random_number_generator(random)
    coords -= coords.mean(axis=0)
    # spread so that typical edges read well and no crowd of nodes sits closer than a label's width
    nearest, _ = cKDTree(coords).query(coords, k=2)
    scale = NODE_SPACING / max(float(np.median(nearest[:, 1])), 1e-9)
    if pairs:
        lengths = np.linalg.norm(coords[[a for a, _ in pairs]] - coords[[b for _, b in pairs]], axis=1)
        scale = max(scale, EDGE_LENGTH / max(float(np.median(lengths)), 1e-9))
    coords = np.round(coords * scale, 1)
    return {n: (float(x), float(y)) for n, (x, y) in zip(nodes, coords)}


def _risk_colour(score: float | None) -> str:
    for low, colour, _ in RISK_BANDS:
        if score is not None and score >= low:
            return colour
    return RISK_BANDS[-1][1]


def _network(graph: nx.MultiDiGraph, focus: set[str], reasons: Sequence[str], risk: Mapping[str, float], seed: int) -> Network:
    """The pyvis network holding the page's nodes and edges (added in bulk, never ``from_nx``)."""
    pos = _layout(graph, seed)
    ids, labels, titles, colours, shapes, sizes, xs, ys = [], [], [], [], [], [], [], []
    for node_id, d in graph.nodes(data=True):
        score = risk.get(node_id)
        fill, shape = STYLE.get(d["label"], STYLE[MORE])
        border = "#000000" if node_id in focus else _risk_colour(score)
        ids.append(node_id)
        labels.append(_display(d["label"], d["key"], d["props"]))
        titles.append(_tooltip(d["label"], d["key"], d["props"], score, reasons if node_id in focus else ()))
        colours.append({"background": fill, "border": border,
                        "highlight": {"background": fill, "border": "#000000"},
                        "hover": {"background": fill, "border": "#000000"}})
        shapes.append(shape)
        sizes.append(12 + 0.25 * (score or 0) + (8 if node_id in focus else 0))
        xs.append(pos[node_id][0])
        ys.append(pos[node_id][1])
    net = Network(directed=True)
    net.add_nodes(ids, label=labels, title=titles, color=colours, shape=shapes, size=sizes, x=xs, y=ys)
    for node_id in ids:
        score = risk.get(node_id)
        options = {"borderWidth": 6 if node_id in focus else 1 + int((score or 0) // 25)}
        if node_id in focus:
            options["font"] = {"size": 16, "color": "#000000", "strokeWidth": 3}
        if graph.nodes[node_id]["label"] == MORE:
            options["shapeProperties"] = {"borderDashes": [4, 4]}
        net.node_map[node_id].update(options)
    parallel: dict[tuple[str, str], int] = {}
    for number, (u, v, d) in enumerate(graph.edges(data=True)):
        pair = (min(u, v), max(u, v))
        k = parallel[pair] = parallel.get(pair, -1) + 1
        options = {"id": f"e{number}", "label": d["type"], "title": _edge_tooltip(d)}
        if k:
            options["smooth"] = {"enabled": True, "type": "curvedCW", "roundness": 0.15 * k}
        if "count" in d:
            options.update(dashes=True, arrows="")
        net.add_edge(u, v, **options)
    return net


OPTIONS = {
    "physics": {"enabled": False},
    "layout": {"improvedLayout": False},
    "interaction": {"hover": True, "tooltipDelay": 150, "navigationButtons": True, "keyboard": False},
    "nodes": {"font": {"size": 13, "face": "sans-serif", "strokeWidth": 0}},
    "edges": {"smooth": False, "color": {"color": "#9a9a9a", "highlight": "#333333", "hover": "#333333"},
              "font": {"size": 9, "face": "sans-serif", "color": "#555555", "strokeWidth": 0, "align": "middle"},
              "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}}},
}

PAGE_SCRIPT = """(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("graph-data").textContent);
  var network = new vis.Network(document.getElementById("graph"),
    {nodes: new vis.DataSet(data.nodes), edges: new vis.DataSet(data.edges)}, data.options);
  window.network = network;
  network.once("afterDrawing", function () { window.graphkitReady = true; });
  network.selectNodes(data.focus);
  var find = document.getElementById("find");
  data.nodes.map(function (n) { return [n.label.replace(/\\n/g, " "), n.id]; })
    .sort(function (a, b) { return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0; })
    .forEach(function (pair) {
      var option = document.createElement("option");
      option.value = pair[1];
      option.textContent = pair[0] + " (" + pair[1] + ")";
      find.appendChild(option);
    });
  find.addEventListener("change", function () {
    if (!find.value) { return; }
    network.selectNodes([find.value]);
    network.focus(find.value, {scale: 1.2});
  });
  document.getElementById("fit").addEventListener("click", function () { network.fit(); });
})();
"""

PAGE_STYLE = """
body { margin: 0; font-family: sans-serif; color: #222; }
header { padding: 8px 16px; border-bottom: 1px solid #ccc; }
h1 { font-size: 1.25em; margin: 4px 0; }
.note { color: #555; font-size: 0.85em; margin: 2px 0; }
.reasons { margin: 4px 0; padding-left: 1.2em; font-size: 0.9em; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 14px; font-size: 0.8em; margin: 6px 0; align-items: center; }
.swatch { display: inline-block; width: 11px; height: 11px; margin-right: 4px; vertical-align: middle; border: 2px solid #777; }
.tools { font-size: 0.85em; margin: 4px 0; }
#graph { width: 100%; height: calc(100vh - 170px); min-height: 420px; }
div.vis-tooltip { white-space: pre; font-family: sans-serif; font-size: 12px; max-width: 60vw; overflow: hidden; }
"""


def _csp_hash(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii") + "'"


def _legend(graph: nx.MultiDiGraph) -> str:
    e = html.escape
    present = {d["label"] for _, d in graph.nodes(data=True)}
    items = [f'<span><span class="swatch" style="background:{fill}"></span>{e(label)} ({e(shape)})</span>'
             for label, (fill, shape) in STYLE.items() if label in present]
    items += [f'<span><span class="swatch" style="background:#fff;border-color:{colour}"></span>border: {e(text)}</span>'
              for _, colour, text in RISK_BANDS]
    items.append('<span><span class="swatch" style="background:#fff;border:3px solid #000"></span>the target'
                 ' (bigger nodes score higher)</span>')
    return '<div class="legend">' + "".join(items) + "</div>"


def render_html(graph: nx.MultiDiGraph, focus: Sequence[str], title: str, reasons: Sequence[str] = (),
                risk: Mapping[str, float] | None = None, seed: int = 0) -> str:
    """A self-contained, offline HTML page drawing ``graph`` with vis-network.

    Parameters
    ----------
    graph : networkx.MultiDiGraph
        As :func:`neighbourhood` returns it (nodes with ``label``, ``key``, ``props``).
    focus : list of str
        Node ids of the target: black border, bigger, selected when the page opens.
    title : str
        The heading. Like every text from the data it is HTML-escaped.
    reasons : list of str
        The target's score reasons, listed under the heading and in its tooltip.
    risk : mapping of node id to score (0-100), optional
        Sizes nodes and colours their borders.
    seed : int
        Seed of the layout: the same graph, arguments and seed give the same bytes.

    Returns
    -------
    str
        The page. Its data sits in a JSON block with ``<``, ``>`` and ``&`` escaped; a
        Content-Security-Policy allows only its own two scripts (by hash) and no network at all.
        ``window.network`` is the vis Network; ``window.graphkitReady`` turns true once drawn.

    Examples
    --------
    >>> import networkx as nx
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("Person:P1", label="Person", key="P1", props={"full_name": "<b>Ana</b>"})
    >>> page = render_html(g, ["Person:P1"], "Ana & co")
    >>> "<b>Ana</b>" in page, "Ana &amp; co" in page
    (False, True)
    """
    focus_set = {f for f in focus if f in graph}
    risk = {k: float(v) for k, v in (risk or {}).items()}
    net = _network(graph, focus_set, list(reasons), risk, seed)
    # past a thousand edges a software-rendered frame takes ~0.1 s: hide edges while panning or zooming
    crowded = graph.number_of_edges() > CROWDED_EDGES
    options = {**OPTIONS, "interaction": {**OPTIONS["interaction"], "hideEdgesOnDrag": crowded, "hideEdgesOnZoom": crowded}}
    data = {"nodes": net.nodes, "edges": net.edges, "options": options, "focus": [f for f in graph if f in focus_set]}
    vis_script = _vis_script()
    csp = (f"default-src 'none'; script-src {_csp_hash(vis_script)} {_csp_hash(PAGE_SCRIPT)}; "
           "style-src 'unsafe-inline'; img-src data:; font-src data:")
    e = html.escape
    found, shown = graph.graph.get("found"), graph.graph.get("shown")
    extent = (f"{shown:,} of {found:,} nodes within {graph.graph['hops']} hops shown; dashed boxes count the rest."
              if found is not None and found > shown else f"{graph.number_of_nodes():,} nodes.")
    reason_items = "".join(f"<li>{e(r)}</li>" for r in reasons)
    return "\n".join([
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{e(csp)}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(title)}</title>",
        f"<style>{_asset('vis-network.css')}</style>",
        f"<style>{PAGE_STYLE}</style>",
        f'<script id="graph-data" type="application/json">{safe_json(data)}</script>',
        f"<script>{vis_script}</script>",
        "</head>",
        "<body>",
        "<header>",
        f"<h1>{e(title)}</h1>",
        '<p class="note">A lead for human review, not a finding. Hover a node or edge for its facts;'
        " drag to move, scroll to zoom.</p>",
        f'<ul class="reasons">{reason_items}</ul>' if reason_items else "",
        f'<p class="note">{e(extent)}</p>',
        _legend(graph),
        '<div class="tools"><label for="find">Find a node: </label><select id="find"><option value="">(choose)</option>'
        '</select> <button id="fit" type="button">Fit all</button></div>',
        "</header>",
        '<div id="graph"></div>',
        f"<script>{PAGE_SCRIPT}</script>",
        "</body>",
        "</html>",
        "",
    ])


# --------------------------------------------------------------------------------------------
# export


def node_id(entity_id: str) -> str:
    """The graph node id of a ``table:id`` entity or source id.

    >>> node_id("employers:E00012")
    'Employer:E00012'
    """
    table, sep, key = entity_id.partition(":")
    try:
        label = load_schema().table(table).node if sep else None
    except KeyError:
        label = None
    if not label or not key:
        raise GraphkitError(f"bad entity id {entity_id!r}: expected table:id with a node table, e.g. employers:E12")
    return f"{label}:{key}"


def pseudonymise_graph(graph: nx.MultiDiGraph, pseudonymiser: Pseudonymiser) -> None:
    """Replace every personal property of the nodes and relationships of ``graph``, in place."""
    schema = load_schema()
    table_of = {t.node: t.name for t in schema.tables if t.node}
    by_type = {t.edge.type: personal_columns(t.name) for t in schema.tables if t.edge}
    for _, d in graph.nodes(data=True):
        personal = personal_values(table_of[d["label"]], d["props"]) if d["label"] in table_of else {}
        for column, kind in personal.items():
            if column in d["props"]:
                d["props"][column] = pseudonymiser.value(kind, d["props"][column])
    for _, _, d in graph.edges(data=True):
        for column, kind in by_type.get(d["type"], {}).items():
            if column in d:
                d[column] = pseudonymiser.value(kind, d[column])


def _names_a_person(row, graph: nx.MultiDiGraph, seeds: Sequence[str]) -> bool:
    """True when a scores row's name is a human's: a PERSON, or an entity holding an individual
    sponsor's record."""
    if str(row.get("entity_type", "")).upper() == "PERSON":
        return True
    return any(graph.nodes[s]["label"] == "Sponsor" and personal_values("sponsors", graph.nodes[s]["props"])
               for s in seeds if s in graph)


_RISKS: dict[int, tuple[pd.DataFrame, dict[str, float]]] = {}


def _risk_from_scores(scores: pd.DataFrame) -> dict[str, float]:
    """Highest score of any scored entity each node was merged into (computed once per scores frame:
    a run exports many graphs from the same scores)."""
    cached = _RISKS.get(id(scores))
    if cached is not None and cached[0] is scores:
        return cached[1]
    _RISKS.clear()
    _RISKS[id(scores)] = (scores, _risk_of(scores))
    return _RISKS[id(scores)][1]


_SCORE_ROWS: dict[int, tuple[pd.DataFrame, dict[str, int]]] = {}


def _score_rows(scores: pd.DataFrame) -> dict[str, int]:
    """Position of each ``entity_id``'s first row in ``scores`` (built once per scores frame: a scan
    of a million rows per graph page would cost more than the page)."""
    cached = _SCORE_ROWS.get(id(scores))
    if cached is None or cached[0] is not scores:
        ids = scores["entity_id"].astype(str).tolist()
        _SCORE_ROWS.clear()
        cached = _SCORE_ROWS[id(scores)] = (scores, {e: i for i, e in reversed(list(enumerate(ids)))})
    return cached[1]


def _risk_of(scores: pd.DataFrame) -> dict[str, float]:
    risk: dict[str, float] = {}
    for source_ids, score in zip(scores["source_ids"].astype(str), pd.to_numeric(scores["score"], errors="coerce")):
        if score != score:
            continue
        for source in filter(None, (s.strip() for s in source_ids.split(";"))):
            try:
                nid = node_id(source)
            except GraphkitError:
                continue
            risk[nid] = max(risk.get(nid, 0.0), float(score))
    return risk


def export_graph(store, entity_id: str, hops: int = 2, out: str | Path | None = None, scores: pd.DataFrame | None = None,
                 cap: int = 300, pseudonymise: Pseudonymiser | None = None) -> Path | str:
    """The interactive neighbourhood graph of one entity: a file at ``out``, or the page itself.

    Parameters
    ----------
    store : GraphStore
    entity_id : str
        ``table:id``, e.g. ``employers:E01``; with ``scores``, the ``entity_id`` of a row whose
        ``source_ids`` (every input row merged into the entity) become the seeds and whose
        score, rank and reasons go into the page.
    hops, cap : int
        As in :func:`neighbourhood`.
    out : path, optional
        Where to write the page (atomically). Without it the HTML text is returned.
    scores : pandas.DataFrame, optional
        ``scores.csv`` as read; every scored node is also sized and coloured by its score.
    pseudonymise : Pseudonymiser, optional
        Replaces every personal property (``personal:`` in ``schema.yaml``) and a PERSON
        target's name before anything is rendered.

    Returns
    -------
    pathlib.Path or str

    Examples
    --------
    >>> import tempfile, pandas as pd
    >>> from pathlib import Path
    >>> from graphkit import MemoryStore, load_folder
    >>> from graphkit.datasets import tiny_path
    >>> store = MemoryStore()
    >>> _ = store.load(load_folder(tiny_path()).tables)
    >>> scores = pd.DataFrame([{"entity_type": "EMPLOYER", "entity_id": "employers:E02",
    ...     "source_ids": "employers:E02", "name": "CV Kopi Lahat Sejahtera", "score": 91, "rank": 1,
    ...     "reasons": "VISIT_WORKFORCE: 4 workers on visit permits (evidence 4)"}])
    >>> path = export_graph(store, "employers:E02", out=Path(tempfile.mkdtemp()) / "E02.html", scores=scores)
    >>> text = path.read_text(encoding="utf-8")
    >>> "VISIT_WORKFORCE: 4 workers on visit permits" in text, "cdnjs" in text
    (True, False)
    """
    page = render_html(*_page_parts(store, entity_id, hops, scores, cap, pseudonymise))
    if out is None:
        return page
    return atomic_write(Path(out), page)


def _page_parts(store, entity_id: str, hops: int, scores: pd.DataFrame | None, cap: int,
                pseudonymise: Pseudonymiser | None) -> tuple:
    """What :func:`render_html` needs for one entity's page: the part that reads the store."""
    reasons: list[str] = []
    risk = None
    if scores is not None:
        at = _score_rows(scores).get(entity_id)
        if at is None:
            raise GraphkitError(f"entity {entity_id!r} is not in scores.csv: pass an entity_id from its entity_id column")
        row = scores.iloc[at]
        seeds = [node_id(s.strip()) for s in str(row["source_ids"]).split(";") if s.strip()] or [node_id(entity_id)]
        reasons = [r.strip() for r in ("" if pd.isna(row.get("reasons")) else str(row["reasons"])).split("; ") if r.strip()]
        risk = _risk_from_scores(scores)
    else:
        seeds = [node_id(entity_id)]
    graph = neighbourhood(store, seeds, hops=hops, cap=cap, risk=risk)
    if scores is not None:
        name = "" if pd.isna(row.get("name")) else str(row["name"])
        if pseudonymise is not None and _names_a_person(row, graph, seeds):
            name = pseudonymise.name(name)
        title = (f"{row.get('entity_type', '')} {name or entity_id} ({entity_id}):"
                 f" score {float(row['score']):g}, rank {int(float(row['rank']))}")
    if pseudonymise is not None:
        pseudonymise_graph(graph, pseudonymise)
    if scores is None:
        d = graph.nodes[seeds[0]]
        title = f"{d['label']} {d['key']}: {_display(d['label'], d['key'], d['props'])}"
    # the page needs the scores of its own nodes only, not of every scored node in the store
    return graph, seeds, title, reasons, risk and {n: risk[n] for n in graph if n in risk}


def _render_to(out: Path, parts: tuple) -> None:
    atomic_write(out, render_html(*parts))


def export_graphs(store, pages: Mapping[str, str | Path], scores: pd.DataFrame, cap: int = 300,
                  pseudonymise: Pseudonymiser | None = None) -> None:
    """Write the page of each scored entity in ``pages`` (entity id to file), as :func:`export_graph`
    writes them one by one, byte for byte.

    Every neighbourhood is cut here, from the store's one shared index; the layout and rendering,
    about half of a page's time, and the writing run in forked worker processes, one per core,
    while the next neighbourhood is cut. A handful of pages is rendered in this process.

    >>> import tempfile, pandas as pd
    >>> from pathlib import Path
    >>> from graphkit import MemoryStore, load_folder
    >>> from graphkit.datasets import tiny_path
    >>> store = MemoryStore()
    >>> _ = store.load(load_folder(tiny_path()).tables)
    >>> scores = pd.DataFrame([{"entity_type": "EMPLOYER", "entity_id": "employers:E02",
    ...     "source_ids": "employers:E02", "name": "CV Kopi Lahat Sejahtera", "score": 91, "rank": 1, "reasons": ""}])
    >>> out = Path(tempfile.mkdtemp()) / "E02.html"
    >>> export_graphs(store, {"employers:E02": out}, scores)
    >>> out.read_text(encoding="utf-8") == export_graph(store, "employers:E02", scores=scores)
    True
    """
    parts = ((Path(out), _page_parts(store, entity_id, 2, scores, cap, pseudonymise)) for entity_id, out in pages.items())
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    workers = min(cores, len(pages) // POOL_PAGES)
    if workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        for out, page in parts:
            _render_to(out, page)
        return
    # fork, not spawn: a spawned worker would import the caller's main script again; the workers
    # touch only the small graphs they are sent, and a frozen gc leaves the parent's pages shared
    gc.freeze()
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            for done in [pool.submit(_render_to, out, page) for out, page in parts]:
                done.result()
    finally:
        gc.unfreeze()


def export_gexf(graph: nx.MultiDiGraph, path: str | Path) -> Path:
    """Write ``graph`` as GEXF for Gephi: properties flattened to string or number attributes.

    Node labels become the GEXF label (the text drawn under the node), the graph label goes to
    ``node_type``, relationship types to ``relationship``.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("Person:P1", label="Person", key="P1", hop=0, props={"full_name": "Ana"})
    >>> g.add_node("Employer:E1", label="Employer", key="E1", hop=1, props={"name": "PT X"})
    >>> g.add_edge("Person:P1", "Employer:E1", type="EMPLOYED_BY", source="INSPECTION")
    0
    >>> p = export_gexf(g, Path(tempfile.mkdtemp()) / "g.gexf")
    >>> back = nx.read_gexf(p)
    >>> back.nodes["Person:P1"]["node_type"], back.nodes["Person:P1"]["full_name"]
    ('Person', 'Ana')
    """
    flat = nx.MultiDiGraph()

    def value(v):
        return v if isinstance(v, (int, float)) and not isinstance(v, bool) else str(v)

    for n, d in graph.nodes(data=True):
        attrs = {k: value(v) for k, v in d["props"].items()}
        attrs.update(label=_display(d["label"], d["key"], d["props"]).replace("\n", " "), node_type=d["label"],
                     key=d["key"], hop=int(d.get("hop", 0)))
        flat.add_node(n, **attrs)
    for u, v, d in graph.edges(data=True):
        attrs = {k: value(x) for k, x in d.items() if k != "type"}
        flat.add_edge(u, v, label=d["type"], relationship=d["type"], **attrs)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    nx.write_gexf(flat, path)
    return path
