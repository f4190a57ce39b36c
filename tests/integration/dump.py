"""Everything a Neo4j database holds, as plain sorted data: two graphs are equal iff their dumps are."""

from __future__ import annotations

from graphkit.schema import load_schema


def _typed(props: dict) -> tuple:
    # the type name makes a date stored as a string, or a float stored as an int, a difference
    return tuple(sorted((k, type(v).__name__, str(v)) for k, v in props.items()))


def _key(labels: list[str], props: dict) -> tuple:
    schema = load_schema()
    label = next(lb for lb in labels if lb in schema.labels)
    return label, props[schema.node_table(label).graph_key]


def graph_dump(driver) -> dict:
    """Every node (labels, typed properties), relationship (type, end keys, typed properties) and constraint."""
    nodes, _, _ = driver.execute_query("MATCH (n) RETURN labels(n) AS labels, properties(n) AS props")
    rels, _, _ = driver.execute_query(
        "MATCH (a)-[r]->(b) RETURN type(r) AS type, labels(a) AS al, properties(a) AS ap, "
        "labels(b) AS bl, properties(b) AS bp, properties(r) AS props"
    )
    constraints, _, _ = driver.execute_query(
        "SHOW CONSTRAINTS YIELD name, type, labelsOrTypes, properties RETURN name, type, labelsOrTypes, properties"
    )
    return {
        "nodes": sorted((tuple(sorted(r["labels"])), _typed(r["props"])) for r in nodes),
        "relationships": sorted(
            (r["type"], _key(r["al"], r["ap"]), _key(r["bl"], r["bp"]), _typed(r["props"])) for r in rels
        ),
        "constraints": sorted(tuple(map(str, r.values())) for r in constraints),
    }
