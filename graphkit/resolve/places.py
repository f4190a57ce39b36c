"""Address records: which rows are one place.

Hard links: the same normalised line (``Jl.``/``Jalan``, ``No.``/``Nomor``, ``Gg.``/``Gang``,
``RT/RW``, case, spacing) in the same village and city (one street number can be two places in two
kelurahan) (aliases such as OKI, Muba and ``Kota Palembang`` spelled
out). The :data:`MODEL` weighs the rest: the street, the house number, RT and RW, kelurahan
(village), kecamatan (district), city, postal code and, where both records have them, coordinates.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from graphkit.resolve.linkage import Comparison, Level, Model
from graphkit.resolve.normalise import normalise_addresses, normalise_cities, _words

_DISTANCE_KM = ("sqrt(pow((l.latitude - r.latitude) * 111.2, 2) + "
                "pow((l.longitude - r.longitude) * 111.2 * cos(radians(l.latitude)), 2))")

MODEL = Model(
    kind="addresses",
    blocking=(
        "l.street = r.street AND l.number = r.number AND l.village = r.village",
        "l.street = r.street AND l.number = r.number AND l.postal_code = r.postal_code",
        "l.street = r.street AND l.village = r.village AND l.rt_rw = r.rt_rw",
        "l.number = r.number AND l.village = r.village AND l.rt_rw = r.rt_rw",
        "l.grid = r.grid AND l.number = r.number",
        "l.number = r.number AND l.postal_code = r.postal_code AND l.street4 = r.street4",
        "l.number = r.number AND l.postal_code = r.postal_code AND l.village4 = r.village4",
    ),
    comparisons=(
        Comparison("street", "l.street IS NULL OR r.street IS NULL", (
            Level("exact", "l.street = r.street", 0.9, 0.002, tf="street"),
            Level("spelling", "jaro_winkler_similarity(l.street, r.street) >= 0.92", 0.095, 0.01),
        )),
        Comparison("number", "l.number IS NULL OR r.number IS NULL", (
            Level("exact", "l.number = r.number", 0.995, 0.01),
        )),
        Comparison("rt_rw", "l.rt_rw IS NULL OR r.rt_rw IS NULL", (
            Level("exact", "l.rt_rw = r.rt_rw", 0.99, 0.01),
        )),
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
        Comparison("coordinates", "l.latitude IS NULL OR r.latitude IS NULL", (
            Level("within_50m", f"{_DISTANCE_KM} <= 0.05", 0.89, 0.0005),
            Level("within_500m", f"{_DISTANCE_KM} <= 0.5", 0.1, 0.05),
        )),
    ),
    duplicates_per_record=0.1,
    deterministic=("l.street = r.street AND l.number = r.number AND l.village = r.village",),
)


def _extract(values: pd.Series, pattern: str) -> pd.Series:
    """Group ``v`` of ``pattern``'s first match in each value (missing where none), as ``str.extract``."""
    found = pc.struct_field(pc.extract_regex(pa.array(values.array), pattern), "v")
    return pd.Series(found, index=values.index, dtype=values.dtype)


def place_records(addresses: pd.DataFrame) -> pd.DataFrame:
    """The model's columns for ``addresses`` (sorted by id; ``unique_id`` is the position)."""
    # a normalised line is lower-case ASCII letters, digits and single spaces: in these patterns
    # " " stands for Python's "\s" and [0-9a-z] for "\w", so Arrow's RE2 runs them (pandas would
    # send "\s" and extract to Python's re, row by row)
    line = normalise_addresses(addresses["line"])
    number = _extract(line, r"\b(?:no|km) *(?P<v>\d+[0-9a-z]?)")
    rt = _extract(line, r"\brt (?P<v>\d+)")
    rw = _extract(line, r"\brw (?P<v>\d+)")
    street = line.str.replace(r"\b(no|km) *\d+[0-9a-z]?\b.*$", "", regex=True).str.replace(r"\b(rt|rw) \d+", "", regex=True)
    street = street.str.replace(r" {2,}", " ", regex=True).str.strip()

    def column(name):
        return addresses[name] if name in addresses else pd.Series([None] * len(addresses), index=addresses.index)

    lat = pd.to_numeric(column("latitude"), errors="coerce")
    lon = pd.to_numeric(column("longitude"), errors="coerce")
    city = normalise_cities(addresses["city"])
    village = _words(column("village"))

    def blank(values: pd.Series) -> pd.Series:
        return values.where(values.notna() & (values.astype(str) != ""), None)

    return pd.DataFrame({
        "unique_id": np.arange(len(addresses), dtype=np.int64),
        "line": line.to_numpy(),
        "street": blank(street).to_numpy(),
        "number": blank(number).to_numpy(),
        "rt_rw": blank(rt.fillna("") + "/" + rw.fillna("")).where(rt.notna() | rw.notna(), None).to_numpy(),
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
