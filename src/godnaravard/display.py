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
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

__all__ = ["decimal", "fixed", "rounded"]


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
