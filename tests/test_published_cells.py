"""Every published cell of every shipped agreement, one test case each.

The cases are generated from the agreements themselves (``shipped_agreements()``): each table with
an ``official`` file, each of its mapped amount columns, each recipient, read through the package's
reader of the official tables (``reference.official_cells``) here in the test only; the
calculation never reads them. A new agreement, table or recipient adds its cases by itself.

For each cell: the agreement as signed (``godnaravard.allocate``, adjustments applied) equals the
published figure exactly, and the rule's own figure is within 1 kr of it, or differs from it by
exactly the adjustment the definition declares for that cell (``[[adjustments]]``).
"""

from __future__ import annotations

from functools import cache

import pytest

import godnaravard
from godnaravard import core
from godnaravard.agreements import Agreement, shipped_agreements
from godnaravard.api import Allocation
from godnaravard.reference import OfficialCell, official_cells

AGREEMENTS = {ag.name: ag for ag in shipped_agreements()}
CASES = [(name, cell) for name, ag in AGREEMENTS.items() for cell in official_cells(ag)]


@cache
def signed(name: str) -> Allocation:
    """The agreement as signed, computed once per agreement."""
    return godnaravard.allocate(agreement=AGREEMENTS[name])


def _id(value: object) -> str:
    if isinstance(value, OfficialCell):
        return f"{value.bilaga}-{value.column}-{value.code}"
    return str(value)


@pytest.mark.parametrize(("name", "cell"), CASES, ids=_id)
def test_published_cell(name: str, cell: OfficialCell) -> None:
    alloc = signed(name)
    assert alloc.as_signed
    result = alloc.result
    assert result.amount(cell.column, cell.code) == cell.amount
    rules = AGREEMENTS[name].rules
    declared = core.adjustment_of(core.resolve(rules, cell.column), rules.adjustments, cell.code)
    moved = cell.amount - result.rule_amount(cell.column, cell.code)
    assert moved == declared or (declared == 0 and abs(moved) <= 1)


def _official_tables(ag: Agreement) -> list[str]:
    return [t.label for t in ag.tables if t.official is not None]


@pytest.mark.parametrize("name", sorted(AGREEMENTS))
def test_every_official_table_and_mapped_column_has_cases(name: str) -> None:
    """No official table, mapped amount column or recipient is silently left without cases."""
    ag = AGREEMENTS[name]
    cells = [c for n, c in CASES if n == name]
    recipients = {r.code for r in signed(name).result.inputs.recipients}
    for table in ag.tables:
        if table.official is None:
            continue
        mapped = [c for c in table.official_columns if c in ag.rules.amount_columns]
        own = [c for c in cells if c.bilaga == table.label]
        assert mapped, f"{table.name} maps no amount column"
        assert {(c.column, c.code) for c in own} == {(col, code) for col in mapped for code in recipients}
        assert len(own) == len(mapped) * len(recipients)


def test_the_shipped_agreements_publish_cells() -> None:
    """Both shipped agreements have official tables, so the cases above are not vacuous."""
    assert all(_official_tables(ag) for ag in AGREEMENTS.values())
    assert {name for name, _ in CASES} == set(AGREEMENTS)
