"""evaluate(): precision and recall of a run against planted truth, on tiny hand-made score files."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest

from graphkit.evaluate import CLUSTER_COLUMNS, FRAME_COLUMNS, SCORE_COLUMNS, evaluate

TRUTH = {
    "typologies": {
        "visit_workforce": [["employers:E1", "sponsors:S1"], ["employers:E2", "sponsors:S2"]],
        "shell_networks": [[["employers:E3", "sponsors:S3"], ["employers:E4", "sponsors:S4"],
                            ["employers:E5", "sponsors:S5"]]],
        "sponsor_mills": [["sponsors:S10"], ["sponsors:S11"]],
        "address_hotspots": [["addresses:A1", "addresses:A2"]],
        "overstayers": [["persons:P1", "persons:P2"], ["persons:P3"]],
        "no_lawful_entry": [["persons:P4"]],
    },
    "lookalikes": {
        "big_contractors": [["employers:E9", "sponsors:S9"]],
        "travel_agents": [["sponsors:S20"]], "universities": [["sponsors:S21"]], "family_sponsors": [],
        "hotels": [["addresses:A9"]], "dormitories": [["addresses:A8"]],
        "departed_expired": [["persons:P7"]], "recently_expired": [["persons:P8"]],
        "renewed_passport": [["persons:P5", "persons:P6"]],
    },
}


def write_run(folder, scores, clusters=()):
    """scores: (type, source_ids, rank, reasons); clusters: (kind, members)."""
    pd.DataFrame(
        [{"entity_type": t, "entity_id": f"x{i}", "source_ids": ids, "name": "n", "score": 100 - rank, "rank": rank,
          "reasons": reasons} for i, (t, ids, rank, reasons) in enumerate(scores)],
        columns=list(SCORE_COLUMNS),
    ).to_csv(folder / "scores.csv", index=False)
    pd.DataFrame(
        [{"cluster_id": f"c{i}", "kind": kind, "size": len(m.split(";")), "score": 50, "members": m, "reasons": "r"}
         for i, (kind, m) in enumerate(clusters)],
        columns=list(CLUSTER_COLUMNS),
    ).to_csv(folder / "clusters.csv", index=False)
    return folder


OVERSTAY = "PERSON_OVERSTAY: latest permit K1 expired 2026-01-01, no departure since (evidence 2)"
NO_ENTRY = "PERSON_NO_LAWFUL_ENTRY: seen at inspection, no arrival on record (evidence 1)"


def test_a_perfect_run_scores_one_everywhere(tmp_path):
    run = write_run(tmp_path, [
        ("EMPLOYER", "employers:E1;sponsors:S1", 1, "EMPLOYER_VISIT_WORKFORCE: 9 of 10 (evidence 9)"),
        ("EMPLOYER", "employers:E3;sponsors:S3", 2, "x: y"),
        ("EMPLOYER", "employers:E4", 3, "x: y"),
        ("EMPLOYER", "employers:E2;sponsors:S2", 4, "x: y"),
        ("EMPLOYER", "employers:E5;sponsors:S5", 5, "x: y"),
        ("EMPLOYER", "employers:E9;sponsors:S9", 6, "x: y"),  # a big contractor, below the top k
        ("SPONSOR", "sponsors:S11", 1, "x: y"),
        ("SPONSOR", "sponsors:S10", 2, "x: y"),
        ("SPONSOR", "sponsors:S20", 3, "x: y"),
        ("ADDRESS", "addresses:A1;addresses:A2", 1, "x: y"),
        ("PERSON", "persons:P1;persons:P2", 1, OVERSTAY),
        ("PERSON", "persons:P3", 2, OVERSTAY),
        ("PERSON", "persons:P4", 3, NO_ENTRY),
        ("PERSON", "persons:P8", 4, "PERSON_RECENTLY_EXPIRED: 12 days ago (evidence 1)"),
    ], [("NETWORK_SHELL", "employers:E3;employers:E4;employers:E5;sponsors:S5")])
    result = evaluate(run, TRUTH).as_dict()
    for target in ("EMPLOYER", "SPONSOR", "ADDRESS"):
        assert (result[target]["precision"], result[target]["recall"], result[target]["average_precision"]) == (1, 1, 1)
    assert result["EMPLOYER"]["planted"] == result["EMPLOYER"]["k"] == 5
    assert result["EMPLOYER"]["lookalikes"] == {"big_contractors": {"planted": 1, "hit": 0}}
    assert result["SPONSOR"]["lookalikes"]["travel_agents"] == {"planted": 1, "hit": 0}
    for target in ("PERSON_OVERSTAY", "PERSON_NO_LAWFUL_ENTRY", "NETWORK_SHELL"):
        assert (result[target]["precision"], result[target]["recall"]) == (1, 1), target
    assert result["PERSON_OVERSTAY"]["k"] == 2
    assert all(v["hit"] == 0 for v in result["PERSON_OVERSTAY"]["lookalikes"].values())


def test_an_empty_run_finds_nothing_without_failing(tmp_path):
    result = evaluate(write_run(tmp_path, []), TRUTH).as_dict()
    assert result["EMPLOYER"] == {"planted": 5, "k": 5, "precision": 0.0, "recall": 0.0, "average_precision": 0.0,
                                  "lookalikes": {"big_contractors": {"planted": 1, "hit": 0}}}
    assert result["PERSON_OVERSTAY"]["k"] == 0 and result["PERSON_OVERSTAY"]["precision"] is None
    assert result["PERSON_OVERSTAY"]["recall"] == 0.0
    assert result["NETWORK_SHELL"] == {"planted": 1, "k": 0, "precision": None, "recall": 0.0,
                                       "average_precision": None, "lookalikes": {}}


@pytest.fixture
def partial(tmp_path):
    run = write_run(tmp_path, [
        # file order is not rank order
        ("EMPLOYER", "employers:E2", 6, "x: y"),
        ("EMPLOYER", "employers:E9;sponsors:S9", 1, "x: y"),  # a look-alike on top
        ("EMPLOYER", "employers:E1", 2, "x: y"),
        ("EMPLOYER", "sponsors:S1", 3, "x: y"),  # the same company again: its group is already found
        ("EMPLOYER", "employers:E3;employers:E4", 4, "x: y"),  # two planted employers merged: one hit
        ("EMPLOYER", "employers:E77", 5, "x: y"),
        ("EMPLOYER", "employers:E5", 7, "x: y"),
        ("SPONSOR", "sponsors:S20", 1, "x: y"),
        ("SPONSOR", "sponsors:S10", 2, "x: y"),
        ("ADDRESS", "addresses:A2", 1, "x: y"),  # a planted place found under its second id
        ("ADDRESS", "addresses:A8", 2, "x: y"),
        ("PERSON", "persons:P2", 1, OVERSTAY),
        ("PERSON", "persons:P1", 2, OVERSTAY),  # the same human again
        ("PERSON", "persons:P5", 3, OVERSTAY),  # a renewed passport
        ("PERSON", "persons:P3", 4, f"{NO_ENTRY}; {OVERSTAY}"),
        ("PERSON", "persons:P7", 5, "PERSON_OVERSTAY_RISK: not this code (evidence 1)"),
        ("PERSON", "persons:P8", 6, "OTHER_CODE: says PERSON_OVERSTAY: in its text (evidence 1)"),
        ("NETWORK", "employers:E3;employers:E4;employers:E5", 1, "x: y"),
    ], [
        ("NETWORK_SHELL", "employers:E3;employers:E4"),  # misses E5
        ("NETWORK_SHELL", "employers:E3;employers:E4;employers:E5;employers:E60;employers:E61;employers:E62;"
                          "employers:E63"),  # mostly other employers
        ("COMMUNITY", "employers:E3;employers:E4;employers:E5"),  # not a shell-network cluster
    ])
    return evaluate(run, TRUTH)


def test_a_partly_wrong_run_is_measured_exactly(partial):
    result = partial.as_dict()
    employer = result["EMPLOYER"]
    assert employer["precision"] == pytest.approx(2 / 5)  # top 5: look-alike, hit, repeat, merged hit, unknown
    assert employer["recall"] == 1.0  # within the top 10 every group is found
    assert employer["average_precision"] == pytest.approx((1 / 2 + 2 / 4 + 3 / 6 + 4 / 7) / 5)
    assert employer["lookalikes"] == {"big_contractors": {"planted": 1, "hit": 1}}
    sponsor = result["SPONSOR"]
    assert (sponsor["precision"], sponsor["recall"], sponsor["average_precision"]) == (0.5, 0.5, 0.25)
    assert sponsor["lookalikes"] == {"travel_agents": {"planted": 1, "hit": 1},
                                     "universities": {"planted": 1, "hit": 0},
                                     "family_sponsors": {"planted": 0, "hit": 0}}
    address = result["ADDRESS"]
    assert (address["precision"], address["recall"], address["average_precision"]) == (1, 1, 1)
    assert address["lookalikes"]["dormitories"]["hit"] == 0  # ranked 2nd, outside the top k = 1
    over = result["PERSON_OVERSTAY"]
    assert (over["k"], over["precision"], over["recall"]) == (4, 0.5, 1.0)
    assert over["lookalikes"] == {"departed_expired": {"planted": 1, "hit": 0},
                                  "recently_expired": {"planted": 1, "hit": 0},
                                  "renewed_passport": {"planted": 1, "hit": 1}}
    entry = result["PERSON_NO_LAWFUL_ENTRY"]
    assert (entry["k"], entry["precision"], entry["recall"]) == (1, 0.0, 0.0)
    shell = result["NETWORK_SHELL"]
    assert (shell["k"], shell["precision"], shell["recall"]) == (2, 0.0, 0.0)
    # the second cluster holds all three employers among 7: no more than 3x the network
    assert result["SHELL_IN_ONE_CLUSTER"]["recall"] == 1.0


def test_a_network_inside_a_cluster_more_than_three_times_its_size_is_not_contained(tmp_path):
    for strangers, contained in ((7, 0.0), (6, 1.0)):  # 10 or 9 employers around a network of 3
        others = ";".join(f"employers:E{60 + i}" for i in range(strangers))
        run = write_run(tmp_path, [], [("NETWORK_SHELL", f"employers:E3;employers:E4;employers:E5;{others}")])
        assert evaluate(run, TRUTH).as_dict()["SHELL_IN_ONE_CLUSTER"]["recall"] == contained


def test_a_network_is_found_through_sponsor_twins_and_despite_a_few_strangers(tmp_path):
    run = write_run(tmp_path, [], [("network_shell", "sponsors:S3;employers:E4;employers:E5;employers:E60")])
    assert evaluate(run, TRUTH).as_dict()["NETWORK_SHELL"]["recall"] == 1.0


def test_the_report_renders_as_a_table_a_frame_and_json(partial, tmp_path):
    text = str(partial)
    lines = text.splitlines()
    assert lines[0].startswith("| target") and set(lines[1]) <= set("|-:")
    assert len({len(line) for line in lines[:8]}) == 1  # aligned columns
    for target in ("EMPLOYER", "SPONSOR", "ADDRESS", "PERSON_OVERSTAY", "PERSON_NO_LAWFUL_ENTRY", "NETWORK_SHELL"):
        assert any(line.startswith(f"| {target} ") for line in lines)
    assert "big_contractors 1/1" in text and "0.400" in text
    frame = partial.to_frame()
    assert list(frame.columns) == list(FRAME_COLUMNS) and len(frame) == 7
    assert math.isnan(frame.set_index("target").loc["NETWORK_SHELL", "average_precision"])
    assert json.loads(json.dumps(partial.as_dict())) == partial.as_dict()
    truth_file = tmp_path.parent / f"{tmp_path.name}.truth.json"  # the run of `partial` is in tmp_path
    truth_file.write_text(json.dumps(TRUTH))
    assert evaluate(tmp_path, truth_file).as_dict() == partial.as_dict()


def test_missing_files_and_columns_are_one_line_errors(tmp_path):
    write_run(tmp_path, [])
    (tmp_path / "clusters.csv").unlink()
    with pytest.raises(FileNotFoundError, match="clusters.csv"):
        evaluate(tmp_path, TRUTH)
    (tmp_path / "clusters.csv").write_text("cluster_id,kind\n")
    with pytest.raises(ValueError, match="'size' is missing"):
        evaluate(tmp_path, TRUTH)
