"""The planted typologies, each beside the innocent look-alike it must not be confused with."""

from __future__ import annotations

import numpy as np

from graphkit.datasets.synth.reference import (
    BUSINESS, CAMPAIGN_VISITOR, DEPARTED_EXPIRED, HOST_REPORT, HOTEL_REPORT, HOTSPOT_RESIDENT, INSPECTION, LIMITED,
    MILL_CLIENT, NO_ENTRY, OFFICE, OVERSTAYER, PERMIT_APPLICATION, PRIMARY_ROW, RECENTLY_EXPIRED, RENEWED,
    RENEWED_ROW, REPORT, RESIDENTIAL, SHELL_WORKER, SPLIT_DEPARTURE, STUDENT, TOURISM, VISIT, VW_VISITOR, WORK,
    WORKER, WORK_PERMIT, _BOARDING_LABELS, _CITIES, _CITY_OFFICE, _CITY_P, _JOB_TITLES, _NA, _VISITOR_ROLES, _YEAR,
)
from graphkit.datasets.synth.state import _World, _members, _rank_in_group
from graphkit.datasets.synth.stays import (
    _cover_count, _crossings, _expired_stays, _hosts, _hotel_rows, _jobs, _limited_stays, _lives, _long_visits,
    _permits, _seen_working, _visit,
)
from graphkit.datasets.synth.world import _office_phone, _places


def planted_stays(w: _World, plan: dict) -> None:
    """Stays of the planted typologies and of their look-alikes, in a fixed order of draws."""
    T = w.today
    _visit_workforces(w, plan)
    _sponsor_mills(w, plan)
    _address_hotspots(w, plan)
    _shell_rotations(w, plan)  # 5. before 4: the order of draws is part of a seed's scenario
    # 4. overstayers and their look-alikes
    _expired_stays(w, _members(w, OVERSTAYER), T - 365, T - 35, leaves=False)
    _expired_stays(w, _members(w, RECENTLY_EXPIRED), T - 25, T - 3, leaves=False)
    _expired_stays(w, _members(w, DEPARTED_EXPIRED), T - 365, T - 35, leaves=True)
    _renewed_passports(w)
    _no_lawful_entry(w)
    _commissioning_campaigns(w, plan)
    _departure_on_other_record(w)
    _boarding_houses(w, plan)
    _corporate_groups(w, plan)
    for label, role in (("overstayers", OVERSTAYER), ("no_lawful_entry", NO_ENTRY),
                        ("departed_expired", DEPARTED_EXPIRED), ("recently_expired", RECENTLY_EXPIRED),
                        ("renewed_passport", RENEWED), ("departure_on_other_record", SPLIT_DEPARTURE)):
        w.truth[label] = ("human", _members(w, role))


def _visit_workforces(w: _World, plan: dict) -> None:
    """1. Small employers staffed by people on visit permits (look-alike: commissioning campaigns)."""
    rng, T, o = w.rng, w.today, w.orgs
    cc, twin = w.companies["city"], w.companies["twin"]
    people = _members(w, VW_VISITOR)
    n = len(people)
    company = np.repeat(o["vw"], plan["vw"])
    arrival = w.between(T - 330, T - 60, n)
    sponsor = np.where(rng.random(n) < 0.4, twin[company], -1)
    _long_visits(w, people, arrival, np.where(rng.random(n) < 0.6, BUSINESS, TOURISM), sponsor)
    _seen_working(w, people, company, arrival)
    lives = rng.random(n) < 0.5
    _lives(w, people[lives], _places(w, cc[company[lives]], RESIDENTIAL), arrival[lives] + 3, HOST_REPORT)


def _commissioning_campaigns(w: _World, plan: dict) -> None:
    """Look-alike of a visit-permit workforce: vendor engineers commissioning a plant at an ordinary employer.

    A batch of business visitors, sponsored by the employer, arrives within a month, is seen at
    work during a stay of days to weeks and leaves; the employer's own staff hold work permits.
    """
    rng, T, o = w.rng, w.today, w.orgs
    people = _members(w, CAMPAIGN_VISITOR)
    if not len(people):
        w.truth["commissioning_campaigns"] = ("company", np.empty(0, np.int64))
        return
    sizes = plan["campaign"]
    campaign = np.repeat(np.arange(len(sizes)), sizes)
    regular = o["regular"]
    size = w.companies["size"][regular]
    pool = regular[size >= max(10, int(np.median(size)))]
    pool = pool if len(pool) >= len(sizes) else regular[np.argsort(-size, kind="stable")[:len(sizes)]]
    host = pool[rng.choice(len(pool), len(sizes), replace=len(sizes) > len(pool))]
    company = host[campaign]
    start = w.between(T - 500, T - 20, len(sizes))[campaign]
    n = len(people)
    arrival = start + w.between(0, 30, n)
    length = w.between(5, 45, n)
    _visit(w, people, arrival, 60, np.zeros(n, bool), length, BUSINESS, w.companies["twin"][company])
    seen = np.minimum(arrival + w.between(1, length - 1), T - 1)
    _jobs(w, people, company, np.where(rng.random(n) < 0.5, INSPECTION, REPORT), seen,
          role=w.pick(_VISITOR_ROLES, n))
    _lives(w, people, _hotel_rows(w, n), arrival, HOTEL_REPORT)
    w.truth["commissioning_campaigns"] = ("company", np.unique(host))


def _sponsor_mills(w: _World, plan: dict) -> None:
    """2. One guarantor (perhaps under two rows, or with a spouse) for many unrelated visitors working all over."""
    rng, T, o = w.rng, w.today, w.orgs
    people = _members(w, MILL_CLIENT)
    n = len(people)
    mill_index = np.repeat(np.arange(len(o["mills"])), plan["mill"])
    arrival = w.between(T - 300, T - 40, n)
    sponsor = o["mills"][mill_index]
    if w.p["mill_split_share"] > 0:
        second = o["mill_second"][mill_index]
        sponsor = np.where((second >= 0) & (rng.random(n) < 0.5), second, sponsor)
    _long_visits(w, people, arrival, np.where(rng.random(n) < 0.5, BUSINESS, TOURISM), sponsor)
    company = _hosts(w, n, distinct_within=mill_index)
    _seen_working(w, people, company, arrival)
    _lives(w, people, _places(w, rng.choice(len(_CITIES), n, p=_CITY_P), RESIDENTIAL),
           w.between(arrival, T - 1), HOST_REPORT)


def _address_hotspots(w: _World, plan: dict) -> None:
    """3. An ordinary house reported as home by many visitors with jobs (look-alikes: hotels, dormitories,
    boarding houses).

    With ``hotspot_years`` > 0 the house has a history: residents arrived over those years on chains
    of 60-day visit permits, and only ``hotspot_present_share`` of them are still here; the others
    left, some came back on new permits, and only ``hotspot_current_job_share`` of those present are
    seen at work lately.
    """
    rng, T, o = w.rng, w.today, w.orgs
    people = _members(w, HOTSPOT_RESIDENT)
    n = len(people)
    hotspot = np.repeat(np.arange(len(plan["hotspot"])), plan["hotspot"])

    def address_rows(who: np.ndarray) -> np.ndarray:
        """One of its address ids for each resident's house."""
        rows = np.empty(len(who), np.int64)
        for h in range(len(o["hotspots"])):
            at = np.flatnonzero(hotspot[who] == h)
            options = o["hotspot_rows"][o["hotspot_of_row"] == h]
            rows[at] = options[rng.integers(0, len(options), len(at))]
        return rows

    if w.p["hotspot_years"] == 0:
        arrival = w.between(T - 330, T - 90, n)
        _long_visits(w, people, arrival, np.where(rng.random(n) < 0.5, BUSINESS, TOURISM), -1)
        company = np.where(rng.random(n) < 0.5, o["vw"][rng.integers(0, len(o["vw"]), n)], _hosts(w, n))
        _seen_working(w, people, company, arrival)
        _lives(w, people, address_rows(np.arange(n)), w.between(arrival, T - 1),
               np.where(rng.random(n) < 0.6, HOST_REPORT, PERMIT_APPLICATION))
        return
    window = int(w.p["hotspot_years"] * _YEAR)
    present = rng.random(n) < w.p["hotspot_present_share"]
    arrival = np.where(present, w.between(T - min(window, 2 * _YEAR), T - 60, n), w.between(T - window, T - 120, n))
    step = w.between(50, 59, n)
    gone_count = np.maximum(1, np.minimum(w.between(1, 8, n), (T - 1 - arrival) // step))
    count = np.where(present, _cover_count(arrival, 60, step, T), gone_count)
    departure = np.where(present, _NA, np.minimum(arrival + (count - 1) * step + w.between(20, 58, n), T - 1))
    purpose = np.where(rng.random(n) < 0.5, BUSINESS, TOURISM)
    _permits(w, people, arrival, 60, step, count, VISIT, purpose, -1, 0)
    _crossings(w, people, arrival, departure)
    company = np.where(rng.random(n) < 0.4, o["vw"][rng.integers(0, len(o["vw"]), n)], _hosts(w, n))
    last_day = np.where(present, T - 1, departure - 1)
    job_start = np.minimum(arrival + w.between(3, 40, n), last_day)
    current = present & (rng.random(n) < w.p["hotspot_current_job_share"])
    # those gone, and those present but not seen lately, have only an old, ended report
    _jobs(w, people, company, np.where(current, INSPECTION, REPORT),
          np.where(current, w.between(np.maximum(arrival + 10, T - 365), T - 1), job_start),
          np.where(current, _NA, np.minimum(job_start + w.between(20, 200, n), last_day)))
    _lives(w, people, address_rows(np.arange(n)), np.minimum(arrival + w.between(1, 20, n), last_day),
           np.where(rng.random(n) < 0.6, HOST_REPORT, PERMIT_APPLICATION))
    # some of those present came back: an earlier stint at the same house on earlier permits
    back = present & (rng.random(n) < 0.4) & (arrival - 400 >= T - window)
    k = int(back.sum())
    if k:
        earlier = arrival[back] - w.between(300, 700, k)
        stint = w.between(1, 4, k)
        e_step = w.between(50, 59, k)
        _permits(w, people[back], earlier, 60, e_step, stint, VISIT, purpose[back], -1, 0)
        _crossings(w, people[back], earlier, np.minimum(earlier + (stint - 1) * e_step + w.between(20, 58, k),
                                                         arrival[back] - 30))
        _lives(w, people[back], address_rows(np.flatnonzero(back)), earlier + w.between(1, 15, k), HOST_REPORT)


def _shell_rotations(w: _World, plan: dict) -> None:
    rng = w.rng
    T = w.today
    s = w.shell
    people = _members(w, SHELL_WORKER)
    net = np.repeat(np.arange(len(plan["shell_people"])), plan["shell_people"])
    size = plan["shell_size"][net]
    start_of_net = (np.cumsum(plan["shell_size"]) - plan["shell_size"])[net]
    hops = np.minimum(size, rng.integers(2, 5, len(people)))
    offset = rng.integers(0, 6, len(people)) % size
    row_person = np.repeat(np.arange(len(people)), hops)
    j = _rank_in_group(hops)
    employer = s["companies"][start_of_net[row_person] + (offset[row_person] + j) % size[row_person]]
    first_employer = employer[j == 0]
    cc = w.companies["city"]
    shared_sponsor = (s["mode"][net] & 4) > 0
    sponsor = w.companies["twin"][np.where(shared_sponsor, s["first"][net], first_employer)]
    first, _ = _limited_stays(w, people, T - 3 * _YEAR, T - 200, WORK, sponsor, _CITY_OFFICE[cc[first_employer]], 0.0)
    # consecutive periods: cut [first, as_of) at random points
    gaps = rng.random(len(j)) + 0.3
    cum = np.cumsum(gaps)
    total = np.add.reduceat(gaps, np.cumsum(hops) - hops)
    before = (cum - gaps) - np.repeat(np.cumsum(total) - total, hops)
    span = np.repeat(T - 1 - first, hops)
    start = np.repeat(first, hops) + (before / np.repeat(total, hops) * span).astype(np.int64)
    start[j == 0] = first
    end = np.append(start[1:] - 1, _NA)
    end[np.append(j[1:] == 0, True)] = _NA
    _jobs(w, people[row_person], employer, np.where(j == 0, WORK_PERMIT, REPORT), start, end,
          role=w.pick(_JOB_TITLES, len(j)))
    _lives(w, people, _places(w, cc[first_employer], RESIDENTIAL), first, PERMIT_APPLICATION)
    networks = [s["companies"][s["network"] == k] for k in range(len(plan["shell_size"]))]
    w.truth["shell_networks"] = ("networks", networks)


def _renewed_passports(w: _World) -> None:
    """An expired permit under the old passport's person row, a current one under the new row."""
    T = w.today
    people = _members(w, RENEWED)
    n = len(people)
    company, first, expiry, home = _expired_stays(w, people, T - 300, T - 35, leaves=False, work_share=1.0)
    new_passport = w.fresh("passport", n, 10_000_000, 100_000_000)
    new_rows = w.persons.add(n, human=people, kind=RENEWED_ROW, passport=new_passport)
    issued = expiry - w.between(1, 20, n)
    step = w.between(330, 364, n)
    cc = w.companies["city"][company]
    _permits(w, new_rows, issued, 365, step, _cover_count(issued, 365, step, T), LIMITED, WORK,
             w.companies["twin"][company], _CITY_OFFICE[cc])
    _jobs(w, new_rows, company, WORK_PERMIT, issued)
    _lives(w, new_rows, home, issued, PERMIT_APPLICATION)


def _no_lawful_entry(w: _World) -> None:
    rng = w.rng
    T = w.today
    people = _members(w, NO_ENTRY)
    n = len(people)
    had_permit = rng.random(n) < 0.4  # long ago, and left; no arrival is on record at all
    old = people[had_permit]
    issued = w.between(T - 900, T - 400, len(old))
    _permits(w, old, issued, 30, 28, 1, VISIT, TOURISM, -1, 0)
    _crossings(w, old, None, issued + w.between(3, 25, len(old)))
    works = rng.random(n) < 0.7
    lives = (rng.random(n) < 0.6) | ~works
    _jobs(w, people[works], _hosts(w, int(works.sum())), INSPECTION,
          w.between(T - 180, T - 1, int(works.sum())))
    city = rng.choice(len(_CITIES), int(lives.sum()), p=_CITY_P)
    _lives(w, people[lives], _places(w, city, RESIDENTIAL), w.between(T - 180, T - 1, len(city)),
           HOST_REPORT)
    undocumented = ~had_permit & (rng.random(n) < 0.5)  # found without a passport
    w.persons["no_passport"][people[undocumented]] = True


def _departure_on_other_record(w: _World) -> None:
    """Look-alike of an overstayer: the human left, but the departure was recorded under a second person
    row (a renewed passport, another spelling of the name); the first row keeps only the expired permit."""
    T = w.today
    people = _members(w, SPLIT_DEPARTURE)
    if not len(people):
        return
    _expired_stays(w, people, T - 365, T - 35, leaves=True)
    new_rows = w.persons.add(len(people), human=people, kind=RENEWED_ROW,
                             passport=w.fresh("passport", len(people), 10_000_000, 100_000_000))
    row_of = np.full(w.humans.n, -1)
    row_of[people] = new_rows
    person = w.movements["person"]
    moved = (w.movements["direction"] == 1) & np.isin(person, people)
    person[moved] = row_of[person[moved]]


def _visa_agency_visitors(w: _World, people: np.ndarray, sponsor: np.ndarray, arrival: np.ndarray,
                          departure: np.ndarray) -> None:
    """Look-alike of a mill's clients: business visitors sponsored by a visa agency, each reporting at a firm.

    Their stays are short and lawful; one agency's visitors are seen at many different employers,
    big ones more often. ``sponsor`` is changed in place before the permits are read out.
    """
    rng, o = w.rng, w.orgs
    n = len(people)
    agency = rng.random(n) < w.p["visa_agency_share"]
    k = int(agency.sum())
    rows = np.flatnonzero(np.isin(w.permits["person"], people[agency]))
    chosen = o["visa_agencies"][rng.integers(0, len(o["visa_agencies"]), k)]
    by_person = np.full(w.persons.n, -1)
    by_person[people[agency]] = chosen
    w.permits["sponsor"][rows] = by_person[w.permits["person"][rows]]
    sponsor[agency] = chosen
    regular = o["regular"]
    size = w.companies["size"][regular]
    firms = regular[size >= 10] if (size >= 10).any() else regular  # established firms, not a corner shop
    weight = w.companies["size"][firms].astype(float)
    company = firms[rng.choice(len(firms), k, p=weight / weight.sum())]
    last = np.where(departure[agency] == _NA, w.today - 1, departure[agency] - 1)
    seen = np.maximum(arrival[agency], np.minimum(arrival[agency] + w.between(1, 10, k), last))
    _jobs(w, people[agency], company, np.where(rng.random(k) < 0.5, REPORT, INSPECTION), seen,
          role=w.pick(_VISITOR_ROLES, k))


def _boarding_houses(w: _World, plan: dict) -> None:
    """Look-alike of a hotspot: a boarding house (kos) that over the years housed many students and workers,
    all on their own limited-stay permits, working for various employers or studying."""
    n_houses = plan["n_boarding_houses"]
    if not n_houses:
        return
    rng, T = w.rng, w.today
    city = rng.choice(len(_CITIES), n_houses, p=_CITY_P)
    houses = _places(w, city, RESIDENTIAL, label=w.pick(_BOARDING_LABELS, n_houses), special=True)
    lo, hi = w.p["boarding_house_residents"]
    sizes = rng.integers(lo, hi + 1, n_houses)
    role = w.humans["role"][w.persons["human"]]
    pool = np.flatnonzero(np.isin(role, [STUDENT, WORKER]) & (w.persons["kind"] == PRIMARY_ROW))
    people = pool[rng.permutation(len(pool))[: int(sizes.sum())]]
    house = np.repeat(np.arange(n_houses), sizes)[: len(people)]
    first = np.full(w.persons.n, T - 1)
    last = np.full(w.persons.n, T - 1)
    K = w.permits
    np.minimum.at(first, K["person"], K["issued"])
    np.minimum.at(last, K["person"], K["expires"])  # inside the first permit: before any departure
    start = first[people]
    reported = w.between(start, np.maximum(start, np.minimum(last[people], T - 1)))
    _lives(w, people, houses[house], reported, np.where(rng.random(len(people)) < 0.7, HOST_REPORT,
                                                        PERMIT_APPLICATION))
    w.truth["boarding_houses"] = ("place", w.addresses["place"][houses])


def _corporate_groups(w: _World, plan: dict) -> None:
    """Look-alike of a shell network: a legitimate group of firms sharing a head office and its switchboard,
    its work-permit holders seconded to sister firms for a while."""
    n_groups = plan["n_groups"]
    if not n_groups:
        return
    rng, T = w.rng, w.today
    C = w.companies
    regular = w.orgs["regular"]
    lo, hi = w.p["group_firms"]
    wanted = rng.integers(lo, hi + 1, n_groups)
    pool = regular[C["size"][regular] >= 5]
    taken = np.zeros(C.n, bool)
    taken[w.truth["commissioning_campaigns"][1]] = True  # one look-alike per firm
    chosen = []
    for size, city in zip(wanted, C["city"][pool[rng.integers(0, len(pool), n_groups)]]):
        free = pool[(C["city"][pool] == city) & ~taken[pool]]
        if len(free) >= 2:
            pick = free[rng.permutation(len(free))[:size]]
            taken[pick] = True
            chosen.append(pick)
    if not chosen:
        return
    firms = np.array([len(c) for c in chosen])
    members = np.concatenate(chosen)
    group = np.repeat(np.arange(len(chosen)), firms)
    head_city = C["city"][members[np.cumsum(firms) - firms]]
    office = _places(w, head_city, OFFICE)
    C["address"][members] = office[group]
    C["phone"][members] = _office_phone(w, head_city)[group]
    w.sponsors["address"][C["twin"][members]] = office[group]
    # secondments: a REPORT row at a sister firm some time into the work permit
    E = w.employment
    index = np.full(C.n, -1)
    index[members] = np.arange(len(members))
    at = np.flatnonzero((index[E["company"]] >= 0) & (E["source"] == WORK_PERMIT) & (E["end"] == _NA)
                        & (E["start"] + 30 <= T - 1))
    at = at[rng.random(len(at)) < 0.3]
    own = index[E["company"][at]]
    g = group[own]
    size = firms[g]
    first_of_group = np.cumsum(firms) - firms
    sister = members[first_of_group[g] + (own - first_of_group[g] + rng.integers(1, np.maximum(size, 2), len(at)))
                     % size]
    _jobs(w, E["person"][at], sister, REPORT, w.between(E["start"][at] + 30, T - 1), role=w.pick(_JOB_TITLES, len(at)))
    w.truth["corporate_groups"] = ("company", members)
