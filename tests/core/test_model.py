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


# --- One recipient type (issue 17 §3) -------------------------------------------------------------

def test_a_recipient_has_every_count_by_name_and_none_as_a_field() -> None:
    from godnaravard.core import Recipient

    r = Recipient("2305", "Bräcke", "Jämtland Härjedalen", {"population": 6481, "elever": 644})
    assert (r.count("population"), r.count("elever")) == (6481, 644)
    assert not hasattr(r, "population") and not hasattr(r, "lan_code") and not hasattr(r, "region")
    with pytest.raises(AllocationError, match=r"2305 Bräcke has no value for 'hsl_insatser'"):
        r.count("hsl_insatser")


@pytest.mark.parametrize(("column", "expected"), [
    ("lan_code", "2305"), ("kommun_code", "2305"), ("region", "Bräcke"), ("kommun", "Bräcke"),
    ("lan", "Jämtland Härjedalen"),
])
def test_a_recipients_text_columns_follow_the_column_kinds(column: str, expected: str) -> None:
    from godnaravard.core import Recipient

    assert Recipient("2305", "Bräcke", "Jämtland Härjedalen").text(column) == expected


def test_inputs_refuse_a_code_twice_and_find_a_recipient_by_code() -> None:
    from godnaravard.core import Inputs, Recipient

    one, two = Recipient("2303", "Ragunda", counts={"population": 1}), Recipient("2305", "Bräcke")
    assert Inputs((one, two)).recipient("2305") is two
    with pytest.raises(KeyError):
        Inputs((one, two)).recipient("01")
    with pytest.raises(AllocationError, match="a code appears twice in the recipients"):
        Inputs((one, one))
    with pytest.raises(AllocationError, match="there are no recipients"):
        Inputs(())


def test_the_definition_names_its_code_and_name_columns(params: Parameters) -> None:
    from dataclasses import replace

    from godnaravard.core import ColumnSpec

    rules = params.rules
    assert (rules.recipient_column("code"), rules.recipient_column("name"), rules.recipient_column("lan")) == (
        "lan_code", "region", "lan")
    assert rules.recipients_word == "regions"
    kommun = replace(rules, recipient="kommun", columns=(ColumnSpec("kod", "code"), ColumnSpec("namn", "text", ("kommun",))))
    assert (kommun.recipient_column("code"), kommun.recipient_column("name")) == ("kod", "namn")
    assert kommun.recipients_word == "kommuner"
    bare = replace(rules, recipient="kommun", columns=())
    assert (bare.recipient_column("code"), bare.recipient_column("name")) == ("kommun_code", "kommun")
