"""A column of a bilaga: one budget line, built from separately rounded parts."""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

from ..frozen import frozen
from .rounding import Apportionment

__all__ = ["Column"]


@frozen
class Column:
    """One budget line for every recipient.

    A column is a fixed base amount per region (ambulance: grundbelopp) plus one or more
    *parts*, each a budget line of its own that is apportioned and rounded separately (nära
    vård: the rural part and the population part; kommuner: the HSL insatser half and the
    population half). Each part sums exactly to its own total, so the column sums exactly to
    ``total``. The official tables were evidently built this way: rounding the column's exact
    sum once instead misses 10 of the 42 official cells of bilaga 2 and bilaga 3 Nära vård
    (``godnaravard check`` recomputes that comparison).

    Attributes:
        name: column key, as in ``allocate --format csv``.
        total: the budget line the column sums to.
        parts: the separately rounded parts, by part name.
        base_per_region: a fixed amount every region receives before the parts.
        split: when the parts' totals are themselves shares of ``total`` (kommuner), how
            ``total`` was split between them.
    """

    name: str
    total: int
    parts: Mapping[str, Apportionment]
    base_per_region: int = 0
    split: Apportionment | None = None

    @property
    def codes(self) -> tuple[str, ...]:
        """The län codes in the order of the inputs."""
        first = next(iter(self.parts.values()))
        return tuple(first.amounts)

    def amount(self, code: str) -> int:
        """The rounded amount for one region: base plus every rounded part."""
        return self.base_per_region + sum(p.amounts[code] for p in self.parts.values())

    def exact(self, code: str) -> Fraction:
        """The exact (unrounded) amount for one region: base plus every exact part."""
        return self.base_per_region + sum((p.exact[code] for p in self.parts.values()), Fraction(0))

    @property
    def amounts(self) -> dict[str, int]:
        """Rounded amount per län code."""
        return {c: self.amount(c) for c in self.codes}

    def balancing(self) -> dict[str, tuple[str, ...]]:
        """Per part, the län codes that received a balancing krona."""
        return {name: p.balancing_kronor for name, p in self.parts.items()}
