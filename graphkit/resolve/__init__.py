"""Entity resolution: link the records of one human, one company and one place.

Each kind has its own module declaring, as data, how its records are compared
(:mod:`~graphkit.resolve.persons`, :mod:`~graphkit.resolve.organisations`,
:mod:`~graphkit.resolve.places`); :mod:`~graphkit.resolve.linkage` runs the declared model with
Splink on DuckDB. Exact identifiers stay hard links (passport number with its issuing country,
registration number, the same normalised address line in one city); everything else is a match
probability, accepted at the threshold in :class:`~graphkit.config.Settings`. Analysts' judgements
(:mod:`~graphkit.resolve.judgements`) override both. :mod:`~graphkit.resolve.entities` turns the
links into entities with canonical ids that depend only on their members.

Places are resolved first, then organisations (their place is evidence), then persons (a shared
sponsor, employer or address is evidence). Nationality and passport country are never compared.

Examples
--------
>>> from graphkit import load_folder
>>> from graphkit.datasets import tiny_path
>>> r = resolve(load_folder(tiny_path()).tables)
>>> r.source_ids("employers:E01")
'employers:E01;sponsors:S01'
>>> r.person["P27"] == r.person["P26"], r.address["A02"]
(True, 'addresses:A01')
>>> normalise_company("PT. Sinar Jaya, Tbk"), normalise_address("JALAN Mawar Nomor 3 RT 05/RW 02")
('sinar jaya', 'jalan mawar no 3 rt 5 rw 2')
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from graphkit.arrowops import isin
from graphkit.config import Settings
from graphkit.memory import release_memory
from graphkit.resolve import organisations, persons, places
from graphkit.resolve.entities import COLUMNS, Links, cut, entity_frame, hard_links
from graphkit.resolve.judgements import empty_judgements, judgements_from_frame, read_judgements
from graphkit.resolve.linkage import Model, load, score
from graphkit.resolve.normalise import (
    normalise_address, normalise_addresses, normalise_cities, normalise_companies, normalise_company,
    normalise_documents, normalise_names, normalise_phones,
)

__all__ = ["Resolution", "resolve", "read_judgements", "normalise_address", "normalise_addresses",
           "normalise_cities", "normalise_companies", "normalise_company", "normalise_documents",
           "normalise_names", "normalise_phones"]

_TYPES = {"persons": "PERSON", "addresses": "ADDRESS", "employers": "ORGANISATION", "sponsors": "ORGANISATION"}


@dataclass
class Resolution:
    """Canonical ids for every record, and the records behind every canonical id.

    ``person``, ``organisation`` and ``address`` map a record id to its canonical id (``table:id``);
    organisation maps are keyed ``table:id`` since employers and sponsors share them. ``entities``
    is ``entities.csv``: every record with its entity, match probability and what it matched on.
    """

    person: pd.Series
    organisation: pd.Series
    address: pd.Series
    entities: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=COLUMNS))
    judgements: dict = field(default_factory=dict)
    models: dict = field(default_factory=dict, repr=False)

    @cached_property
    def records(self) -> pd.DataFrame:
        """Every record (``table:id``) with its canonical id, sorted."""
        frames = [pd.DataFrame({"canon": m.to_numpy(), "record": (prefix + m.index.astype(str)).to_numpy()})
                  for m, prefix in ((self.person, "persons:"), (self.address, "addresses:"), (self.organisation, ""))]
        return pd.concat(frames, ignore_index=True).sort_values(["canon", "record"], kind="stable", ignore_index=True)

    def source_ids_of(self, canonical_ids) -> list[str]:
        """For each canonical id, the records merged into it, ``;``-joined as in ``scores.csv``."""
        wanted = list(canonical_ids)
        # only the wanted entities' records are built and sorted: all of them take seconds at a million people
        frames = []
        for m, prefix in ((self.person, "persons:"), (self.address, "addresses:"), (self.organisation, "")):
            hit = m[isin(m, wanted).to_numpy()]
            frames.append(pd.DataFrame({"canon": hit.to_numpy(), "record": (prefix + hit.index.astype(str)).to_numpy()}))
        sub = pd.concat(frames, ignore_index=True).sort_values(["canon", "record"], kind="stable", ignore_index=True)
        canon, record = sub["canon"].to_numpy(dtype=object), sub["record"].to_numpy(dtype=object)
        starts = np.flatnonzero(np.r_[True, canon[1:] != canon[:-1]]) if len(canon) else np.zeros(0, dtype=np.int64)
        joined = dict(zip(canon[starts], (";".join(part) for part in np.split(record, starts[1:]))))
        return [joined.get(c, c) for c in wanted]

    def source_ids(self, canonical_id: str) -> str:
        """The records merged into ``canonical_id``, ``;``-joined as in ``scores.csv``."""
        return self.source_ids_of([canonical_id])[0]

    @property
    def counts(self) -> dict[str, int]:
        """Records and resolved entities per kind, and the judgements applied, for the manifest."""
        return {
            "person_records": len(self.person),
            "persons": int(self.person.nunique()),
            "organisation_records": len(self.organisation),
            "organisations": int(self.organisation.nunique()),
            "address_records": len(self.address),
            "addresses": int(self.address.nunique()),
            "judgements": dict(self.judgements),
        }


def resolve(tables: dict[str, pd.DataFrame], settings: Settings | None = None,
            judgements: pd.DataFrame | None = None, keep_models: bool = True) -> Resolution:
    """Resolve persons, organisations and addresses in validated ``tables``.

    ``judgements`` (see :mod:`graphkit.resolve.judgements`) override the model for the pairs
    they name. ``keep_models`` keeps each trained Splink linker and its records in
    ``Resolution.models`` (for ``explain-match``); without it each is freed as soon as its kind is
    resolved (a linker holds its DuckDB database: about a gigabyte at a million persons).
    """
    settings = settings or Settings()
    judged = judgements_from_frame(judgements) if judgements is not None else empty_judgements()
    applied = {"same": 0, "not_same": 0, "not_applied": 0}
    frames, models = [], {}

    def run(kind: str, source_ids: np.ndarray, hard: list[Links], records: pd.DataFrame | None,
            model: Model, threshold: float, consistent=None) -> np.ndarray:
        parts = list(hard)
        if records is not None and len(records) > 1:
            loaded = load(records, model, train_min_records=settings.resolve_train_min_records,
                          seed=settings.resolve_seed, threads=settings.resolve_threads)
            if not keep_models and consistent is None:
                # DuckDB holds its copy: the frame's columns (half a gigabyte at a million persons) go
                # before the pairs are scored; nothing reads this kind's records afterwards
                records.drop(columns=list(records.columns), inplace=True)
                release_memory()  # and handed back: the pairs' scoring is the job's peak (some 0.7 GiB less at 1M)
            found = score(loaded, threshold)
            parts.append(Links(found.left, found.right, found.probability, found.matched_on))
            if keep_models:
                models[kind] = (found.linker, records, source_ids)
            elif found.linker is not None:
                found.linker._db_api.duckdb_con.close()  # DuckDB's memory back now, not when the collector finds the linker
            found.linker = None
        same, apart = _judged(judged, source_ids, _TYPES_OF[kind], applied)
        parts.append(same)
        links = Links.concat(parts)
        keep = links.matched_on == "judgement"
        if consistent is not None:
            links = consistent(links, keep)
            keep = links.matched_on == "judgement"
        links = cut(len(source_ids), links, apart, keep)
        frame = entity_frame(_TYPES_OF[kind][0], source_ids, links)
        frames.append(frame)
        if np.array_equal(frame["source_id"].to_numpy(object), source_ids):  # sorted already: no index on a million ids
            return frame["entity_id"].to_numpy(object)
        return frame.set_index("source_id")["entity_id"].reindex(source_ids).to_numpy(object)

    # places
    empty = pd.DataFrame(columns=["address_id", "line", "city"])
    addr = tables.get("addresses", empty).sort_values("address_id", kind="stable", ignore_index=True)
    addr_ids = ("addresses:" + addr["address_id"].astype(str)).to_numpy(object)
    addr_records = places.place_records(addr)
    line_key = pd.Series(addr_records["line"].astype(str) + "|" + addr_records["village"].fillna("").astype(str)
                         + "|" + addr_records["city"].fillna("").astype(str))
    address_canon = run("addresses", addr_ids, [hard_links(line_key, None, places.LINE_RULE)], addr_records,
                        places.MODEL, settings.resolve_address_threshold,
                        lambda links, keep: places.consistent(addr_records, links, keep))
    address = pd.Series(address_canon, index=addr["address_id"].to_numpy(), dtype=object)

    # organisations
    city_of = addr.set_index("address_id")["city"] if len(addr) else pd.Series(dtype=object)
    orgs = organisations.organisation_records(tables, address, city_of)
    org_ids = orgs["record"].to_numpy(object)
    company = orgs.drop(columns=["record", "individual"])
    reg = orgs["registration_no"].fillna("") if "registration_no" in orgs else pd.Series([""] * len(orgs))
    org_canon = run("organisations", org_ids, [hard_links(reg, settings.resolve_hub_limit, "registration_no")],
                    company, organisations.MODEL, settings.resolve_organisation_threshold, organisations.named)
    organisation = pd.Series(org_canon, index=org_ids, dtype=object)

    # persons
    people = tables["persons"].sort_values("person_id", kind="stable", ignore_index=True)
    person_ids = ("persons:" + people["person_id"].astype(str)).to_numpy(object)
    lines = pd.Series(addr_records["line"].to_numpy(object), index=addr["address_id"].astype(str).to_numpy(object),
                      dtype=pd.StringDtype("pyarrow"))
    records = persons.person_records(tables, people, settings.resolve_hub_limit, address, organisation, lines)
    country = people["passport_country"].astype(pd.StringDtype("pyarrow")).fillna("") if "passport_country" in people else ""
    passport = (records["passport_no"].fillna("") + "|" + country).where(records["passport_no"].notna(), "")
    person_canon = run("persons", person_ids, [hard_links(passport, settings.resolve_hub_limit, "passport_no_and_country")],
                       records, persons.MODEL, settings.resolve_person_threshold)
    person = pd.Series(person_canon, index=people["person_id"].to_numpy(), dtype=object)

    applied["not_applied"] += int((~judged["left_source_id"].str.split(":").str[0].isin(list(_TYPES))).sum())
    entities = pd.concat(frames, ignore_index=True)
    return Resolution(person, organisation, address, entities, applied, models)


_TYPES_OF = {"persons": ("PERSON", ("persons",)), "addresses": ("ADDRESS", ("addresses",)),
             "organisations": ("ORGANISATION", ("employers", "sponsors"))}


def _judged(judged: pd.DataFrame, source_ids: np.ndarray, kind: tuple, applied: dict) -> tuple[Links, list]:
    """``same`` judgements as links and ``not_same`` ones as position pairs, for one kind of record."""
    tables = kind[1]
    prefix = judged["left_source_id"].str.split(":").str[0]
    mine = judged[prefix.isin(tables)]
    if mine.empty:  # no need to index a million ids
        return Links.concat([]), []
    position = pd.Series(np.arange(len(source_ids)), index=source_ids)
    left = mine["left_source_id"].map(position)
    right = mine["right_source_id"].map(position)
    known = left.notna() & right.notna()
    applied["not_applied"] += int((~known).sum())
    mine, left, right = mine[known], left[known].astype(np.int64), right[known].astype(np.int64)
    same = (mine["decision"] == "same").to_numpy()
    applied["same"] += int(same.sum())
    applied["not_same"] += int((~same).sum())
    n = int(same.sum())
    links = Links(left.to_numpy()[same], right.to_numpy()[same], np.ones(n), np.full(n, "judgement", dtype=object))
    return links, list(zip(left.to_numpy()[~same].tolist(), right.to_numpy()[~same].tolist()))
