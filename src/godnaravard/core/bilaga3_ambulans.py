"""Bilaga 3, column Ambulans: a base amount per region, the rest by population.

Avsnitt 5 and 1.2: 46 miljoner kronor to the regions for ambulance care. Avsnitt 12: "fördelas
med ett grundbelopp på 500 000 kronor per region. Resterande del av medlen ... fördelas utifrån
befolkningsunderlag den 1 november 2023 i enlighet med bilaga 3."

    ambulans(region) = grundbelopp + (total − n · grundbelopp) · pop / Σ pop
"""

from __future__ import annotations

from .column import Column
from .model import Inputs, Parameters
from .rounding import ROUNDING_RULE, AllocationError, apportion

__all__ = ["ambulans"]


def ambulans(inputs: Inputs, params: Parameters, rule: str = ROUNDING_RULE) -> Column:
    """Bilaga 3 Ambulans (avsnitt 12): grundbelopp to each region, the rest by population."""
    total = params.amount("ambulans.total")
    base = params.amount("ambulans.grundbelopp")
    n = len(inputs.regions)
    rest = total - n * base
    if rest < 0:
        raise AllocationError(
            f"ambulans.grundbelopp {base} kr × {n} regions = {n * base} kr is more than ambulans.total {total} kr"
        )
    befolkning = apportion(rest, {r.lan_code: r.population for r in inputs.regions}, rule)
    return Column(name="ambulans", total=total, parts={"befolkning": befolkning}, base_per_region=base)
