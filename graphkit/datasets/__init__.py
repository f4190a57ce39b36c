"""Bundled data: a tiny hand-written scenario and the synthetic scenario generator.

Examples
--------
>>> from graphkit.datasets import tiny_path
>>> sorted(p.name for p in tiny_path().glob("*.csv"))[:3]
['addresses.csv', 'employers.csv', 'employment.csv']
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def tiny_path() -> Path:
    """The folder of the tiny bundled scenario (a few dozen rows per table, a handful of bad rows).

    Its world: a large contractor with work-permit holders and one commissioning visitor, a
    coffee shop staffed by visit-permit holders who share one house, two mining firms sharing a
    phone and rotating workers, a travel agent whose tourists departed, a spouse sponsor, an
    overstayer, a person with no lawful entry, and one human recorded twice (renewed passport).
    """
    return Path(str(files("graphkit").joinpath("datasets", "tiny")))
