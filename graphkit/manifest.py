"""The run manifest: what was read, what was kept, how long each stage took, with which settings.

Examples
--------
>>> m = Manifest.start("load", backend="memory")
>>> with m.stage("ingest"):
...     pass
>>> sorted(m.finish())[:4]
['backend', 'command', 'contract_version', 'finished_at']
"""

from __future__ import annotations

import datetime as dt
import secrets
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version

CONTRACT_VERSION = "1"


def graphkit_version() -> str:
    """The installed distribution's version."""
    try:
        return version("graphkit-links")
    except PackageNotFoundError:
        return "0+unknown"


def new_run_id(now: dt.datetime | None = None) -> str:
    """A sortable, unique run id: UTC time to the microsecond plus a random suffix.

    >>> new_run_id(dt.datetime(2026, 11, 1, 2, 0, 0, 1234))[:23]
    '20261101T020000.001234Z'
    """
    now = now or dt.datetime.now(dt.timezone.utc)
    return f"{now:%Y%m%dT%H%M%S.%fZ}-{secrets.token_hex(3)}"


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


@dataclass
class Manifest:
    """Collects a run's facts; :meth:`finish` returns the JSON-able manifest."""

    command: str
    backend: str
    run_id: str = field(default_factory=new_run_id)
    started_at: str = field(default_factory=_now)
    inputs: dict = field(default_factory=dict)
    rows: dict = field(default_factory=dict)
    parameters: dict = field(default_factory=dict)
    timings: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)

    @classmethod
    def start(cls, command: str, backend: str, parameters: dict | None = None) -> "Manifest":
        return cls(command=command, backend=backend, parameters=dict(parameters or {}))

    @contextmanager
    def stage(self, name: str):
        """Time a stage; its seconds go into ``timings``."""
        started = time.perf_counter()
        try:
            yield
        finally:
            self.timings[name] = round(time.perf_counter() - started, 3)

    def finish(self) -> dict:
        return {
            "contract_version": CONTRACT_VERSION,
            "run_id": self.run_id,
            "command": self.command,
            "started_at": self.started_at,
            "finished_at": _now(),
            "graphkit_version": graphkit_version(),
            "backend": self.backend,
            "inputs": self.inputs,
            "rows": self.rows,
            "parameters": self.parameters,
            "timings": self.timings,
            **self.extra,
        }
