"""Home-address parts for the person model: the Arrow kernels against their plain-Python definition."""

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from graphkit.resolve.homes import home_columns, line_parts


def house_number(line: str) -> str | None:
    """The definition: the number after ``no``, else the first number not after ``rt``/``rw``."""
    words = line.split()
    for i, w in enumerate(words[:-1]):
        if w == "no" and words[i + 1].isdigit():
            return words[i + 1]
    for i, w in enumerate(words):
        if w.isdigit() and (i == 0 or words[i - 1] not in ("rt", "rw")):
            return w
    return None


_WORDS = st.sampled_from(["no", "rt", "rw", "jalan", "gang", "3", "12", "05", "3a", "blok", "c2", "km", "srt", "nox"])
_LINES = st.lists(_WORDS, max_size=8).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(_LINES, min_size=1, max_size=20))
def test_line_parts_match_their_definition(lines):
    parts = line_parts(pd.Series(lines))
    assert [None if v is pd.NA else v for v in parts["home_number"]] == [house_number(v) for v in lines]
    assert parts["home_words"].tolist() == [" ".join(sorted(v.split())) for v in lines]
    assert parts["home_street"].tolist() == [" ".join(v.split()[:3]) for v in lines]
    assert parts["home_line"].tolist() == lines


def test_home_columns_leave_hubs_and_missing_parts_out():
    persons = pd.DataFrame({"person_id": ["P1", "P2", "P3"]})
    tables = {"residences": pd.DataFrame({"person_id": ["P1", "P2", "P3"], "address_id": ["A1", "H", "H"]}),
              "addresses": pd.DataFrame({"address_id": ["A1", "H"], "line": ["Jl. Mawar RT 05 No. 7", "Hotel 9"],
                                         "village": [None, "Sekip"], "postal_code": ["30126", ""]})}
    homes = home_columns(tables, persons, hub_limit=1)
    assert homes.loc[0, "home_number"] == "7" and homes.loc[0, "home_postcode"] == "30126"
    assert homes.loc[0, ["home_village"]].isna().all()  # a missing village stays missing
    assert homes.loc[1:].isna().all().all()  # the hotel's two guests: a hub says nothing
