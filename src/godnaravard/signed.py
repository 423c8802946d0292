"""The agreement as signed: the cells a signed table adjusted by hand, and how every output says so.

An agreement's definition may state ``[[adjustments]]`` (``core.spec.Adjustment``): kronor a
signed table moved by hand between recipients, against its own rule (bilaga 3 of God och nära
vård, kolumn Ambulans: Region Sörmland −1 kr, Region Västra Götaland +1 kr). ``api.allocate``
applies them to the agreement as signed only (``Scenario.as_signed``). This module turns the
applied adjustments into cells (the rule's figure, the kronor added, the signed figure) for
``allocate``, ``check`` and ``explain``, and words the note for a what-if, where they do not apply.
No computation happens here beyond reading ``Result.rule_amount`` and ``Result.amount``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .core.columns import resolve
from .display import fixed
from .frozen import frozen

if TYPE_CHECKING:
    from collections.abc import Iterable

    from .agreements import Agreement
    from .api import Allocation
    from .core import Adjustment, Result
    from .reference import OfficialCell

__all__ = ["AdjustedCell", "SignedCell", "adjusted_cells", "adjustments_json", "cell_note", "minus",
           "not_applied_note", "signed_cells"]


@frozen
class AdjustedCell:
    """One cell of a signed table that differs from the rule by an adjustment.

    ``column`` is the output column the table prints the adjusted figure in (the line's column,
    e.g. ``ambulans``); ``rule + kronor == signed``.
    """

    line: str
    part: str
    table: str
    table_label: str
    source: str
    code: str
    name: str
    column: str
    column_label: str
    line_label: str
    rule: int
    signed: int
    kronor: int


def minus(value: int) -> str:
    """A signed whole number of kronor with a true minus sign: ``−1``, ``+1``."""
    return f"{value:+d}".replace("-", "−")


def _column_of(ag: Agreement, adj: Adjustment) -> str:
    """The output column that prints the adjusted figure: the line's (or the part's) column in the
    adjustment's table, else the first such column of the agreement."""
    rules = ag.rules
    wanted = [c.name for c in rules.columns if c.kind != "sum" and (adj.line, adj.part) in resolve(rules, c).parts]
    in_table: tuple[str, ...] = ()
    if adj.table:
        in_table = ag.table(adj.table).columns
    for name in wanted:
        if name in in_table:
            return name
    return wanted[0] if wanted else ""


def adjusted_cells(result: Result, ag: Agreement) -> tuple[AdjustedCell, ...]:
    """Every cell the applied adjustments of ``result`` change, in the order of the definition."""
    return tuple(c for adj in result.adjustments for c in _cells_of(result, ag, adj))


def _cells_of(result: Result, ag: Agreement, adj: Adjustment) -> tuple[AdjustedCell, ...]:
    """The cells one adjustment changes, one per recipient it names."""
    column = _column_of(ag, adj)
    label = ag.table(adj.table).label if adj.table else ""
    line_label = ag.rules.line(adj.line).label or adj.line
    out = []
    for code, kronor in adj.kronor.items():
        rule = result.rule_amount(column, code) if column else result.part(adj.line, adj.part).amounts[code]
        out.append(AdjustedCell(
            line=adj.line, part=adj.part, table=adj.table, table_label=label, source=adj.source,
            code=code, name=result.inputs.recipient(code).name, column=column,
            column_label=ag.label(column) if column else adj.line, line_label=line_label,
            rule=rule, signed=rule + kronor, kronor=kronor,
        ))
    return tuple(out)


def _kr(value: int) -> str:
    """Whole kronor with spaces between thousands (as ``render.kr``, without importing the renderer)."""
    return fixed(value, 0, thousands=" ")


def cell_note(cell: AdjustedCell) -> str:
    """One adjusted cell in a sentence: the signed figure, where it stands, the rule's figure."""
    where = f" as {cell.table_label} is signed" if cell.table_label else " as signed"
    return (f"{cell.line_label}, {cell.name}: {_kr(cell.signed)} kr{where}; the rule gives {_kr(cell.rule)} kr "
            f"({minus(cell.kronor)} kr)")


def not_applied_note(alloc: Allocation) -> str | None:
    """For an allocation that is not the agreement as signed, of an agreement with adjustments:
    the sentence that says the signed tables' adjustments do not apply (None otherwise)."""
    ag = alloc.agreement
    if alloc.as_signed or not ag.rules.adjustments:
        return None
    tables = sorted({ag.table(a.table).label for a in ag.rules.adjustments if a.table})
    which = f" ({', '.join(tables)})" if tables else ""
    return (f"the signed table's adjustment{which} does not apply: this is not the agreement as signed, so "
            "every figure is the rule's")


def adjustments_json(alloc: Allocation) -> list[dict[str, Any]]:
    """The applied adjustments for JSON: line, part, table, source and the cells they change."""
    res, ag = alloc.result, alloc.agreement
    return [
        {"line": adj.line, "part": adj.part, "table": adj.table or None, "source": adj.source,
         "cells": [{"code": c.code, "name": c.name, "column": c.column, "rule": c.rule, "signed": c.signed,
                    "kronor": c.kronor} for c in _cells_of(res, ag, adj)]}
        for adj in res.adjustments
    ]


@frozen
class SignedCell:
    """An official cell the applied adjustments change: the rule's figure, the kronor added, the
    signed figure and the published one (for ``check``: ``signed == official`` when the
    adjustment states the table as signed)."""

    bilaga: str
    column: str
    code: str
    name: str
    official: int
    rule: int
    kronor: int

    @property
    def signed(self) -> int:
        """The figure as signed: the rule's plus the adjustment."""
        return self.rule + self.kronor


def signed_cells(result: Result, official: Iterable[OfficialCell]) -> tuple[SignedCell, ...]:
    """The official cells whose figure an applied adjustment changes (a ``sum`` column such as
    bilaga 3's Totalt included), in the official tables' order."""
    codes = {r.code for r in result.inputs.recipients}
    out = []
    for c in official:
        if c.code in codes and (kronor := result.adjustment(c.column, c.code)):
            out.append(SignedCell(c.bilaga, c.column, c.code, c.name, c.amount,
                                  result.rule_amount(c.column, c.code), kronor))
    return tuple(out)
