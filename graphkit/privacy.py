"""Keyed pseudonyms for personal identifiers in exports shared beyond the investigating team.

A :class:`Pseudonymiser` turns a name or a document number into a stable pseudonym with HMAC-SHA256
under a secret key: the same value gives the same pseudonym in every export made with that key (so
analysts can still see that two nodes are the same person), and nobody without the key can reverse
or recompute it. Which columns are personal is said once, in ``schema.yaml`` (``personal: name`` or
``personal: document``).

Examples
--------
>>> from graphkit import load_folder
>>> from graphkit.datasets import tiny_path
>>> p = Pseudonymiser("case-2026-key")
>>> persons = p.frame(load_folder(tiny_path()).tables["persons"], "persons")
>>> first = persons["full_name"].iloc[0]
>>> first == p.name("Li Wei"), first.startswith("PERSON-")
(True, True)
>>> "Li Wei" in persons["full_name"].to_list()
False
>>> p
Pseudonymiser(key=<hidden>)
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata

import pandas as pd

from graphkit.schema import load_schema

PREFIXES = {"name": "PERSON", "document": "DOC"}
DIGITS = 12  # 48 bits: a collision among a million distinct values has odds of about 1 in 500


class Pseudonymiser:
    """Replaces personal values with ``PERSON-<hex>`` / ``DOC-<hex>`` pseudonyms keyed by ``key``.

    Values are compared after Unicode NFKC normalisation, case folding and whitespace collapsing,
    so ``"Li  Wei"`` and ``"LI WEI"`` get the same pseudonym. Empty values stay empty.

    Parameters
    ----------
    key : bytes or str
        The secret; a str is encoded as UTF-8. It is kept only inside an HMAC state, never shown.

    Examples
    --------
    >>> p = Pseudonymiser(b"k")
    >>> p.name("Li Wei") == p.name(" li  wei "), p.name("Li Wei") == Pseudonymiser(b"other").name("Li Wei")
    (True, False)
    >>> p.document("E10000001")[:4], len(p.document("E10000001"))
    ('DOC-', 16)
    """

    __slots__ = ("_mac",)

    def __init__(self, key: bytes | str) -> None:
        raw = key.encode("utf-8") if isinstance(key, str) else bytes(key)
        if not raw:
            raise ValueError("pseudonymisation key is empty: set a secret key")
        self._mac = hmac.new(raw, digestmod=hashlib.sha256)

    def __repr__(self) -> str:
        return "Pseudonymiser(key=<hidden>)"

    def _pseudonym(self, kind: str, value):
        if value is None or value is pd.NA or (isinstance(value, float) and value != value):
            return value
        text = " ".join(unicodedata.normalize("NFKC", str(value)).casefold().split())
        if not text:
            return value
        mac = self._mac.copy()
        mac.update(f"{kind}\x00{text}".encode("utf-8"))
        return f"{PREFIXES[kind]}-{mac.hexdigest()[:DIGITS]}"

    def name(self, value):
        """The pseudonym of a person's name, e.g. ``PERSON-3f9a1c2b04de``."""
        return self._pseudonym("name", value)

    def document(self, value):
        """The pseudonym of a document number, e.g. ``DOC-81be0c4d9a17``."""
        return self._pseudonym("document", value)

    def value(self, kind: str, value):
        """The pseudonym of ``value`` for a schema ``personal`` kind (``name`` or ``document``)."""
        if kind not in PREFIXES:
            raise ValueError(f"unknown personal kind {kind!r}: expected one of {sorted(PREFIXES)}")
        return self._pseudonym(kind, value)

    def frame(self, frame: pd.DataFrame, table: str) -> pd.DataFrame:
        """A copy of contract table ``table`` with every personal column pseudonymised."""
        out = frame.copy()
        for name, kind in personal_columns(table).items():
            if name in out.columns:
                out[name] = out[name].map(lambda v, k=kind: self._pseudonym(k, v))
        return out


def personal_columns(table: str) -> dict[str, str]:
    """``{column: kind}`` for the columns of ``table`` that ``schema.yaml`` marks personal.

    >>> personal_columns("persons")
    {'full_name': 'name', 'passport_no': 'document'}
    """
    return {c.name: c.personal for c in load_schema().table(table).columns if c.personal}


#: An individual sponsor is a person: their name and national id are personal too.
_INDIVIDUAL_SPONSOR = {"name": "name", "registration_no": "document"}


def personal_values(table: str, row: dict) -> dict[str, str]:
    """``{column: kind}`` of one row's personal values: the schema's personal columns, plus the
    name and national id of an individual sponsor.

    >>> personal_values("sponsors", {"sponsor_type": "INDIVIDUAL", "name": "Budi"})
    {'name': 'name', 'registration_no': 'document'}
    >>> personal_values("sponsors", {"sponsor_type": "ORGANIZATION", "name": "PT Maju"})
    {}
    """
    found = personal_columns(table)
    if table == "sponsors" and str(row.get("sponsor_type", "")).upper() == "INDIVIDUAL":
        found = {**found, **_INDIVIDUAL_SPONSOR}
    return found
