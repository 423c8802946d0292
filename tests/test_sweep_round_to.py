"""The sweep with a rounding unit (``round_to``, issue 17 §2): cell for cell the core's, and the
core's refusals for totals not in whole units."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from godnaravard import core
from godnaravard.sweep import ScenarioError, compute
from tests.test_sweep import assert_matches_core, make_inputs, product

#: A line with a base amount (unit 10), a carved part in hundreds, a share part in fifties (the
#: split in fifties) and the rest; a second line in thousands, split by a share between two keys.
RULES = core.Rules(
    parameters={"x.total": "amount", "x.base": "amount", "x.carved": "amount", "x.s": "share",
                "y.total": "amount", "y.s": "share"},
    keys={"pop": core.Key("pop", "column", column="population"),
          "hsl": core.Key("hsl", "column", column="hsl_insatser")},
    lines=(
        core.Line("x", "x.total", base="x.base", round_to=10, parts=(
            core.Part("carved", "pop", amount="x.carved", round_to=100),
            core.Part("s", "hsl", share="x.s", round_to=50), core.Part("rest", "pop"))),
        core.Line("y", "y.total", round_to=1000, parts=(core.Part("s", "hsl", share="y.s"), core.Part("b", "pop"))),
    ),
    columns=(
        core.ColumnSpec("lan_code", "code"), core.ColumnSpec("region", "text"),
        core.ColumnSpec("x", "line", ("x",)), core.ColumnSpec("x_s", "part", ("x", "s")),
        core.ColumnSpec("y", "line", ("y",)), core.ColumnSpec("xy", "sum", ("x", "y")),
    ),
)
VALUES = {"x.total": 1_000_000, "x.base": 1_000, "x.carved": 100_000, "x.s": Fraction(1, 3),
          "y.total": 50_000, "y.s": Fraction(1, 2)}


def test_units_in_the_sweep_equal_the_core() -> None:
    params = core.Parameters(VALUES, RULES)
    inputs = make_inputs([3, 1, 4, 1, 5, 9, 2], hsl=[2, 7, 1, 8, 2, 8, 1])
    sset = product({"x.s": [Fraction(0), Fraction(1, 3), Fraction(2, 7)], "x.total": [1_000_000, 1_234_550],
                    "y.total": [0, 50_000, 7_000, 1_000_000_000], "y.s": [Fraction(1, 2), Fraction(1, 7)]})
    result = compute(inputs, params, sset)
    assert result.core_scenarios == 0
    assert_matches_core(inputs, params, result)
    assert (result.amounts["y"] % 1000 == 0).all() and (result.amounts["x_s"] % 50 == 0).all()


@pytest.mark.parametrize(("levels", "message"), [
    ({"y.total": [50_000, 50_500]}, "y.total .* is not a whole multiple"),
    ({"x.carved": [100_000, 100_010]}, "x.carved .* is not a whole multiple"),
    ({"x.total": [1_000_000, 1_000_010]}, "leaves .* not a whole multiple of its rounding unit"),
])
def test_totals_not_in_whole_units_are_refused_as_the_core_refuses(levels: dict[str, list[int]], message: str) -> None:
    params = core.Parameters(VALUES, RULES)
    with pytest.raises(ScenarioError, match=message) as info:
        compute(make_inputs([3, 1, 4]), params, product(levels))
    assert info.value.label == "2"


@settings(max_examples=40, deadline=None)
@given(
    populations=st.lists(st.integers(0, 50), min_size=1, max_size=6).filter(any),
    units=st.lists(st.integers(0, 9_999), min_size=2, max_size=2, unique=True),
    shares=st.lists(st.fractions(0, 1, max_denominator=9), min_size=1, max_size=3, unique=True),
)
def test_random_units_equal_the_core(populations: list[int], units: list[int], shares: list[Fraction]) -> None:
    """Tiny counts: ties in every part and in the split, every amount a multiple of its unit."""
    params = core.Parameters({**VALUES, "x.base": 0}, RULES)
    inputs = make_inputs(populations, hsl=[p % 3 + 1 for p in populations])
    sset = product({"y.total": [1000 * u for u in units], "y.s": shares,
                    "x.total": [100_000 + 50 * u for u in units]})
    assert_matches_core(inputs, params, compute(inputs, params, sset))
