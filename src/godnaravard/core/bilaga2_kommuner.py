"""Bilaga 2: the municipalities' money per län (paid via RSS), by HSL insatser and population.

Avsnitt 1.2: 750 miljoner kronor to the kommuner. Avsnitt 12: "hälften länsvis utifrån antalet
individer som fått kommunal hälso- och sjukvård enligt 12 kap. 1 och 2 §§ och 14 kap 1§ i
hälso- och sjukvårdslagen ... Den andra hälften ... utifrån befolkningsandel, baserad på
befolkningsunderlaget den 1 november 2023 i enlighet med bilaga 2."

    kommuner(län) = total · a · insatser / Σ insatser + total · (1 − a) · pop / Σ pop,  a = 1/2

The total is first split into whole kronor between the two halves (by a and 1 − a, with the
package's rounding rule), and each half is then apportioned and rounded on its own.
"""

from __future__ import annotations

from .column import Column
from .model import Inputs, Parameters
from .rounding import ROUNDING_RULE, apportion

__all__ = ["kommuner"]


def kommuner(inputs: Inputs, params: Parameters, rule: str = ROUNDING_RULE) -> Column:
    """Bilaga 2 (avsnitt 12): ``kommuner.total`` by HSL insatser share and population share."""
    total = params.amount("kommuner.total")
    a = params.fraction("kommuner.andel_insatser")
    split = apportion(total, {"insatser": a, "befolkning": 1 - a})
    insatser = apportion(split.amounts["insatser"], {r.lan_code: r.hsl_insatser for r in inputs.regions}, rule)
    befolkning = apportion(split.amounts["befolkning"], {r.lan_code: r.population for r in inputs.regions}, rule)
    return Column(name="kommuner", total=total, parts={"insatser": insatser, "befolkning": befolkning}, split=split)
