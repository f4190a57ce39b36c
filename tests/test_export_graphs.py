"""Neighbourhood graphs: capping, determinism, escaping, offline pages, pseudonymisation, GEXF."""

import base64
import hashlib
import html
import json
import re
import subprocess
import sys
import time
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

from graphkit import MemoryStore, load_folder
from graphkit.datasets import tiny_path
from graphkit.errors import GraphkitError
from graphkit.export.graphs import _asset, export_gexf, export_graph, neighbourhood, node_id, render_html, safe_json
from graphkit.privacy import Pseudonymiser
from tests.xss import XSS, Tags

DAY = pd.Timestamp("2026-01-01")
DATA_BLOCK = re.compile(r'<script id="graph-data" type="application/json">(.*?)</script>', re.S)


@pytest.fixture(scope="module")
def tiny_store():
    store = MemoryStore()
    store.load(load_folder(tiny_path()).tables)
    return store


def star_tables(persons: int, with_permits: bool = False) -> dict[str, pd.DataFrame]:
    """Employer E0 employing ``persons`` people (optionally each holding one permit)."""
    pid = [f"P{i:06d}" for i in range(persons)]
    tables = {
        "persons": pd.DataFrame({"person_id": pid, "full_name": [f"Worker {i}" for i in range(persons)]}),
        "employers": pd.DataFrame({"employer_id": ["E0"], "name": ["PT Star"]}),
        "employment": pd.DataFrame({"person_id": pid, "employer_id": "E0", "source": "INSPECTION",
                                    "start_date": DAY, "end_date": pd.NaT, "role": "Worker"}),
    }
    if with_permits:
        tables["permits"] = pd.DataFrame({"permit_id": [f"K{i:06d}" for i in range(persons)], "person_id": pid,
                                          "permit_type": "VISIT", "issued_on": DAY, "expires_on": DAY})
    return tables


def xss_tables() -> dict[str, pd.DataFrame]:
    """Every id, name, address and free text is an XSS payload."""
    return {
        "persons": pd.DataFrame({"person_id": XSS, "full_name": XSS[::-1], "passport_no": XSS}),
        "addresses": pd.DataFrame({"address_id": [XSS[2]], "line": [XSS[0]], "city": [XSS[5]]}),
        "employers": pd.DataFrame({"employer_id": [XSS[1]], "name": [XSS[4]], "address_id": [XSS[2]]}),
        "permits": pd.DataFrame({"permit_id": [f"K{i}" for i in range(len(XSS))], "person_id": XSS,
                                 "permit_type": "VISIT", "issued_on": DAY, "expires_on": DAY, "office": XSS}),
        "employment": pd.DataFrame({"person_id": XSS, "employer_id": XSS[1], "source": "INSPECTION",
                                    "start_date": pd.NaT, "end_date": pd.NaT, "role": XSS}),
        "residences": pd.DataFrame({"person_id": XSS, "address_id": XSS[2], "reported_on": pd.NaT, "source": XSS[3]}),
    }


def xss_scores() -> pd.DataFrame:
    return pd.DataFrame([{"entity_type": "EMPLOYER", "entity_id": f"employers:{XSS[1]}",
                          "source_ids": f"employers:{XSS[1]};persons:{XSS[3]}", "name": XSS[4], "score": 88, "rank": 1,
                          "reasons": "; ".join(f"XSS: {p} (evidence 1)" for p in XSS)}])


def load(tables) -> MemoryStore:
    store = MemoryStore()
    store.load(tables)
    return store


def more_nodes(graph):
    return {n: d["props"]["count"] for n, d in graph.nodes(data=True) if d["label"] == "More"}


# --- capping -------------------------------------------------------------------------------


def test_star_of_50000_is_capped_quickly_with_exact_counts():
    store = load(star_tables(50_000))
    started = time.perf_counter()
    graph = neighbourhood(store, ["Employer:E0"], hops=2, cap=300)
    elapsed = time.perf_counter() - started
    assert elapsed < 3, f"capping took {elapsed:.2f} s"
    assert graph.graph["found"] == 50_001
    assert graph.number_of_nodes() <= 300 + len(store.relationship_counts())
    assert more_nodes(graph) == {"More:EMPLOYED_BY": 50_001 - 300}
    assert list(graph.predecessors("More:EMPLOYED_BY")) == ["Employer:E0"]
    assert "Employer:E0" in graph


def test_counts_cover_every_cut_node_once_and_name_the_cut_type():
    store = load(star_tables(1_000, with_permits=True))
    graph = neighbourhood(store, ["Employer:E0"], hops=2, cap=100)
    real = [n for n, d in graph.nodes(data=True) if d["label"] != "More"]
    assert len(real) == 100
    assert graph.graph["found"] == 2_001
    # all 99 kept neighbours are hop-1 persons: their 99 permits and the other 901 persons (with
    # 901 permits behind them) are cut; the permits behind cut persons count under EMPLOYED_BY
    assert more_nodes(graph) == {"More:EMPLOYED_BY": 901 * 2, "More:HOLDS": 99}
    assert sum(more_nodes(graph).values()) == graph.graph["found"] - len(real)
    assert len(list(graph.predecessors("More:HOLDS"))) == 99
    assert {d["count"] for _, _, d in graph.in_edges("More:HOLDS", data=True)} == {1}


def test_closest_hop_first_then_risk_then_degree():
    tables = star_tables(10, with_permits=True)
    store = load(tables)
    graph = neighbourhood(store, ["Employer:E0"], hops=2, cap=6)
    assert {d["hop"] for n, d in graph.nodes(data=True) if d["label"] != "More"} == {0, 1}
    risky = {"Person:P000007": 90.0, "Person:P000003": 50.0}
    graph = neighbourhood(store, ["Employer:E0"], hops=2, cap=3, risk=risky)
    assert {n for n, d in graph.nodes(data=True) if d["label"] != "More"} == {"Employer:E0", "Person:P000007", "Person:P000003"}
    assert list(graph.nodes) == sorted(graph.nodes), "nodes come in id order, not in the order they were chosen"


def test_seeds_are_kept_even_past_the_cap():
    store = load(star_tables(20))
    seeds = [f"Person:P{i:06d}" for i in range(8)]
    graph = neighbourhood(store, seeds, hops=1, cap=5)
    assert set(seeds) <= set(graph.nodes)


def test_parallel_relationships_survive():
    tables = star_tables(2)
    tables["employment"] = pd.concat([tables["employment"], tables["employment"].assign(source="WORK_PERMIT")])
    graph = neighbourhood(load(tables), ["Employer:E0"], hops=1)
    assert graph.number_of_edges("Person:P000000", "Employer:E0") == 2
    assert {d["source"] for d in graph.get_edge_data("Person:P000000", "Employer:E0").values()} == {"INSPECTION", "WORK_PERMIT"}


def test_index_follows_a_reload():
    store = load(star_tables(3))
    assert neighbourhood(store, ["Employer:E0"], hops=1).number_of_nodes() == 4
    store.load(star_tables(5))
    assert neighbourhood(store, ["Employer:E0"], hops=1).number_of_nodes() == 6


def test_unknown_seed_is_a_one_line_error(tiny_store):
    with pytest.raises(GraphkitError, match="Employer:E99"):
        neighbourhood(tiny_store, ["Employer:E99"])
    with pytest.raises(GraphkitError, match="bad entity id"):
        node_id("employment:P01")


def test_isolated_seed_is_drawn(tiny_store):
    graph = neighbourhood(tiny_store, ["Person:P20"], hops=0)
    assert list(graph.nodes) == ["Person:P20"]


# --- pages ---------------------------------------------------------------------------------


def test_same_input_same_bytes(tiny_store):
    first = export_graph(tiny_store, "employers:E02")
    assert export_graph(tiny_store, "employers:E02") == first
    assert export_graph(tiny_store, "employers:E01") != first


def test_same_bytes_across_processes():
    code = ("import hashlib, graphkit; from graphkit.export.graphs import export_graph;"
            "s = graphkit.MemoryStore(); s.load(graphkit.load_folder(graphkit.datasets.tiny_path()).tables);"
            "print(hashlib.sha256(export_graph(s, 'employers:E03').encode()).hexdigest())")
    digests = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                              env={"PYTHONHASHSEED": seed, "PATH": ""}).stdout for seed in ("1", "2")}
    assert len(digests) == 1



def test_xss_corpus_is_escaped_everywhere():
    store = load(xss_tables())
    page = export_graph(store, f"employers:{XSS[1]}", scores=xss_scores())
    block = DATA_BLOCK.search(page).group(1)
    assert not set("<>&") & set(block)
    data = json.loads(block)
    labels = {n["label"] for n in data["nodes"]}
    assert XSS[4] in labels and XSS[0] in {n["label"].split(",")[0] for n in data["nodes"]}  # data intact
    outside = page.replace(block, "")
    for payload in XSS:
        if payload != html.escape(payload):
            assert payload not in outside, payload
        assert html.escape(payload) in outside, payload  # shown as text in heading or reasons
    parser = Tags()
    parser.feed(page)
    assert parser.tags.count("script") == 3  # data, vis-network, page script: nothing injected
    assert not [name for name, _ in parser.attrs if name.startswith("on")]
    assert not [v for _, v in parser.attrs if v and v.strip().lower().startswith("javascript:")]
    assert page.count("</script>") == 3


def test_tooltips_are_plain_text(tiny_store):
    data = json.loads(DATA_BLOCK.search(export_graph(tiny_store, "employers:E02")).group(1))
    permit = next(n for n in data["nodes"] if n["id"].startswith("Permit:"))
    assert isinstance(permit["title"], str) and "permit_type: VISIT" in permit["title"] and "expires_on: " in permit["title"]
    employed = next(e for e in data["edges"] if e["label"] == "EMPLOYED_BY")
    assert "source: " in employed["title"]
    assert not any("<" in str(n["title"]) for n in data["nodes"])


def test_focus_reasons_risk_and_more_nodes_are_drawn():
    store = load(star_tables(400))
    scores = pd.DataFrame([{"entity_type": "EMPLOYER", "entity_id": "employers:E0", "source_ids": "employers:E0",
                            "name": "PT Star", "score": 97, "rank": 1, "reasons": "VISIT_WORKFORCE: 400 on visit permits (evidence 400)"},
                           {"entity_type": "PERSON", "entity_id": "persons:P000001", "source_ids": "persons:P000001",
                            "name": "Worker 1", "score": 80, "rank": 1, "reasons": ""}])
    page = export_graph(store, "employers:E0", scores=scores, cap=50)
    data = json.loads(DATA_BLOCK.search(page).group(1))
    nodes = {n["id"]: n for n in data["nodes"]}
    assert data["focus"] == ["Employer:E0"]
    assert nodes["Employer:E0"]["borderWidth"] == 6
    assert "VISIT_WORKFORCE: 400 on visit permits" in nodes["Employer:E0"]["title"]
    assert nodes["Person:P000001"]["size"] > nodes["Person:P000002"]["size"]
    assert nodes["More:EMPLOYED_BY"]["label"].startswith("and 351 more")
    assert data["options"]["physics"] == {"enabled": False}
    assert all("x" in n and "y" in n for n in data["nodes"])


def test_page_is_offline_and_its_scripts_are_pinned_by_csp(tiny_store):
    page = export_graph(tiny_store, "employers:E01")
    vis = _asset("vis-network.min.js")
    vis_body = vis[vis.index("*/") + 2:].lstrip("\n")
    assert vis_body in page
    rest = page.replace(vis_body, "")
    assert not re.search(r"https?://", rest)  # the licence header with its addresses is replaced
    for host in ("cdnjs", "jsdelivr", "unpkg", "googleapis", "cloudflare", "bootstrap"):
        assert host not in page
    assert not re.search(r"<(link|img|iframe)\b|\bsrc\s*=|@import", rest, re.I)
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', page).group(1)
    assert "default-src &#x27;none&#x27;" in csp
    for script in re.findall(r"<script>(.*?)</script>", page, re.S):
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"sha256-{digest}" in csp
    assert "Almende" in page and "MIT" in page  # the licence notice stays


def test_pseudonymised_page_has_no_names_or_passports(tiny_store):
    plain = export_graph(tiny_store, "employers:E02")
    graph = neighbourhood(tiny_store, ["Employer:E02"])
    persons = [d["props"] for _, d in graph.nodes(data=True) if d["label"] == "Person"]
    secrets = [p["full_name"] for p in persons] + [p["passport_no"] for p in persons if "passport_no" in p]
    assert secrets and all(s in plain for s in secrets)
    p = Pseudonymiser("test-key")
    masked = export_graph(tiny_store, "employers:E02", pseudonymise=p)
    assert not [s for s in secrets if s in masked]
    assert all(p.name(person["full_name"]) in masked for person in persons)
    assert masked == export_graph(tiny_store, "employers:E02", pseudonymise=Pseudonymiser("test-key"))
    assert "test-key" not in masked


def test_pseudonymised_person_target_heading(tiny_store):
    scores = pd.DataFrame([{"entity_type": "PERSON", "entity_id": "persons:P10", "source_ids": "persons:P10",
                            "name": "Nguyen Van An", "score": 70, "rank": 1, "reasons": ""}])
    name = tiny_store.node_set("Person").frame.set_index("person_id").loc["P10", "full_name"]
    scores["name"] = name
    p = Pseudonymiser("k")
    page = export_graph(tiny_store, "persons:P10", scores=scores, pseudonymise=p)
    assert name not in page and p.name(name) in page


def test_export_writes_the_file(tiny_store, tmp_path):
    out = export_graph(tiny_store, "addresses:A05", out=tmp_path / "graphs" / "A05.html")
    assert out == tmp_path / "graphs" / "A05.html"
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_unknown_scored_entity_is_an_error(tiny_store):
    with pytest.raises(GraphkitError, match="not in scores.csv"):
        export_graph(tiny_store, "employers:E01", scores=xss_scores())


def test_render_html_without_store():
    graph = nx.MultiDiGraph()
    graph.add_node("Person:P1", label="Person", key="P1", props={"full_name": XSS[1]})
    page = render_html(graph, ["Person:P1"], XSS[0], reasons=[XSS[2]])
    assert XSS[0] not in page and XSS[1] not in page.replace(DATA_BLOCK.search(page).group(1), "")
    assert f"<h1>{html.escape(XSS[0])}</h1>" in page


def test_safe_json_round_trips():
    value = {"a": "</script><!-- & \u2028 \u2029 'x' \"y\""}
    text = safe_json(value)
    assert json.loads(text) == value
    assert not re.search("[<>&\u2028\u2029]", text)


def test_gexf_round_trip(tiny_store, tmp_path):
    graph = neighbourhood(tiny_store, ["Employer:E01"], hops=1, cap=5)
    back = nx.read_gexf(export_gexf(graph, tmp_path / "g.gexf"))
    assert back.number_of_nodes() == graph.number_of_nodes()
    assert back.number_of_edges() == graph.number_of_edges()
    assert back.nodes["Employer:E01"]["node_type"] == "Employer"
    assert back.nodes["Employer:E01"]["name"] == "PT Sinar Musi Energi"
    assert back.nodes["More:EMPLOYED_BY"]["count"] == graph.nodes["More:EMPLOYED_BY"]["props"]["count"]
    assert {d["relationship"] for _, _, d in back.edges(data=True)} >= {"EMPLOYED_BY"}


def test_crowded_pages_hide_edges_while_moving(tiny_store):
    def interaction(page):
        return json.loads(DATA_BLOCK.search(page).group(1))["options"]["interaction"]

    assert interaction(export_graph(tiny_store, "employers:E02"))["hideEdgesOnDrag"] is False
    crowded = interaction(export_graph(load(star_tables(600, with_permits=True)), "employers:E0", cap=2_000))
    assert crowded["hideEdgesOnDrag"] is True and crowded["hideEdgesOnZoom"] is True


def _clean_copy(source: Path, dest: Path) -> Path:
    """``source`` without its rejected rows: with no duplicate key left, row order decides nothing."""
    from graphkit import load_folder

    dest.mkdir(parents=True)
    rejects = load_folder(source).rejects
    for f in sorted(source.glob("*.csv")):
        lines = f.read_text(encoding="utf-8").splitlines(keepends=True)
        bad = set(rejects.loc[rejects["table"] == f.stem, "row_number"])
        (dest / f.name).write_text(lines[0] + "".join(ln for i, ln in enumerate(lines[1:], 1) if i not in bad), encoding="utf-8")
    return dest


def _shuffled_copy(source: Path, dest: Path, seed: int) -> Path:
    import random

    rng = random.Random(seed)
    dest.mkdir(parents=True)
    for f in sorted(source.glob("*.csv")):
        lines = f.read_text(encoding="utf-8").splitlines(keepends=True)
        body = lines[1:]
        rng.shuffle(body)
        (dest / f.name).write_text(lines[0] + "".join(body), encoding="utf-8")
    return dest


def test_graph_pages_are_byte_identical_whatever_the_row_order(tmp_path: Path, monkeypatch):
    """Shuffled input rows: same scores, and every graph page the same bytes, capped ones included."""
    from graphkit.datasets.synth import synth, write_scenario
    from tests.clirun import invoke

    monkeypatch.setenv("GRAPHKIT_GRAPH_CAP", "25")  # most pages are capped: ties in the cap must not follow row order
    source = write_scenario(synth(1000, 5), tmp_path / "synth")
    clean = _clean_copy(source, tmp_path / "clean")
    pages = {}
    for name, folder in (("a", clean), ("b", _shuffled_copy(clean, tmp_path / "b", 1)), ("c", _shuffled_copy(clean, tmp_path / "c", 2))):
        r = invoke("score", folder, "--out", tmp_path / f"out-{name}", "--as-of", "2026-11-01")
        assert r.code == 0, r.stderr
        pages[name] = {p.name: p.read_bytes() for p in (tmp_path / f"out-{name}" / "graphs").iterdir()}
        assert (tmp_path / f"out-{name}" / "scores.csv").read_bytes() == (tmp_path / "out-a" / "scores.csv").read_bytes()
    assert len(pages["a"]) >= 10
    assert sum(b"and " in page or b"More:" in page for page in pages["a"].values()) >= 3, "the cap is exercised"
    assert pages["a"] == pages["b"] == pages["c"]


def test_edges_between_the_same_nodes_are_ordered_by_their_properties():
    """Parallel relationships come out in the order of one sort on (start, end, properties)."""
    from graphkit.export.graphs import _in_id_order

    rows = [("Person:P2", "Employer:E1", {"type": "EMPLOYED_BY", "source": source}) for source in ("REPORT", "INSPECTION", "PAYROLL")]
    rows += [("Person:P1", "Employer:E1", {"type": "EMPLOYED_BY", "source": "REPORT"}),
             ("Person:P2", "Address:A1", {"type": "RESIDES_AT"})]
    nodes = [(n, {}) for n in ("Person:P2", "Employer:E1", "Person:P1", "Address:A1")]
    graph = _in_id_order({}, nodes, rows)
    assert list(graph) == ["Address:A1", "Employer:E1", "Person:P1", "Person:P2"]
    edges = [(u, v, d["type"], d.get("source")) for u, v, d in graph.edges(data=True)]
    assert edges == [("Person:P1", "Employer:E1", "EMPLOYED_BY", "REPORT"), ("Person:P2", "Address:A1", "RESIDES_AT", None),
                     ("Person:P2", "Employer:E1", "EMPLOYED_BY", "INSPECTION"),
                     ("Person:P2", "Employer:E1", "EMPLOYED_BY", "PAYROLL"),
                     ("Person:P2", "Employer:E1", "EMPLOYED_BY", "REPORT")]
