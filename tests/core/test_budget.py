"""The budget table (avsnitt 11 in 2024): lines built from parameters; the stated totals follow from them."""

from __future__ import annotations

import pytest

from godnaravard.agreements import load_agreement
from godnaravard.core import Parameters, Result, budget_lines
from godnaravard.core import derived_totals as _derived
from godnaravard.core.budget import derived_total
from godnaravard.reference import stated_totals


def derived_totals(params: Parameters) -> dict[str, int]:
    """The stated totals that add up parameters and budget items (no allocated column)."""
    lines = budget_lines(params)
    return {t.id: derived_total(t, params, lines, {}) for t in params.rules.stated_totals if not t.columns}


def test_state_and_regions_totals(params: Parameters) -> None:
    lines = budget_lines(params)
    assert sum(ln.amount for ln in lines if ln.payer == "staten") == 3_330_250_000
    assert sum(ln.amount for ln in lines if ln.payer == "regionerna") == 100_000_000


@pytest.mark.parametrize(
    "stated", [s for s in stated_totals(load_agreement("god-och-nara-vard-2024")) if not s[0].startswith("bilaga")],
    ids=lambda s: s[0]
)
def test_every_stated_total_of_the_text_follows_from_the_items(params: Parameters, stated: tuple) -> None:
    ident, section, statement, amount = stated
    # (The bilagor's total rows are sums of allocated cells: tests/test_check.py audits those.)
    derived = derived_totals(params)
    assert derived[ident] == amount, f"{section}: {statement}"


def test_the_bilagor_total_rows_follow_from_the_allocated_columns(result: Result) -> None:
    stated = {i: a for i, _, _, a in stated_totals(load_agreement("god-och-nara-vard-2024")) if i.startswith("bilaga")}
    derived = _derived(result.parameters, result.totals())
    assert {i: derived[i] for i in stated} == stated


def test_a_changed_line_moves_every_total_that_contains_it(params: Parameters) -> None:
    p = params.with_values({"ambulans.total": 50_000_000})
    d, d0 = derived_totals(p), derived_totals(params)
    assert d["s13_1_regionerna"] - d0["s13_1_regionerna"] == 4_000_000
    assert d["s11_2_total"] - d0["s11_2_total"] == 4_000_000
    assert d["s13_1_kommunerna"] == d0["s13_1_kommunerna"]
