"""Cypher text lives in ``cypher/**.cypher``; this module is the only way Python gets it.

Each file holds one statement, a ``// purpose:`` header and ``// :param`` lines, so it also runs
unchanged in Neo4j Browser. Values are always ``$parameters``.

Examples
--------
>>> print(query("load/merge_person").splitlines()[-2])
MERGE (n:Person {person_id: row.key})
>>> "schema/constraint_person_key" in names("schema")
True
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

CYPHER_DIR = Path(__file__).resolve().parent.parent / "cypher"


def _root() -> Path:
    if CYPHER_DIR.is_dir():
        return CYPHER_DIR
    from importlib.resources import files

    return Path(str(files("graphkit").joinpath("cypher")))


@cache
def query(name: str) -> str:
    """The statement in ``cypher/<name>.cypher`` without its comment lines."""
    path = _root() / f"{name}.cypher"
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if not ln.lstrip().startswith("//")]
    return "\n".join(ln for ln in lines if ln.strip()).strip().rstrip(";") + "\n"


def names(folder: str) -> list[str]:
    """Names (``folder/file`` without ``.cypher``) of every statement in ``cypher/<folder>``, sorted."""
    return sorted(f"{folder}/{p.stem}" for p in (_root() / folder).glob("*.cypher"))
