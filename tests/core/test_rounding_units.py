"""A rounding unit (``round_to``, issue 17 §2): largest remainders in units, in ``rounding``,
``line`` and ``model``."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from godnaravard import core
from godnaravard.core.rounding import RULES, AllocationError, apportion
from tests.strategies import weight_lists

units = st.sampled_from([1, 2, 10, 100, 1000, 7])


def keyed(ws: list[int]) -> dict[str, int]:
    return {f"{i:02d}": w for i, w in enumerate(ws)}


@given(st.integers(0, 10**9), weight_lists, units)
def test_amounts_are_whole_units_that_sum_to_the_total(count: int, ws: list[int], unit: int) -> None:
    total = count * unit
    a = apportion(total, keyed(ws), unit=unit)
    assert sum(a.amounts.values()) == total
    assert all(v % unit == 0 for v in a.amounts.values())
    for k, amount in a.amounts.items():
        in_units = a.exact[k] / unit
        assert amount in (unit * math.floor(in_units), unit * math.ceil(in_units))


@given(st.integers(0, 10**6), weight_lists, units)
def test_units_are_the_rule_on_the_total_in_units(count: int, ws: list[int], unit: int) -> None:
    """The same largest remainders, ties included, as on the total counted in units."""
    for rule in RULES:
        in_kronor = apportion(count * unit, keyed(ws), rule, unit=unit)
        in_units = apportion(count, keyed(ws), rule)
        assert in_kronor.amounts == {k: unit * v for k, v in in_units.amounts.items()}
        assert in_kronor.leftover == in_units.leftover
        assert [in_kronor.rank(k) for k in in_kronor.amounts] == [in_units.rank(k) for k in in_units.amounts]


def test_the_facts_are_counted_in_units() -> None:
    a = apportion(10_000, {"a": 1, "b": 1, "c": 1}, unit=1000)
    assert a.amounts == {"a": 4000, "b": 3000, "c": 3000}
    assert (a.leftover, a.balancing_kronor, a.remainder("a"), a.rank("a")) == (1, ("a",), Fraction(1, 3), 1)
    assert a.adjustment("a") == 1000 and a.adjustment("b") == 0


def test_a_total_not_in_whole_units_is_refused() -> None:
    with pytest.raises(AllocationError, match="not a whole multiple of the rounding unit 1000 kr"):
        apportion(10_500, {"a": 1, "b": 2}, unit=1000)
    with pytest.raises(TypeError):
        apportion(10_000, {"a": 1}, unit=True)


RULES_U = core.Rules(
    parameters={"x.total": "amount", "x.base": "amount", "x.carved": "amount", "x.share": "share"},
    keys={"pop": core.Key("pop", "column", column="population"),
          "hsl": core.Key("hsl", "column", column="hsl_insatser")},
    lines=(core.Line("x", "x.total", base="x.base", round_to=10, parts=(
        core.Part("carved", "pop", amount="x.carved", round_to=100), core.Part("s", "hsl", share="x.share", round_to=50),
        core.Part("rest", "pop"))),),
    columns=(core.ColumnSpec("lan_code", "code"), core.ColumnSpec("x", "line", ("x",))),
)
VALUES = {"x.total": 1_000_000, "x.base": 10_000, "x.carved": 100_000, "x.share": Fraction(1, 3)}


def _inputs(populations: list[int]) -> core.Inputs:
    return core.Inputs(tuple(core.Recipient(f"{i + 1:02d}", f"R{i}", f"L{i}", {"population": p, "hsl_insatser": p // 3 + 1})
                             for i, p in enumerate(populations)))


@given(st.lists(st.integers(0, 10**6), min_size=1, max_size=8).filter(any),
       st.integers(0, 1000), st.fractions(0, 1, max_denominator=12))
def test_each_part_in_its_unit_and_the_line_exact(populations: list[int], tens: int, share: Fraction) -> None:
    params = core.Parameters({**VALUES, "x.total": 1_000_000 + 100 * tens, "x.share": share}, RULES_U)
    result = core.allocate(_inputs(populations), params)
    plan = core.plans(RULES_U)[0]
    assert [p.unit for p in plan.parts] == [100, 50, 10]
    for part in plan.parts:
        amounts = result.part("x", part.name).amounts.values()
        assert all(v % part.unit == 0 for v in amounts)
    assert plan.split_unit == 50  # lcm(50, 10)
    assert sum(r["x"] for r in result.rows) == params.amount("x.total")
    assert all(int(r["x"]) % 10 == 0 for r in result.rows)


@pytest.mark.parametrize(("change", "message"), [
    ({"x.total": 1_000_005}, "x.total (1000005 kr) is not a whole multiple of the line's rounding unit"),
    ({"x.base": 10_001}, "x.base (10001 kr) is not a whole multiple of the line's rounding unit"),
    ({"x.carved": 100_010}, "x.carved (100010 kr) is not a whole multiple of its part carved's rounding unit"),
])
def test_parameters_not_in_whole_units_are_refused(change: dict[str, int], message: str) -> None:
    with pytest.raises(AllocationError, match=message.replace("(", r"\(").replace(")", r"\)")):
        core.Parameters({**VALUES, **change}, RULES_U)


def test_what_the_split_divides_must_be_in_its_unit() -> None:
    # 1 000 010 − 3 × 10 000 − 100 000 = 870 010: not a multiple of 50 (the split's unit).
    params = core.Parameters({**VALUES, "x.total": 1_000_010}, RULES_U)
    with pytest.raises(AllocationError, match="leaves 870010 kr, not a whole multiple of its rounding unit"):
        core.allocate(_inputs([1, 2, 3]), params)
