"""One plan of a budget line: its steps, units and refusal rules, for every backend (issue 17 §3).

A budget line (``spec.Line``) is translated once, here, into ordered steps:

1. the *base* amount per recipient (a parameter), off the top: ``rest = total − n · base``;
2. the *carved-out* parts, each a fixed amount (a parameter) in its own unit:
   ``remaining = rest − Σ carved``;
3. the *split* of what remains between the share parts (each a share parameter) and the rest part
   (``1 − Σ shares``), by largest remainders in the split unit: the least common multiple of their
   units, so that each amount is a whole multiple of its own unit;
4. each part's *sharing* among the recipients by its key, rounded on its own in its unit.

and the rules under which a line cannot be allocated, as data (``Condition``): each names the
parameters it reads and carries the one message the tool prints. ``core.line`` evaluates the plan
exactly, ``sweep.lines`` translates it into array operations, ``excel`` into spreadsheet formulas;
none of them derives the steps, the units or the refusals from the line again.

Conditions of the stage ``parameters`` depend on the parameters alone (``Parameters.validate``
lists every one that fails); those of the stage ``allocation`` also on the number of recipients
``n`` (``core.line.part_totals`` raises the first that fails, in the plan's order).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from fractions import Fraction
from typing import Literal

from ..frozen import frozen
from .spec import RECIPIENT_PLURALS, Line, Rules

__all__ = ["Condition", "ConditionKind", "LinePlan", "PartPlan", "Stage", "plan_line", "plans"]

PartKind = Literal["carved", "share", "rest"]
Stage = Literal["parameters", "allocation"]
ConditionKind = Literal[
    "carved_within_total",  # one carved amount ≤ the total
    "carved_sum_within_total",  # Σ carved ≤ the total (two carved parts or more)
    "whole_units",  # an amount parameter is a whole multiple of a unit (round_to)
    "shares_within_one",  # Σ shares ≤ 1
    "rural_weights",  # a rural key's weights are not all zero while the part's amount is positive
    "base_within_total",  # n · base ≤ the total
    "carved_within_rest",  # Σ carved ≤ total − n · base
    "remaining_in_units",  # total − n · base − Σ carved is a whole multiple of the split unit
]


Values = Mapping[str, int | Fraction]


@frozen
class PartPlan:
    """One part of a line as a step: how its amount is fixed (``kind``), and how it is shared.

    ``carved``: a fixed ``amount`` parameter; ``share``: the ``share`` parameter of what remains;
    ``rest``: what the others leave. ``key`` shares it among the recipients, in whole multiples of
    ``unit`` kronor (its own ``round_to``, else the line's).
    """

    name: str
    kind: PartKind
    key: str
    unit: int
    amount: str = ""
    share: str = ""


@frozen
class Condition:
    """One rule under which a line cannot be allocated, and its message.

    ``keys``: the parameters it reads — ``whole_units``: the amount; ``carved_within_total``: the
    carved amount, then the total; ``carved_sum_within_total``, ``carved_within_rest``: the carved
    amounts; ``shares_within_one``: the shares; ``rural_weights``: the amount that must be 0 (the
    carved amount, or the total), ``weights`` the key's weight parameters and ``part`` the part;
    ``base_within_total``, ``remaining_in_units``: none (they read the plan's total, base, carved).
    ``unit`` is the rounding unit of ``whole_units`` and ``remaining_in_units``; ``whose`` says in
    a ``whole_units`` message whose unit it is.
    """

    kind: ConditionKind
    stage: Stage
    keys: tuple[str, ...] = ()
    unit: int = 1
    whose: str = ""
    part: str = ""
    weights: tuple[str, ...] = ()

    def holds(self, plan: LinePlan, values: Values, n: int = 0) -> bool:
        """True when the line can go on, for these parameter values and ``n`` recipients."""
        v = values
        if self.kind == "whole_units":
            return int(v[self.keys[0]]) % self.unit == 0
        if self.kind == "carved_within_total":
            return v[self.keys[0]] <= v[self.keys[1]]
        if self.kind == "carved_sum_within_total":
            return sum(int(v[k]) for k in self.keys) <= v[plan.total]
        if self.kind == "shares_within_one":
            return sum((Fraction(v[k]) for k in self.keys), Fraction(0)) <= 1
        if self.kind == "rural_weights":
            return any(v[w] for w in self.weights) or v[self.keys[0]] <= 0
        if self.kind == "base_within_total":
            return n * plan.base_amount(v) <= v[plan.total]
        if self.kind == "carved_within_rest":
            return plan.carved_sum(v) <= plan.after_base(v, n)
        return plan.remaining(v, n) % self.unit == 0

    def message(self, plan: LinePlan, values: Values, n: int = 0, recipient: str = "region") -> str:
        """Why the line cannot go on (the tool's one text for this rule)."""
        v = values
        k = self.keys
        if self.kind == "whole_units":
            return (f"{k[0]} ({v[k[0]]} kr) is not a whole multiple of {self.whose} rounding unit "
                    f"(round_to = {self.unit} kr in line {plan.name})")
        if self.kind == "carved_within_total":
            return f"{k[0]} ({v[k[0]]}) is larger than {k[1]} ({v[k[1]]}), of which it is a part"
        if self.kind == "carved_sum_within_total":
            return f"{' + '.join(k)} is larger than {plan.total} ({v[plan.total]}), of which they are parts"
        if self.kind == "shares_within_one":
            return f"the shares {' + '.join(k)} of {plan.name} add up to more than 1"
        if self.kind == "rural_weights":
            return (f"every {_wildcard(self.weights)} is zero while {k[0]} is positive: "
                    "the rural part cannot be shared")
        base = plan.base_amount(v)
        if self.kind == "base_within_total":
            return (f"{plan.base} {base} kr × {n} {RECIPIENT_PLURALS.get(recipient, recipient)} = {n * base} kr "
                    f"is more than {plan.total} {v[plan.total]} kr")
        if self.kind == "carved_within_rest":
            names = " + ".join(p.amount for p in plan.carved)
            return f"{names} ({plan.carved_sum(v)}) is more than what {plan.total} leaves ({plan.after_base(v, n)})"
        what = f"{plan.total}" + (f" − {n} × {plan.base}" if plan.base else "")
        what += "".join(f" − {p.amount}" for p in plan.carved)
        return (f"line {plan.name}: {what} leaves {plan.remaining(v, n)} kr, not a whole multiple of its rounding "
                f"unit round_to = {self.unit} kr" + (f" (the base amount is {base} kr)" if plan.base else ""))


@frozen
class LinePlan:
    """A line as ordered steps (see the module docstring) and the conditions that refuse it.

    ``parts``: every part in the line's order; ``carved``: the carved-out parts in order;
    ``shares`` and ``rest``: the split of what remains (``split`` is the share parts then the rest
    part, or empty when there are no share parts: the rest part then takes what remains whole);
    ``unit``: the line's own rounding unit; ``split_unit``: the unit of the split.
    """

    name: str
    total: str
    base: str
    unit: int
    parts: tuple[PartPlan, ...]
    carved: tuple[PartPlan, ...]
    shares: tuple[PartPlan, ...]
    rest: PartPlan
    split_unit: int
    conditions: tuple[Condition, ...]

    @property
    def amounts(self) -> tuple[str, ...]:
        """The line's amount parameters: its total, its base amount, the carved amounts, in order."""
        return (self.total, *((self.base,) if self.base else ()), *(p.amount for p in self.carved))

    @property
    def share_keys(self) -> tuple[str, ...]:
        """The share parameters of the split, in order."""
        return tuple(p.share for p in self.shares)

    @property
    def split(self) -> tuple[PartPlan, ...]:
        """The share parts, then the rest part; () when the line has no share parts."""
        return (*self.shares, self.rest) if self.shares else ()

    def part(self, name: str) -> PartPlan:
        """The step of the part called ``name``."""
        for p in self.parts:
            if p.name == name:
                return p
        raise KeyError(f"line {self.name} has no part {name!r}")

    def of_stage(self, stage: Stage) -> tuple[Condition, ...]:
        """The conditions of one stage, in order."""
        return tuple(c for c in self.conditions if c.stage == stage)

    # -- the steps, exactly ---------------------------------------------------------------------

    def base_amount(self, values: Values) -> int:
        """The base amount per recipient (0 without one)."""
        return int(values[self.base]) if self.base else 0

    def carved_sum(self, values: Values) -> int:
        """Σ of the carved-out amounts."""
        return sum(int(values[p.amount]) for p in self.carved)

    def after_base(self, values: Values, n: int) -> int:
        """``total − n · base``: what the base amounts leave."""
        return int(values[self.total]) - n * self.base_amount(values)

    def remaining(self, values: Values, n: int) -> int:
        """``total − n · base − Σ carved``: what the split divides."""
        return self.after_base(values, n) - self.carved_sum(values)


def _wildcard(keys: tuple[str, ...]) -> str:
    """``landsbygd.vikt.*`` for keys that share the prefix ``landsbygd.vikt.``."""
    prefix = keys[0].rsplit(".", 1)[0]
    return f"{prefix}.*" if all(k.rsplit(".", 1)[0] == prefix for k in keys) else ", ".join(keys)


def _conditions(line: Line, rules: Rules, parts: tuple[PartPlan, ...], split_unit: int) -> list[Condition]:
    """Every refusal rule of a line, in the order of its steps: the carved amounts within the total,
    every amount in whole units, the base amounts, the carved parts within what the base leaves, the
    shares within 1, what remains in whole split units, the rural weights of each part.

    Each stage's conditions keep the order in which the tool has always reported them
    (``Parameters.validate`` lists the ``parameters`` ones, ``part_totals`` raises the first
    ``allocation`` one)."""
    carved = [p for p in parts if p.kind == "carved"]
    out = [Condition("carved_within_total", "parameters", (p.amount, line.total)) for p in carved]
    if len(carved) > 1:
        out.append(Condition("carved_sum_within_total", "parameters", tuple(p.amount for p in carved)))
    units = [(line.total, line.round_to, "the line's"), (line.base, line.round_to, "the line's")]
    units += [(p.amount, p.unit, f"its part {p.name}'s") for p in carved]
    out += [Condition("whole_units", "parameters", (key,), unit, whose) for key, unit, whose in units
            if key and unit > 1]
    if line.base:
        out.append(Condition("base_within_total", "allocation"))
    if carved:
        out.append(Condition("carved_within_rest", "allocation", tuple(p.amount for p in carved)))
    shares = tuple(p.share for p in parts if p.kind == "share")
    if shares:
        out.append(Condition("shares_within_one", "parameters", shares))
    if split_unit > 1:
        out.append(Condition("remaining_in_units", "allocation", unit=split_unit))
    for p in parts:
        key = rules.keys[p.key]
        if key.kind == "landsbygd":
            out.append(Condition("rural_weights", "parameters", (p.amount or line.total,), part=p.name,
                                 weights=key.weights))
    return out


def plan_line(line: Line, rules: Rules) -> LinePlan:
    """The one translation of ``line`` into steps and conditions (see the module docstring)."""
    parts = tuple(
        PartPlan(p.name, "carved" if p.amount else "share" if p.share else "rest", p.key,
                 p.round_to or line.round_to, p.amount or "", p.share or "")
        for p in line.parts
    )
    carved = tuple(p for p in parts if p.kind == "carved")
    shares = tuple(p for p in parts if p.kind == "share")
    rest = next((p for p in parts if p.kind == "rest"), None)
    if rest is None:  # a definition is refused before (agreements.build); Rules built by hand are not
        raise ValueError(f"line {line.name} has no rest part (a part with neither an amount nor a share)")
    split_unit = math.lcm(*(p.unit for p in parts if p.kind != "carved"))
    return LinePlan(line.name, line.total, line.base or "", line.round_to, parts, carved, shares, rest, split_unit,
                    tuple(_conditions(line, rules, parts, split_unit)))


#: The plans of the rules seen last, by identity (``Rules`` holds mappings: it is not hashable).
_CACHE: dict[int, tuple[Rules, tuple[LinePlan, ...]]] = {}


def plans(rules: Rules) -> tuple[LinePlan, ...]:
    """The plan of every line of ``rules``, in order (cached per rules object)."""
    hit = _CACHE.get(id(rules))
    if hit is not None and hit[0] is rules:
        return hit[1]
    if len(_CACHE) >= 64:
        _CACHE.clear()
    out = tuple(plan_line(line, rules) for line in rules.lines)
    _CACHE[id(rules)] = (rules, out)
    return out
