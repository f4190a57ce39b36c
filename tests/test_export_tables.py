"""CSV outputs: formula cells defused for spreadsheets (OWASP), numbers left numbers, reversible."""

import csv
import re
import shutil
from pathlib import Path

import pandas as pd

from graphkit.datasets import tiny_path
from graphkit.export.tables import read_csv, spreadsheet_safe, write_csv
from tests.clirun import invoke

TRIGGER = re.compile(r"^[=+\-@\t\r]")
NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
HOSTILE = {
    "employers": ("E03,PT Batu Bara Prima,", 'E03,"=HYPERLINK(""http://evil.example"",""PT Batu Bara Prima"")",'),
    "persons": ("P29,Aung Ko,", "P29,@SUM(1+1)*cmd|' /C calc'!A0,"),
}


def hostile_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    shutil.copytree(tiny_path(), folder)
    for table, (old, new) in HOSTILE.items():
        text = (folder / f"{table}.csv").read_text(encoding="utf-8")
        assert old in text
        (folder / f"{table}.csv").write_text(text.replace(old, new), encoding="utf-8")
    with open(folder / "persons.csv", "a", encoding="utf-8") as fh:
        fh.write("P90,+62 Budi,=SUM(A1),,,,\nP91,-2+3,,,,,\n")  # a formula as a bad sex; a formula as a name
    with open(folder / "addresses.csv", "a", encoding="utf-8") as fh:
        fh.write("A90,=1+1,,,Palembang,,,-95.5,104.7\n")  # latitude out of range: rejected with value -95.5
    return folder


def cells(path: Path):
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    return rows[0], rows[1:]


def test_no_csv_output_cell_starts_a_formula(tmp_path: Path):
    folder = hostile_folder(tmp_path)
    score = invoke("score", folder, "--out", tmp_path / "out", "--as-of", "2026-11-01")
    run = invoke("run", "--input-dir", folder, "--output-root", tmp_path / "runs", "--purpose", "OP-1", "--as-of", "2026-11-01")
    assert score.code == 0 and run.code == 0, score.stderr + run.stderr
    outputs = sorted((tmp_path / "out").glob("*.csv")) + sorted((tmp_path / "runs" / "latest").glob("*.csv"))
    assert {p.name for p in outputs} >= {"scores.csv", "clusters.csv", "evidence.csv", "rejects.csv", "changes.csv"}
    defused = 0
    for path in outputs:
        _header, rows = cells(path)
        for row in rows:
            for cell in row:
                assert not TRIGGER.match(cell) or NUMBER.match(cell), f"{path.name}: {cell!r}"
                defused += cell.startswith("'")
    assert defused >= 4
    scores = read_csv(tmp_path / "out" / "scores.csv")
    assert scores.loc[scores["entity_id"] == "employers:E03", "name"].item().startswith("=HYPERLINK(")
    assert scores.loc[scores["entity_id"] == "persons:P29", "name"].item().startswith("@SUM(")
    assert pd.to_numeric(scores["score"]).gt(0).all() and pd.to_numeric(scores["rank"]).ge(1).all()
    rejects = read_csv(tmp_path / "out" / "rejects.csv")
    assert "-95.5" in rejects["value"].tolist(), "a negative number stays a number"
    assert "=SUM(A1)" in rejects["value"].tolist() and "'=SUM(A1)" in (tmp_path / "out" / "rejects.csv").read_text()


def test_read_csv_undoes_exactly_what_write_csv_did(tmp_path: Path):
    values = ["=1", "+1", "-1", "-x", "@a", "\tA", "\rB", "'", "''=", "'plain", "plain", "", "-6.25", "1e5"]
    frame = pd.DataFrame({"v": values, "n": range(len(values))})
    back = read_csv(write_csv(frame, tmp_path / "t.csv"))
    assert back["v"].tolist() == values
    assert back["n"].tolist() == [str(i) for i in range(len(values))]
    safe = spreadsheet_safe(frame)["v"].tolist()
    assert safe[:2] == ["'=1", "+1"] and safe[2] == "-1" and safe[3] == "'-x" and safe[-2:] == ["-6.25", "1e5"]
