"""graphkit: who is linked to whom -- foreign nationals, permits, sponsors, employers, addresses.

The public API; every stage is a function an analyst can call from a notebook.

Examples
--------
>>> import graphkit
>>> data = graphkit.load_folder(graphkit.datasets.tiny_path())
>>> data.counts["permits"]["rejected"]
6
>>> result = graphkit.score_tables(data.tables, as_of="2026-11-01")
>>> result.top("ADDRESS", 1)["entity_id"].tolist()
['addresses:A04']
"""

from graphkit import datasets
from graphkit.config import Settings
from graphkit.errors import GraphkitError
from graphkit.evaluate import evaluate
from graphkit.export.graphs import export_gexf, export_graph, neighbourhood
from graphkit.export.report import render_report
from graphkit.indicators.context import build_context
from graphkit.ingest import Ingested, load_folder
from graphkit.jobs import LoadResult, ScoreRun, open_store, run_load, run_score
from graphkit.notebook import EmployerProfile, employer_profile, employer_summary, show_graph, timeline
from graphkit.privacy import Pseudonymiser
from graphkit.resolve import resolve
from graphkit.schema import load_schema
from graphkit.scoring import ScoreResult, score_tables
from graphkit.store.memory import MemoryStore

__all__ = [
    "EmployerProfile",
    "GraphkitError",
    "Ingested",
    "LoadResult",
    "MemoryStore",
    "Pseudonymiser",
    "ScoreResult",
    "ScoreRun",
    "Settings",
    "build_context",
    "datasets",
    "employer_profile",
    "employer_summary",
    "evaluate",
    "export_gexf",
    "export_graph",
    "load_folder",
    "load_schema",
    "neighbourhood",
    "open_store",
    "render_report",
    "resolve",
    "run_load",
    "run_score",
    "score_tables",
    "show_graph",
    "timeline",
]
