"""Printed widths of text in the workbook's fonts, in column width units (the width of a digit).

A column's width in a spreadsheet file is counted in digits of the default font (Calibri 11):
Excel and LibreOffice give a column of width ``w`` the room of ``w`` digits (plus a few pixels of
padding), whatever font is at hand. So a text's width in digits of its own font says whether it fits,
in any font. The tables below hold the advance widths of Carlito (Calibri's metric twin, with
Calibri's widths) and DejaVu Sans (what LibreOffice falls back to where neither is installed),
regular and bold, the wider of the two for every character: a text measured here fits in either.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from xlsxwriter.format import Format

__all__ = ["PAD", "longest_word", "shown_width", "style", "text_units", "wrapped_lines"]

#: The characters of the width tables below, and their advance widths in hundredths of a digit's width
#: (a column width unit): the wider of Carlito (Calibri's metric twin) and DejaVu Sans, regular and bold.
#: Measured from the fonts' ``hmtx`` tables; any other character counts as ``_WIDE``.
_GLYPHS = (' !"#$%&\'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~'
           "åäöÅÄÖéÉüÜ–—…→≥≤×÷²⁵³·’”“§")
_REGULAR = (
    50, 64, 79, 132, 100, 149, 135, 44, 61, 61, 98, 132, 50, 60, 50, 76, 100, 100, 100, 100, 100, 100, 100, 100,
    100, 100, 53, 53, 132, 132, 132, 91, 176, 114, 108, 110, 121, 99, 91, 124, 123, 50, 63, 103, 88, 169, 127,
    131, 102, 133, 109, 100, 96, 127, 112, 176, 108, 96, 108, 61, 76, 61, 132, 98, 79, 96, 104, 86, 104, 98, 60,
    100, 104, 45, 47, 91, 45, 158, 104, 104, 104, 104, 69, 82, 66, 104, 93, 141, 93, 93, 83, 100, 91, 100, 132,
    96, 96, 104, 114, 114, 131, 98, 99, 104, 127, 98, 179, 157, 179, 132, 132, 132, 132, 66, 65, 66, 50, 50, 83,
    83, 98,
)
_BOLD = (
    50, 66, 87, 120, 100, 144, 139, 46, 66, 66, 98, 120, 55, 60, 55, 85, 100, 100, 100, 100, 100, 100, 100, 100,
    100, 100, 57, 57, 120, 120, 120, 91, 177, 120, 111, 105, 124, 98, 98, 126, 124, 53, 65, 111, 92, 172, 130,
    133, 105, 135, 111, 104, 98, 129, 117, 179, 111, 104, 104, 66, 85, 66, 120, 98, 72, 97, 106, 85, 106, 99, 63,
    103, 106, 49, 50, 96, 49, 161, 106, 106, 106, 106, 71, 86, 69, 106, 94, 147, 93, 94, 84, 102, 94, 102, 120,
    97, 97, 106, 120, 120, 133, 99, 98, 106, 129, 98, 179, 144, 179, 120, 120, 120, 120, 67, 66, 66, 55, 55, 94,
    94, 98,
)
_WIDE = 180
_WIDTHS = {False: dict(zip(_GLYPHS, _REGULAR, strict=True)), True: dict(zip(_GLYPHS, _BOLD, strict=True))}
#: The default font size, in points: widths scale with a format's size against it.
_BASE_SIZE = 11.0
#: What a cell's padding takes of its width, in units.
PAD = 1.0



def text_units(text: str, bold: bool = False, size: float = _BASE_SIZE) -> float:
    """The printed width of ``text`` in column width units (digits of the default font), widest font."""
    table = _WIDTHS[bool(bold)]
    return sum(table.get(ch, _WIDE) for ch in text) * 1.03 / 100 * size / _BASE_SIZE



def style(fmt: Format | None) -> tuple[bool, float]:
    """Whether a format is bold, and its font size."""
    if fmt is None:
        return False, _BASE_SIZE
    return bool(getattr(fmt, "bold", 0)), float(getattr(fmt, "font_size", _BASE_SIZE) or _BASE_SIZE)



def longest_word(text: str, bold: bool = False, size: float = _BASE_SIZE) -> float:
    """The width of the widest word of ``text`` (what a wrapped cell must hold on one line), in units."""
    return max((text_units(w, bold, size) for w in text.split()), default=0.0)


def wrapped_lines(text: str, width: float, *, bold: bool = False, size: float = _BASE_SIZE) -> int:
    """How many lines ``text`` takes when wrapped at word boundaries in a cell ``width`` units wide.

    Widths are the fonts' own (``text_units``); a word wider than the cell takes lines of its own.
    """
    capacity = max(width - PAD, 1.0)
    space = text_units(" ", bold, size)
    count = 0
    for paragraph in text.split("\n"):
        count += 1
        used = 0.0
        for word in paragraph.split():
            w = text_units(word, bold, size)
            need = w if used == 0 else used + space + w
            if need <= capacity:
                used = need
            else:
                count += 1 if used else 0
                used = w
                while used > capacity:
                    count += 1
                    used -= capacity
    return max(count, 1)


def shown_width(value: int | float | str, fmt: Format | None = None) -> float:
    """The width a value takes in its cell, in units (numbers with a separator between thousands,
    and as many decimals as the cell's number format shows: two unless it says otherwise)."""
    if isinstance(value, str):
        return text_units(value) + PAD
    number_format = str(getattr(fmt, "num_format", "") or "")
    decimals = len(number_format.split(".", 1)[1].rstrip("%")) if "." in number_format else 2
    if number_format.endswith("%"):
        shown = f"{value * 100:,.{decimals if '.' in number_format else 0}f}%"
    elif isinstance(value, float) or decimals != 2 and "." in number_format:
        shown = f"{value:,.{decimals}f}"
    else:
        shown = f"{value:,}"
    return text_units(shown.replace(",", " ")) + 1.5
