"""The operations report: contents, grouping, links, escaping, offline, deterministic."""

import html
import json
import re

import pandas as pd
import pytest

from graphkit.errors import GraphkitError
from graphkit.export.report import render_report
from tests.xss import XSS, Tags


MANIFEST = {
    "contract_version": "1",
    "run_id": "20261101T020000Z-3fa2c1",
    "started_at": "2026-11-01T02:00:00+00:00",
    "finished_at": "2026-11-01T02:03:10+00:00",
    "graphkit_version": "0.1.0",
    "backend": "memory",
    "rule_set_version": "2026.11-r3",
    "inputs": {"persons": {"file": "persons.csv", "format": "csv", "sha256": "ab" * 32},
               "employers": {"file": "employers.parquet", "format": "parquet", "sha256": "cd" * 32}},
    "rows": {"persons": {"read": 1000, "accepted": 990, "rejected": 10},
             "employers": {"read": 50, "accepted": 49, "rejected": 1}},
    "parameters": {"grace_days": 30, "hub_limit": 8},
    "timings": {"ingest": 1.25, "score": 3.5},
    "scored": {"EMPLOYER": 30, "PERSON": 2},
}


def score_rows() -> list[dict]:
    rows = []
    for i in range(30):
        office, city = ("Kantor Imigrasi Lahat", "Lahat") if i % 3 else ("Kantor Imigrasi Palembang", "Palembang")
        rows.append({"entity_type": "EMPLOYER", "entity_id": f"employers:E{i:03d}", "source_ids": f"employers:E{i:03d}",
                     "name": f"PT Contoh {i}", "score": 100 - i, "rank": i + 1,
                     "reasons": f"VISIT_WORKFORCE: {30 - i} workers on visit permits (evidence {30 - i}); SHARED_PHONE: one phone (evidence 2)",
                     "office": office, "city": city, "graph": ""})
    rows.append({"entity_type": "PERSON", "entity_id": "persons:P01", "source_ids": "persons:P01;persons:P31",
                 "name": "Li Wei", "score": 61, "rank": 1, "reasons": "OVERSTAY: expired 90 days ago (evidence 1)",
                 "office": "", "city": "", "graph": ""})
    rows.append({"entity_type": "PERSON", "entity_id": "persons:P02", "source_ids": "persons:P02",
                 "name": "Wang Fang", "score": 20, "rank": 2, "reasons": "", "office": "", "city": "", "graph": ""})
    return rows


def write_run(folder, scores=None, clusters=True, rejects=True, manifest=None):
    pd.DataFrame(scores if scores is not None else score_rows()).to_csv(folder / "scores.csv", index=False)
    if clusters:
        pd.DataFrame([{"cluster_id": "C7", "kind": "shell_network", "size": 20, "score": 77,
                       "members": ";".join(f"employers:E{i:03d}" for i in range(20)),
                       "reasons": "SHARED_PHONE: 3 employers, one phone (evidence 3)"}]).to_csv(folder / "clusters.csv", index=False)
    if rejects:
        pd.DataFrame([{"table": "persons", "row_number": n, "column": "sex", "value": "male", "reason": "bad_enum"} for n in range(7)]
                     + [{"table": "persons", "row_number": 8, "column": "person_id", "value": "P1", "reason": "duplicate_key"}]
                     ).to_csv(folder / "rejects.csv", index=False)
    (folder / "manifest.json").write_text(json.dumps(manifest or MANIFEST), encoding="utf-8")
    return folder


def test_summary_lists_the_run(tmp_path):
    page = render_report(write_run(tmp_path)).read_text(encoding="utf-8")
    for text in ("20261101T020000Z-3fa2c1", "ab" * 32, "employers.parquet", "2026.11-r3", "memory",
                 "<td>ingest</td>", "grace_days", "EMPLOYER 30, PERSON 2"):
        assert text in page, text
    assert re.search(r"<td>persons</td><td>persons.csv</td><td>csv</td><td><code>a+b[ab]*</code></td>"
                     r'<td class="num">1000</td><td class="num">990</td><td class="num">10</td>', page)
    assert re.search(r'<td>persons</td><td>bad_enum</td><td class="num">7</td>', page)
    assert re.search(r'<td>persons</td><td>duplicate_key</td><td class="num">1</td>', page)
    assert "leads for human review, not findings" in page


def test_purpose_and_changes_since_the_last_run(tmp_path):
    manifest = {**MANIFEST, "purpose": "weekly supervision leads",
                "changes": {"previous_run_id": "20261025T020000Z-000001", "counts": {"NEW": 3, "ESCALATED": 1}}}
    page = render_report(write_run(tmp_path, manifest=manifest)).read_text(encoding="utf-8")
    assert "<td>purpose</td><td>weekly supervision leads</td>" in page
    assert "<td>changes</td><td>since run 20261025T020000Z-000001: NEW 3, ESCALATED 1</td>" in page


def test_top_n_per_type_grouped_by_office_and_city(tmp_path):
    page = render_report(write_run(tmp_path), top=25).read_text(encoding="utf-8")
    assert "EMPLOYER: top 25 of 30 scored" in page
    shown = set(re.findall(r"employers:E\d{3}(?=</code></td>)", page))
    assert shown == {f"employers:E{i:03d}" for i in range(25)}
    # the group holding rank 1 (Palembang) comes first, then Lahat; PERSON targets have no office
    headings = re.findall(r"<h4>(.*?)</h4>", page)
    assert headings[:2] == ["Kantor Imigrasi Palembang \u00b7 Palembang (9)", "Kantor Imigrasi Lahat \u00b7 Lahat (16)"]
    assert "no office recorded \u00b7 no city recorded (2)" in headings
    planning = page[page.index("Leads per office and city"):page.index("EMPLOYER: top")]
    assert re.search(r'<td>Kantor Imigrasi Lahat</td><td>Lahat</td><td class="num">16</td><td class="num">0</td><td class="num">16</td>', planning)
    assert render_report(tmp_path, top=3).read_text(encoding="utf-8").count("<code>employers:E0") == 3 + 1  # + cluster cell


def test_reasons_are_listed_one_per_item(tmp_path):
    page = render_report(write_run(tmp_path)).read_text(encoding="utf-8")
    assert "<li>VISIT_WORKFORCE: 30 workers on visit permits (evidence 30)</li><li>SHARED_PHONE: one phone (evidence 2)</li>" in page


def test_graph_links_only_to_existing_relative_files(tmp_path):
    (tmp_path / "graphs").mkdir()
    (tmp_path / "graphs" / "E000.html").write_text("<!DOCTYPE html>", encoding="utf-8")
    (tmp_path / "outside.html").write_text("x", encoding="utf-8")
    (tmp_path / "javascript:alert(1)").write_text("x", encoding="utf-8")  # a file by that name must not help
    rows = score_rows()
    rows[0]["graph"] = "graphs/E000.html"
    rows[1]["graph"] = "graphs/missing.html"
    rows[2]["graph"] = "javascript:alert(1)"
    rows[3]["graph"] = "../outside.html"
    rows[4]["graph"] = "https://example.org/x.html"
    rows[5]["graph"] = str(tmp_path / "outside.html")
    page = render_report(write_run(tmp_path, scores=rows)).read_text(encoding="utf-8")
    assert re.findall(r'\shref="([^"]*)"', page) == ["graphs/E000.html"]


def test_clusters_are_shown_with_members_cut_short(tmp_path):
    page = render_report(write_run(tmp_path)).read_text(encoding="utf-8")
    assert "<code>C7</code>" in page and "shell_network" in page
    assert "employers:E011</code> and 8 more" in page


def test_missing_optional_files_are_said(tmp_path):
    page = render_report(write_run(tmp_path, clusters=False, rejects=False)).read_text(encoding="utf-8")
    assert "This run wrote no clusters.csv." in page
    assert "This run wrote no rejects.csv." in page


def test_missing_scores_is_a_one_line_error(tmp_path):
    with pytest.raises(GraphkitError, match="scores.csv"):
        render_report(tmp_path)


def test_chart_is_inline_svg_without_external_references(tmp_path):
    page = render_report(write_run(tmp_path)).read_text(encoding="utf-8")
    svg = page[page.index("<svg"):page.index("</svg>")]
    assert "<path" in svg and "EMPLOYER" not in svg  # text drawn as paths, no comments with data
    assert not re.search(r"https?://|xmlns|<!DOCTYPE svg|<\?xml|<metadata|<image|href=\"(?!#)", page)


def test_same_inputs_same_bytes(tmp_path):
    first = render_report(write_run(tmp_path)).read_bytes()
    assert render_report(tmp_path).read_bytes() == first



def test_xss_corpus_is_escaped_everywhere(tmp_path):
    rows = [{"entity_type": "EMPLOYER", "entity_id": f"employers:{p}", "source_ids": f"employers:{p}", "name": p,
             "score": 90 - i, "rank": i + 1, "reasons": f"XSS: {p} (evidence 1)", "office": p, "city": p, "graph": p}
            for i, p in enumerate(XSS)]
    rows.append({"entity_type": XSS[0], "entity_id": "x:1", "source_ids": "x:1", "name": "n", "score": 5, "rank": 1,
                 "reasons": "", "office": "", "city": "", "graph": ""})
    manifest = {**MANIFEST, "run_id": XSS[4], "rule_set_version": XSS[1],
                "inputs": {XSS[2]: {"file": XSS[0], "format": XSS[5], "sha256": XSS[3]}},
                "parameters": {XSS[1]: XSS[0]}, "timings": {XSS[4]: 1}}
    write_run(tmp_path, scores=rows, manifest=manifest)
    pd.DataFrame([{"cluster_id": XSS[0], "kind": XSS[1], "size": 2, "score": 50, "members": ";".join(XSS),
                   "reasons": XSS[2]}]).to_csv(tmp_path / "clusters.csv", index=False)
    pd.DataFrame([{"table": XSS[0], "row_number": 1, "column": XSS[1], "value": XSS[2], "reason": XSS[4]}]
                 ).to_csv(tmp_path / "rejects.csv", index=False)
    page = render_report(tmp_path).read_text(encoding="utf-8")
    for payload in XSS:
        if payload != html.escape(payload):
            assert payload not in page, payload
        assert html.escape(payload) in page, payload
    parser = Tags()
    parser.feed(page)
    assert "script" not in parser.tags and "img" not in parser.tags
    assert not [name for name, _ in parser.attrs if name.startswith("on")]
    assert not [v for name, v in parser.attrs if name == "href"]


def test_a_scheduled_run_shows_its_changes_first(tmp_path):
    import datetime as dt

    from graphkit import Settings, run_score
    from graphkit.changes import compare_scores
    from graphkit.datasets import tiny_path
    from graphkit.export.report import render_report

    run = run_score(tiny_path(), tmp_path, Settings(as_of=dt.date(2026, 11, 1)))
    previous = run.result.scores[run.result.scores["entity_type"] != "PERSON"]
    changes = compare_scores(previous, run.result.scores, Settings())
    changes.to_csv(tmp_path / "changes.csv", index=False)
    html = render_report(tmp_path).read_text(encoding="utf-8")
    section = html.index("Changes since the last run")
    assert section < html.index("Top targets")
    assert "New leads" in html and "Aung Ko" in html[section:html.index("Top targets")]
