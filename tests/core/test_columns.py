"""The one column resolver (core.columns): the parts and bases behind each kind of output column."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from godnaravard.core import Adjustment, ColumnSpec, Key, Line, Part, Rules, adjustment_of, resolve

RULES = Rules(
    parameters={"a.total": "amount", "a.base": "amount", "b.total": "amount", "b.share": "share"},
    keys={"pop": Key("pop", "column", column="population")},
    lines=(
        Line("a", "a.total", (Part("rest", "pop"),), base="a.base"),
        Line("b", "b.total", (Part("x", "pop", share="b.share"), Part("y", "pop"))),
    ),
    columns=(
        ColumnSpec("code", "code"),
        ColumnSpec("name", "text", ("region",)),
        ColumnSpec("population", "count"),
        ColumnSpec("a", "line", ("a",)),
        ColumnSpec("b", "line", ("b",)),
        ColumnSpec("bx", "part", ("b", "x")),
        ColumnSpec("ab", "sum", ("a", "b")),
        ColumnSpec("all", "sum", ("ab", "bx")),
    ),
)


def test_a_line_is_all_its_parts_and_its_base() -> None:
    assert resolve(RULES, "a").parts == (("a", "rest"),) and resolve(RULES, "a").bases == ("a",)
    assert resolve(RULES, "b").parts == (("b", "x"), ("b", "y")) and resolve(RULES, "b").bases == ()


def test_a_part_is_itself() -> None:
    behind = resolve(RULES, "bx")
    assert (behind.parts, behind.bases, behind.lines) == ((("b", "x"),), (), ("b",))


def test_a_sum_is_the_parts_of_each_summed_column_in_order() -> None:
    assert resolve(RULES, "ab").parts == (("a", "rest"), ("b", "x"), ("b", "y"))
    nested = resolve(RULES, "all")
    assert nested.parts == (("a", "rest"), ("b", "x"), ("b", "y"), ("b", "x"))
    assert nested.bases == ("a",) and nested.lines == ("a", "b", "b")
    assert [leaf.name for leaf in nested.leaves] == ["a", "b", "bx"]


@pytest.mark.parametrize("column", ["code", "name", "population"])
def test_code_text_and_count_columns_have_nothing_behind_them(column: str) -> None:
    behind = resolve(RULES, column)
    assert (behind.leaves, behind.parts, behind.bases) == ((), (), ())


def test_a_spec_resolves_like_its_name_and_an_unknown_name_is_refused() -> None:
    assert resolve(RULES, RULES.column("all")) == resolve(RULES, "all")
    with pytest.raises(KeyError):
        resolve(RULES, "nope")


def test_a_sum_that_sums_itself_is_refused() -> None:
    looped = Rules(RULES.parameters, RULES.keys, RULES.lines, (ColumnSpec("s", "sum", ("s",)),))
    with pytest.raises(ValueError, match="sums itself"):
        resolve(looped, "s")


@given(st.integers(-5, 5), st.integers(-5, 5))
def test_adjustments_count_once_per_part_behind_the_column(x: int, y: int) -> None:
    adjustments = (Adjustment("b", "x", {"01": x, "02": -x}), Adjustment("b", "y", {"01": y, "02": -y}),
                   Adjustment("a", "rest", {"01": 7, "02": -7}))
    assert adjustment_of(resolve(RULES, "bx"), adjustments, "01") == x
    assert adjustment_of(resolve(RULES, "b"), adjustments, "01") == x + y
    assert adjustment_of(resolve(RULES, "all"), adjustments, "01") == 7 + 2 * x + y
    assert adjustment_of(resolve(RULES, "code"), adjustments, "01") == 0
    assert adjustment_of(resolve(RULES, "b"), adjustments, "03") == 0
