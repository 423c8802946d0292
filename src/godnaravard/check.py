"""Reconciliation: every computed cell against an agreement's official tables, and an audit of
the totals the agreement states.

What is compared comes from the agreement's definition (``godnaravard.agreements``):

- every amount cell of every table with an ``official`` CSV (``reference.official_cells``),
  to within ``TOLERANCE_KR``, with the reason for each cell that differs;
- every count column those tables print (population, HSL insatser, …) with the input data
  (``reference.official_inputs``);
- every amount column's sum with its budget line (``Result.budget_lines_by_column``);
- every total the text states (``reference.stated_totals``) with the same total derived from
  the items, parameters and columns the definition names (``core.budget.derived_totals``);
- where the agreement publishes a budget table (``reference.budget_tables``), every row of it:
  per chapter and per recipient, subtotal rows included (``check_budget``);
- how many official cells each rounding rule of ``core.rounding.RULES`` reproduces.

``reconcile(alloc)`` takes an ``api.Allocation``: its scenario names the agreement compared with.
Each deviating cell, budget row and input difference carries the structured facts behind it
(``PartFacts``, ``ComponentFacts``, ``TotalCheck.table``, ``InputDifference``), so that every
presentation writes its own words from one computation: a deviating cell's reason is one
``deviation.Reason`` (``CellCheck.why``), written in English for ``godnaravard check``
(``CellCheck.reason``) and in Swedish for the workbook's sheet Avstämning by ``deviation``;
``check_render`` lays out the text and JSON, ``excel.reconciliation`` the sheet.

The official tables are reference data (``reference``); the calculation never reads them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import field, replace
from fractions import Fraction
from typing import TYPE_CHECKING

from . import core
from .check_budget import TotalCheck, audit_totals
from .core import Result
from .core.rounding import RULES
from .deviation import ComponentFacts, PartFacts, Reason, english, signed_kr
from .display import kronor
from .frozen import frozen
from .reference import NotPrinted, OfficialCell, not_printed, official_cells, official_inputs
from .render import kr
from .signed import SignedCell, not_applied_note, signed_cells

if TYPE_CHECKING:
    from .agreements import Agreement
    from .api import Allocation

__all__ = [
    "TOLERANCE_KR",
    "PartFacts",
    "ComponentFacts",
    "CellCheck",
    "TotalCheck",
    "InputDifference",
    "NotPrinted",
    "RuleScore",
    "Reconciliation",
    "reconcile",
    "signed_kr",
    "decimal_text",
]

# ``PartFacts``, ``ComponentFacts`` and ``signed_kr`` live in ``deviation``, ``TotalCheck`` in
# ``check_budget``; they are imported here under their old path.

#: A cell passes when it is within this many kronor of the official table. One krona is the most
#: that a different choice of *who gets a balancing krona* can move a cell; anything larger would
#: be a different rule or different data, which the check must not excuse.
TOLERANCE_KR = 1


def decimal_text(value: Fraction | int, places: int = 4) -> str:
    """An exact value rounded (half to even) to ``places`` decimals, thousands separated by spaces
    (whole kronor without decimals): ``display.kronor``."""
    return kronor(value, places)


@frozen
class CellCheck:
    """One official cell against the computed one, with the rounding facts behind it.

    ``bilaga`` is the label of the official table (``TableSpec.label``), ``column`` the output
    column, ``exact`` the computed cell before rounding.

    A deviating cell carries the facts that explain it (``cause``), from which ``reason`` is
    written in English and any other presentation writes its own:

    - ``"rounding"`` (at most ``TOLERANCE_KR`` kronor): ``parts``, the separately rounded parts
      behind the cell, and ``alternatives``, the other rounding rules of ``rounding.RULES`` that
      give the official amount;
    - ``"data"`` (more than a balancing krona can move): ``parts`` as well;
    - ``"sum"`` (a cell of a ``sum`` column whose official component cells differ too):
      ``summands``, every column it adds up, ``components``, those whose cells differ, and
      ``official_is_sum``: whether the official total is the sum of the official cells of its
      columns (None when the official tables do not print them all).
    """

    bilaga: str
    column: str
    code: str
    name: str
    official: int
    computed: int
    exact: Fraction
    reason: str = ""
    parts: tuple[PartFacts, ...] = ()
    alternatives: tuple[str, ...] = ()
    summands: tuple[str, ...] = ()
    components: tuple[ComponentFacts, ...] = ()
    official_is_sum: bool | None = None

    @property
    def deviation(self) -> int:
        """Computed minus official, in kronor."""
        return self.computed - self.official

    @property
    def cause(self) -> str:
        """Why the cell differs: ``"sum"``, ``"data"``, ``"rounding"``; ``""`` when it does not."""
        if not self.deviation:
            return ""
        if self.components:
            return "sum"
        return "data" if abs(self.deviation) > TOLERANCE_KR else "rounding"

    @property
    def why(self) -> Reason | None:
        """Why the cell differs, as a structured ``deviation.Reason`` (None when it does not): the
        one source of ``reason`` in English and of the sheet Avstämning's words in Swedish."""
        if not self.deviation:
            return None
        return Reason(self.cause, self.column, self.deviation, self.exact, self.computed, self.official,
                      self.parts, self.alternatives, self.summands, self.components, self.official_is_sum)


@frozen
class InputDifference:
    """A recipient or a count of the input data that differs from what the official tables print.

    ``kind`` is ``"not_in_input"`` (a recipient the tables print that the data lacks) or ``"count"`` (a count
    ``column`` whose ``value`` in the data differs from the published one: ``official`` holds each
    published value with the tables that print it).
    """

    kind: str
    code: str
    name: str = ""
    column: str = ""
    value: int = 0
    official: tuple[tuple[int, tuple[str, ...]], ...] = ()

    def text(self, label: Callable[[str], str]) -> str:
        """The difference in English, with ``label`` naming the count column."""
        if self.kind == "not_in_input":
            return f"{self.code}: in the official tables but not in the input data"
        official = ", ".join(f"{kr(v)} ({', '.join(t)})" for v, t in self.official)
        return f"{self.code} {self.name}: {label(self.column)} {kr(self.value)} in the input data, official {official}"


@frozen
class RuleScore:
    """How many official cells of each column a rounding rule reproduces exactly.

    ``once`` marks the other reading of the rule: each line's exact sum rounded once instead of
    part by part.
    """

    rule: str
    description: str
    exact_by_column: dict[str, int]
    once: bool = False

    @property
    def used(self) -> bool:
        """True for the rule the allocation itself uses (each part rounded separately)."""
        return self.rule == core.ROUNDING_RULE and not self.once

    @property
    def exact(self) -> int:
        """Exact cells over all columns."""
        return sum(self.exact_by_column.values())


@frozen
class Reconciliation:
    """The whole reconciliation: cells, stated totals, column sums and the rule comparison.

    ``agreement`` is the agreement whose official tables were compared; ``title`` the title of
    what was computed (the agreement's own title, or the scenario's with its changes).

    ``cells`` are the rule's view (``Result.rule_amount``: what the rule gives, deviations
    explained). Where the agreement's signed tables adjust figures by hand and this is the
    agreement as signed, ``signed_exact`` counts the cells equal as signed (the rule's figure plus
    the adjustment) and ``adjusted`` lists the cells an adjustment changes; in a what-if
    ``signed_exact`` is None and ``signed_note`` says that the adjustment does not apply.

    ``not_printed`` are the cells of our recipients that an official table does not print (no row,
    or an empty cell; issue 17 §2): listed, neither compared nor deviations.
    """

    cells: tuple[CellCheck, ...]
    totals: tuple[TotalCheck, ...]
    column_sums: dict[str, tuple[int, int]]  # column → (sum of computed cells, budget line)
    inputs: tuple[InputDifference, ...]
    rules: tuple[RuleScore, ...]
    is_baseline: bool
    tolerance: int = TOLERANCE_KR
    notes: tuple[str, ...] = field(default_factory=tuple)
    agreement: Agreement | None = None
    title: str = ""
    signed_exact: int | None = None
    adjusted: tuple[SignedCell, ...] = ()
    signed_note: str = ""
    not_printed: tuple[NotPrinted, ...] = ()

    @property
    def has_adjustments(self) -> bool:
        """The agreement's signed tables differ from its rule by hand (``[[adjustments]]``)."""
        return self.agreement is not None and bool(self.agreement.rules.adjustments)

    @property
    def input_mismatches(self) -> tuple[str, ...]:
        """The input differences (``inputs``) in English."""
        return tuple(d.text(self.column_label) for d in self.inputs)

    @property
    def stated(self) -> tuple[TotalCheck, ...]:
        """The totals the agreement's text states (``reference.stated_totals``)."""
        return tuple(t for t in self.totals if not t.table)

    @property
    def budget_rows(self) -> tuple[TotalCheck, ...]:
        """The audited rows of the agreement's budget tables, per table in the order checked."""
        return tuple(t for t in self.totals if t.table)

    @property
    def sums_ok(self) -> bool:
        """Every amount column sums exactly to its budget line."""
        return all(s == b for s, b in self.column_sums.values())

    @property
    def exact(self) -> int:
        """Cells equal to the official table."""
        return sum(c.deviation == 0 for c in self.cells)

    @property
    def within_tolerance(self) -> int:
        """Cells within ``tolerance`` kronor of the official table."""
        return sum(abs(c.deviation) <= self.tolerance for c in self.cells)

    @property
    def worst(self) -> CellCheck | None:
        """The cell with the largest absolute deviation (None if all exact)."""
        deviating = [c for c in self.cells if c.deviation]
        return max(deviating, key=lambda c: (abs(c.deviation), c.column, c.code)) if deviating else None

    @property
    def deviating(self) -> tuple[CellCheck, ...]:
        """The cells that differ from the official table."""
        return tuple(c for c in self.cells if c.deviation)

    @property
    def cells_by_table(self) -> dict[str, int]:
        """How many cells each official table contributed, by table label, in table order."""
        out: dict[str, int] = {}
        for c in self.cells:
            out[c.bilaga] = out.get(c.bilaga, 0) + 1
        return out

    @property
    def compared_columns(self) -> tuple[str, ...]:
        """The amount columns with official cells, in the order they first appear."""
        return tuple(dict.fromkeys(c.column for c in self.cells))

    def column_label(self, column: str) -> str:
        """The heading of an output column as the definition states it (the key without one)."""
        if self.agreement is None:
            return column
        try:
            return self.agreement.label(column)
        except KeyError:
            return column

    def cell_label(self, bilaga: str, column: str) -> str:
        """``"Bilaga 3 Ambulans"``: the table and the column's heading, without repeating the table."""
        label = self.column_label(column)
        suffix = f"({bilaga})".casefold()
        if label.casefold().endswith(suffix):
            label = label[: -len(suffix)].rstrip()
        return f"{bilaga} {label}"

    def column_title(self, column: str) -> str:
        """A column named with the official table(s) it appears in: ``"Bilaga 3 Nära vård"``."""
        tables = list(dict.fromkeys(c.bilaga for c in self.cells if c.column == column))
        if len(tables) == 1:
            return self.cell_label(tables[0], column)
        return self.column_label(column)

    @property
    def nothing_compared(self) -> str:
        """Why no official cell was compared (no official table, or no cell of one matched), or "" when
        some were: a check that compared nothing vouches for nothing, so it is never OK (issue 18 §7)."""
        if self.cells:
            return ""
        if self.agreement is not None and not any(t.official for t in self.agreement.tables):
            return "the definition names no official table (`official` under [[tables]])"
        return "no cell of the official tables matched a computed one"

    @property
    def ok(self) -> bool:
        """Every cell within tolerance, every column sum equal to its budget, every total stated right,
        and the input counts equal to the published ones (a count that differs means the data is not
        the data the table was computed from); and at least one cell compared."""
        return (
            not self.nothing_compared
            and self.within_tolerance == len(self.cells)
            and self.sums_ok
            and all(t.ok for t in self.totals)
            and not self.inputs
        )


# --------------------------------------------------------------------------------------------
# Why a cell differs


def _parts_of(result: Result, column: str) -> list[tuple[str, str]]:
    """The separately rounded (line, part) pairs behind an amount column: a line's parts, one part, or a sum's."""
    spec = result.rules.column(column)
    if spec.kind == "line":
        return [(spec.ref[0], name) for name in result.columns[spec.ref[0]].parts]
    if spec.kind == "part":
        return [(spec.ref[0], spec.ref[1])]
    return [p for ref in spec.ref for p in _parts_of(result, ref)]


def _part_facts(result: Result, column: str, code: str) -> tuple[PartFacts, ...]:
    """The rounding facts of every part behind ``column`` for recipient ``code``."""
    facts = []
    for line, name in _parts_of(result, column):
        part = result.part(line, name)
        facts.append(PartFacts(line, name, part.exact[code], part.remainder(code), part.rank(code), len(part.exact),
                               part.leftover, part.adjustment(code) > 0))
    return tuple(facts)


def _with_facts(
    check: CellCheck,
    result: Result,
    alternatives: Mapping[str, Result],
    officials: Mapping[tuple[str, str], int],
) -> CellCheck:
    """``check`` with the facts that explain why its cell differs (the optional fields of ``CellCheck``).

    A cell of a ``sum`` column (a table's Totalt) is explained through the columns it adds up
    when the official table's own cells of those columns differ: the total differs with them.
    Any other cell through the exact share of each part, its remainder and its rank.
    """
    column, code, official = check.column, check.code, check.official
    spec = result.rules.column(column)
    if spec.kind == "sum":
        moved = [ref for ref in spec.ref
                 if (ref, code) in officials and officials[(ref, code)] != result.rule_amount(ref, code)]
        if moved:
            printed = [officials[(ref, code)] for ref in spec.ref if (ref, code) in officials]
            return replace(
                check,
                summands=tuple(spec.ref),
                components=tuple(
                    ComponentFacts(ref, result.rule_amount(ref, code), officials[(ref, code)],
                                   _part_facts(result, ref, code))
                    for ref in moved
                ),
                official_is_sum=None if len(printed) < len(spec.ref) else sum(printed) == official,
            )
    return replace(
        check,
        parts=_part_facts(result, column, code),
        alternatives=tuple(rule for rule, alt in alternatives.items() if alt.amount(column, code) == official),
    )


# --------------------------------------------------------------------------------------------
# Rounding rules compared


def _alternatives(result: Result) -> dict[str, Result]:
    """The same allocation under every other rounding rule of ``rounding.RULES``."""
    return {
        rule: core.allocate(result.inputs, result.parameters, rule=rule)
        for rule in RULES
        if rule != core.ROUNDING_RULE
    }


def _rounded_once(result: Result, column: str) -> dict[str, int]:
    """An amount column with each line's exact sum (after its base amount) rounded once, not part by part.

    A part is one rounding already; a sum column adds up its columns rounded this way.
    """
    spec = result.rules.column(column)
    if spec.kind == "part":
        return dict(result.part(*spec.ref).amounts)
    if spec.kind == "sum":
        columns = [_rounded_once(result, ref) for ref in spec.ref]
        return {code: sum(c[code] for c in columns) for code in columns[0]}
    col = result.columns[spec.ref[0]]
    exact_rest = {code: col.exact(code) - col.base_per_region for code in col.codes}
    unit = result.rules.line(spec.ref[0]).round_to  # in the line's rounding unit (issue 17 §2)
    whole = core.apportion(col.total - col.base_per_region * len(col.codes), exact_rest, unit=unit)
    return {code: whole.amounts[code] + col.base_per_region for code in col.codes}


def _score_rules(
    result: Result, cells: tuple[CellCheck, ...], alternatives: Mapping[str, Result]
) -> tuple[RuleScore, ...]:
    """Count, per column with official cells, the cells each candidate rounding rule reproduces."""
    columns = tuple(dict.fromkeys(c.column for c in cells))

    def count(amount: Callable[[str, str], int]) -> dict[str, int]:
        return {col: sum(amount(col, c.code) == c.official for c in cells if c.column == col) for col in columns}

    scores = []
    for rule in RULES:
        alt = result if rule == core.ROUNDING_RULE else alternatives[rule]
        what = "each part rounded separately" + (" (the package's rule)" if rule == core.ROUNDING_RULE else "")
        scores.append(RuleScore(rule, what, count(alt.rule_amount)))
    # The other natural reading: round each line's exact total once, not part by part.
    once = {col: _rounded_once(result, col) for col in columns}
    scores.append(RuleScore(core.ROUNDING_RULE, "each column's exact sum rounded once",
                            count(lambda col, code: once[col][code]), once=True))
    return tuple(scores)


# --------------------------------------------------------------------------------------------
# Inputs


def _input_differences(ag: Agreement, result: Result) -> list[InputDifference]:
    """Recipients and counts of the input data that differ from what the official tables print."""
    published = official_inputs(ag)
    codes_in_tables = published.keys() | {c.code for c in official_cells(ag)}
    regions = {r.code: r for r in result.inputs.recipients}
    # A recipient of the data that a table does not print is not printed (``reference.not_printed``).
    out = [InputDifference("not_in_input", code) for code in sorted(codes_in_tables - regions.keys())]
    for code, columns in published.items():
        if code not in regions:
            continue
        region = regions[code]
        for column, by_table in columns.items():
            value = region.count(column)
            tables_by_value: dict[int, list[str]] = {}
            for table, v in by_table.items():
                if v != value:
                    tables_by_value.setdefault(v, []).append(table)
            if tables_by_value:
                official = tuple((v, tuple(t)) for v, t in tables_by_value.items())
                out.append(InputDifference("count", code, region.name, column, value, official))
    return out


# --------------------------------------------------------------------------------------------
# The reconciliation


def _scenario_note(ag: Agreement, changes: Mapping[str, tuple[int | Fraction, int | Fraction]],
                   own_files: Mapping[str, object], mismatches: bool) -> str:
    what = []
    if changes:
        what.append("parameters changed: " + ", ".join(f"{k} {a} → {b}" for k, (a, b) in changes.items()))
    if own_files:
        what.append("own input files: " + ", ".join(f"{name}: {path}" for name, path in own_files.items()))
    if mismatches:
        what.append("the input data that differ from the official tables are listed under 'Input data differing "
                    "from the official tables' below")
    differs = f" ({'; '.join(what)})" if what else ""
    return (
        f"This scenario differs from the agreement {ag.title} as signed{differs}. "
        f"It is still compared with the official tables of {ag.title}, so "
        "deviating cells and totals show the effect of the changes, not errors, and the result is DEVIATIONS "
        "(exit code 1) whenever a change moves an amount. What must hold for every scenario is that each column "
        "sums exactly to its budget line."
    )


def reconcile(alloc: Allocation) -> Reconciliation:
    """Compare an allocation with its agreement's official tables and audit the stated totals.

    ``alloc`` is an ``api.Allocation`` (``godnaravard.allocate(...)``): its scenario names the
    agreement whose tables are compared, says whether it is the agreement as signed, what it
    changes and which input files are the user's own.
    """
    from .api import Allocation
    from .render import scenario_title

    if not isinstance(alloc, Allocation):
        raise TypeError(
            f"reconcile() takes an api.Allocation (godnaravard.allocate(...)), not {type(alloc).__name__}: "
            "the allocation's scenario names the agreement to compare with"
        )
    result = alloc.result
    sc = alloc.scenario
    ag = sc.agreement
    baseline = sc.is_baseline

    def label(column: str) -> str:
        try:
            return ag.label(column)
        except KeyError:
            return column

    names = {r.code: r.name for r in result.inputs.recipients}
    official = official_cells(ag, names)
    officials: dict[tuple[str, str], int] = {}
    for c in official:
        officials.setdefault((c.column, c.code), c.amount)
    alternatives = _alternatives(result)
    codes = {r.code for r in result.inputs.recipients}
    cells = tuple(_cell(result, c, alternatives, officials, label) for c in official if c.code in codes)

    column_totals = result.totals()
    totals = audit_totals(ag, result, column_totals)

    budgets = result.budget_lines_by_column()
    column_sums = {c: (column_totals[c], budgets[c]) for c in budgets}
    differences = _input_differences(ag, result)

    notes = []
    if not baseline and alloc.as_signed:
        files = "; ".join(f"{name}: {path}" for name, path in sc.own_files().items())
        notes.append(f"The own input files ({files}) hold the same data as the agreement {ag.title} and its "
                     "parameters are the agreement's: this is the agreement as signed.")
    elif not baseline:
        notes.append(_scenario_note(ag, sc.changes(), sc.own_files(), bool(differences)))
    if not official:
        notes.append(f"The definition of {ag.title} names no official table: no cell is compared, only the column "
                     "sums and the stated totals.")
    signed_exact: int | None = None
    adjusted: tuple[SignedCell, ...] = ()
    if alloc.as_signed:
        signed_exact = sum(result.amount(c.column, c.code) == c.amount for c in official if c.code in codes)
        adjusted = signed_cells(result, official)
    return Reconciliation(
        signed_exact=signed_exact,
        adjusted=adjusted,
        signed_note=not_applied_note(alloc) or "",
        cells=cells,
        totals=tuple(totals),
        column_sums=column_sums,
        inputs=tuple(differences),
        rules=_score_rules(result, cells, alternatives),
        is_baseline=baseline,
        notes=tuple(notes),
        agreement=ag,
        title=scenario_title(alloc),
        not_printed=not_printed(ag, names),
    )


def _cell(
    result: Result,
    cell: OfficialCell,
    alternatives: Mapping[str, Result],
    officials: Mapping[tuple[str, str], int],
    label: Callable[[str], str],
) -> CellCheck:
    computed = result.rule_amount(cell.column, cell.code)
    check = CellCheck(cell.bilaga, cell.column, cell.code, cell.name, cell.amount, computed,
                      result.exact(cell.column, cell.code))
    if computed == cell.amount:
        return check
    check = _with_facts(check, result, alternatives, officials)
    why = check.why
    return replace(check, reason=english(why, label)) if why is not None else check
