"""Several rows for one human or one place, and how another source system writes a name."""

from __future__ import annotations

import unicodedata

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from graphkit.datasets.synth.reference import (
    PRIMARY_ROW, RENEWED_ROW, RESIDENTIAL, SPELLING_ROW, WORK_PERMIT, _CULTURE_NAMES, _FAMILY, _FAMILY_FIRST,
    _FAMILY_VARIANT, _GIVEN, _GIVEN_VARIANT,
)
from graphkit.datasets.synth.state import _World
from graphkit.datasets.synth.text import _join, _strings, _take
from graphkit.datasets.synth.world import _duplicate_addresses


def _add_messiness(w: _World) -> dict:
    rng = w.rng
    n_humans = w.humans.n
    # spelling variants: another system's row for the same human (same passport); some events point to it
    humans = np.flatnonzero(rng.random(n_humans) < w.p["spelling_variant_share"])
    variant_rows = w.persons.add(len(humans), human=humans, kind=SPELLING_ROW, passport=w.persons["passport"][humans])
    w.persons["no_passport"][variant_rows] = w.persons["no_passport"][humans]
    variant_of = np.full(n_humans, -1)
    variant_of[humans] = variant_rows
    moved_table = np.full(n_humans, -1)
    moved_table[humans] = rng.choice(4, len(humans), p=[0.35, 0.35, 0.15, 0.15])
    primary_human = w.persons["human"]
    for t, (table, only) in enumerate(((w.movements, None), (w.residences, None), (w.employment, WORK_PERMIT))):
        person = table["person"]
        is_primary = w.persons["kind"][person] == PRIMARY_ROW
        at = is_primary & (moved_table[primary_human[person]] == t)
        if only is not None:
            at &= table["source"] != only
        person[at] = variant_of[primary_human[person[at]]]
    # places written again under another id; half of the reports about them use the new id
    places = w.addresses["place"]
    ordinary = np.flatnonzero((w.places["kind"] == RESIDENTIAL) & ~w.places["special"])
    chosen = ordinary[rng.random(len(ordinary)) < w.p["address_duplicate_share"]]
    canonical = np.flatnonzero(w.addresses["style"] == 0)
    canonical_of = np.full(w.places.n, -1)
    canonical_of[places[canonical]] = canonical
    copies = np.where(rng.random(len(chosen)) < 0.2, 2, 1)
    new_rows = _duplicate_addresses(w, canonical_of[chosen], copies)
    first_copy = np.full(w.places.n, -1)
    first_copy[w.addresses["place"][new_rows[::-1]]] = new_rows[::-1]
    address = w.residences["address"]
    at = (first_copy[w.addresses["place"][address]] >= 0) & (w.addresses["style"][address] == 0) & (
        rng.random(len(address)) < 0.5)
    address[at] = first_copy[w.addresses["place"][address[at]]]
    kinds = w.persons["kind"]
    return {
        "person_rows_spelling_variant": int((kinds == SPELLING_ROW).sum()),
        "person_rows_renewed_passport": int((kinds == RENEWED_ROW).sum()),
        "humans_with_several_person_rows": int(len(np.unique(w.persons["human"][kinds != PRIMARY_ROW]))),
        "employer_sponsor_twins": int(w.companies.n),
        "twins_sharing_registration_no": int(w.twin_reg_shared),
        "twins_not_sharing_registration_no": int(w.companies.n - w.twin_reg_shared),
        "address_rows_duplicating_a_place": int((w.addresses["style"] > 0).sum()),
        "places_with_several_address_ids": int(len(np.unique(w.addresses["place"][w.addresses["style"] > 0]))),
    }


def _person_names(w: _World) -> pa.Array:
    rng = w.rng
    h = w.persons["human"]
    kind = w.persons["kind"]
    fam_index, giv_index = w.humans["family"][h], w.humans["given"][h]
    first = _FAMILY_FIRST[w.humans["culture"][h]]
    fam, giv = _take(_FAMILY, fam_index), _take(_GIVEN, giv_index)
    names = pc.if_else(pa.array(first), _join(fam, " ", giv), _join(giv, " ", fam))
    rows, text = [], []
    # renewed passport (or a second record): the same name in another case or spacing, or a variant of the style's
    renewed = np.flatnonzero(kind == RENEWED_ROW)
    variants = w.p["renewed_name_variants"]
    if tuple(variants) == ("case_or_spacing",):
        for r, s in zip(renewed, rng.integers(0, 3, len(renewed))):
            name = names[int(r)].as_py()
            rows.append(r)
            text.append((name.upper(), name.replace(" ", "  "), name)[s])
    else:
        culture = w.humans["culture"][h]
        female = w.humans["sex"][h] == 1
        for r, c, u in zip(renewed, rng.integers(0, len(variants), len(renewed)), rng.random(len(renewed))):
            rows.append(r)
            text.append(variant_name(variants[c], _FAMILY[fam_index[r]], _GIVEN[giv_index[r]],
                                     _FAMILY_VARIANT[fam_index[r]], _GIVEN_VARIANT[giv_index[r]], bool(first[r]),
                                     _CULTURE_NAMES[culture[r]], bool(female[r]), float(u)))
    # spelling variants: another transliteration, the other name order, capitals, a dropped letter
    variants = np.flatnonzero(kind == SPELLING_ROW)
    for r, c, u in zip(variants, rng.integers(0, 4, len(variants)), rng.random(len(variants))):
        f, g = _FAMILY[fam_index[r]], _GIVEN[giv_index[r]]
        fv, gv = _FAMILY_VARIANT[fam_index[r]], _GIVEN_VARIANT[giv_index[r]]
        if c == 0 and (fv or gv):
            f, g = fv or f, gv or g
            name = f"{f} {g}" if first[r] else f"{g} {f}"
        elif c <= 1:
            name = f"{g} {f}" if first[r] else f"{f}, {g}"
        elif c == 2:
            name = (f"{f} {g}" if first[r] else f"{g} {f}").upper()
        else:
            k = 1 + int(u * (len(g) - 1))
            g = g[:k] + g[k + 1:] if len(g) > 3 else g + g[-1]
            name = f"{f} {g}" if first[r] else f"{g} {f}"
        rows.append(r)
        text.append(name)
    mask = np.zeros(len(h), bool)
    mask[rows] = True
    return pc.replace_with_mask(names, pa.array(mask), _strings([text[i] for i in np.argsort(rows)]))


def variant_name(kind: str, family: str, given: str, family_variant: str, given_variant: str, family_first: bool,
                 culture: str, female: bool, u: float) -> str:
    """How another record writes a human's name: one of :data:`~.styles.NAME_VARIANTS`.

    A kind that does not apply to the name (no transliteration known, one given name only, no
    diacritics) falls back to the other name order. ``u`` in [0, 1) picks the letter of a typo.

    Examples
    --------
    >>> variant_name("transliteration", "Müller", "Jürgen", "Mueller", "Juergen", False, "german", False, 0.5)
    'Juergen Mueller'
    >>> variant_name("diacritics", "Müller", "Anna", "Mueller", "", False, "german", True, 0.5)
    'Anna Muller'
    >>> variant_name("family_first", "Smith", "John", "", "Jon", False, "western", False, 0.5)
    'Smith John'
    >>> variant_name("drop_bin", "Ismail", "Muhammad", "", "Mohd", False, "malay", False, 0.5)
    'Muhammad bin Ismail'
    >>> variant_name("missing_middle", "Rahman", "Nur Aina", "", "", False, "malay", True, 0.5)
    'Nur Rahman'
    >>> variant_name("initials", "Wang", "Wei", "", "", True, "chinese", False, 0.5)
    'Wang W.'
    >>> variant_name("typo", "Smith", "Sarah", "", "", False, "western", True, 0.5)
    'Saah Smith'
    """
    def written(f: str, g: str) -> str:
        return f"{f} {g}" if family_first else f"{g} {f}"

    plain = written(family, given)
    if kind == "transliteration" and (family_variant or given_variant):
        return written(family_variant or family, given_variant or given)
    if kind == "diacritics":
        stripped = "".join(c for c in unicodedata.normalize("NFKD", plain) if not unicodedata.combining(c))
        if stripped != plain:
            return stripped
        with_marks = written(family_variant or family, given_variant or given)
        if not with_marks.isascii():
            return with_marks
    if kind == "drop_bin" and culture in ("malay", "arabic"):
        return f"{given} {'binti' if female else 'bin'} {family}"
    if kind == "missing_middle" and (" " in given or "-" in given):
        return written(family, given.replace("-", " ").split(" ")[0])
    if kind == "initials":
        return written(family, given[0] + ".")
    if kind == "typo" and len(given) > 3:
        k = 1 + int(u * (len(given) - 2))
        return written(family, given[:k] + given[k + 1:])
    if kind == "case_or_spacing":
        return (plain.upper(), plain.replace(" ", "  "), plain)[int(u * 3)]
    return f"{given} {family}" if family_first else f"{family} {given}"  # family_first, and the fallback
