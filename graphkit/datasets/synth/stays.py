"""Building blocks of a stay: permit chains, border crossings, jobs, homes, visits and expired stays."""

from __future__ import annotations

import numpy as np

from graphkit.datasets.synth.reference import (
    BUSINESS, HOST_REPORT, INSPECTION, LIMITED, PERMIT_APPLICATION, REPORT, RESIDENTIAL, TOURISM, VISIT, WORK,
    WORK_PERMIT, _CITIES, _CITY_OFFICE, _CITY_P, _FIELD_ROLES, _JOB_TITLES, _NA, _PORTS, _PORT_OFFICE, _PORT_P,
)
from graphkit.datasets.synth.state import _World, _rank_in_group
from graphkit.datasets.synth.world import _places


def _permits(w: _World, person, first_issue, validity, step, count, ptype, purpose, sponsor, office) -> None:
    """A chain of ``count`` permits per person: issued every ``step`` days, each valid ``validity`` days."""
    n = len(person)
    count = np.broadcast_to(np.asarray(count, np.int64), (n,))

    def rep(v):
        return np.repeat(np.broadcast_to(np.asarray(v), (n,)), count)

    issued = rep(first_issue) + _rank_in_group(count) * rep(step)
    w.permits.add(len(issued), person=rep(person), ptype=rep(ptype), purpose=rep(purpose), sponsor=rep(sponsor),
                  issued=issued, expires=issued + rep(validity) - 1, office=rep(office))


def _crossings(w: _World, person, arrival, departure, arrival_port=None) -> None:
    n = len(person)
    for direction, date, port in ((0, arrival, arrival_port), (1, departure, None)):
        if date is None:
            continue
        date = np.broadcast_to(np.asarray(date, np.int64), (n,))
        at = date != _NA
        port = w.rng.choice(len(_PORTS), n, p=_PORT_P) if port is None else port
        w.movements.add(int(at.sum()), person=np.asarray(person)[at], direction=direction, date=date[at], port=port[at])


def _cover_count(first_issue, validity, step, until) -> np.ndarray:
    """Permits needed so that the last one is still valid on ``until``."""
    gap = until - first_issue - validity + 1
    return 1 + np.maximum(0, -(-gap // step))


def _count_before(first_issue, step, departure) -> np.ndarray:
    """Permits issued strictly before ``departure``."""
    return 1 + (departure - first_issue - 1) // step


def _jobs(w: _World, person, company, source, start, end=_NA, role=None) -> None:
    n = len(person)
    if role is None:
        role = w.pick(_JOB_TITLES if np.all(np.asarray(source) == WORK_PERMIT) else _FIELD_ROLES, n)
    role = np.where(w.rng.random(n) < 0.08, "", role)
    w.employment.add(n, person=person, company=company, source=source, start=start, end=end, role=role)


def _lives(w: _World, person, address, reported, source) -> None:
    w.residences.add(len(person), person=person, address=address, reported=reported, source=source)


def _hosts(w: _World, n: int, distinct_within: np.ndarray | None = None) -> np.ndarray:
    """Ordinary employers big enough that a few irregular workers stay a small share.

    With ``distinct_within`` (a sorted group number per person), people of one group work at
    different employers as long as there are enough.
    """
    regular = w.orgs["regular"]
    size = w.companies["size"][regular]
    eligible = regular[size >= 5] if (size >= 5).any() else regular
    weight = w.companies["size"][eligible].astype(float)
    if distinct_within is None:
        return eligible[w.rng.choice(len(eligible), n, p=weight / weight.sum())]
    out = np.empty(n, np.int64)
    _, starts, counts = np.unique(distinct_within, return_index=True, return_counts=True)
    for start, count in zip(starts, counts):
        pool, p = (eligible, weight) if count <= len(eligible) else (regular, size.astype(float))
        out[start:start + count] = pool[w.rng.choice(len(pool), count, replace=count > len(pool), p=p / p.sum())]
    return out


def _hotel_rows(w: _World, n: int) -> np.ndarray:
    o = w.orgs
    hotel = w.rng.choice(len(o["hotels"]), n, p=o["hotel_weight"] / o["hotel_weight"].sum())
    dup = o["hotel_dups"][hotel]
    return np.where((dup >= 0) & (w.rng.random(n) < 0.15), dup, o["hotels"][hotel])


def _visit(w: _World, person, arrival, validity, extended, length, purpose, sponsor) -> np.ndarray:
    """One visit on a visit permit (extended once when ``extended``): arrival, permits, departure.

    Returns the departure day, or _NA for visitors still here at as_of (their permit still valid).
    """
    step = validity - 2
    extended = extended & (arrival + step <= w.today - 1)
    departure = np.where(arrival + length <= w.today - 1, arrival + length, _NA)
    port = w.rng.choice(len(_PORTS), len(person), p=_PORT_P)
    _permits(w, person, arrival, validity, step, 1 + extended, VISIT, purpose, sponsor, _PORT_OFFICE[port])
    _crossings(w, person, arrival, departure, port)
    return departure


def _short_visits(w: _World, person, purpose, sponsor, earliest) -> tuple[np.ndarray, np.ndarray]:
    """Tourist-like stays of days to weeks; returns (arrival, departure or _NA)."""
    rng = w.rng
    n = len(person)
    arrival = w.between(earliest, w.today - 1, n)
    validity = np.where(rng.random(n) < 0.6, 30, 60)
    extended = rng.random(n) < 0.15
    step = validity - 2
    length = np.where(extended, step + 1 + (rng.random(n) * (validity - 1)).astype(np.int64),
                      3 + (rng.random(n) * np.minimum(19, validity - 4)).astype(np.int64))
    departure = _visit(w, person, arrival, validity, extended, length, purpose, sponsor)
    return arrival, departure


def _long_visits(w: _World, person, arrival, purpose, sponsor) -> None:
    """Months on successive 60-day visit permits, still here and still covered at as_of."""
    step = w.between(50, 59, len(person))
    count = _cover_count(arrival, 60, step, w.today)
    _permits(w, person, arrival, 60, step, count, VISIT, purpose, sponsor, 0)
    _crossings(w, person, arrival, None)


def _limited_stays(w: _World, person, arrival_lo, arrival_hi, purpose, sponsor, office, leave_share,
                   validity=365, step_lo=330, step_hi=364, ptype=LIMITED) -> tuple[np.ndarray, np.ndarray]:
    """Arrival, then renewed permits until departure or as_of; returns (first issue, departure or _NA)."""
    rng = w.rng
    n = len(person)
    arrival = w.between(arrival_lo, arrival_hi, n)
    first = arrival + w.between(1, 21, n)
    step = w.between(step_lo, step_hi, n)
    leaves = (rng.random(n) < leave_share) & (first + 31 <= w.today - 1)
    departure = np.where(leaves, w.between(first + 31, np.maximum(first + 31, w.today - 1)), _NA)
    count = np.where(leaves, _count_before(first, step, np.where(leaves, departure, first + 1)),
                     _cover_count(first, validity, step, w.today))
    _permits(w, person, first, validity, step, count, ptype, purpose, sponsor, office)
    _crossings(w, person, arrival, departure)
    return first, departure


def _expired_stays(w: _World, person, expiry_lo, expiry_hi, leaves: bool, work_share: float = 0.6):
    """Stays whose last permit expired in [expiry_lo, expiry_hi]; departed just before expiry if ``leaves``.

    Returns (company or -1, first issue, last expiry, home address row).
    """
    rng = w.rng
    n = len(person)
    work = rng.random(n) < work_share
    validity = np.where(work, 365, 60)
    step = np.where(work, w.between(330, 364, n), w.between(50, 59, n))
    count = rng.integers(1, 4, n)
    expiry = w.between(expiry_lo, expiry_hi, n)
    first = expiry - validity + 1 - (count - 1) * step
    arrival = first - np.where(work, w.between(1, 21, n), 0)
    company = np.where(work, _hosts(w, n), -1)
    city = np.where(work, w.companies["city"][np.maximum(company, 0)], rng.choice(len(_CITIES), n, p=_CITY_P))
    sponsor = np.where(work, w.companies["twin"][np.maximum(company, 0)], -1)
    purpose = np.where(work, WORK, np.where(rng.random(n) < 0.5, TOURISM, BUSINESS))
    _permits(w, person, first, validity, step, count, np.where(work, LIMITED, VISIT), purpose, sponsor,
             np.where(work, _CITY_OFFICE[city], 0))
    departure = expiry - w.between(0, 10, n) if leaves else None
    _crossings(w, person, arrival, departure)
    end = np.where(rng.random(n) < 0.5, expiry, _NA) if not leaves else departure
    _jobs(w, person[work], company[work], WORK_PERMIT, first[work], end[work])
    home = _places(w, city, RESIDENTIAL)
    _lives(w, person, home, first, np.where(work, PERMIT_APPLICATION, HOST_REPORT))
    if not leaves:  # some are seen at work recently
        seen = work & (rng.random(n) < 0.3)
        _jobs(w, person[seen], company[seen], INSPECTION,
              w.between(np.maximum(first[seen] + 1, w.today - 200), w.today - 1))
    return company, first, expiry, home


def _seen_working(w: _World, people, company, arrival) -> None:
    """Visitors seen at work: at an inspection (recent) or in an employer's report (soon after arriving)."""
    n = len(people)
    T = w.today
    inspected = w.rng.random(n) < 0.6
    inspection = w.between(np.maximum(arrival + 10, T - 365), T - 1, n)
    report = np.minimum(arrival + w.between(3, 40, n), T - 1)
    _jobs(w, people, company, np.where(inspected, INSPECTION, REPORT), np.where(inspected, inspection, report))
