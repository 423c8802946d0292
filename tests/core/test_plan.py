"""The plan of a budget line (``core.plan``, issue 17 §3): its steps, units and refusal conditions.

Random line shapes (``strategies.line_rules``: base amount or not, 0–3 carved parts, 0–3 share
parts, units of their own) against the rule as the agreement states it, written out here once more
without the plan: the plan's invariants hold, its conditions refuse exactly when the rule does, and
the core refuses with the plan's messages and otherwise gives amounts in whole units that sum.
"""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from godnaravard.core import AllocationError, Key, Line, Parameters, Part, Rules, allocate, plan_line, plans
from tests.strategies import line_rules, line_values

from .helpers import make_inputs


def _unit(line: Line, name: str) -> int:
    p = line.part(name)
    return p.round_to or line.round_to


def _rule_refuses(line: Line, rules: Rules, values: dict[str, int | Fraction], n: int) -> tuple[bool, bool]:
    """(refused whatever the data, refused for ``n`` recipients): the rule of ``spec`` written out."""
    total = int(values[line.total])
    base = int(values[line.base]) if line.base else 0
    carved = {p.name: int(values[p.amount]) for p in line.parts if p.amount}
    shares = [Fraction(values[p.share]) for p in line.parts if p.share]
    weights_zero = not any(values[w] for w in ("w.a", "w.b", "w.c"))
    rural = [p for p in line.parts if rules.keys[p.key].kind == "landsbygd"]
    by_parameters = (
        any(c > total for c in carved.values()) or sum(carved.values()) > total
        or total % line.round_to != 0 or base % line.round_to != 0
        or any(c % _unit(line, name) for name, c in carved.items())
        or sum(shares, Fraction(0)) > 1
        or any(weights_zero and (carved[p.name] if p.amount else total) > 0 for p in rural)
    )
    split = math.lcm(*(_unit(line, p.name) for p in line.parts if not p.amount))
    remaining = total - n * base - sum(carved.values())
    by_count = n * base > total or remaining < 0 or remaining % split != 0
    return by_parameters, by_count


@settings(max_examples=300, deadline=None)
@given(rules=line_rules())
def test_the_plan_is_the_lines_steps_in_order(rules: Rules) -> None:
    line = rules.lines[0]
    plan = plan_line(line, rules)
    assert [p.name for p in plan.parts] == [p.name for p in line.parts]
    assert [p.name for p in plan.carved] == [p.name for p in line.parts if p.amount]
    assert [p.name for p in plan.shares] == [p.name for p in line.parts if p.share]
    assert plan.rest.name == next(p.name for p in line.parts if not p.amount and not p.share)
    assert plan.split == ((*plan.shares, plan.rest) if plan.shares else ())
    assert all(p.unit == _unit(line, p.name) and p.unit % line.round_to == 0 for p in plan.parts)
    # The split unit is the smallest that every share part's and the rest part's unit divides.
    assert all(plan.split_unit % p.unit == 0 for p in (*plan.shares, plan.rest))
    assert plan.split_unit == math.lcm(*(p.unit for p in (*plan.shares, plan.rest)))
    assert plan.amounts == (line.total, *((line.base,) if line.base else ()), *(p.amount for p in plan.carved))
    # Every parameter a condition reads is the line's; the cached plans are the same plans.
    for c in plan.conditions:
        assert set(c.keys) | set(c.weights) <= set(rules.parameters), c
        assert c.stage == ("allocation" if c.kind in ("base_within_total", "carved_within_rest",
                                                      "remaining_in_units") else "parameters")
    assert plans(rules) == (plan,)
    assert plans(rules) is plans(rules)


@settings(max_examples=400, deadline=None)
@given(data=st.data(), rules=line_rules(), n=st.integers(1, 6))
def test_the_conditions_refuse_exactly_when_the_rule_does(data: st.DataObject, rules: Rules, n: int) -> None:
    values = data.draw(line_values(rules))
    plan = plans(rules)[0]
    by_parameters, by_count = _rule_refuses(rules.lines[0], rules, values, n)
    failed = [c for c in plan.of_stage("parameters") if not c.holds(plan, values)]
    assert bool(failed) == by_parameters
    if not by_parameters:
        assert bool([c for c in plan.of_stage("allocation") if not c.holds(plan, values, n)]) == by_count


@settings(max_examples=300, deadline=None)
@given(data=st.data(), rules=line_rules(), n=st.integers(1, 6))
def test_the_core_refuses_with_the_plans_messages(data: st.DataObject, rules: Rules, n: int) -> None:
    """``Parameters`` lists every failing ``parameters`` condition, ``allocate`` raises the first failing
    ``allocation`` one, each with its message; what is allocated is in whole units and sums to the total."""
    values = data.draw(line_values(rules))
    plan = plans(rules)[0]
    failed = [c.message(plan, values) for c in plan.of_stage("parameters") if not c.holds(plan, values)]
    if failed:
        with pytest.raises(AllocationError) as info:
            Parameters(values, rules)
        assert str(info.value) == "; ".join(failed)
        return
    params = Parameters(values, rules)
    inputs = make_inputs([1 + 3 * i for i in range(n)], hsl=[2 + i % 2 for i in range(n)], rural=[(1, 1, 1)] * n)
    refused = [c for c in plan.of_stage("allocation") if not c.holds(plan, values, n)]
    if refused:
        with pytest.raises(AllocationError) as info:
            allocate(inputs, params)
        assert str(info.value) == refused[0].message(plan, values, n, rules.recipient)
        return
    column = allocate(inputs, params).columns["l"]
    assert sum(column.amounts.values()) == values["l.total"]
    for p in plan.parts:
        assert all(a % p.unit == 0 for a in column.parts[p.name].amounts.values()), p
    assert column.base_per_region == plan.base_amount(values)


def test_the_messages_are_the_tools() -> None:
    """The plan's messages are the texts the tool has always printed (tests and golden files check them)."""
    line = Line("x", "x.total", (Part("c", "pop", amount="x.c", round_to=100), Part("s", "pop", share="x.s"),
                                 Part("rest", "pop")), base="x.base", round_to=10)
    rules = Rules({"x.total": "amount", "x.base": "amount", "x.c": "amount", "x.s": "share"},
                  {"pop": Key("pop", "column", column="population")}, (line,), ())
    plan = plan_line(line, rules)
    values: dict[str, int | Fraction] = {"x.total": 1005, "x.base": 300, "x.c": 250, "x.s": Fraction(3, 2)}
    texts = [c.message(plan, values, 4, "kommun") for c in plan.conditions if not c.holds(plan, values, 4)]
    assert texts == [
        "x.total (1005 kr) is not a whole multiple of the line's rounding unit (round_to = 10 kr in line x)",
        "x.c (250 kr) is not a whole multiple of its part c's rounding unit (round_to = 100 kr in line x)",
        "x.base 300 kr × 4 kommuner = 1200 kr is more than x.total 1005 kr",
        "x.c (250) is more than what x.total leaves (-195)",
        "the shares x.s of x add up to more than 1",
        "line x: x.total − 4 × x.base − x.c leaves -445 kr, not a whole multiple of its rounding unit "
        "round_to = 10 kr (the base amount is 300 kr)",
    ]
