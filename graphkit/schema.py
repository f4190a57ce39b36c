"""The data model, read once from ``schema.yaml`` into frozen dataclasses.

Everything that needs to know the model -- validation, the graph mapping of both stores, Neo4j
constraints, the fairness guard -- asks this module; nothing else spells out tables or columns.

Examples
--------
>>> from graphkit.schema import load_schema
>>> s = load_schema()
>>> s.table("permits").node, s.table("permits").column("person_id").relationship
('Permit', 'HOLDS')
>>> sorted(s.protected_columns("persons"))
['birth_date', 'full_name', 'nationality', 'passport_country', 'passport_no', 'sex']
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import yaml

COLUMN_TYPES = frozenset({"id", "string", "enum", "date", "country", "float"})


@dataclass(frozen=True)
class Column:
    """One contract column and the rules it carries."""

    name: str
    type: str
    required: bool = False
    values: tuple[str, ...] = ()
    min: float | None = None
    max: float | None = None
    references: str | None = None
    relationship: str | None = None
    direction: str | None = None
    scoring: str = "allowed"
    personal: str | None = None

    @property
    def protected(self) -> bool:
        """True when no indicator may read this column (``scoring: never``)."""
        return self.scoring == "never"


@dataclass(frozen=True)
class EdgeSpec:
    """A table whose rows are relationships: ``(start)-[:type]->(end)``."""

    type: str
    start: str
    end: str


@dataclass(frozen=True)
class Table:
    """One contract table: its columns, key and what its rows become in the graph."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    optional: bool = False
    node: str | None = None
    edge: EdgeSpec | None = None
    key_property: str | None = None
    order: tuple[tuple[str, str], ...] = ()

    def column(self, name: str) -> Column:
        """The column called ``name``."""
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"{self.name}.{name}")

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    @property
    def graph_key(self) -> str:
        """The single property that identifies a row in the graph."""
        return self.key_property or self.key[0]

    @property
    def references(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.references)


@dataclass(frozen=True)
class Schema:
    """The whole model; tables in dependency order (referenced tables first)."""

    version: int
    tables: tuple[Table, ...]
    output_labels: tuple[str, ...] = ()
    output_relationship_types: tuple[str, ...] = ()
    risk_properties: tuple[str, ...] = ()

    def table(self, name: str) -> Table:
        """The table called ``name``."""
        for t in self.tables:
            if t.name == name:
                return t
        raise KeyError(name)

    @property
    def table_names(self) -> tuple[str, ...]:
        return tuple(t.name for t in self.tables)

    def node_table(self, label: str) -> Table:
        """The table whose rows become nodes labelled ``label``."""
        for t in self.tables:
            if t.node == label:
                return t
        raise KeyError(label)

    @property
    def labels(self) -> tuple[str, ...]:
        """Every node label, in table order."""
        return tuple(t.node for t in self.tables if t.node)

    @property
    def relationship_types(self) -> tuple[str, ...]:
        """Every relationship type (reference columns first, then edge tables), no repeats."""
        seen: dict[str, None] = {}
        for t in self.tables:
            for c in t.references:
                if c.relationship:
                    seen[c.relationship] = None
            if t.edge:
                seen[t.edge.type] = None
        return tuple(seen)

    def protected_columns(self, table: str) -> set[str]:
        """Columns of ``table`` marked ``scoring: never``."""
        return {c.name for c in self.table(table).columns if c.protected}


def _column(name: str, spec: dict) -> Column:
    unknown = set(spec) - set(Column.__dataclass_fields__)
    if unknown or spec.get("type") not in COLUMN_TYPES:
        raise ValueError(f"schema.yaml: column {name}: bad fields {sorted(unknown)} or type {spec.get('type')}")
    return Column(name=name, **{**spec, "values": tuple(spec.get("values", ()))})


def _table(name: str, spec: dict) -> Table:
    edge = spec.get("relationship")
    return Table(
        name=name,
        columns=tuple(_column(c, s) for c, s in spec["columns"].items()),
        key=tuple(spec["key"]),
        optional=spec.get("optional", False),
        node=spec.get("node"),
        edge=EdgeSpec(**edge) if edge else None,
        key_property=spec.get("key_property"),
        order=tuple(tuple(p) for p in spec.get("order", ())),
    )


def _dependency_order(tables: dict[str, Table]) -> tuple[Table, ...]:
    done: dict[str, Table] = {}

    def visit(name: str) -> None:
        if name in done:
            return
        for col in tables[name].references:
            if col.references != name:
                visit(col.references)
        done[name] = tables[name]

    for name in tables:
        visit(name)
    return tuple(done.values())


@cache
def load_schema() -> Schema:
    """Read ``graphkit/schema.yaml`` (once) into a :class:`Schema`."""
    raw = yaml.safe_load(files("graphkit").joinpath("schema.yaml").read_text(encoding="utf-8"))
    tables = {name: _table(name, spec) for name, spec in raw["tables"].items()}
    outputs = raw.get("outputs", {})
    return Schema(
        version=raw["version"],
        tables=_dependency_order(tables),
        output_labels=tuple(outputs.get("nodes", {})),
        output_relationship_types=tuple(outputs.get("relationships", ())),
        risk_properties=tuple(outputs.get("risk_properties", ())),
    )
