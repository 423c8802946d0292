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

``reconcile(alloc)`` takes an ``api.Allocation``: its scenario names the agreement compared with.
Each deviating cell, budget row and input difference carries the structured facts behind it
(``PartFacts``, ``ComponentFacts``, ``TotalCheck.table``, ``InputDifference``), so that every
presentation writes its own words from one computation: ``check_render`` in English for
``godnaravard check``, ``excel.reconciliation`` in Swedish for the workbook's sheet Avstämning.

The official tables are reference data (``reference``); the calculation never reads them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import TYPE_CHECKING

from . import core
from .core import Result
from .core.budget import BudgetLine, derived_totals
from .core.rounding import RULES
from .reference import OfficialCell, budget_tables, official_cells, official_inputs, stated_totals
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
class PartFacts:
    """One separately rounded part behind a cell, for one recipient: how its krona was decided.

    ``line`` and ``part`` name the part in the definition (``Rules.line(line).part(part)``);
    ``exact`` is the recipient's exact share of the part, ``remainder`` what is left above its
    floor, ``rank`` the remainder's place (1 = first) among the ``recipients`` remainders, and
    ``balancing`` how many balancing kronor the part had to give after every floor;
    ``got_one`` says whether this recipient received one.
    """

    line: str
    part: str
    exact: Fraction
    remainder: Fraction
    rank: int
    recipients: int
    balancing: int
    got_one: bool


@dataclass(frozen=True, slots=True)
class ComponentFacts:
    """A column that a ``sum`` column adds up whose own cell differs from the official table."""

    column: str
    computed: int
    official: int
    parts: tuple[PartFacts, ...]

    @property
    def deviation(self) -> int:
        """Computed minus official, in kronor."""
        return self.computed - self.official


@dataclass(frozen=True, slots=True)
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
    lan_code: str
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


#: Why a total cannot be derived (``TotalCheck.issue``), in English.
_ISSUES = {
    "no_rule": "the agreement's definition has no rule for this total",
    "no_item": "no budget item of the definition belongs to this row",
    "no_further_item": "no further budget item of the definition has this recipient",
    "unreadable_rows": "cannot read the number of rows in {note!r}",
}


@dataclass(frozen=True, slots=True)
class TotalCheck:
    """A total stated by the agreement against the same total derived from its items.

    ``table`` is empty for a total the text states (``reference.stated_totals``), else the
    budget table the row is printed in (``"by_chapter"``, ``"by_recipient"``), with the row's
    place in it (``row``, 1-based), and as printed its ``chapter``, ``item``, ``recipient`` and
    ``note``; a subtotal row adds up the ``subtotal_of`` rows that follow it.

    ``issue`` is set when the total cannot be derived at all (``"no_rule"``: a stated total the
    definition has no rule for; ``"no_item"``, ``"no_further_item"``: a budget row no item
    matches; ``"unreadable_rows"``: a subtotal whose number of rows cannot be read); such a
    total never passes.
    """

    id: str
    section: str
    statement: str
    stated: int
    derived: int
    issue: str = ""
    table: str = ""
    row: int = 0
    chapter: str = ""
    item: str = ""
    recipient: str = ""
    note: str = ""
    subtotal_of: int = 0

    @property
    def problem(self) -> str:
        """Why the total cannot be derived, in English ("" when it can)."""
        return _ISSUES[self.issue].format(note=self.note) if self.issue else ""

    @property
    def ok(self) -> bool:
        """True when the stated total follows from the items."""
        return not self.issue and self.stated == self.derived


@dataclass(frozen=True, slots=True)
class InputDifference:
    """A recipient or a count of the input data that differs from what the official tables print.

    ``kind`` is ``"not_in_input"`` (a recipient the tables print that the data lacks),
    ``"not_in_tables"`` (a recipient of the data the tables do not print) or ``"count"`` (a count
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
        if self.kind == "not_in_tables":
            return f"{self.code} {self.name}: in the input data but not in the official tables"
        official = ", ".join(f"{kr(v)} ({', '.join(t)})" for v, t in self.official)
        return f"{self.code} {self.name}: {label(self.column)} {kr(self.value)} in the input data, official {official}"


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
class Reconciliation:
    """The whole reconciliation: cells, stated totals, column sums and the rule comparison.

    ``agreement`` is the agreement whose official tables were compared; ``title`` the title of
    what was computed (the agreement's own title, or the scenario's with its changes).

    ``cells`` are the rule's view (``Result.rule_amount``: what the rule gives, deviations
    explained). Where the agreement's signed tables adjust figures by hand and this is the
    agreement as signed, ``signed_exact`` counts the cells equal as signed (the rule's figure plus
    the adjustment) and ``adjusted`` lists the cells an adjustment changes; in a what-if
    ``signed_exact`` is None and ``signed_note`` says that the adjustment does not apply.
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


def _cell_facts(
    result: Result,
    column: str,
    code: str,
    official: int,
    alternatives: Mapping[str, Result],
    officials: Mapping[tuple[str, str], int],
) -> dict[str, object]:
    """The facts that explain why a cell differs (the optional fields of ``CellCheck``).

    A cell of a ``sum`` column (a table's Totalt) is explained through the columns it adds up
    when the official table's own cells of those columns differ: the total differs with them.
    Any other cell through the exact share of each part, its remainder and its rank.
    """
    spec = result.rules.column(column)
    if spec.kind == "sum":
        moved = [ref for ref in spec.ref if (ref, code) in officials and officials[(ref, code)] != result.rule_amount(ref, code)]
        if moved:
            printed = [officials.get((ref, code)) for ref in spec.ref]
            return {
                "summands": tuple(spec.ref),
                "components": tuple(
                    ComponentFacts(ref, result.rule_amount(ref, code), officials[(ref, code)], _part_facts(result, ref, code))
                    for ref in moved
                ),
                "official_is_sum": None if None in printed else sum(printed) == official,  # type: ignore[arg-type]
            }
    return {
        "parts": _part_facts(result, column, code),
        "alternatives": tuple(rule for rule, alt in alternatives.items() if alt.amount(column, code) == official),
    }


def _and(words: list[str]) -> str:
    """``"A, B and C"``."""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _part_text(p: PartFacts) -> str:
    got = "a balancing krona" if p.got_one else "no balancing krona"
    return (
        f"{p.part} part: exact {decimal_text(p.exact)} kr, remainder {decimal_text(p.remainder)}, "
        f"rank {p.rank} of {p.recipients} among remainders with {p.balancing} "
        f"balancing krona(s) to give: {got}"
    )


def _reason(cell: CellCheck, label: Callable[[str], str]) -> str:
    """Why a cell differs, in English, from its facts (``CellCheck.cause``)."""
    if cell.cause == "sum":
        head = f"{label(cell.column)} is the sum of {_and([label(r) for r in cell.summands])}"
        parts = [
            f"{label(c.column)} differs from the official table by {signed_kr(c.deviation)} ("
            + "; ".join(_part_text(p) for p in c.parts)
            + "; see that cell)"
            for c in cell.components
        ]
        if cell.official_is_sum is None:
            parts.append("the official tables do not print every column it adds up")
        elif cell.official_is_sum:
            parts.append("the official total is the sum of the official cells, so it differs with them")
        else:
            parts.append("the official total is not the sum of the official cells of its columns")
        return head + "; " + "; ".join(parts) + "."
    lines = [_part_text(p) for p in cell.parts]
    if cell.cause == "data":
        lines.append(
            f"the computed cell differs from the official table by {signed_kr(cell.deviation)}, more than a balancing "
            "krona can move a cell: "
            "the parameters or the data differ from those of the official table, not the rounding"
        )
        return "; ".join(lines) + "."
    direction = "one more krona" if cell.deviation < 0 else "one krona less"
    lines.append(
        f"the official table gives {direction} than the package's rule ({core.ROUNDING_RULE}); the column's "
        f"exact share is {decimal_text(cell.exact)} kr, so both {kr(cell.computed)} and {kr(cell.official)} "
        "are within 1 kr of it"
    )
    lines += [f"the {rule} rule would give the official amount here" for rule in cell.alternatives]
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
    for n, row in enumerate(rows, start=1):
        chapter = row["chapter"].strip()
        if not chapter:
            continue
        matched = _chapter_lines(row, lines)
        statement = f"{chapter} {row['item']}" if "." in chapter else f"{chapter}. {row['item']}"
        printed = {"table": "by_chapter", "row": n, "chapter": chapter, "item": row["item"],
                   "note": row.get("note", "")}
        if matched is None:
            checks.append(TotalCheck(f"by_chapter_{chapter}", section, statement, int(row["amount_kr"]), 0,
                                     "no_item", **printed))
        else:
            checks.append(TotalCheck(f"by_chapter_{chapter}", section, statement, int(row["amount_kr"]),
                                     sum(ln.amount for ln in matched), **printed))
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
        printed = {"table": "by_recipient", "row": i + 1, "item": row["item"], "recipient": recipient,
                   "note": row["note"]}
        found = next((j for j in range(position, len(lines)) if lines[j].recipient == recipient), None)
        if found is None:
            checks.append(TotalCheck(f"by_recipient_row{n}", section, label, int(row["amount_kr"]), 0,
                                     "no_further_item", **printed))
            continue
        position = found + 1
        derived[i] = lines[found].amount
        checks.append(TotalCheck(f"by_recipient_row{n}", section, label, int(row["amount_kr"]), derived[i], **printed))
    for i, row in enumerate(rows):
        match = _SUBTOTAL.match(row["note"])
        if not match:
            continue
        word = match.group(1).casefold()
        count = int(word) if word.isdigit() else _NUMBERS.get(word)
        statement = f"{row['item']} (subtotal)"
        printed = {"table": "by_recipient", "row": i + 1, "item": row["item"], "recipient": row["recipient"].strip(),
                   "note": row["note"]}
        if count is None:
            checks.append(TotalCheck(f"by_recipient_sub{i + 1}", section, statement, int(row["amount_kr"]), 0,
                                     "unreadable_rows", **printed))
            continue
        following = range(i + 1, min(i + 1 + count, len(rows)))
        value = sum(derived.get(j, int(rows[j]["amount_kr"])) for j in following)
        checks.append(TotalCheck(f"by_recipient_sub{i + 1}", section, statement, int(row["amount_kr"]), value,
                                 subtotal_of=len(following), **printed))
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
    codes_in_tables = published.keys() | {c.lan_code for c in official_cells(ag)}
    regions = {r.lan_code: r for r in result.inputs.regions}
    out = [InputDifference("not_in_input", code) for code in sorted(codes_in_tables - regions.keys())]
    if codes_in_tables:
        out += [InputDifference("not_in_tables", code, regions[code].region)
                for code in sorted(regions.keys() - codes_in_tables)]
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
                out.append(InputDifference("count", code, region.region, column, value, official))
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
        TotalCheck(i, section, statement, amount, 0, "no_rule")
        for i, section, statement, amount in stated_totals(ag)
    ]
    totals += _audit_budget_tables(ag, result)

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
        signed_exact = sum(result.amount(c.column, c.lan_code) == c.amount for c in official if c.lan_code in codes)
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
    )


def _cell(
    result: Result,
    cell: OfficialCell,
    alternatives: Mapping[str, Result],
    officials: Mapping[tuple[str, str], int],
    label: Callable[[str], str],
) -> CellCheck:
    computed = result.rule_amount(cell.column, cell.lan_code)
    check = CellCheck(cell.bilaga, cell.column, cell.lan_code, cell.name, cell.amount, computed,
                      result.exact(cell.column, cell.lan_code))
    if computed == cell.amount:
        return check
    check = replace(check, **_cell_facts(result, cell.column, cell.lan_code, cell.amount, alternatives, officials))
    return replace(check, reason=_reason(check, label))
