"""Graph pages opened from disk in headless Chromium: drawn, offline, inert to injected markup, fast."""

import pandas as pd
import pytest

from graphkit import MemoryStore
from graphkit.export.graphs import export_graph, neighbourhood

pytestmark = pytest.mark.browser

DAY = pd.Timestamp("2026-01-01")


def hub_store(persons: int) -> MemoryStore:
    """One employer; each worker holds a permit, lives at one of 20 addresses and crossed once."""
    pid = [f"P{i:06d}" for i in range(persons)]
    aid = [f"A{i:02d}" for i in range(20)]
    store = MemoryStore()
    store.load({
        "persons": pd.DataFrame({"person_id": pid, "full_name": [f"Worker {i}" for i in range(persons)]}),
        "addresses": pd.DataFrame({"address_id": aid, "line": [f"Jl. Uji {i}" for i in range(20)], "city": "Lahat"}),
        "employers": pd.DataFrame({"employer_id": ["E0"], "name": ["PT Hub"], "address_id": ["A00"]}),
        "permits": pd.DataFrame({"permit_id": [f"K{i:06d}" for i in range(persons)], "person_id": pid,
                                 "permit_type": "VISIT", "issued_on": DAY, "expires_on": DAY}),
        "employment": pd.DataFrame({"person_id": pid, "employer_id": "E0", "source": "INSPECTION",
                                    "start_date": DAY, "end_date": pd.NaT, "role": "Worker"}),
        "residences": pd.DataFrame({"person_id": pid, "address_id": [aid[i % 20] for i in range(persons)],
                                    "reported_on": DAY, "source": "HOST_REPORT"}),
        "movements": pd.DataFrame({"person_id": pid, "direction": "ARRIVAL", "date": DAY, "port": "PLM"}),
    })
    return store


def xss_store(xss) -> MemoryStore:
    store = MemoryStore()
    store.load({
        "persons": pd.DataFrame({"person_id": xss, "full_name": xss[::-1], "passport_no": xss}),
        "addresses": pd.DataFrame({"address_id": [xss[2]], "line": [xss[0]], "city": [xss[5]]}),
        "employers": pd.DataFrame({"employer_id": [xss[1]], "name": [xss[4]], "address_id": [xss[2]]}),
        "permits": pd.DataFrame({"permit_id": [f"K{i}" for i in range(len(xss))], "person_id": xss,
                                 "permit_type": "VISIT", "issued_on": DAY, "expires_on": DAY, "office": xss}),
        "employment": pd.DataFrame({"person_id": xss, "employer_id": xss[1], "source": "INSPECTION",
                                    "start_date": pd.NaT, "end_date": pd.NaT, "role": xss}),
        "residences": pd.DataFrame({"person_id": xss, "address_id": xss[2], "reported_on": pd.NaT, "source": xss[3]}),
    })
    return store


def test_tiny_graph_is_drawn_offline(watched, tiny_run):
    watched.open(tiny_run / "graphs" / "employers_E02.html")
    watched.wait_ready()
    assert watched.page.evaluate("window.network.body.data.nodes.length") > 5
    assert watched.page.evaluate("window.network.body.data.edges.length") > 5
    assert watched.page.evaluate("window.network.getSelectedNodes()") == ["Employer:E02"]
    assert "CV Kopi Lahat Sejahtera" in watched.page.inner_text("h1")
    watched.screenshot("graph-employer-E02.png")
    assert watched.requests == [] and watched.dialogs == [] and watched.errors == []


def test_xss_graph_shows_text_and_runs_nothing(watched, tmp_path, xss):
    store = xss_store(xss)
    scores = pd.DataFrame([{"entity_type": "EMPLOYER", "entity_id": f"employers:{xss[1]}",
                            "source_ids": f"employers:{xss[1]}", "name": xss[4], "score": 88, "rank": 1,
                            "reasons": "; ".join(f"XSS: {p} (evidence 1)" for p in xss)}])
    path = export_graph(store, f"employers:{xss[1]}", scores=scores, out=tmp_path / "xss.html")
    watched.open(path)
    watched.wait_ready()
    page = watched.page
    assert page.evaluate("window.network.body.data.nodes.length") == neighbourhood(store, [f"Employer:{xss[1]}"]).number_of_nodes()
    body = page.inner_text("body")
    for payload in xss:
        assert f"XSS: {payload} (evidence 1)" in body
    assert xss[4] in page.inner_text("h1")
    options = page.eval_on_selector_all("#find option", "els => els.map(e => e.textContent)")
    assert any(xss[0] in o for o in options) and any(xss[3] in o for o in options)

    # hover every node so each plain-text tooltip is shown at least once
    for node_id in page.evaluate("window.network.body.data.nodes.getIds()"):
        x, y = page.evaluate("""(id) => {
            const p = window.network.canvasToDOM(window.network.getPosition(id));
            const r = document.querySelector('#graph canvas').getBoundingClientRect();
            return [r.left + p.x, r.top + p.y]; }""", node_id)
        page.mouse.move(x, y)
        page.wait_for_timeout(250)
    tooltip = page.inner_text("div.vis-tooltip")
    assert any(p in tooltip for p in xss)
    assert page.eval_on_selector_all("div.vis-tooltip *:not(br)", "els => els.length") == 0  # text, not markup
    page.locator("#find").select_option(index=1)
    page.wait_for_timeout(200)
    assert watched.dialogs == [] and watched.requests == [] and watched.errors == []


def test_2000_node_capped_export_is_ready_quickly(watched, tmp_path):
    store = hub_store(1_000)
    path = export_graph(store, "employers:E0", cap=2_000, out=tmp_path / "hub.html")
    watched.open(path)
    seconds = watched.wait_ready(timeout_s=30)
    drawn = watched.page.evaluate("window.network.body.data.nodes.length")
    assert drawn >= 2_000
    assert seconds <= 10, f"ready after {seconds:.1f} s"  # about 1 s on the reference machine: see benchmarks/
    watched.screenshot("graph-2000-nodes.png")
    assert watched.requests == [] and watched.dialogs == [] and watched.errors == []
