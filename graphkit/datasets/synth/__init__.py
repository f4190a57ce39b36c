"""Synthetic South Sumatra scenarios with planted typologies, innocent look-alikes and ground truth.

:func:`synth` builds the eight input tables of the data contract for a fictional population of
foreign nationals in South Sumatra (Palembang, Prabumulih, Muara Enim, Baturaja, Lubuklinggau,
Banyuasin, Lahat, Pagar Alam, Ogan Ilir): tourists and business visitors who arrive and leave,
workers on limited-stay work permits sponsored by their employer, spouses and children sponsored by
individuals, students, permanent residents. Into it it plants the six typologies graphkit looks for
(visit-permit workforces, sponsor mills, address hotspots, overstayers, shell networks, people with
no lawful entry), their innocent look-alikes (big contractors, hotels, family sponsors, travel
agents, universities, company dormitories, expired-but-departed, recently expired, renewed
passports, and in the world styles visa agencies, commissioning campaigns, boarding houses,
corporate groups, departures recorded on a second record), the messiness of real source systems
(one human under several person rows, every employer also a sponsor under another id and spelling,
one place under several address ids, enum values in odd case) and a known number of bad rows per
table and reject reason. Everything planted is listed in ``Scenario.truth`` by source id
(``table:id``), grouped per real-world entity. :func:`write_scenario` writes the tables as CSV or
Parquet and the truth as JSON beside the folder.

Every structural choice is a range in a world style (:mod:`.styles`), drawn once per scenario;
``baseline`` is the default. All other randomness comes from one
``numpy.random.Generator(PCG64(seed))`` drawn in a fixed order, so a (seed, style) gives
byte-identical files. Nationality, sex and birth date are drawn for every human before any role is
assigned and are never read again: by construction they are independent of every planted label.

The package: :mod:`.styles` (ranges), :mod:`.reference` (places, names, codes), :mod:`.state`
(integer-coded rows while generating), :mod:`.world` (places, employers, sponsors),
:mod:`.population` (background people), :mod:`.stays` (permits, crossings, jobs, homes),
:mod:`.typologies` (each planted typology beside its look-alike), :mod:`.messiness`,
:mod:`.tables`, :mod:`.bad_rows`, :mod:`.write`.

Examples
--------
>>> scenario = synth(1000, seed=1)
>>> sorted(scenario.tables)
['addresses', 'employers', 'employment', 'movements', 'permits', 'persons', 'residences', 'sponsors']
>>> employer, twin = scenario.truth["typologies"]["visit_workforce"][0]  # one company, two source rows
>>> employer.split(":")[0], twin.split(":")[0]
('employers', 'sponsors')
>>> sorted(scenario.truth["bad_rows"]["movements"])
['bad_enum', 'bad_type', 'duplicate_key', 'missing_required', 'unknown_reference']
"""

from __future__ import annotations

import datetime

import numpy as np

from graphkit.datasets.synth.bad_rows import REASONS, _plant_bad_rows
from graphkit.datasets.synth.messiness import _add_messiness
from graphkit.datasets.synth.population import _draw_humans, _plan, moves, ordinary_stays
from graphkit.datasets.synth.reference import COLUMNS, DEFAULT_AS_OF, MIN_PERSONS, SCHEMA_VERSION, _EPOCH
from graphkit.datasets.synth.state import _World
from graphkit.datasets.synth.styles import HELD_OUT, STYLES, TUNING, Style, draw
from graphkit.datasets.synth.tables import _to_tables
from graphkit.datasets.synth.typologies import planted_stays
from graphkit.datasets.synth.world import _build_organisations
from graphkit.datasets.synth.write import Scenario, _truth, write_scenario

__all__ = ["COLUMNS", "DEFAULT_AS_OF", "HELD_OUT", "MIN_PERSONS", "REASONS", "SCHEMA_VERSION", "STYLES", "TUNING",
           "Scenario", "Style", "synth", "write_scenario"]


def synth(n_persons: int, seed: int, as_of: datetime.date | str | None = None,
          style: str | Style = "baseline") -> Scenario:
    """Generate a synthetic South Sumatra scenario with planted typologies and ground truth.

    Parameters
    ----------
    n_persons : int
        Number of humans (at least 1000). The ``persons`` table has a few percent more rows: some
        humans appear under several rows, and bad rows are added.
    seed : int
        Seed of the ``PCG64`` generator; the same seed (and ``as_of``) gives the same scenario.
    as_of : datetime.date or str, optional
        The day the data describe ("today" for overstays and valid permits), ISO ``YYYY-MM-DD``.
        Defaults to 2026-11-01, a fixed date so that scenarios do not change with the clock.
    style : str or Style, optional
        A world style (a name in :data:`STYLES`, or a :class:`Style`): the ranges this scenario's
        structure is drawn from. ``baseline`` (the default) is one fixed world.

    Returns
    -------
    Scenario
        The tables and the truth; see :class:`Scenario`.

    Examples
    --------
    >>> s = synth(1000, seed=7, as_of="2026-06-30")
    >>> s.truth["as_of"], s.truth["counts"]["persons"] == len(s.tables["persons"])
    ('2026-06-30', True)
    >>> len(s.truth["typologies"]["overstayers"]) >= 6
    True
    >>> synth(1000, seed=7, style="longhaul").truth["style"]["name"]
    'longhaul'
    """
    if n_persons < MIN_PERSONS:
        raise ValueError(f"n_persons must be at least {MIN_PERSONS}, got {n_persons}")
    day = as_of if isinstance(as_of, datetime.date) else datetime.date.fromisoformat(as_of or DEFAULT_AS_OF.isoformat())
    if isinstance(style, str):
        if style not in STYLES:
            raise ValueError(f"unknown style {style!r}; choose one of {', '.join(STYLES)}")
        style = STYLES[style]
    params = draw(style, seed)
    today = int((np.datetime64(day, "D") - _EPOCH).astype(np.int64))
    world = _World(np.random.Generator(np.random.PCG64(seed)), today, params)
    plan = _plan(world, n_persons)
    _draw_humans(world, n_persons, plan["role"])
    _build_organisations(world, plan)
    ordinary_stays(world, plan)
    planted_stays(world, plan)
    moves(world)
    messiness = _add_messiness(world)
    tables, ids, safe, messiness["enum_values_in_odd_case_or_spacing"] = _to_tables(world)
    tables, bad_list = _plant_bad_rows(world, tables, ids, safe, n_persons)
    truth = _truth(world, ids, tables, bad_list, messiness, seed=seed, n_persons=n_persons, as_of=day,
                   style=params)
    return Scenario(tables, truth)
