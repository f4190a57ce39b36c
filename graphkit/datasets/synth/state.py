"""The generator's state: integer-coded rows appended in chunks, the random generator, the style's draws."""

from __future__ import annotations

import numpy as np

from graphkit.datasets.synth.reference import PRIMARY_ROW, REGULAR, RESIDENTIAL, TWIN, _NA


class _Rows:
    """Columns appended in chunks by the generators, concatenated when read."""

    def __init__(self, **defaults):
        self.defaults = defaults
        self.chunks: list[dict[str, np.ndarray]] = []
        self.n = 0

    def add(self, n: int, **cols) -> np.ndarray:
        unknown = set(cols) - set(self.defaults)
        if unknown:
            raise KeyError(f"unknown columns {sorted(unknown)}")
        chunk = {}
        for name, default in self.defaults.items():
            value = cols.get(name, default)
            dtype = object if isinstance(default, str) else None
            chunk[name] = np.array(np.broadcast_to(np.asarray(value, dtype=dtype), (n,)))
        self.chunks.append(chunk)
        self.n += n
        return np.arange(self.n - n, self.n)

    def __getitem__(self, name: str) -> np.ndarray:
        """The whole column, writable (chunks are merged first)."""
        if len(self.chunks) > 1:
            self.chunks = [{k: np.concatenate([c[k] for c in self.chunks]) for k in self.defaults}]
        if not self.chunks:
            return np.asarray([], dtype=object if isinstance(self.defaults[name], str) else np.int64)
        return self.chunks[0][name]


class _World:
    """Everything generated so far, as integer codes, and the random generator."""

    def __init__(self, rng: np.random.Generator, today: int, params: dict):
        self.rng = rng
        self.today = today
        self.p = params  # the world style's draws for this scenario
        self.humans = _Rows(nat=0, culture=0, sex=0, birth=0, given=0, family=0, role=0)
        self.persons = _Rows(human=0, kind=PRIMARY_ROW, passport=0, no_passport=False)
        self.places = _Rows(city=0, kind=RESIDENTIAL, street=0, gang=-1, number=0, km=-1, rt=-1, rw=-1,
                            village=0, lat=0.0, lon=0.0, label="", special=False)
        self.addresses = _Rows(place=0, style=0)
        self.companies = _Rows(kind=REGULAR, city=0, core="", form=0, reg="", sector="", address=0, phone="",
                               twin=0, size=0)
        self.sponsors = _Rows(kind=TWIN, type=0, name="", reg="", address=0, phone="", company=-1)
        self.permits = _Rows(person=0, ptype=0, purpose=0, sponsor=-1, issued=0, expires=0, office=-1)
        self.movements = _Rows(person=0, direction=0, date=0, port=0)
        self.employment = _Rows(person=0, company=0, source=0, start=0, end=_NA, role="")
        self.residences = _Rows(person=0, address=0, reported=0, source=0)
        self.used: dict[str, np.ndarray] = {}
        self.truth: dict[str, tuple[str, object]] = {}
        self.twin_reg_shared = 0
        self.mill_spellings = (np.empty(0, np.int64), np.empty(0, np.int64))  # one mill under two rows
        self.orgs: dict[str, np.ndarray] = {}
        self.shell: dict[str, np.ndarray] = {}

    def between(self, lo, hi, n: int | None = None) -> np.ndarray:
        """Uniform integers in [lo, hi] (arrays or scalars, hi >= lo), ``n`` of them for scalar bounds."""
        shape = np.broadcast_shapes(np.shape(lo), np.shape(hi), () if n is None else (n,))
        lo = np.broadcast_to(np.asarray(lo, np.int64), shape)
        hi = np.broadcast_to(np.asarray(hi, np.int64), shape)
        return lo + (self.rng.random(shape) * (hi - lo + 1)).astype(np.int64)

    def pick(self, options, n: int):
        """n draws from a tuple of strings, as an object array."""
        return np.asarray(options, dtype=object)[self.rng.integers(0, len(options), n)]

    def fresh(self, space: str, n: int, lo: int, hi: int) -> np.ndarray:
        """n distinct integers in [lo, hi) never handed out before in ``space`` (document numbers)."""
        used = self.used.get(space, np.empty(0, np.int64))
        out = self.rng.integers(lo, hi, n)
        while True:
            bad = np.isin(out, used)
            _, first = np.unique(out, return_index=True)
            repeated = np.ones(n, bool)
            repeated[first] = False
            bad |= repeated
            if not bad.any():
                break
            out[bad] = self.rng.integers(lo, hi, int(bad.sum()))
        self.used[space] = np.concatenate([used, out])
        return out


def _rank_in_group(counts: np.ndarray) -> np.ndarray:
    """0, 1, ... within each run of np.repeat(..., counts)."""
    counts = np.asarray(counts, np.int64)
    starts = np.cumsum(counts) - counts
    return np.arange(int(counts.sum())) - np.repeat(starts, counts)


def _split(members: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """Group number of each member when ``members`` is cut into runs of ``sizes``."""
    return np.repeat(np.arange(len(sizes)), sizes)[: len(members)]


def _members(w: _World, role: int) -> np.ndarray:
    return np.flatnonzero(w.humans["role"] == role)
