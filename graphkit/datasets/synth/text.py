"""Arrow string helpers: codes to text, ISO dates, zero-padded ids."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from graphkit.datasets.synth.reference import _NA


def _strings(values) -> pa.Array:
    return pa.array(values, pa.string())


def _take(vocabulary, codes) -> pa.Array:
    return pa.array(list(vocabulary), pa.string()).take(pa.array(np.asarray(codes, np.int64)))


def _join(*parts) -> pa.Array:
    return pc.binary_join_element_wise(*parts, "")


def _number_text(values) -> pa.Array:
    return pc.cast(pa.array(np.asarray(values)), pa.string())


def _blank(values: pa.Array, mask: np.ndarray) -> pa.Array:
    return pc.if_else(pa.array(np.asarray(mask, bool)), "", values)


def _iso(days) -> pa.Array:
    days = np.asarray(days, np.int64)
    missing = days == _NA
    text = pa.array(np.where(missing, 0, days).astype(np.int32)).cast(pa.date32()).cast(pa.string())
    return _blank(text, missing)


def _format_ids(prefix: str, number, width: int) -> pa.Array:
    return _join(prefix, pc.utf8_lpad(_number_text(np.asarray(number, np.int64)), width, padding="0"))
