"""Notebook ergonomics: graphs inline, an employer's file, its timeline and one-page summary, HTML reprs."""

import base64
import html
import re
from html.parser import HTMLParser

import pandas as pd
import pytest
from matplotlib.figure import Figure

import graphkit
from graphkit import MemoryStore, load_folder
from graphkit.datasets import tiny_path
from graphkit.errors import GraphkitError
from graphkit.export.graphs import export_graph, node_id
from graphkit.notebook import employer_profile, employer_summary, show_graph, timeline
from graphkit.privacy import Pseudonymiser

AS_OF = "2026-11-01"
XSS = '"><script>alert(1)</script><img src=x onerror=alert(2)>'


class Tags(HTMLParser):
    """Every start tag with its attributes, as a browser's tokenizer sees them."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


@pytest.fixture(scope="module")
def tiny():
    store = MemoryStore()
    store.load(load_folder(tiny_path()).tables)
    return store, graphkit.score_tables(store.tables(), as_of=AS_OF)


@pytest.fixture(scope="module")
def hostile():
    """The tiny scenario with the coffee shop's and its sponsor's names replaced by markup."""
    tables = {name: frame.copy() for name, frame in load_folder(tiny_path()).tables.items()}
    tables["employers"].loc[tables["employers"]["employer_id"] == "E02", "name"] = XSS
    tables["sponsors"].loc[tables["sponsors"]["sponsor_id"] == "S04", ["name", "sponsor_type"]] = [XSS, "INDIVIDUAL"]
    store = MemoryStore()
    store.load(tables)
    return store, graphkit.score_tables(store.tables(), as_of=AS_OF)


def test_show_graph_frames_exactly_the_exported_page(tiny):
    store, result = tiny
    frame = show_graph(store, "employers:E02", scores=result.scores, hops=1, cap=50, height=480)
    tags = Tags(frame.data).tags
    assert [t for t, _ in tags] == ["div", "iframe"]
    iframe = tags[1][1]
    assert iframe["srcdoc"] == export_graph(store, "employers:E02", hops=1, cap=50, scores=result.scores)
    assert iframe["sandbox"] == "allow-scripts"  # scripts run, but the page cannot reach the notebook
    assert "height: 480px" in iframe["style"]
    assert not re.search(r"\s(src|href)=", frame.data.split("srcdoc=", 1)[0])


def test_show_graph_keeps_hostile_data_inside_the_frame(hostile):
    store, result = hostile
    frame = show_graph(store, "employers:E02", scores=result.scores)
    tags = Tags(frame.data).tags
    assert [t for t, _ in tags] == ["div", "iframe"], "data broke out of the srcdoc attribute"
    page = tags[1][1]["srcdoc"]
    assert XSS not in page and html.escape(XSS) in page
    inner = [t for t, _ in Tags(page).tags]
    assert inner.count("script") == 3  # the data block, vis-network and the page's own script: nothing injected
    assert "img" not in inner


def test_show_graph_of_a_network_draws_its_members(tiny):
    store, result = tiny
    network = result.scores[result.scores["entity_type"] == "NETWORK"].iloc[0]
    page = Tags(show_graph(store, network["entity_id"], scores=result.scores, hops=1).data).tags[1][1]["srcdoc"]
    for member in network["source_ids"].split(";"):
        assert f'"{node_id(member)}"' in page


def test_show_graph_names_a_missing_entity(tiny):
    store, result = tiny
    with pytest.raises(GraphkitError, match="not in scores"):
        show_graph(store, "employers:E99", scores=result.scores)


def test_employer_profile_of_the_coffee_shop(tiny):
    _, result = tiny
    p = employer_profile(result, "employers:E02")
    row = result.scores.set_index("entity_id").loc["employers:E02"]
    assert (p.name, p.score, p.rank, p.source_ids) == ("CV Kopi Lahat Sejahtera", row["score"], row["rank"], "employers:E02")
    assert p.reasons == row["reasons"].split("; ") and any(r.startswith("EMP_VISIT_WORKFORCE") for r in p.reasons)
    w = p.workforce
    assert len(w) == w["worker"].nunique() == 7
    assert w["permit"].tolist()[:5] == ["VISIT"] * 5  # visit permits first: what the inspection looks for
    assert set(w.loc[w["evidence_for"].str.contains("EMP_VISIT_WORKFORCE"), "worker"]) == {f"persons:P{i}" for i in range(10, 15)}
    table = p.permits_by_source
    assert table.loc["all", "workers"] == w["current"].sum() == 7
    assert table.loc["VISIT", "INSPECTION"] == 5 and table.loc["LIMITED_STAY", "WORK_PERMIT"] == 1
    sponsor = p.sponsors.set_index("sponsor").loc["sponsors:S04"]
    assert (sponsor["workers"], sponsor["visit_permits"], sponsor["this_employer"]) == (3, 3, False)
    roles = p.addresses.groupby("role")["workers"].sum().to_dict()
    assert roles == {"employer's address": 0, "workers live here": 6}
    assert p.addresses.set_index("address").loc["addresses:A04", "score"] == result.scores.set_index("entity_id").loc["addresses:A04", "score"]
    assert p.links["other"].tolist() == ["employers:E03", "employers:E04"]


def test_employer_profile_takes_any_merged_record(tiny):
    _, result = tiny
    assert employer_profile(result, "sponsors:S05").entity_id == "employers:E03"
    assert employer_profile(result, "employers:E03").links["rotated_workers"].map(len).sum() == 2
    with pytest.raises(GraphkitError, match="unknown employer 'employers:E99'"):
        employer_profile(result, "employers:E99")


def test_an_unscored_employer_has_a_profile_too(tiny):
    _, result = tiny
    p = employer_profile(result, "employers:E01")
    assert p.score is None and p.reasons == [] and p.title.endswith("not scored")
    assert "no reasons: not flagged" in p._repr_html_()


def test_timeline_draws_one_row_per_worker(tiny):
    _, result = tiny
    ax = timeline(result, "employers:E02", ax=Figure().subplots())
    assert [t.get_text() for t in ax.get_yticklabels()][:2] == ["P10", "P11"]
    assert len(ax.get_yticklabels()) == 7
    assert {t.get_text() for t in ax.get_legend().get_texts()} >= {"permit VISIT", "work: INSPECTION"}
    few = timeline(result, "employers:E02", ax=Figure().subplots(), max_workers=2)
    assert len(few.get_yticklabels()) == 2 and "(2 of 7 workers)" in few.get_title()


def test_employer_summary_is_one_offline_escaped_page(hostile, tmp_path):
    _, result = hostile
    page = employer_summary(result, "employers:E02", tmp_path / "case" / "E02.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "Content-Security-Policy" in page
    assert "<script" not in page and XSS not in page and html.escape(XSS) in page
    assert not re.search(r"\s(src|href)=\"(?!data:)", page)
    png = base64.b64decode(re.search(r'src="data:image/png;base64,([^"]+)"', page).group(1))
    assert png.startswith(b"\x89PNG")
    assert "not a finding" in page and "exploited" in page


def test_employer_summary_pseudonymises_individual_sponsors(hostile, tmp_path):
    _, result = hostile
    pseudonymiser = Pseudonymiser("case-key")
    page = employer_summary(result, "employers:E02", tmp_path / "E02.html", pseudonymise=pseudonymiser).read_text()
    assert html.escape(XSS) in page  # the employer's name is not personal
    assert pseudonymiser.name(XSS) in page
    sponsors = page.split("Sponsors of the workers")[1].split("<h4>")[0]
    assert html.escape(XSS) not in sponsors


@pytest.mark.parametrize("make", [
    lambda tiny: load_folder(tiny_path()),
    lambda tiny: tiny[1],
    lambda tiny: employer_profile(tiny[1], "employers:E02"),
], ids=["Ingested", "ScoreResult", "EmployerProfile"])
def test_results_render_as_html_tables(tiny, make):
    text = make(tiny)._repr_html_()
    assert "<table" in text and "<script" not in text


def test_score_result_html_escapes_data(hostile):
    text = hostile[1]._repr_html_()
    assert XSS not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert isinstance(hostile[1].top("EMPLOYER", 3), pd.DataFrame)
