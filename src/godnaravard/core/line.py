"""One budget line shared among the recipients: base amount, carved-out parts, shares, the rest.

The rule every line of an agreement follows (see ``spec``), as in avsnitt 12 of God och nära
vård:

    rest      = total − n · base                         (base: "grundbelopp ... per region")
    carved    = the fixed amounts of the carved-out parts ("varav 300 miljoner ... landsbygd")
    remaining = rest − Σ carved
    remaining is split into whole kronor between the share parts (share s_i) and the rest part
    (1 − Σ s_i), by the package's rounding rule ("hälften ... den andra hälften ...")
    each part = its amount shared by its key, rounded on its own (``rounding``)
    line(recipient) = base + Σ parts(recipient)

With a rounding unit (``round_to``, issue 17 §2) a part is rounded in whole multiples of its
unit, and the split of what remains between the share parts and the rest is made in the least
common multiple of their units, so every amount stays a multiple of its unit and every sum stays
exact. The steps, the units and the refusals are the line's plan (``core.plan``, issue 17 §3),
which this module evaluates exactly; the sweep and the workbook translate the same plan.

Each part sums exactly to its own amount, so the line sums exactly to its total.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

from .column import Column
from .landsbygd import rural_weights
from .model import Inputs, Parameters
from .plan import LinePlan, plan_line, plans
from .rounding import ROUNDING_RULE, AllocationError, Apportionment, apportion
from .spec import Line, Rules

__all__ = ["key_weights", "line_plan", "part_totals", "allocate_line"]


def key_weights(inputs: Inputs, params: Parameters, key: str) -> dict[str, Fraction | int]:
    """Each recipient's weight under a key: a data column, or the rural key's W (avsnitt 12)."""
    spec = params.rules.keys[key]
    if spec.kind == "landsbygd":
        return dict(rural_weights(inputs, params.weights(key)))
    return {r.code: r.count(spec.column) for r in inputs.recipients}


def line_plan(line: Line, rules: Rules) -> LinePlan:
    """The plan of ``line`` (``core.plan``): the cached one when ``line`` is one of ``rules``' lines."""
    for ln, plan in zip(rules.lines, plans(rules), strict=True):
        if ln is line:
            return plan
    return plan_line(line, rules)


def part_totals(line: Line, params: Parameters, recipients: int) -> tuple[int, dict[str, int], Apportionment | None]:
    """The base amount and each part's amount in whole kronor, and how shares split the rest: the
    line's plan (``core.plan``) evaluated exactly.

    Raises ``AllocationError`` with the message of the plan's first ``allocation`` condition that
    fails (base amounts or carved-out parts above the total, a remainder not in whole units).
    """
    plan = line_plan(line, params.rules)
    values = params.values
    for condition in plan.of_stage("allocation"):
        if not condition.holds(plan, values, recipients):
            raise AllocationError(condition.message(plan, values, recipients, params.rules.recipient))
    amounts: dict[str, int] = {p.name: params.amount(p.amount) for p in plan.carved}
    remaining = plan.remaining(values, recipients)
    split = None
    if plan.shares:
        shares = {p.name: params.fraction(p.share) for p in plan.shares}
        shares[plan.rest.name] = 1 - sum(shares.values(), Fraction(0))
        split = apportion(remaining, shares, unit=plan.split_unit)
        amounts |= dict(split.amounts)
    else:
        amounts[plan.rest.name] = remaining
    return plan.base_amount(values), {p.name: amounts[p.name] for p in plan.parts}, split


def allocate_line(
    line: Line,
    inputs: Inputs,
    params: Parameters,
    rule: str = ROUNDING_RULE,
    weights: Mapping[str, Mapping[str, Fraction | int]] | None = None,
) -> Column:
    """Share one budget line among ``inputs.recipients`` (see the module docstring).

    ``weights`` may hold the key weights already computed, by key name, to share them between lines.
    """
    base, totals, split = part_totals(line, params, len(inputs.recipients))
    parts = {}
    for p in line_plan(line, params.rules).parts:
        w = weights[p.key] if weights and p.key in weights else key_weights(inputs, params, p.key)
        parts[p.name] = apportion(totals[p.name], w, rule, unit=p.unit)
    return Column(name=line.name, total=params.amount(line.total), parts=parts, base_per_region=base, split=split)
