"""The whole allocation: every budget line exact for any parameters and data; parts within floor/ceiling."""

from __future__ import annotations

import math
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from godnaravard.core import Inputs, Parameters, Result, allocate
from tests.strategies import populations, what_if

from .helpers import make_inputs


def assert_exact(result: Result) -> None:
    """Every column sums to its budget line; every rounded part is the floor or ceiling of its share."""
    totals = result.totals()
    for column, budget in result.budget_lines_by_column().items():
        assert totals[column] == budget, column
    for col in result.columns.values():
        for part in col.parts.values():
            for code, amount in part.amounts.items():
                assert amount in (math.floor(part.exact[code]), math.ceil(part.exact[code]))
            assert sum(part.amounts.values()) == part.total


def test_2024_budget_lines(result: Result) -> None:
    assert_exact(result)
    t = result.totals()
    assert (t["nara_vard"], t["landsbygd"], t["ambulans"], t["kommuner"]) == (
        2_420_000_000, 300_000_000, 46_000_000, 750_000_000)


@given(data=st.data())
def test_any_what_if_on_the_2024_data_keeps_every_budget_line_exact(
    inputs: Inputs, params: Parameters, data: st.DataObject
) -> None:
    assert_exact(allocate(inputs, data.draw(what_if(params))))


@given(pops=populations, data=st.data())
def test_random_data_and_parameters(params: Parameters, pops: list[int], data: st.DataObject) -> None:
    hsl = data.draw(st.lists(st.integers(min_value=0, max_value=100_000), min_size=21, max_size=21))
    if sum(hsl) == 0:
        hsl[0] = 1
    rural = data.draw(
        st.lists(st.tuples(*(st.integers(min_value=0, max_value=500_000),) * 3), min_size=21, max_size=21)
    )
    if not any(sum(r) for r in rural):
        rural[0] = (1, 0, 0)
    inputs = make_inputs(pops, hsl, rural)
    weights = data.draw(st.tuples(*(st.fractions(min_value=0, max_value=10, max_denominator=10),) * 3))
    p = data.draw(what_if(params))
    if any(weights):
        p = p.with_values(dict(zip(("landsbygd.vikt.tatortsnara", "landsbygd.vikt.gles",
                                    "landsbygd.vikt.mycket_gles"), weights, strict=True)))
    assert_exact(allocate(inputs, p))


@given(c=st.integers(min_value=2, max_value=1000))
def test_scaling_every_count_changes_no_krona(params: Parameters, c: int) -> None:
    pops = [1000 + 37 * i for i in range(21)]
    base = make_inputs(pops)
    scaled = make_inputs([p * c for p in pops], [r.count("hsl_insatser") * c for r in base.recipients],
                         [tuple(n * c for n in (k.inhabitants or {}).values()) for k in base.rural_key])  # type: ignore[misc]
    assert [r | {"population": 0, "hsl_insatser": 0} for r in allocate(base, params).rows] == [
        r | {"population": 0, "hsl_insatser": 0} for r in allocate(scaled, params).rows
    ]


@given(st.randoms())
def test_row_order_changes_no_krona(inputs: Inputs, params: Parameters, rnd) -> None:
    regions = list(inputs.recipients)
    rnd.shuffle(regions)
    shuffled = Inputs(tuple(regions), inputs.rural_key, inputs.reference_weights)
    by_code = {r["lan_code"]: r for r in allocate(inputs, params).rows}
    assert all(r == by_code[r["lan_code"]] for r in allocate(shuffled, params).rows)


def test_exact_shares_are_fractions_not_floats(result: Result) -> None:
    for col in result.columns.values():
        for part in col.parts.values():
            assert all(type(v) is Fraction for v in part.exact.values())
            assert all(type(v) is int for v in part.amounts.values())
