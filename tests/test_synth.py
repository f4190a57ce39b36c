"""The synthetic scenario generator: determinism, truth that matches the tables, planted patterns
that are really there (and only there), look-alikes that stay innocent, messiness, bad rows that a
contract loader rejects exactly, and protected attributes independent of every label."""

from __future__ import annotations

import hashlib
import json
import re
import string

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from graphkit.datasets.synth import COLUMNS, REASONS, synth, write_scenario

SEED = 11
AS_OF = pd.Timestamp("2026-11-01")

# The data contract's checks, written out independently of the generator.
SPEC = {  # key, required, dates, numbers, enums, countries, references; in dependency order
    "persons": (["person_id"], ["person_id", "full_name"], ["birth_date"], [], {"sex": "M F X"},
                ["nationality", "passport_country"], {}),
    "addresses": (["address_id"], ["address_id", "line", "city"], [], ["latitude", "longitude"], {}, [], {}),
    "sponsors": (["sponsor_id"], ["sponsor_id", "sponsor_type", "name"], [], [],
                 {"sponsor_type": "ORGANIZATION INDIVIDUAL"}, [], {"address_id": "addresses"}),
    "employers": (["employer_id"], ["employer_id", "name"], [], [], {}, [], {"address_id": "addresses"}),
    "permits": (["permit_id"], ["permit_id", "person_id", "permit_type", "issued_on", "expires_on"],
                ["issued_on", "expires_on"], [],
                {"permit_type": "VISIT LIMITED_STAY PERMANENT",
                 "purpose": "TOURISM BUSINESS WORK FAMILY INVESTOR STUDY RETIREMENT OTHER"}, [],
                {"person_id": "persons", "sponsor_id": "sponsors"}),
    "employment": (["person_id", "employer_id", "source", "start_date"], ["person_id", "employer_id", "source"],
                   ["start_date", "end_date"], [], {"source": "WORK_PERMIT INSPECTION REPORT"}, [],
                   {"person_id": "persons", "employer_id": "employers"}),
    "residences": (["person_id", "address_id", "reported_on", "source"], ["person_id", "address_id"],
                   ["reported_on"], [], {}, [], {"person_id": "persons", "address_id": "addresses"}),
    "movements": (["person_id", "direction", "date", "port"], ["person_id", "direction", "date"], ["date"], [],
                  {"direction": "ARRIVAL DEPARTURE"}, [], {"person_id": "persons"}),
}


def contract_load(tables: dict[str, pd.DataFrame]) -> tuple[dict[str, pd.DataFrame], list[list]]:
    """Accepted rows (trimmed, enums upper-cased) and [table, row_number, reason] per rejected row."""
    accepted, rejects, known = {}, [], {}
    for name, (key, required, dates, numbers, enums, countries, refs) in SPEC.items():
        f = tables[name].apply(lambda s: s.str.strip())
        f.index = pd.RangeIndex(1, len(f) + 1)
        reason = pd.Series("", index=f.index)

        def fail(mask, why):
            reason[(reason == "") & mask] = why

        fail(f[required].eq("").any(axis=1), "missing_required")
        parsed = {c: pd.to_datetime(f[c].where(f[c].str.fullmatch(r"\d{4}-\d{2}-\d{2}")), format="%Y-%m-%d",
                                    errors="coerce") for c in dates}
        numeric = {c: pd.to_numeric(f[c], errors="coerce") for c in numbers}
        bad = pd.Series(False, index=f.index)
        for c, v in {**parsed, **numeric}.items():
            bad |= (f[c] != "") & v.isna()
        fail(bad, "bad_type")
        for c, values in enums.items():
            fail((f[c] != "") & ~f[c].str.upper().isin(values.split()), "bad_enum")
        for c in countries:
            fail((f[c] != "") & ~f[c].str.fullmatch("[A-Za-z]{3}"), "bad_format")
        if name == "permits":
            fail(parsed["expires_on"] < parsed["issued_on"], "bad_range")
        if name == "employment":
            fail(parsed["end_date"] < parsed["start_date"], "bad_range")
        if name == "addresses":
            fail((numeric["latitude"].abs() > 90) | (numeric["longitude"].abs() > 180), "bad_range")
        valid = reason == ""
        fail(f[key][valid].duplicated().reindex(f.index, fill_value=False), "duplicate_key")
        for c, target in refs.items():
            fail((f[c] != "") & ~f[c].isin(known[target]), "unknown_reference")
        rejects += [[name, int(r), why] for r, why in reason[reason != ""].items()]
        good = f[reason == ""].copy()
        for c in enums:
            good[c] = good[c].str.upper()
        accepted[name] = good
        known[name] = set(good[key[0]])
    return accepted, rejects


def table_of(source_id: str) -> tuple[str, str]:
    table, _, ident = source_id.partition(":")
    return table, ident


def norm_company(name: str) -> str:
    words = re.sub(r"[^\w\s]", " ", name.lower()).split()
    return " ".join(w for w in words if w not in {"pt", "cv", "tbk"})


def norm_line(line: str) -> str:
    words = re.sub(r"[^\w\s]", " ", line.lower()).split()
    return " ".join({"jalan": "jl", "nomor": "no", "gang": "gg"}.get(w, w) for w in words)


def humans_of(truth: dict) -> dict[str, str]:
    """person_id -> one id standing for the human (only for humans with several rows)."""
    return {table_of(s)[1]: table_of(group[0])[1] for group in truth["resolution"]["persons"] for s in group}


def ids(groups, table: str) -> set[str]:
    return {table_of(s)[1] for g in groups for s in g if table_of(s)[0] == table}


@pytest.fixture(scope="module", params=["baseline", "harbour", "longhaul", "bazaar"])
def scenario(request):
    """The default world, a tuning style and both held-out styles: every check holds in each."""
    return synth(2000, seed=SEED, style=request.param)


@pytest.fixture(scope="module")
def loaded(scenario):
    return contract_load(scenario.tables)


@pytest.fixture(scope="module")
def facts(scenario, loaded):
    """Accepted tables with a human key and parsed dates: what the definitions are checked on."""
    acc, _ = loaded
    human = humans_of(scenario.truth)

    def h(s):
        return s.map(lambda p: human.get(p, p))

    permits = acc["permits"].assign(h=lambda d: h(d.person_id), i=lambda d: pd.to_datetime(d.issued_on),
                                    e=lambda d: pd.to_datetime(d.expires_on))
    moves = acc["movements"].assign(h=lambda d: h(d.person_id), d=lambda d: pd.to_datetime(d.date))
    jobs = acc["employment"].assign(h=lambda d: h(d.person_id))
    homes = acc["residences"].assign(h=lambda d: h(d.person_id))
    latest = permits.sort_values(["i", "e"]).groupby("h").tail(1).set_index("h")
    return {"acc": acc, "human": human, "permits": permits, "moves": moves, "jobs": jobs, "homes": homes,
            "latest": latest}


def groups_of(persons: pd.Series, human: dict, members: set[str]) -> set[frozenset]:
    rows: dict[str, set] = {}
    for p in persons:
        rows.setdefault(human.get(p, p), set()).add(p)
    return {frozenset(rows[m]) for m in members}


def as_sets(groups) -> set[frozenset]:
    return {frozenset(table_of(s)[1] for s in g) for g in groups}


# --- shape, counts, bad rows -----------------------------------------------------------------


def test_tables_follow_the_contract(scenario, loaded):
    assert list(scenario.tables) == list(COLUMNS)
    for name, frame in scenario.tables.items():
        assert list(frame.columns) == COLUMNS[name]
        assert not frame.isna().any().any(), f"{name}: empty cells must be empty strings"
    accepted, _ = loaded
    for name, pattern in {"persons": r"P\d{7}", "permits": r"K\d{7}", "sponsors": r"S\d{5}",
                          "employers": r"E\d{5}", "addresses": r"A\d{7}"}.items():
        assert accepted[name][SPEC[name][0][0]].str.fullmatch(pattern).all(), name
    assert accepted["addresses"].city.isin(["Palembang", "Prabumulih", "Muara Enim", "Baturaja", "Lubuklinggau",
                                            "Banyuasin", "Lahat", "Pagar Alam", "Ogan Ilir"]).all()


def test_truth_counts_match_the_tables(scenario, loaded):
    truth = scenario.truth
    assert truth["counts"] == {name: len(frame) for name, frame in scenario.tables.items()}
    accepted, _ = loaded
    assert truth["accepted"] == {name: len(frame) for name, frame in accepted.items()} | {}
    assert truth["seed"] == SEED and truth["n_persons"] == 2000 and truth["as_of"] == "2026-11-01"
    assert truth["schema"] == "1"
    assert truth["messiness"]["employer_sponsor_twins"] == len(accepted["employers"])
    json.dumps(truth)  # JSON-able


def test_bad_row_counts_match_the_list(scenario):
    truth = scenario.truth
    tally: dict = {}
    for table, _, reason in truth["bad_row_list"]:
        tally.setdefault(table, {}).setdefault(reason, 0)
        tally[table][reason] += 1
    assert tally == truth["bad_rows"]
    assert set(truth["bad_rows"]) == set(COLUMNS)
    for table, reasons in truth["bad_rows"].items():
        assert set(reasons) <= set(REASONS)
        assert all(2 <= n <= 5 for n in reasons.values()), (table, reasons)
    assert set(truth["bad_rows"]["persons"]) == {"missing_required", "bad_type", "bad_enum", "bad_format",
                                                 "duplicate_key"}


def test_a_contract_loader_rejects_exactly_the_planted_bad_rows(scenario, loaded):
    _, rejects = loaded
    assert sorted(rejects) == sorted(scenario.truth["bad_row_list"])


def test_planted_and_resolution_ids_exist_among_accepted_rows(scenario, loaded):
    accepted, _ = loaded
    key = {name: set(frame[SPEC[name][0][0]]) for name, frame in accepted.items() if len(SPEC[name][0]) == 1}
    truth = scenario.truth
    sections = [*truth["typologies"].values(), *truth["lookalikes"].values(), *truth["resolution"].values()]
    for groups in sections:
        for group in groups:
            for sid in (s for g in group for s in g) if group and isinstance(group[0], list) else group:
                table, ident = table_of(sid)
                assert ident in key[table], sid


def test_each_typology_and_lookalike_is_planted(scenario):
    truth = scenario.truth
    for label, groups in {**truth["typologies"], **truth["lookalikes"]}.items():
        assert len(groups) >= 2, label
    for network in truth["typologies"]["shell_networks"]:
        assert 3 <= len(network) <= 6
        for group in network:
            assert [table_of(s)[0] for s in group] == ["employers", "sponsors"]
    for label in ("visit_workforce", "sponsor_mills", "address_hotspots", "overstayers", "no_lawful_entry"):
        assert len(truth["typologies"][label]) >= 3, label
    # planted groups do not overlap across labels
    seen: set = set()
    for groups in [*truth["typologies"].values(), *truth["lookalikes"].values()]:
        flat = {s for g in groups for s in (g if isinstance(g[0], str) else [x for e in g for x in e])}
        assert not flat & seen
        seen |= flat


# --- the typologies are where the truth says, and nowhere else --------------------------------


def test_overstayers_follow_the_definition_exactly(scenario, facts):
    latest, moves = facts["latest"], facts["moves"]
    dep = moves[moves.direction == "DEPARTURE"].merge(latest[["i"]], left_on="h", right_index=True)
    left = set(dep[dep.d > dep.i].h)
    over = {h for h, r in latest.iterrows() if (AS_OF - r.e).days > 30 and h not in left}
    found = groups_of(facts["acc"]["persons"].person_id, facts["human"], over)
    assert found == as_sets(scenario.truth["typologies"]["overstayers"])
    # and their look-alikes are what they claim to be
    recent = ids(scenario.truth["lookalikes"]["recently_expired"], "persons")
    for h, r in latest.iterrows():
        if h in recent or facts["human"].get(h) in recent:
            assert 0 < (AS_OF - r.e).days <= 30
    departed = {facts["human"].get(p, p) for p in ids(scenario.truth["lookalikes"]["departed_expired"], "persons")}
    assert departed <= left and all((AS_OF - latest.loc[h].e).days > 30 for h in departed)


def test_no_lawful_entry_follows_the_definition_exactly(scenario, facts):
    permits, moves = facts["permits"], facts["moves"]
    valid = set(permits[(permits.i <= AS_OF) & (permits.e >= AS_OF)].h)
    arrived = set(moves[moves.direction == "ARRIVAL"].h)
    jobs, homes = facts["jobs"], facts["homes"]
    seen = set(jobs[jobs.source == "INSPECTION"].h) | set(homes.h)
    found = groups_of(facts["acc"]["persons"].person_id, facts["human"], seen - arrived - valid)
    assert found == as_sets(scenario.truth["typologies"]["no_lawful_entry"])


def test_visit_workforce_employers_are_mostly_visit_workers_and_no_other_employer_is(scenario, facts):
    jobs, latest = facts["jobs"], facts["latest"]
    visit = set(latest[latest.permit_type == "VISIT"].index)
    jobs = jobs.assign(visit=jobs.h.isin(visit) & jobs.source.isin(["INSPECTION", "REPORT"]))
    per = jobs.groupby("employer_id").agg(people=("h", "nunique"),
                                          permits=("source", lambda s: int((s == "WORK_PERMIT").sum())))
    # business visitors of visa agencies report at firms for a few days: a look-alike, counted apart
    agencies = ids(scenario.truth["lookalikes"].get("visa_agencies", []), "sponsors")
    agency_clients = set(facts["permits"][facts["permits"].sponsor_id.isin(agencies)].h)
    per["visitors"] = jobs[jobs.visit & ~jobs.h.isin(agency_clients)].groupby("employer_id").h.nunique().reindex(
        per.index).fillna(0)
    planted = ids(scenario.truth["typologies"]["visit_workforce"], "employers")
    assert (per.loc[sorted(planted), "visitors"] / per.loc[sorted(planted), "people"] > 0.75).all()
    assert (per.loc[sorted(planted), "permits"] <= 2).all()
    campaigns = ids(scenario.truth["lookalikes"].get("commissioning_campaigns", []), "employers")
    others = per.drop(index=sorted(planted | campaigns))
    assert not ((others.visitors / others.people > 0.5) & (others.people >= 3)).any()
    big = ids(scenario.truth["lookalikes"]["big_contractors"], "employers")
    assert (per.loc[sorted(big), "permits"] >= 100).all() and (per.loc[sorted(big), "visitors"] <= 8).all()


def test_sponsor_mills_spread_their_visitors_over_employers_and_houses(scenario, facts):
    permits, jobs, homes = facts["permits"], facts["jobs"], facts["homes"]
    twins = ids(scenario.truth["resolution"]["companies"], "sponsors")
    fewest = scenario.truth["style"]["mill_clients"][0]
    for mill in scenario.truth["typologies"]["sponsor_mills"]:  # one mill, perhaps under two sponsor rows
        rows = {table_of(s)[1] for s in mill}
        assert not rows & twins  # employs nobody
        mine = permits[permits.sponsor_id.isin(rows)]
        people = set(mine.h)
        assert len(people) >= fewest and (mine.permit_type == "VISIT").all()
        assert jobs[jobs.h.isin(people)].employer_id.nunique() == len(people)  # one employer each
        assert homes[homes.h.isin(people)].address_id.nunique() == len(people)
    # no other non-employer sponsor has visitors working at several employers
    others = permits[(permits.sponsor_id != "") & ~permits.sponsor_id.isin(twins)]
    spread = others[["sponsor_id", "h"]].drop_duplicates().merge(jobs[["h", "employer_id"]], on="h")
    spread = spread.groupby("sponsor_id").employer_id.nunique()
    planted = ids(scenario.truth["typologies"]["sponsor_mills"], "sponsors")
    agencies = ids(scenario.truth["lookalikes"].get("visa_agencies", []), "sponsors")
    assert spread.drop(index=sorted((planted | agencies) & set(spread.index))).max() <= 1
    # a visa agency's clients come for days or weeks (a visit, perhaps extended, perhaps an earlier trip);
    # a mill's clients stay for months on a chain of visit permits
    by_agency = permits[permits.sponsor_id.isin(agencies)]
    assert (by_agency.permit_type == "VISIT").all() and (by_agency.groupby("h").size() <= 3).all()


def test_address_hotspots_house_many_long_staying_workers_and_ordinary_houses_few(scenario, facts):
    permits, jobs, homes = facts["permits"], facts["jobs"], facts["homes"]
    place = {table_of(s)[1]: table_of(g[0])[1] for g in scenario.truth["resolution"]["places"] for s in g}
    homes = homes.assign(place=homes.address_id.map(lambda a: place.get(a, a)))
    stay = permits.groupby("h").agg(first=("i", "min"), last=("e", "max"))
    long = set(stay[(stay["last"].clip(upper=AS_OF) - stay["first"]).dt.days >= 90].index)
    workers = homes[homes.h.isin(long) & homes.h.isin(set(jobs.h))].groupby("place").h.nunique()
    planted = {table_of(g[0])[1] for g in scenario.truth["typologies"]["address_hotspots"]}
    assert (workers.reindex(sorted(planted)) >= 8).all()
    special = planted | {table_of(g[0])[1] for k in ("hotels", "dormitories", "boarding_houses")
                         for g in scenario.truth["lookalikes"].get(k, [])}
    assert workers.drop(index=sorted(special & set(workers.index))).max() <= 3
    hotels = ids(scenario.truth["lookalikes"]["hotels"], "addresses")
    guests = set(homes[homes.address_id.isin(hotels)].h)
    departed = set(facts["moves"][facts["moves"].direction == "DEPARTURE"].h)
    assert len(guests & departed) / len(guests) > 0.8


def test_shell_networks_share_a_link_and_rotate_the_same_people(scenario, facts):
    acc, jobs, permits = facts["acc"], facts["jobs"], facts["permits"]
    employers = acc["employers"].set_index("employer_id")
    place = {table_of(s)[1]: table_of(g[0])[1] for g in scenario.truth["resolution"]["places"] for s in g}
    for network in scenario.truth["typologies"]["shell_networks"]:
        emp = [table_of(g[0])[1] for g in network]
        phones = {re.sub(r"\D", "", p)[-6:] for p in employers.loc[emp, "phone"] if p}
        places = {place.get(a, a) for a in employers.loc[emp, "address_id"]}
        rotated = jobs[jobs.employer_id.isin(emp)]
        sponsors = set(permits[permits.h.isin(set(rotated.h))].sponsor_id)
        assert len(phones) == 1 or len(places) == 1 or len(sponsors) == 1
        hops = rotated.groupby("h").employer_id.nunique()
        assert (hops >= 2).all() and len(hops) >= 4
        assert (rotated.groupby("h").end_date.apply(lambda s: (s != "").sum()) == hops - 1).all()


def test_movements_are_consistent_with_permits(scenario, facts):
    permits, moves = facts["permits"], facts["moves"]
    no_entry = {facts["human"].get(p, p) for p in ids(scenario.truth["typologies"]["no_lawful_entry"], "persons")}
    first_issue = permits.groupby("h").i.min()
    first_arrival = moves[moves.direction == "ARRIVAL"].groupby("h").d.min()
    with_permits = first_issue.drop(index=sorted(no_entry & set(first_issue.index)))
    assert (first_arrival.reindex(with_permits.index) <= with_permits).all()  # arrived before the first permit
    # every departure falls after the issue and within the validity of one of the human's permits
    departures = moves[moves.direction == "DEPARTURE"].merge(permits[["h", "i", "e"]], on="h")
    covered = departures[(departures.i < departures.d) & (departures.d <= departures.e)]
    assert set(map(tuple, covered[["h", "d"]].values)) == set(map(tuple, departures[["h", "d"]].values))
    ports = set(moves.port)
    assert "Bandara Sultan Mahmud Badaruddin II" in ports and "Pelabuhan Boom Baru" in ports


# --- messiness ---------------------------------------------------------------------------------


def test_every_employer_has_a_differently_written_sponsor_twin(scenario, facts):
    acc = facts["acc"]
    employers = acc["employers"].set_index("employer_id")
    sponsors = acc["sponsors"].set_index("sponsor_id")
    city = acc["addresses"].set_index("address_id").city
    pairs = scenario.truth["resolution"]["companies"]
    assert ids(pairs, "employers") == set(employers.index)
    shared = 0
    for e_ref, s_ref in pairs:
        e, s = employers.loc[table_of(e_ref)[1]], sponsors.loc[table_of(s_ref)[1]]
        assert e["name"] != s["name"] and norm_company(e["name"]) == norm_company(s["name"])
        assert city[e.address_id] == city[s.address_id]
        shared += e.registration_no == s.registration_no != ""
    assert 0.6 < shared / len(pairs) < 0.97
    assert shared == scenario.truth["messiness"]["twins_sharing_registration_no"]
    # no two different companies look alike by the same rule
    keys = [(norm_company(n), city[a]) for n, a in zip(employers["name"], employers.address_id)]
    assert len(set(keys)) == len(keys)


def test_several_address_ids_of_one_place_normalise_to_one_line(scenario, facts):
    addresses = facts["acc"]["addresses"].set_index("address_id")
    groups = scenario.truth["resolution"]["places"]
    assert len(groups) == scenario.truth["messiness"]["places_with_several_address_ids"]
    for group in groups:
        rows = addresses.loc[[table_of(s)[1] for s in group]]
        assert rows.line.nunique() >= 2  # written differently (a repeat of the same text may join them)
        assert rows.line.map(norm_line).nunique() == 1 and rows.city.nunique() == 1


def test_several_person_rows_of_one_human_keep_passport_or_name_and_birth_date(scenario, facts):
    persons = facts["acc"]["persons"].set_index("person_id")
    renewed = {frozenset(g) for k in ("renewed_passport", "departure_on_other_record")
               for g in scenario.truth["lookalikes"].get(k, [])}
    plain = scenario.truth["style"]["renewed_name_variants"] == ["case_or_spacing"]
    for group in scenario.truth["resolution"]["persons"]:
        rows = persons.loc[[table_of(s)[1] for s in group]]
        assert rows.nationality.nunique() == 1 and rows.sex.nunique() == 1
        if frozenset(group) in renewed or rows.passport_no.nunique() > 1:
            assert frozenset(group) in renewed
            assert rows.passport_no.nunique() == 2 and rows.birth_date.nunique() == 1
            # the new passport's row keeps the name (case and spacing aside) of an old passport's row
            names = rows.full_name.map(lambda n: " ".join(n.lower().split())).groupby(rows.passport_no).agg(set)
            assert not plain or names.iloc[0] & names.iloc[1]  # a style may write it as a variant
        else:
            assert rows.passport_no.nunique() == 1 and rows.full_name.nunique() == len(rows)
    # a passport belongs to one human
    documented = persons[persons.passport_no != ""]
    owners = documented.index.map(lambda p: facts["human"].get(p, p))
    assert documented.groupby(["passport_no", "passport_country"]).apply(
        lambda g: owners[documented.index.get_indexer(g.index)].nunique(), include_groups=False).max() == 1


def test_odd_enum_spellings_are_counted_and_valid(scenario, loaded):
    odd = sum(int((frame[c] != frame[c].str.strip().str.upper()).sum())
              for name, frame in scenario.tables.items()
              for c in SPEC[name][4])
    bad_enums = sum(r.get("bad_enum", 0) for r in scenario.truth["bad_rows"].values())
    assert odd >= scenario.truth["messiness"]["enum_values_in_odd_case_or_spacing"] > 0
    assert odd <= scenario.truth["messiness"]["enum_values_in_odd_case_or_spacing"] + bad_enums


# --- files ---------------------------------------------------------------------------------------


def digests(folder) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_same_seed_gives_the_same_bytes_and_another_seed_does_not(tmp_path, fmt):
    first = write_scenario(synth(1000, seed=5), tmp_path / "a", fmt=fmt)
    again = write_scenario(synth(1000, seed=5), tmp_path / "b", fmt=fmt)
    other = write_scenario(synth(1000, seed=6), tmp_path / "c", fmt=fmt)
    assert sorted(p.name for p in first.iterdir()) == sorted(f"{t}.{fmt}" for t in COLUMNS)
    assert digests(first) == digests(again)
    assert (tmp_path / "a.truth.json").read_bytes() == (tmp_path / "b.truth.json").read_bytes()
    assert all(digests(first)[n] != digests(other)[n] for n in digests(first))


def test_written_files_read_back_as_the_same_tables(tmp_path, scenario):
    csv_dir = write_scenario(scenario, tmp_path / "csv")
    pq_dir = write_scenario(scenario, tmp_path / "pq", fmt="parquet", truth_path=tmp_path / "pq-truth.json")
    raw = (csv_dir / "persons.csv").read_bytes()
    assert raw.startswith(b"person_id,full_name,") and b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")
    for name, frame in scenario.tables.items():
        from_csv = pd.read_csv(csv_dir / f"{name}.csv", dtype=str, keep_default_na=False)
        pd.testing.assert_frame_equal(from_csv, frame, check_dtype=False)
        from_parquet = pd.read_parquet(pq_dir / f"{name}.parquet").fillna("")
        pd.testing.assert_frame_equal(from_parquet, frame, check_dtype=False)
    assert json.loads((tmp_path / "csv.truth.json").read_text(encoding="utf-8")) == scenario.truth


def test_truth_is_written_beside_the_folder_never_inside(tmp_path, scenario):
    with pytest.raises(ValueError, match="inside"):
        write_scenario(scenario, tmp_path / "x", truth_path=tmp_path / "x" / "truth.json")
    with pytest.raises(ValueError, match="fmt"):
        write_scenario(scenario, tmp_path / "y", fmt="xlsx")
    with pytest.raises(ValueError, match="at least"):
        synth(10, seed=1)


# --- fairness by construction ---------------------------------------------------------------------


def labelled_humans(scenario) -> tuple[pd.DataFrame, dict[str, set]]:
    """One row per human (nationality, sex, age band) and, per label, the humans it touches."""
    truth = scenario.truth
    bad = {}
    for table, row, _ in truth["bad_row_list"]:
        bad.setdefault(table, set()).add(row)
    tables = {n: f[~np.isin(np.arange(1, len(f) + 1), list(bad.get(n, ())))] for n, f in scenario.tables.items()}
    human = humans_of(truth)
    persons = tables["persons"].assign(h=lambda d: d.person_id.map(lambda p: human.get(p, p)))
    people = persons.drop_duplicates("h").set_index("h")
    birth = pd.to_datetime(people.birth_date, errors="coerce")
    age = ((AS_OF - birth).dt.days // 365.25).astype("Float64")
    people["age"] = pd.cut(age, [0, 30, 40, 50, 60, 200], right=False).astype(str)

    def via(table, column, groups):
        members = {table_of(s)[1] for g in groups for s in (g if isinstance(g[0], str) else sum(g, []))}
        rows = tables[table]
        return set(rows.loc[rows[column].isin(members), "person_id"].map(lambda p: human.get(p, p)))

    labels = {}
    for section in ("typologies", "lookalikes"):
        for label, groups in truth[section].items():
            table = table_of((groups[0] if isinstance(groups[0][0], str) else groups[0][0])[0])[0]
            if table == "persons":
                labels[label] = {human.get(table_of(g[0])[1], table_of(g[0])[1]) for g in groups}
            elif table == "employers":
                labels[label] = via("employment", "employer_id", groups)
            elif table == "addresses":
                labels[label] = via("residences", "address_id", groups)
            else:
                labels[label] = via("permits", "sponsor_id", groups)
    return people, labels


def chi2_p(values: pd.Series, member: pd.Series) -> float:
    table = pd.crosstab(values, member)
    expected = stats.contingency.expected_freq(table)
    keep = expected.min(axis=1) >= 5  # pool sparse categories
    pooled = pd.concat([table[keep], table[~keep].sum().to_frame().T]) if (~keep).any() else table
    pooled = pooled[pooled.sum(axis=1) > 0]
    return stats.chi2_contingency(pooled)[1]


@pytest.fixture(scope="module", params=["baseline", "longhaul"])
def population(request):
    return labelled_humans(synth(100_000, seed=SEED, style=request.param))


def test_protected_attributes_are_independent_of_every_label(population):
    people, labels = population
    assert len(labels) >= 15 and min(len(m) for m in labels.values()) >= 100
    tests = [(label, attr) for label in labels for attr in ("nationality", "sex", "age")]
    alpha = 0.01 / len(tests)  # Bonferroni: a fixed seed, and no test may be a coin toss
    for label, attr in tests:
        p = chi2_p(people[attr], people.index.isin(labels[label]))
        assert p > alpha, f"{attr} depends on {label} (p={p:.2g})"


def test_the_independence_test_detects_a_dependent_attribute(population):
    people, labels = population
    rng = np.random.default_rng(0)
    member = people.index.isin(labels["overstayers"])
    skewed = people.nationality.copy()
    flip = member & (rng.random(len(people)) < 0.3)  # 30% of overstayers made one nationality
    skewed[flip] = "CHN"
    tests = 15 * 3
    assert chi2_p(skewed, member) < 0.01 / tests
    aged = people.age.where(~(member & (rng.random(len(people)) < 0.3)), "[60.0, 200.0)")
    assert chi2_p(aged, member) < 0.01 / tests


def test_string_columns_hold_only_printable_text(scenario):
    allowed = set(string.printable) - set("\t\n\r\x0b\x0c")
    for name, frame in scenario.tables.items():
        for col in frame.columns:
            text = "".join(frame[col].head(500))
            assert all(c in allowed or ord(c) > 127 for c in text), (name, col)


def test_graphkit_loader_rejects_exactly_the_planted_bad_rows_of_a_20k_scenario(tmp_path):
    """The foundation's loader on a 20k scenario: every planted bad row rejected with its reason, nothing else."""
    from graphkit import load_folder

    scenario = synth(20_000, seed=SEED)
    data = load_folder(write_scenario(scenario, tmp_path / "input"))
    got = sorted([r.table, int(r.row_number), r.reason] for r in data.rejects.itertuples())
    assert got == sorted(scenario.truth["bad_row_list"])
    assert {t: c["accepted"] for t, c in data.counts.items()} == scenario.truth["accepted"]


# --- world styles ------------------------------------------------------------------------------


def test_styles_are_named_drawn_within_their_ranges_and_deterministic(tmp_path):
    from graphkit.datasets.synth import HELD_OUT, STYLES, TUNING
    from graphkit.datasets.synth.styles import draw

    assert len(TUNING) >= 6 and sorted(HELD_OUT) == ["bazaar", "longhaul"] and "baseline" in STYLES
    for name, style in STYLES.items():
        p = draw(style, seed=4)
        assert p == draw(style, seed=4)
        lo, hi = p["hotspot_residents"]
        (a, b), (c, d) = style.hotspot_residents
        assert a <= lo <= b and lo <= hi <= max(d, lo)
    a = write_scenario(synth(1000, seed=5, style="longhaul"), tmp_path / "a", fmt="parquet")
    b = write_scenario(synth(1000, seed=5, style="longhaul"), tmp_path / "b", fmt="parquet")
    c = write_scenario(synth(1000, seed=5, style="bazaar"), tmp_path / "c", fmt="parquet")
    assert digests(a) == digests(b) and digests(a)["persons.parquet"] != digests(c)["persons.parquet"]
    with pytest.raises(ValueError, match="unknown style 'nope'"):
        synth(1000, seed=1, style="nope")


@pytest.fixture(scope="module")
def held_out():
    s = synth(5000, seed=SEED, style="longhaul")
    return s, contract_load(s.tables)[0]


def test_a_hotspot_has_a_history_with_turnover(held_out):
    s, acc = held_out
    place = {table_of(a)[1]: table_of(g[0])[1] for g in s.truth["resolution"]["places"] for a in g}
    human = humans_of(s.truth)
    homes = acc["residences"].assign(place=lambda d: d.address_id.map(lambda a: place.get(a, a)),
                                     h=lambda d: d.person_id.map(lambda p: human.get(p, p)))
    permits = acc["permits"].assign(h=lambda d: d.person_id.map(lambda p: human.get(p, p)))
    valid = set(permits[(pd.to_datetime(permits.issued_on) <= AS_OF) & (pd.to_datetime(permits.expires_on) >= AS_OF)].h)
    jobs = acc["employment"]
    current = set(jobs[(jobs.end_date == "") & (jobs.source == "INSPECTION")].person_id)
    lo = s.truth["style"]["hotspot_residents"][0]
    shares = []
    for group in s.truth["typologies"]["address_hotspots"]:
        residents = set(homes[homes.place == table_of(group[0])[1]].h)
        assert len(residents) >= lo
        present = residents & valid
        shares.append(len(present) / len(residents))
        assert residents - valid  # some left
    assert np.mean(shares) < 0.8
    assert any(p not in current for g in s.truth["typologies"]["address_hotspots"]
               for p in set(homes[homes.place == table_of(g[0])[1]].person_id) & valid)


def test_shells_of_the_held_out_style_share_an_address_and_one_sponsor(held_out):
    s, acc = held_out
    place = {table_of(a)[1]: table_of(g[0])[1] for g in s.truth["resolution"]["places"] for a in g}
    employers = acc["employers"].set_index("employer_id")
    for network in s.truth["typologies"]["shell_networks"]:
        emp = [table_of(g[0])[1] for g in network]
        assert len({place.get(a, a) for a in employers.loc[emp, "address_id"]}) == 1
        workers = set(acc["employment"][acc["employment"].employer_id.isin(emp)].person_id)
        assert acc["permits"][acc["permits"].person_id.isin(workers)].sponsor_id.nunique() == 1


def test_renewed_records_write_the_name_as_a_variant(held_out):
    s, acc = held_out
    persons = acc["persons"].set_index("person_id")
    differ = 0
    for group in s.truth["lookalikes"]["renewed_passport"] + s.truth["lookalikes"]["departure_on_other_record"]:
        names = persons.loc[[table_of(p)[1] for p in group], "full_name"].map(lambda n: " ".join(n.lower().split()))
        differ += names.nunique() > 1
    total = len(s.truth["lookalikes"]["renewed_passport"]) + len(s.truth["lookalikes"]["departure_on_other_record"])
    assert differ / total > 0.8


def test_mills_of_the_bazaar_style_sit_on_two_sponsor_rows_at_one_place():
    s = synth(5000, seed=SEED, style="bazaar")
    acc = contract_load(s.tables)[0]
    sponsors = acc["sponsors"].set_index("sponsor_id")
    place = {table_of(a)[1]: table_of(g[0])[1] for g in s.truth["resolution"]["places"] for a in g}
    for mill in s.truth["typologies"]["sponsor_mills"]:
        rows = sponsors.loc[[table_of(m)[1] for m in mill]]
        assert len(rows) == 2 and rows.address_id.map(lambda a: place.get(a, a)).nunique() == 1
        if (rows.sponsor_type == "ORGANIZATION").all():
            assert (rows.registration_no == "").sum() == 1  # the second registration dropped its number
    spelled = {frozenset(g) for g in s.truth["resolution"]["sponsors"]}
    assert spelled and spelled <= {frozenset(m) for m in s.truth["typologies"]["sponsor_mills"]}
