"""Every Cypher statement lives in cypher/, is parameterised, and speaks the schema's vocabulary."""

import re

import pytest

from graphkit.cypher import CYPHER_DIR, names, query
from graphkit.graphmodel import relationship_sets, snake_case
from graphkit.schema import load_schema

ALL = sorted(p.relative_to(CYPHER_DIR).with_suffix("").as_posix() for p in CYPHER_DIR.rglob("*.cypher"))


@pytest.mark.parametrize("name", ALL)
def test_labels_and_types_exist_in_schema(name):
    schema = load_schema()
    text = query(name)
    labels = set(re.findall(r"\(\w*:(\w+)", text)) | set(re.findall(r"FOR \(\w+:(\w+)\)", text))
    types = set(re.findall(r"\[\w*:(\w+)", text))
    assert labels <= set(schema.labels) | set(schema.output_labels), labels
    assert types <= set(schema.relationship_types) | set(schema.output_relationship_types), types


@pytest.mark.parametrize("name", ALL)
def test_values_are_parameters_not_literals(name):
    text = query(name)
    body = re.sub(r"CREATE CONSTRAINT \w+", "", text)
    assert not re.search(r"'[^']*'|\"[^\"]*\"", body), "string literal in Cypher: use a $parameter"
    assert not re.search(r"[=<>]\s*(?![01]\b)\d", body), "numeric literal compared: use a $parameter"


@pytest.mark.parametrize("name", ALL)
def test_each_file_has_a_purpose_header(name):
    assert (CYPHER_DIR / f"{name}.cypher").read_text(encoding="utf-8").startswith("// purpose:")


def test_every_node_set_and_relationship_set_has_its_load_statement():
    schema = load_schema()
    empty = {t.name: __import__("pandas").DataFrame({c: [] for c in t.column_names}) for t in schema.tables}
    expected = {f"load/merge_{snake_case(label)}" for label in schema.labels}
    expected |= {f"load/merge_{r.name}" for r in relationship_sets(empty)}
    assert expected | {"load/create_nodes"} == set(names("load"))


def test_every_label_has_a_key_constraint_on_its_graph_key():
    schema = load_schema()
    for table in schema.tables:
        if table.node:
            text = query(f"schema/constraint_{snake_case(table.node)}_key")
            assert f"FOR (n:{table.node}) REQUIRE n.{table.graph_key} IS UNIQUE" in text
