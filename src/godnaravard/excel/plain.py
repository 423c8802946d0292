"""A plain table as a workbook: ``diff --output FILE.xlsx`` and ``sweep --output FILE.xlsx`` (issue 18 §4).

One sheet holds the table exactly as the CSV output has it (the same columns, headings and
rows), formatted as the export workbook formats its tables: kronor and counts as numbers with a
thousands separator (``#,##0``, shown as ``2 420 000 000`` in Swedish Excel), decimals as
numbers with their places (``#,##0.0000``), the heading row bold on a tinted ground, frozen, with
a filter, and every column as wide as its widest cell. A second sheet, *Om tabellen*, says what
the table is: its title and the lines that explain it. Text is always written as text, never as a
formula (``write_string``), so a name beginning with ``=`` stays a name.

Rows are written as they come, in xlsxwriter's constant-memory mode, so a sweep of a million
rows is written in bounded memory. Excel holds at most ``MAX_ROWS`` rows (the heading included)
and ``MAX_COLUMNS`` columns: ``check_size`` refuses a larger table before anything is written.
An amount beyond ``MAX_EXACT_KRONOR`` cannot be held exactly by a cell and is refused
(``ExportError``); the file is written atomically, so nothing is left behind.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..csvout import Value
from ..frozen import frozen
from .cells import MAX_EXACT_KRONOR, ExportError

if TYPE_CHECKING:
    from xlsxwriter.format import Format
    from xlsxwriter.worksheet import Worksheet

__all__ = ["ABOUT_SHEET", "MAX_COLUMNS", "MAX_ROWS", "Column", "check_size", "write_plain"]

#: Excel's rows and columns per sheet.
MAX_ROWS = 1_048_576
MAX_COLUMNS = 16_384
#: The name of the sheet that says what the table is.
ABOUT_SHEET = "Om tabellen"
#: Column widths, in characters: at least and at most.
_MIN_WIDTH, _MAX_WIDTH = 8.0, 60.0


@frozen
class Column:
    """One column of the table: its heading and the kind of its cells: ``text``, ``kronor`` (whole
    numbers, also counts, with a thousands separator), ``integer`` (an id: digits only) or
    ``decimal`` (rounded decimals, shown with ``places`` decimals)."""

    name: str
    kind: str = "text"
    places: int = 0


def _spaced(n: int) -> str:
    """``1 048 576``: a count with spaces between thousands."""
    return f"{n:,}".replace(",", " ")


def check_size(path: str | Path, rows: int, columns: int, *, what: str = "this table") -> str | None:
    """Why ``rows`` data rows (the heading not counted) and ``columns`` columns do not fit one
    sheet, or None when they do."""
    if rows + 1 > MAX_ROWS:
        return (f"{what} has {_spaced(rows)} rows and a heading row, more than the {_spaced(MAX_ROWS)} rows "
                "an Excel sheet holds")
    if columns > MAX_COLUMNS:
        return f"{what} has {columns} columns, more than the {MAX_COLUMNS} an Excel sheet holds"
    return None


@dataclass
class _Writer:
    """The table sheet as it is written: formats per column, the widths seen, the next row.

    A number's width is that of the largest and the smallest number of its column, measured once
    at the end (``widths``), not cell by cell: the writer is on the path of every cell."""

    ws: Worksheet
    columns: Sequence[Column]
    formats: list[Format | None]
    text_widths: list[float] = field(default_factory=list)
    extremes: dict[int, tuple[int | Decimal, int | Decimal]] = field(default_factory=dict)
    row: int = 1

    def write(self, values: Sequence[Value]) -> None:
        """One row of the table (a value per column; None leaves the cell empty)."""
        row, formats, extremes = self.row, self.formats, self.extremes
        for col, value in enumerate(values):
            if value is None:
                continue
            if isinstance(value, str):
                self.ws.write_string(row, col, value, formats[col])
                if len(value) + 2 > self.text_widths[col]:
                    self.text_widths[col] = len(value) + 2
                continue
            if isinstance(value, int) and not -MAX_EXACT_KRONOR <= value <= MAX_EXACT_KRONOR:
                raise ExportError(f"{self.columns[col].name} = {value} is too large for an Excel cell to hold "
                                  "exactly; write CSV instead, which holds whole numbers of any size")
            self.ws.write_number(row, col, float(value) if isinstance(value, Decimal) else value, formats[col])
            low, high = extremes.get(col, (value, value))
            if value < low or value > high:
                extremes[col] = (min(low, value), max(high, value))
            elif col not in extremes:
                extremes[col] = (value, value)
        self.row = row + 1

    def widths(self) -> list[float]:
        """Every column's width: its heading, its longest text, its widest number (with separators)."""
        out = list(self.text_widths)
        for col, (low, high) in self.extremes.items():
            out[col] = max(out[col], *(len(f"{v:,}") + 2.0 for v in (low, high)))
        return out


def _formats(wb: Any, columns: Sequence[Column]) -> tuple[Format, Format, list[Format | None]]:
    """The heading formats (text, numbers) and one cell format per column, as the export's tables."""
    head = {"bold": True, "bg_color": "#DCE6F1", "bottom": 1, "text_wrap": True, "valign": "bottom"}
    header, header_num = wb.add_format(head), wb.add_format({**head, "align": "right"})
    cache: dict[tuple[str, int], Format] = {}
    out: list[Format | None] = []
    for c in columns:
        key = (c.kind, c.places)
        if key not in cache:
            if c.kind == "text":
                cache[key] = wb.add_format({"valign": "top"})
            elif c.kind == "integer":
                cache[key] = wb.add_format({"num_format": "0", "valign": "top"})
            else:
                places = "." + "0" * c.places if c.kind == "decimal" and c.places else ""
                cache[key] = wb.add_format({"num_format": "#,##0" + places, "valign": "top"})
        out.append(cache[key])
    return header, header_num, out


def _about(wb: Any, title: str, about: Sequence[tuple[str, str]]) -> None:
    """The sheet *Om tabellen*: the title, then one line per ``(label, text)``."""
    ws = wb.add_worksheet(ABOUT_SHEET)
    bold = wb.add_format({"bold": True, "valign": "top"})
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    ws.write_string(0, 0, title, wb.add_format({"bold": True, "font_size": 14}))
    ws.set_column(0, 0, max([12.0, *(len(label) + 2.0 for label, _ in about)]))
    ws.set_column(1, 1, 100)
    for i, (label, text) in enumerate(about, start=2):
        ws.write_string(i, 0, label, bold)
        ws.write_string(i, 1, text, wrap)


def write_plain(
    path: str | Path,
    sheet: str,
    columns: Sequence[Column],
    rows: Iterable[Sequence[Value]],
    *,
    title: str,
    about: Sequence[tuple[str, str]] = (),
    count: int | None = None,
    force: bool = False,
) -> Path:
    """Write ``rows`` under ``columns`` as the sheet ``sheet`` of a new workbook at ``path``, atomically.

    ``count``, the number of rows if known beforehand, is checked against Excel's limits before
    anything is written (``check_size``), and gives the filter its range.

    Raises:
        ExportError: the table does not fit a sheet, or an amount is too large to be held exactly.
        OutputExistsError, OSError: from ``atomic_write``.
    """
    import xlsxwriter

    from ..atomic import atomic_write

    if count is not None and (problem := check_size(path, count, len(columns))) is not None:
        raise ExportError(problem)

    def build(tmp: Path) -> None:
        wb = xlsxwriter.Workbook(str(tmp), {"constant_memory": True, "strings_to_formulas": False,
                                            "strings_to_numbers": False, "strings_to_urls": False})
        try:
            wb.set_properties({"title": title, "comments": "godnaravard"})
            ws = wb.add_worksheet(sheet)
            header, header_num, formats = _formats(wb, columns)
            writer = _Writer(ws, columns, formats, [max(_MIN_WIDTH, len(c.name) + 2.0) for c in columns])
            if len(columns) == 0:
                raise ExportError("a table without columns")
            for col, c in enumerate(columns):
                ws.write_string(0, col, c.name, header if c.kind == "text" else header_num)
            for values in rows:
                if writer.row >= MAX_ROWS:
                    raise ExportError(check_size(path, writer.row, len(columns)) or "too many rows")
                writer.write(values)
            ws.freeze_panes(1, 0)
            ws.autofilter(0, 0, max(writer.row - 1, 1), len(columns) - 1)
            for col, width in enumerate(writer.widths()):
                ws.set_column(col, col, min(width, _MAX_WIDTH))
            _about(wb, title, about)
        finally:
            wb.close()

    return atomic_write(Path(path), build, force=force)
