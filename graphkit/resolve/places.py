"""Address records: which rows are one place.

Hard links: the same normalised line (``Jl.``/``Jalan``, ``No.``/``Nomor``, ``Gg.``/``Gang``,
``RT/RW``, case, spacing) in the same village and city (one street number can be two places in two
kelurahan) (aliases such as OKI, Muba and ``Kota Palembang`` spelled
out). The :data:`MODEL` weighs the rest: the street (its gang or lorong and blok apart), the house
number, RT and RW, kelurahan (village), kecamatan (district), city, postal code and, where both
records have them, coordinates.

A house number is not unique along an Indonesian street: numbering restarts in each RT (the
neighbourhood unit) and in each gang, so one line without RT/RW can name several houses of one
kelurahan. What tells them apart is taken as a veto on the entity, not only on the pair
(:func:`consistent`): no place holds two different RTs or RWs, nor two fixes further apart than one
house can be (:data:`FAR_KM`). A record that leaves RT/RW or coordinates out says nothing either
way, so it joins one of the houses it matches, never two.
"""

from __future__ import annotations

from difflib import SequenceMatcher

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from graphkit.resolve.entities import Links, components
from graphkit.resolve.linkage import Comparison, Level, Model
from graphkit.resolve.normalise import normalise_addresses, normalise_cities, _words

#: Two fixes of one place within this distance (km) are evidence that it is one: a phone's GPS fix
#: or a geocoded street address errs by tens of metres, and one house, hotel or boarding house
#: stands on one plot.
CLOSE_KM = 0.1
#: Two fixes further apart than this (km) are two places: the largest place one address line names
#: (a hotel, a company dormitory, a plantation's staff housing) spans a few hundred metres, while a
#: kelurahan spans one to three kilometres, so a kilometre apart is another neighbourhood.
FAR_KM = 1.0
#: The label of the hard link on the same line in one village and city.
LINE_RULE = "line_village_and_city"

_DISTANCE_KM = ("sqrt(pow((l.latitude - r.latitude) * 111.2, 2) + "
                "pow((l.longitude - r.longitude) * 111.2 * cos(radians(l.latitude)), 2))")
# the parts of a street that name one lane off it: a different gang or blok is a different street
_PARTS_AGREE = ("(l.lane IS NULL OR r.lane IS NULL OR jaro_winkler_similarity(l.lane, r.lane) >= 0.9) "
                "AND (l.block IS NULL OR r.block IS NULL OR l.block = r.block)")
_ONE_LANE = "((l.lane IS NULL) <> (r.lane IS NULL) OR (l.block IS NULL) <> (r.block IS NULL))"

MODEL = Model(
    kind="addresses",
    blocking=(
        "l.street = r.street AND l.number = r.number AND l.village = r.village",
        "l.street = r.street AND l.number = r.number AND l.postal_code = r.postal_code",
        "l.street = r.street AND l.village = r.village AND l.rt_rw = r.rt_rw",
        "l.number = r.number AND l.village = r.village AND l.rt_rw = r.rt_rw",
        "l.grid = r.grid AND l.number = r.number",
        "l.number = r.number AND l.postal_code = r.postal_code AND l.street4 = r.street4",
        # a village spelled otherwise (its first letters kept) on a street spelled alike: every other
        # street of the postcode would pair each house with its namesakes in the whole postcode, and
        # a house on another street is found through its RT/RW or its coordinates
        "l.number = r.number AND l.postal_code = r.postal_code AND l.village4 = r.village4 "
        "AND (l.road IS NULL OR r.road IS NULL OR jaro_winkler_similarity(l.road, r.road) >= 0.92)",
    ),
    comparisons=(
        Comparison("street", "l.street IS NULL OR r.street IS NULL", (
            Level("exact", "l.street = r.street", 0.88, 0.002, tf="street"),
            # the cheap tests first: random pairs (u is sampled on a million) mostly stop there
            Level("spelling", f"NOT {_ONE_LANE} AND {_PARTS_AGREE} AND jaro_winkler_similarity(l.road, r.road) >= 0.92",
                  0.07, 0.01),
            # one record names the gang (or blok) the house is in, the other only the road it leaves
            Level("lane_left_out", f"{_ONE_LANE} AND {_PARTS_AGREE} AND jaro_winkler_similarity(l.road, r.road) >= 0.92",
                  0.045, 0.01),
        )),
        Comparison("number", "l.number IS NULL OR r.number IS NULL", (
            Level("exact", "l.number = r.number", 0.995, 0.01),
        )),
        # RT and RW apart: one record may note only the RT; one place's records disagree on either
        # only through a typo
        Comparison("rt_rw", "l.rt_rw IS NULL OR r.rt_rw IS NULL", (
            Level("exact", "l.rt_rw = r.rt_rw", 0.95, 0.01),
            Level("partial", "(l.rt IS NULL OR r.rt IS NULL OR l.rt = r.rt) AND (l.rw IS NULL OR r.rw IS NULL OR l.rw = r.rw)",
                  0.045, 0.01),
        ), fixed_m=True),
        Comparison("village", "l.village IS NULL OR r.village IS NULL", (
            Level("exact", "l.village = r.village", 0.85, 0.01, tf="village"),
            Level("spelling", "jaro_winkler_similarity(l.village, r.village) >= 0.9", 0.1, 0.01),
        )),
        Comparison("district", "l.district IS NULL OR r.district IS NULL", (
            Level("exact", "l.district = r.district", 0.9, 0.03),
        )),
        Comparison("city", "l.city IS NULL OR r.city IS NULL", (
            Level("exact", "l.city = r.city", 0.95, 0.1),
        )),
        # u as declared: the pairs compared already share a street or a village, and houses of one
        # kelurahan lie within 100 m of each other about one time in a hundred, within a kilometre
        # about one time in three (random pairs from the whole province would say far less often)
        Comparison("coordinates", "l.latitude IS NULL OR r.latitude IS NULL", (
            Level(f"within_{CLOSE_KM * 1000:.0f}m", f"{_DISTANCE_KM} <= {CLOSE_KM}", 0.9, 0.01, fixed_u=True),
            Level(f"within_{FAR_KM:g}km", f"{_DISTANCE_KM} <= {FAR_KM}", 0.09, 0.3, fixed_u=True),
        ), fixed_m=True),
    ),
    duplicates_per_record=0.1,
    deterministic=("l.street = r.street AND l.number = r.number AND l.village = r.village",),
)


def _extract(values: pd.Series, pattern: str) -> pd.Series:
    """Group ``v`` of ``pattern``'s first match in each value (missing where none), as ``str.extract``."""
    found = pc.struct_field(pc.extract_regex(pa.array(values.array), pattern), "v")
    return pd.Series(found, index=values.index, dtype=values.dtype)


def place_records(addresses: pd.DataFrame) -> pd.DataFrame:
    """The model's columns for ``addresses`` (sorted by id; ``unique_id`` is the position).

    >>> r = place_records(pd.DataFrame({"address_id": ["A1"], "city": ["OKI"],
    ...                                 "line": ["Jl. Mawar Gg. Melati Blok C2 No. 3 RT 05/RW 02"]}))
    >>> r[["street", "road", "lane", "block", "number", "rt", "rw", "city"]].iloc[0].tolist()
    ['jalan mawar gang melati blok c2', 'jalan mawar', 'melati', 'c2', '3', '5', '2', 'ogan komering ilir']
    """
    # a normalised line is lower-case ASCII letters, digits and single spaces: in these patterns
    # " " stands for Python's "\s" and [0-9a-z] for "\w", so Arrow's RE2 runs them (pandas would
    # send "\s" and extract to Python's re, row by row)
    line = normalise_addresses(addresses["line"])
    number = _extract(line, r"\b(?:no|km) *(?P<v>\d+[0-9a-z]?)")
    rt = _extract(line, r"\brt (?P<v>\d+)")
    rw = _extract(line, r"\brw (?P<v>\d+)")
    street = line.str.replace(r"\b(no|km) *\d+[0-9a-z]?\b.*$", "", regex=True).str.replace(r"\b(rt|rw) \d+", "", regex=True)
    street = street.str.replace(r" {2,}", " ", regex=True).str.strip()

    def blank(values: pd.Series) -> pd.Series:
        return values.where(values.notna() & (values.astype(str) != ""), None)

    # the street's parts, once per distinct street (one street holds many houses)
    codes, streets = pd.factorize(street, use_na_sentinel=False)
    streets = pd.Series(streets, dtype=street.dtype)
    block, lane, road = (blank(part).to_numpy(object)[codes] for part in (
        _extract(streets, r"\bblok (?P<v>[0-9a-z]+)"),
        _extract(streets, r"\b(?:gang|lorong) (?P<v>[0-9a-z][0-9a-z ]*?)(?: blok\b|$)"),
        streets.str.replace(r"\b(gang|lorong|blok)\b.*$", "", regex=True).str.strip()))

    def column(name):
        return addresses[name] if name in addresses else pd.Series([None] * len(addresses), index=addresses.index)

    lat = pd.to_numeric(column("latitude"), errors="coerce")
    lon = pd.to_numeric(column("longitude"), errors="coerce")
    # one fix on houses of more than two streets (a corner house has two) is a geocoder's fallback,
    # the centre of a kelurahan or a city, not a house: no evidence either way
    fixes = pd.DataFrame({"lat": lat.to_numpy(float), "lon": lon.to_numpy(float), "street": codes})
    fallback = (fixes.groupby(["lat", "lon"])["street"].transform("nunique") > 2).to_numpy()
    lat, lon = lat.where(~fallback), lon.where(~fallback)
    city = normalise_cities(addresses["city"])
    village = _words(column("village"))

    return pd.DataFrame({
        "unique_id": np.arange(len(addresses), dtype=np.int64),
        "line": line.to_numpy(),
        "street": blank(street).to_numpy(),
        "road": road,
        "lane": lane,
        "block": block,
        "number": blank(number).to_numpy(),
        "rt_rw": blank(rt.fillna("") + "/" + rw.fillna("")).where(rt.notna() | rw.notna(), None).to_numpy(),
        "rt": rt.to_numpy(object),  # digits where present: never blank
        "rw": rw.to_numpy(object),
        "village": blank(village).to_numpy(),
        "district": blank(_words(column("district"))).to_numpy(),
        "city": blank(city).to_numpy(),
        "postal_code": blank(_words(column("postal_code"))).to_numpy(),
        "street4": blank(street.str.replace(r"^(jalan|gang|lorong) ", "", regex=True).str.slice(0, 4)).to_numpy(),
        "village4": blank(village.str.slice(0, 4)).to_numpy(),
        "latitude": lat.to_numpy(float),
        "longitude": lon.to_numpy(float),
        "grid": ((lat * 2000).round().astype("Int64").astype(str) + ":" + (lon * 2000).round().astype("Int64").astype(str))
        .where(lat.notna() & lon.notna(), None).to_numpy(),
    })


def _km(lat: np.ndarray, lon: np.ndarray, lat2: np.ndarray, lon2: np.ndarray) -> np.ndarray:
    """Distances in km (the flat-earth approximation of the model's SQL: exact enough within a city)."""
    return np.hypot((lat - lat2) * 111.2, (lon - lon2) * 111.2 * np.cos(np.radians(lat)))


def _one_name(a: str, b: str) -> bool:
    """Whether two gang names are spellings of one (a typo, ``H.``/``Haji``), not two lanes.

    >>> _one_name("kenanga", "kenamga"), _one_name("h umar", "haji umar"), _one_name("melati", "swadaya")
    (True, True, False)
    """
    return SequenceMatcher(None, a, b).ratio() >= 0.8


def consistent(records: pd.DataFrame, links: Links, keep: np.ndarray) -> Links:
    """``links`` without those that would make one place of records that are two.

    Two records are two places when both note an RT (or both an RW) and the numbers differ, when
    both name a gang and the names are not spellings of one, or when both have coordinates more
    than :data:`FAR_KM` apart; a record without them is no evidence
    either way. Within each set of linked records holding such a pair, places grow from the
    strongest evidence down: links marked in ``keep`` (judged ``same``) first and always, then the
    model's links by probability, then the hard links on the same line (a line without RT/RW is not
    one house); a link whose two places disagree is dropped.

    >>> records = pd.DataFrame({"rt": ["1", None, "2"], "rw": ["3", None, "3"], "lane": [None] * 3,
    ...                         "latitude": [np.nan] * 3, "longitude": [np.nan] * 3})
    >>> links = Links(np.array([0, 1]), np.array([1, 2]), np.array([0.99, 0.98]), np.array(["a", "b"], dtype=object))
    >>> consistent(records, links, np.zeros(2, dtype=bool)).right.tolist()
    [1]
    """
    n = len(records)
    if not len(links):
        return links
    label = components(n, links)
    rt, rw, lane = (records[c].to_numpy(object) for c in ("rt", "rw", "lane"))
    lat, lon = records["latitude"].to_numpy(float), records["longitude"].to_numpy(float)
    frame = pd.DataFrame({"label": label, "rt": rt, "rw": rw, "lane": lane, "lat": lat, "lon": lon})
    per = frame.groupby("label").agg(rt=("rt", "nunique"), rw=("rw", "nunique"), lane=("lane", "nunique"),
                                     lat0=("lat", "min"), lat1=("lat", "max"), lon0=("lon", "min"), lon1=("lon", "max"))
    # a component whose fixes span more than FAR_KM may hold two that far apart
    span = _km(per["lat0"].to_numpy(), per["lon0"].to_numpy(), per["lat1"].to_numpy(), per["lon1"].to_numpy())
    doubtful = per.index[(per[["rt", "rw", "lane"]] > 1).any(axis=1) | (np.nan_to_num(span) > FAR_KM)].to_numpy()
    if not len(doubtful):
        return links
    inside = np.flatnonzero(np.isin(label[links.left], doubtful))
    hard = links.matched_on[inside] == LINE_RULE
    order = inside[np.lexsort((links.right[inside], links.left[inside], -links.probability[inside], hard,
                               ~keep[inside]))]
    alive = np.ones(len(links), dtype=bool)
    alive[inside] = False
    present = lambda v: None if pd.isna(v) else v  # noqa: E731
    parent: dict[int, int] = {}
    # each place so far: its RTs, its RWs, its gangs and its fixes
    state: dict[int, tuple[set, set, set, np.ndarray]] = {}

    def root(i: int) -> int:
        while parent.get(i, i) != i:
            i = parent[i]
        return i

    def of(i: int) -> tuple[set, set, set, np.ndarray]:
        if i not in state:
            fix = np.array([[lat[i], lon[i]]]) if lat[i] == lat[i] and lon[i] == lon[i] else np.empty((0, 2))
            state[i] = tuple({present(v[i])} - {None} for v in (rt, rw, lane)) + (fix,)
        return state[i]

    def clash(a: tuple, b: tuple) -> bool:
        if any(x and y and not x & y for x, y in ((a[0], b[0]), (a[1], b[1]))):
            return True
        if a[2] and b[2] and not any(_one_name(x, y) for x in a[2] for y in b[2]):
            return True
        fa, fb = a[3], b[3]
        return bool(len(fa) and len(fb) and (_km(fa[:, :1], fa[:, 1:], fb[:, 0][None, :], fb[:, 1][None, :]) > FAR_KM).any())

    for i in order:
        a, b = root(int(links.left[i])), root(int(links.right[i]))
        if a != b:
            sa, sb = of(a), of(b)
            if not keep[i] and clash(sa, sb):
                continue
            a, b = min(a, b), max(a, b)
            parent[b] = a
            state[a] = (sa[0] | sb[0], sa[1] | sb[1], sa[2] | sb[2], np.concatenate([sa[3], sb[3]]))
            del state[b]
        alive[i] = True
    return Links(links.left[alive], links.right[alive], links.probability[alive], links.matched_on[alive])
