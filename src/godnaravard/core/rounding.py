"""Rounding to whole kronor: the one place where the rounding rule is declared.

The agreement (avsnitt 12) says how money is *shared*, not how shares are rounded to kronor.
Every table in it (bilaga 2–4) sums exactly to its budget line, so some apportionment rule was
used. This module owns that choice.

The rule: **largest remainders** (Hamilton's method), applied to each budget line separately.

1. Each recipient's exact share ``total × weight / Σ weight`` is computed as a ``Fraction``.
2. Everyone gets the floor of their share.
3. The kronor left over (fewer than the number of recipients) go one each to the recipients
   with the largest remainders ``share − floor(share)``. Those are the *balancing kronor*.
4. Ties between equal remainders go to the larger share, then to the smaller key (län code), so
   the result never depends on the order of the rows.

Why this rule: applied to the data of God och nära vård it reproduces every published amount
cell but two: all of bilaga 2, bilaga 4 and the bilaga 3 Nära vård column, where every other rule
tried here fails somewhere. The two cells it does not reproduce are in the Ambulans column (and
so the bilaga 3 Totalt cells of the same two regions): the official table gave that column's one
balancing krona to Västra Götaland, whose remainder (0.42) is smaller than Sörmland's (0.48). A
divisor rule (Sainte-Laguë, which compares remainders relative to the size of the share)
reproduces the Ambulans column, but then misplaces a krona in the Nära vård column. No single
standard rule reproduces every cell; ``godnaravard check``
recomputes this comparison every time it runs and explains both cells (see ``RULES``).

**A rounding unit** (``round_to``, issue 17 §2: tables published in thousands of kronor): with
a unit ``u`` the same rule runs in units. The total must be a whole number of units; each exact
share is counted in units (``share / u``), everyone gets ``u`` times its floor, and the units
left over go one each to the largest remainders in units, with the same ties. So the amounts are
multiples of ``u`` that sum exactly to the total, and each is ``u`` times the floor or the
ceiling of its exact share in units. ``u = 1`` is the rule above.

Properties (tested with hypothesis in ``tests/core/test_rounding.py``): the parts sum exactly
to the total; each part is the floor or the ceiling of its exact share (in units); the result is
independent of row order; multiplying all weights by a positive constant changes nothing.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from fractions import Fraction

from ..frozen import frozen

Number = int | Fraction

__all__ = [
    "ROUNDING_RULE",
    "RULES",
    "Apportionment",
    "AllocationError",
    "apportion",
    "largest_remainder",
    "sainte_lague",
]


class AllocationError(ValueError):
    """The parameters or inputs make the allocation impossible (e.g. all weights zero)."""


@frozen
class Apportionment:
    """One budget line split into whole kronor.

    Attributes:
        total: the budget line in kronor; ``sum(amounts.values()) == total``.
        weights: each recipient's weight (population, HSL insatser, weighted rural population …).
        exact: each recipient's exact share ``total × weight / Σ weight``.
        amounts: the rounded shares in whole kronor (multiples of ``unit``).
        rule: the name of the rounding rule used.
        unit: the rounding unit in kronor (``round_to``; 1 for whole kronor).
    """

    total: int
    weights: Mapping[str, Fraction]
    exact: Mapping[str, Fraction]
    amounts: Mapping[str, int]
    rule: str
    unit: int = 1

    def in_units(self, key: str) -> Fraction:
        """``key``'s exact share counted in units (``exact / unit``)."""
        return self.exact[key] if self.unit == 1 else self.exact[key] / self.unit

    def adjustment(self, key: str) -> int:
        """Kronor added (+unit) or taken (−unit) from ``key`` relative to its floored share (in units)."""
        return self.amounts[key] - self.unit * math.floor(self.in_units(key))

    @property
    def balancing_kronor(self) -> tuple[str, ...]:
        """The keys that received a balancing krona (unit) above the floor of their share, in order."""
        return tuple(k for k in self.amounts if self.adjustment(k) > 0)

    def remainder(self, key: str) -> Fraction:
        """``x − floor(x)`` for ``key``'s share in units ``x``: what the rounding ranks."""
        share = self.in_units(key)
        return share - math.floor(share)

    @property
    def leftover(self) -> int:
        """Kronor (units) left after every recipient got the floor of its share: the balancing kronor (units)."""
        return self.total // self.unit - sum(math.floor(self.in_units(k)) for k in self.exact)

    def rank(self, key: str) -> int:
        """``key``'s place (1 = first) in the order in which largest remainders gives kronor (units)."""
        in_units = self.exact if self.unit == 1 else {k: self.in_units(k) for k in self.exact}
        return _ranking(in_units).index(key) + 1


def _exact_shares(total: int, weights: Mapping[str, Number]) -> dict[str, Fraction]:
    if isinstance(total, bool) or not isinstance(total, int):
        raise TypeError(f"total must be whole kronor (int), got {type(total).__name__}")
    if total < 0:
        raise AllocationError(f"a budget line cannot be negative: {total}")
    fw = {k: Fraction(w) for k, w in weights.items()}
    negative = sorted(k for k, w in fw.items() if w < 0)
    if negative:
        raise AllocationError(f"negative weight for {', '.join(negative)}")
    weight_sum = sum(fw.values(), Fraction(0))
    if weight_sum == 0:
        if total == 0:
            return {k: Fraction(0) for k in fw}
        raise AllocationError(f"{total} kr cannot be shared: every weight is zero")
    return {k: total * w / weight_sum for k, w in fw.items()}


def _ranking(exact: Mapping[str, Fraction]) -> list[str]:
    """Keys by descending remainder; ties to the larger exact share, then the smaller key."""
    return sorted(exact, key=lambda k: (-(exact[k] - math.floor(exact[k])), -exact[k], k))


def largest_remainder(total: int, weights: Mapping[str, Number]) -> dict[str, int]:
    """Hamilton's method: floors, then one krona each to the largest remainders.

    Ties: larger exact share first, then the smaller key; never the row order.
    """
    return _largest_remainders(total, _exact_shares(total, weights))


def _largest_remainders(total: int, exact: Mapping[str, Fraction]) -> dict[str, int]:
    """``largest_remainder`` of the exact shares (in the order of the weights)."""
    floors = {k: math.floor(v) for k, v in exact.items()}
    left = total - sum(floors.values())
    for key in _ranking(exact)[:left]:
        floors[key] += 1
    return floors


def sainte_lague(total: int, weights: Mapping[str, Number]) -> dict[str, int]:
    """Sainte-Laguë (Webster) divisor method, for comparison in the reconciliation.

    Starts from each share rounded half up and moves one krona at a time to (or from) the
    recipient whose next krona costs the least change of the common divisor.
    """
    exact = _exact_shares(total, weights)
    fw = {k: Fraction(w) for k, w in weights.items()}
    amounts = {k: math.floor(v + Fraction(1, 2)) for k, v in exact.items()}
    while sum(amounts.values()) < total:
        key = max(sorted(fw), key=lambda k: fw[k] / (amounts[k] + Fraction(1, 2)))
        amounts[key] += 1
    while sum(amounts.values()) > total:
        candidates = sorted(k for k in fw if amounts[k] > 0)
        key = min(candidates, key=lambda k: fw[k] / (amounts[k] - Fraction(1, 2)))
        amounts[key] -= 1
    return {k: amounts[k] for k in weights}


RoundingRule = Callable[[int, Mapping[str, Number]], dict[str, int]]

#: Every rule the reconciliation compares; ``ROUNDING_RULE`` is the one the allocation uses.
RULES: dict[str, RoundingRule] = {
    "largest_remainder": largest_remainder,
    "sainte_lague": sainte_lague,
}

#: The rounding rule of this package (see the module docstring for the reasoning).
ROUNDING_RULE = "largest_remainder"


def apportion(total: int, weights: Mapping[str, Number], rule: str = ROUNDING_RULE, unit: int = 1) -> Apportionment:
    """Split ``total`` kronor by ``weights`` into whole multiples of ``unit`` kronor that sum exactly
    to ``total`` (``unit`` 1: whole kronor). ``total`` must be a multiple of ``unit``."""
    if isinstance(unit, bool) or not isinstance(unit, int) or unit < 1:
        raise TypeError(f"the rounding unit must be a whole number of kronor ≥ 1, got {unit!r}")
    exact = _exact_shares(total, weights)
    if total % unit:
        raise AllocationError(f"{total} kr is not a whole multiple of the rounding unit {unit} kr")
    chosen = RULES[rule]
    if unit == 1:
        # (largest remainders from the exact shares just computed, rather than computing them again)
        amounts = _largest_remainders(total, exact) if chosen is largest_remainder else chosen(total, weights)
    else:
        units = total // unit
        in_units = {k: v / unit for k, v in exact.items()}
        counted = _largest_remainders(units, in_units) if chosen is largest_remainder else chosen(units, weights)
        amounts = {k: unit * v for k, v in counted.items()}
    return Apportionment(
        total=total,
        weights={k: Fraction(w) for k, w in weights.items()},
        exact=exact,
        amounts=amounts,
        rule=rule,
        unit=unit,
    )
