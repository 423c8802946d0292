"""The whole allocation: every budget line of an agreement applied to one set of inputs.

This is the pure core's entry point. It reads no files and imports nothing heavy: give it
validated ``Inputs`` and ``Parameters`` (which carry the agreement's ``Rules``) and it returns a
``Result`` with every output column, the exact shares behind each krona, and the budget table.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

from .budget import BudgetLine, budget_lines
from .column import Column
from .line import allocate_line, key_weights
from .model import Inputs, Parameters, Region
from .rounding import ROUNDING_RULE, Apportionment
from .spec import ColumnSpec, Rules

__all__ = ["Row", "Result", "allocate"]

#: One output row: column name → value (text columns ``str``, counts and kronor ``int``).
Row = dict[str, str | int]


@dataclass(frozen=True, slots=True)
class Result:
    """Everything one allocation produced.

    Attributes:
        inputs, parameters: what it was computed from (``parameters.rules`` is the agreement).
        columns: one ``Column`` per budget line, by line name, with every part's apportionment.
        budget: the budget table with the scenario's amounts.
    """

    inputs: Inputs
    parameters: Parameters
    columns: Mapping[str, Column]
    budget: tuple[BudgetLine, ...]

    @property
    def rules(self) -> Rules:
        """The agreement's rules."""
        return self.parameters.rules

    def part(self, line: str, part: str) -> Apportionment:
        """One part of a budget line."""
        return self.columns[line].parts[part]

    def amount(self, column: str, code: str) -> int:
        """The rounded amount of an output column in kronor for one recipient."""
        return self._amount(self.rules.column(column), code)

    def _amount(self, spec: ColumnSpec, code: str) -> int:
        if spec.kind == "line":
            return self.columns[spec.ref[0]].amount(code)
        if spec.kind == "part":
            return self.part(*spec.ref).amounts[code]
        if spec.kind == "sum":
            return sum(self.amount(c, code) for c in spec.ref)
        raise KeyError(f"{spec.name} is not an amount column")

    def exact(self, column: str, code: str) -> Fraction:
        """The exact (unrounded) amount of an output column for one recipient."""
        spec = self.rules.column(column)
        if spec.kind == "line":
            return self.columns[spec.ref[0]].exact(code)
        if spec.kind == "part":
            return self.part(*spec.ref).exact[code]
        if spec.kind == "sum":
            return sum((self.exact(c, code) for c in spec.ref), Fraction(0))
        raise KeyError(f"{column} is not an amount column")

    def row(self, region: Region) -> Row:
        """The output row of one recipient, in the order of the agreement's columns."""
        out: Row = {}
        for spec in self.rules.columns:
            if spec.kind in ("code", "text"):
                out[spec.name] = region.text(spec.ref[0] if spec.ref else spec.name)
            elif spec.kind == "count":
                out[spec.name] = region.count(spec.ref[0] if spec.ref else spec.name)
            else:
                out[spec.name] = self._amount(spec, region.lan_code)
        return out

    @property
    def rows(self) -> tuple[Row, ...]:
        """One row per recipient, in the order of the inputs."""
        return tuple(self.row(r) for r in self.inputs.regions)

    def totals(self) -> dict[str, int]:
        """The sum of every amount and count column (each amount column equals its budget)."""
        rows = self.rows
        names = self.rules.amount_columns + self.rules.count_columns
        return {c: sum(int(r[c]) for r in rows) for c in names}

    def budget_of(self, column: str) -> int:
        """The budget an amount column must sum to: the line's total, the part's amount, or a sum."""
        spec = self.rules.column(column)
        if spec.kind == "line":
            return self.columns[spec.ref[0]].total
        if spec.kind == "part":
            return self.part(*spec.ref).total
        if spec.kind == "sum":
            return sum(self.budget_of(c) for c in spec.ref)
        raise KeyError(f"{column} is not an amount column")

    def budget_lines_by_column(self) -> dict[str, int]:
        """The budget each amount column must sum to."""
        return {c: self.budget_of(c) for c in self.rules.amount_columns}


def allocate(inputs: Inputs, params: Parameters, rule: str = ROUNDING_RULE) -> Result:
    """Apply the agreement's rules (``params.rules``) to ``inputs``: every line, every part.

    ``rule`` names the rounding rule (``rounding.RULES``); only the reconciliation ever passes
    another one than the package's ``ROUNDING_RULE``, to compare.
    """
    rules = params.rules
    used = {p.key for line in rules.lines for p in line.parts}
    weights = {k: key_weights(inputs, params, k) for k in rules.keys if k in used}
    columns = {line.name: allocate_line(line, inputs, params, rule, weights) for line in rules.lines}
    return Result(inputs=inputs, parameters=params, columns=columns, budget=budget_lines(params))
