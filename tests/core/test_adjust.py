"""Adjustments by hand on top of the rule (core.allocate(..., adjustments=...)): sums kept, refusals."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from godnaravard.core import Adjustment, AllocationError, Inputs, Parameters, Result, allocate

CODES = ("01", "03", "04", "05", "06", "07", "08", "09", "10", "12", "13", "14", "17", "18", "19", "20", "21",
         "22", "23", "24", "25")
PARTS = (("nara_vard", "landsbygd"), ("nara_vard", "befolkning"), ("ambulans", "befolkning"),
         ("kommuner", "insatser"), ("kommuner", "befolkning"))


@st.composite
def zero_sum(draw: st.DrawFn) -> Adjustment:
    """An adjustment of one part that moves up to 1 000 kr between two to five recipients."""
    line, part = draw(st.sampled_from(PARTS))
    codes = draw(st.lists(st.sampled_from(CODES), min_size=2, max_size=5, unique=True))
    moves = [draw(st.integers(min_value=-1000, max_value=1000).filter(bool)) for _ in codes[1:]]
    first = -sum(moves)
    kronor = dict(zip(codes[1:], moves, strict=True))
    if first:
        kronor[codes[0]] = first
    if len(kronor) < 2:
        kronor = {codes[0]: 1, codes[1]: -1}
    return Adjustment(line, part, kronor, "test", "generated")


_RULE: dict[str, tuple[Result, dict[str, int], dict[tuple[str, str], int]]] = {}


def _rule(inputs: Inputs, params: Parameters) -> tuple[Result, dict[str, int], dict[tuple[str, str], int]]:
    """The rule alone on the shipped data, its totals and every amount cell, computed once (the
    generated cases share it)."""
    if "rule" not in _RULE:
        rule = allocate(inputs, params)
        cells = {(c, code): rule.amount(c, code) for c in params.rules.amount_columns for code in CODES}
        assert all(rule.adjustment(c, code) == 0 for c, code in cells)
        _RULE["rule"] = (rule, rule.totals(), cells)
    return _RULE["rule"]


@given(adjustments=st.lists(zero_sum(), min_size=1, max_size=3))
def test_any_zero_sum_adjustment_keeps_every_sum_and_adds_exactly_its_kronor(
    inputs: Inputs, params: Parameters, adjustments: list[Adjustment]
) -> None:
    rule, rule_totals, rule_cells = _rule(inputs, params)
    adjusted = allocate(inputs, params, adjustments=adjustments)
    assert adjusted.adjustments == tuple(adjustments) and rule.adjustments == ()
    # Every column keeps its budget; every part its total (the apportionment stays the rule's).
    totals = adjusted.totals()
    assert totals == rule_totals
    for column, budget in adjusted.budget_lines_by_column().items():
        assert totals[column] == budget
    for line in params.rules.lines:
        for part in line.parts:
            assert adjusted.part(line.name, part.name).amounts == rule.part(line.name, part.name).amounts
    for column in params.rules.amount_columns:
        spec = params.rules.column(column)
        for code in CODES:
            added = adjusted.adjustment(column, code)
            assert adjusted.rule_amount(column, code) == rule_cells[(column, code)]
            assert rule_cells[(column, code)] + added == adjusted.amount(column, code)
            if spec.kind == "part":
                assert added == sum(a.kronor.get(code, 0) for a in adjustments if (a.line, a.part) == spec.ref)
            elif spec.kind == "line":
                assert added == sum(a.kronor.get(code, 0) for a in adjustments if a.line == spec.ref[0])


def test_the_signed_krona_of_bilaga_3(inputs: Inputs, params: Parameters) -> None:
    adj = Adjustment("ambulans", "befolkning", {"04": -1, "14": 1}, "bilaga3", "Bilaga 3")
    result = allocate(inputs, params, adjustments=[adj])
    assert (result.amount("ambulans", "04"), result.rule_amount("ambulans", "04")) == (1_516_511, 1_516_512)
    assert (result.amount("ambulans", "14"), result.rule_amount("ambulans", "14")) == (6_443_659, 6_443_658)
    assert (result.amount("regioner_totalt", "04"), result.amount("regioner_totalt", "14")) == (66_275_445, 399_201_404)
    assert result.adjustment("nara_vard", "04") == 0 and result.adjustment("regioner_totalt", "04") == -1
    assert result.part("ambulans", "befolkning").amounts["04"] == 1_016_512  # the rule's apportionment


@pytest.mark.parametrize(("adjustment", "message"), [
    (Adjustment("ambulans", "nope", {"04": -1, "14": 1}), "names no budget line and part"),
    (Adjustment("nope", "befolkning", {"04": -1, "14": 1}), "names no budget line and part"),
    (Adjustment("ambulans", "befolkning", {"04": -1, "99": 1}), "unknown recipients: 99"),
    (Adjustment("ambulans", "befolkning", {"04": -1, "14": 2}), "must keep the part's sum"),
    (Adjustment("ambulans", "befolkning", {"04": True, "14": -1}), "whole kronor"),  # type: ignore[dict-item]
    (Adjustment("ambulans", "befolkning", {"04": -2_000_000, "14": 2_000_000}), "would make 04's amount negative"),
])
def test_an_impossible_adjustment_is_refused(inputs: Inputs, params: Parameters, adjustment: Adjustment,
                                             message: str) -> None:
    with pytest.raises(AllocationError, match=message):
        allocate(inputs, params, adjustments=[adjustment])


def test_adjustments_that_together_go_below_zero_are_refused(inputs: Inputs, params: Parameters) -> None:
    rule = allocate(inputs, params).part("ambulans", "befolkning").amounts["09"]
    half = rule // 2 + 1
    one = Adjustment("ambulans", "befolkning", {"09": -half, "01": half})
    allocate(inputs, params, adjustments=[one])  # alone, possible
    with pytest.raises(AllocationError, match="would make 09's amount negative"):
        allocate(inputs, params, adjustments=[one, one])
