"""Shared pieces of the workbook: cell references, the cell formats, and a typed sheet writer.

Every cell goes through ``Sheet.text`` (``write_string``), ``Sheet.number`` (``write_number``)
or ``Sheet.formula`` (``write_formula`` with the value the tool computed), never through
xlsxwriter's guessing ``write``: a text that starts with ``=``, ``+``, ``-`` or ``@`` stays text.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from xlsxwriter.format import Format
    from xlsxwriter.workbook import Workbook
    from xlsxwriter.worksheet import Worksheet

__all__ = [
    "FIRST",
    "HEADER_ROW",
    "MAX_EXACT_KRONOR",
    "ExportError",
    "Formats",
    "Sheet",
    "col_letter",
    "display",
    "quote_sheet",
    "range_ref",
    "ref",
    "sheet_name",
]

#: 0-based row of the column headings on every table sheet (row 1 title, row 2 note, row 3 empty).
HEADER_ROW = 3
#: 0-based row of the first data row below the headings.
FIRST = HEADER_ROW + 1

#: Excel holds 15 significant digits; larger amounts would not be exact to the krona.
MAX_EXACT_KRONOR = 10**15 - 1

#: Characters Excel does not allow in a sheet name, and its longest sheet name.
_BAD_SHEET_CHARS = "[]:*?/\\"
_MAX_SHEET_NAME = 31


class ExportError(ValueError):
    """The allocation cannot be written to a workbook exactly (e.g. an amount beyond Excel's precision)."""


# --------------------------------------------------------------------------------------------
# References


def col_letter(col: int) -> str:
    """Column letters of a 0-based column index (0 → A, 26 → AA)."""
    name = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        name = chr(65 + rem) + name
    return name


def quote_sheet(sheet: str) -> str:
    """A sheet name as it appears in a reference: quoted, with any apostrophe doubled."""
    return "'" + sheet.replace("'", "''") + "'"


def ref(row: int, col: int, *, abs_row: bool = False, sheet: str | None = None) -> str:
    """An A1 reference to a 0-based cell, optionally with ``$`` on the row and a sheet name."""
    text = f"{col_letter(col)}{'$' if abs_row else ''}{row + 1}"
    return f"{quote_sheet(sheet)}!{text}" if sheet else text


def range_ref(
    first_row: int, last_row: int, col: int, *, absolute: bool = False, sheet: str | None = None
) -> str:
    """An A1 range of one column, e.g. ``C5:C25`` (or ``'Blad'!$C$5:$C$25``)."""
    d = "$" if absolute else ""
    rng = f"{d}{col_letter(col)}{d}{first_row + 1}:{d}{col_letter(col)}{d}{last_row + 1}"
    return f"{quote_sheet(sheet)}!{rng}" if sheet else rng


def sheet_name(label: str, taken: Iterable[str]) -> str:
    """A valid, unused sheet name for ``label``: no ``[]:*?/\\``, at most 31 characters.

    Excel compares sheet names without regard to case; a clash gets `` (2)``, `` (3)`` … .
    """
    clean = "".join(" " if ch in _BAD_SHEET_CHARS else ch for ch in label)
    clean = " ".join(clean.split()).strip("'").strip() or "Tabell"
    clean = clean[:_MAX_SHEET_NAME].rstrip()
    used = {t.casefold() for t in taken}
    name, n = clean, 1
    while name.casefold() in used or name.casefold() == "history":
        n += 1
        suffix = f" ({n})"
        name = clean[: _MAX_SHEET_NAME - len(suffix)].rstrip() + suffix
    return name


def display(value: Fraction | int) -> float | int:
    """A number for a cell: an int when whole (exact), else a float (display only)."""
    f = Fraction(value)
    return int(f) if f.denominator == 1 else float(f)


# --------------------------------------------------------------------------------------------
# Formats


@dataclass
class Formats:
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
    def create(cls, wb: Workbook) -> Formats:
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


# --------------------------------------------------------------------------------------------
# The sheet writer


def _check_exact(value: int | float) -> None:
    if isinstance(value, int) and abs(value) > MAX_EXACT_KRONOR:
        raise ExportError(f"{value} is too large for an Excel cell to hold exactly")


def _shown_width(value: int | float) -> int:
    return len(f"{value:,.2f}" if isinstance(value, float) else f"{value:,}") + 2


@dataclass
class Sheet:
    """A worksheet with typed writers that also track column widths."""

    ws: Worksheet
    f: Formats
    widths: dict[int, float] = field(default_factory=dict)
    fixed: dict[int, float] = field(default_factory=dict)
    wrapped: list[tuple[int, int, str, float]] = field(default_factory=list)

    @property
    def name(self) -> str:
        """The sheet's name."""
        return str(self.ws.get_name())

    def grow(self, col: int, width: float) -> None:
        """Make column ``col`` at least ``width`` wide (before the maximum of ``finish``)."""
        self.widths[col] = max(self.widths.get(col, 0.0), width)

    def text(self, row: int, col: int, value: str, fmt: Format | None = None, *, grow: bool = True) -> None:
        """A text cell; never interpreted as a formula, number or link."""
        self.ws.write_string(row, col, value, fmt if fmt is not None else self.f.text)
        if fmt is self.f.wrap:
            self.wrapped.append((row, col, value, 1.2))
        if grow:
            self.grow(col, len(value) + 1)

    def number(self, row: int, col: int, value: int | float, fmt: Format | None = None) -> None:
        """A number cell (kronor are ints; floats only for display)."""
        _check_exact(value)
        self.ws.write_number(row, col, value, fmt if fmt is not None else self.f.amount)
        self.grow(col, _shown_width(value))

    def formula(
        self, row: int, col: int, formula: str, value: int | float, fmt: Format | None = None
    ) -> None:
        """A live formula that carries the value the tool computed."""
        _check_exact(value)
        self.ws.write_formula(row, col, formula, fmt if fmt is not None else self.f.amount, value)
        self.grow(col, _shown_width(value))

    def total(
        self, row: int, col: int, first: int, last: int, value: int | float, fmt: Format | None = None
    ) -> None:
        """``=SUM(first:last)`` of one column, with its computed value."""
        self.formula(row, col, f"=SUM({range_ref(first, last, col)})", value, fmt or self.f.total_amount)

    def header(self, row: int, labels: Sequence[str], col0: int = 0, numeric: Iterable[int] = ()) -> None:
        """Column headings (wrapped); ``numeric`` columns are right-aligned."""
        num = set(numeric)
        for i, label in enumerate(labels):
            self.ws.write_string(
                row, col0 + i, label, self.f.header_num if col0 + i in num else self.f.header
            )
            self.wrapped.append((row, col0 + i, label, 0.95))
            longest_word = max((len(w) for w in label.split()), default=0)
            self.grow(col0 + i, min(max(longest_word + 2, len(label) / 2 + 1), 24))

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
            n = wrapped_lines(text, final.get(col, 8.43) * chars_per_unit)
            lines[row] = max(lines.get(row, 1), n)
        for row, n in lines.items():
            if n > 1:
                self.ws.set_row(row, 15 * n)


def wrapped_lines(text: str, chars: float) -> int:
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
