"""Reconciliation: every computed cell of bilaga 2–4 against the official tables, and an audit of
the totals the agreement states (avsnitt 1.2, 11.1, 11.2, 13.1 and the bilagor's total rows).

The official tables are reference data (``reference``); the calculation never reads them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from . import core
from .core import Result
from .core.rounding import RULES
from .reference import avsnitt11_tables, official_cells, official_inputs, stated_totals

__all__ = ["TOLERANCE_KR", "CellCheck", "TotalCheck", "RuleScore", "Reconciliation", "reconcile"]

#: A cell passes when it is within this many kronor of the official table. One krona is the most
#: that a different choice of *who gets a balancing krona* can move a cell; anything larger would
#: be a different rule or different data, which the check must not excuse.
TOLERANCE_KR = 1

_COLUMN_LABELS = {
    "kommuner": "Bilaga 2 Kommuner (länsvis)",
    "nara_vard": "Bilaga 3 Nära vård",
    "ambulans": "Bilaga 3 Ambulans",
    "landsbygd": "Bilaga 4 Landsbygd",
}


def _kr(value: Fraction | int) -> str:
    if isinstance(value, int) or value.denominator == 1:
        return f"{int(value):,}".replace(",", " ")
    sign = "-" if value < 0 else ""
    whole, ten_thousandths = divmod(round(abs(value) * 10_000), 10_000)  # exact, half to even
    return sign + f"{whole:,}".replace(",", " ") + f".{ten_thousandths:04d}"


@dataclass(frozen=True, slots=True)
class CellCheck:
    """One official cell against the computed one, with the rounding facts behind it."""

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
    """A total stated by the agreement against the same total derived from its items."""

    id: str
    section: str
    statement: str
    stated: int
    derived: int

    @property
    def ok(self) -> bool:
        """True when the stated total follows from the items."""
        return self.stated == self.derived


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
    """The whole reconciliation: cells, stated totals, column sums and the rule comparison."""

    cells: tuple[CellCheck, ...]
    totals: tuple[TotalCheck, ...]
    column_sums: dict[str, tuple[int, int]]  # column → (sum of computed cells, budget line)
    input_mismatches: tuple[str, ...]
    rules: tuple[RuleScore, ...]
    is_baseline: bool
    tolerance: int = TOLERANCE_KR
    notes: tuple[str, ...] = field(default_factory=tuple)

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
    def ok(self) -> bool:
        """Every cell within tolerance, every column sum equal to its budget, every total stated right."""
        return (
            self.within_tolerance == len(self.cells)
            and all(s == b for s, b in self.column_sums.values())
            and all(t.ok for t in self.totals)
        )


def _explain(result: Result, column: str, code: str, official: int, alternatives: dict[str, Result]) -> str:
    """Why a cell differs: the exact share of each part, its remainder and its rank."""
    col = result.columns[column]
    lines = []
    for part_name, part in col.parts.items():
        rem = part.remainder(code)
        got = "a balancing krona" if part.adjustment(code) > 0 else "no balancing krona"
        lines.append(
            f"{part_name} part: exact {_kr(part.exact[code])} kr, remainder {float(rem):.4f}, "
            f"rank {part.rank(code)} of {len(part.exact)} among remainders with {part.leftover} "
            f"balancing krona(s) to give: {got}"
        )
    diff = official - col.amount(code)
    if abs(diff) > 1:
        lines.append(
            f"the official table differs by {diff:+d} kr, more than a balancing krona can move a cell: "
            "the parameters or the data differ from those of the official table, not the rounding"
        )
        return "; ".join(lines) + "."
    direction = "one more krona" if diff > 0 else "one krona less"
    lines.append(
        f"the official table gives {direction} than largest remainders; the column's exact share is "
        f"{_kr(col.exact(code))} kr, so both {col.amount(code)} and {official} are within 1 kr of it"
    )
    for rule, alt in alternatives.items():
        if alt.columns[column].amount(code) == official:
            lines.append(f"the {rule} rule would give the official amount here")
    return "; ".join(lines) + "."


_WORDS = {"two": 2, "three": 3, "four": 4}


def _audit_avsnitt11(result: Result) -> tuple[TotalCheck, ...]:
    """Every row of the two tables of avsnitt 11 against the budget lines built from the parameters.

    11.1: each chapter's amount is the sum of that chapter's lines (7.1 the regions' own money,
    7.2 the state's). 11.2: each recipient row equals the corresponding budget line, in the
    table's order, and each subtotal row equals the rows it sums.
    """
    tables = avsnitt11_tables()
    lines = result.budget
    checks = []
    for row in tables["11.1"]:
        chapter = row["chapter"]
        if not chapter:
            continue  # the total rows are audited through stated_totals
        if chapter == "7.1":
            derived = sum(ln.amount for ln in lines if ln.chapter == "7" and ln.payer == "regionerna")
        elif chapter == "7.2":
            derived = sum(ln.amount for ln in lines if ln.chapter == "7" and ln.payer == "staten")
        else:
            derived = sum(ln.amount for ln in lines if ln.chapter == chapter)
        checks.append(TotalCheck(f"t11_1_{chapter}", "11.1 table", f"{chapter}. {row['item']}",
                                 int(row["amount_kr"]), derived))
    rows = tables["11.2"]
    state_lines = [ln for ln in lines if ln.payer == "staten"]
    items = [r for r in rows if not r["note"].startswith(("subtotal", "total row"))]
    for i, (row, line) in enumerate(zip(items, state_lines, strict=True)):
        label = f"{row['item']} – {row['recipient']}"
        derived = line.amount if line.recipient == row["recipient"].strip() else -1
        checks.append(TotalCheck(f"t11_2_row{i + 1}", "11.2 table", label, int(row["amount_kr"]), derived))
    for i, row in enumerate(rows):
        note = row["note"]
        if note.startswith("subtotal of the next"):
            n = _WORDS[note.split()[4]]
            derived = sum(int(r["amount_kr"]) for r in rows[i + 1 : i + 1 + n])
            checks.append(TotalCheck(f"t11_2_sub{i + 1}", "11.2 table", f"{row['item']} (delsumma)",
                                     int(row["amount_kr"]), derived))
    return tuple(checks)


def _alternatives(result: Result) -> dict[str, Result]:
    """The same allocation under every other rounding rule of ``rounding.RULES``."""
    return {
        rule: core.allocate(result.inputs, result.parameters, rule=rule)
        for rule in RULES
        if rule != core.ROUNDING_RULE
    }


def _score_rules(
    result: Result, official: dict[tuple[str, str], int], alternatives: dict[str, Result]
) -> tuple[RuleScore, ...]:
    """Count, per column, the official cells each candidate rounding rule reproduces exactly."""
    scores = []
    for rule in RULES:
        alt = result if rule == core.ROUNDING_RULE else alternatives[rule]
        counts = {
            col: sum(alt.columns[col].amount(code) == official[(col, code)] for (c, code) in official if c == col)
            for col in _COLUMN_LABELS
        }
        what = "each part rounded separately" + (" (the package's rule)" if rule == core.ROUNDING_RULE else "")
        scores.append(RuleScore(rule, what, counts))
    # The other natural reading: round each column's exact total once, not part by part.
    counts = {}
    for col in _COLUMN_LABELS:
        c = result.columns[col]
        exact_rest = {code: c.exact(code) - c.base_per_region for code in c.codes}
        whole = core.apportion(c.total - c.base_per_region * len(c.codes), exact_rest)
        counts[col] = sum(
            whole.amounts[code] + c.base_per_region == official[(col, code)] for code in c.codes
        )
    scores.append(RuleScore("largest_remainder", "each column's exact sum rounded once", counts))
    return tuple(scores)


def reconcile(result: Result, is_baseline: bool = True) -> Reconciliation:
    """Compare ``result`` with the official 2024 tables and audit the agreement's stated totals."""
    official = {(c.column, c.lan_code): c.amount for c in official_cells()}
    alternatives = _alternatives(result)
    rows = {r.lan_code: r for r in result.rows}
    cells = []
    for cell in official_cells():
        if cell.lan_code not in rows:
            continue
        computed = getattr(rows[cell.lan_code], cell.column)
        reason = "" if computed == cell.amount else _explain(result, cell.column, cell.lan_code, cell.amount, alternatives)
        cells.append(
            CellCheck(cell.bilaga, cell.column, cell.lan_code, cell.name, cell.amount, computed,
                      result.exact(cell.column, cell.lan_code), reason)
        )

    derived = core.derived_totals(result.parameters)
    col_totals = result.totals()
    derived |= {
        "bilaga2_total": col_totals["kommuner"],
        "bilaga3_nara_vard_total": col_totals["nara_vard"],
        "bilaga3_ambulans_total": col_totals["ambulans"],
        "bilaga3_total": col_totals["regioner_totalt"],
        "bilaga4_total": col_totals["landsbygd"],
    }
    totals = tuple(TotalCheck(i, s, st, amount, derived[i]) for i, s, st, amount in stated_totals())
    totals += _audit_avsnitt11(result)

    budgets = result.budget_lines_by_column()
    column_sums = {c: (col_totals[c], budgets[c]) for c in budgets}

    mismatches = []
    for code, off in official_inputs().items():
        if code not in rows:
            mismatches.append(f"{code}: in the official tables but not in the input data")
            continue
        r = rows[code]
        if r.population != off["population_bilaga2"] or r.population != off["population_bilaga3"]:
            mismatches.append(f"{code} {r.lan}: population {r.population} vs official {off['population_bilaga2']}")
        if r.hsl_insatser != off["hsl_insatser"]:
            mismatches.append(f"{code} {r.lan}: HSL insatser {r.hsl_insatser} vs official {off['hsl_insatser']}")

    notes = []
    if not is_baseline:
        from .scenario import baseline

        changed = result.parameters.changed(baseline().parameters)
        what = ", ".join(f"{k} {a} → {b}" for k, (a, b) in changed.items()) or "none"
        notes.append(
            f"This scenario differs from the 2024 agreement as signed (parameters changed: {what}; changed input "
            "files show under 'Input data differing' below). It is still compared with the official 2024 "
            "tables, so deviating cells and totals show the effect of the changes, not errors, and the "
            "result is DEVIATIONS (exit code 1) whenever a change moves an amount. What must hold for every "
            "scenario is that each column sums exactly to its budget line."
        )
    return Reconciliation(
        cells=tuple(cells),
        totals=totals,
        column_sums=column_sums,
        input_mismatches=tuple(mismatches),
        rules=_score_rules(result, official, alternatives),
        is_baseline=is_baseline,
        notes=tuple(notes),
    )
