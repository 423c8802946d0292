"""Invariants of the whole allocation on generated data and parameters, at scale.

Every test draws a complete what-if: 1 to 21 regions (real län codes, in random order), their
populations, HSL insatser and rural keys (categories known, or only the weighted sum), and every
parameter of the scenario, then checks one property of ``core.allocate``. The number of cases
comes from the hypothesis profile: 200 by default, 10 000 per test with the profile "ci"
(``GODNARAVARD_HYPOTHESIS_PROFILE=ci``, as ``.ci/run`` sets it).

On monotonicity. The largest-remainder rule is *not* monotone in the budget line (the Alabama
paradox: raising a total can lower a share; ``test_alabama_paradox_exists`` shows a case), but it
*is* monotone in one recipient's weight when the total and the other weights stay fixed. Proof:
let region i's weight rise. Its exact share q_i rises and every other exact share q_j shrinks by
the same factor. If floor(q_i) rises, i gets at least floor(q_i) + 1 ≥ its old amount. Otherwise
i's remainder rises, and so i's old amount can only fall if i had a balancing krona and lost it.
A region j whose floor did not change has a smaller remainder than before (or the same, at 0),
so if it ranked below i before, it still does. A region whose floor dropped by m may now rank
above i, but it also adds m kronor to the number of balancing kronor. So the number of regions
ranked above i grows by at most as much as the number of balancing kronor, and i keeps its
krona. Ties are broken by the larger exact share, then the key, which moves with the same
inequalities. Hence raising one region's population never lowers any of its population parts
(nära vård, ambulans, kommuner), and raising its rural weight never lowers its bilaga 4 amount;
``test_raising_one_population_*`` and ``test_raising_one_rural_weight_*`` test exactly that.
"""

from __future__ import annotations

import math
import random
from dataclasses import replace
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from godnaravard.core import (
    Inputs,
    Parameters,
    Result,
    allocate,
    apportion,
)
from tests.strategies import MAX_COUNT, RULES, scenarios, weighted


def by_code(result: Result) -> dict[str, dict[str, int]]:
    """Every amount column per län code."""
    return {str(r["lan_code"]): {c: r[c] for c in RULES.amount_columns} for r in result.rows}


@given(scenarios)
def test_every_budget_line_is_exact(case: tuple[Inputs, Parameters]) -> None:
    """Each column sums to its budget line; each separately rounded part to its own total."""
    inputs, params = case
    result = allocate(inputs, params)
    totals = result.totals()
    for column, line in result.budget_lines_by_column().items():
        assert totals[column] == line, column
    assert totals["nara_vard"] == params["regioner.nara_vard_total"]
    assert totals["ambulans"] == params["ambulans.total"]
    assert totals["kommuner"] == params["kommuner.total"]
    assert totals["landsbygd"] == params["regioner.landsbygd_total"]
    for column in result.columns.values():
        for part in column.parts.values():
            assert sum(part.amounts.values()) == part.total
        assert sum(column.amounts.values()) == column.total
    assert {b.parameter: b.amount for b in result.budget} == {
        b.parameter: params[b.parameter] for b in result.budget
    }


@given(scenarios)
def test_every_rounded_part_is_the_floor_or_ceiling_of_its_exact_share(
    case: tuple[Inputs, Parameters],
) -> None:
    """Each part: amount ∈ {⌊share⌋, ⌈share⌉}, share = total × weight / Σ weight recomputed here.

    A column adds separately rounded parts, so it is only within (number of parts) kronor of its
    exact sum; the parts are what is rounded, and what is tested.
    """
    inputs, params = case
    result = allocate(inputs, params)
    pop = {r.code: r.count("population") for r in inputs.recipients}
    hsl = {r.code: r.count("hsl_insatser") for r in inputs.recipients}
    rural = {k.code: weighted(k, tuple(params.weights("landsbygd").values())) for k in inputs.rural_key}
    split = result.columns["kommuner"].split
    assert split is not None
    expected_weights = {
        ("nara_vard", "landsbygd"): rural,
        ("nara_vard", "befolkning"): pop,
        ("ambulans", "befolkning"): pop,
        ("kommuner", "insatser"): hsl,
        ("kommuner", "befolkning"): pop,
    }
    for name, column in result.columns.items():
        for part_name, part in column.parts.items():
            weights = expected_weights[(name, part_name)]
            total_weight = sum(weights.values())
            for code, amount in part.amounts.items():
                exact = part.total * Fraction(weights[code]) / total_weight if total_weight else Fraction(0)
                assert part.exact[code] == exact
                assert amount in (math.floor(exact), math.ceil(exact)), (name, part_name, code)
        for code in column.codes:
            assert abs(column.amount(code) - column.exact(code)) < len(column.parts)
    for half, amount in split.amounts.items():
        assert amount in (math.floor(split.exact[half]), math.ceil(split.exact[half]))


@given(scenarios, st.integers(0, 2**32))
def test_region_order_changes_no_krona(case: tuple[Inputs, Parameters], seed: int) -> None:
    """Shuffling the regions (and, separately, the rural key) gives every län the same amounts."""
    inputs, params = case
    rnd = random.Random(seed)
    regions, key = list(inputs.recipients), list(inputs.rural_key)
    rnd.shuffle(regions)
    rnd.shuffle(key)
    shuffled = replace(inputs, recipients=tuple(regions), rural_key=tuple(key))
    assert by_code(allocate(shuffled, params)) == by_code(allocate(inputs, params))


@given(scenarios, st.integers(2, 10**6), st.integers(2, 10**6), st.integers(2, 10**6))
def test_scaling_the_counts_changes_no_krona(case: tuple[Inputs, Parameters], a: int, b: int, c: int) -> None:
    """Populations × a, HSL insatser × b, rural counts and weighted sums × c: same amounts.

    (Each part depends on one kind of count only, so even three different constants change
    nothing; one common constant is the special case a = b = c.)
    """
    inputs, params = case
    regions = tuple(
        replace(r, counts={"population": r.count("population") * a, "hsl_insatser": r.count("hsl_insatser") * b})
        for r in inputs.recipients
    )
    key = tuple(
        replace(k, inhabitants={cat: n * c for cat, n in k.inhabitants.items()})
        if k.inhabitants is not None
        else replace(k, weighted_sum=k.weighted_sum * c)  # type: ignore[operator]
        for k in inputs.rural_key
    )
    scaled = replace(inputs, recipients=regions, rural_key=key)
    assert by_code(allocate(scaled, params)) == by_code(allocate(inputs, params))


POPULATION_PARTS = (("nara_vard", "befolkning"), ("ambulans", "befolkning"), ("kommuner", "befolkning"))


@given(scenarios, st.data())
def test_raising_one_population_never_lowers_that_regions_population_parts(
    case: tuple[Inputs, Parameters], data: st.DataObject
) -> None:
    """Region i's population rises, nothing else changes: its exact shares rise, no amount of it falls.

    Holds for largest remainders (see the module docstring); the others' amounts may move
    either way (only their sum is fixed).
    """
    inputs, params = case
    i = data.draw(st.integers(0, len(inputs.recipients) - 1))
    bump = data.draw(st.one_of(st.integers(1, 10), st.integers(1, MAX_COUNT)))
    region = inputs.recipients[i]
    raised = replace(
        inputs,
        recipients=tuple(
            replace(r, counts={**r.counts, "population": r.count("population") + bump}) if j == i else r
            for j, r in enumerate(inputs.recipients)
        ),
    )
    before, after = allocate(inputs, params), allocate(raised, params)
    code = region.code
    others = sum(r.count("population") for r in inputs.recipients) - region.count("population")
    for column, part in POPULATION_PARTS:
        old, new = before.columns[column].parts[part], after.columns[column].parts[part]
        assert new.exact[code] >= old.exact[code]
        if others > 0 and old.total > 0:
            assert new.exact[code] > old.exact[code]
        assert new.amounts[code] >= old.amounts[code], (column, part)
    for column in ("nara_vard", "ambulans", "kommuner"):
        assert after.columns[column].amount(code) >= before.columns[column].amount(code)


@given(scenarios, st.data())
def test_raising_one_rural_weight_never_lowers_that_regions_bilaga4_amount(
    case: tuple[Inputs, Parameters], data: st.DataObject
) -> None:
    """More people in one region's weighted categories (or a larger W): its bilaga 4 amount never falls."""
    inputs, params = case
    i = data.draw(st.integers(0, len(inputs.rural_key) - 1))
    bump = data.draw(st.integers(1, MAX_COUNT))
    key = inputs.rural_key[i]
    if key.categories_known:
        new_key = replace(key, inhabitants={**key.inhabitants, "gles": key.inhabitants["gles"] + bump})  # type: ignore[index]
    else:
        new_key = replace(key, weighted_sum=key.weighted_sum + bump)  # type: ignore[operator]
    raised = replace(
        inputs, rural_key=tuple(new_key if j == i else k for j, k in enumerate(inputs.rural_key))
    )
    before, after = allocate(inputs, params), allocate(raised, params)
    code = key.code
    assert after.amount("landsbygd", code) >= before.amount("landsbygd", code)
    assert after.amount("nara_vard", code) >= before.amount("nara_vard", code)
    assert after.exact("landsbygd", code) >= before.exact("landsbygd", code)


def test_alabama_paradox_exists() -> None:
    """Monotonicity is in the weights, not in the total: one more krona to share can cost a recipient one."""
    weights = {"a": 1, "b": 16, "c": 27}
    assert apportion(20, weights).amounts == {"a": 1, "b": 7, "c": 12}
    assert apportion(21, weights).amounts == {"a": 0, "b": 8, "c": 13}
