"""Sponsor and employer records together: which rows are one company.

Hard links: the same registration number (companies only; a number on more than the hub limit of
records links nothing). The :data:`MODEL` weighs the rest: the name without legal forms (``PT``,
``CV``, ``Tbk``, ``N.V.``, ``GmbH``, ``Sdn Bhd``, ...; term-frequency adjusted, typos and extra words
tolerated), the registration number (one edit), the phone's digits and the place (the same canonical
address, or the same city). Individual sponsors are people, not companies: never merged here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from graphkit.resolve.linkage import Comparison, Level, Model
from graphkit.resolve.normalise import normalise_cities, normalise_companies, normalise_documents, normalise_phones

MODEL = Model(
    kind="organisations",
    blocking=(
        "l.name = r.name",
        "l.registration_no = r.registration_no",
        "l.phone = r.phone",
        "l.name_a = r.name_a AND l.name_z = r.name_z",
        "l.name_b = r.name_b AND l.name_z = r.name_z AND l.city = r.city",
        "l.name_compact4 = r.name_compact4 AND l.name_length = r.name_length AND l.city = r.city",
        "l.name_compact4 = r.name_compact4 AND l.address = r.address",
    ),
    comparisons=(
        Comparison("name", "l.name IS NULL OR r.name IS NULL", (
            Level("exact", "l.name = r.name", 0.65, 0.0005, tf="name"),
            Level("spelling", "jaro_winkler_similarity(l.name_compact, r.name_compact) >= 0.94", 0.18, 0.001),
            Level("extra_words", "starts_with(l.name, r.name || ' ') OR starts_with(r.name, l.name || ' ') "
                  "OR jaro_winkler_similarity(l.name_compact, r.name_compact) >= 0.88", 0.1, 0.005),
        )),
        Comparison("registration_no", "l.registration_no IS NULL OR r.registration_no IS NULL", (
            Level("exact", "l.registration_no = r.registration_no", 0.6, 0.00001),
            Level("one_edit", "levenshtein(l.registration_no, r.registration_no) <= 1", 0.1, 0.0001),
        )),
        Comparison("phone", "l.phone IS NULL OR r.phone IS NULL", (
            Level("exact", "l.phone = r.phone", 0.6, 0.0005, tf="phone"),
        )),
        Comparison("place", "l.city IS NULL OR r.city IS NULL", (
            Level("same_address", "l.address = r.address", 0.5, 0.002),
            Level("same_city", "l.city = r.city", 0.4, 0.2),
        )),
    ),
    training=("l.name = r.name", "l.phone = r.phone"),
    duplicates_per_record=0.3,  # a company is usually both a sponsor and an employer, under two ids
    deterministic=("l.name = r.name", "l.registration_no = r.registration_no"),
)


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
        "name_compact": only(name.str.replace(" ", "", regex=False)),
        "name_a": only(words.str[0]),
        "name_b": only(words.str[1]),
        "name_z": only(words.str[-1].where(words.str.len() > 1)),
        "name_length": only(name.str.replace(" ", "", regex=False).str.len()),
        "name_compact4": only(name.str.replace(" ", "", regex=False).str.slice(0, 4)),
        "registration_no": only(reg),
        "phone": only(phone),
        "address": only(address),
        "city": only(city),
    })
