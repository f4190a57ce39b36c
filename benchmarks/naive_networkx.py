"""The naive baseline graphkit is measured against: networkx only.

Build one networkx MultiDiGraph of the whole input, count visit-permit holders per employer by
iterating neighbours, and run networkx Louvain for communities -- what a first notebook would do.
Prints one JSON line: seconds per step and peak memory.
"""

from __future__ import annotations

import json
import sys
import time

import networkx as nx
import pandas as pd

from benchmarks._common import peak_rss_mib


def main(folder: str) -> dict:
    timings = {}
    started = time.perf_counter()
    t = {name: pd.read_csv(f"{folder}/{name}.csv", dtype=str, keep_default_na=False)
         for name in ("persons", "permits", "employers", "employment", "sponsors", "addresses", "residences")}
    g = nx.MultiDiGraph()
    g.add_nodes_from(("P:" + t["persons"]["person_id"]).tolist(), kind="person")
    for row in t["permits"].itertuples():
        g.add_node("K:" + row.permit_id, kind="permit", permit_type=row.permit_type)
        g.add_edge("P:" + row.person_id, "K:" + row.permit_id, type="HOLDS")
        if row.sponsor_id:
            g.add_edge("K:" + row.permit_id, "S:" + row.sponsor_id, type="SPONSORED_BY")
    g.add_nodes_from(("E:" + t["employers"]["employer_id"]).tolist(), kind="employer")
    g.add_edges_from(zip("P:" + t["employment"]["person_id"], "E:" + t["employment"]["employer_id"]), type="EMPLOYED_BY")
    g.add_edges_from(zip("P:" + t["residences"]["person_id"], "A:" + t["residences"]["address_id"]), type="RESIDES_AT")
    timings["build"] = time.perf_counter() - started

    started = time.perf_counter()
    visit_workers = {}
    for node, kind in g.nodes(data="kind"):
        if kind != "employer":
            continue
        count = 0
        for person in {p for p, _ in g.in_edges(node)}:
            if any(g.nodes[k].get("permit_type") == "VISIT" for _, k in g.out_edges(person) if k.startswith("K:")):
                count += 1
        visit_workers[node] = count
    timings["count_visit_workers"] = time.perf_counter() - started

    started = time.perf_counter()
    communities = nx.community.louvain_communities(nx.Graph(g), seed=0)
    timings["louvain"] = time.perf_counter() - started
    return {"seconds": round(sum(timings.values()), 1), "steps": {k: round(v, 1) for k, v in timings.items()},
            "communities": len(communities), "peak_mib": round(peak_rss_mib())}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1])))
