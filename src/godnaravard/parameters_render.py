"""The terminal page of ``godnaravard parameters``: one block per parameter, fitted to the width (issue 18 §5).

Every block has the key (what ``--set`` takes), the value and the unit on one line, and beneath,
indented, the label and the source, wrapped at words to the width. A word is never broken, and
neither is an amount ("2 420 000 000" is kept on one line, although it holds spaces). When the
key and the value do not fit on one line, the value goes on the next, right-aligned:

>>> from godnaravard.agreements import load_agreement
>>> lines = parameter_lines(load_agreement(), 60)
>>> at = next(i for i, line in enumerate(lines) if line.startswith("ambulans.total"))
>>> for line in lines[at:at + 5]:
...     print(line)
ambulans.total                              46 000 000 kr
  Regionerna, ambulanssjukvård (avsnitt 5), totalt
  Källa: Avsnitt 1.2 (46 miljoner kronor till regionerna);
    avsnitt 11.2 (Förstärkning av ambulanssjukvården,
    Regionerna 46 000 000); bilaga 3 kolumn Ambulans
>>> max(map(len, lines)) <= 60
True

The CSV and JSON of ``parameters`` are written by the command (``cli/agreements.py``).
"""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING

from .display import kr, wrap

if TYPE_CHECKING:
    from .agreements import Agreement

__all__ = ["parameter_lines", "value_text"]

#: The narrowest width the page is laid out for (a key and its value always fit on their lines).
MIN_WIDTH = 40


def value_text(value: int | Fraction) -> str:
    """A value as the page shows it: kronor with spaces between thousands, an exact fraction as written."""
    return kr(value) if isinstance(value, int) else str(value)


def _wrap(text: str, width: int, first: str, rest: str) -> list[str]:
    """``text`` wrapped at words to ``width`` after ``first`` and then ``rest`` (``display.wrap``)."""
    return wrap(text, width, first, rest)


def _head_lines(key: str, value: str, unit: str, line: int, value_width: int, unit_width: int) -> list[str]:
    """The key, the value and the unit: on one line of at most ``line`` columns, the value
    right-aligned in its column; or, when the key is too long, the value beneath it."""
    tail = f"{value.rjust(value_width)} {unit.ljust(unit_width)}".rstrip()
    room = line - value_width - 1 - unit_width
    if len(key) + 2 <= room:
        return [f"{key.ljust(room)}{tail}"]
    return [key, f"{' ' * max(room, 0)}{tail}"]


def parameter_lines(ag: Agreement, width: int) -> list[str]:
    """The page of the agreement's parameters, as lines of at most ``width`` columns (no less than
    ``MIN_WIDTH``): a title, then one block per parameter, blocks apart by an empty line."""
    width = max(width, MIN_WIDTH)
    params = ag.parameters.as_dict()
    values = {k: value_text(v) for k, v in params.items()}
    value_width = max(map(len, values.values()), default=0)
    unit_width = max((len(info.unit) for info in ag.parameter_info.values()), default=0)
    key_width = max(map(len, params), default=0)
    line = min(width, key_width + 2 + value_width + 1 + unit_width)
    out = [*_wrap(f"Parametrar: {ag.title}", width, "", "  "),
           *_wrap("Nyckel (--set), värde och enhet; beskrivning och källa under", width, "", "  ")]
    for key in params:
        info = ag.parameter_info[key]
        out.append("")
        out.extend(_head_lines(key, values[key], info.unit, line, value_width, unit_width))
        out.extend(_wrap(info.label, width, "  ", "  "))
        out.extend(_wrap(f"Källa: {info.source}", width, "  ", "    "))
    return out
