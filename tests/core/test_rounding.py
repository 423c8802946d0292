"""The rounding rule: largest remainders, exact sums, floor/ceiling, order and scale invariance."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from godnaravard.core.rounding import (
    ROUNDING_RULE,
    RULES,
    AllocationError,
    apportion,
    largest_remainder,
    sainte_lague,
)
from tests.strategies import totals, weight_lists


def keyed(ws: list[int]) -> dict[str, int]:
    return {f"{i:02d}": w for i, w in enumerate(ws)}


@given(totals, weight_lists)
def test_parts_sum_exactly_to_the_total(total: int, ws: list[int]) -> None:
    assert sum(apportion(total, keyed(ws)).amounts.values()) == total


@given(totals, weight_lists)
def test_each_part_is_floor_or_ceiling_of_its_exact_share(total: int, ws: list[int]) -> None:
    a = apportion(total, keyed(ws))
    for k, amount in a.amounts.items():
        exact = Fraction(total * a.weights[k]) / sum(a.weights.values())
        assert a.exact[k] == exact
        assert amount in (math.floor(exact), math.ceil(exact))


@given(totals, weight_lists, st.randoms())
def test_result_does_not_depend_on_row_order(total: int, ws: list[int], rnd) -> None:
    weights = keyed(ws)
    items = list(weights.items())
    rnd.shuffle(items)
    assert apportion(total, dict(items)).amounts == apportion(total, weights).amounts


@given(totals, weight_lists, st.integers(min_value=1, max_value=10**6))
def test_scaling_all_weights_changes_nothing(total: int, ws: list[int], c: int) -> None:
    assert apportion(total, keyed([w * c for w in ws])).amounts == apportion(total, keyed(ws)).amounts


@given(totals, weight_lists)
def test_balancing_kronor_go_to_the_largest_remainders(total: int, ws: list[int]) -> None:
    a = apportion(total, keyed(ws))
    up = set(a.balancing_kronor)
    down = set(a.amounts) - up
    assert len(up) == total - sum(math.floor(v) for v in a.exact.values())
    if up and down:
        assert min(a.remainder(k) for k in up) >= max(a.remainder(k) for k in down)


def test_tie_goes_to_larger_share_then_smaller_key() -> None:
    # 10 kr over weights 1, 1, 1: shares 3 1/3 each, one krona left, equal remainders and shares → key "a".
    assert largest_remainder(10, {"c": 1, "a": 1, "b": 1}) == {"c": 3, "a": 4, "b": 3}
    # 5 kr over 1 and 3: shares 1.25 and 3.75 → remainders 0.25, 0.75: the krona goes to the larger remainder.
    assert largest_remainder(5, {"x": 1, "y": 3}) == {"x": 1, "y": 4}
    # Equal remainders (0.5 each) but different shares: 3 kr over 1 and 5: 0.5 and 2.5 → larger share "big".
    assert largest_remainder(3, {"small": 1, "big": 5}) == {"small": 0, "big": 3}


def test_zero_total_and_zero_weights() -> None:
    assert apportion(0, {"a": 0, "b": 0}).amounts == {"a": 0, "b": 0}
    assert apportion(7, {"a": 0, "b": 2}).amounts == {"a": 0, "b": 7}
    with pytest.raises(AllocationError, match="every weight is zero"):
        apportion(7, {"a": 0, "b": 0})


@pytest.mark.parametrize("bad", [{"a": -1, "b": 2}])
def test_negative_weight_is_refused(bad: dict[str, int]) -> None:
    with pytest.raises(AllocationError, match="negative weight for a"):
        apportion(10, bad)


def test_negative_or_non_integer_total_is_refused() -> None:
    with pytest.raises(AllocationError, match="cannot be negative"):
        apportion(-1, {"a": 1})
    with pytest.raises(TypeError):
        apportion(1.5, {"a": 1})  # type: ignore[arg-type]


def test_fractional_weights_are_exact() -> None:
    a = apportion(100, {"a": Fraction(1, 3), "b": Fraction(2, 3)})
    assert a.exact == {"a": Fraction(100, 3), "b": Fraction(200, 3)}
    assert a.amounts == {"a": 33, "b": 67}


@given(totals, weight_lists)
def test_sainte_lague_also_sums_exactly(total: int, ws: list[int]) -> None:
    assert sum(sainte_lague(total, keyed(ws)).values()) == total


def test_sainte_lague_and_largest_remainder_differ_as_in_the_ambulans_column() -> None:
    # 2 kr over weights 2, 13, 40: shares 0.073, 0.473, 1.455. Floors give 0 + 0 + 1, one krona left.
    # Largest remainder: "b" (0.473 > 0.455). Sainte-Laguë: "c", whose remainder is smaller in absolute
    # terms but whose next half-krona is relatively closer (1.5 / 1.455 < 0.5 / 0.473). The same
    # pattern decides Sörmland vs Västra Götaland in the 2024 ambulans column.
    weights = {"a": 2, "b": 13, "c": 40}
    assert largest_remainder(2, weights) == {"a": 0, "b": 1, "c": 1}
    assert sainte_lague(2, weights) == {"a": 0, "b": 0, "c": 2}


def test_the_declared_rule_is_a_known_rule() -> None:
    assert ROUNDING_RULE in RULES
    assert apportion(10, {"a": 1}).rule == ROUNDING_RULE
