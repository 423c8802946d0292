"""Display rounding of exact values: the one place where a ``Fraction`` becomes a decimal.

Amounts are exact (``int`` kronor, ``Fraction`` shares and per-inhabitant figures) everywhere
on the way from the inputs to the rounded kronor; only what is shown is rounded, always half
to even, and always here:

>>> from fractions import Fraction
>>> rounded(Fraction(1, 3), 4)
Decimal('0.3333')
>>> rounded(Fraction(1, 400), 3), rounded(Fraction(-1, 400), 3)  # 2.5 thousandths: half to even
(Decimal('0.002'), Decimal('-0.002'))
>>> fixed(Fraction(-12345678, 7), 2, thousands=" ", point=",")
'-1 763 668,29'

Kronor and exact values as the reports write them (``check``, ``explain``, the sheet Avstämning):

>>> kr(2420000000)
'2 420 000 000'
>>> kronor(Fraction(76470351859, 10000)), kronor(Fraction(1, 3), point=","), kronor(7)
('7 647 035.1859', '0,3333', '7')
>>> exact_text(Fraction(3065459, 4902449)), exact_text(12000)
('3 065 459/4 902 449', '12 000')
"""

from __future__ import annotations

import re
from decimal import Decimal
from fractions import Fraction

__all__ = ["AMOUNT", "DATE", "decimal", "exact_text", "fixed", "kr", "kronor", "rounded", "wrap"]


def rounded(value: Fraction | int, places: int) -> Decimal:
    """``value`` rounded half to even to ``places`` decimals, exactly (no binary float on the way)."""
    scaled = round(Fraction(value) * 10**places)
    return Decimal(scaled).scaleb(-places)


def decimal(value: Fraction | int | None, places: int) -> Decimal | None:
    """``rounded(value, places)``, and ``None`` for a value that does not exist (a share of 0 kr)."""
    return None if value is None else rounded(value, places)


def fixed(value: Fraction | int, places: int, *, thousands: str = "", point: str = ".") -> str:
    """``value`` rounded half to even to exactly ``places`` decimals, as text: digits grouped by
    ``thousands`` (none by default), the decimal ``point`` as given, a leading ``-`` if negative."""
    text = f"{rounded(value, places):,.{places}f}"
    return text.replace(",", "\0").replace(".", point).replace("\0", thousands)


def kr(value: int) -> str:
    """Whole kronor with spaces as thousands separators, as in the agreement: ``2 420 000 000``."""
    return f"{value:,}".replace(",", " ")


def kronor(value: Fraction | int, places: int = 4, *, point: str = ".") -> str:
    """An amount for reading: whole kronor as they are (``kr``), any other value ``fixed`` to
    ``places`` decimals with spaces between thousands and ``point`` before the decimals.

    The reports' variant of ``fixed``: a whole amount carries no decimals (``7``, not ``7.0000``).
    """
    value = Fraction(value)
    if value.denominator == 1:
        return kr(int(value))
    return fixed(value, places, thousands=" ", point=point)


def exact_text(value: Fraction | int) -> str:
    """An exact value as written, not rounded: whole kronor, or ``numerator/denominator`` with
    spaces between thousands (``3 065 459/4 902 449``)."""
    value = Fraction(value)
    if value.denominator == 1:
        return kr(int(value))
    return f"{kr(value.numerator)}/{kr(value.denominator)}"


#: Digits grouped by single spaces ("1 516 511"): an amount, which wrapped text never breaks.
AMOUNT = re.compile(r"\d{1,3}(?: \d{3})+")
#: A date as written in Swedish ("1 nov YYYY", "30 september YYYY"), which wrapped text never breaks either.
DATE = re.compile(r"\b\d{1,2} [a-zåäö]{3,9}\.? \d{4}\b")


def wrap(text: str, width: int, first: str = "", rest: str = "") -> list[str]:
    """``text`` wrapped at words to ``width``, the first line after ``first``, the others after
    ``rest``: an amount's or a date's spaces never break, nor does a word (a path) longer than the width,
    which stays whole on a line of its own; blank text gives no line. The one wrapping of the terminal's notes and pages."""
    import textwrap

    glued = DATE.sub(lambda m: m.group(0).replace(" ", "\0"), AMOUNT.sub(lambda m: m.group(0).replace(" ", "\0"), text))
    lines = textwrap.wrap(glued, width, initial_indent=first, subsequent_indent=rest, break_long_words=False,
                          break_on_hyphens=False)
    return [line.replace("\0", " ") for line in lines]
