"""Headless Chromium for the HTML exports: Debian's ``/usr/bin/chromium`` driven by Playwright.

No browser is ever downloaded. If Chromium is missing the fixture fails, never skips: a page that
was not opened in a browser is not tested. Each page records every request that is not ``file:``
or ``data:`` and every dialog (an ``alert`` from injected script would be one).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from graphkit.datasets import tiny_path
from graphkit.export.graphs import export_graph
from graphkit.jobs import run_load
from tests.xss import XSS

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
SCREENSHOTS = Path(__file__).resolve().parents[3] / "test-output" / "screenshots"


@pytest.fixture(scope="session")
def browser() -> Browser:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} not found: install Debian's chromium (apt-get install -y chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class WatchedPage:
    """A page plus what it tried to do: requests leaving ``file:``/``data:``, and dialogs opened."""

    page: Page
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def open(self, path: Path) -> None:
        self.page.goto(path.resolve().as_uri())

    def wait_ready(self, timeout_s: float = 10) -> float:
        """Wait for ``window.graphkitReady``; seconds since navigation started, by the page's clock."""
        self.page.wait_for_function("() => window.graphkitReady === true", timeout=timeout_s * 1000)
        return self.page.evaluate("performance.now()") / 1000

    def screenshot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / name
        self.page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def watched(browser) -> WatchedPage:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    watched = WatchedPage(page)

    def on_request(request):
        if not request.url.startswith(("file:", "data:")):
            watched.requests.append(request.url)

    def on_dialog(dialog):
        watched.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("request", on_request)
    page.on("dialog", on_dialog)
    page.on("pageerror", lambda error: watched.errors.append(str(error)))
    yield watched
    context.close()


@pytest.fixture(scope="session")
def tiny_run(tmp_path_factory):
    """A run folder from the tiny scenario: manifest, rejects, hand-made scores and clusters, graph pages."""
    out = tmp_path_factory.mktemp("run")
    result = run_load(tiny_path(), out=out)
    scores = pd.DataFrame([
        ("EMPLOYER", "employers:E02", "employers:E02", "CV Kopi Lahat Sejahtera", 91, 1,
         "VISIT_WORKFORCE: 6 of 7 workers hold visit permits (evidence 6); SHARED_HOUSING: one house (evidence 6)",
         "Kantor Imigrasi Lahat", "Lahat"),
        ("EMPLOYER", "employers:E03", "employers:E03;employers:E04", "PT Batu Bara Prima", 74, 2,
         "SHELL_NETWORK: shares a phone with PT Prima Batu Energi (evidence 2)", "Kantor Imigrasi Lahat", "Lahat"),
        ("ADDRESS", "addresses:A05", "addresses:A05", "Gg. Mawar No. 3", 80, 1,
         "ADDRESS_HOTSPOT: 6 long-stay foreigners with jobs (evidence 6)", "", "Palembang"),
    ], columns=["entity_type", "entity_id", "source_ids", "name", "score", "rank", "reasons", "office", "city"])
    scores["graph"] = [f"graphs/{e.replace(':', '_')}.html" for e in scores["entity_id"]]
    for entity_id, graph in zip(scores["entity_id"], scores["graph"]):
        export_graph(result.store, entity_id, scores=scores, out=out / graph)
    scores.to_csv(out / "scores.csv", index=False)
    pd.DataFrame([{"cluster_id": "C1", "kind": "shell_network", "size": 2, "score": 74,
                   "members": "employers:E03;employers:E04", "reasons": "SHARED_PHONE: one phone (evidence 2)"}]
                 ).to_csv(out / "clusters.csv", index=False)
    manifest = {**result.manifest, "rule_set_version": "test-1", "scored": {"EMPLOYER": 2, "ADDRESS": 1}}
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return out


@pytest.fixture(scope="session")
def xss():
    return list(XSS)
