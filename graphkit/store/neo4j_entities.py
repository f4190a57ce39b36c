"""Resolution written to Neo4j: one Human / Organisation / Place node per entity, linked to its records.

Every record node gets one ``RESOLVES_TO`` relationship (``match_probability``, ``matched_on``) to its
entity node, so an analyst in Neo4j Browser sees one node per human; links from an earlier run are
replaced and entity nodes no record resolves to any more are removed.
"""

from __future__ import annotations

import math

import pandas as pd

from graphkit.cypher import query

_STATEMENTS = {"persons": "entities/merge_person_entity", "employers": "entities/merge_employer_entity",
               "sponsors": "entities/merge_sponsor_entity", "addresses": "entities/merge_address_entity"}


def write_entities(driver, entities: pd.DataFrame, database: str = "neo4j", batch_size: int = 10_000) -> int:
    """Write ``entities`` (the ``entities.csv`` frame) to the graph; returns the records linked."""
    table = entities["source_id"].str.split(":", n=1).str[0]
    written = 0
    for name, statement in _STATEMENTS.items():
        part = entities[table == name]
        rows = [{"key": s.split(":", 1)[1], "entity_id": e, "entity_type": t,
                 "match_probability": None if p is None or math.isnan(p) else float(p), "matched_on": m or None}
                for s, e, t, p, m in zip(part["source_id"], part["entity_id"], part["entity_type"],
                                         part["match_probability"], part["matched_on"])]
        text = query(statement)
        with driver.session(database=database) as session:
            for i in range(0, len(rows), batch_size):
                session.execute_write(lambda tx, b=rows[i:i + batch_size]: tx.run(text, rows=b).consume())
        written += len(rows)
    driver.execute_query(query("entities/delete_orphan_entities"), database_=database)
    return written
