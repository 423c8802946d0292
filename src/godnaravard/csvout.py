"""The one CSV writer of every CSV output (issue 18 §4, issue 17 §1): separator, decimals, safe cells.

Every ``--format csv`` (``allocate``, ``diff``, ``check``, ``explain``, ``parameters``,
``agreements``) and the sweep's CSV are written through this module, so they follow the same
three rules:

- **The separator** is ``,`` (the default), ``;`` or a tab (``--sep``). With ``;`` the decimals
  are written with a decimal comma, as Swedish Excel reads them; ``,`` and the tab keep the point.
  Whole kronor never carry a thousands separator, and a negative number is written with the
  ASCII minus ``-`` (never U+2212), so a spreadsheet reads every amount as a number.
- **Quoting.** A cell holding the separator, a quote or a line break (``\\r`` included) is
  quoted, its quotes doubled; nothing else is quoted. Lines end in ``\\n``.
- **Safe cells.** A text cell that a spreadsheet would run as a formula (beginning with ``=``,
  ``+``, ``-``, ``@``, a tab or a carriage return, or their full-width forms ``＝ ＋ － ＠``) is
  written with a leading apostrophe: ``'=HYPERLINK(…)`` is shown as the text it is. A number is
  never changed: ``-1942496`` stays a negative number, and so does a text that is a plain number.

>>> line(["01", "Region =Stockholm", -5, Decimal("-22.1798")], ";")
'01;Region =Stockholm;-5;-22,1798'
>>> print(line(["=1+1", "-3", "-3 kr", "a;b"], ";"))
'=1+1;-3;'-3 kr;"a;b"
>>> separator("tab") == "\\t", separator(";")
(True, ';')
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from decimal import Decimal

__all__ = ["FORMULA_START", "SEPARATORS", "Value", "cell", "decimal_text", "defuse", "line", "quote", "separator",
           "table"]

#: The separators ``--sep`` accepts, by the names it accepts them under.
SEPARATORS = {",": ",", ";": ";", "\t": "\t", "tab": "\t", "\\t": "\t"}

#: A text cell beginning with one of these would start a formula in a spreadsheet.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")

#: A text that is a plain number (``-3``, ``-0.25``, ``-0,25``): a spreadsheet reads it as a number, not a formula.
_NUMBER = re.compile(r"-?[0-9]+(?:[.,][0-9]+)?")

#: What a CSV cell may hold: text, whole numbers, decimals already rounded for display, or nothing.
Value = str | int | Decimal | None


def separator(text: str) -> str:
    """The separator named by ``text`` (``,``, ``;``, a tab, ``tab`` or ``\\t``).

    Raises:
        ValueError: any other text, with a message naming the accepted ones.
    """
    try:
        return SEPARATORS[text]
    except KeyError:
        raise ValueError(f"{text!r} is not a separator this tool writes; use ',' (the default), ';' "
                         "(Swedish Excel, with decimal commas) or tab") from None


def defuse(text: str) -> str:
    """A text cell that a spreadsheet would read as a formula, as text: ``'`` in front. A plain
    number (``-3``, ``-2.5``) is left as it is."""
    if text.startswith(FORMULA_START) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def quote(text: str, sep: str = ",") -> str:
    """A text cell: defused, then quoted when it holds ``sep``, a quote or a line break."""
    text = defuse(text)
    if sep in text or '"' in text or "\n" in text or "\r" in text:
        return '"' + text.replace('"', '""') + '"'
    return text


def decimal_text(value: Decimal, sep: str = ",") -> str:
    """A rounded decimal: ``-22.1798``, or ``-22,1798`` with ``;`` (Swedish Excel)."""
    text = str(value)
    return text.replace(".", ",") if sep == ";" else text


def cell(value: Value, sep: str = ",") -> str:
    """One cell as written: nothing for None, a whole number as digits with an ASCII minus, a
    decimal by ``decimal_text``, a text by ``quote``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        raise TypeError("a CSV cell is text or a number, not a boolean")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        return decimal_text(value, sep)
    return quote(value, sep)


def line(values: Iterable[Value], sep: str = ",") -> str:
    """One row, without its line end."""
    return sep.join(cell(v, sep) for v in values)


def table(header: Sequence[str], rows: Iterable[Iterable[Value]], sep: str = ",") -> str:
    """A whole CSV text: the header, then one line per row, each ending in ``\\n``."""
    out = [line(header, sep)]
    out.extend(line(row, sep) for row in rows)
    return "\n".join(out) + "\n"
