"""The budget table of an agreement (avsnitt 11 of God och nära vård) and the totals its text states.

Each ``BudgetItem`` of the definition names the parameter its amount comes from; the stated
totals (avsnitt 1.2, 11.1, 11.2 and 13.1 of God och nära vård) say which items, parameters or output
columns they add up. This module derives every such total from the scenario's parameters and
the computed columns, so that ``godnaravard check`` can audit the agreement's own arithmetic
against its printed figures.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..frozen import frozen
from .model import Parameters
from .spec import BudgetItem, StatedTotal

__all__ = ["BudgetLine", "budget_lines", "derived_total", "derived_totals"]


@frozen
class BudgetLine:
    """One line of the budget table with the scenario's amount.

    ``parameter`` is the key the amount comes from; ``allocated_in`` names the table that splits
    the line per recipient, if any; ``group`` is the recipient group the totals add up by.
    """

    chapter: str
    item: str
    recipient: str
    group: str
    payer: str
    parameter: str
    amount: int
    allocated_in: str = ""


def budget_lines(params: Parameters) -> tuple[BudgetLine, ...]:
    """Every budget item of the agreement with the scenario's amounts."""
    return tuple(_line(i, params) for i in params.rules.budget)


def _line(item: BudgetItem, params: Parameters) -> BudgetLine:
    return BudgetLine(
        chapter=item.chapter, item=item.item, recipient=item.recipient, group=item.group, payer=item.payer,
        parameter=item.parameter, amount=params.amount(item.parameter), allocated_in=item.allocated_in,
    )


def _matches(line: BudgetLine, where: Mapping[str, str]) -> bool:
    return all(getattr(line, field) == value for field, value in where.items())


def derived_total(
    total: StatedTotal, params: Parameters, lines: tuple[BudgetLine, ...], column_totals: Mapping[str, int]
) -> int:
    """One stated total derived from the items it adds up (never from the stated figure)."""
    value = sum(params.amount(k) for k in total.parameters)
    if total.items or total.all_items:
        value += sum(ln.amount for ln in lines if _matches(ln, total.items))
    value += sum(column_totals[c] for c in total.columns)
    return value


def derived_totals(params: Parameters, column_totals: Mapping[str, int]) -> dict[str, int]:
    """Every stated total of the agreement, by id, derived from the parameters and columns."""
    lines = budget_lines(params)
    return {t.id: derived_total(t, params, lines, column_totals) for t in params.rules.stated_totals}
