"""Bilaga 3, column Nära vård: the rural part (bilaga 4) plus the rest by population.

Avsnitt 1.2: 2,42 miljarder kronor to the regions, of which 300 miljoner for primärvård i
landsbygd. Avsnitt 12: "Fördelningen av de resterande medlen till regionerna ... sker i relation
till befolkningsandel, baserad på befolkningsunderlaget den 1 november 2023" (bilaga 3).

    nära vård(region) = landsbygd(region) + (nära vård total − landsbygd total) · pop / Σ pop

The two parts are rounded separately, each summing to its own budget line; bilaga 3's Nära vård
column is their sum (it "includes" bilaga 4, as the heading of bilaga 4 says).
"""

from __future__ import annotations

from .column import Column
from .model import Inputs, Parameters
from .rounding import ROUNDING_RULE, apportion

__all__ = ["nara_vard"]


def nara_vard(inputs: Inputs, params: Parameters, landsbygd: Column, rule: str = ROUNDING_RULE) -> Column:
    """Bilaga 3 Nära vård: ``landsbygd`` (bilaga 4) plus the population part (avsnitt 12)."""
    total = params.amount("regioner.nara_vard_total")
    rest = total - landsbygd.total
    befolkning = apportion(rest, {r.lan_code: r.population for r in inputs.regions}, rule)
    return Column(
        name="nara_vard",
        total=total,
        parts={"landsbygd": landsbygd.parts["landsbygd"], "befolkning": befolkning},
    )
