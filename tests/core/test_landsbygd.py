"""The rural key (avsnitt 12, bilaga 4): known categories vs weighted sums only."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from godnaravard.core import Inputs, KommunRow, MissingCategoriesError, Parameters, RuralKey, key_from_kommuner
from godnaravard.core.landsbygd import rural_weights, weighted_rural_population
from godnaravard.core.line import allocate_line

from .helpers import make_inputs

CATS = ("tatortsnara", "gles", "mycket_gles")
REF = {"tatortsnara": Fraction(1), "gles": Fraction(4), "mycket_gles": Fraction(6)}


def by_cat(*weights: int) -> dict[str, Fraction]:
    """Weights in the order of ``CATS``."""
    return {c: Fraction(w) for c, w in zip(CATS, weights, strict=True)}


def landsbygd(inputs: Inputs, params: Parameters):  # type: ignore[no-untyped-def]
    """Bilaga 4: the rural part of the 2024 agreement's nära vård line."""
    return allocate_line(params.rules.line("nara_vard"), inputs, params).parts["landsbygd"]


def test_weighted_sum_from_categories_follows_the_weights() -> None:
    key = RuralKey("09", {"tatortsnara": 10, "gles": 100, "mycket_gles": 1000})
    assert weighted_rural_population(key, REF, REF) == 10 + 400 + 6000
    assert weighted_rural_population(key, by_cat(1, 5, 6), REF) == 10 + 500 + 6000


def test_weighted_sum_only_works_with_reference_or_proportional_weights() -> None:
    key = RuralKey("01", weighted_sum=124_964)
    assert weighted_rural_population(key, REF, REF) == 124_964
    assert weighted_rural_population(key, by_cat(2, 8, 12), REF) == 2 * 124_964
    with pytest.raises(MissingCategoriesError, match="01"):
        weighted_rural_population(key, by_cat(1, 5, 6), REF)


def test_a_key_of_any_categories_by_name() -> None:
    """Issue 17 §3: the categories are the definition's: two, named otherwise, any order of the mapping."""
    key = RuralKey("07", {"nord": 3, "syd": 5})
    assert weighted_rural_population(key, {"syd": Fraction(2), "nord": Fraction(7)}, {}) == 7 * 3 + 2 * 5
    only_sum = RuralKey("08", weighted_sum=40)
    ref = {"nord": Fraction(1), "syd": Fraction(3)}
    assert weighted_rural_population(only_sum, {"nord": Fraction(2), "syd": Fraction(6)}, ref) == 80
    with pytest.raises(MissingCategoriesError, match="nord 1, syd 1 need .* at the weights nord 1, syd 3"):
        weighted_rural_population(only_sum, {"nord": Fraction(1), "syd": Fraction(1)}, ref)


def test_shipped_key_gotland_is_four_times_its_population(inputs: Inputs) -> None:
    gotland = next(k for k in inputs.rural_key if k.code == "09")
    assert gotland.categories_known
    assert gotland.weighted_sum == 4 * inputs.recipient("09").count("population")


def test_changing_a_weight_with_the_shipped_key_names_the_regions_lacking_categories(
    inputs: Inputs, params: Parameters
) -> None:
    p = params.with_values({"landsbygd.vikt.gles": Fraction(5)})
    with pytest.raises(MissingCategoriesError) as err:
        rural_weights(inputs, p.weights("landsbygd"))
    assert len(err.value.codes) == 20
    assert "01 Stockholm" in str(err.value) and "09" not in " ".join(err.value.codes)


def test_proportional_weights_give_the_same_bilaga4(inputs: Inputs, params: Parameters) -> None:
    doubled = params.with_values(
        {"landsbygd.vikt.tatortsnara": Fraction(2), "landsbygd.vikt.gles": Fraction(8),
         "landsbygd.vikt.mycket_gles": Fraction(12)}
    )
    assert landsbygd(inputs, doubled).amounts == landsbygd(inputs, params).amounts


def test_per_kommun_key_allows_any_weights(params: Parameters) -> None:
    inputs = make_inputs([1000, 2000, 3000])
    p = params.with_values({"landsbygd.vikt.gles": Fraction(5), "regioner.landsbygd_total": 1000})
    col = landsbygd(inputs, p)
    assert sum(col.amounts.values()) == 1000
    w = rural_weights(inputs, p.weights("landsbygd"))
    assert w["01"] == 100 + 5 * 50 + 6 * 20


def test_key_from_kommuner_sums_per_region_and_category() -> None:
    rows = [
        KommunRow("0980", "gles", 61_093),
        KommunRow("0114", "ovrig", 50_000),
        KommunRow("0117", "tatortsnara", 10),
        KommunRow("0120", "tatortsnara", 5),
    ]
    keys = {k.code: k for k in key_from_kommuner(rows, ["01", "09"], CATS, ["ovrig"])}
    assert keys["09"].inhabitants == {"tatortsnara": 0, "gles": 61_093, "mycket_gles": 0}
    assert keys["01"].inhabitants == {"tatortsnara": 15, "gles": 0, "mycket_gles": 0}


def test_key_from_kommuner_refuses_unknown_category_and_lan() -> None:
    with pytest.raises(ValueError, match="unknown category 'okand'"):
        key_from_kommuner([KommunRow("0114", "okand", 1)], ["01"], CATS, ["ovrig"])
    with pytest.raises(ValueError, match="unknown category 'ovrig'"):  # unweighted only where declared
        key_from_kommuner([KommunRow("0114", "ovrig", 1)], ["01"], CATS)
    with pytest.raises(ValueError, match="belongs to no known län"):
        key_from_kommuner([KommunRow("9999", "gles", 1)], ["01"], CATS)


@given(
    cells=st.lists(st.tuples(st.integers(0, 10**7), st.fractions(min_value=0, max_value=100, max_denominator=50)),
                   min_size=1, max_size=6),
    data=st.data(),
)
def test_w_does_not_depend_on_the_categories_names_or_order(cells: list[tuple[int, Fraction]], data: st.DataObject) -> None:
    """Issue 17 §3: a key's categories are names the definition chooses; renamed and listed in another order,
    every W is the same, and it is Σ weight × inhabitants."""
    names = [f"k{i}" for i in range(len(cells))]
    order = data.draw(st.permutations(range(len(cells))))
    key = RuralKey("01", {n: c for n, (c, _) in zip(names, cells, strict=True)})
    weights = {n: w for n, (_, w) in zip(names, cells, strict=True)}
    renamed = RuralKey("01", {f"x_{names[i]}": cells[i][0] for i in order})
    renamed_weights = {f"x_{names[i]}": cells[i][1] for i in order}
    w = weighted_rural_population(key, weights, {})
    assert w == weighted_rural_population(renamed, renamed_weights, {}) == sum(c * v for c, v in cells)


def test_a_rural_key_has_one_weight_per_category() -> None:
    from godnaravard.core import Key

    assert Key("k", "landsbygd", weights=("w.a", "w.b"), categories=("a", "b")).weights == ("w.a", "w.b")
    with pytest.raises(ValueError, match="one weight per category"):
        Key("k", "landsbygd", weights=("w.a", "w.b"), categories=("a",))
