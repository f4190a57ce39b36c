"""How many of everything, the humans (protected attributes first), and the ordinary population's stays."""

from __future__ import annotations

import numpy as np

from graphkit.datasets.synth.reference import (
    BIG_VISITOR, BIG_WORKER, BUSINESS, CAMPAIGN_VISITOR, DEPARTED_EXPIRED, FAMILY, FAMILY_SPONSOR, HOST_REPORT,
    HOTEL_REPORT, HOTSPOT_RESIDENT, INSPECTION, INVESTOR, INVESTOR_ROLE, LIMITED, MILL_CLIENT, NO_ENTRY, OTHER,
    OVERSTAYER, PERMANENT, PERMIT_APPLICATION, PERSONAL_SPONSOR, RECENTLY_EXPIRED, RENEWED, REPORT, RESIDENT,
    RESIDENTIAL, RETIREE, RETIREMENT, SHELL_WORKER, SPLIT_DEPARTURE, SPOUSE, STUDENT, STUDY, TOURISM, TOURIST,
    VISITOR, VW_VISITOR, VW_WORKER, WORK, WORKER, WORK_PERMIT, _CITIES, _CITY_OFFICE, _CITY_P, _CULTURE_NAMES,
    _DIRECTOR_ROLES, _FAMILY_OFFSETS, _GIVEN_OFFSETS, _JOB_TITLES, _NA, _NATIONALITIES, _NAT_CODES, _NAT_P,
    _ORDINARY_SHARE, _SEX_P, _UNIVERSITIES, _VISITOR_ROLES, _YEAR,
)
from graphkit.datasets.synth.state import _World, _members, _split
from graphkit.datasets.synth.stays import (
    _count_before, _cover_count, _crossings, _hotel_rows, _jobs, _limited_stays, _lives, _permits, _short_visits,
    _visit,
)
from graphkit.datasets.synth.typologies import _visa_agency_visitors
from graphkit.datasets.synth.world import _individuals, _places


def _plan(w: _World, n: int) -> dict:
    """How many of everything: group sizes of each typology and look-alike, and each human's role."""
    rng = w.rng
    s = w.p

    def scaled(per_10k: float, minimum: int) -> int:
        return max(minimum, int(round(n * per_10k / 10_000)))

    def optional(per_10k: float) -> int:
        """A look-alike only some styles plant: none, or at least two."""
        return scaled(per_10k, 2) if per_10k > 0 else 0

    def group_sizes(key: str, groups: int) -> np.ndarray:
        lo, hi = s[key]
        return rng.integers(lo, hi + 1, groups)

    big_lo, big_hi = s["big_workers"]
    p = {
        "vw": group_sizes("visit_workers", scaled(s["visit_workforces"], 3)),
        "mill": group_sizes("mill_clients", scaled(s["sponsor_mills"], 3)),
        "hotspot": group_sizes("hotspot_residents", scaled(s["address_hotspots"], 3)),
        "shell_size": group_sizes("shell_firms", scaled(s["shell_networks"], 2)),
        "big": rng.integers(big_lo, min(big_hi, big_lo + n // 20) + 1, scaled(s["big_contractors"], 3)),
        "n_hotels": scaled(s["hotels"], 4),
        "n_agents": scaled(s["travel_agents"], 3),
        "n_universities": min(len(_UNIVERSITIES), scaled(0.5, 3)),
        "n_dorms": scaled(s["dormitories"], 3),
        "n_visa_agencies": optional(s["visa_agencies"]),
        "n_boarding_houses": optional(s["boarding_houses"]),
        "n_groups": optional(s["corporate_groups"]),
    }
    p["vw_permits"] = group_sizes("visit_permit_holders", len(p["vw"]))
    p["shell_people"] = group_sizes("shell_workers", len(p["shell_size"]))
    p["big_visitors"] = group_sizes("big_visitors", len(p["big"]))
    p["campaign"] = group_sizes("campaign_visitors", optional(s["commissioning_campaigns"]))
    planted = {
        BIG_WORKER: p["big"].sum(), BIG_VISITOR: p["big_visitors"].sum(), VW_VISITOR: p["vw"].sum(),
        VW_WORKER: p["vw_permits"].sum(), MILL_CLIENT: p["mill"].sum(), HOTSPOT_RESIDENT: p["hotspot"].sum(),
        SHELL_WORKER: p["shell_people"].sum(), OVERSTAYER: scaled(s["overstayers"], 6),
        NO_ENTRY: scaled(s["no_lawful_entry"], 5), DEPARTED_EXPIRED: scaled(s["departed_expired"], 5),
        RECENTLY_EXPIRED: scaled(s["recently_expired"], 5), RENEWED: scaled(s["renewed_passports"], 5),
        CAMPAIGN_VISITOR: p["campaign"].sum(), SPLIT_DEPARTURE: optional(s["departure_on_other_record"]),
    }
    rest = n - int(sum(planted.values()))
    counts = np.floor(rest * _ORDINARY_SHARE).astype(np.int64)
    counts[TOURIST] += rest - counts.sum()
    all_counts = np.concatenate([counts, [planted[r] for r in range(BIG_WORKER, SPLIT_DEPARTURE + 1)]])
    role = np.repeat(np.arange(len(all_counts)), all_counts)
    rng.shuffle(role)
    p["role"] = role
    # regular employers: heavy-tailed sizes that add up to the ordinary workers
    need = int(counts[WORKER])
    drawn = 1 + np.floor(rng.lognormal(s["employer_size_mu"], s["employer_size_sigma"], need + 10))
    sizes = np.minimum(s["employer_size_cap"], drawn).astype(np.int64)
    cut = int(np.searchsorted(np.cumsum(sizes), need)) + 1
    sizes = sizes[:cut]
    sizes[-1] -= sizes.sum() - need
    p["regular"] = sizes
    return p


def _draw_humans(w: _World, n: int, role: np.ndarray) -> None:
    rng = w.rng
    nat = rng.choice(len(_NAT_CODES), n, p=_NAT_P)
    sex = rng.choice(3, n, p=_SEX_P)
    age_days = (rng.triangular(18, 31, 76, n) * 365.25).astype(np.int64)
    birth = w.today - age_days
    culture = np.zeros(n, np.int64)
    u = rng.random(n)
    for i, (_, _, mix) in enumerate(_NATIONALITIES):
        at = nat == i
        edges = np.cumsum(list(mix.values()))
        culture[at] = np.array([_CULTURE_NAMES.index(c) for c in mix])[np.searchsorted(edges, u[at] * edges[-1])]
    fam = np.zeros(n, np.int64)
    giv = np.zeros(n, np.int64)
    pool_sex = np.where(sex == 2, rng.integers(0, 2, n), sex)
    u1, u2 = rng.random(n), rng.random(n)
    for ci, c in enumerate(_CULTURE_NAMES):
        at = culture == ci
        start, count = _FAMILY_OFFSETS[c]
        fam[at] = start + (u1[at] * count).astype(np.int64)
        for s in (0, 1):
            at_s = at & (pool_sex == s)
            start, count = _GIVEN_OFFSETS[(c, s)]
            giv[at_s] = start + (u2[at_s] * count).astype(np.int64)
    w.humans.add(n, nat=nat, culture=culture, sex=sex, birth=birth, given=giv, family=fam, role=role)
    w.persons.add(n, human=np.arange(n), passport=w.fresh("passport", n, 10_000_000, 100_000_000))


def ordinary_stays(w: _World, plan: dict) -> None:
    """Stays of the ordinary population: visitors, workers, families, students, residents."""
    rng = w.rng
    T = w.today
    o = w.orgs
    cc = w.companies["city"]
    twin = w.companies["twin"]

    # tourists and business visitors, some with an earlier trip
    for role, purpose in ((TOURIST, TOURISM), (VISITOR, BUSINESS)):
        people = _members(w, role)
        n = len(people)
        if purpose == TOURISM:
            sponsor = np.where(rng.random(n) < 0.3, o["agents"][rng.integers(0, len(o["agents"]), n)], -1)
        else:
            sponsor = np.where(rng.random(n) < 0.6, twin[o["regular"][rng.integers(0, len(o["regular"]), n)]], -1)
        arrival, departure = _short_visits(w, people, purpose, sponsor, T - 3 * _YEAR)
        if purpose == BUSINESS and plan["n_visa_agencies"]:
            _visa_agency_visitors(w, people, sponsor, arrival, departure)
        stays = rng.random(n) < 0.9
        _lives(w, people[stays], _hotel_rows(w, int(stays.sum())), arrival[stays], HOTEL_REPORT)
        again = (rng.random(n) < 0.15) & (arrival - 700 >= T - 4 * _YEAR)
        earlier = arrival[again] - w.between(60, 700, int(again.sum()))
        length = w.between(3, 20, len(earlier))
        _visit(w, people[again], earlier, 30, np.zeros(len(earlier), bool), length, purpose, sponsor[again])
        _lives(w, people[again], _hotel_rows(w, len(earlier)), earlier, HOTEL_REPORT)

    # workers of ordinary employers, big contractors, and the few permit holders of visit-workforce employers
    regular_workers = _members(w, WORKER)
    big_workers = _members(w, BIG_WORKER)
    vw_workers = _members(w, VW_WORKER)
    people = np.concatenate([regular_workers, big_workers, vw_workers])
    company = np.concatenate([
        np.repeat(o["regular"], plan["regular"]), np.repeat(o["big"], plan["big"]),
        np.repeat(o["vw"], plan["vw_permits"]),
    ])
    order = np.argsort(company, kind="stable")
    people, company = people[order], company[order]
    n = len(people)
    first, departure = _limited_stays(w, people, T - w.p["history_years"] * _YEAR, T - 22, WORK, twin[company],
                                      _CITY_OFFICE[cc[company]], 0.25)
    _jobs(w, people, company, WORK_PERMIT, first, departure)
    seen = rng.random(n) < 0.05
    last_day = np.where(departure == _NA, T, departure) - 1
    seen &= last_day > first
    _jobs(w, people[seen], company[seen], INSPECTION, w.between(first[seen] + 1, last_day[seen]))
    # homes: a few share with a colleague; half of the big contractors' workers live in a dormitory
    share = (rng.random(n) < 0.1) & (company == np.roll(company, 1))
    share[0] = False
    share[1:] &= ~share[:-1]  # pairs only: no accidental crowded houses
    source = np.maximum.accumulate(np.where(share, -1, np.arange(n)))
    home = np.full(n, -1)
    home[~share] = _places(w, cc[company[~share]], RESIDENTIAL)
    home = home[source]
    big_index = np.searchsorted(o["big"], company)
    is_big = np.isin(company, o["big"])
    for b in range(len(o["big"])):
        dorms = o["dorms"][o["dorm_owner"] == b]
        at = np.flatnonzero(is_big & (big_index == b) & (rng.random(n) < 0.5))
        home[at] = dorms[rng.integers(0, len(dorms), len(at))]
    _lives(w, people, home, first, PERMIT_APPLICATION)
    w.truth["dormitories"] = ("place", w.addresses["place"][o["dorms"]])

    # vendor engineers at the big contractors: business visitors seen at an inspection
    people = _members(w, BIG_VISITOR)
    company = np.repeat(o["big"], plan["big_visitors"])
    n = len(people)
    arrival = w.between(T - 400, T - 2, n)
    length = w.between(5, 45, n)
    _visit(w, people, arrival, 60, np.zeros(n, bool), length, BUSINESS, twin[company])
    seen = np.minimum(arrival + w.between(1, length - 1), T - 1)
    _jobs(w, people, company, INSPECTION, seen, role=w.pick(_VISITOR_ROLES, n))
    _lives(w, people, _hotel_rows(w, n), arrival, HOTEL_REPORT)

    # spouses and children, sponsored by an Indonesian individual, living in the sponsor's home
    people = _members(w, SPOUSE)
    sizes = rng.integers(2, 6, len(people))
    family = _split(people, sizes)
    n_fam = int(family.max()) + 1
    city = rng.choice(len(_CITIES), n_fam, p=_CITY_P)
    home = _places(w, city, RESIDENTIAL)
    sponsors = _individuals(w, FAMILY_SPONSOR, city, home)
    arrival = w.between(T - w.p["history_years"] * _YEAR, T - 22, n_fam)[family]
    first_f = _family_stays(w, people, family, arrival, sponsors[family], _CITY_OFFICE[city][family])
    _lives(w, people, home[family], first_f, HOST_REPORT)
    counts = np.bincount(family, minlength=n_fam)
    w.truth["family_sponsors"] = ("sponsor", sponsors[counts >= 2])

    # students
    people = _members(w, STUDENT)
    n = len(people)
    university = rng.integers(0, len(o["universities"]), n)
    city = np.array([_UNIVERSITIES[i][1] for i in range(len(o["universities"]))])[university]
    first, _ = _limited_stays(w, people, T - 4 * _YEAR, T - 22, STUDY, o["universities"][university],
                              _CITY_OFFICE[city], 0.2)
    _lives(w, people, _places(w, city, RESIDENTIAL), first, PERMIT_APPLICATION)

    # permanent residents
    people = _members(w, RESIDENT)
    n = len(people)
    city = rng.choice(len(_CITIES), n, p=_CITY_P)
    home = _places(w, city, RESIDENTIAL)
    purpose = rng.choice([FAMILY, INVESTOR, RETIREMENT, OTHER], n, p=[0.5, 0.2, 0.1, 0.2])
    sponsor = np.full(n, -1)
    fam = purpose == FAMILY
    sponsor[fam] = _individuals(w, PERSONAL_SPONSOR, city[fam], home[fam])
    inv = purpose == INVESTOR
    sponsor[inv] = twin[o["regular"][rng.integers(0, len(o["regular"]), int(inv.sum()))]]
    ret = purpose == RETIREMENT
    sponsor[ret] = o["agents"][rng.integers(0, len(o["agents"]), int(ret.sum()))]
    first = w.between(T - 8 * _YEAR, T - 30, n)
    step = w.between(1790, 1825, n)
    _permits(w, people, first, 1826, step, _cover_count(first, 1826, step, T), PERMANENT, purpose, sponsor,
             _CITY_OFFICE[city])
    _crossings(w, people, first - w.between(1, 60, n), None)
    _lives(w, people, home, first, PERMIT_APPLICATION)
    works = (rng.random(n) < 0.3) & (purpose != RETIREMENT)
    _jobs(w, people[works], o["regular"][rng.integers(0, len(o["regular"]), int(works.sum()))], REPORT,
          w.between(first[works], T - 1), role=w.pick(_JOB_TITLES, int(works.sum())))

    # investors (directors of an ordinary company) and retirees (sponsored by a travel agent)
    people = _members(w, INVESTOR_ROLE)
    company = o["regular"][rng.integers(0, len(o["regular"]), len(people))]
    first, departure = _limited_stays(w, people, T - 4 * _YEAR, T - 22, INVESTOR, twin[company],
                                      _CITY_OFFICE[cc[company]], 0.1)
    _jobs(w, people, company, REPORT, first, departure, role=w.pick(_DIRECTOR_ROLES, len(people)))
    _lives(w, people, _places(w, cc[company], RESIDENTIAL), first, PERMIT_APPLICATION)
    people = _members(w, RETIREE)
    city = rng.choice(len(_CITIES), len(people), p=_CITY_P)
    first, _ = _limited_stays(w, people, T - 4 * _YEAR, T - 22, RETIREMENT,
                              o["agents"][rng.integers(0, len(o["agents"]), len(people))], _CITY_OFFICE[city], 0.1)
    _lives(w, people, _places(w, city, RESIDENTIAL), first, PERMIT_APPLICATION)


def _family_stays(w: _World, people, family, arrival, sponsor, office) -> np.ndarray:
    """Limited-stay family permits; a family arrives, renews and leaves together. Returns first issue days."""
    rng = w.rng
    T = w.today
    n_fam = int(family.max()) + 1
    first_f = arrival + w.between(1, 21, len(people))[np.searchsorted(family, family)]
    step_f = w.between(330, 364, n_fam)
    first_fam = first_f[np.searchsorted(family, np.arange(n_fam))]
    leaves = (rng.random(n_fam) < 0.1) & (first_fam + 31 <= T - 1)
    departure = np.where(leaves, w.between(first_fam + 31, np.maximum(first_fam + 31, T - 1)), _NA)
    count = np.where(leaves, _count_before(first_fam, step_f, np.where(leaves, departure, first_fam + 1)),
                     _cover_count(first_fam, 365, step_f, T))
    first = first_fam[family]
    _permits(w, people, first, 365, step_f[family], count[family], LIMITED, FAMILY, sponsor, office)
    _crossings(w, people, arrival, departure[family])
    return first


def moves(w: _World) -> None:
    """A share of long-stay people reported a second home later: residence histories with moves."""
    share = w.p["moves_share"]
    if share <= 0:
        return
    rng, T = w.rng, w.today
    R = w.residences
    role = w.humans["role"][w.persons["human"][R["person"]]]
    long_stay = np.isin(role, [WORKER, STUDENT, RESIDENT, INVESTOR_ROLE, RETIREE]) & (R["source"] == PERMIT_APPLICATION)
    moved = np.flatnonzero(long_stay & (R["reported"] + 60 <= T - 1) & (rng.random(R.n) < share))
    city = w.places["city"][w.addresses["place"][R["address"][moved]]]
    reported = w.between(R["reported"][moved] + 60, T - 1)
    _lives(w, R["person"][moved], _places(w, city, RESIDENTIAL), reported,
           np.where(rng.random(len(moved)) < 0.5, HOST_REPORT, PERMIT_APPLICATION))
