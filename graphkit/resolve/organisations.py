"""Sponsor and employer records together: which rows are one company.

Hard links: the same registration number (companies only; a number on more than the hub limit of
records links nothing). The :data:`MODEL` weighs the rest: the name without legal forms (``PT``,
``CV``, ``Tbk``, ``N.V.``, ``GmbH``, ``Sdn Bhd``, ...), equal, with a typo (``Unilever``/``Uniliver``),
with extra words (``Thales Nederland, Hengelo``) or sharing a rare word (:func:`rare_words`: counted
over distinct names, so a generic ``Jaya`` or ``Industries`` weighs nothing); the registration number
(one edit), the phone's digits and the place (the same canonical address, or the same city; two
cities weigh strongly against). Blocking finds typo'd and reworded names on their first words,
their first and last letters, their rare word and one-word names against names they begin.
Individual sponsors are people, not companies: never merged here. A shared phone or address
corroborates a name or a registration number and never replaces them (:func:`named`): companies
with different names that share a phone and an office are a corporate group or a shell network,
several companies either way, and the indicators must see them as several.

>>> rare_words(pd.Series(["asml netherlands", "asml holland", "sinar jaya"]), share=1.0).tolist()
['asml', 'asml', None]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from graphkit.resolve.entities import Links
from graphkit.resolve.linkage import Comparison, Level, Model
from graphkit.resolve.normalise import normalise_cities, normalise_companies, normalise_documents, normalise_phones

#: A word is a rare word of a name when at most this many distinct names hold it, and at most this
#: share of all distinct names (among a dozen names every word is rare: rarity needs a population);
#: words more common (``jaya``, ``industries``, ``trading``) say little about which company it is.
RARE_WORD_NAMES, RARE_WORD_SHARE = 5, 0.01
#: Words of company names that name no company on their own, Indonesian and international: never a
#: rare word, and a name made only of them (``Jaya Industries``) is no core that extra words extend.
GENERIC_WORDS = (
    "jaya", "raya", "abadi", "mandiri", "sejahtera", "makmur", "sentosa", "prima", "utama", "mulia", "karya",
    "mitra", "sinar", "sumber", "bintang", "cipta", "citra", "indah", "mega", "agung", "baru", "bersama",
    "indonesia", "nusantara", "internasional", "international", "global", "group", "grup", "holding", "holdings",
    "industries", "industry", "industri", "trading", "perdagangan", "services", "jasa", "teknik", "technology",
    "technologies", "solutions", "logistik", "logistics", "and", "dan", "the", "of", "de",
)

_ONE_CITY = "(l.city = r.city OR l.city IS NULL OR r.city IS NULL)"

MODEL = Model(
    kind="organisations",
    blocking=(
        "l.name = r.name",
        "l.registration_no = r.registration_no",
        "l.phone = r.phone",
        "l.name_compact = r.name_compact",
        # the looser keys only within one city (or where a city is unknown): two cities weigh
        # strongly against anyway, and the vocabulary of company names makes these blocks large
        *(f"{key} AND {_ONE_CITY}" for key in (
            "l.name_a = r.name_a AND l.name_b = r.name_b",
            "l.name_head = r.name_head",
            # a one-word name (``Unilever``) against the names that begin with it (``Unilever Rotterdam``)
            "l.name_single = r.name_a", "r.name_single = l.name_a",
            "l.name_a = r.name_a AND l.name_z = r.name_z",
            "l.name_b = r.name_b AND l.name_z = r.name_z",
            "l.name_ends = r.name_ends",
            "l.name_rare = r.name_rare",
        )),
        "l.name_compact4 = r.name_compact4 AND l.address = r.address",
    ),
    comparisons=(
        # u declared, not sampled: a company's name repeats because the company does (a sponsor and an
        # employer row, hundreds of filings), so random pairs share names far more often than two companies do
        Comparison("name", "l.name IS NULL OR r.name IS NULL", (
            Level("exact", "l.name = r.name", 0.6, 0.0003, fixed_u=True),
            # numbers in a name tell companies apart (Klien 1, Klien 2): a typo never changes them
            Level("spelling", "l.name_digits = r.name_digits AND (jaro_winkler_similarity(l.name_compact, r.name_compact) "
                  ">= 0.94 OR (length(l.name_compact) >= 6 AND levenshtein(l.name_compact, r.name_compact) <= 1))",
                  0.2, 0.0003, fixed_u=True),
            Level("extra_words", "l.name_specific AND r.name_specific AND ("
                  "starts_with(l.name, r.name || ' ') OR starts_with(r.name, l.name || ' ') "
                  "OR ends_with(l.name, ' ' || r.name) OR ends_with(r.name, ' ' || l.name))", 0.1, 0.0003, fixed_u=True),
            Level("rare_word", "l.name_rare = r.name_rare", 0.05, 0.0003, fixed_u=True),
            Level("similar", "l.name_digits = r.name_digits AND "
                  "jaro_winkler_similarity(l.name_compact, r.name_compact) >= 0.88", 0.03, 0.002, fixed_u=True),
        )),
        Comparison("registration_no", "l.registration_no IS NULL OR r.registration_no IS NULL", (
            Level("exact", "l.registration_no = r.registration_no", 0.6, 0.00001),
            Level("one_edit", "levenshtein(l.registration_no, r.registration_no) <= 1", 0.1, 0.0001),
        )),
        Comparison("phone", "l.phone IS NULL OR r.phone IS NULL", (
            Level("exact", "l.phone = r.phone", 0.6, 0.0005, tf="phone"),
        )),
        Comparison("place", "l.city IS NULL OR r.city IS NULL", (
            # two cities are strong evidence of two companies (one CV Sinar Jaya in Palembang, another in Lahat)
            Level("same_address", "l.address = r.address", 0.55, 0.002),
            Level("same_city", "l.city = r.city", 0.44, 0.2),
        )),
    ),
    training=("l.name = r.name", "l.phone = r.phone"),
    duplicates_per_record=0.3,  # a company is usually both a sponsor and an employer, under two ids
    deterministic=("l.name = r.name", "l.registration_no = r.registration_no"),
    keep_prior=True,
)


_GENERIC = frozenset(GENERIC_WORDS)


def named(links: Links, keep: np.ndarray) -> Links:
    """``links`` without the model's links on which neither the name nor the registration number
    agreed (shared contact details alone); hard links and judgements (``keep``) stay.

    >>> links = Links(np.array([0, 2]), np.array([1, 3]), np.array([0.99, 0.97]),
    ...               np.array(["name:exact;phone:exact", "phone:exact;place:same_address"], dtype=object))
    >>> named(links, np.zeros(2, dtype=bool)).left.tolist()
    [0]
    """
    on = pd.Series(links.matched_on, dtype=object).fillna("")
    model = (on.str.contains(":", regex=False) | (on == "")).to_numpy()  # hard links carry a bare label
    agreed = on.str.contains(r"(?:^|;)(?:name|registration_no):", regex=True).to_numpy()
    alive = keep | ~model | agreed
    return Links(links.left[alive], links.right[alive], links.probability[alive], links.matched_on[alive])


def rare_words(names: pd.Series, limit: int = RARE_WORD_NAMES, share: float = RARE_WORD_SHARE) -> pd.Series:
    """Each name's rarest word that another distinct name also holds, if at most ``limit`` names
    (and ``share`` of the distinct names) hold it.

    Words are counted over distinct names, not records (one count per word per name): a company
    filing a thousand times does not make its own name's words common. :data:`GENERIC_WORDS` are
    never rare. Ties go to the alphabetically first word.

    >>> rare_words(pd.Series(["thales nederland", "thales nederland hengelo", "sinar jaya", "mitra jaya", "jaya"]),
    ...            limit=2, share=1.0).tolist()
    ['nederland', 'nederland', None, None, None]
    """
    distinct = pd.Series(names.dropna().unique())
    words = distinct.str.split(" ").explode().rename("word").rename_axis("name").reset_index()
    words = words[(words["word"].fillna("") != "") & ~words["word"].isin(GENERIC_WORDS)].drop_duplicates()
    words["df"] = words.groupby("word")["name"].transform("size").to_numpy()
    words = words[(words["df"] >= 2) & (words["df"] <= min(limit, share * len(distinct)))]
    rarest = words.sort_values(["name", "df", "word"], kind="stable").drop_duplicates("name")
    of_name = pd.Series(rarest["word"].to_numpy(), index=distinct.to_numpy()[rarest["name"].to_numpy()])
    out = names.map(of_name)
    return out.astype(object).where(out.notna(), None)


def organisation_records(tables: dict[str, pd.DataFrame], address_of: pd.Series, city_of: pd.Series) -> pd.DataFrame:
    """Employers then sponsors, sorted by ``table:id``, with the model's columns.

    ``individual`` marks sponsors that are people: they take part in no comparison.
    """
    frames = []
    for table, id_col in (("employers", "employer_id"), ("sponsors", "sponsor_id")):
        if table not in tables:
            continue
        t = tables[table]
        frames.append(pd.DataFrame({
            "record": (table + ":" + t[id_col].astype(str)).to_numpy(),
            "raw_name": t["name"].to_numpy(),
            "registration_no": t["registration_no"].to_numpy() if "registration_no" in t else None,
            "phone": t["phone"].to_numpy() if "phone" in t else None,
            "address_id": t["address_id"].to_numpy() if "address_id" in t else None,
            "individual": (t["sponsor_type"] == "INDIVIDUAL").to_numpy() if "sponsor_type" in t else False,
        }))
    if not frames:
        return pd.DataFrame(columns=["record", "unique_id", "individual"])
    orgs = pd.concat(frames, ignore_index=True).sort_values("record", kind="stable", ignore_index=True)
    name = normalise_companies(orgs["raw_name"])
    words = name.str.split(" ")
    compact = name.str.replace(" ", "", regex=False)
    reg = normalise_documents(orgs["registration_no"])
    phone = normalise_phones(orgs["phone"])
    address = orgs["address_id"].map(address_of)
    city = normalise_cities(orgs["address_id"].map(city_of))
    company = ~orgs["individual"].astype(bool).to_numpy()

    def only(values: pd.Series) -> pd.Series:
        return values.where(company & values.notna().to_numpy() & (values.astype(str) != "").to_numpy(), None)

    return pd.DataFrame({
        "record": orgs["record"],
        "unique_id": np.arange(len(orgs), dtype=np.int64),
        "individual": ~company,
        "name": only(name),
        "name_compact": only(compact),
        "name_digits": only(name).str.replace(r"[^0-9]", "", regex=True),
        "name_a": only(words.str[0]),
        "name_b": only(words.str[1]),
        "name_z": only(words.str[-1].where(words.str.len() > 1)),
        "name_single": only(name.where(words.str.len() == 1)),
        "name_specific": only(words.map(lambda w: not set(w) <= _GENERIC).astype(object)),
        # the first word and the second's initial: a typo in the second word of a short name
        "name_head": only(words.map(lambda w: f"{w[0]} {w[1][:1]}" if len(w) > 1 else None).astype(object)),
        "name_compact4": only(compact.str.slice(0, 4)),
        # first four and last three letters: one typo inside a long name keeps both
        "name_ends": only((compact.str.slice(0, 4) + compact.str.slice(-3)).where(compact.str.len() >= 7)),
        "name_rare": only(rare_words(name.where(company))),
        "registration_no": only(reg),
        "phone": only(phone),
        "address": only(address),
        "city": only(city),
    })
