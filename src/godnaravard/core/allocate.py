"""The whole allocation: every budget line of an agreement applied to one set of inputs.

This is the pure core's entry point. It reads no files and imports nothing heavy: give it
validated ``Inputs`` and ``Parameters`` (which carry the agreement's ``Rules``) and it returns a
``Result`` with every output column, the exact shares behind each krona, and the budget table.

Adjustments (``spec.Adjustment``: kronor a signed table moved by hand) are applied on top of the
rule's figures only when the caller passes them: ``Result.amount`` is the figure as it stands,
``Result.rule_amount`` the rule's, ``Result.adjustment`` the difference. Each part's
``Apportionment`` stays the rule's.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction

from .budget import BudgetLine, budget_lines
from .column import Column
from .line import allocate_line, key_weights
from .model import Inputs, Parameters, Region
from .rounding import ROUNDING_RULE, AllocationError, Apportionment
from .spec import Adjustment, ColumnSpec, Rules

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
        adjustments: the adjustments applied on top of the rule (empty for the rule alone).
    """

    inputs: Inputs
    parameters: Parameters
    columns: Mapping[str, Column]
    budget: tuple[BudgetLine, ...]
    adjustments: tuple[Adjustment, ...] = ()

    @property
    def rules(self) -> Rules:
        """The agreement's rules."""
        return self.parameters.rules

    def part(self, line: str, part: str) -> Apportionment:
        """One part of a budget line."""
        return self.columns[line].parts[part]

    def amount(self, column: str, code: str) -> int:
        """The amount of an output column in kronor for one recipient, as it stands: the rule's
        rounded figure plus any adjustment applied."""
        spec = self.rules.column(column)
        return self._rule_amount(spec, code) + self._adjustment(spec, code)

    def rule_amount(self, column: str, code: str) -> int:
        """The rule's rounded amount of an output column for one recipient (no adjustment)."""
        return self._rule_amount(self.rules.column(column), code)

    def adjustment(self, column: str, code: str) -> int:
        """The kronor the applied adjustments add to an output column for one recipient (0 where
        none; a ``line`` column adds its parts', a ``sum`` column the columns it sums)."""
        return self._adjustment(self.rules.column(column), code)

    def _rule_amount(self, spec: ColumnSpec, code: str) -> int:
        if spec.kind == "line":
            return self.columns[spec.ref[0]].amount(code)
        if spec.kind == "part":
            return self.part(*spec.ref).amounts[code]
        if spec.kind == "sum":
            return sum(self.rule_amount(c, code) for c in spec.ref)
        raise KeyError(f"{spec.name} is not an amount column")

    def _adjustment(self, spec: ColumnSpec, code: str) -> int:
        if spec.kind == "line":
            return sum(a.added(code) for a in self.adjustments if a.line == spec.ref[0])
        if spec.kind == "part":
            return sum(a.added(code) for a in self.adjustments if (a.line, a.part) == spec.ref)
        if spec.kind == "sum":
            return sum(self.adjustment(c, code) for c in spec.ref)
        raise KeyError(f"{spec.name} is not an amount column")

    def _amount(self, spec: ColumnSpec, code: str) -> int:
        return self._rule_amount(spec, code) + self._adjustment(spec, code)

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


def allocate(
    inputs: Inputs, params: Parameters, rule: str = ROUNDING_RULE, adjustments: Iterable[Adjustment] = ()
) -> Result:
    """Apply the agreement's rules (``params.rules``) to ``inputs``: every line, every part.

    ``rule`` names the rounding rule (``rounding.RULES``); only the reconciliation ever passes
    another one than the package's ``ROUNDING_RULE``, to compare. ``adjustments`` are the signed
    table's corrections by hand (``Rules.adjustments``), applied on top of the rule's figures:
    the caller passes them for the agreement as signed only.

    Raises:
        AllocationError: an adjustment names an unknown line, part or recipient, does not keep its
            part's sum, or would make an amount negative.
    """
    rules = params.rules
    used = {p.key for line in rules.lines for p in line.parts}
    weights = {k: key_weights(inputs, params, k) for k in rules.keys if k in used}
    columns = {line.name: allocate_line(line, inputs, params, rule, weights) for line in rules.lines}
    applied = tuple(adjustments)
    for adj in applied:
        _check_adjustment(adj, columns, inputs)
    _check_not_negative(applied, columns)
    return Result(inputs=inputs, parameters=params, columns=columns, budget=budget_lines(params), adjustments=applied)


def _check_adjustment(adj: Adjustment, columns: Mapping[str, Column], inputs: Inputs) -> None:
    """Refuse an adjustment the allocation cannot carry: it must name a line, one of its parts and
    known recipients, keep the part's sum, and leave no amount below zero."""
    where = f"the adjustment of {adj.line}.{adj.part}"
    if adj.line not in columns or adj.part not in columns[adj.line].parts:
        raise AllocationError(f"{where} names no budget line and part of this agreement")
    codes = {r.lan_code for r in inputs.regions}
    unknown = sorted(c for c in adj.kronor if c not in codes)
    if unknown:
        raise AllocationError(f"{where} names unknown recipients: {', '.join(unknown)}")
    bad = sorted(c for c, k in adj.kronor.items() if isinstance(k, bool) or not isinstance(k, int))
    if bad:
        raise AllocationError(f"{where} must add whole kronor; not so for {', '.join(bad)}")
    if sum(adj.kronor.values()) != 0:
        raise AllocationError(f"{where} adds {sum(adj.kronor.values())} kr in all: it must keep the part's sum")


def _check_not_negative(applied: tuple[Adjustment, ...], columns: Mapping[str, Column]) -> None:
    """Refuse adjustments that together would take a part's amount below zero for a recipient."""
    added: dict[tuple[str, str, str], int] = {}
    for adj in applied:
        for code, kronor in adj.kronor.items():
            added[(adj.line, adj.part, code)] = added.get((adj.line, adj.part, code), 0) + kronor
    for (line, part, code), kronor in added.items():
        rule = columns[line].parts[part].amounts[code]
        if rule + kronor < 0:
            raise AllocationError(f"the adjustment of {line}.{part} would make {code}'s amount negative: "
                                  f"the rule gives {rule} kr, the adjustment adds {kronor} kr")
