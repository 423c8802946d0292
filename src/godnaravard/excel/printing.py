"""How every sheet prints: A4 landscape at a fixed scale of at least 70 %, with a page header and footer.

- The scale is the largest (at most 100 %) at which the sheet's tables fit the page's width and
  the sheet prints on as few pages as it would at ``MIN_SCALE``; the sheets are laid out so that
  it is never below ``MIN_SCALE`` (long notes are wrapped to the table's width, never left to
  widen the page).
- The print area is the sheet's tables, notes and charts.
- Page breaks fall between blocks (a table with its label, a chart), never inside one that
  fits on a page; the heading row of a table that runs onto another page is repeated at the top
  of every page (print titles).
- The header names the agreement (its title, shortened to fit beside the sheet's name) and the
  sheet, nothing else: whether the figures are the agreement's is the live status in each
  sheet's title row. The footer names the tool, the date and "Sida &P av &N".

The geometry is an estimate of what Excel and LibreOffice do (a column width unit is the width of
a digit of the default font plus 5 pixels of padding, 96 pixels an inch); it errs on the side of
the widest font and fewer rows per page.
"""

from __future__ import annotations

import math

from ..frozen import frozen
from .cells import ROW_PT, Sheet

__all__ = ["MIN_SCALE", "PageSetup", "column_points", "escape", "excel_pixels", "page_footer", "page_header", "setup_page"]

#: The smallest print scale of any sheet, in percent.
MIN_SCALE = 70
#: A4 in points, landscape.
_PAGE_W, _PAGE_H = 841.89, 595.28
#: Margins in inches: left and right, top and bottom, header and footer.
_SIDE, _TOP, _HEAD = 0.4, 0.42, 0.15


def escape(text: str) -> str:
    """A text for a page header or footer: ``&`` doubled (it starts a code there)."""
    return text.replace("&", "&&")


#: The most characters of a title in the page header (the left third of the line, at 70 %).
HEADER_CHARS = 60


def short(text: str, limit: int = HEADER_CHARS) -> str:
    """``text`` cut at a word to at most ``limit`` characters, with ``…`` where it was cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:–-") + "…"


def page_header(title: str) -> str:
    """The page header: the agreement's title (shortened) on the left, the sheet's name on the right."""
    return f"&L{escape(short(title))}&R&A"


def page_footer(title: str, made: str) -> str:
    """The page footer: what made the file and when, the page number, the agreement's title (shortened)."""
    return f"&L{escape(made)}&CSida &P av &N&R{escape(short(title, HEADER_CHARS // 2 + 10))}"


#: Pixels per character unit of a column's width: a unit is the width of a digit of the default font,
#: 7 pixels in Calibri 11 (Excel), but 9.33 in DejaVu Sans 11, which LibreOffice uses where Calibri and
#: its metric twin Carlito are not installed. The widest is assumed, so that every table fits.
DIGIT_PX = 9.33


def excel_pixels(width: float) -> int:
    """A column's width in pixels as Excel (and xlsxwriter, placing charts) computes it."""
    return int(width * 12 + 0.5) if width < 1 else int(width * 7 + 0.5) + 5


def column_points(width: float) -> float:
    """A column's printed width in points (at 100 %), from its width in character units (widest font)."""
    pixels = int(width * DIGIT_PX + 0.5) + 5
    return pixels * 0.75


@frozen
class PageSetup:
    """What ``setup_page`` chose for a sheet: its scale, page breaks and whether a heading repeats."""

    scale: int
    breaks: tuple[int, ...]
    repeats: bool
    width_pt: float


def _units(s: Sheet, last_row: int) -> list[tuple[int, int]]:
    """The sheet's rows in units that must stay together: its blocks, and every other row alone."""
    spans = sorted(s.blocks + [(row, row + max(math.ceil(h / ROW_PT), 1) - 1) for row, h in s.charts])
    merged: list[list[int]] = []
    for a, b in spans:
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    units, row = [], 0
    for a, b in merged:
        while row < a:
            units.append((row, row))
            row += 1
        units.append((a, b))
        row = b + 1
    while row <= last_row:
        units.append((row, row))
        row += 1
    return units


def _breaks(s: Sheet, units: list[tuple[int, int]], capacity: float, repeat_pt: float) -> list[int]:
    def height(row: int) -> float:
        return s.heights.get(row, ROW_PT)

    breaks: list[int] = []
    used = 0.0
    for a, b in units:
        h = sum(height(r) for r in range(a, b + 1))
        if used > repeat_pt and used + h > capacity and h <= capacity:
            breaks.append(a)
            used = repeat_pt
        if used + h <= capacity:
            used += h
            continue
        for r in range(a, b + 1):
            if used > repeat_pt and used + height(r) > capacity:
                breaks.append(r)
                used = repeat_pt
            used += height(r)
    return breaks


def _capacity(scale: int) -> float:
    """The height of a page's printable area in points of the sheet at ``scale`` percent."""
    return (_PAGE_H - 2 * _TOP * 72) * 100 / scale * 0.995


def _paginate(s: Sheet, units: list[tuple[int, int]], scale: int) -> tuple[list[int], bool]:
    """The page breaks at ``scale``, and whether the sheet's heading row repeats (its table runs on)."""
    capacity = _capacity(scale)
    breaks = _breaks(s, units, capacity, 0.0)
    if s.repeat is not None:
        head, end = s.repeat
        if any(head < b <= end for b in breaks):
            return _breaks(s, units, capacity, s.heights.get(head, ROW_PT)), True
    return breaks, False


def _scale(s: Sheet, units: list[tuple[int, int]], widest: int) -> int:
    """The largest scale up to ``widest`` at which the sheet prints on as few pages as at ``MIN_SCALE``."""
    fewest = len(_paginate(s, units, MIN_SCALE)[0])
    for scale in range(widest, MIN_SCALE, -1):
        if len(_paginate(s, units, scale)[0]) <= fewest:
            return scale
    return MIN_SCALE


def setup_page(s: Sheet, header: str, footer: str, tab_color: str | None = None) -> PageSetup:
    """A4 landscape, the scale, print area, page breaks, repeated heading, header, footer, tab colour."""
    widths = s.column_widths()
    last_col = max(s.last_col, 0)
    width = sum(column_points(widths.get(c, 8.43) + 0.71) for c in range(last_col + 1))
    available = _PAGE_W - 2 * _SIDE * 72
    widest = max(MIN_SCALE, min(100, math.floor(available / width * 100 * 0.98))) if width else 100
    last_row = s.last_row
    for row, h in s.charts:
        last_row = max(last_row, row + math.ceil(h / ROW_PT))
    ws = s.ws
    ws.set_landscape()
    ws.set_paper(9)
    ws.set_margins(left=_SIDE, right=_SIDE, top=_TOP, bottom=_TOP)
    units = _units(s, last_row)
    scale = _scale(s, units, widest)
    ws.set_print_scale(scale)
    ws.print_area(0, 0, last_row, last_col)
    ws.set_header(header, margin=_HEAD)
    ws.set_footer(footer, margin=_HEAD)
    if tab_color:
        ws.set_tab_color(tab_color)
    breaks, repeats = _paginate(s, units, scale)
    if repeats and s.repeat is not None:
        ws.repeat_rows(s.repeat[0])
    if breaks:
        ws.set_h_pagebreaks(breaks)
    return PageSetup(scale, tuple(breaks), repeats, width)
