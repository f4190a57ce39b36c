"""graphkit: who is linked to whom -- foreign nationals, permits, sponsors, employers, addresses.

The public API; every stage is a function an analyst can call from a notebook.

Examples
--------
>>> import graphkit
>>> data = graphkit.load_folder(graphkit.datasets.tiny_path())
>>> data.counts["permits"]["rejected"]
6
"""

from graphkit import datasets
from graphkit.config import Settings
from graphkit.errors import GraphkitError
from graphkit.ingest import Ingested, load_folder
from graphkit.jobs import LoadResult, open_store, run_load
from graphkit.schema import load_schema
from graphkit.store.memory import MemoryStore

__all__ = [
    "GraphkitError",
    "Ingested",
    "LoadResult",
    "MemoryStore",
    "Settings",
    "datasets",
    "load_folder",
    "load_schema",
    "open_store",
    "run_load",
]
