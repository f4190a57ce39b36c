"""From integer codes to the contract tables: ids, names, address lines, enum spellings."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from graphkit.datasets.synth.messiness import _person_names
from graphkit.datasets.synth.reference import (
    BIG_WORKER, COLUMNS, PRIMARY_ROW, REGULAR, RENEWED, TWIN, _CITIES, _DIRECTIONS, _GANGS, _HIGHWAYS, _NAT_CODES,
    _OFFICES, _PERMIT_TYPES, _PORTS, _PROVINCE, _PURPOSES, _RESIDENCE_SOURCES, _SEXES, _SOURCES, _SPONSOR_TYPES,
    _STREETS, _VILLAGES,
)
from graphkit.datasets.synth.state import _World
from graphkit.datasets.synth.text import _blank, _format_ids, _iso, _join, _number_text, _strings, _take
from graphkit.datasets.synth.world import _legal_name


def _width(n: int, minimum: int) -> int:
    return max(minimum, len(str(3 * n)))


def _ids(w: _World, prefix: str, n: int, minimum: int) -> tuple[np.ndarray, pa.Array, int]:
    """Random distinct numbers 1..n, their ids (``prefix`` + zero-padded number) and the digit count."""
    width = _width(n, minimum)
    number = w.rng.permutation(n) + 1
    return number, _format_ids(prefix, number, width), width


def _enum_text(w: _World, vocabulary: tuple, codes, odd: list) -> pa.Array:
    """Enum values; a few in odd case or with spaces, as source systems write them (still valid)."""
    codes = np.asarray(codes, np.int64)
    k = len(vocabulary)
    spelled = list(vocabulary) + [v.lower() for v in vocabulary] + [f" {v}" for v in vocabulary] + [
        f"{v.title()} " for v in vocabulary]
    at = w.rng.random(len(codes)) < w.p["odd_enum_share"]
    odd.append(int(at.sum()))
    return _take(spelled, codes + at * k * w.rng.integers(1, 4, len(codes)))


def _address_lines(w: _World) -> pa.Array:
    P = w.places
    highway = P["km"] >= 0
    street = pc.if_else(pa.array(highway), _take(_HIGHWAYS, np.where(highway, P["street"], 0)),
                        _take(_STREETS, np.where(highway, 0, P["street"])))
    gang = _blank(_join(" Gg. ", _take(_GANGS, np.maximum(P["gang"], 0))), P["gang"] < 0)
    where = pc.if_else(pa.array(highway), _join(" Km. ", _number_text(P["km"])),
                       _join(" No. ", _number_text(P["number"])))
    rt = pc.utf8_lpad(_number_text(P["rt"]), 3, padding="0")
    rw = pc.utf8_lpad(_number_text(P["rw"]), 3, padding="0")
    suffix = _blank(_join(", RT ", rt, "/RW ", rw), P["rt"] < 0)
    label = _strings(P["label"])
    prefix = _blank(_join(label, ", "), P["label"] == "")
    lines = _join(prefix, "Jl. ", street, gang, where, suffix).take(pa.array(w.addresses["place"]))
    # another source's spelling of the same place: Jalan/Nomor/Gang, capitals, spacing
    style = w.addresses["style"]
    again = np.flatnonzero(style > 0)
    sub = lines.take(pa.array(again))
    sub_style = style[again]

    def expand(text, lower=False):
        for a, b in (("Jl. ", "Jalan "), (" No. ", " Nomor "), (" Gg. ", " Gang ")):
            text = pc.replace_substring(text, a.lower() if lower else a, b.lower() if lower else b)
        return text

    spaced = pc.replace_substring(pc.replace_substring(pc.replace_substring(sub, "Jl. ", "Jl.  "), ", ", " , "),
                                  " No. ", "  No. ")
    out = sub
    for st, text in ((1, expand(sub)), (2, pc.utf8_upper(sub)), (3, spaced), (4, expand(pc.utf8_lower(sub), True))):
        out = pc.if_else(pa.array(sub_style == st), text, out)
    return pc.replace_with_mask(lines, pa.array(style > 0), out)


def _to_tables(w: _World):
    """Arrow tables in contract order, rows sorted by id.

    Also returns the id arrays, per table which rows belong to the ordinary population (templates
    for bad rows), and how many enum values were written in odd case or with spaces.
    """
    rng = w.rng
    H = w.humans
    n_person = w.persons.n
    p_num, p_id, p_width = _ids(w, "P", n_person, 7)
    a_num, a_id, a_width = _ids(w, "A", w.addresses.n, 7)
    s_num, s_id, s_width = _ids(w, "S", w.sponsors.n, 5)
    e_num, e_id, e_width = _ids(w, "E", w.companies.n, 5)
    k_num, k_id, k_width = _ids(w, "K", w.permits.n, 7)
    ids = {"persons": p_id, "addresses": a_id, "sponsors": s_id, "employers": e_id, "permits": k_id,
           "widths": {"persons": p_width, "addresses": a_width, "sponsors": s_width, "employers": e_width,
                      "permits": k_width}}
    ordinary_human = H["role"] < BIG_WORKER
    tables, safe, odd = {}, {}, []

    def finish(name, columns, sort_key, ordinary):
        order = pa.array(np.argsort(sort_key, kind="stable") if np.ndim(sort_key) == 1 else np.lexsort(sort_key))
        tables[name] = pa.table(columns).take(order)
        safe[name] = np.asarray(ordinary)[order.to_numpy()]

    # persons
    h = w.persons["human"]
    nat = _take(_NAT_CODES, H["nat"][h])
    passport = _join(_take(tuple("EGKMNPSZ"), H["nat"][h] % 8), _number_text(w.persons["passport"]))
    finish("persons", {
        "person_id": p_id, "full_name": _person_names(w), "sex": _enum_text(w, _SEXES, H["sex"][h], odd),
        # a few birth dates unrecorded, never where they are what links a renewed passport to the old one
        "birth_date": _blank(_iso(H["birth"][h]),
                             (rng.random(n_person) < w.p["blank_birth_date_share"]) & (H["role"][h] != RENEWED)),
        "nationality": nat,
        "passport_no": _blank(passport, w.persons["no_passport"]), "passport_country": nat,
    }, p_num, ordinary_human[h] & (w.persons["kind"] == PRIMARY_ROW))
    person_ok = ordinary_human[h]

    # addresses: a place written again may lack its postal code or coordinates, or shout its village
    A, P = w.addresses, w.places
    place, style = A["place"], A["style"]
    village = P["village"][place]
    again = style > 0
    names = _take([v[2] for v in _VILLAGES], village)
    coords = ~again | (rng.random(A.n) < 0.6)
    jitter = again * rng.normal(0, 0.0003, A.n)
    finish("addresses", {
        "address_id": a_id, "line": _address_lines(w),
        "village": pc.if_else(pa.array(again & (rng.random(A.n) < 0.3)), pc.utf8_upper(names), names),
        "district": _take([v[1] for v in _VILLAGES], village), "city": _take([c[0] for c in _CITIES], P["city"][place]),
        "province": _take([_PROVINCE], np.zeros(A.n)),
        "postal_code": _blank(_take([v[3] for v in _VILLAGES], village), again & (rng.random(A.n) < 0.3)),
        "latitude": _blank(_number_text(np.round(P["lat"][place] + jitter, 6)), ~coords),
        "longitude": _blank(_number_text(np.round(P["lon"][place] + jitter, 6)), ~coords),
    }, a_num, ~P["special"][place])

    # sponsors and employers
    S, C = w.sponsors, w.companies
    regular_company = C["kind"] == REGULAR
    finish("sponsors", {
        "sponsor_id": s_id, "sponsor_type": _enum_text(w, _SPONSOR_TYPES, S["type"], odd), "name": _strings(S["name"]),
        "registration_no": _strings(S["reg"]), "address_id": a_id.take(pa.array(S["address"])),
        "phone": _strings(S["phone"]),
    }, s_num, (S["kind"] == TWIN) & regular_company[np.maximum(S["company"], 0)])
    finish("employers", {
        "employer_id": e_id, "name": _strings([_legal_name(c, f) for c, f in zip(C["core"], C["form"])]),
        "registration_no": _strings(C["reg"]), "sector": _strings(C["sector"]),
        "address_id": a_id.take(pa.array(C["address"])), "phone": _strings(C["phone"]),
    }, e_num, regular_company)

    # permits
    K = w.permits
    finish("permits", {
        "permit_id": k_id, "person_id": p_id.take(pa.array(K["person"])),
        "permit_type": _enum_text(w, _PERMIT_TYPES, K["ptype"], odd),
        "purpose": _enum_text(w, _PURPOSES, K["purpose"], odd),
        "sponsor_id": _blank(s_id.take(pa.array(np.maximum(K["sponsor"], 0))), K["sponsor"] < 0),
        "issued_on": _iso(K["issued"]), "expires_on": _iso(K["expires"]),
        "office": _blank(_take(_OFFICES, np.maximum(K["office"], 0)), (K["office"] < 0) | (rng.random(K.n) < 0.01)),
    }, k_num, person_ok[K["person"]])

    # employment, residences, movements: by person id, then date
    E, R, M = w.employment, w.residences, w.movements
    finish("employment", {
        "person_id": p_id.take(pa.array(E["person"])), "employer_id": e_id.take(pa.array(E["company"])),
        "source": _enum_text(w, _SOURCES, E["source"], odd), "start_date": _iso(E["start"]),
        "end_date": _iso(E["end"]), "role": _strings(E["role"]),
    }, (E["start"], p_num[E["person"]]), person_ok[E["person"]])
    finish("residences", {
        "person_id": p_id.take(pa.array(R["person"])), "address_id": a_id.take(pa.array(R["address"])),
        "reported_on": _iso(R["reported"]), "source": _take(_RESIDENCE_SOURCES, R["source"]),
    }, (R["reported"], p_num[R["person"]]), person_ok[R["person"]] & ~P["special"][place[R["address"]]])
    finish("movements", {
        "person_id": p_id.take(pa.array(M["person"])), "direction": _enum_text(w, _DIRECTIONS, M["direction"], odd),
        "date": _iso(M["date"]), "port": _take(_PORTS, M["port"]),
    }, (M["date"], p_num[M["person"]]), person_ok[M["person"]])
    return {name: tables[name] for name in COLUMNS}, ids, safe, int(sum(odd))
