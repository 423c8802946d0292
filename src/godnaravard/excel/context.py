"""What every sheet writer shares: the allocation, the sheet plan, and the scenario's wording.

The sheets a workbook has follow from the agreement (``plan``): the cover, one sheet per table of
the agreement (its overview excepted, which the cover and the sheet Per invånare stand for), the
budget table when the agreement has budget items, and the fixed sheets.

A scenario that is not the agreement as signed says so on the cover and in the title of every
sheet (``Context.title``), and names every input file of its own.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import field
from datetime import datetime
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

from ..frozen import frozen
from ..render import kr
from ..resources import data_dir
from .cells import formula_text, sheet_name

if TYPE_CHECKING:
    from ..agreements import Agreement, TableSpec
    from ..api import Allocation
    from ..check import Reconciliation
    from ..core import Result
    from ..scenario import Scenario

__all__ = [
    "AS_SIGNED",
    "CHANGED",
    "COVER",
    "SIGNED",
    "STATUS",
    "NOT_AGREED",
    "change_text",
    "code_label",
    "rural_label",
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

#: What every scenario says of itself, on every sheet.
NOT_AGREED = "inte den överenskomna fördelningen"

#: The defined name of the condition "the workbook's figures are the agreement's": TRUE while every
#: parameter on Parametrar equals the signed value (as the model reads it) and the data are the
#: agreement's own (see ``Context.status``).
SIGNED = "som_undertecknad"
#: The defined name of the cell with the status text every title row shows (``Context.status``).
STATUS = "arbetsbokens_status"
#: The status text while ``SIGNED`` holds.
AS_SIGNED = "Enligt överenskommelsen"
#: The start of the status text otherwise, followed by what differs.
CHANGED = "Ändrad i arbetsboken: "
#: What the status names when the scenario's data are its own files.
OWN_DATA = "egna indata"

COVER = "Översikt"
PER_CAPITA = "Per invånare"
PARTS = "Delbelopp"
PARAMETERS = "Parametrar"
INPUTS = "Underlag"
RECONCILIATION = "Avstämning"
_FIXED = (COVER, PER_CAPITA, PARTS, PARAMETERS, INPUTS, RECONCILIATION)


@frozen
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


def rural_label(ag: Agreement) -> str:
    """What the workbook calls the agreement's rural key: its data's label ("Landsbygdsnyckel",
    "Bygdenyckel"), never one agreement's word for every key."""
    return ag.landsbygd.label if ag.landsbygd is not None else "Nyckeln"


def population_column(ag: Agreement) -> str | None:
    """The count column kronor per inhabitant divide by (``Agreement.inhabitants_column``), when
    the workbook's tables show it."""
    column = ag.inhabitants_column
    return column if column in ag.rules.count_columns else None


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
        sheets.append(SheetPlan(name, f"{title}: medlen per avsnitt och per mottagare, med delsummor och angivna "
                                      "totaler.", "budget"))
    if population_column(ag) is not None and per_capita_columns(ag):
        sheets.append(SheetPlan(PER_CAPITA, f"Översiktens belopp i kronor per invånare per {who}, med diagram och "
                                            "riksgenomsnitt.", "per_capita"))
    sheets += [
        SheetPlan(PARTS, "Arbetsbokens beräkning: budgetraderna, delarna och varje del per mottagare (exakt andel, "
                         "heltal, rest, plats, avrundat belopp, utjämningskrona), med kontroller.", "parts"),
        SheetPlan(PARAMETERS, "Varje parameter: ändra värdet här så räknar arbetsboken om; nyckel, enhet, "
                              "överenskommelsens värde, kontroll och källa.", "parameters"),
        SheetPlan(INPUTS, f"Indata per {who} med källor.", "inputs"),
        SheetPlan(RECONCILIATION, "Varje belopp mot överenskommelsens publicerade tabeller, kolumnsummor, angivna "
                                  "totaler" + (" och budgettabellens rader" if budget_table else "")
                                  + " (samma avstämning som verktygets kontroll).", "reconciliation"),
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


def change_text(ag: Agreement, key: str, value: int | Fraction) -> str:
    """One changed parameter in words: its label and its new value (``Grundbelopp … 1 000 000 kr``)."""
    info = ag.parameter_info.get(key)
    label = info.label if info else key
    return f"{label} {value_text(ag, key, value)}"


def scenario_name(sc: Scenario, name: str | None = None) -> str:
    """What the scenario is called: ``name`` (``export --name``), its own name, or what it changes.

    A name derived from the changes uses the parameters' labels, never their keys.
    """
    if name:
        return name
    if sc.name and sc.name != sc.agreement.title:
        return sc.name
    changes = [change_text(sc.agreement, k, v) for k, (_, v) in sc.changes().items()]
    return "; ".join(changes) or "egna indata"


def given_at_export(text: str, key: str) -> str:
    """``text`` with each ``WORD KEY=VALUE`` (``--set KEY=VALUE``) made ``angiven vid export (värde VALUE)``;
    a colon, semicolon or comma that ends the value is the text's, not the value's.

    What ``re.sub(r"(\\S+) KEY=(\\S+)", …)`` does, in linear time (issue 17, §1: that expression
    backtracked, 25 s on a source of 40 000 characters): each `` KEY=`` is found once with ``str.find``,
    and the words on either side are scanned once each (a space separates one occurrence from the next).
    """
    mark = f" {key}="
    out: list[str] = []
    done = 0  # text[:done] is in out
    at = text.find(mark)
    while at != -1:
        start = at
        while start > done and not text[start - 1].isspace():
            start -= 1
        end = stop = at + len(mark)
        while stop < len(text) and not text[stop].isspace():
            stop += 1
        full = stop
        while stop > end and text[stop - 1] in ":;,":  # "--set KEY=+10%: …": the colon is the text's
            stop -= 1
        if start < at and stop > end:
            out += [text[done:start], f"angiven vid export (värde {text[end:stop]})", text[stop:full]]
            done = full
            at = text.find(mark, full)
        else:
            at = text.find(mark, at + 1)
    out.append(text[done:])
    return "".join(out)


def display_name(word: str, names: Mapping[str, str] | None = None) -> str:
    """A payer or recipient group of the budget items for display: as a recipient spells it, or capitalised."""
    for name in (names or {}).values():
        if name.casefold() == word.casefold():
            return name
    return word[:1].upper() + word[1:]


@frozen
class Context:
    """What every sheet writer needs: the allocation, its reconciliation (``check.reconcile``), the plan and the time."""

    allocation: Allocation
    reconciliation: Reconciliation
    created: datetime
    sheets: tuple[SheetPlan, ...] = field(default_factory=tuple)
    #: The scenario's name given with ``export --name`` (None: its own, or derived from its changes).
    name: str | None = None

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

    def source(self, key: str) -> str:
        """Where a parameter's value comes from, in words: a value given at export (``--set KEY=VALUE``)
        says so without the option or its key (keys appear only in the column Nyckel of Parametrar)."""
        info = self.agreement.parameter_info.get(key)
        text = self.scenario.sources.get(key, info.source if info else "")
        return given_at_export(text, key)

    def own_files_text(self) -> str:
        """``egen fil population: PATH; …`` for the scenario's own input files ("" if none)."""
        from ..own_data import own_file_text

        return "; ".join(f"egen fil {name}: {own_file_text(self.scenario, name)}" for name in self.scenario.own_files())

    def scenario_words(self) -> str:
        """``Scenario: NAME – inte den överenskomna fördelningen`` and its own files ("" for the baseline)."""
        if self.baseline:
            return ""
        words = f"Scenario: {self.scenario_name} – {NOT_AGREED}"
        own = self.own_files_text()
        return f"{words} ({own})" if own else words

    @property
    def scenario_name(self) -> str:
        """The scenario's name: ``--name``, its own, or derived from its changes."""
        return scenario_name(self.scenario, self.name)

    def header_words(self, limit: int = 120) -> str:
        """The scenario words for a page header: without the own files, the name cut to fit."""
        if self.baseline:
            return ""
        name = self.scenario_name
        room = max(limit - len(f"Scenario:  – {NOT_AGREED}"), 20)
        if len(name) > room:
            name = name[: room - 1].rstrip() + "…"
        return f"Scenario: {name} – {NOT_AGREED}"

    def title(self, text: str) -> str:
        """A sheet title; a scenario's carries the scenario words."""
        words = self.scenario_words()
        return f"{text} – {words}" if words else text

    def change_note(self) -> str:
        """What the scenario changes against the agreement, in one sentence ("" for the baseline)."""
        if self.baseline:
            return ""
        ag = self.agreement
        parts = []
        for k, (a, b) in self.scenario.changes().items():
            info = ag.parameter_info.get(k)
            parts.append(f"{info.label if info else k} {value_text(ag, k, a)} → {value_text(ag, k, b)}")
        own = self.own_files_text()
        if own:
            parts.append(own)
        return "Ändrat mot överenskommelsen: " + "; ".join(parts or ["inget"]) + "."

    def live_note(self, pieces: Sequence[str | tuple[str, str]]) -> tuple[str, str]:
        """A live text of the agreement's own words and ``(formula, text)`` pairs for values that follow
        the parameters; returns the formula and the tool's text. (Text from input files or scenarios
        never goes into a formula: the scenario's change note is written as text beside it.)"""
        formula = "=" + "&".join(formula_text(p) if isinstance(p, str) else p[0] for p in pieces if p)
        text = "".join(p if isinstance(p, str) else p[1] for p in pieces)
        return formula, text

    def notes(self, live: tuple[str, str]) -> tuple[str | tuple[str, str], str | tuple[str, str]]:
        """Rows 2 and 3 of a sheet with a live note: the change note (if any) as text, then the live note."""
        lead = self.change_note()
        return (lead, live) if lead else (live, "")

    def note(self, text: str = "") -> str:
        """Row 2 of a sheet: what the scenario changes, then the sheet's own note."""
        return " ".join(t for t in (self.change_note(), text) if t)

    def changed_labels(self) -> list[str]:
        """What differs from the agreement as exported: the changed parameters' labels, then own data."""
        ag = self.agreement
        labels = []
        for key in self.scenario.changes():
            info = ag.parameter_info.get(key)
            labels.append(info.label if info else key)
        if self.scenario.own_files() and not self.data_as_signed():
            labels.append(OWN_DATA)
        return labels

    def data_as_signed(self) -> bool:
        """The scenario's data are the agreement's own (own files whose numbers equal them count)."""
        if not self.scenario.own_files():
            return True
        own_data = dataclasses.replace(self.scenario, parameters=self.agreement.parameters)
        return own_data.signed_with(self.result.inputs)

    def status_text(self) -> str:
        """The status text as exported: ``Enligt överenskommelsen`` or ``Ändrad i arbetsboken: …``."""
        labels = self.changed_labels()
        return CHANGED + "; ".join(labels) if labels else AS_SIGNED

    def status(self) -> tuple[str, str]:
        """The title row's status (issue 16, item 5): ``(formula, cached value)``.

        The formula reads the cell named ``STATUS`` on Parametrar, which says ``Enligt
        överenskommelsen`` while the defined name ``SIGNED`` (``som_undertecknad``) is TRUE, that is
        while every parameter equals the signed value as the model reads it (and the data are the
        agreement's own), and otherwise ``Ändrad i arbetsboken: `` with the labels of the parameters
        that differ. The cached value is the text as exported, which is what the formula recomputes to.
        """
        return f"={STATUS}", self.status_text()
