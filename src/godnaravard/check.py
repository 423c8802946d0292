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
  per chapter and per recipient, subtotal rows included (``_audit_by_chapter``,
  ``_audit_by_recipient``);
- how many official cells each rounding rule of ``core.rounding.RULES`` reproduces.

The official tables are reference data (``reference``); the calculation never reads them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING

from . import core
from .core import Result
from .core.budget import BudgetLine, derived_totals
from .core.rounding import RULES
from .reference import OfficialCell, budget_tables, official_cells, official_inputs, stated_totals
from .render import kr

if TYPE_CHECKING:
    from .agreements import Agreement
    from .api import Allocation

__all__ = [
    "TOLERANCE_KR",
    "CellCheck",
    "TotalCheck",
    "RuleScore",
    "Reconciliation",
    "reconcile",
    "signed_kr",
    "decimal_text",
]

#: A cell passes when it is within this many kronor of the official table. One krona is the most
#: that a different choice of *who gets a balancing krona* can move a cell; anything larger would
#: be a different rule or different data, which the check must not excuse.
TOLERANCE_KR = 1


def signed_kr(value: int) -> str:
    """A difference in kronor with its sign: ``+1 kr``, ``-1 942 496 kr``, ``0 kr``."""
    sign = "+" if value > 0 else "-" if value < 0 else ""
    return f"{sign}{kr(abs(value))} kr"


def decimal_text(value: Fraction | int, places: int = 4) -> str:
    """An exact value rounded (half to even) to ``places`` decimals, thousands separated by spaces."""
    value = Fraction(value)
    if value.denominator == 1:
        return kr(int(value))
    scale = 10**places
    sign = "-" if value < 0 else ""
    whole, fraction = divmod(round(abs(value) * scale), scale)
    return sign + kr(whole) + f".{fraction:0{places}d}"


@dataclass(frozen=True, slots=True)
class CellCheck:
    """One official cell against the computed one, with the rounding facts behind it.

    ``bilaga`` is the label of the official table (``TableSpec.label``), ``column`` the output
    column, ``exact`` the computed cell before rounding.
    """

    bilaga: str
    column: str
    lan_code: str
    name: str
    official: int
    computed: int
    exact: Fraction
    reason: str = ""

    @property
    def deviation(self) -> int:
        """Computed minus official, in kronor."""
        return self.computed - self.official


@dataclass(frozen=True, slots=True)
class TotalCheck:
    """A total stated by the agreement against the same total derived from its items.

    ``problem`` is set when the total cannot be derived at all (e.g. a stated total the
    definition has no rule for); such a total never passes.
    """

    id: str
    section: str
    statement: str
    stated: int
    derived: int
    problem: str = ""

    @property
    def ok(self) -> bool:
        """True when the stated total follows from the items."""
        return not self.problem and self.stated == self.derived


@dataclass(frozen=True, slots=True)
class RuleScore:
    """How many official cells of each column a rounding rule reproduces exactly."""

    rule: str
    description: str
    exact_by_column: dict[str, int]

    @property
    def exact(self) -> int:
        """Exact cells over all columns."""
        return sum(self.exact_by_column.values())


@dataclass(frozen=True, slots=True)
class Reconciliation:
    """The whole reconciliation: cells, stated totals, column sums and the rule comparison.

    ``agreement`` is the agreement whose official tables were compared; ``title`` the title of
    what was computed (the agreement's own title, or the scenario's with its changes).
    """

    cells: tuple[CellCheck, ...]
    totals: tuple[TotalCheck, ...]
    column_sums: dict[str, tuple[int, int]]  # column → (sum of computed cells, budget line)
    input_mismatches: tuple[str, ...]
    rules: tuple[RuleScore, ...]
    is_baseline: bool
    tolerance: int = TOLERANCE_KR
    notes: tuple[str, ...] = field(default_factory=tuple)
    agreement: Agreement | None = None
    title: str = ""

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
        return max(deviating, key=lambda c: (abs(c.deviation), c.column, c.lan_code)) if deviating else None

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
    def ok(self) -> bool:
        """Every cell within tolerance, every column sum equal to its budget, every total stated right,
        and the input counts equal to the published ones (a count that differs means the data is not
        the data the table was computed from)."""
        return (
            self.within_tolerance == len(self.cells)
            and all(s == b for s, b in self.column_sums.values())
            and all(t.ok for t in self.totals)
            and not self.input_mismatches
        )


# --------------------------------------------------------------------------------------------
# Why a cell differs


def _parts_of(result: Result, column: str) -> list[tuple[str, core.Apportionment]]:
    """The separately rounded parts behind an amount column: a line's parts, one part, or a sum's."""
    spec = result.rules.column(column)
    if spec.kind == "line":
        return list(result.columns[spec.ref[0]].parts.items())
    if spec.kind == "part":
        return [(spec.ref[1], result.part(*spec.ref))]
    return [p for ref in spec.ref for p in _parts_of(result, ref)]


def _and(words: list[str]) -> str:
    """``"A, B and C"``."""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _part_facts(name: str, part: core.Apportionment, code: str) -> str:
    got = "a balancing krona" if part.adjustment(code) > 0 else "no balancing krona"
    return (
        f"{name} part: exact {decimal_text(part.exact[code])} kr, remainder {decimal_text(part.remainder(code))}, "
        f"rank {part.rank(code)} of {len(part.exact)} among remainders with {part.leftover} "
        f"balancing krona(s) to give: {got}"
    )


def _explain(
    result: Result,
    column: str,
    code: str,
    official: int,
    alternatives: Mapping[str, Result],
    officials: Mapping[tuple[str, str], int],
    label: Callable[[str], str],
) -> str:
    """Why a cell differs: the exact share of each part, its remainder and its rank.

    A cell of a ``sum`` column (a table's Totalt) is explained through the columns it adds up:
    when the official table's own cells of those columns differ, the total differs with them.
    """
    spec = result.rules.column(column)
    computed = result.amount(column, code)
    diff = official - computed
    if spec.kind == "sum":
        moved = [ref for ref in spec.ref if (ref, code) in officials and officials[(ref, code)] != result.amount(ref, code)]
        if moved:
            head = f"{label(column)} is the sum of {_and([label(r) for r in spec.ref])}"
            parts = [
                f"{label(ref)} differs from the official table by "
                f"{signed_kr(result.amount(ref, code) - officials[(ref, code)])} ("
                + "; ".join(_part_facts(name, part, code) for name, part in _parts_of(result, ref))
                + "; see that cell)"
                for ref in moved
            ]
            printed = [officials.get((ref, code)) for ref in spec.ref]
            if None in printed:
                parts.append("the official tables do not print every column it adds up")
            elif sum(printed) == official:  # type: ignore[arg-type]
                parts.append("the official total is the sum of the official cells, so it differs with them")
            else:
                parts.append("the official total is not the sum of the official cells of its columns")
            return head + "; " + "; ".join(parts) + "."
    lines = [_part_facts(name, part, code) for name, part in _parts_of(result, column)]
    if abs(diff) > 1:
        lines.append(
            f"the computed cell differs from the official table by {signed_kr(-diff)}, more than a balancing "
            "krona can move a cell: "
            "the parameters or the data differ from those of the official table, not the rounding"
        )
        return "; ".join(lines) + "."
    direction = "one more krona" if diff > 0 else "one krona less"
    lines.append(
        f"the official table gives {direction} than the package's rule ({core.ROUNDING_RULE}); the column's "
        f"exact share is {decimal_text(result.exact(column, code))} kr, so both {kr(computed)} and {kr(official)} "
        "are within 1 kr of it"
    )
    for rule, alt in alternatives.items():
        if alt.amount(column, code) == official:
            lines.append(f"the {rule} rule would give the official amount here")
    return "; ".join(lines) + "."


# --------------------------------------------------------------------------------------------
# The budget table


_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
            "nine": 9, "ten": 10}
_SUBTOTAL = re.compile(r"^subtotal of the next (\w+) rows?\b", re.IGNORECASE)


def _in_chapter(line: BudgetLine, chapter: str) -> bool:
    return line.chapter == chapter or line.chapter.startswith(chapter + ".")


def _chapter_lines(row: Mapping[str, str], lines: tuple[BudgetLine, ...]) -> tuple[BudgetLine, ...] | None:
    """The budget items a row of the per-chapter table adds up.

    A chapter ("4") adds up its items and those of its sub-chapters ("4.1"). A sub-chapter that
    no item names ("7.1", "7.2") is the part of its parent chapter paid by one payer: the items
    of the parent chapter whose ``payer`` the row names in its text or note ("7.1 Regionernas
    medel": payer regionerna; "7.2 Statens medel": payer staten). None when no item matches.
    """
    chapter = row["chapter"].strip()
    own = tuple(ln for ln in lines if _in_chapter(ln, chapter))
    if own or "." not in chapter:
        return own or None
    parent = chapter.rsplit(".", 1)[0]
    text = f"{row.get('item', '')} {row.get('note', '')}".casefold()
    payers = {ln.payer for ln in lines if _in_chapter(ln, parent) and ln.payer.casefold() in text}
    if len(payers) != 1:
        return None
    return tuple(ln for ln in lines if _in_chapter(ln, parent) and ln.payer in payers)


def _audit_by_chapter(rows: list[dict[str, str]], lines: tuple[BudgetLine, ...], section: str) -> list[TotalCheck]:
    """Every chapter row of the budget table against the sum of that chapter's budget items.

    Rows without a chapter are the table's total rows, audited through the stated totals.
    """
    checks = []
    for row in rows:
        chapter = row["chapter"].strip()
        if not chapter:
            continue
        matched = _chapter_lines(row, lines)
        statement = f"{chapter} {row['item']}" if "." in chapter else f"{chapter}. {row['item']}"
        if matched is None:
            checks.append(TotalCheck(f"by_chapter_{chapter}", section, statement, int(row["amount_kr"]), 0,
                                     "no budget item of the definition belongs to this row"))
        else:
            checks.append(TotalCheck(f"by_chapter_{chapter}", section, statement, int(row["amount_kr"]),
                                     sum(ln.amount for ln in matched)))
    return checks


def _audit_by_recipient(rows: list[dict[str, str]], lines: tuple[BudgetLine, ...], section: str) -> list[TotalCheck]:
    """Every recipient row of the budget table against its budget item, and every subtotal row.

    The table's item rows are matched in order with the definition's budget items (kept in the
    table's order): each row with the next item for the same recipient. A row whose note reads
    "subtotal of the next N rows" adds up the next N rows; a row whose note starts "total row"
    is audited through the stated totals.
    """
    checks: list[TotalCheck] = []
    derived: dict[int, int] = {}
    position = 0
    items = [(i, r) for i, r in enumerate(rows) if not _SUBTOTAL.match(r["note"]) and not
             r["note"].casefold().startswith("total row")]
    for n, (i, row) in enumerate(items, start=1):
        recipient = row["recipient"].strip()
        label = f"{row['item']} – {recipient}"
        found = next((j for j in range(position, len(lines)) if lines[j].recipient == recipient), None)
        if found is None:
            checks.append(TotalCheck(f"by_recipient_row{n}", section, label, int(row["amount_kr"]), 0,
                                     "no further budget item of the definition has this recipient"))
            continue
        position = found + 1
        derived[i] = lines[found].amount
        checks.append(TotalCheck(f"by_recipient_row{n}", section, label, int(row["amount_kr"]), derived[i]))
    for i, row in enumerate(rows):
        match = _SUBTOTAL.match(row["note"])
        if not match:
            continue
        word = match.group(1).casefold()
        count = int(word) if word.isdigit() else _NUMBERS.get(word)
        statement = f"{row['item']} (subtotal)"
        if count is None:
            checks.append(TotalCheck(f"by_recipient_sub{i + 1}", section, statement, int(row["amount_kr"]), 0,
                                     f"cannot read the number of rows in {row['note']!r}"))
            continue
        following = range(i + 1, min(i + 1 + count, len(rows)))
        value = sum(derived.get(j, int(rows[j]["amount_kr"])) for j in following)
        checks.append(TotalCheck(f"by_recipient_sub{i + 1}", section, statement, int(row["amount_kr"]), value))
    return checks


def _audit_budget_tables(ag: Agreement, result: Result) -> list[TotalCheck]:
    """The rows of the agreement's budget tables (2 tables when published: per chapter, per recipient)."""
    tables = budget_tables(ag)
    title = ag.budget_title or "budget table"
    checks = []
    if "by_chapter" in tables:
        checks += _audit_by_chapter(tables["by_chapter"], result.budget, f"{title}, per chapter")
    if "by_recipient" in tables:
        checks += _audit_by_recipient(tables["by_recipient"], result.budget, f"{title}, per recipient")
    return checks


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
    whole = core.apportion(col.total - col.base_per_region * len(col.codes), exact_rest)
    return {code: whole.amounts[code] + col.base_per_region for code in col.codes}


def _score_rules(
    result: Result, cells: tuple[CellCheck, ...], alternatives: Mapping[str, Result]
) -> tuple[RuleScore, ...]:
    """Count, per column with official cells, the cells each candidate rounding rule reproduces."""
    columns = tuple(dict.fromkeys(c.column for c in cells))

    def count(amount: Callable[[str, str], int]) -> dict[str, int]:
        return {col: sum(amount(col, c.lan_code) == c.official for c in cells if c.column == col) for col in columns}

    scores = []
    for rule in RULES:
        alt = result if rule == core.ROUNDING_RULE else alternatives[rule]
        what = "each part rounded separately" + (" (the package's rule)" if rule == core.ROUNDING_RULE else "")
        scores.append(RuleScore(rule, what, count(alt.amount)))
    # The other natural reading: round each line's exact total once, not part by part.
    once = {col: _rounded_once(result, col) for col in columns}
    scores.append(RuleScore(core.ROUNDING_RULE, "each column's exact sum rounded once",
                            count(lambda col, code: once[col][code])))
    return tuple(scores)


# --------------------------------------------------------------------------------------------
# Inputs


def _input_mismatches(ag: Agreement, result: Result, label: Callable[[str], str]) -> list[str]:
    """Recipients and counts of the input data that differ from what the official tables print."""
    published = official_inputs(ag)
    codes_in_tables = published.keys() | {c.lan_code for c in official_cells(ag)}
    regions = {r.lan_code: r for r in result.inputs.regions}
    out = []
    for code in sorted(codes_in_tables - regions.keys()):
        out.append(f"{code}: in the official tables but not in the input data")
    if codes_in_tables:
        for code in sorted(regions.keys() - codes_in_tables):
            out.append(f"{code} {regions[code].region}: in the input data but not in the official tables")
    for code, columns in published.items():
        if code not in regions:
            continue
        region = regions[code]
        for column, by_table in columns.items():
            value = region.count(column)
            differing = {t: v for t, v in by_table.items() if v != value}
            if not differing:
                continue
            tables_by_value: dict[int, list[str]] = {}
            for table, v in differing.items():
                tables_by_value.setdefault(v, []).append(table)
            official = ", ".join(f"{kr(v)} ({', '.join(t)})" for v, t in tables_by_value.items())
            out.append(f"{code} {region.region}: {label(column)} {kr(value)} in the input data, official {official}")
    return out


# --------------------------------------------------------------------------------------------
# The reconciliation


def _agreement_of(result: Result) -> Agreement:
    """The shipped agreement whose rules ``result`` was computed with (the default one first)."""
    from .agreements import load_agreement, shipped_agreements

    default = load_agreement()
    for ag in (default, *shipped_agreements()):
        if ag.rules == result.rules:
            return ag
    raise ValueError("reconcile(result) needs agreement=...: the result's rules are not those of a shipped agreement")


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


def reconcile(
    alloc: Allocation | Result,
    *,
    is_baseline: bool | None = None,
    agreement: Agreement | None = None,
) -> Reconciliation:
    """Compare an allocation with its agreement's official tables and audit the stated totals.

    ``alloc`` is an ``api.Allocation`` (its scenario says whether it is the agreement as signed,
    what it changes and which files are the user's own). A bare ``core.Result`` is accepted too:
    then ``agreement`` defaults to the shipped agreement with the same rules, and the scenario is
    the agreement as signed exactly when the parameters are its own (unless ``is_baseline`` says
    otherwise; own files are then unknown).
    """
    if isinstance(alloc, Result):
        result = alloc
        ag = agreement or _agreement_of(result)
        changes = result.parameters.changed(ag.parameters)
        baseline = (not changes) if is_baseline is None else is_baseline
        own_files: dict[str, object] = {}
        title = ag.title if baseline else f"{ag.title} – scenario"
    else:
        from .render import scenario_title

        result = alloc.result
        sc = alloc.scenario
        ag = agreement or sc.agreement
        changes = sc.changes()
        own_files = dict(sc.own_files())
        baseline = sc.is_baseline if is_baseline is None else is_baseline
        title = scenario_title(alloc)

    def label(column: str) -> str:
        try:
            return ag.label(column)
        except KeyError:
            return column

    official = official_cells(ag)
    officials: dict[tuple[str, str], int] = {}
    for c in official:
        officials.setdefault((c.column, c.lan_code), c.amount)
    alternatives = _alternatives(result)
    codes = {r.lan_code for r in result.inputs.regions}
    cells = tuple(_cell(result, c, alternatives, officials, label) for c in official if c.lan_code in codes)

    column_totals = result.totals()
    derived = derived_totals(result.parameters, column_totals)
    totals = [
        TotalCheck(i, section, statement, amount, derived[i]) if i in derived else
        TotalCheck(i, section, statement, amount, 0, "the agreement's definition has no rule for this total")
        for i, section, statement, amount in stated_totals(ag)
    ]
    totals += _audit_budget_tables(ag, result)

    budgets = result.budget_lines_by_column()
    column_sums = {c: (column_totals[c], budgets[c]) for c in budgets}
    mismatches = _input_mismatches(ag, result, label)

    notes = []
    if not baseline:
        notes.append(_scenario_note(ag, changes, own_files, bool(mismatches)))
    if not official:
        notes.append(f"The definition of {ag.title} names no official table: no cell is compared, only the column "
                     "sums and the stated totals.")
    return Reconciliation(
        cells=cells,
        totals=tuple(totals),
        column_sums=column_sums,
        input_mismatches=tuple(mismatches),
        rules=_score_rules(result, cells, alternatives),
        is_baseline=baseline,
        notes=tuple(notes),
        agreement=ag,
        title=title,
    )


def _cell(
    result: Result,
    cell: OfficialCell,
    alternatives: Mapping[str, Result],
    officials: Mapping[tuple[str, str], int],
    label: Callable[[str], str],
) -> CellCheck:
    computed = result.amount(cell.column, cell.lan_code)
    reason = "" if computed == cell.amount else _explain(
        result, cell.column, cell.lan_code, cell.amount, alternatives, officials, label
    )
    return CellCheck(cell.bilaga, cell.column, cell.lan_code, cell.name, cell.amount, computed,
                     result.exact(cell.column, cell.lan_code), reason)
