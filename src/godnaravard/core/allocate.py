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
from fractions import Fraction

from ..frozen import frozen
from .budget import BudgetLine, budget_lines
from .column import Column
from .columns import Behind, adjustment_of, resolve
from .line import allocate_line, key_weights
from .model import Inputs, Parameters, Recipient
from .rounding import ROUNDING_RULE, AllocationError, Apportionment
from .spec import Adjustment, ColumnSpec, Rules

__all__ = ["Row", "Result", "allocate"]

#: One output row: column name → value (text columns ``str``, counts and kronor ``int``).
Row = dict[str, str | int]


@frozen
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

    def _behind(self, spec: ColumnSpec) -> Behind:
        """The parts behind an amount column (``columns.resolve``); ``KeyError`` for any other."""
        if not spec.is_amount:
            raise KeyError(f"{spec.name} is not an amount column")
        return resolve(self.rules, spec)

    def _rule_amount(self, spec: ColumnSpec, code: str) -> int:
        behind = self._behind(spec)
        return (sum(self.columns[line].base_per_region for line in behind.bases)
                + sum(self.part(*p).amounts[code] for p in behind.parts))

    def _adjustment(self, spec: ColumnSpec, code: str) -> int:
        return adjustment_of(self._behind(spec), self.adjustments, code)

    def _amount(self, spec: ColumnSpec, code: str) -> int:
        return self._rule_amount(spec, code) + self._adjustment(spec, code)

    def exact(self, column: str, code: str) -> Fraction:
        """The exact (unrounded) amount of an output column for one recipient."""
        behind = self._behind(self.rules.column(column))
        return (sum(self.columns[line].base_per_region for line in behind.bases)
                + sum((self.part(*p).exact[code] for p in behind.parts), Fraction(0)))

    def row(self, recipient: Recipient) -> Row:
        """The output row of one recipient, in the order of the agreement's columns."""
        out: Row = {}
        for spec in self.rules.columns:
            if spec.kind == "code":
                out[spec.name] = recipient.code
            elif spec.kind == "text":
                out[spec.name] = recipient.text(spec.ref[0] if spec.ref else spec.name)
            elif spec.kind == "count":
                out[spec.name] = recipient.count(spec.ref[0] if spec.ref else spec.name)
            else:
                out[spec.name] = self._amount(spec, recipient.code)
        return out

    @property
    def rows(self) -> tuple[Row, ...]:
        """One row per recipient, in the order of the inputs."""
        return tuple(self.row(r) for r in self.inputs.recipients)

    def totals(self) -> dict[str, int]:
        """The sum of every amount and count column (each amount column equals its budget)."""
        rows = self.rows
        names = self.rules.amount_columns + self.rules.count_columns
        return {c: sum(int(r[c]) for r in rows) for c in names}

    def budget_of(self, column: str) -> int:
        """The budget an amount column must sum to: the line's total, the part's amount, or a sum
        (every line's base amount times the recipients, plus its parts' amounts, avsnitt 12)."""
        behind = self._behind(self.rules.column(column))
        recipients = len(self.inputs.recipients)
        return (sum(self.columns[line].base_per_region * recipients for line in behind.bases)
                + sum(self.part(*p).total for p in behind.parts))

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
    codes = {r.code for r in inputs.recipients}
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
