"""Bilaga 2: half by HSL insatser, half by population, per län (avsnitt 12)."""

from __future__ import annotations

from fractions import Fraction

from godnaravard.core import Parameters
from godnaravard.core.bilaga2_kommuner import kommuner

from .helpers import make_inputs


def test_halves_by_insatser_and_population(params: Parameters) -> None:
    inputs = make_inputs([100, 300], hsl=[3, 1])
    col = kommuner(inputs, params.with_values({"kommuner.total": 800}))
    assert col.parts["insatser"].amounts == {"01": 300, "02": 100}
    assert col.parts["befolkning"].amounts == {"01": 100, "02": 300}
    assert col.amounts == {"01": 400, "02": 400}


def test_odd_total_is_split_into_whole_kronor(params: Parameters) -> None:
    inputs = make_inputs([1, 1], hsl=[1, 1])
    col = kommuner(inputs, params.with_values({"kommuner.total": 7}))
    assert col.split is not None
    assert sum(col.split.amounts.values()) == 7
    assert sum(col.amounts.values()) == 7


def test_share_one_follows_insatser_only(params: Parameters) -> None:
    inputs = make_inputs([100, 300], hsl=[1, 0])
    col = kommuner(inputs, params.with_values({"kommuner.total": 50, "kommuner.andel_insatser": Fraction(1)}))
    assert col.amounts == {"01": 50, "02": 0}
