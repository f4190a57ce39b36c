"""schema.yaml is the one model: it covers the data contract and everything derives from it."""

import re
from pathlib import Path

from graphkit.schema import load_schema

CONTRACT = Path(__file__).resolve().parents[1] / "docs" / "DATA_CONTRACT.md"


def contract_tables() -> dict[str, list[str]]:
    """Table -> column names, parsed from the contract's input table (the `| \\`persons\\` | ...` rows)."""
    out = {}
    for line in CONTRACT.read_text(encoding="utf-8").splitlines():
        m = re.match(r"\| `(\w+)`( \*optional\*)? \| (.+?) \| ", line)
        if m and m.group(1) not in ("scores.csv",):
            cols = re.findall(r"`(\w+)`\*?", re.sub(r"\([^)]*\)", "", m.group(3)))
            if cols:
                out[m.group(1)] = cols
    return out


def test_schema_has_every_contract_table_and_column():
    schema = load_schema()
    expected = contract_tables()
    assert set(expected) == set(schema.table_names)
    for table, cols in expected.items():
        assert list(schema.table(table).column_names) == cols, table


def test_required_columns_match_the_contract_stars():
    text = CONTRACT.read_text(encoding="utf-8")
    schema = load_schema()
    for table in schema.tables:
        for col in table.columns:
            starred = f"`{col.name}`*" in text.split(f"| `{table.name}`")[1].split("\n")[0]
            assert col.required == starred, f"{table.name}.{col.name}"


def test_protected_columns_are_marked():
    schema = load_schema()
    assert {"sex", "birth_date", "nationality", "passport_country", "full_name"} <= schema.protected_columns("persons")


def test_tables_come_in_dependency_order():
    schema = load_schema()
    position = {t.name: i for i, t in enumerate(schema.tables)}
    for table in schema.tables:
        for col in table.references:
            assert position[col.references] < position[table.name]


def test_every_table_becomes_nodes_or_relationships():
    for table in load_schema().tables:
        assert bool(table.node) != bool(table.edge), table.name
