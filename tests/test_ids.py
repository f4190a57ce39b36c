"""Ids are opaque strings: any id is carried end to end or its row rejected with a reason (issue 12.3, 12.4).

An id holding ``;`` is rejected at ingest (``bad_format``): ``source_ids`` and cluster ``members``
join ids with ``;`` (docs/DATA_CONTRACT.md), so such an id could not be told from two. Every other
id -- with ``:``, ``/``, quotes, commas, unicode, 300 characters -- reaches ``scores.csv``, the
graph page (collision-free, short file name) and the report's link unchanged.
"""

import html
import re
import shutil
from pathlib import Path

import pandas as pd

from graphkit.datasets import tiny_path
from graphkit.export.tables import read_csv
from graphkit.jobs import graph_file
from tests.clirun import invoke

ODD_EMPLOYER = 'E/02:"Kopi", \'Lahat\' — ü' + "x" * 280  # 300+ characters, every awkward kind
ODD_PERSON = "P:29/«Aung»"


def with_ids(folder: Path, renames: dict[tuple[str, str], str]) -> Path:
    """The tiny scenario with ids renamed in every column that holds them (``(kind, old) -> new``)."""
    shutil.copytree(tiny_path(), folder)
    for f in folder.glob("*.csv"):
        frame = pd.read_csv(f, dtype=str, keep_default_na=False)
        for (column, old), new in renames.items():
            if column in frame.columns:
                frame.loc[frame[column] == old, column] = new
        frame.to_csv(f, index=False)
    return folder


def test_odd_ids_reach_every_output_unchanged(tmp_path: Path):
    folder = with_ids(tmp_path / "in", {("employer_id", "E02"): ODD_EMPLOYER, ("person_id", "P29"): ODD_PERSON})
    out = tmp_path / "out"
    r = invoke("score", folder, "--out", out, "--as-of", "2026-11-01")
    assert r.code == 0, r.stderr
    scores = read_csv(out / "scores.csv").set_index("entity_id")
    for entity in (f"employers:{ODD_EMPLOYER}", f"persons:{ODD_PERSON}"):
        row = scores.loc[entity]
        assert row["source_ids"] == entity and row["graph"] == graph_file(entity)
        assert (out / row["graph"]).is_file() and len(Path(row["graph"]).name) <= 90
        assert html.escape(entity.split(":", 1)[1][:20]) in (out / row["graph"]).read_text(encoding="utf-8")
    evidence = read_csv(out / "evidence.csv")
    assert f"employers:{ODD_EMPLOYER}" in set(evidence["entity_id"])
    report = (out / "report.html").read_text(encoding="utf-8")
    assert f'href="{graph_file(f"employers:{ODD_EMPLOYER}")}"' in report
    page = invoke("export-graph", f"employers:{ODD_EMPLOYER}", "--input", folder, "--scores", out / "scores.csv",
                  "--out", tmp_path / "one.html", "--gexf")
    assert page.code == 0, page.stderr
    assert (tmp_path / "one.gexf").is_file()


def test_an_id_holding_a_semicolon_rejects_its_row_and_the_run_goes_on(tmp_path: Path):
    folder = with_ids(tmp_path / "in", {("employer_id", "E02"): "E02;E03", ("person_id", "P29"): "P;29"})
    out = tmp_path / "out"
    r = invoke("score", folder, "--out", out, "--as-of", "2026-11-01")
    assert r.code == 0, r.stderr
    rejects = read_csv(out / "rejects.csv")
    semicolon = rejects[rejects["value"].str.contains(";", regex=False)]
    assert set(semicolon["reason"]) == {"bad_format"}
    assert {("employers", "employer_id"), ("persons", "person_id")} <= set(zip(semicolon["table"], semicolon["column"]))
    import json

    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert all(c["accepted"] + c["rejected"] == c["read"] for c in manifest["rows"].values())
    scores = read_csv(out / "scores.csv")
    assert not scores["source_ids"].str.contains("E02|P;29").any()
    for ids in scores["source_ids"]:
        assert all(re.fullmatch(r"[a-z]+:[^;]+", s) for s in ids.split(";"))


def test_graph_files_tell_ids_apart_and_stay_short():
    names = {graph_file(e) for e in ("employers:E/6", "employers:E:6", "employers:E_6", "employers:e/6")}
    assert len(names) == 4
    long = graph_file("employers:" + "é" * 300)
    assert len(long) < 100 and re.fullmatch(r"graphs/[A-Za-z0-9_.-]+-[0-9a-f]{10}\.html", long)
    assert graph_file("persons:P1") == graph_file("persons:P1")
