"""Memory handed back to the system between the stages of a job, and within resolution."""

from __future__ import annotations

import ctypes
import gc

import pyarrow as pa


def release_memory() -> None:
    """Give the memory a finished stage freed back to the system before the next one allocates.

    Arrow's allocator keeps freed blocks for reuse and glibc keeps a freed heap top: at a million
    persons that is over a GiB the next stage cannot use for its own Python objects and numpy
    arrays, so the job's peak is the sum of stages rather than the largest one.

    >>> release_memory()
    """
    gc.collect()
    pa.default_memory_pool().release_unused()
    trim = getattr(ctypes.CDLL(None), "malloc_trim", None)  # glibc only
    if trim is not None:
        trim(0)
