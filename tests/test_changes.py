"""Changes since the last run: bands, material change only, and two real runs with planted changes."""

import datetime as dt
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from graphkit import Settings
from graphkit.changes import CHANGE_COLUMNS, CHANGE_KINDS, changes_summary, compare_scores
from graphkit.datasets import tiny_path
from graphkit.errors import GraphkitError
from graphkit.schedule import run_scheduled

AS_OF = dt.date(2026, 11, 1)


def scores(*rows) -> pd.DataFrame:
    return pd.DataFrame([{"entity_type": t, "entity_id": i, "source_ids": s or i, "name": i.upper(), "score": sc, "rank": r}
                         for t, i, s, sc, r in rows])


def test_only_a_new_lead_or_a_higher_band_is_material():
    before = scores(("PERSON", "persons:P1", None, 56.0, 1), ("PERSON", "persons:P2", None, 45.0, 2),
                    ("PERSON", "persons:P3", None, 75.0, 3), ("PERSON", "persons:P4", None, 20.0, 4))
    now = scores(("PERSON", "persons:P1", None, 69.9, 1), ("PERSON", "persons:P2", None, 70.0, 2),
                 ("PERSON", "persons:P3", None, 39.9, 3), ("PERSON", "persons:P5", None, 10.0, 4))
    got = compare_scores(before, now, Settings()).set_index("entity_id")
    assert got["change"].to_dict() == {"persons:P1": "UNCHANGED", "persons:P2": "ESCALATED", "persons:P3": "DE_ESCALATED",
                                       "persons:P4": "DROPPED", "persons:P5": "NEW"}
    assert got.loc["persons:P2", ["band_before", "band_now"]].tolist() == ["MEDIUM", "HIGH"]
    assert got.loc["persons:P3", ["band_before", "band_now"]].tolist() == ["HIGH", "LOW"]
    assert pd.isna(got.loc["persons:P4", "score_now"]) and got.loc["persons:P4", "rank_before"] == 4
    assert list(compare_scores(before, now, Settings()).columns) == CHANGE_COLUMNS


def test_band_edges_are_settings():
    before, now = scores(("EMPLOYER", "employers:E1", None, 60.0, 1)), scores(("EMPLOYER", "employers:E1", None, 80.0, 1))
    assert compare_scores(before, now, Settings())["change"].item() == "ESCALATED"
    assert compare_scores(before, now, Settings(band_high=90, band_medium=50))["change"].item() == "UNCHANGED"
    with pytest.raises(GraphkitError, match="band_medium"):
        compare_scores(before, now, Settings(band_high=40, band_medium=60))


def test_networks_are_matched_by_members_not_by_their_per_run_number():
    before = scores(("NETWORK", "network:N0001", "employers:E1;employers:E2", 80.0, 1),
                    ("NETWORK", "network:N0002", "employers:E3;employers:E4", 75.0, 2))
    now = scores(("NETWORK", "network:N0001", "employers:E3;employers:E4", 76.0, 1))
    got = compare_scores(before, now, Settings())
    assert got[["entity_id", "change", "score_before"]].values.tolist() == [["network:N0001", "DROPPED", 80.0],
                                                                            ["network:N0001", "UNCHANGED", 75.0]]


def test_summary_counts_every_kind_and_lists_top_new_and_escalated_as_plain_values():
    before = scores(("PERSON", "persons:P1", None, 30.0, 1))
    now = scores(*[("PERSON", f"persons:P{i}", None, 40.0 + i, i) for i in range(1, 15)])
    summary = changes_summary(compare_scores(before, now, Settings()), top=5)
    assert summary["counts"] == {"NEW": 13, "ESCALATED": 1, "DE_ESCALATED": 0, "DROPPED": 0, "UNCHANGED": 0}
    assert [r["entity_id"] for r in summary["new"]] == [f"persons:P{i}" for i in (14, 13, 12, 11, 10)]
    assert summary["escalated"][0]["band_before"] == "LOW" and summary["escalated"][0]["score_now"] == 41.0
    json.dumps(summary)  # plain values, ready for a report or a message


def plant_changes(folder: Path) -> None:
    """Edit a copy of the tiny scenario: four visit-permit workers at PT Palembang Tekstil Utama (E05),
    Aung Ko (P29) no longer seen, Ivan Petrov (P28) departed, Park Ji-hoon (P16) now a tourist seen
    at work, Chen Jie (P10) a business visitor rather than a tourist, and one fewer resident at the
    crowded house A04."""
    def append(name: str, rows: str) -> None:
        with open(folder / name, "a", encoding="utf-8") as fh:
            fh.write(rows)

    def drop(name: str, prefix: str) -> None:
        path = folder / name
        path.write_text("".join(ln for ln in path.read_text().splitlines(keepends=True) if not ln.startswith(prefix)))

    workers = [f"P4{i}" for i in range(4)]
    # four different people (names, birth dates, passports far apart): entity resolution must not join them
    people = ("Nguyen Van An,1988-02-11,C3817265", "Tran Thi Binh,1991-07-23,C5092718",
              "Le Van Cuong,1979-12-02,C7730491", "Pham Thi Dung,1995-04-30,C1268844")
    append("persons.csv", "".join(f"{p},{name},M,{born},VNM,{passport},VNM\n"
                                  for p, (name, born, passport) in zip(workers, (x.split(",") for x in people))))
    append("permits.csv", "".join(f"K{p},{p},VISIT,TOURISM,,2026-10-01,2026-11-29,Kantor Imigrasi Palembang\n" for p in workers))
    append("movements.csv", "".join(f"{p},ARRIVAL,2026-10-01,Bandara Sultan Mahmud Badaruddin II\n" for p in workers)
           + "P28,DEPARTURE,2026-08-20,Bandara Sultan Mahmud Badaruddin II\n")
    append("employment.csv", "".join(f"{p},E05,INSPECTION,2026-10-20,,Sewer\n" for p in workers)
           + "P16,E04,INSPECTION,2026-10-20,,Operator\n")
    drop("employment.csv", "P29,")
    drop("residences.csv", "P29,")
    drop("residences.csv", "P14,A04")
    permits = folder / "permits.csv"
    permits.write_text(permits.read_text().replace("K016,P16,VISIT,BUSINESS", "K016,P16,VISIT,TOURISM")
                       .replace("K010,P10,VISIT,TOURISM", "K010,P10,VISIT,BUSINESS"))


def test_two_runs_with_planted_changes_give_the_expected_changes_csv(tmp_path: Path):
    data, root = tmp_path / "in", tmp_path / "root"
    shutil.copytree(tiny_path(), data)
    settings = Settings(input_dir=data, output_root=root, purpose="OP-test", as_of=AS_OF)
    first = run_scheduled(settings)
    plant_changes(data)
    second = run_scheduled(settings)

    changes = pd.read_csv(root / "latest" / "changes.csv", dtype={"rank_before": "Int64", "rank_now": "Int64"})
    assert list(changes.columns) == CHANGE_COLUMNS
    got = dict(zip(changes["entity_id"], changes["change"]))
    expected = {
        "employers:E05": "NEW", "persons:P40": "NEW", "persons:P41": "NEW", "persons:P42": "NEW", "persons:P43": "NEW",
        "persons:P16": "ESCALATED", "persons:P10": "DE_ESCALATED", "persons:P29": "DROPPED", "persons:P28": "DROPPED",
    }
    assert {k: v for k, v in got.items() if v != "UNCHANGED"} == expected
    unchanged = {k for k, v in got.items() if v == "UNCHANGED"}
    assert {"employers:E02", "employers:E03", "employers:E04", "sponsors:S04", "network:N0001"} <= unchanged
    e02 = changes.set_index("entity_id").loc["employers:E02"]
    assert e02["score_before"] != e02["score_now"] and e02["band_before"] == e02["band_now"], "a move inside a band is no re-alert"
    p16 = changes.set_index("entity_id").loc["persons:P16"]
    assert (p16["band_before"], p16["band_now"], p16["score_before"], p16["score_now"]) == ("LOW", "MEDIUM", 24.0, 56.0)
    assert list(changes["change"]) == sorted(changes["change"], key=CHANGE_KINDS.index)

    assert second["previous_run_id"] == first["run_id"]
    assert second["changes"] == {"NEW": 5, "ESCALATED": 1, "DE_ESCALATED": 1, "DROPPED": 2, "UNCHANGED": len(unchanged)}
    manifest = json.loads((root / "latest" / "manifest.json").read_text())
    assert manifest["changes"] == {"previous_run_id": first["run_id"], "counts": second["changes"]}

    third = run_scheduled(settings)
    assert third["changes"]["UNCHANGED"] == sum(third["scored"].values()), "the same leads again alert nobody"
