"""Relative changes of a parameter: ``+10%``, ``-2.5%``, ``*1.1`` (issue 18 §3).

A value of ``--set``, of a scenario file's ``[parameters]`` or of ``sweep --vary`` may be a change
*relative to the value the scenario it applies to already has* (the base scenario's, or the
agreement's for a run without one), instead of a new value:

- ``+P%`` and ``-P%``: the value raised or lowered by P percent (``+10%`` is ×11/10);
- ``*F`` (or ``×F``): the value multiplied by F, a decimal or a fraction (``*1.1``, ``*3/2``).

P and F are read exactly from their decimal text (``Fraction("2.5")``, never a binary float); a
decimal comma is read as a point. The result is exact: an amount that is not whole kronor is
rounded half up (366.5 → 367), and the change's description says so; a weight or a share stays the
exact fraction. Which kinds take which form:

- amounts and weights: all three;
- shares: only ``*F``. ``+10%`` of a share of 50 % could mean 60 % (ten percentage points) or
  55 % (a tenth more): it is refused as ambiguous, with the two ways to say either.

>>> c = change("kommuner.total", "amount", 750_000_000, "+10%")
>>> c.value, c.rounded, c.describe()
(825000000, False, 'kommuner.total +10 % = 825 000 000 (750 000 000 × 11/10)')
>>> change("ambulans.grundbelopp", "amount", 333, "*1.1").describe()
'ambulans.grundbelopp ×1.1 = 366.3, rounded half up to 366 (333 × 11/10)'
>>> change("landsbygd.vikt.gles", "weight", 4, "-12.5%").value
Fraction(7, 2)
"""

from __future__ import annotations

import math
import re
from fractions import Fraction
from typing import Any

from .agreements.values import MAX_DIGITS
from .display import exact_text, kr, kronor
from .frozen import frozen

__all__ = ["Change", "change", "factor_of", "is_relative", "round_half_up", "scaled"]

_LIMIT = 10**MAX_DIGITS
_NUMBER = r"[0-9]+(?:[.,][0-9]+)?"
_PERCENT = re.compile(rf"([+-])\s*({_NUMBER})\s*%")
_TIMES = re.compile(rf"[*×]\s*({_NUMBER}(?:\s*/\s*[0-9]+)?)")
_FORMS = "+P% (e.g. +10%), -P% (e.g. -2.5%) or *F (e.g. *1.1, *3/2)"


def is_relative(value: Any) -> bool:
    """True for a text that is meant as a relative change: it starts with ``+``, ``*`` or ``×``, or
    it starts with ``-`` and ends with ``%`` (``-5`` is a negative value, refused as such)."""
    if not isinstance(value, str):
        return False
    text = value.strip()
    return text[:1] in ("+", "*", "×") or (text.startswith("-") and text.endswith("%"))


def _number(text: str) -> Fraction:
    """The exact value of a decimal (``2.5``, ``2,5``) or a fraction (``3/2``)."""
    return Fraction(text.replace(",", ".").replace(" ", ""))


def factor_of(key: str, kind: str, text: str) -> tuple[Fraction, str]:
    """The factor a relative change multiplies by, and the change as shown (``+10 %``, ``×1.1``).

    Raises ``ValueError`` (naming ``key``) for a text that is not one of the forms, a form the
    kind does not take, or a number of more than ``MAX_DIGITS`` digits.
    """
    stripped = text.strip()
    if sum(ch.isdigit() for ch in stripped) > 2 * MAX_DIGITS:
        raise ValueError(f"{key}: the relative change {stripped[:40]!r} has more than {2 * MAX_DIGITS} digits")
    percent = _PERCENT.fullmatch(stripped)
    if percent:
        if kind == "share":
            raise ValueError(
                f"{key}: a share takes no relative change in percent ({stripped!r}: percentage points or a part "
                f"of the share?); give the new share (e.g. 55%) or a factor (e.g. *1.1)")
        sign, number = percent.groups()
        p = _number(number)
        return 1 + (p if sign == "+" else -p) / 100, f"{sign}{number} %"
    times = _TIMES.fullmatch(stripped)
    if times:
        try:
            return _number(times.group(1)), f"×{times.group(1).replace(' ', '')}"
        except ZeroDivisionError:
            raise ValueError(f"{key}: division by zero in {stripped!r}") from None
    raise ValueError(f"{key}: a relative change is {_FORMS}, got {stripped[:40]!r}")


def round_half_up(value: Fraction) -> int:
    """The whole number nearest to ``value``, a half rounded up (366.5 → 367, −0.5 → 0)."""
    return math.floor(value + Fraction(1, 2))


@frozen
class Change:
    """A relative change applied: the parameter, the change as shown, the value it applied to, the
    exact result and the value (the exact result, or for an amount, rounded half up)."""

    key: str
    kind: str
    shown: str
    base: int | Fraction
    factor: Fraction
    exact: Fraction
    value: int | Fraction

    @property
    def rounded(self) -> bool:
        """True when the exact result was not whole kronor and was rounded."""
        return self.exact != self.value

    def describe(self) -> str:
        """``kommuner.total +10 % = 825 000 000 (750 000 000 × 11/10)``; a rounded amount says so."""
        return f"{self.key} {self.worked()}"

    def worked(self) -> str:
        """The change without its key: ``+10 % = 825 000 000 (750 000 000 × 11/10)``."""
        show = _shown_amount if self.kind == "amount" else exact_text
        result = show(self.value)
        if self.rounded:
            result = f"{_decimal(self.exact)}, rounded half up to {result}"
        return f"{self.shown} = {result} ({show(self.base)} × {exact_text(self.factor)})"


def _shown_amount(value: int | Fraction) -> str:
    return kr(int(value)) if Fraction(value).denominator == 1 else _decimal(Fraction(value))


def _decimal(value: Fraction) -> str:
    """An exact value as a decimal when it has at most 6 decimals (``366.3``), else as the exact
    fraction and about how much it is (``334/3 ≈ 111.3333``)."""
    for places in range(7):
        if value * 10**places == round(value * 10**places):
            return kronor(value, places) if places else kr(int(value))
    return f"{exact_text(value)} ≈ {kronor(value)}"


def change(key: str, kind: str, base: int | Fraction, text: str) -> Change:
    """The relative change ``text`` applied to ``base``, the value ``key`` (of ``kind``) has in the
    scenario it applies to. Amounts are rounded half up to whole kronor; weights and shares stay exact."""
    factor, shown = factor_of(key, kind, text)
    return scaled(key, kind, base, factor, shown)


def scaled(key: str, kind: str, base: int | Fraction, factor: Fraction, shown: str = "") -> Change:
    """``base`` times ``factor``: an amount rounded half up to whole kronor, a weight or share exact."""
    exact = Fraction(base) * factor
    value: int | Fraction = round_half_up(exact) if kind == "amount" else exact
    if abs(Fraction(value).numerator) >= _LIMIT or Fraction(value).denominator >= _LIMIT:
        raise ValueError(f"{key}: {shown or exact_text(factor)} of {exact_text(base)} gives a value of more than "
                         f"{MAX_DIGITS} digits")
    return Change(key, kind, shown, base, factor, exact, value)
