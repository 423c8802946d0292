"""Reconciliation with the official tables: every official cell is a test case (reference data)."""

from __future__ import annotations

import pytest

from godnaravard import allocate
from godnaravard.check import TOLERANCE_KR, reconcile
from godnaravard.core import Result
from godnaravard.reference import official_cells


@pytest.mark.parametrize("cell", official_cells(), ids=lambda c: f"{c.column}-{c.lan_code}")
def test_every_official_cell_within_tolerance(result: Result, cell) -> None:
    row = next(r for r in result.rows if r.lan_code == cell.lan_code)
    assert abs(getattr(row, cell.column) - cell.amount) <= TOLERANCE_KR


def test_at_least_82_of_84_cells_exact_and_summary(result: Result) -> None:
    rec = reconcile(result)
    assert len(rec.cells) == 84
    assert rec.exact >= 82
    assert rec.within_tolerance == 84
    assert rec.ok


def test_every_deviating_cell_is_explained(result: Result) -> None:
    rec = reconcile(result)
    for cell in rec.deviating:
        assert "remainder" in cell.reason and "rank" in cell.reason
        assert abs(cell.exact - cell.official) < 1 and abs(cell.exact - cell.computed) < 1


def test_stated_totals_all_follow(result: Result) -> None:
    rec = reconcile(result)
    assert rec.totals and all(t.ok for t in rec.totals)
    ids = {t.id for t in rec.totals}
    assert {"s13_1_regionerna", "s11_1_statens_andel", "t11_1_4", "t11_2_sub1", "bilaga3_total"} <= ids


def test_rule_comparison_is_computed_not_asserted(result: Result) -> None:
    rec = reconcile(result)
    used = rec.rules[0]
    assert used.rule == "largest_remainder" and used.exact == rec.exact
    # The declared rule is at least as good as every alternative compared.
    assert all(used.exact >= r.exact for r in rec.rules)


def test_check_fails_when_a_cell_moves_more_than_the_tolerance() -> None:
    # A what-if that changes the totals cannot match the 2024 tables: the check must say so.
    alloc = allocate(overrides={"ambulans.grundbelopp": 1_000_000})
    rec = reconcile(alloc.result, is_baseline=alloc.scenario.is_baseline)
    assert not rec.ok
    assert rec.notes and "differs from the 2024 agreement" in rec.notes[0]
    assert rec.worst is not None and abs(rec.worst.deviation) > TOLERANCE_KR


def test_stated_total_mismatch_is_reported() -> None:
    alloc = allocate(overrides={"skr.ambulans": 1})
    rec = reconcile(alloc.result)
    bad = {t.id for t in rec.totals if not t.ok}
    assert "s13_1_skr" in bad and "s11_2_total" in bad
    assert not rec.ok
