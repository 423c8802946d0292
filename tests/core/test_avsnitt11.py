"""Avsnitt 11: budget lines built from parameters; the agreement's stated totals follow from them."""

from __future__ import annotations

import pytest

from godnaravard.core import Parameters, budget_lines, derived_totals
from godnaravard.reference import stated_totals


def test_state_and_regions_totals(params: Parameters) -> None:
    lines = budget_lines(params)
    assert sum(ln.amount for ln in lines if ln.payer == "staten") == 3_330_250_000
    assert sum(ln.amount for ln in lines if ln.payer == "regionerna") == 100_000_000


@pytest.mark.parametrize(
    "stated", [s for s in stated_totals() if not s[0].startswith("bilaga")], ids=lambda s: s[0]
)
def test_every_stated_total_of_the_text_follows_from_the_items(params: Parameters, stated: tuple) -> None:
    ident, section, statement, amount = stated
    # (The bilagor's total rows are sums of allocated cells: tests/test_check.py audits those.)
    derived = derived_totals(params)
    assert derived[ident] == amount, f"{section}: {statement}"


def test_a_changed_line_moves_every_total_that_contains_it(params: Parameters) -> None:
    p = params.with_values({"ambulans.total": 50_000_000})
    d, d0 = derived_totals(p), derived_totals(params)
    assert d["s13_1_regionerna"] - d0["s13_1_regionerna"] == 4_000_000
    assert d["s11_2_total"] - d0["s11_2_total"] == 4_000_000
    assert d["s13_1_kommunerna"] == d0["s13_1_kommunerna"]
