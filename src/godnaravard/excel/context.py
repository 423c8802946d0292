"""What every sheet writer shares: the allocation, the sheet plan, and the scenario's wording.

The sheets a workbook has follow from the agreement (``plan``): the cover, one sheet per table of
the agreement (its overview excepted, which the cover and the sheet Per invånare stand for), the
budget table when the agreement has budget items, and the fixed sheets.

A scenario that is not the agreement as signed says so on the cover and in the title of every
sheet (``Context.title``), and names every input file of its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

from ..render import kr
from ..resources import data_dir
from .cells import sheet_name

if TYPE_CHECKING:
    from ..agreements import Agreement, TableSpec
    from ..api import Allocation
    from ..check import Reconciliation
    from ..core import Result
    from ..scenario import Scenario

__all__ = [
    "COVER",
    "code_label",
    "text_columns",
    "Context",
    "SheetPlan",
    "display_name",
    "per_capita_columns",
    "plan",
    "population_column",
    "scenario_name",
    "shipped_path",
    "value_text",
]

COVER = "Översikt"
PER_CAPITA = "Per invånare"
PARTS = "Delbelopp"
PARAMETERS = "Parametrar"
INPUTS = "Underlag"
RECONCILIATION = "Avstämning"
_FIXED = (COVER, PER_CAPITA, PARTS, PARAMETERS, INPUTS, RECONCILIATION)


@dataclass(frozen=True, slots=True)
class SheetPlan:
    """One sheet of the workbook: its name, one line for the cover's contents, what it shows."""

    name: str
    description: str
    kind: str
    table: TableSpec | None = None


def shipped_path(path: Path) -> str | None:
    """The path of a shipped data file relative to ``data/``, or None for any other file."""
    try:
        return path.resolve().relative_to(data_dir().resolve()).as_posix()
    except (ValueError, OSError):
        return None


def population_column(ag: Agreement) -> str | None:
    """The count column kronor per inhabitant divide by: ``population`` if counted, else the first count."""
    counts = ag.rules.count_columns
    if "population" in counts:
        return "population"
    return counts[0] if counts else None


def per_capita_columns(ag: Agreement) -> tuple[str, ...]:
    """The amount columns shown per inhabitant: those of the agreement's overview table."""
    amounts = ag.rules.amount_columns
    try:
        columns = ag.table("overview").columns
    except KeyError:
        return amounts
    return tuple(c for c in columns if c in amounts)


def _table_sheets(ag: Agreement) -> tuple[TableSpec, ...]:
    tables = tuple(t for t in ag.tables if t.name != "overview")
    return tables or tuple(ag.tables)


def code_label(ag: Agreement) -> str:
    """The heading of the recipients' code column."""
    spec = next((c for c in ag.rules.columns if c.kind == "code"), None)
    return spec.label if spec is not None else "Kod"


def text_columns(ag: Agreement) -> tuple[str, ...]:
    """The recipients' text columns (their names), in the definition's order."""
    return tuple(c.name for c in ag.rules.columns if c.kind == "text")


def plan(ag: Agreement) -> tuple[SheetPlan, ...]:
    """Every sheet of the workbook for ``ag``, in order."""
    taken: list[str] = list(_FIXED)
    who = ag.rules.recipient
    budget_table = bool(ag.budget_files.keys() & {"by_chapter", "by_recipient"})
    sheets = [
        SheetPlan(COVER, "Detta blad: överenskommelsen, fördelningen, indata, när och med vilken version "
                         "arbetsboken skapades.", "cover"),
    ]
    for t in _table_sheets(ag):
        name = sheet_name(t.label, taken)
        taken.append(name)
        sheets.append(SheetPlan(name, t.title, "table", t))
    if ag.rules.budget:
        title = ag.budget_title or "Budget"
        name = sheet_name(title.split(".")[0], taken)
        taken.append(name)
        sheets.append(SheetPlan(name, f"{title}: alla budgetposter med mottagare, betalare och belopp.", "budget"))
    if population_column(ag) is not None and per_capita_columns(ag):
        sheets.append(SheetPlan(PER_CAPITA, f"Översiktens belopp i kronor per invånare per {who}, med diagram.",
                                "per_capita"))
    sheets += [
        SheetPlan(PARTS, "Varje separat avrundad del: exakt andel, avrundat belopp och utjämningskronor.", "parts"),
        SheetPlan(PARAMETERS, "Varje parameter med nyckel (--set), värde, enhet, överenskommelsens värde och källa.",
                  "parameters"),
        SheetPlan(INPUTS, f"Indata per {who} med källor.", "inputs"),
        SheetPlan(RECONCILIATION, "Varje belopp mot överenskommelsens publicerade tabeller, kolumnsummor, angivna "
                                  "totaler" + (" och budgettabellens rader" if budget_table else "")
                                  + " (samma avstämning som godnaravard check).", "reconciliation"),
    ]
    return tuple(sheets)


# --------------------------------------------------------------------------------------------
# Wording


def value_text(ag: Agreement, key: str, value: int | Fraction) -> str:
    """A parameter value as text: kronor with spaces, shares and weights as exact fractions."""
    if ag.rules.parameters.get(key) == "amount":
        info = ag.parameter_info.get(key)
        return f"{kr(int(value))} {info.unit if info else 'kr'}"
    return str(Fraction(value))


def scenario_name(sc: Scenario) -> str:
    """What the scenario is called: its own name, or what it changes when it has none of its own."""
    if sc.name and sc.name != sc.agreement.title:
        return sc.name
    changes = [f"{k}={v}" for k, (_, v) in sc.changes().items()]
    return ", ".join(changes) or "egna indata"


def display_name(word: str, names: Mapping[str, str] | None = None) -> str:
    """A payer or recipient group of the budget items for display: as a recipient spells it, or capitalised."""
    for name in (names or {}).values():
        if name.casefold() == word.casefold():
            return name
    return word[:1].upper() + word[1:]


@dataclass(frozen=True)
class Context:
    """What every sheet writer needs: the allocation, its reconciliation (``check.reconcile``), the plan and the time."""

    allocation: Allocation
    reconciliation: Reconciliation
    created: datetime
    sheets: tuple[SheetPlan, ...] = field(default_factory=tuple)

    @property
    def scenario(self) -> Scenario:
        return self.allocation.scenario

    @property
    def result(self) -> Result:
        return self.allocation.result

    @property
    def agreement(self) -> Agreement:
        return self.allocation.scenario.agreement

    @property
    def baseline(self) -> bool:
        """True for the agreement as signed: its own parameters and its own data."""
        return self.scenario.is_baseline

    def own_files_text(self) -> str:
        """``egen fil population: PATH; …`` for the scenario's own input files ("" if none)."""
        return "; ".join(f"egen fil {name}: {path}" for name, path in self.scenario.own_files().items())

    def scenario_words(self) -> str:
        """``Scenario: NAME – inte den överenskomna fördelningen`` and its own files ("" for the baseline)."""
        if self.baseline:
            return ""
        words = f"Scenario: {scenario_name(self.scenario)} – inte den överenskomna fördelningen"
        own = self.own_files_text()
        return f"{words} ({own})" if own else words

    def title(self, text: str) -> str:
        """A sheet title; a scenario's carries the scenario words."""
        words = self.scenario_words()
        return f"{text} – {words}" if words else text

    def change_note(self) -> str:
        """What the scenario changes against the agreement, in one sentence ("" for the baseline)."""
        if self.baseline:
            return ""
        ag = self.agreement
        parts = [f"{k} {value_text(ag, k, a)} → {value_text(ag, k, b)}" for k, (a, b) in self.scenario.changes().items()]
        own = self.own_files_text()
        if own:
            parts.append(own)
        return "Ändrat mot överenskommelsen: " + "; ".join(parts or ["inget"]) + "."

    def note(self, text: str = "") -> str:
        """Row 2 of a sheet: what the scenario changes, then the sheet's own note."""
        return " ".join(t for t in (self.change_note(), text) if t)
