"""Bilaga 3 Nära vård: the rural part plus the rest by population, each rounded on its own."""

from __future__ import annotations

from godnaravard.core import Parameters
from godnaravard.core.bilaga3_nara_vard import nara_vard
from godnaravard.core.bilaga4_landsbygd import landsbygd

from .helpers import make_inputs


def test_nara_vard_is_rural_part_plus_population_part(params: Parameters) -> None:
    inputs = make_inputs([1000, 3000], rural=[(10, 0, 0), (0, 0, 0)])
    p = params.with_values({"regioner.nara_vard_total": 1_100, "regioner.landsbygd_total": 100})
    rural = landsbygd(inputs, p)
    col = nara_vard(inputs, p, rural)
    assert rural.amounts == {"01": 100, "02": 0}
    assert col.parts["befolkning"].amounts == {"01": 250, "02": 750}
    assert col.amounts == {"01": 350, "02": 750}
    assert sum(col.amounts.values()) == 1_100


def test_without_a_rural_part_everything_follows_population(params: Parameters) -> None:
    inputs = make_inputs([1, 1, 2])
    p = params.with_values({"regioner.nara_vard_total": 400, "regioner.landsbygd_total": 0})
    assert nara_vard(inputs, p, landsbygd(inputs, p)).amounts == {"01": 100, "02": 100, "03": 200}
