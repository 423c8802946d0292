"""One budget line: base amount, carved-out parts, shares and the rest (``core.line``).

The 2024 agreement's three lines (bilaga 2 kommuner, bilaga 3 nära vård and ambulans) are
instances of the one rule; the last tests build lines of other shapes by hand.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

from godnaravard.core import AllocationError, Key, Line, Parameters, Part, Rules, allocate
from godnaravard.core.line import allocate_line

from .helpers import make_inputs


def _line(params: Parameters, name: str, inputs, **changes):  # type: ignore[no-untyped-def]
    p = params.with_values(changes) if changes else params
    return allocate_line(p.rules.line(name), inputs, p)


# --- Bilaga 2: half by HSL insatser, half by population, per län (avsnitt 12) ---------------------

def test_kommuner_halves_by_insatser_and_population(params: Parameters) -> None:
    col = _line(params, "kommuner", make_inputs([100, 300], hsl=[3, 1]), **{"kommuner.total": 800})
    assert col.parts["insatser"].amounts == {"01": 300, "02": 100}
    assert col.parts["befolkning"].amounts == {"01": 100, "02": 300}
    assert col.amounts == {"01": 400, "02": 400}


def test_kommuner_odd_total_is_split_into_whole_kronor(params: Parameters) -> None:
    col = _line(params, "kommuner", make_inputs([1, 1], hsl=[1, 1]), **{"kommuner.total": 7})
    assert col.split is not None
    assert sum(col.split.amounts.values()) == 7
    assert sum(col.amounts.values()) == 7


def test_kommuner_share_one_follows_insatser_only(params: Parameters) -> None:
    col = _line(params, "kommuner", make_inputs([100, 300], hsl=[1, 0]),
                **{"kommuner.total": 50, "kommuner.andel_insatser": Fraction(1)})
    assert col.amounts == {"01": 50, "02": 0}


# --- Bilaga 3 Ambulans: base amount per region, the rest by population ----------------------------

def test_ambulans_base_amount_plus_population_share(params: Parameters) -> None:
    col = _line(params, "ambulans", make_inputs([100, 300]),
                **{"ambulans.total": 1_400, "ambulans.grundbelopp": 200})
    assert col.amounts == {"01": 200 + 250, "02": 200 + 750}


def test_base_amount_times_regions_above_total_is_refused(params: Parameters) -> None:
    message = "ambulans.grundbelopp 3000000 kr × 21 regions = 63000000 kr is more than ambulans.total 46000000 kr"
    with pytest.raises(AllocationError, match=message):
        _line(params, "ambulans", make_inputs([1] * 21), **{"ambulans.grundbelopp": 3_000_000})


def test_base_amount_exactly_the_total_leaves_nothing_to_share(params: Parameters) -> None:
    col = _line(params, "ambulans", make_inputs([5, 7, 9]), **{"ambulans.total": 300, "ambulans.grundbelopp": 100})
    assert col.amounts == {"01": 100, "02": 100, "03": 100}


# --- Bilaga 3 Nära vård: the rural part plus the rest by population ------------------------------

def test_nara_vard_is_rural_part_plus_population_part(params: Parameters) -> None:
    inputs = make_inputs([1000, 3000], rural=[(10, 0, 0), (0, 0, 0)])
    col = _line(params, "nara_vard", inputs, **{"regioner.nara_vard_total": 1_100, "regioner.landsbygd_total": 100})
    assert col.parts["landsbygd"].amounts == {"01": 100, "02": 0}
    assert col.parts["befolkning"].amounts == {"01": 250, "02": 750}
    assert col.amounts == {"01": 350, "02": 750}
    assert sum(col.amounts.values()) == 1_100


def test_without_a_rural_part_everything_follows_population(params: Parameters) -> None:
    col = _line(params, "nara_vard", make_inputs([1, 1, 2]),
                **{"regioner.nara_vard_total": 400, "regioner.landsbygd_total": 0})
    assert col.amounts == {"01": 100, "02": 100, "03": 200}


# --- Lines of other shapes: what a new agreement may say ------------------------------------------

def _rules(*lines: Line, kinds: dict[str, str]) -> Rules:
    keys = {"population": Key("population", "column", column="population"),
            "hsl_insatser": Key("hsl_insatser", "column", column="hsl_insatser")}
    return Rules(parameters=kinds, keys=keys, lines=lines, columns=())  # type: ignore[arg-type]


def test_a_line_with_a_base_amount_and_two_keys_sharing_the_rest() -> None:
    line = Line("x", "x.total", (Part("a", "hsl_insatser", share="x.andel"), Part("b", "population")), base="x.bas")
    rules = _rules(line, kinds={"x.total": "amount", "x.bas": "amount", "x.andel": "share"})
    p = Parameters({"x.total": 1_000, "x.bas": 100, "x.andel": Fraction(1, 4)}, rules)
    col = allocate(make_inputs([1, 3], hsl=[1, 0]), p).columns["x"]
    # 1 000 − 2 × 100 = 800: a quarter (200) by insatser (all to 01), the rest (600) by population.
    assert col.amounts == {"01": 100 + 200 + 150, "02": 100 + 450}


def test_two_carved_out_parts_above_the_total_are_refused() -> None:
    line = Line("x", "t", (Part("a", "population", amount="a"), Part("b", "population", amount="b"),
                          Part("r", "population")))
    rules = _rules(line, kinds={"t": "amount", "a": "amount", "b": "amount"})
    with pytest.raises(AllocationError, match="a \\+ b is larger than t"):
        Parameters({"t": 10, "a": 6, "b": 5}, rules)


def test_shares_above_one_are_refused() -> None:
    line = Line("x", "t", (Part("a", "population", share="s1"), Part("b", "hsl_insatser", share="s2"),
                          Part("r", "population")))
    rules = _rules(line, kinds={"t": "amount", "s1": "share", "s2": "share"})
    with pytest.raises(AllocationError, match="add up to more than 1"):
        Parameters({"t": 10, "s1": Fraction(3, 4), "s2": Fraction(1, 2)}, rules)
