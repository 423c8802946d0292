"""Shared pieces of the workbook: cell references, the cell formats, and a typed sheet writer.

Every cell goes through ``Sheet.text`` (``write_string``), ``Sheet.number`` (``write_number``)
or ``Sheet.formula`` (``write_formula`` with the value the tool computed), never through
xlsxwriter's guessing ``write``: a text that starts with ``=``, ``+``, ``-`` or ``@`` stays text.

The writer also keeps what printing needs (``printing``): the table's width (the columns its
cells use), the row heights it set, the blocks of rows that must stay on one page, and the
sheet's title and note, which ``finish`` writes across the table's width, wrapped.

Widths and wrapping are measured in the font's own advance widths (``text_units``): a table of
Calibri's metrics (Carlito, its metric twin) and DejaVu Sans (what LibreOffice uses where neither is
installed), regular and bold, the wider of the two for each character, in units of a digit, the
unit of a column's width. A column is made at least as wide as its longest word, wrapped text is
given the rows it needs, and a text that would be clipped by its neighbour is wrapped instead.

Number formats are the locale-neutral codes of the file format: ``#,##0`` is shown with the
reader's thousands separator (``2 420 000 000`` in Swedish Excel and LibreOffice), and no format
ends in optional decimals (``#,##0.####`` shows ``124 964,`` in Excel).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from .fonts import PAD as _PAD
from .fonts import longest_word, text_units, wrapped_lines
from .fonts import shown_width as _shown_width
from .fonts import style as _style
from .sheetnames import sheet_name

if TYPE_CHECKING:
    from datetime import datetime

    from xlsxwriter.format import Format
    from xlsxwriter.workbook import Workbook
    from xlsxwriter.worksheet import Worksheet

__all__ = [
    "FIRST",
    "HEADER_ROW",
    "MAX_EXACT_KRONOR",
    "OK",
    "ExportError",
    "Formats",
    "MAX_COLS",
    "MAX_ROWS",
    "Sheet",
    "cell_text",
    "check_cell",
    "col_letter",
    "display",
    "formula_text",
    "quote_sheet",
    "range_ref",
    "ref",
    "sheet_name",
    "text_units",
    "wrapped_lines",
]

#: 0-based row of the column headings on every table sheet (row 1 title, row 2 note, row 3 empty).
HEADER_ROW = 3
#: 0-based row of the first data row below the headings.
FIRST = HEADER_ROW + 1

#: Excel holds 15 significant digits; larger amounts would not be exact to the krona.
MAX_EXACT_KRONOR = 10**15 - 1

#: What a check cell says when all is well; anything else starts with "fel".
OK = "stämmer"

#: Excel's grid: its columns and rows (xlsxwriter drops a cell beyond them without a word; ``check_cell``).
MAX_COLS = 16_384
MAX_ROWS = 1_048_576

#: The least width, in units, over which a sheet's title and notes are written (wider than a narrow table).
SPAN_UNITS = 100

#: The widest a sheet's printed columns may be together, in units: an A4 landscape page less its side
#: margins (784 points) at the smallest scale (70 %), in DejaVu Sans (about 9.3 pixels a unit); each
#: column also takes about 1.3 units of padding (``PAGE_UNITS - 1.3 × columns``). Measured: nine columns
#: of 150 units together print on one page width with LibreOffice and DejaVu Sans, of 154 they do not.
PAGE_UNITS = 162.0

#: Points per row of the default height, and of the title row.
ROW_PT = 15.0
TITLE_PT = 21.0



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


def ref(row: int, col: int, *, abs_row: bool = False, abs_col: bool = False, sheet: str | None = None) -> str:
    """An A1 reference to a 0-based cell, optionally with ``$`` on the row or column and a sheet name."""
    text = f"{'$' if abs_col else ''}{col_letter(col)}{'$' if abs_row else ''}{row + 1}"
    return f"{quote_sheet(sheet)}!{text}" if sheet else text


def range_ref(
    first_row: int, last_row: int, col: int, *, absolute: bool = False, sheet: str | None = None
) -> str:
    """An A1 range of one column, e.g. ``C5:C25`` (or ``'Blad'!$C$5:$C$25``)."""
    d = "$" if absolute else ""
    rng = f"{d}{col_letter(col)}{d}{first_row + 1}:{d}{col_letter(col)}{d}{last_row + 1}"
    return f"{quote_sheet(sheet)}!{rng}" if sheet else rng


def display(value: Fraction | int) -> float | int:
    """A number for a cell: an int when whole (exact), else a float (display only)."""
    f = Fraction(value)
    return int(f) if f.denominator == 1 else float(f)


def formula_text(text: str) -> str:
    """A text as a formula string literal (quotes doubled; Excel allows 255 characters a literal)."""
    chunks = [text[i : i + 250] for i in range(0, len(text), 250)] or [""]
    return "&".join('"' + c.replace('"', '""') + '"' for c in chunks)


# --------------------------------------------------------------------------------------------
# Formats


@dataclass
class Formats:
    """The cell formats of the workbook, created once."""

    title: Format
    note: Format
    banner: Format
    label: Format
    header: Format
    header_num: Format
    text: Format
    right: Format
    wrap: Format
    amount: Format
    count: Format
    pct: Format
    decimal: Format
    weight: Format
    exact: Format
    per_capita: Format
    date: Format
    input_amount: Format
    input_share: Format
    input_weight: Format
    marked: Format
    check: Format
    label_wrap: Format
    total_label: Format
    total_wrap: Format
    total_text: Format
    total_amount: Format
    total_pct: Format
    total_decimal: Format
    total_per_capita: Format
    link: Format
    ok: Format
    bad: Format
    bad_amount: Format

    @classmethod
    def create(cls, wb: Workbook) -> Formats:
        """Define every format on ``wb``."""
        head = {"bold": True, "bg_color": "#DCE6F1", "bottom": 1, "text_wrap": True, "valign": "bottom"}
        total = {"bold": True, "top": 1, "bottom": 6}
        entry = {"bg_color": "#FFF2CC", "border": 1, "border_color": "#BF9000", "valign": "top"}

        def fmt(**props: Any) -> Format:
            return wb.add_format(props)

        return cls(
            title=fmt(bold=True, font_size=14, text_wrap=True, valign="top"),
            note=fmt(italic=True, font_color="#505050", text_wrap=True, valign="top"),
            banner=fmt(bold=True, font_size=12, font_color="#9C0006", bg_color="#FFC7CE", text_wrap=True,
                       valign="top", border=2, border_color="#9C0006"),
            label=fmt(bold=True, valign="top"),
            header=fmt(**head),
            header_num=fmt(**head, align="right"),
            text=fmt(valign="top"),
            right=fmt(align="right", valign="top"),
            wrap=fmt(text_wrap=True, valign="top"),
            amount=fmt(num_format="#,##0", valign="top"),
            count=fmt(num_format="#,##0", valign="top"),
            pct=fmt(num_format="0.00%", valign="top"),
            decimal=fmt(num_format="#,##0.00", valign="top"),
            weight=fmt(num_format="General", valign="top"),
            exact=fmt(num_format="#,##0.0000", valign="top"),
            per_capita=fmt(num_format="#,##0.00", valign="top"),
            date=fmt(num_format="yyyy-mm-dd hh:mm", align="left", valign="top"),
            input_amount=fmt(**entry, num_format="#,##0"),
            input_share=fmt(**entry, num_format="0.00%"),
            input_weight=fmt(**entry, num_format="General"),
            marked=fmt(num_format="#,##0", valign="top", bg_color="#FCE4D6", italic=True),
            check=fmt(valign="top", text_wrap=True),
            label_wrap=fmt(bold=True, valign="top", text_wrap=True),
            total_label=fmt(**total),
            total_wrap=fmt(**total, text_wrap=True, valign="top"),
            total_text=fmt(**total),
            total_amount=fmt(**total, num_format="#,##0"),
            total_pct=fmt(**total, num_format="0.00%"),
            total_decimal=fmt(**total, num_format="#,##0.00"),
            total_per_capita=fmt(**total, num_format="#,##0.00"),
            link=fmt(font_color="blue", underline=1),
            ok=fmt(font_color="#006100", bg_color="#C6EFCE", valign="top"),
            bad=fmt(font_color="#9C0006", bg_color="#FFC7CE", valign="top"),
            bad_amount=fmt(font_color="#9C0006", bg_color="#FFC7CE", num_format="#,##0", valign="top"),
        )


# --------------------------------------------------------------------------------------------
# The sheet writer


#: The most characters a cell holds (Excel: 32 767 UTF-16 units); a longer text is cut where this says.
CELL_CHARS = 32_000


def cell_text(text: str) -> str:
    """A text for a cell, cut visibly (``… (N tecken till)``) where Excel could not hold it (xlsxwriter cuts silently)."""
    if len(text) <= CELL_CHARS // 2 or len(text.encode("utf-16-le")) // 2 <= CELL_CHARS:
        return text
    return text[: CELL_CHARS // 2] + f" … ({len(text) - CELL_CHARS // 2} tecken till)"


def check_cell(sheet: str, row: int, col: int) -> None:
    """Refuse a cell outside Excel's grid (issue 17, §1: never a silently dropped column)."""
    if not (0 <= row < MAX_ROWS and 0 <= col < MAX_COLS):
        raise ExportError(f"sheet {sheet!r} would need the cell at row {row + 1}, column {col + 1}: beyond Excel's "
                          f"{MAX_ROWS} rows and {MAX_COLS} columns")


def _check_exact(value: int | float | str) -> None:
    if isinstance(value, int) and abs(value) > MAX_EXACT_KRONOR:
        shown = str(value) if len(str(value)) <= 30 else f"an integer of {len(str(abs(value)))} digits"
        raise ExportError(f"{shown} is too large for an Excel cell to hold exactly")


@dataclass
class Sheet:
    """A worksheet with typed writers that also track column widths and what printing needs."""

    ws: Worksheet
    f: Formats
    widths: dict[int, float] = field(default_factory=dict)
    fixed: dict[int, float] = field(default_factory=dict)
    #: The narrowest each column may be: its widest number, its longest word of a wrapped text.
    need: dict[int, float] = field(default_factory=dict)
    wrapped: list[tuple[int, int, int, str, Format | None]] = field(default_factory=list)
    #: Texts that may run on into empty cells to their right (checked by ``finish``).
    overflow: list[tuple[int, int, str, Format | None]] = field(default_factory=list)
    #: Every cell written, by (row, column); merged ranges by their first cell and width.
    filled: set[tuple[int, int]] = field(default_factory=set)
    heights: dict[int, float] = field(default_factory=dict)
    blocks: list[tuple[int, int]] = field(default_factory=list)
    checks: list[tuple[int, int]] = field(default_factory=list)
    spans: list[tuple[int, str | tuple[str, str], Format]] = field(default_factory=list)
    charts: list[tuple[int, float]] = field(default_factory=list)
    #: The rightmost column of the sheet's tables (its printed width), and its last row.
    last_col: int = 0
    last_row: int = 0
    #: The heading row repeated on every printed page while the table it heads runs on.
    repeat: tuple[int, int] | None = None
    #: The workbook's status for the title row (``Context.status``: a formula and its value), if any.
    status: tuple[str, str] | None = None
    #: The scenario's words (``Context.scenario_words``): moved from the title to the note under it.
    scenario: str = ""

    @property
    def name(self) -> str:
        """The sheet's name."""
        return str(self.ws.get_name())

    def _used(self, row: int, col: int, last: int | None = None) -> None:
        check_cell(self.name, row, col if last is None else last)
        self.last_col = max(self.last_col, col if last is None else last)
        self.last_row = max(self.last_row, row)
        for c in range(col, (col if last is None else last) + 1):
            self.filled.add((row, c))

    def grow(self, col: int, width: float) -> None:
        """Make column ``col`` at least ``width`` wide (before the maximum of ``finish``)."""
        self.widths[col] = max(self.widths.get(col, 0.0), width)

    def at_least(self, col: int, width: float) -> None:
        """Column ``col`` may never be narrower than ``width`` (not even a fixed width)."""
        self.need[col] = max(self.need.get(col, 0.0), width)

    def _wraps(self, fmt: Format | None) -> bool:
        return bool(fmt is not None and getattr(fmt, "text_wrap", 0))

    def text(self, row: int, col: int, value: str, fmt: Format | None = None, *, grow: bool = True) -> None:
        """A text cell; never interpreted as a formula, number or link."""
        fmt = fmt if fmt is not None else self.f.text
        value = cell_text(value)
        self.ws.write_string(row, col, value, fmt)
        self._used(row, col)
        bold, size = _style(fmt)
        if self._wraps(fmt):
            self.wrapped.append((row, col, col, value, fmt))
            self.at_least(col, longest_word(value, bold, size) + _PAD)
        else:
            self.overflow.append((row, col, value, fmt))
        if grow:
            self.grow(col, text_units(value, bold, size) + _PAD)
            if not self._wraps(fmt):  # a text on one line in a table column keeps its room
                self.at_least(col, min(text_units(value, bold, size) + _PAD, 60))

    def number(self, row: int, col: int, value: int | float, fmt: Format | None = None) -> None:
        """A number cell (kronor are ints; floats only for display)."""
        _check_exact(value)
        fmt = fmt if fmt is not None else self.f.amount
        self.ws.write_number(row, col, value, fmt)
        self._used(row, col)
        self.grow(col, _shown_width(value, fmt))
        self.at_least(col, _shown_width(value, fmt))

    def formula(
        self, row: int, col: int, formula: str, value: int | float | str, fmt: Format | None = None,
        *, grow: bool = True,
    ) -> None:
        """A live formula that carries the value the tool computed (a number, or a text)."""
        _check_exact(value)
        fmt = fmt if fmt is not None else self.f.amount
        self.ws.write_formula(row, col, formula, fmt, value)
        self._used(row, col)
        if isinstance(value, str):
            bold, size = _style(fmt)
            if self._wraps(fmt):
                self.wrapped.append((row, col, col, value, fmt))
                self.at_least(col, longest_word(value, bold, size) + _PAD)
            if grow:
                self.grow(col, text_units(value, bold, size) + _PAD)
        else:
            self.at_least(col, _shown_width(value, fmt))
            if grow:
                self.grow(col, _shown_width(value, fmt))

    def check(self, row: int, col: int, formula: str, value: str, *, span: int = 0) -> None:
        """A check cell: a formula that says ``stämmer`` or ``fel: …``, green or red as it says.

        With ``span``, the cell is merged with the ``span`` cells to its right (a long message).
        """
        if span:
            self.ws.merge_range(row, col, row, col + span, "", self.f.check)
        self.ws.write_formula(row, col, formula, self.f.check, value)
        self._used(row, col, col + span)
        self.wrapped.append((row, col, col + span, value, self.f.check))
        self.checks.append((row, col))
        if not span:
            self.grow(col, min(text_units(value) + _PAD, 30))
            self.at_least(col, longest_word(value) + _PAD)

    def date(self, row: int, col: int, value: datetime) -> None:
        """A real date and time (Excel's serial date), shown as ``yyyy-mm-dd hh:mm``."""
        self.ws.write_datetime(row, col, value.replace(tzinfo=None), self.f.date)
        self._used(row, col)
        self.at_least(col, text_units("0000-00-00 00:00") + _PAD)

    def total(
        self, row: int, col: int, first: int, last: int, value: int | float, fmt: Format | None = None
    ) -> None:
        """``=SUM(first:last)`` of one column, with its computed value."""
        self.formula(row, col, f"=SUM({range_ref(first, last, col)})", value, fmt or self.f.total_amount)

    def header(self, row: int, labels: Sequence[str], col0: int = 0, numeric: Iterable[int] = ()) -> None:
        """Column headings (wrapped at words, never inside one); ``numeric`` columns are right-aligned."""
        num = set(numeric)
        for i, label in enumerate(labels):
            fmt = self.f.header_num if col0 + i in num else self.f.header
            label = cell_text(label)
            self.ws.write_string(row, col0 + i, label, fmt)
            self._used(row, col0 + i)
            self.wrapped.append((row, col0 + i, col0 + i, label, fmt))
            word = longest_word(label, True)
            self.at_least(col0 + i, word + _PAD)
            self.grow(col0 + i, min(max(word + _PAD, text_units(label, True) / 2 + 1), 24))

    def title(self, title: str, note: str | tuple[str, str] = "", second: str | tuple[str, str] = "") -> None:
        """Row 1: the sheet's title; row 2: a note (the scenario, how the sheet is computed); row 3 a second one.

        All are written by ``finish`` across the table's width, wrapped. A note may be a
        ``(formula, text)`` pair: a live text with the value the tool computed. With a ``status``
        (``Context.status``), the title row is a formula: the title, a dash and the live status
        ("Enligt överenskommelsen" or "Ändrad i arbetsboken: …"). The scenario's words, which
        carry the user's text, are never put in a formula: they move to the note as text.
        """
        if self.status is not None:
            words = f" – {self.scenario}" if self.scenario else ""
            if words and title.endswith(words):
                title = title[: -len(words)]
                lead = self.scenario + "."
                if not note:
                    note = lead
                elif isinstance(note, str):
                    note = f"{lead} {note}"
                elif not second:
                    note, second = lead, note
            formula, value = self.status
            self.spans.append((0, (f"={formula_text(title + ' – ')}&{formula.removeprefix('=')}",
                                   f"{title} – {value}"), self.f.title))
        else:
            self.spans.append((0, title, self.f.title))
        if note:
            self.spans.append((1, note, self.f.note))
        if second:
            self.spans.append((2, second, self.f.note))

    def span(self, row: int, value: str | tuple[str, str], fmt: Format | None = None) -> None:
        """A text (or ``(formula, text)``) written by ``finish`` across the table's width, wrapped."""
        self.spans.append((row, value, fmt or self.f.note))
        self.last_row = max(self.last_row, row)

    def merged(self, row: int, first_col: int, last_col: int, value: str, fmt: Format | None = None) -> None:
        """A long text over columns ``first_col``–``last_col``, wrapped (its row grows to fit)."""
        fmt = fmt or self.f.wrap
        value = cell_text(value)
        if last_col > first_col:
            self.ws.merge_range(row, first_col, row, last_col, "", fmt)
        self.ws.write_string(row, first_col, value, fmt)
        self._used(row, first_col, last_col)
        self.wrapped.append((row, first_col, last_col, value, fmt))

    def header_span(self, row: int, first_col: int, last_col: int, label: str) -> None:
        """One heading over columns ``first_col``–``last_col`` (merged)."""
        self.ws.merge_range(row, first_col, row, last_col, label, self.f.header)
        self._used(row, first_col, last_col)
        self.wrapped.append((row, first_col, last_col, label, self.f.header))

    def span_row(self, row: int) -> None:
        """A row written past the writer (e.g. links): it belongs to the printed area."""
        self.last_row = max(self.last_row, row)

    def block(self, first: int, last: int) -> None:
        """Rows ``first``–``last`` belong together: printing starts a new page rather than split them."""
        self.blocks.append((first, last))

    def chart(self, row: int, height_pt: float) -> None:
        """A chart anchored at ``row`` taking ``height_pt`` points: one block for printing."""
        self.charts.append((row, height_pt))

    def width(self, col: int, width: float) -> None:
        """Fix a column's width (e.g. for long wrapped texts); never below what its numbers and words need."""
        self.fixed[col] = width

    def column_widths(self, minimum: float = 8, maximum: float = 60) -> dict[int, float]:
        """Every column's final width, from its contents and the fixed widths, at least what it needs."""
        final = {col: min(max(width, minimum), maximum) for col, width in self.widths.items()}
        final |= self.fixed
        for col, need in self.need.items():
            final[col] = max(final.get(col, 8.43), min(need, 80))
        return {col: math.ceil(width * 100 - 1e-6) / 100 for col, width in final.items()}

    def span_width(self, first: int, last: int) -> float:
        """The width of columns ``first``–``last`` together, in character units."""
        widths = self.column_widths()
        return sum(widths.get(c, 8.43) for c in range(first, last + 1)) + 0.7 * (last - first)

    def _fit_page(self) -> None:
        """Narrow the columns with room to spare (down to their longest word or number) until the table fits
        the width of an A4 landscape page at the smallest scale, in the widest font (``PAGE_UNITS``);
        a merged text's longest word widens the last of its columns."""
        final = self.column_widths()
        for _, col, col_end, text, fmt in self.wrapped:
            if col_end > col:
                bold, size = _style(fmt)
                short = longest_word(text, bold, size) + _PAD - sum(final.get(c, 8.43) for c in range(col, col_end + 1))
                if short > 0:
                    self.at_least(col_end, final.get(col_end, 8.43) + short)
        final = self.column_widths()
        cols = range(self.last_col + 1)
        limit = PAGE_UNITS - len(cols) * 1.3
        excess = sum(final.get(c, 8.43) for c in cols) - limit
        slack = {c: final[c] - max(self.need.get(c, 0.0), 8.0) for c in cols if c in final}
        room = sum(v for v in slack.values() if v > 0)
        if excess <= 0 or room <= 0:
            return
        share = min(excess / room, 1.0)
        for c, v in slack.items():
            if v > 0:
                self.fixed[c] = final[c] - v * share
                self.widths[c] = min(self.widths.get(c, 0.0), self.fixed[c])

    def _wrap_format(self, fmt: Format | None) -> Format | None:
        """The wrapping twin of a text format (None where there is none)."""
        f = self.f
        twins = {id(f.text): f.wrap, id(f.label): f.label_wrap, id(f.total_label): f.total_wrap,
                 id(f.total_text): f.total_wrap}
        return twins.get(id(fmt)) if fmt is not None else f.wrap

    def _no_clipping(self, final: Mapping[int, float]) -> None:
        """A text that does not fit its cell and the empty cells to its right is wrapped in its cell instead."""
        last = max(self.last_col, 0)
        for row, col, value, fmt in self.overflow:
            bold, size = _style(fmt)
            room, c = final.get(col, 8.43), col + 1
            while c <= last and (row, c) not in self.filled:
                room += final.get(c, 8.43)
                c += 1
            if text_units(value, bold, size) + _PAD <= room + 0.01:
                continue
            twin = self._wrap_format(fmt)
            if twin is None or any(w[0] == row and w[1] == col and w[3] == value for w in self.wrapped):
                continue
            self.ws.write_string(row, col, value, twin)
            self.wrapped.append((row, col, col, value, twin))
            self.at_least(col, longest_word(value, bold, size) + _PAD)

    def finish(self) -> None:
        """Set every column's width, write the spanning texts, and set the height of wrapped rows.

        Spreadsheet programs do not grow a row for wrapped text on opening a file, so the
        height is computed here from the words, the font's widths and the width of the cell (or
        merged cells); a title row with a live status keeps a line in reserve for a longer one.
        """
        for _ in range(2):  # narrowing to fit the page may make a text wrap, and a wrapped word need room
            self._fit_page()
            self._no_clipping(self.column_widths())
        final = self.column_widths()
        # A narrow table's title and notes are given the room of a wider page: its empty columns beside it.
        while self.spans and sum(final.get(c, 8.43) for c in range(self.last_col + 1)) < SPAN_UNITS:
            self.last_col += 1
        for col, width in final.items():
            self.ws.set_column(col, col, width)
        last = max(self.last_col, 0)
        reserve: set[int] = set()
        for row, value, fmt in self.spans:
            if last > 0:
                self.ws.merge_range(row, 0, row, last, "", fmt)
            if isinstance(value, tuple):
                formula, text = value
                self.ws.write_formula(row, 0, formula, fmt, text)
                if row == 0 and self.status is not None:
                    reserve.add(row)
            else:
                text = cell_text(value)
                self.ws.write_string(row, 0, text, fmt)
            self.wrapped.append((row, 0, last, text, fmt))
            if fmt is self.f.title:
                self.heights[row] = TITLE_PT
            elif fmt is self.f.banner:
                self.heights[row] = 17.0
        lines: dict[int, int] = {}
        for row, col, col_end, text, fmt in self.wrapped:
            width = sum(final.get(c, 8.43) for c in range(col, col_end + 1))
            bold, size = _style(fmt)
            n = wrapped_lines(text, width, bold=bold, size=size)
            if row in reserve:  # room for a status naming a changed parameter or two more
                n = max(n, wrapped_lines(text + " " + "m" * 50, width, bold=bold, size=size))
            lines[row] = max(lines.get(row, 1), n)
        for row, n in lines.items():
            base = self.heights.get(row, ROW_PT)
            if n > 1:
                self.heights[row] = base * n
        for row, height in self.heights.items():
            self.ws.set_row(row, height)
        for row, col in self.checks:
            cell = ref(row, col)
            self.ws.conditional_format(row, col, row, col, {
                "type": "formula", "criteria": f'=LEFT({cell},3)="fel"', "format": self.f.bad})
            self.ws.conditional_format(row, col, row, col, {
                "type": "formula", "criteria": f'=LEFT({cell},7)="{OK}"', "format": self.f.ok})

