"""Avstämning: every computed amount against the agreement's published tables, where published.

Every published amount column is compared (a table's Totalt column too), cell by cell, with an
explanation of each deviating cell from the rounding facts behind it. Then: each amount column's
sum against its budget line, the totals the agreement states against the items they add up,
published counts that differ from the input data, and how many published cells each rounding
rule reproduces. The official tables are reference data (``godnaravard.reference``); nothing
here changes a computed krona.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

from .. import core
from ..core.rounding import RULES
from ..reference import official_cells, official_inputs, stated_totals
from ..render import kr
from .cells import Sheet, range_ref, ref
from .context import Context, code_label

if TYPE_CHECKING:
    from ..agreements import Agreement
    from ..core import Result

__all__ = ["CHECK_HEADER_ROW", "TOLERANCE_KR", "Reconciliation", "reconcile", "write_reconciliation"]

#: A cell passes when it is within this many kronor of the published table: one krona is the
#: most that another choice of who gets a balancing krona can move a cell.
TOLERANCE_KR = 1

#: 0-based row of the column headings of the cell-by-cell table on the sheet.
CHECK_HEADER_ROW = 11

@dataclass(frozen=True, slots=True)
class Cell:
    """One published amount against the computed one."""

    table: str
    column: str
    code: str
    name: str
    official: int
    computed: int
    exact: Fraction
    reason: str = ""

    @property
    def deviation(self) -> int:
        """Computed minus published, in kronor."""
        return self.computed - self.official


@dataclass(frozen=True, slots=True)
class Total:
    """A total the agreement states, against the same total derived from its items."""

    id: str
    section: str
    statement: str
    stated: int
    derived: int | None

    @property
    def ok(self) -> bool:
        return self.stated == self.derived


@dataclass(frozen=True, slots=True)
class RuleScore:
    """How many published cells of each compared column a rounding rule reproduces."""

    rule: str
    description: str
    exact_by_column: dict[tuple[str, str], int]

    @property
    def exact(self) -> int:
        return sum(self.exact_by_column.values())


@dataclass(frozen=True, slots=True)
class Reconciliation:
    """Cells, column sums, stated totals, input differences and rule scores."""

    cells: tuple[Cell, ...]
    column_sums: dict[str, tuple[int, int]]
    totals: tuple[Total, ...]
    input_mismatches: tuple[str, ...]
    rules: tuple[RuleScore, ...]
    compared: tuple[tuple[str, str], ...]  # (table label, column) in published order
    tolerance: int = TOLERANCE_KR

    @property
    def exact(self) -> int:
        return sum(c.deviation == 0 for c in self.cells)

    @property
    def within_tolerance(self) -> int:
        return sum(abs(c.deviation) <= self.tolerance for c in self.cells)

    @property
    def worst(self) -> Cell | None:
        deviating = [c for c in self.cells if c.deviation]
        return max(deviating, key=lambda c: (abs(c.deviation), c.column, c.code)) if deviating else None

    @property
    def sums_ok(self) -> bool:
        return all(a == b for a, b in self.column_sums.values())


def _kr(value: Fraction | int) -> str:
    """Kronor with spaces between thousands and, when not whole, four decimals after a comma."""
    value = Fraction(value)
    if value.denominator == 1:
        return kr(int(value))
    sign = "-" if value < 0 else ""
    whole, ten_thousandths = divmod(round(abs(value) * 10_000), 10_000)
    return f"{sign}{kr(whole)},{ten_thousandths:04d}"


def _base(result: Result, column: str) -> int:
    """The base amount per recipient inside an amount column."""
    spec = result.rules.column(column)
    if spec.kind == "line":
        return result.columns[spec.ref[0]].base_per_region
    if spec.kind == "sum":
        return sum(_base(result, c) for c in spec.ref)
    return 0


def _rounded_once(result: Result, column: str) -> dict[str, int]:
    """The column's exact amounts rounded once, as a whole, instead of part by part."""
    codes = [r.lan_code for r in result.inputs.regions]
    base = _base(result, column)
    exact = {c: result.exact(column, c) - base for c in codes}
    whole = core.apportion(result.budget_of(column) - base * len(codes), exact)
    return {c: whole.amounts[c] + base for c in codes}


def _parts_of(result: Result, column: str) -> list[tuple[str, str]]:
    """The (line, part) pairs an amount column is made of."""
    spec = result.rules.column(column)
    if spec.kind == "line":
        return [(spec.ref[0], p.name) for p in result.rules.line(spec.ref[0]).parts]
    if spec.kind == "part":
        return [(spec.ref[0], spec.ref[1])]
    return [pair for c in spec.ref for pair in _parts_of(result, c)]


def _explain(ag: Agreement, result: Result, column: str, code: str, official: int,
             alternatives: dict[str, Result]) -> str:
    """Why a cell differs: each part's exact share, remainder and rank among the remainders."""
    rules = result.rules
    lines = []
    for line_name, part_name in _parts_of(result, column):
        part = result.part(line_name, part_name)
        line = rules.line(line_name)
        label = f"{line.label}, {line.part(part_name).label or part_name}"
        got = "fick en utjämningskrona" if part.adjustment(code) > 0 else "fick ingen utjämningskrona"
        lines.append(
            f"{label}: exakt {_kr(part.exact[code])} kr, rest {_kr(part.remainder(code))}, plats "
            f"{part.rank(code)} av {len(part.exact)} bland resterna med {part.leftover} utjämningskronor "
            f"att fördela: {got}"
        )
    computed = result.amount(column, code)
    diff = official - computed
    if abs(diff) > TOLERANCE_KR:
        lines.append(
            f"den publicerade tabellen skiljer sig med {diff:+d} kr, mer än en utjämningskrona kan flytta "
            "ett belopp: parametrarna eller indata skiljer sig från tabellens, inte avrundningen"
        )
        return "; ".join(lines) + "."
    direction = "en krona mer" if diff > 0 else "en krona mindre"
    lines.append(
        f"den publicerade tabellen ger {direction} än största rest; det exakta beloppet är "
        f"{_kr(result.exact(column, code))} kr, så både {kr(computed)} och {kr(official)} ligger inom 1 kr från det"
    )
    for rule, alt in alternatives.items():
        if alt.amount(column, code) == official:
            lines.append(f"regeln {rule} ger det publicerade beloppet här")
    return "; ".join(lines) + "."


def reconcile(ag: Agreement, result: Result) -> Reconciliation:
    """Compare ``result`` with the agreement's published tables and audit its stated totals."""
    published = official_cells(ag)
    codes = {r.lan_code for r in result.inputs.regions}
    alternatives = {
        rule: core.allocate(result.inputs, result.parameters, rule=rule)
        for rule in RULES
        if rule != core.ROUNDING_RULE
    } if published else {}
    cells = []
    compared: list[tuple[str, str]] = []
    for p in published:
        if (p.bilaga, p.column) not in compared:
            compared.append((p.bilaga, p.column))
        if p.lan_code not in codes:
            continue
        computed = result.amount(p.column, p.lan_code)
        reason = "" if computed == p.amount else _explain(ag, result, p.column, p.lan_code, p.amount, alternatives)
        cells.append(Cell(p.bilaga, p.column, p.lan_code, p.name, p.amount, computed,
                          result.exact(p.column, p.lan_code), reason))

    col_totals = result.totals()
    budgets = result.budget_lines_by_column()
    column_sums = {c: (col_totals[c], budgets[c]) for c in budgets}
    derived = core.derived_totals(result.parameters, col_totals)
    totals = tuple(Total(i, s, st, amount, derived.get(i)) for i, s, st, amount in stated_totals(ag))

    mismatches = []
    regions = {r.lan_code: r for r in result.inputs.regions}
    for code, columns in official_inputs(ag).items():
        region = regions.get(code)
        if region is None:
            mismatches.append(f"{code}: finns i de publicerade tabellerna men inte i indata")
            continue
        for column, by_table in columns.items():
            ours = region.count(column)
            for table, value in by_table.items():
                if value != ours:
                    mismatches.append(f"{code} {region.region}: {ag.label(column)} {kr(ours)} i indata, "
                                      f"{kr(value)} i {table}")

    official = {(c.table, c.column, c.code): c.official for c in cells}
    scores = []
    for rule in RULES:
        alt = result if rule == core.ROUNDING_RULE else alternatives.get(rule)
        if alt is None:
            continue
        counts = {
            key: sum(alt.amount(col, code) == v for (t, col, code), v in official.items() if (t, col) == key)
            for key in compared
        }
        what = "varje del avrundas för sig" + (" (verktygets regel)" if rule == core.ROUNDING_RULE else "")
        scores.append(RuleScore(rule, what, counts))
    if compared:
        once = {col: _rounded_once(result, col) for col in {col for _, col in compared}}
        counts = {
            key: sum(once[col][code] == v for (t, col, code), v in official.items() if (t, col) == key)
            for key in compared
        }
        scores.append(RuleScore(core.ROUNDING_RULE, "kolumnens exakta summa avrundas en gång", counts))
    return Reconciliation(tuple(cells), column_sums, totals, tuple(mismatches), tuple(scores), tuple(compared))


# --------------------------------------------------------------------------------------------
# The sheet


def _tables_of(ag: Agreement, column: str) -> str:
    labels = [t.label for t in ag.tables if column in t.columns and t.name != "overview"]
    return ", ".join(labels)


def write_reconciliation(s: Sheet, ctx: Context) -> None:  # noqa: C901 - one block per table on the sheet
    """Avstämning: the summary, every published cell, column sums, stated totals, inputs, rules.

    Every table on the sheet keeps its kronor in columns E–G, so the columns fit them all.
    """
    ag = ctx.agreement
    rec = ctx.reconciliation
    cells = rec.cells
    tables = ", ".join(dict.fromkeys(t for t, _ in rec.compared)) or "inga publicerade tabeller"
    if ctx.baseline:
        note = "Överenskommelsens egna parametrar och data jämförs med dess publicerade tabeller."
    else:
        note = ("Detta är inte den överenskomna fördelningen, men den jämförs ändå med överenskommelsens "
                "publicerade tabeller: avvikelser visar ändringarnas verkan, inte fel. Det som måste gälla "
                "är att varje kolumn summerar exakt till sin budgetrad.")
    s.title(ctx.title(f"Avstämning mot överenskommelsens tabeller ({tables})"), ctx.note(note))
    head = CHECK_HEADER_ROW
    first = head + 1
    last = head + len(cells)
    dev = range_ref(first, max(last, first), 6, absolute=True)
    worst = rec.worst
    summary: list[tuple[str, Callable[[int], None]]] = [
        ("Jämförda belopp", lambda r: s.number(r, 4, len(cells), s.f.count)),
        ("Exakt lika", lambda r: s.formula(r, 4, f"=COUNTIF({dev},0)", rec.exact, s.f.count)),
        (
            f"Inom {rec.tolerance} kr",
            lambda r: s.formula(
                r, 4, f'=COUNTIFS({dev},">=-{rec.tolerance}",{dev},"<={rec.tolerance}")',
                rec.within_tolerance, s.f.count,
            ),
        ),
        ("Största avvikelse (kronor)", lambda r: s.number(r, 4, worst.deviation if worst else 0, s.f.count)),
        (
            "Kolumnsummor lika med budgetraden",
            lambda r: s.text(r, 4, "ja" if rec.sums_ok else "nej", s.f.right, grow=False),
        ),
        (
            "Angivna totaler som följer av posterna",
            lambda r: s.text(r, 4, f"{sum(t.ok for t in rec.totals)} av {len(rec.totals)}", s.f.right, grow=False),
        ),
    ]
    for i, (label, write) in enumerate(summary):
        s.text(3 + i, 0, label, s.f.label, grow=False)
        write(3 + i)
    if worst is not None:
        s.text(6, 5, f"{worst.table} {ag.label(worst.column)}, {worst.code} {worst.name}", grow=False)
    s.text(head - 1, 0, "Belopp för belopp", s.f.label, grow=False)
    s.header(
        head,
        ["Tabell", "Kolumn", code_label(ag), "Namn",
         "Officiellt (kronor)", "Beräknat (kronor)", "Avvikelse (kronor)", "Exakt belopp (kronor)", "Förklaring"],
        numeric=range(4, 8),
    )
    for i, c in enumerate(cells):
        row = first + i
        s.text(row, 0, c.table)
        s.text(row, 1, ag.label(c.column))
        s.text(row, 2, c.code)
        s.text(row, 3, c.name)
        s.number(row, 4, c.official)
        s.number(row, 5, c.computed)
        s.formula(row, 6, f"={ref(row, 5)}-{ref(row, 4)}", c.deviation, s.f.count if c.deviation == 0 else s.f.bad)
        s.number(row, 7, float(c.exact), s.f.exact)
        if c.reason:
            s.text(row, 8, c.reason, s.f.wrap, grow=False)
    row = last + 1
    s.text(row, 0, "Totalt", s.f.total_label)
    if cells:
        s.total(row, 4, first, last, sum(c.official for c in cells))
        s.total(row, 5, first, last, sum(c.computed for c in cells))
        s.total(row, 6, first, last, sum(c.deviation for c in cells))

    row += 3
    s.text(row, 0, "Kolumnsummor mot budgetraderna", s.f.label, grow=False)
    row += 1
    s.header(row, ["Tabell", "Kolumn", "", "Kolumn i CSV", "Summa (kronor)", "Budgetrad (kronor)",
                   "Differens (kronor)"], numeric=[4, 5, 6])
    for name, (total, budget) in rec.column_sums.items():
        row += 1
        s.text(row, 0, _tables_of(ag, name))
        s.text(row, 1, ag.label(name))
        s.text(row, 3, name)
        s.number(row, 4, total)
        s.number(row, 5, budget)
        s.formula(row, 6, f"={ref(row, 4)}-{ref(row, 5)}", total - budget, s.f.count)

    row += 3
    s.text(row, 0, "Angivna totaler: överenskommelsens egna summor mot posterna", s.f.label, grow=False)
    row += 1
    s.header(row, ["Avsnitt", "Id", "Stämmer", "Påstående", "Angivet (kronor)", "Härlett (kronor)",
                   "Differens (kronor)"], numeric=[4, 5, 6])
    for t in rec.totals:
        row += 1
        s.text(row, 0, t.section)
        s.text(row, 1, t.id)
        s.text(row, 2, "ja" if t.ok else "nej", s.f.ok if t.ok else s.f.bad)
        s.text(row, 3, t.statement, s.f.wrap, grow=False)
        s.number(row, 4, t.stated)
        if t.derived is None:
            s.text(row, 5, "saknas i definitionen", s.f.bad, grow=False)
        else:
            s.number(row, 5, t.derived)
            s.formula(row, 6, f"={ref(row, 5)}-{ref(row, 4)}", t.derived - t.stated, s.f.count)

    if rec.input_mismatches:
        row += 3
        s.text(row, 0, "Indata som skiljer sig från överenskommelsens tabeller", s.f.label, grow=False)
        for text in rec.input_mismatches:
            row += 1
            s.text(row, 0, text, grow=False)

    if rec.rules:
        row += 3
        s.text(row, 0, "Avrundningsregler: antal belopp lika med överenskommelsens tabeller", s.f.label,
               grow=False)
        row += 1
        n = len(rec.compared)
        s.header(row, ["Regel", "Beskrivning", *(f"{t}: {ag.label(c)}" for t, c in rec.compared), "Totalt"],
                 numeric=range(2, 3 + n))
        for score in rec.rules:
            row += 1
            s.text(row, 0, score.rule)
            s.text(row, 1, score.description, s.f.wrap, grow=False)
            for j, key in enumerate(rec.compared):
                s.number(row, 2 + j, score.exact_by_column.get(key, 0), s.f.count)
            s.formula(row, 2 + n, f"=SUM({ref(row, 2)}:{ref(row, 1 + n)})", score.exact, s.f.count)
    s.width(3, 40)
    s.width(8, 100)
    s.ws.freeze_panes(first, 0)
