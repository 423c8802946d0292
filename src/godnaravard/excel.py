"""The allocation as an Excel workbook (``godnaravard export``), with Swedish headings as in the agreement.

    >>> import godnaravard
    >>> from godnaravard.excel import export_workbook
    >>> export_workbook(godnaravard.allocate(), "fordelning_2024.xlsx")     # doctest: +SKIP

Sheets (``SHEETS``): Översikt (title, agreement, scenario, when and with which version, contents),
Bilaga 2, Bilaga 3, Bilaga 4, Avsnitt 11, Per invånare (with a native chart), Delbelopp (each
separately rounded part with its exact share and balancing krona), Parametrar, Underlag and
Avstämning (every cell against the official tables).

How the figures are written:

- Amounts are numbers, never text, in whole kronor, with a thousands-separated format. Excel
  stores numbers as doubles, which hold every whole krona below 2**53 exactly; amounts beyond
  ``MAX_EXACT_KRONOR`` are refused rather than written inexactly.
- Totals and derived cells (row totals, shares, deviations) are live formulas (``=SUM(...)``)
  that also carry the value the tool computed, so the workbook shows the right figures in Excel
  and LibreOffice and when read without recalculation (pandas, ``openpyxl(data_only=True)``).
- Shares and per-inhabitant figures are floats: they are for display only; every krona comes
  from the exact core.
- Every text is written with ``write_string``: a name from an input file that starts with ``=``,
  ``+``, ``-`` or ``@`` stays text and can never become a formula; xlsxwriter's automatic
  conversion of strings to numbers, formulas or links is switched off.

The file is written atomically (``godnaravard.atomic``): an existing file is replaced only with
``force=True``, and a failed export leaves nothing behind.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from fractions import Fraction
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from . import __version__
from .atomic import atomic_write
from .core import AMOUNT_KEYS, ROUNDING_RULE, SHARE_KEYS, Result
from .inputs import LANDSBYGD_FILE, POPULATION_FILE
from .render import kr
from .resources import source_of

if TYPE_CHECKING:
    from xlsxwriter.format import Format
    from xlsxwriter.workbook import Workbook
    from xlsxwriter.worksheet import Worksheet

    from .api import Allocation
    from .check import Reconciliation
    from .scenario import Scenario

__all__ = [
    "AGREEMENT",
    "SIGNED",
    "SHEETS",
    "HEADER_ROW",
    "MAX_EXACT_KRONOR",
    "ExportError",
    "export_workbook",
    "write_workbook",
]

#: The agreement's full title.
AGREEMENT = (
    "Överenskommelse mellan staten och Sveriges Kommuner och Regioner om God och nära vård 2024 – "
    "En personcentrerad och patientsäker hälso- och sjukvård med primärvården som nav"
)
#: When it was signed, by whom.
SIGNED = "15 december 2023 av Sveriges Kommuner och Regioner (SKR), 20 december 2023 av staten"

#: Sheet name → one line on the cover's contents list, in workbook order.
SHEETS: dict[str, str] = {
    "Översikt": "Detta blad: överenskommelsen, scenariot, när och med vilken version arbetsboken skapades.",
    "Bilaga 2": "Medel till kommunerna (länsvis) för insatser inom ramen för avsnitt 4.",
    "Bilaga 3": "Medel till regionerna för insatser inom ramen för avsnitt 4 (Nära vård) och 5 (Ambulans).",
    "Bilaga 4": "Fördelning av medel till primärvård i landsbygd, med den viktade landsbygdsbefolkningen W.",
    "Avsnitt 11": "Alla budgetrader: avsnitt, insats, mottagare, betalare, belopp och fördelande bilaga.",
    "Per invånare": "Bilaga 3 i kronor per invånare per region, med diagram.",
    "Delbelopp": "Varje separat avrundad del: exakt andel, avrundat belopp och utjämningskronor.",
    "Parametrar": "Varje parameter med värde, värdet 2024 och källa.",
    "Underlag": "Indata (befolkning, HSL-insatser, landsbygdsnyckel) med källor.",
    "Avstämning": "Varje cell mot överenskommelsens tabeller, kolumnsummor och angivna totaler.",
}

#: 0-based row of the column headings on every table sheet (row 1 title, row 2 note, row 3 empty).
HEADER_ROW = 3
_FIRST = HEADER_ROW + 1

#: Excel holds 15 significant digits; larger amounts would not be exact to the krona.
MAX_EXACT_KRONOR = 10**15 - 1

_PARAMETER_LABELS: dict[str, str] = {
    "regioner.nara_vard_total": "Regionerna, nära vård (avsnitt 4) – bilaga 3 kolumn Nära vård",
    "regioner.landsbygd_total": "Därav primärvård i landsbygd – bilaga 4",
    "ambulans.total": "Regionerna, förstärkt ambulanssjukvård (avsnitt 5) – bilaga 3 kolumn Ambulans",
    "ambulans.grundbelopp": "Ambulans: grundbelopp per region",
    "kommuner.total": "Kommunerna via RSS (avsnitt 4) – bilaga 2",
    "skr.centrala_utvecklingsomraden": "SKR: centrala utvecklingsområden (avsnitt 4)",
    "skr.ambulans": "SKR: ambulanssjukvården (avsnitt 5)",
    "sallsynta.csd": "Sällsynta hälsotillstånd: sjukvårdsregionala CSD (avsnitt 6)",
    "sallsynta.region_stockholm": (
        "Sällsynta hälsotillstånd: samordning och stöd, Region Stockholm (avsnitt 6)"
    ),
    "sallsynta.skr": "Sällsynta hälsotillstånd: samordning och stöd, SKR (avsnitt 6)",
    "kvalitetsregister.staten": "Nationella kvalitetsregister, statens medel (avsnitt 7.2)",
    "kvalitetsregister.regionerna_grundanslag": (
        "Kvalitetsregister, grundanslag sex RCO, regionernas medel (7.1 i)"
    ),
    "kvalitetsregister.regionerna_stodfunktion": (
        "Kvalitetsregister, stödfunktionen vid SKR, regionernas medel (7.1 ii)"
    ),
    "antibiotika.region_uppsala": "Antibiotikaanvändningen, Region Uppsala (avsnitt 8)",
    "lakemedel.skr": "Strukturerad information om läkemedel, SKR (avsnitt 9)",
    "kommuner.andel_insatser": (
        "Andel av kommunernas medel som fördelas efter antal individer med insatser (HSL)"
    ),
    "landsbygd.vikt.tatortsnara": "Vikt för invånare i tätortsnära landsbygdskommuner",
    "landsbygd.vikt.gles": "Vikt för invånare i glesa landsbygdskommuner",
    "landsbygd.vikt.mycket_gles": "Vikt för invånare i mycket glesa landsbygdskommuner",
}

_CHECK_COLUMNS: dict[str, str] = {
    "kommuner": "Belopp (kronor)",
    "nara_vard": "Nära vård (kronor)",
    "ambulans": "Ambulans (kronor)",
    "landsbygd": "Utfall fördelningsnyckel (kronor)",
}

_PART_LABELS: dict[tuple[str, str], str] = {
    ("kommuner", "insatser"): "Bilaga 2: efter antal individer med insatser (HSL)",
    ("kommuner", "befolkning"): "Bilaga 2: efter befolkning",
    ("nara_vard", "landsbygd"): "Bilaga 3 Nära vård: primärvård i landsbygd (bilaga 4)",
    ("nara_vard", "befolkning"): "Bilaga 3 Nära vård: efter befolkning",
    ("ambulans", "befolkning"): "Bilaga 3 Ambulans: efter befolkning (utöver grundbeloppet)",
}

_SUM_LABELS: dict[str, tuple[str, str]] = {
    "nara_vard": ("Bilaga 3", "Nära vård"),
    "landsbygd": ("Bilaga 4", "Utfall fördelningsnyckel"),
    "nara_vard_befolkning": ("Bilaga 3", "Nära vård: därav efter befolkning"),
    "ambulans": ("Bilaga 3", "Ambulans"),
    "regioner_totalt": ("Bilaga 3", "Totalt"),
    "kommuner": ("Bilaga 2", "Belopp"),
    "kommuner_insatser": ("Bilaga 2", "därav efter insatser (HSL)"),
    "kommuner_befolkning": ("Bilaga 2", "därav efter befolkning"),
}

#: 0-based row of the column headings of the cell-by-cell table on the sheet Avstämning.
_CHECK_HEADER_ROW = 11

_PAYERS = {"staten": "Staten", "regionerna": "Regionerna"}
_GROUPS = {"regionerna": "Regionerna", "kommunerna": "Kommunerna", "skr": "SKR"}


class ExportError(ValueError):
    """The allocation cannot be written to a workbook exactly (e.g. an amount beyond Excel's precision)."""


# --------------------------------------------------------------------------------------------
# Cell helpers
# --------------------------------------------------------------------------------------------


def _col(col: int) -> str:
    """Column letters of a 0-based column index (0 → A, 26 → AA)."""
    name = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        name = chr(65 + rem) + name
    return name


def _ref(row: int, col: int, *, abs_row: bool = False, sheet: str | None = None) -> str:
    """An A1 reference to a 0-based cell, optionally with ``$`` on the row and a sheet name."""
    ref = f"{_col(col)}{'$' if abs_row else ''}{row + 1}"
    return f"'{sheet}'!{ref}" if sheet else ref


def _range(
    first_row: int, last_row: int, col: int, *, absolute: bool = False, sheet: str | None = None
) -> str:
    """An A1 range of one column, e.g. ``C5:C25`` (or ``'Blad'!$C$5:$C$25``)."""
    d = "$" if absolute else ""
    rng = f"{d}{_col(col)}{d}{first_row + 1}:{d}{_col(col)}{d}{last_row + 1}"
    return f"'{sheet}'!{rng}" if sheet else rng


def _display(value: Fraction | int) -> float | int:
    """A number for a cell: an int when whole (exact), else a float (display only)."""
    f = Fraction(value)
    return int(f) if f.denominator == 1 else float(f)


def _value_text(key: str, value: int | Fraction) -> str:
    """A parameter value as text: kronor with spaces, shares and weights as exact fractions."""
    if key in AMOUNT_KEYS:
        return f"{kr(int(value))} kr"
    return str(Fraction(value))


@dataclass
class _Formats:
    """The cell formats of the workbook, created once."""

    title: Format
    note: Format
    label: Format
    header: Format
    header_num: Format
    text: Format
    right: Format
    wrap: Format
    amount: Format
    count: Format
    pct: Format
    pct_fine: Format
    decimal: Format
    exact: Format
    per_capita: Format
    total_label: Format
    total_text: Format
    total_amount: Format
    total_pct: Format
    total_decimal: Format
    total_per_capita: Format
    link: Format
    ok: Format
    bad: Format

    @classmethod
    def create(cls, wb: Workbook) -> _Formats:
        """Define every format on ``wb``."""
        head = {"bold": True, "bg_color": "#DCE6F1", "bottom": 1, "text_wrap": True, "valign": "bottom"}
        total = {"bold": True, "top": 1, "bottom": 6}

        def fmt(**props: Any) -> Format:
            return wb.add_format(props)

        return cls(
            title=fmt(bold=True, font_size=14),
            note=fmt(italic=True, font_color="#505050"),
            label=fmt(bold=True, valign="top"),
            header=fmt(**head),
            header_num=fmt(**head, align="right"),
            text=fmt(valign="top"),
            right=fmt(align="right", valign="top"),
            wrap=fmt(text_wrap=True, valign="top"),
            amount=fmt(num_format="#,##0", valign="top"),
            count=fmt(num_format="#,##0", valign="top"),
            pct=fmt(num_format="0.0%", valign="top"),
            pct_fine=fmt(num_format="0.00%", valign="top"),
            decimal=fmt(num_format="#,##0.####", valign="top"),
            exact=fmt(num_format="#,##0.0000", valign="top"),
            per_capita=fmt(num_format="#,##0.00", valign="top"),
            total_label=fmt(**total),
            total_text=fmt(**total),
            total_amount=fmt(**total, num_format="#,##0"),
            total_pct=fmt(**total, num_format="0.0%"),
            total_decimal=fmt(**total, num_format="#,##0.####"),
            total_per_capita=fmt(**total, num_format="#,##0.00"),
            link=fmt(font_color="blue", underline=1),
            ok=fmt(font_color="#006100", bg_color="#C6EFCE"),
            bad=fmt(font_color="#9C0006", bg_color="#FFC7CE"),
        )


@dataclass
class _Sheet:
    """A worksheet with typed writers that also track column widths.

    Every cell goes through ``text`` (``write_string``), ``number`` (``write_number``) or
    ``formula`` (``write_formula`` with the computed value), never through xlsxwriter's guessing
    ``write``.
    """

    ws: Worksheet
    f: _Formats
    widths: dict[int, float] = field(default_factory=dict)
    fixed: dict[int, float] = field(default_factory=dict)
    wrapped: list[tuple[int, int, str, float]] = field(default_factory=list)

    def _grow(self, col: int, width: float) -> None:
        self.widths[col] = max(self.widths.get(col, 0.0), width)

    def text(self, row: int, col: int, value: str, fmt: Format | None = None, *, grow: bool = True) -> None:
        """A text cell; never interpreted as a formula, number or link."""
        self.ws.write_string(row, col, value, fmt if fmt is not None else self.f.text)
        if fmt is self.f.wrap:
            self.wrapped.append((row, col, value, 1.2))
        if grow:
            self._grow(col, len(value) + 1)

    def number(self, row: int, col: int, value: int | float, fmt: Format | None = None) -> None:
        """A number cell (kronor are ints; floats only for display)."""
        if isinstance(value, int) and abs(value) > MAX_EXACT_KRONOR:
            raise ExportError(f"{value} is too large for an Excel cell to hold exactly")
        self.ws.write_number(row, col, value, fmt if fmt is not None else self.f.amount)
        self._grow(col, len(f"{value:,.2f}" if isinstance(value, float) else f"{value:,}") + 2)

    def formula(
        self, row: int, col: int, formula: str, value: int | float, fmt: Format | None = None
    ) -> None:
        """A live formula that carries the value the tool computed."""
        if isinstance(value, int) and abs(value) > MAX_EXACT_KRONOR:
            raise ExportError(f"{value} is too large for an Excel cell to hold exactly")
        self.ws.write_formula(row, col, formula, fmt if fmt is not None else self.f.amount, value)
        self._grow(col, len(f"{value:,.2f}" if isinstance(value, float) else f"{value:,}") + 2)

    def total(
        self, row: int, col: int, first: int, last: int, value: int | float, fmt: Format | None = None
    ) -> None:
        """``=SUM(first:last)`` of one column, with its computed value."""
        self.formula(row, col, f"=SUM({_range(first, last, col)})", value, fmt or self.f.total_amount)

    def header(self, row: int, labels: Sequence[str], col0: int = 0, numeric: Iterable[int] = ()) -> None:
        """Column headings (wrapped); ``numeric`` columns are right-aligned."""
        num = set(numeric)
        for i, label in enumerate(labels):
            self.ws.write_string(
                row, col0 + i, label, self.f.header_num if col0 + i in num else self.f.header
            )
            self.wrapped.append((row, col0 + i, label, 0.95))
            longest_word = max((len(w) for w in label.split()), default=0)
            self._grow(col0 + i, min(max(longest_word + 2, len(label) / 2 + 1), 24))

    def title(self, title: str, note: str = "") -> None:
        """Row 1: the sheet's title; row 2: a note (scenario, rule)."""
        self.ws.write_string(0, 0, title, self.f.title)
        self.ws.set_row(0, 21)
        if note:
            self.ws.write_string(1, 0, note, self.f.note)

    def width(self, col: int, width: float) -> None:
        """Fix a column's width (e.g. for long wrapped texts)."""
        self.fixed[col] = width

    def finish(self, minimum: float = 8, maximum: float = 60) -> None:
        """Set every column's width from its contents, and the height of rows with wrapped text.

        Spreadsheet programs do not grow a row for wrapped text on opening a file, so the
        height is estimated here from the words and the column's width.
        """
        final = {col: min(max(width, minimum), maximum) for col, width in self.widths.items()}
        final |= self.fixed
        for col, width in final.items():
            self.ws.set_column(col, col, width)
        lines: dict[int, int] = {}
        for row, col, text, chars_per_unit in self.wrapped:
            n = _wrapped_lines(text, final.get(col, 8.43) * chars_per_unit)
            lines[row] = max(lines.get(row, 1), n)
        for row, n in lines.items():
            if n > 1:
                self.ws.set_row(row, 15 * n)


def _wrapped_lines(text: str, chars: float) -> int:
    """How many lines ``text`` takes when wrapped at word boundaries, ``chars`` characters a line.

    A column width unit is one digit wide; ordinary text fits about 1.2 characters per unit,
    bold headings about one.
    """
    capacity = max(int(chars) - 1, 1)
    count = 0
    for paragraph in text.split("\n"):
        count += 1
        used = 0
        for word in paragraph.split():
            need = len(word) if used == 0 else used + 1 + len(word)
            if need <= capacity:
                used = need
            else:
                count += 1 if used else 0
                used = len(word)
                while used > capacity:
                    count += 1
                    used -= capacity
    return max(count, 1)


# --------------------------------------------------------------------------------------------
# The sheets
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Context:
    """What every sheet writer needs: the allocation, its reconciliation and when it was made."""

    allocation: Allocation
    reconciliation: Reconciliation
    created: datetime

    @property
    def scenario(self) -> Scenario:
        return self.allocation.scenario

    @property
    def result(self) -> Result:
        return self.allocation.result


def _scenario_note(sc: Scenario) -> str:
    """One line naming the scenario and, when it is not the agreement, what differs."""
    changes = sc.changes()
    data = []
    if sc.population is not None:
        data.append(f"befolkning från {sc.population}")
    if sc.landsbygd is not None:
        data.append(f"landsbygdsnyckel från {sc.landsbygd}")
    if not changes and not data:
        return f"Scenario {sc.name}: överenskommelsen som undertecknad."
    parts = [f"{k} {_value_text(k, a)} → {_value_text(k, b)}" for k, (a, b) in changes.items()]
    return f"Scenario {sc.name}. Ändrat mot överenskommelsen 2024: " + "; ".join(parts + data) + "."


def _write_cover(s: _Sheet, ctx: _Context) -> None:
    """Översikt: title, agreement, dates, scenario, changes, provenance of the workbook, contents."""
    sc = ctx.scenario
    rec = ctx.reconciliation
    s.title("God och nära vård 2024 – fördelning av statens medel")
    changes = sc.changes()
    if not changes:
        change_text = "Inga: parametrarna är överenskommelsens (2024)."
    else:
        change_text = f"{len(changes)} parameter(rar) ändrade mot 2024 – se nedan och bladet Parametrar."
    origin = "levereras med verktyget (data/scenarios/2024.toml)" if sc.origin == "2024" else sc.origin
    rec_text = (
        f"{rec.exact} av {len(rec.cells)} belopp lika med överenskommelsens tabeller, "
        f"{rec.within_tolerance} inom {rec.tolerance} kr; alla kolumnsummor lika med budgetraderna: "
        f"{'ja' if all(a == b for a, b in rec.column_sums.values()) else 'nej'}; "
        f"angivna totaler som följer av posterna: {sum(t.ok for t in rec.totals)} av {len(rec.totals)}."
    )
    lines: list[tuple[str, str]] = [
        ("Överenskommelse", AGREEMENT),
        ("Undertecknad", SIGNED),
        ("Scenario", sc.name + (f" – {sc.description}" if sc.description else "")),
        ("Scenariofil", origin),
        ("Ändringar mot 2024", change_text),
        (
            "Befolkning och HSL-insatser",
            str(sc.population) if sc.population is not None else f"levererad data: {POPULATION_FILE}",
        ),
        (
            "Landsbygdsnyckel",
            str(sc.landsbygd) if sc.landsbygd is not None else f"levererad data: {LANDSBYGD_FILE}",
        ),
        (
            "Avrundning",
            f"{ROUNDING_RULE}: varje budgetrad och del avrundas för sig till hela kronor "
            "(största rest); se bladet Delbelopp.",
        ),
        ("Avstämning", rec_text),
        ("Skapad", ctx.created.isoformat(timespec="seconds")),
        ("Verktyg", f"godnaravard {__version__}"),
    ]
    row = 2
    for label, value in lines:
        s.text(row, 0, label, s.f.label)
        s.text(row, 1, value, s.f.wrap, grow=False)
        row += 1
    if changes:
        row += 1
        s.text(row, 0, "Ändrade parametrar", s.f.label)
        row += 1
        s.header(row, ["Parameter", "2024", "Detta scenario", "Källa"])
        for key, (old, new) in changes.items():
            row += 1
            s.text(row, 0, key)
            s.text(row, 1, _value_text(key, old), grow=False)
            s.text(row, 2, _value_text(key, new), grow=False)
            s.text(row, 3, sc.sources.get(key, ""), s.f.wrap, grow=False)
        row += 1
    row += 1
    s.text(row, 0, "Innehåll", s.f.label)
    for name, description in SHEETS.items():
        row += 1
        s.ws.write_url(row, 0, f"internal:'{name}'!A1", s.f.link, string=name)
        s.text(row, 1, description, s.f.wrap, grow=False)
    s.width(1, 100)
    s.width(2, 16)
    s.width(3, 60)


def _write_bilaga2(s: _Sheet, ctx: _Context) -> None:
    """Bilaga 2: kommunernas medel per län, by HSL insatser and population (avsnitt 12)."""
    rows = ctx.result.rows
    totals = ctx.result.totals()
    share = ctx.result.parameters.fraction("kommuner.andel_insatser")
    s.title(
        "Bilaga 2. Medel till kommunerna (länsvis) för insatser inom ramen för avsnitt 4",
        f"{_scenario_note(ctx.scenario)} Andel efter insatser {share}, "
        f"efter befolkning {1 - share} (avsnitt 12).",
    )
    s.header(
        HEADER_ROW,
        [
            "Län",
            "Befolkning nov 2023",
            "andel",
            "Antal individer med insatser (HSL)",
            "andel",
            "Belopp (kronor)",
        ],
        numeric=range(1, 6),
    )
    last = _FIRST + len(rows) - 1
    total_row = last + 1
    for i, r in enumerate(rows):
        row = _FIRST + i
        s.text(row, 0, r.lan)
        s.number(row, 1, r.population, s.f.count)
        s.formula(
            row,
            2,
            f"={_ref(row, 1)}/{_ref(total_row, 1, abs_row=True)}",
            float(Fraction(r.population, totals["population"])),
            s.f.pct,
        )
        s.number(row, 3, r.hsl_insatser, s.f.count)
        s.formula(
            row,
            4,
            f"={_ref(row, 3)}/{_ref(total_row, 3, abs_row=True)}",
            float(Fraction(r.hsl_insatser, totals["hsl_insatser"])),
            s.f.pct,
        )
        s.number(row, 5, r.kommuner)
    s.text(total_row, 0, "Totalt", s.f.total_label)
    s.total(total_row, 1, _FIRST, last, totals["population"])
    s.total(total_row, 2, _FIRST, last, 1.0, s.f.total_pct)
    s.total(total_row, 3, _FIRST, last, totals["hsl_insatser"])
    s.total(total_row, 4, _FIRST, last, 1.0, s.f.total_pct)
    s.total(total_row, 5, _FIRST, last, totals["kommuner"])
    s.ws.freeze_panes(_FIRST, 1)


def _write_bilaga3(s: _Sheet, ctx: _Context) -> None:
    """Bilaga 3: regionernas medel, Nära vård (avsnitt 4) and Ambulans (avsnitt 5)."""
    rows = ctx.result.rows
    totals = ctx.result.totals()
    s.title(
        "Bilaga 3. Medel till regionerna för insatser inom ramen för avsnitt 4 och 5",
        _scenario_note(ctx.scenario),
    )
    s.header(
        HEADER_ROW,
        ["Region", "Befolkning november 2023", "Nära vård (kronor)", "Ambulans (kronor)", "Totalt (kronor)"],
        numeric=range(1, 5),
    )
    last = _FIRST + len(rows) - 1
    total_row = last + 1
    for i, r in enumerate(rows):
        row = _FIRST + i
        s.text(row, 0, r.region)
        s.number(row, 1, r.population, s.f.count)
        s.number(row, 2, r.nara_vard)
        s.number(row, 3, r.ambulans)
        s.formula(row, 4, f"={_ref(row, 2)}+{_ref(row, 3)}", r.regioner_totalt)
    s.text(total_row, 0, "Totalt", s.f.total_label)
    values = [totals["population"], totals["nara_vard"], totals["ambulans"], totals["regioner_totalt"]]
    for col, value in enumerate(values, start=1):
        s.total(total_row, col, _FIRST, last, value)
    s.ws.freeze_panes(_FIRST, 1)


def _write_bilaga4(s: _Sheet, ctx: _Context) -> None:
    """Bilaga 4: the rural part of nära vård by the weighted rural population W (avsnitt 12)."""
    res = ctx.result
    part = res.landsbygd.parts["landsbygd"]
    w = part.weights
    total_w = sum(w.values(), Fraction(0))
    weights = " / ".join(str(x) for x in res.parameters.weights)
    s.title(
        "Bilaga 4. Fördelning av ekonomiska medel till primärvård i landsbygd",
        f"{_scenario_note(ctx.scenario)} W = viktad landsbygdsbefolkning med vikterna {weights} "
        "(tätortsnära / glesa / mycket glesa landsbygdskommuner, avsnitt 12).",
    )
    fractional = any(Fraction(v).denominator != 1 for v in w.values())
    labels = ["Region", "Utfall fördelningsnyckel (kronor)", "Viktad landsbygdsbefolkning W", "andel av ΣW"]
    if fractional:
        labels.append("W exakt")
    s.header(HEADER_ROW, labels, numeric=range(1, 4))
    regions = res.inputs.regions
    last = _FIRST + len(regions) - 1
    total_row = last + 1
    for i, region in enumerate(regions):
        row = _FIRST + i
        code = region.lan_code
        s.text(row, 0, region.lan)
        s.number(row, 1, part.amounts[code])
        s.number(row, 2, _display(w[code]), s.f.decimal)
        share = float(Fraction(w[code]) / total_w) if total_w else 0.0
        s.formula(
            row,
            3,
            f"=IF({_ref(total_row, 2, abs_row=True)}>0,{_ref(row, 2)}/{_ref(total_row, 2, abs_row=True)},0)",
            share,
            s.f.pct_fine,
        )
        if fractional:
            s.text(row, 4, str(Fraction(w[code])))
    s.text(total_row, 0, "Totalt", s.f.total_label)
    s.total(total_row, 1, _FIRST, last, sum(part.amounts.values()))
    s.total(total_row, 2, _FIRST, last, _display(total_w), s.f.total_decimal)
    s.total(total_row, 3, _FIRST, last, 1.0 if total_w else 0.0, s.f.total_pct)
    if fractional:
        s.text(total_row, 4, str(total_w), s.f.total_text)
    s.ws.freeze_panes(_FIRST, 1)


def _write_avsnitt11(s: _Sheet, ctx: _Context) -> None:
    """Avsnitt 11: every budget line, and the totals for the state, the regions and in all."""
    lines = ctx.result.budget
    s.title(
        "Avsnitt 11. Ekonomiska förutsättningar – överenskommelsens budgetrader",
        f"{_scenario_note(ctx.scenario)} Betalas av: Staten (11.2) eller Regionerna (egna medel, 11.1, 7.1).",
    )
    s.header(
        HEADER_ROW,
        [
            "Avsnitt",
            "Insats",
            "Mottagare",
            "Betalas av",
            "Belopp (kronor)",
            "Fördelas i",
            "Mottagargrupp (13.1)",
            "Parameter",
        ],
        numeric=[4],
    )
    last = _FIRST + len(lines) - 1
    for i, ln in enumerate(lines):
        row = _FIRST + i
        s.text(row, 0, ln.chapter)
        s.text(row, 1, ln.item)
        s.text(row, 2, ln.recipient)
        s.text(row, 3, _PAYERS[ln.payer])
        s.number(row, 4, ln.amount)
        s.text(row, 5, ln.allocated_in or "–")
        s.text(row, 6, _GROUPS[ln.group])
        s.text(row, 7, ln.parameter)
    payer_rng = _range(_FIRST, last, 3, absolute=True)
    group_rng = _range(_FIRST, last, 6, absolute=True)
    amount_rng = _range(_FIRST, last, 4, absolute=True)
    state = sum(ln.amount for ln in lines if ln.payer == "staten")
    own = sum(ln.amount for ln in lines if ln.payer == "regionerna")
    row = last + 1
    s.text(row, 1, "Totalt – Statens andel av överenskommelsen", s.f.total_label)
    s.formula(row, 4, f'=SUMIF({payer_rng},"Staten",{amount_rng})', state, s.f.total_amount)
    state_row = row
    row += 1
    s.text(row, 1, "Totalt – Regionernas andel av överenskommelsesatsningen", s.f.total_label)
    s.formula(row, 4, f'=SUMIF({payer_rng},"Regionerna",{amount_rng})', own, s.f.total_amount)
    row += 1
    s.text(row, 1, "Totalt", s.f.total_label)
    s.formula(row, 4, f"={_ref(state_row, 4)}+{_ref(state_row + 1, 4)}", state + own, s.f.total_amount)
    row += 2
    s.text(row, 1, "Av statens medel (avsnitt 13.1)", s.f.label)
    for group, label in _GROUPS.items():
        row += 1
        value = sum(ln.amount for ln in lines if ln.payer == "staten" and ln.group == group)
        s.text(row, 1, f"till {label.lower() if group != 'skr' else label}")
        s.formula(row, 4, f'=SUMIFS({amount_rng},{payer_rng},"Staten",{group_rng},"{label}")', value)
    s.ws.freeze_panes(_FIRST, 0)


def _write_per_capita(s: _Sheet, ctx: _Context, wb: Workbook, bilaga3: str) -> None:
    """Per invånare: bilaga 3 in kronor per inhabitant, as formulas on bilaga 3, with a chart."""
    rows = ctx.result.rows
    totals = ctx.result.totals()
    s.title(
        "Bilaga 3 per invånare: Nära vård och Ambulans i kronor per invånare",
        "Beräknat från bladet Bilaga 3 (formler). Kronor per invånare är avrundade för visning.",
    )
    s.header(
        HEADER_ROW,
        [
            "Region",
            "Befolkning november 2023",
            "Nära vård (kronor per invånare)",
            "Ambulans (kronor per invånare)",
            "Totalt (kronor per invånare)",
        ],
        numeric=range(1, 5),
    )
    last = _FIRST + len(rows) - 1
    total_row = last + 1

    def per(amount: int, population: int) -> float:
        return amount / population if population else 0.0

    def write_row(row: int, b3_row: int, pop: int, nv: int, amb: int, bold: bool) -> None:
        fmt = s.f.total_per_capita if bold else s.f.per_capita
        pop_ref = _ref(row, 1)
        s.formula(row, 1, f"={_ref(b3_row, 1, sheet=bilaga3)}", pop, s.f.total_amount if bold else s.f.count)
        s.formula(row, 2, f"=IF({pop_ref}>0,{_ref(b3_row, 2, sheet=bilaga3)}/{pop_ref},0)", per(nv, pop), fmt)
        s.formula(
            row, 3, f"=IF({pop_ref}>0,{_ref(b3_row, 3, sheet=bilaga3)}/{pop_ref},0)", per(amb, pop), fmt
        )
        s.formula(row, 4, f"={_ref(row, 2)}+{_ref(row, 3)}", per(nv, pop) + per(amb, pop), fmt)

    for i, r in enumerate(rows):
        row = _FIRST + i
        s.text(row, 0, r.region)
        write_row(row, row, r.population, r.nara_vard, r.ambulans, bold=False)
    s.text(total_row, 0, "Riket", s.f.total_label)
    write_row(total_row, total_row, totals["population"], totals["nara_vard"], totals["ambulans"], bold=True)
    s.ws.freeze_panes(_FIRST, 1)

    sheet = s.ws.get_name()
    chart = wb.add_chart({"type": "bar", "subtype": "stacked"})
    for col, color in ((2, "#4F81BD"), (3, "#C0504D")):
        chart.add_series(
            {
                "name": [sheet, HEADER_ROW, col],
                "categories": [sheet, _FIRST, 0, last, 0],
                "values": [sheet, _FIRST, col, last, col],
                "fill": {"color": color},
                "gap": 60,
            }
        )
    chart.set_title({"name": "Bilaga 3: kronor per invånare (Nära vård + Ambulans)"})
    chart.set_x_axis({"num_format": "#,##0", "major_gridlines": {"visible": True}})
    chart.set_y_axis({"reverse": True})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 760, "height": 560})
    s.ws.insert_chart(HEADER_ROW, 6, chart)


def _write_parts(s: _Sheet, ctx: _Context) -> None:
    """Delbelopp: each separately rounded part, with the exact share and the balancing kronor."""
    res = ctx.result
    names = {r.lan_code: r.lan for r in res.inputs.regions}
    s.title(
        "Delbelopp: varje separat avrundad del av bilaga 2–4",
        f"Varje del fördelas exakt efter sin vikt och avrundas för sig till hela kronor ({ROUNDING_RULE}); "
        "delarna summerar till sin budgetrad. Exakta andelar visas med fyra decimaler.",
    )
    s.header(
        HEADER_ROW,
        ["Del", "Länskod", "Län", "Vikt", "Exakt andel (kronor)", "Avrundat (kronor)", "Utjämningskrona"],
        numeric=range(3, 7),
    )
    row = HEADER_ROW
    for (column, part_name), label in _PART_LABELS.items():
        part = res.columns[column].parts[part_name]
        first = row + 1
        for code, amount in part.amounts.items():
            row += 1
            s.text(row, 0, label)
            s.text(row, 1, code)
            s.text(row, 2, names[code])
            s.number(row, 3, _display(part.weights[code]), s.f.decimal)
            s.number(row, 4, float(part.exact[code]), s.f.exact)
            s.number(row, 5, amount)
            s.number(row, 6, part.adjustment(code), s.f.count)
        row += 1
        s.text(row, 0, f"Summa: {label}", s.f.total_label)
        for col in (1, 2, 3):
            s.text(row, col, "", s.f.total_text, grow=False)
        s.total(row, 4, first, row - 1, float(part.total), s.f.total_decimal)
        s.total(row, 5, first, row - 1, part.total)
        s.total(row, 6, first, row - 1, sum(part.adjustment(c) for c in part.amounts))
        row += 1
    s.ws.freeze_panes(_FIRST, 0)


def _write_parameters(s: _Sheet, ctx: _Context) -> None:
    """Parametrar: every parameter with its value, the 2024 value, whether changed, and its source."""
    from .scenario import baseline

    sc = ctx.scenario
    base = baseline().parameters
    changes = sc.changes()
    s.title("Parametrar", f"{_scenario_note(sc)} Belopp i hela kronor; andelar och vikter som exakta bråk.")
    s.header(
        HEADER_ROW,
        ["Parameter", "Beskrivning", "Typ", "Exakt värde", "Värde", "Värde 2024", "Ändrad", "Källa"],
        numeric=[4, 5],
    )
    for i, (key, value) in enumerate(sc.parameters.as_dict().items()):
        row = _FIRST + i
        s.text(row, 0, key)
        s.text(row, 1, _PARAMETER_LABELS.get(key, key), s.f.wrap, grow=False)
        if key in AMOUNT_KEYS:
            kind, fmt = "belopp (kronor)", s.f.amount
        elif key in SHARE_KEYS:
            kind, fmt = "andel", s.f.pct_fine
        else:
            kind, fmt = "vikt", s.f.decimal
        s.text(row, 2, kind)
        if key not in AMOUNT_KEYS:
            s.text(row, 3, str(Fraction(value)))
        s.number(row, 4, _display(value), fmt)
        s.number(row, 5, _display(base[key]), fmt)
        if key in changes:
            s.text(row, 6, "ja", s.f.bad)
        s.text(row, 7, sc.sources.get(key, ""), s.f.wrap, grow=False)
    s.width(1, 48)
    s.width(7, 90)
    s.ws.freeze_panes(_FIRST, 1)


def _source_lines(name: str, user_path: Path | None) -> list[tuple[str, str]]:
    """Where one input came from: the shipped file's provenance, or the user's file path."""
    if user_path is not None:
        return [
            ("Fil", str(user_path)),
            ("Fullständig sökväg", str(Path(user_path).resolve())),
            ("Källa", "egen fil angiven av användaren (--population/--landsbygd eller scenariots [data])"),
        ]
    entry = source_of(name)
    out = [("Fil", f"data/{name} (levereras med verktyget)")]
    for key, label in (
        ("title", "Titel"),
        ("document", "Dokument"),
        ("table", "Tabell"),
        ("date", "Datum"),
        ("transcribed", "Anmärkning"),
    ):
        if entry.get(key):
            out.append((label, str(entry[key])))
    return out


def _write_inputs(s: _Sheet, ctx: _Context) -> None:
    """Underlag: population, HSL insatser and rural key per region, and where they came from."""
    res = ctx.result
    sc = ctx.scenario
    keys = {k.lan_code: k for k in res.inputs.rural_key}
    ref = " / ".join(str(x) for x in res.inputs.reference_weights)
    s.title(
        "Underlag: indata per län med källor",
        f"Landsbygdsnyckelns viktade summa avser referensvikterna {ref} "
        "(tätortsnära / glesa / mycket glesa).",
    )
    s.header(
        HEADER_ROW,
        [
            "Länskod",
            "Län",
            "Region",
            "Befolkning 1 nov 2023",
            "Antal individer med insatser (HSL)",
            "Landsbygd: tätortsnära (invånare)",
            "Landsbygd: glesa (invånare)",
            "Landsbygd: mycket glesa (invånare)",
            "Viktad summa (referensvikter)",
            "Landsbygdsnyckel: status",
        ],
        numeric=range(3, 9),
    )
    regions = res.inputs.regions
    last = _FIRST + len(regions) - 1
    for i, r in enumerate(regions):
        row = _FIRST + i
        key = keys[r.lan_code]
        s.text(row, 0, r.lan_code)
        s.text(row, 1, r.lan)
        s.text(row, 2, r.region)
        s.number(row, 3, r.population, s.f.count)
        s.number(row, 4, r.hsl_insatser, s.f.count)
        for col, value in ((5, key.tatortsnara), (6, key.gles), (7, key.mycket_gles), (8, key.vagd_summa)):
            if value is not None:
                s.number(row, col, value, s.f.count)
        s.text(row, 9, "kategorier kända" if key.categories_known else "endast viktad summa")
    total_row = last + 1
    s.text(total_row, 0, "Totalt", s.f.total_label)
    s.total(total_row, 3, _FIRST, last, sum(r.population for r in regions))
    s.total(total_row, 4, _FIRST, last, sum(r.hsl_insatser for r in regions))
    row = total_row + 2
    for heading, name, user in (
        ("Källa: befolkning och HSL-insatser", POPULATION_FILE, sc.population),
        ("Källa: landsbygdsnyckel", LANDSBYGD_FILE, sc.landsbygd),
    ):
        s.text(row, 0, heading, s.f.label, grow=False)
        for label, value in _source_lines(name, user):
            row += 1
            s.text(row, 0, label)
            s.text(row, 1, value, grow=False)
        row += 2
    s.ws.freeze_panes(_FIRST, 2)


def _write_reconciliation(s: _Sheet, ctx: _Context) -> None:
    """Avstämning: every cell against the official 2024 tables, the column sums and the stated totals.

    Every table on the sheet keeps its kronor in columns E–G, so the columns fit them all.
    """
    rec = ctx.reconciliation
    cells = rec.cells
    note = " ".join(rec.notes) or "Scenariot är överenskommelsen som undertecknad."
    s.title("Avstämning mot överenskommelsens tabeller (bilaga 2–4, avsnitt 1.2, 11 och 13.1)", note)
    # The summary block (rows 4–9, values in column E) refers to the cell table below it.
    head = _CHECK_HEADER_ROW
    first = head + 1
    last = head + len(cells)
    dev = _range(first, last, 6, absolute=True)
    worst = rec.worst
    sums_ok = all(a == b for a, b in rec.column_sums.values())
    summary: list[tuple[str, Callable[[int], None]]] = [
        ("Jämförda belopp", lambda r: s.number(r, 4, len(cells), s.f.count)),
        ("Exakt lika", lambda r: s.formula(r, 4, f"=COUNTIF({dev},0)", rec.exact, s.f.count)),
        (
            f"Inom {rec.tolerance} kr",
            lambda r: s.formula(
                r,
                4,
                f'=COUNTIFS({dev},">=-{rec.tolerance}",{dev},"<={rec.tolerance}")',
                rec.within_tolerance,
                s.f.count,
            ),
        ),
        ("Största avvikelse (kronor)", lambda r: s.number(r, 4, worst.deviation if worst else 0, s.f.count)),
        (
            "Kolumnsummor lika med budgetraden",
            lambda r: s.text(r, 4, "ja" if sums_ok else "nej", s.f.right, grow=False),
        ),
        (
            "Angivna totaler som följer av posterna",
            lambda r: s.text(
                r, 4, f"{sum(t.ok for t in rec.totals)} av {len(rec.totals)}", s.f.right, grow=False
            ),
        ),
    ]
    for i, (label, write) in enumerate(summary):
        s.text(3 + i, 0, label, s.f.label, grow=False)
        write(3 + i)
    if worst is not None:
        s.text(
            6, 5, f"{worst.bilaga} {_CHECK_COLUMNS[worst.column]}, {worst.lan_code} {worst.name}", grow=False
        )
    s.text(head - 1, 0, "Belopp för belopp", s.f.label, grow=False)
    s.header(
        head,
        [
            "Bilaga",
            "Kolumn",
            "Länskod",
            "Län / region",
            "Officiellt (kronor)",
            "Beräknat (kronor)",
            "Avvikelse (kronor)",
            "Exakt andel (kronor)",
            "Förklaring",
        ],
        numeric=range(4, 8),
    )
    for i, c in enumerate(cells):
        row = first + i
        s.text(row, 0, c.bilaga)
        s.text(row, 1, _CHECK_COLUMNS.get(c.column, c.column))
        s.text(row, 2, c.lan_code)
        s.text(row, 3, c.name)
        s.number(row, 4, c.official)
        s.number(row, 5, c.computed)
        s.formula(
            row, 6, f"={_ref(row, 5)}-{_ref(row, 4)}", c.deviation, s.f.count if c.deviation == 0 else s.f.bad
        )
        s.number(row, 7, float(c.exact), s.f.exact)
        s.text(row, 8, c.reason, s.f.wrap, grow=False)
    row = last + 1
    s.text(row, 0, "Totalt", s.f.total_label)
    s.total(row, 4, first, last, sum(c.official for c in cells))
    s.total(row, 5, first, last, sum(c.computed for c in cells))
    s.total(row, 6, first, last, sum(c.deviation for c in cells))

    row += 3
    s.text(row, 0, "Kolumnsummor mot budgetraderna", s.f.label, grow=False)
    row += 1
    s.header(
        row,
        [
            "Bilaga",
            "Kolumn",
            "",
            "Kolumn i CSV",
            "Summa (kronor)",
            "Budgetrad (kronor)",
            "Differens (kronor)",
        ],
        numeric=[4, 5, 6],
    )
    for name, (total, budget) in rec.column_sums.items():
        row += 1
        bilaga, label = _SUM_LABELS.get(name, ("", name))
        s.text(row, 0, bilaga)
        s.text(row, 1, label)
        s.text(row, 3, name)
        s.number(row, 4, total)
        s.number(row, 5, budget)
        s.formula(row, 6, f"={_ref(row, 4)}-{_ref(row, 5)}", total - budget, s.f.count)

    row += 3
    s.text(row, 0, "Angivna totaler: överenskommelsens egna summor mot posterna", s.f.label, grow=False)
    row += 1
    s.header(
        row,
        [
            "Avsnitt",
            "Id",
            "Stämmer",
            "Påstående",
            "Angivet (kronor)",
            "Härlett (kronor)",
            "Differens (kronor)",
        ],
        numeric=[4, 5, 6],
    )
    for t in rec.totals:
        row += 1
        s.text(row, 0, t.section)
        s.text(row, 1, t.id)
        s.text(row, 2, "ja" if t.ok else "nej", s.f.ok if t.ok else s.f.bad)
        s.text(row, 3, t.statement, s.f.wrap, grow=False)
        s.number(row, 4, t.stated)
        s.number(row, 5, t.derived)
        s.formula(row, 6, f"={_ref(row, 5)}-{_ref(row, 4)}", t.derived - t.stated, s.f.count)

    if rec.input_mismatches:
        row += 3
        s.text(row, 0, "Indata som skiljer sig från överenskommelsens tabeller", s.f.label, grow=False)
        for text in rec.input_mismatches:
            row += 1
            s.text(row, 0, text, grow=False)

    row += 3
    s.text(
        row, 0, "Avrundningsregler: antal belopp lika med överenskommelsens tabeller", s.f.label, grow=False
    )
    row += 1
    s.header(
        row,
        ["Regel", "Beskrivning", "Bilaga 2", "Bilaga 3 Nära vård", "Bilaga 3 Ambulans", "Bilaga 4", "Totalt"],
        numeric=range(2, 7),
    )
    for score in rec.rules:
        row += 1
        s.text(row, 0, score.rule)
        s.text(row, 1, score.description, s.f.wrap, grow=False)
        for j, c in enumerate(("kommuner", "nara_vard", "ambulans", "landsbygd")):
            s.number(row, 2 + j, score.exact_by_column.get(c, 0), s.f.count)
        s.formula(row, 6, f"=SUM({_ref(row, 2)}:{_ref(row, 5)})", score.exact, s.f.count)
    s.width(3, 40)
    s.width(8, 100)
    s.ws.freeze_panes(first, 0)


# --------------------------------------------------------------------------------------------
# The workbook
# --------------------------------------------------------------------------------------------


def _check_exact(alloc: Allocation) -> None:
    """Refuse amounts that an Excel cell (15 significant digits) cannot hold to the krona."""
    too_big = {
        k: v
        for k, v in alloc.scenario.parameters.as_dict().items()
        if k in AMOUNT_KEYS and abs(int(v)) > MAX_EXACT_KRONOR
    }
    if too_big:
        shown = ", ".join(f"{k} = {v}" for k, v in too_big.items())
        raise ExportError(f"amounts above {MAX_EXACT_KRONOR} kr cannot be stored exactly in Excel: {shown}")


def write_workbook(
    allocation: Allocation,
    target: str | os.PathLike[str] | IO[bytes],
    *,
    created: datetime | None = None,
) -> None:
    """Write the workbook for ``allocation`` to ``target`` (a path or a binary file object).

    This writes in place and is not atomic; use ``export_workbook`` for files. ``created`` is
    the time shown on the cover (default: now, local time).
    """
    import xlsxwriter

    from .check import reconcile

    _check_exact(allocation)
    ctx = _Context(
        allocation=allocation,
        reconciliation=reconcile(allocation.result, is_baseline=allocation.scenario.is_baseline),
        created=created or datetime.now().astimezone(),
    )
    options = {
        "in_memory": True,
        "strings_to_numbers": False,
        "strings_to_formulas": False,
        "strings_to_urls": False,
    }
    wb = xlsxwriter.Workbook(target if not isinstance(target, os.PathLike) else os.fspath(target), options)
    try:
        formats = _Formats.create(wb)
        sheets = {name: _Sheet(wb.add_worksheet(name), formats) for name in SHEETS}
        _write_cover(sheets["Översikt"], ctx)
        _write_bilaga2(sheets["Bilaga 2"], ctx)
        _write_bilaga3(sheets["Bilaga 3"], ctx)
        _write_bilaga4(sheets["Bilaga 4"], ctx)
        _write_avsnitt11(sheets["Avsnitt 11"], ctx)
        _write_per_capita(sheets["Per invånare"], ctx, wb, "Bilaga 3")
        _write_parts(sheets["Delbelopp"], ctx)
        _write_parameters(sheets["Parametrar"], ctx)
        _write_inputs(sheets["Underlag"], ctx)
        _write_reconciliation(sheets["Avstämning"], ctx)
        for sheet in sheets.values():
            sheet.finish()
            sheet.ws.set_landscape()
            sheet.ws.set_paper(9)  # A4
            sheet.ws.fit_to_pages(1, 0)
            sheet.ws.repeat_rows(HEADER_ROW)
        sheets["Översikt"].ws.repeat_rows(0)
        sheets["Avstämning"].ws.repeat_rows(_CHECK_HEADER_ROW)
        sheets["Översikt"].ws.activate()
        wb.set_properties(
            {
                "title": "God och nära vård 2024 – fördelning",
                "subject": AGREEMENT,
                "author": f"godnaravard {__version__}",
                "comments": _scenario_note(allocation.scenario),
                "created": ctx.created.replace(tzinfo=None),
            }
        )
    finally:
        wb.close()


def export_workbook(
    allocation: Allocation,
    path: str | os.PathLike[str],
    force: bool = False,
    *,
    created: datetime | None = None,
) -> Path:
    """Write the allocation as an Excel workbook at ``path``, atomically.

    Args:
        allocation: from ``godnaravard.allocate(...)``.
        path: the ``.xlsx`` file to create.
        force: replace ``path`` if it exists (otherwise ``OutputExistsError`` and the file is
            left untouched).
        created: the time shown on the cover (default: now).

    Returns:
        The path written.

    Raises:
        godnaravard.atomic.OutputExistsError: ``path`` exists and ``force`` is false.
        OSError: the file cannot be written; nothing is left behind.
        ExportError: an amount is too large to be stored exactly in Excel.
    """
    _check_exact(allocation)
    return atomic_write(path, lambda tmp: write_workbook(allocation, tmp, created=created), force=force)
