"""Places, employers (each with a sponsor twin written by another system) and sponsors."""

from __future__ import annotations

import numpy as np

from graphkit.datasets.synth.reference import (
    AGENT, BIG, CAMPUS, DORM, HOTEL, MILL, OFFICE, REGULAR, RESIDENTIAL, SHELL, TWIN, UNIVERSITY, VISA_AGENCY,
    VISIT_WORKFORCE, _CITIES, _CITY_P, _DORM_LABELS, _GANGS, _HIGHWAYS, _HOTEL_SUFFIXES, _HOTEL_WORDS, _ID_FIRST,
    _ID_LAST, _ID_MIDDLE, _SECTORS_BIG, _SECTORS_REGULAR, _SECTORS_SHELL, _SECTORS_VW, _STREETS, _TWIN_STYLES,
    _UNIVERSITIES, _VILLAGE_CITY, _WORDS_A, _WORDS_B, _WORDS_C,
)
from graphkit.datasets.synth.state import _World, _rank_in_group


def _places(w: _World, city, kind: int, label="", special: bool = False) -> np.ndarray:
    """New places of one kind; returns their canonical address rows."""
    rng = w.rng
    city = np.asarray(city, np.int64)
    n = len(city)
    highway = np.full(n, kind == DORM) | ((kind == OFFICE) & (rng.random(n) < 0.25))
    street = np.where(highway, rng.integers(0, len(_HIGHWAYS), n), rng.integers(0, len(_STREETS), n))
    gang = np.where((kind == RESIDENTIAL) & (rng.random(n) < 0.4), rng.integers(0, len(_GANGS), n), -1)
    with_rt = (kind == RESIDENTIAL) & (rng.random(n) < 0.75)
    village = np.empty(n, np.int64)
    u = rng.random(n)
    for c in range(len(_CITIES)):
        options = np.flatnonzero(_VILLAGE_CITY == c)
        at = city == c
        village[at] = options[(u[at] * len(options)).astype(np.int64)]
    spread = np.where(highway, 0.08, 0.025)
    lat = np.array([_CITIES[c][1] for c in range(len(_CITIES))])[city] + rng.normal(0, 1, n) * spread
    lon = np.array([_CITIES[c][2] for c in range(len(_CITIES))])[city] + rng.normal(0, 1, n) * spread
    place = w.places.add(
        n, city=city, kind=kind, street=street, gang=gang, number=rng.integers(1, 251, n),
        km=np.where(highway, rng.integers(3, 61, n), -1), rt=np.where(with_rt, rng.integers(1, 21, n), -1),
        rw=np.where(with_rt, rng.integers(1, 11, n), -1), village=village, lat=lat, lon=lon, label=label,
        special=special,
    )
    return w.addresses.add(n, place=place)


def _duplicate_addresses(w: _World, rows: np.ndarray, copies) -> np.ndarray:
    """Write the places of ``rows`` again under new ids (``copies`` each); returns the new rows."""
    copies = np.broadcast_to(np.asarray(copies, np.int64), rows.shape)
    base = np.repeat(w.rng.integers(0, 4, len(rows)), copies)
    style = 1 + (base + _rank_in_group(copies)) % 4
    return w.addresses.add(int(copies.sum()), place=np.repeat(w.addresses["place"][rows], copies), style=style)


def _unique_within(w: _World, space: int, group: np.ndarray, memory: str) -> np.ndarray:
    """Draws from range(space), distinct within each value of ``group`` (names unique per city).

    Draws already handed out under the same ``memory`` are avoided too.
    """
    group = np.asarray(group, np.int64)
    used = w.used.get(memory, np.empty(0, np.int64))
    if len(group):
        demand = np.bincount(group) + np.bincount(used // space, minlength=group.max() + 1)[: group.max() + 1]
        if demand.max() > 0.9 * space:
            raise ValueError(f"not enough distinct {memory} names for this many people; lower n_persons")
    values = w.rng.integers(0, space, len(group))
    while True:
        key = group * space + values
        _, first = np.unique(key, return_index=True)
        repeated = np.ones(len(key), bool)
        repeated[first] = False
        repeated |= np.isin(key, used)
        if not repeated.any():
            w.used[memory] = np.concatenate([used, key])
            return values
        values[repeated] = w.rng.integers(0, space, int(repeated.sum()))


def _office_phone(w: _World, city: np.ndarray) -> np.ndarray:
    number = w.fresh("phone", len(city), 300_000, 900_000)
    area = np.array([c[3] for c in _CITIES], dtype=object)[city]
    return np.array([f"{a}-{x}" for a, x in zip(area, number)], dtype=object)


def _restyle_phone(w: _World, phone: np.ndarray) -> np.ndarray:
    """The same office numbers as another system writes them."""
    style = w.rng.integers(0, 3, len(phone))
    out = []
    for p, s in zip(phone, style):
        area, number = p.split("-")
        out.append((f"+62{area[1:]}{number}", f"({area}) {number}", f"{area}{number}")[s])
    return np.array(out, dtype=object)


def _mobile(w: _World, n: int) -> np.ndarray:
    number = w.fresh("mobile", n, 10_000_000, 100_000_000)
    prefix = w.pick(("0812", "0813", "0821", "0852", "0877"), n)
    return np.array([f"{p}-{str(x)[:4]}-{str(x)[4:]}" for p, x in zip(prefix, number)], dtype=object)


def _core_names(w: _World, city: np.ndarray) -> np.ndarray:
    space = len(_WORDS_A) * len(_WORDS_B) * len(_WORDS_C)
    combo = _unique_within(w, space, city, "organisation")
    a, rest = np.divmod(combo, len(_WORDS_B) * len(_WORDS_C))
    b, c = np.divmod(rest, len(_WORDS_C))
    return np.array([f"{_WORDS_A[i]} {_WORDS_B[j]}" + (f" {_WORDS_C[k]}" if _WORDS_C[k] else "")
                     for i, j, k in zip(a, b, c)], dtype=object)


def _legal_name(core: str, form: int) -> str:
    return ("PT {}", "CV {}", "PT {} Tbk")[form].format(core)


def _add_companies(w: _World, kind: int, city: np.ndarray, core: np.ndarray, sectors: tuple, sizes=0,
                   address: np.ndarray | None = None) -> np.ndarray:
    """Employers with an office, and each one's sponsor twin (same company, another id and spelling)."""
    rng = w.rng
    n = len(city)
    form = rng.choice(3, n, p=[0.25, 0.0, 0.75] if kind == BIG else [0.80, 0.17, 0.03])  # PT, CV, PT ... Tbk
    office = _places(w, city, OFFICE) if address is None else address
    reg = w.fresh("nib", n, 10**12, 10**13).astype(str).astype(object)
    phone = _office_phone(w, city)
    company = w.companies.add(n, kind=kind, city=city, core=core, form=form, reg=reg, sector=w.pick(sectors, n),
                              address=office, phone=np.where(rng.random(n) < 0.05, "", phone), size=sizes)
    # the sponsor twin
    styles = [_TWIN_STYLES[f][s % len(_TWIN_STYLES[f])] for f, s in zip(form, rng.integers(0, 12, n))]
    names = np.array([s.format(T=c, U=c.upper(), L=c.lower()) for s, c in zip(styles, core)], dtype=object)
    reg_mode = rng.choice(3, n, p=[0.85, 0.075, 0.075])  # shared, empty, another (older) number
    twin_reg = np.where(reg_mode == 0, reg, np.where(reg_mode == 1, "",
                        w.fresh("nib", n, 10**12, 10**13).astype(str).astype(object)))
    w.twin_reg_shared += int((reg_mode == 0).sum())
    addr_mode = rng.choice(3, n, p=[0.5, 0.3, 0.2])  # same row, same place under another id, another office in town
    twin_addr = office.copy()
    dup = addr_mode == 1
    twin_addr[dup] = _duplicate_addresses(w, office[dup], 1)
    other = addr_mode == 2
    twin_addr[other] = _places(w, city[other], OFFICE)
    company_phone = w.companies["phone"][company]
    phone_mode = rng.choice(3, n, p=[0.4, 0.4, 0.2])
    twin_phone = np.where(phone_mode == 0, company_phone, np.where(phone_mode == 1, _restyle_phone(w, phone), ""))
    twin = w.sponsors.add(n, kind=TWIN, type=0, name=names, reg=twin_reg, address=twin_addr, phone=twin_phone,
                          company=company)
    w.companies["twin"][company] = twin
    return company


def _individuals(w: _World, kind: int, city: np.ndarray, home: np.ndarray) -> np.ndarray:
    """Indonesian individuals as sponsors (name unique within their town, NIK as registration)."""
    space = len(_ID_FIRST) * len(_ID_MIDDLE) * len(_ID_LAST)
    combo = _unique_within(w, space, city, "individual")
    f, rest = np.divmod(combo, len(_ID_MIDDLE) * len(_ID_LAST))
    m, last = np.divmod(rest, len(_ID_LAST))
    names = np.array([" ".join(x for x in (_ID_FIRST[a], _ID_MIDDLE[b], _ID_LAST[c]) if x)
                      for a, b, c in zip(f, m, last)], dtype=object)
    nik = w.fresh("nik", len(city), 10**11, 10**12)
    prefix = np.array([c[4] for c in _CITIES], dtype=object)[city]
    reg = np.array([f"{p}{x}" for p, x in zip(prefix, nik)], dtype=object)
    return w.sponsors.add(len(city), kind=kind, type=1, name=names, reg=reg, address=home, phone=_mobile(w, len(city)))


def _build_organisations(w: _World, plan: dict) -> None:
    rng = w.rng
    n_reg, n_big, n_vw = len(plan["regular"]), len(plan["big"]), len(plan["vw"])
    shell_sizes = plan["shell_size"]
    n_shell = int(shell_sizes.sum())
    n_mill = len(plan["mill"])
    mill_org = rng.random(n_mill) < 0.6
    cities = {
        "regular": rng.choice(len(_CITIES), n_reg, p=_CITY_P),
        "big": rng.choice([0, 2, 6, 5], n_big, p=[0.5, 0.25, 0.15, 0.10]),
        "vw": rng.choice(len(_CITIES), n_vw, p=_CITY_P),
        "shell": np.repeat(rng.choice(len(_CITIES), len(shell_sizes), p=_CITY_P), shell_sizes),
        "mill": rng.choice(len(_CITIES), n_mill, p=_CITY_P),
    }
    all_cities = np.concatenate(list(cities.values()))
    cores = _core_names(w, all_cities)
    bounds = np.cumsum([0] + [len(c) for c in cities.values()])
    core = {k: cores[bounds[i]:bounds[i + 1]] for i, k in enumerate(cities)}

    regular = _add_companies(w, REGULAR, cities["regular"], core["regular"], _SECTORS_REGULAR, plan["regular"])
    big = _add_companies(w, BIG, cities["big"], core["big"], _SECTORS_BIG, plan["big"])
    vw = _add_companies(w, VISIT_WORKFORCE, cities["vw"], core["vw"], _SECTORS_VW)
    # shell networks: each shares a phone, an address and/or its workers' sponsor (bits 1, 2, 4)
    ties = np.asarray(w.p["shell_ties"])
    mode = ties[rng.integers(0, len(ties), len(shell_sizes))]
    net = np.repeat(np.arange(len(shell_sizes)), shell_sizes)
    first = np.cumsum(shell_sizes) - shell_sizes
    shared_place = _places(w, cities["shell"][first], OFFICE)
    by_address = (mode[net] & 2) > 0
    address = np.empty(n_shell, np.int64)
    address[~by_address] = _places(w, cities["shell"][~by_address], OFFICE)
    shared_again = _duplicate_addresses(w, shared_place, 1)  # the shared place under a second id
    address[by_address] = np.where(rng.random(int(by_address.sum())) < 0.5, shared_place[net[by_address]],
                                   shared_again[net[by_address]])
    shell = _add_companies(w, SHELL, cities["shell"], core["shell"], _SECTORS_SHELL, address=address)
    by_phone = (mode[net] & 1) > 0
    phones = w.companies["phone"]
    shared_phone = _office_phone(w, cities["shell"][first])[net]
    phones[shell[by_phone]] = np.where(rng.random(int(by_phone.sum())) < 0.5, shared_phone[by_phone],
                                       _restyle_phone(w, shared_phone[by_phone]))
    twins = w.companies["twin"][shell[by_phone]]
    w.sponsors["phone"][twins] = np.where(w.sponsors["phone"][twins] == "", "", phones[shell[by_phone]])
    w.shell = {"companies": shell, "network": net, "mode": mode, "first": shell[first]}

    # sponsors that employ nobody
    agent_city = rng.choice(len(_CITIES), plan["n_agents"], p=[0.8] + [0.025] * 8)
    agent_core = _core_names(w, agent_city + len(_CITIES))  # "... Tour & Travel": a name space of its own
    agents = w.sponsors.add(
        plan["n_agents"], kind=AGENT, type=0,
        name=np.array([f"PT {c} Tour & Travel" for c in agent_core], dtype=object),
        reg=w.fresh("nib", plan["n_agents"], 10**12, 10**13).astype(str).astype(object),
        address=_places(w, agent_city, OFFICE), phone=_office_phone(w, agent_city))
    univ_city = np.array([_UNIVERSITIES[i][1] for i in range(plan["n_universities"])])
    universities = w.sponsors.add(
        plan["n_universities"], kind=UNIVERSITY, type=0,
        name=np.array([u[0] for u in _UNIVERSITIES[: plan["n_universities"]]], dtype=object),
        reg=w.fresh("npsn", plan["n_universities"], 10**7, 10**8).astype(str).astype(object),
        address=_places(w, univ_city, CAMPUS), phone=_office_phone(w, univ_city))
    mills = np.empty(n_mill, np.int64)
    mills[mill_org] = w.sponsors.add(
        int(mill_org.sum()), kind=MILL, type=0,
        name=np.array([_legal_name(c, 0) for c in core["mill"][mill_org]], dtype=object),
        reg=w.fresh("nib", int(mill_org.sum()), 10**12, 10**13).astype(str).astype(object),
        address=_places(w, cities["mill"][mill_org], OFFICE), phone=_office_phone(w, cities["mill"][mill_org]))
    home = _places(w, cities["mill"][~mill_org], RESIDENTIAL)
    mills[~mill_org] = _individuals(w, MILL, cities["mill"][~mill_org], home)
    mill_second = _split_mills(w, mills, mill_org, core["mill"], cities["mill"]) if w.p["mill_split_share"] > 0 else (
        np.full(n_mill, -1))

    # hotels, dormitories, hotspots
    hotel_city = rng.choice(len(_CITIES), plan["n_hotels"], p=_CITY_P)
    hotel_name = _unique_within(w, len(_HOTEL_WORDS) * len(_HOTEL_SUFFIXES), hotel_city, "hotel")
    word, suffix = np.divmod(hotel_name, len(_HOTEL_SUFFIXES))
    labels = np.array([f"Hotel {_HOTEL_WORDS[a]} {_HOTEL_SUFFIXES[b]}" for a, b in zip(word, suffix)], dtype=object)
    hotels = _places(w, hotel_city, HOTEL, label=labels, special=True)
    hotel_dups = np.full(len(hotels), -1)
    with_dup = rng.random(len(hotels)) < 0.5
    hotel_dups[with_dup] = _duplicate_addresses(w, hotels[with_dup], 1)
    dorm_owner = np.concatenate([np.arange(n_big), rng.integers(0, n_big, max(0, plan["n_dorms"] - n_big))])
    dorms = _places(w, w.companies["city"][big[dorm_owner]], DORM, label=w.pick(_DORM_LABELS, len(dorm_owner)),
                    special=True)
    hotspot_city = rng.choice(len(_CITIES), len(plan["hotspot"]), p=_CITY_P)
    hotspots = _places(w, hotspot_city, RESIDENTIAL, special=True)
    copies = rng.integers(1, 3, len(hotspots))
    hotspot_dups = _duplicate_addresses(w, hotspots, copies)

    w.orgs = {"regular": regular, "big": big, "vw": vw, "agents": agents, "universities": universities,
              "mills": mills, "mill_second": mill_second, "hotels": hotels, "hotel_dups": hotel_dups,
              "hotel_weight": rng.gamma(2.0, 1.0, len(hotels)),
              "dorms": dorms, "dorm_owner": dorm_owner, "hotspots": hotspots,
              "hotspot_rows": np.concatenate([hotspots, hotspot_dups]),
              "hotspot_of_row": np.concatenate([np.arange(len(hotspots)), np.repeat(np.arange(len(hotspots)), copies)])}
    w.truth["visit_workforce"] = ("company", vw)
    w.truth["sponsor_mills"] = ("sponsors", np.stack([mills, mill_second], axis=1))
    w.truth["address_hotspots"] = ("place", w.addresses["place"][hotspots])
    w.truth["big_contractors"] = ("company", big)
    w.truth["hotels"] = ("place", w.addresses["place"][hotels])
    w.truth["travel_agents"] = ("sponsor", agents)
    w.truth["universities"] = ("sponsor", universities)
    if plan["n_visa_agencies"]:
        _visa_agencies(w, plan["n_visa_agencies"])


def _visa_agencies(w: _World, n: int) -> None:
    """Organisations that sponsor business visitors for many firms: a mill's innocent look-alike."""
    city = w.rng.choice(len(_CITIES), n, p=[0.8] + [0.025] * 8)
    core = _core_names(w, city + 2 * len(_CITIES))  # a name space of its own
    agencies = w.sponsors.add(
        n, kind=VISA_AGENCY, type=0, name=np.array([f"PT {c} Visa Consultant" for c in core], dtype=object),
        reg=w.fresh("nib", n, 10**12, 10**13).astype(str).astype(object),
        address=_places(w, city, OFFICE), phone=_office_phone(w, city))
    w.orgs["visa_agencies"] = agencies
    w.truth["visa_agencies"] = ("sponsor", agencies)


def _split_mills(w: _World, mills: np.ndarray, organisation: np.ndarray, core: np.ndarray,
                 city: np.ndarray) -> np.ndarray:
    """A second sponsor row for some mills; returns it per mill (-1 for none).

    An organisation mill is registered again under another spelling, without its registration
    number, at the same place (same or another address id). An individual mill is fronted by a
    second guarantor at the same home: a spouse, a different person.
    """
    rng = w.rng
    n = len(mills)
    second = np.full(n, -1)
    split = rng.random(n) < w.p["mill_split_share"]
    org = split & organisation
    spelled = np.array([_TWIN_STYLES[0][k % len(_TWIN_STYLES[0])].format(T=c, U=c.upper(), L=c.lower())
                        for c, k in zip(core[org], rng.integers(0, 12, int(org.sum())))], dtype=object)
    S = w.sponsors
    address = S["address"][mills[org]]
    again = rng.random(int(org.sum())) < 0.5
    address[again] = _duplicate_addresses(w, address[again], 1)
    second[org] = S.add(int(org.sum()), kind=MILL, type=0, name=spelled, reg="", address=address,
                        phone=np.where(rng.random(int(org.sum())) < 0.5, S["phone"][mills[org]], ""))
    spouse = split & ~organisation
    second[spouse] = _individuals(w, MILL, city[spouse], w.sponsors["address"][mills[spouse]])
    w.mill_spellings = mills[org], second[org]
    return second
