"""Parameters: every key present, impossible values refused with a clear message."""

from __future__ import annotations

from fractions import Fraction

import pytest

from godnaravard.core import AllocationError, Parameters


def test_baseline_has_every_key_in_the_definitions_order(params: Parameters) -> None:
    assert list(params.as_dict()) == list(params.rules.parameters)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"ambulans.total": -1}, "ambulans.total cannot be negative"),
        ({"kommuner.total": 1.5}, "kommuner.total must be whole kronor"),
        ({"kommuner.andel_insatser": Fraction(3, 2)}, "must be a share between 0 and 1"),
        ({"kommuner.andel_insatser": Fraction(-1, 2)}, "must be a share between 0 and 1"),
        ({"landsbygd.vikt.gles": Fraction(-1)}, "must be a weight ≥ 0"),
        ({"regioner.landsbygd_total": 3_000_000_000}, "is larger than regioner.nara_vard_total"),
        (
            {"landsbygd.vikt.tatortsnara": Fraction(0), "landsbygd.vikt.gles": Fraction(0),
             "landsbygd.vikt.mycket_gles": Fraction(0)},
            "every landsbygd.vikt.* is zero",
        ),
        ({"no.such.key": 1}, "unknown parameter: no.such.key"),
    ],
)
def test_impossible_values_are_refused(params: Parameters, changes: dict, message: str) -> None:
    with pytest.raises(AllocationError, match=message.replace("*", r"\*").replace(".", r"\.")):
        params.with_values(changes)


def test_all_weights_zero_is_fine_without_a_rural_part(params: Parameters) -> None:
    zero = {k: Fraction(0) for k in ("landsbygd.vikt.tatortsnara", "landsbygd.vikt.gles", "landsbygd.vikt.mycket_gles")}
    p = params.with_values({**zero, "regioner.landsbygd_total": 0})
    assert p.weights("landsbygd") == {"tatortsnara": 0, "gles": 0, "mycket_gles": 0}


def test_missing_key_is_refused(params: Parameters) -> None:
    values = params.as_dict()
    del values["ambulans.total"]
    with pytest.raises(AllocationError, match="missing parameter: ambulans.total"):
        Parameters(values, params.rules)


def test_changed_lists_only_differences(params: Parameters) -> None:
    p = params.with_values({"ambulans.grundbelopp": 1_000_000})
    assert p.changed(params) == {"ambulans.grundbelopp": (500_000, 1_000_000)}
    assert params.changed(params) == {}
