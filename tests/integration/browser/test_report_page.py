"""The operations report opened from disk in headless Chromium: offline, inert, links to graphs."""

import json

import pandas as pd
import pytest

from graphkit.export.report import render_report

pytestmark = pytest.mark.browser


def test_report_opens_offline_and_links_to_graphs(watched, tiny_run):
    path = render_report(tiny_run)
    watched.open(path)
    page = watched.page
    page.wait_for_load_state("load")
    text = page.inner_text("body")
    assert "CV Kopi Lahat Sejahtera" in text and "leads for human review" in text
    assert page.locator("svg").count() == 1
    watched.screenshot("report.png")
    with page.expect_navigation():
        page.locator("a", has_text="graph").first.click()
    watched.wait_ready()
    assert page.url.endswith("graphs/employers_E02.html")
    assert page.evaluate("window.network.body.data.nodes.length") > 0
    assert watched.requests == [] and watched.dialogs == [] and watched.errors == []


def test_xss_report_shows_text_and_runs_nothing(watched, tmp_path, xss):
    scores = pd.DataFrame([{"entity_type": "EMPLOYER", "entity_id": f"employers:{p}", "source_ids": f"employers:{p}",
                            "name": p, "score": 90 - i, "rank": i + 1, "reasons": f"XSS: {p} (evidence 1)",
                            "office": p, "city": p, "graph": p} for i, p in enumerate(xss)])
    scores.to_csv(tmp_path / "scores.csv", index=False)
    pd.DataFrame([{"cluster_id": xss[0], "kind": xss[1], "size": 2, "score": 50, "members": ";".join(xss),
                   "reasons": xss[2]}]).to_csv(tmp_path / "clusters.csv", index=False)
    (tmp_path / "manifest.json").write_text(json.dumps({
        "run_id": xss[4], "backend": "memory", "rule_set_version": xss[1],
        "inputs": {xss[2]: {"file": xss[0], "format": "csv", "sha256": xss[3]}}, "parameters": {xss[5]: xss[0]}}))
    watched.open(render_report(tmp_path))
    watched.page.wait_for_load_state("load")
    body = watched.page.inner_text("body")
    for payload in xss:
        assert f"XSS: {payload} (evidence 1)" in body
    assert xss[4] in watched.page.inner_text("h1")
    assert watched.page.locator("a").count() == 0
    assert watched.page.locator("img, script, iframe").count() == 0
    watched.screenshot("report-xss.png")
    assert watched.dialogs == [] and watched.requests == [] and watched.errors == []
