"""How fast graph exports are: capping a 50,000-node neighbourhood, and a 2,000-node page in Chromium.

Builds a synthetic store around one employer (every person works there, holds a permit, lives at
one of a few addresses, crossed the border once), then measures

- ``neighbourhood`` of the employer with hops=2 and the default cap (the adjacency index is built
  on the first call and reused: both times are printed),
- ``export_graph`` with ``cap=2000`` (layout and HTML),
- in headless Chromium (``/usr/bin/chromium``), the time from navigation to ``window.graphkitReady``
  for that 2,000-node page, best and median of 5 loads, and the time to redraw and rasterise one
  frame (what panning and zooming cost; software rendering, no GPU).

Run: ``.venv/bin/python benchmarks/bench_graph_render.py``
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

import pandas as pd
from playwright.sync_api import sync_playwright

from graphkit import MemoryStore
from graphkit.export.graphs import export_graph, neighbourhood

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]


def hub_tables(persons: int, addresses: int = 20) -> dict[str, pd.DataFrame]:
    """One employer ``E0`` employing ``persons`` people, each with a permit, a residence, an arrival."""
    pid = [f"P{i:06d}" for i in range(persons)]
    aid = [f"A{i:03d}" for i in range(addresses)]
    day = pd.Timestamp("2026-01-01")
    return {
        "persons": pd.DataFrame({"person_id": pid, "full_name": [f"Person {i}" for i in range(persons)],
                                 "passport_no": [f"X{i:08d}" for i in range(persons)]}),
        "addresses": pd.DataFrame({"address_id": aid, "line": [f"Jl. Test {i}" for i in range(addresses)], "city": "Palembang"}),
        "employers": pd.DataFrame({"employer_id": ["E0"], "name": ["PT Hub"], "address_id": [aid[0]]}),
        "permits": pd.DataFrame({"permit_id": [f"K{i:06d}" for i in range(persons)], "person_id": pid,
                                 "permit_type": ["VISIT", "LIMITED_STAY"] * (persons // 2) + ["VISIT"] * (persons % 2),
                                 "issued_on": day, "expires_on": day + pd.Timedelta(days=60), "office": "Kantor Imigrasi Palembang"}),
        "employment": pd.DataFrame({"person_id": pid, "employer_id": "E0", "source": "INSPECTION", "start_date": day,
                                    "end_date": pd.NaT, "role": "Worker"}),
        "residences": pd.DataFrame({"person_id": pid, "address_id": [aid[i % addresses] for i in range(persons)],
                                    "reported_on": day, "source": "HOST_REPORT"}),
        "movements": pd.DataFrame({"person_id": pid, "direction": "ARRIVAL", "date": day, "port": "PLM"}),
    }


def seconds(fn) -> tuple[float, object]:
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


FRAME = """() => {
  const ctx = document.querySelector("#graph canvas").getContext("2d");
  const started = performance.now();
  for (let i = 0; i < 5; i++) { window.network.renderer._redraw(); ctx.getImageData(0, 0, 1, 1); }
  return (performance.now() - started) / 5 / 1000;
}"""


def time_to_ready(path: Path, runs: int = 5) -> tuple[list[float], list[float]]:
    """Seconds from navigation start to ``window.graphkitReady`` (by the page's clock), and per frame."""
    out, frames = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            for _ in range(runs):
                page = browser.new_page(viewport={"width": 1400, "height": 900})
                page.goto(path.as_uri())
                page.wait_for_function("() => window.graphkitReady === true", timeout=120_000)
                out.append(page.evaluate("performance.now()") / 1000)
                assert page.evaluate("window.network.body.data.nodes.length") > 0
                frames.append(page.evaluate(FRAME))
                page.close()
        finally:
            browser.close()
    return out, frames


def main() -> None:
    big = MemoryStore()
    big.load(hub_tables(17_000))
    first, g = seconds(lambda: neighbourhood(big, ["Employer:E0"], hops=2))
    again, g = seconds(lambda: neighbourhood(big, ["Employer:E0"], hops=2))
    print(f"neighbourhood: {g.graph['found']:,} nodes within 2 hops, capped to {g.number_of_nodes()} "
          f"(cap 300 + 'and N more'): {first:.2f} s with index build, {again:.2f} s cached")

    store = MemoryStore()
    store.load(hub_tables(1_000))
    out = Path(tempfile.mkdtemp()) / "hub.html"
    built, path = seconds(lambda: export_graph(store, "employers:E0", hops=2, cap=2000, out=out))
    g = neighbourhood(store, ["Employer:E0"], hops=2, cap=2000)
    print(f"export_graph cap=2000: {g.number_of_nodes():,} nodes, {g.number_of_edges():,} edges, "
          f"{path.stat().st_size / 1e6:.2f} MB, built in {built:.2f} s")
    ready, frames = time_to_ready(path)
    print(f"Chromium time to ready (2,000-node page): best {min(ready):.2f} s, median {statistics.median(ready):.2f} s "
          f"over {len(ready)} loads; one redrawn frame {statistics.median(frames) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
