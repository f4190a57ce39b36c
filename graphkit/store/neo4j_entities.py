"""Resolution written to Neo4j: one Human / Organisation / Place node per entity, linked to its records.

Every record node gets one ``RESOLVES_TO`` relationship (``match_probability``, ``matched_on``) to its
entity node, so an analyst in Neo4j Browser sees one node per human; links from an earlier run are
replaced and entity nodes no record resolves to any more are removed.
"""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor

import pandas as pd

from graphkit.cypher import query

_WRITERS = 3  # concurrent write sessions, as for an online load

_STATEMENTS = {"persons": "entities/merge_person_entity", "employers": "entities/merge_employer_entity",
               "sponsors": "entities/merge_sponsor_entity", "addresses": "entities/merge_address_entity"}


def write_entities(driver, entities: pd.DataFrame, database: str = "neo4j", batch_size: int = 10_000) -> int:
    """Write ``entities`` (the ``entities.csv`` frame) to the graph; returns the records linked.

    Each table's rows run on parallel sessions, split into lanes by entity: no two concurrent
    transactions touch one entity node (nor one record node: a record resolves to one entity), so
    they never wait on each other's locks. Batches are retried on transient errors.
    """
    from graphkit.store.neo4j import with_retries

    table = entities["source_id"].str.split(":", n=1).str[0]
    written = 0

    def run_lane(text: str, lane: list[dict]) -> None:
        for i in range(0, len(lane), batch_size):
            batch = lane[i:i + batch_size]

            def attempt() -> None:
                with driver.session(database=database) as session, session.begin_transaction() as tx:
                    tx.run(text, rows=batch).consume()
                    tx.commit()

            with_retries(attempt)

    for name, statement in _STATEMENTS.items():
        part = entities[table == name]
        rows = [{"key": s.split(":", 1)[1], "entity_id": e, "entity_type": t,
                 "match_probability": None if p is None or math.isnan(p) else float(p), "matched_on": m or None}
                for s, e, t, p, m in zip(part["source_id"], part["entity_id"], part["entity_type"],
                                         part["match_probability"], part["matched_on"])]
        lane_of = pd.util.hash_pandas_object(part["entity_id"], index=False).to_numpy() % _WRITERS
        lanes = [[row for row, w in zip(rows, lane_of) if w == lane] for lane in range(_WRITERS)]
        text = query(statement)
        with ThreadPoolExecutor(_WRITERS) as pool:
            for future in [pool.submit(run_lane, text, lane) for lane in lanes if lane]:
                future.result()
        written += len(rows)
    driver.execute_query(query("entities/delete_orphan_entities"), database_=database)
    return written
