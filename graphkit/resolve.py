"""Entity resolution: link the records of one human, one company and one place.

Deterministic rules (probabilistic linkage may come later):

* persons -- the same passport number and passport country; or the same normalised name, birth
  date and passport country, unless both records crossed the border on their own (two travel
  histories: two people); or, where a record has no birth date, the same normalised name and passport
  country corroborated by a shared sponsor, employer or address. Identity attributes decide that
  two records are one human; they are never risk evidence.
* organisations -- an employer and a sponsor (or two of either) with the same registration number;
  else the same normalised name (``PT``, ``PT.``, ``CV``, ``Tbk``, punctuation, case dropped) in
  the same city. Individual sponsors are people, not companies: they are never merged.
* addresses -- the same normalised line (``Jl.``/``Jalan``, ``No.``/``Nomor``, ``Gg.``/``Gang``,
  ``RT/RW``, case, spacing) in the same city.

A value shared by more than ``hub_limit`` records (an agency's phone, a placeholder passport
number) is a hub: it is not allowed to merge anything. The analysis still ranks those hubs.

Each group gets a canonical id, the ``table:id`` of its first record (employers before sponsors),
and lists every record merged into it.

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

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from graphkit.arrowops import isin, positions

HUB_LIMIT = 25

_COMPANY_FORMS = r"\b(pt|cv|tbk|persero|ud|firma|fa)\b"
_NON_WORD = r"[^0-9a-z]+"
_ADDRESS_WORDS = [
    (r"\b(jl|jln|jalan)\b", "jalan"),
    (r"\b(no|nomor|nomer|nmr)\b", "no"),
    (r"\b(gg|gang)\b", "gang"),
    (r"\b(jend|jendral|jenderal)\b", "jenderal"),
    (r"\b(kpt|kapt|kapten)\b", "kapten"),
    (r"\brt\s*0*", "rt "),  # no group references: those fall back to Python's re, row by row
    (r"\brw\s*0*", "rw "),
]


def _words(s: pd.Series) -> pd.Series:
    """Lower case, anything but letters and digits as single spaces, trimmed (Arrow-backed: fast)."""
    s = s.astype(pd.StringDtype("pyarrow")).fillna("")
    return s.str.lower().str.replace(_NON_WORD, " ", regex=True).str.strip()


def normalise_company(name: str) -> str:
    """A company name without legal forms, punctuation, case or extra spaces."""
    return normalise_companies(pd.Series([name])).iloc[0]


def normalise_companies(names: pd.Series) -> pd.Series:
    """Vectorised :func:`normalise_company`."""
    return _squash(_words(names).str.replace(_COMPANY_FORMS, " ", regex=True))


def normalise_address(line: str) -> str:
    """An address line with Indonesian abbreviations unified, punctuation, case and spacing dropped."""
    return normalise_addresses(pd.Series([line])).iloc[0]


def normalise_addresses(lines: pd.Series) -> pd.Series:
    """Vectorised :func:`normalise_address`."""
    out = _words(lines)
    for pattern, repl in _ADDRESS_WORDS:
        out = out.str.replace(pattern, repl, regex=True)
    return _squash(out)


def _squash(s: pd.Series) -> pd.Series:
    return s.str.replace(r"\s+", " ", regex=True).str.strip()


def normalise_names(names: pd.Series) -> pd.Series:
    """Person names: case, punctuation and spacing dropped (transliterations are not guessed)."""
    return _words(names)


def normalise_documents(values: pd.Series) -> pd.Series:
    """Document and registration numbers: letters and digits only, upper case."""
    return values.fillna("").astype(str).str.upper().str.replace(r"[^0-9A-Z]", "", regex=True)


def group_records(n: int, keys: list[pd.Series], hub_limit: int = HUB_LIMIT,
                  pairs: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """Connected groups of ``n`` records that share any non-empty key value (or are given as pairs).

    Each key is a Series aligned to the records (position i = record i); values shared by more
    than ``hub_limit`` records are ignored. ``pairs`` adds links (positions i, j) decided
    elsewhere. Returns each record's group number, numbered by the group's first record.

    >>> group_records(4, [pd.Series(["a", "b", "a", ""]), pd.Series(["", "x", "", "x"])]).tolist()
    [0, 1, 0, 1]
    """
    rows, cols = [np.arange(n)], [np.arange(n)]
    for key in keys:
        frame = pd.DataFrame({"key": key.to_numpy(), "pos": np.arange(n)})
        frame = frame[frame["key"].notna() & (frame["key"] != "")]
        size = frame.groupby("key")["pos"].transform("size")
        frame = frame[(size > 1) & (size <= hub_limit)]
        first = frame.groupby("key")["pos"].transform("min")
        rows.append(frame["pos"].to_numpy())
        cols.append(first.to_numpy())
    if pairs is not None:
        rows.append(np.asarray(pairs[0], dtype=np.int64))
        cols.append(np.asarray(pairs[1], dtype=np.int64))
    r, c = np.concatenate(rows), np.concatenate(cols)
    graph = coo_matrix((np.ones(len(r), dtype=np.int8), (r, c)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    first_of = pd.Series(np.arange(n)).groupby(labels).transform("min").to_numpy()
    return first_of


@dataclass
class Resolution:
    """Canonical ids for every record, and the records behind every canonical id.

    ``person``, ``organisation`` and ``address`` map a record id to its canonical id (``table:id``);
    organisation maps are keyed ``table:id`` since employers and sponsors share them.
    """

    person: pd.Series
    organisation: pd.Series
    address: pd.Series

    @cached_property
    def records(self) -> pd.DataFrame:
        """Every record (``table:id``) with its canonical id, sorted."""
        frames = [pd.DataFrame({"canon": m.to_numpy(), "record": (prefix + m.index.astype(str)).to_numpy()})
                  for m, prefix in ((self.person, "persons:"), (self.address, "addresses:"), (self.organisation, ""))]
        return pd.concat(frames, ignore_index=True).sort_values(["canon", "record"], kind="stable", ignore_index=True)

    def source_ids_of(self, canonical_ids) -> list[str]:
        """For each canonical id, the records merged into it, ``;``-joined as in ``scores.csv``."""
        wanted = list(canonical_ids)
        sub = self.records[isin(self.records["canon"], wanted)]
        joined = sub.groupby("canon", sort=False)["record"].agg(";".join)
        return [joined.get(c, c) for c in wanted]

    def source_ids(self, canonical_id: str) -> str:
        """The records merged into ``canonical_id``, ``;``-joined as in ``scores.csv``."""
        return self.source_ids_of([canonical_id])[0]

    @property
    def counts(self) -> dict[str, int]:
        """Records and resolved entities per kind, for the manifest."""
        return {
            "person_records": len(self.person),
            "persons": int(self.person.nunique()),
            "organisation_records": len(self.organisation),
            "organisations": int(self.organisation.nunique()),
            "address_records": len(self.address),
            "addresses": int(self.address.nunique()),
        }


def _canonical(ids: pd.Series, groups: np.ndarray) -> pd.Series:
    return pd.Series(ids.to_numpy()[groups], index=ids.to_numpy())


def resolve(tables: dict[str, pd.DataFrame], hub_limit: int = HUB_LIMIT) -> Resolution:
    """Resolve persons, organisations and addresses in validated ``tables``."""
    empty = pd.DataFrame(columns=["address_id", "line", "city"])
    addresses = tables.get("addresses", empty).sort_values("address_id", kind="stable")
    addr_key = normalise_addresses(addresses["line"]) + "|" + _words(addresses["city"])
    addr_groups = group_records(len(addresses), [addr_key.reset_index(drop=True)], hub_limit=10**9)
    address = _canonical("addresses:" + addresses["address_id"].astype(str), addr_groups)
    address.index = addresses["address_id"].to_numpy()

    persons = tables["persons"].sort_values("person_id", kind="stable").reset_index(drop=True)
    passport = normalise_documents(persons["passport_no"])
    passport_key = (passport + "|" + persons["passport_country"].fillna("").astype(str)).where(passport != "", "")
    birth = persons["birth_date"].dt.strftime("%Y-%m-%d").fillna("")
    country = persons["passport_country"].fillna("").astype(str)
    name_key = (normalise_names(persons["full_name"]) + "|" + birth + "|" + country).where(birth != "", "")
    crossed = _crossed(tables, persons)
    same_name, ambiguous = _without_second_entries(name_key, crossed, hub_limit)
    undated = persons["birth_date"].isna().to_numpy()
    who = normalise_names(persons["full_name"]) + "|" + country
    anchors = _anchors(tables, persons)
    links = [same_name,
             _corroborated(anchors, who, undated, ~undated, hub_limit),
             _corroborated(anchors, name_key, ambiguous, crossed, hub_limit)]
    pairs = tuple(np.concatenate(side) for side in zip(*links))
    groups = group_records(len(persons), [passport_key], hub_limit, pairs)
    person = pd.Series(("persons:" + persons["person_id"].astype(str)).to_numpy()[groups], index=persons["person_id"].to_numpy())

    organisation = _resolve_organisations(tables, address, hub_limit)

    return Resolution(person, organisation, address)


def _crossed(tables: dict[str, pd.DataFrame], persons: pd.DataFrame) -> np.ndarray:
    """Whether each person record has crossed a border (arrival or departure) on record."""
    if "movements" not in tables:
        return np.zeros(len(persons), dtype=bool)
    return isin(persons["person_id"], tables["movements"]["person_id"]).to_numpy()


def _without_second_entries(key: pd.Series, crossed: np.ndarray, hub_limit: int) -> tuple[tuple[np.ndarray, np.ndarray], np.ndarray]:
    """Links within each group of equal ``key`` (same name, birth date, passport country): every
    record that never crossed a border joins the one record of the group that did (or, when none
    did, the group's first record).

    Two records that each crossed the border are two people who share a name and a birth date,
    not one person under a renewed passport (a passport renewed here has no crossings yet). Where
    a group has several such people, which one a record without crossings belongs to is left to
    corroboration: the second value marks those records.
    """
    frame = pd.DataFrame({"key": key.to_numpy(), "crossed": crossed, "pos": np.arange(len(key))})
    frame = frame[frame["key"] != ""]
    size = frame.groupby("key")["pos"].transform("size")
    frame = frame[(size >= 2) & (size <= hub_limit)].sort_values(["key", "crossed", "pos"], ascending=[True, False, True])
    travellers = frame.groupby("key")["crossed"].transform("sum")
    first = frame.groupby("key")["pos"].transform("first")
    placing = ~frame["crossed"] & (frame["pos"] != first)
    joining = frame[placing & (travellers <= 1)]
    ambiguous = np.zeros(len(key), dtype=bool)
    ambiguous[frame.loc[placing & (travellers > 1), "pos"].to_numpy()] = True
    return (joining["pos"].to_numpy(), first[joining.index].to_numpy()), ambiguous


def _anchors(tables: dict[str, pd.DataFrame], persons: pd.DataFrame) -> pd.DataFrame:
    """Every (person record position, anchor code) for the sponsors, employers and addresses a
    record is linked to (both corroboration passes use it)."""
    parts = []
    for number, (table, col) in enumerate((("permits", "sponsor_id"), ("employment", "employer_id"), ("residences", "address_id"))):
        if table not in tables:
            continue
        t = tables[table]
        pos = positions(t["person_id"], persons["person_id"])
        keep = (pos >= 0) & t[col].notna().to_numpy()
        anchor = pd.factorize(t[col].to_numpy()[keep])[0]
        parts.append(pd.DataFrame({"pos": pos[keep], "anchor": anchor.astype(np.int64) * 4 + number}))
    if not parts:
        return pd.DataFrame({"pos": pd.Series(dtype=np.int64), "anchor": pd.Series(dtype=np.int64)})
    return pd.concat(parts, ignore_index=True).drop_duplicates(ignore_index=True)


def _corroborated(anchors: pd.DataFrame, who: pd.Series, needs: np.ndarray,
                  preferred: np.ndarray, hub_limit: int) -> tuple[np.ndarray, np.ndarray]:
    """Links from each record that ``needs`` corroboration to a record with the same ``who`` key
    that shares a sponsor, employer or address with it (``preferred`` records first).

    Used for records without a birth date (``who`` = name and passport country) and for records
    that could belong to several same-named travellers (``who`` = name, birth date and country).
    Works on integer codes: at a million persons, common names make string keys too slow.
    """
    none = np.array([], dtype=np.int64), np.array([], dtype=np.int64)
    if not needs.any():
        return none
    who = pd.factorize(who)[0]
    links = anchors[np.isin(who[anchors["pos"].to_numpy()], np.unique(who[needs]))].copy()
    if links.empty:
        return none
    links["key"] = who[links["pos"].to_numpy()].astype(np.int64) * (int(links["anchor"].max()) + 1) + links["anchor"]
    links["needs"] = needs[links["pos"].to_numpy()]
    links["preferred"] = preferred[links["pos"].to_numpy()]
    grouped = links.groupby("key")
    size, has_need = grouped["pos"].transform("nunique"), grouped["needs"].transform("any")
    links = links[(size >= 2) & (size <= hub_limit) & has_need]
    if links.empty:
        return none
    links = links.sort_values(["key", "preferred", "pos"], ascending=[True, False, True], kind="stable")
    first = links.groupby("key")["pos"].transform("first")
    joining = links[links["needs"] & (links["pos"] != first)]
    return joining["pos"].to_numpy(), first[joining.index].to_numpy()


def _resolve_organisations(tables: dict[str, pd.DataFrame], address: pd.Series, hub_limit: int) -> pd.Series:
    frames = []
    for table, id_col in (("employers", "employer_id"), ("sponsors", "sponsor_id")):
        if table not in tables:
            continue
        t = tables[table].sort_values(id_col, kind="stable")
        frames.append(pd.DataFrame({
            "record": (table + ":" + t[id_col].astype(str)).to_numpy(),
            "name": t["name"].to_numpy(),
            "registration_no": t["registration_no"].to_numpy(),
            "address_id": t["address_id"].to_numpy(),
            "individual": (t["sponsor_type"] == "INDIVIDUAL").to_numpy() if "sponsor_type" in t else False,
        }))
    if not frames:
        return pd.Series(dtype="object")
    orgs = pd.concat(frames, ignore_index=True)
    addr = tables.get("addresses")
    city_of = addr.set_index("address_id")["city"] if addr is not None else pd.Series(dtype="object")
    city = _words(orgs["address_id"].map(city_of))
    company = ~orgs["individual"].astype(bool)
    reg = normalise_documents(orgs["registration_no"]).where(company, "")
    name = normalise_companies(orgs["name"])
    name_city = (name + "|" + city).where(company & (name != "") & (city != ""), "")
    groups = group_records(len(orgs), [reg, name_city], hub_limit)
    return pd.Series(orgs["record"].to_numpy()[groups], index=orgs["record"].to_numpy())
