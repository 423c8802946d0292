"""The pure core of godnaravard: an agreement's rules as functions of validated inputs.

No I/O, no pandas, no floats: integers and ``fractions.Fraction`` from input to rounded kronor.
One module per rule:

- ``spec``: the shape of an agreement (budget lines, parts, keys, columns) as plain values
- ``plan``: a budget line as ordered steps and refusal rules, for every backend (issue 17 §3)
- ``line``: one budget line: base amount, carved-out parts, shares, the rest
- ``landsbygd``: the rural key (weighted rural population, avsnitt 12)
- ``budget``: the budget table and the totals the text states
- ``rounding``: the one rounding rule, declared and argued
- ``columns``: the one column resolver (the parts behind an output column)
- ``allocate``: every line of an agreement at once
"""

from .allocate import Result, Row, allocate
from .budget import BudgetLine, budget_lines, derived_totals
from .column import Column
from .columns import Behind, adjustment_of, resolve
from .landsbygd import KommunRow, MissingCategoriesError, key_from_kommuner
from .model import Inputs, Parameters, Recipient, RuralKey
from .plan import Condition, LinePlan, PartPlan, plan_line, plans
from .rounding import ROUNDING_RULE, RULES, AllocationError, Apportionment, apportion
from .spec import RECIPIENT_PLURALS, TEXT_FIELDS, Adjustment, BudgetItem, ColumnSpec, Key, Line, Part, Rules, StatedTotal

__all__ = [
    "Adjustment",
    "ROUNDING_RULE",
    "RULES",
    "AllocationError",
    "Apportionment",
    "Behind",
    "BudgetItem",
    "BudgetLine",
    "Column",
    "ColumnSpec",
    "Condition",
    "Inputs",
    "Key",
    "KommunRow",
    "Line",
    "LinePlan",
    "MissingCategoriesError",
    "Parameters",
    "Part",
    "PartPlan",
    "Recipient",
    "Result",
    "Row",
    "Rules",
    "RuralKey",
    "RECIPIENT_PLURALS",
    "StatedTotal",
    "TEXT_FIELDS",
    "adjustment_of",
    "allocate",
    "apportion",
    "budget_lines",
    "derived_totals",
    "key_from_kommuner",
    "plan_line",
    "plans",
    "resolve",
]
