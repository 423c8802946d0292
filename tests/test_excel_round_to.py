"""The workbook with a rounding unit (``round_to``, issue 17 §2): its live formulas, recalculated by
LibreOffice, give every amount exactly as ``allocate --set`` (slow), and the cached values are the core's."""

from __future__ import annotations

import random
from fractions import Fraction
from pathlib import Path

import pytest
from _definitions import line_variant

openpyxl = pytest.importorskip("openpyxl")

import godnaravard  # noqa: E402
from godnaravard.agreements import load_agreement  # noqa: E402
from godnaravard.excel import export_workbook  # noqa: E402
from tests.test_excel import (  # noqa: E402
    SOFFICE,
    _allocate_csv,
    _wb,
    amount_cells,
    assert_amounts_as_allocated,
    assert_refused,
    block,
    recalculated,
)

FIXTURE = Path(__file__).parent / "fixtures" / "partial_thousands"

#: The fixture's line with a base amount, and a share part in units of 5 000 (the split in 5 000s).
_LINE = '''[[lines]]
name = "stod"
label = "Stöd"
total = "stod.total"
base = "stod.grund"
round_to = 1000
section = "Tabell 1"
parts = [
    { name = "insatser", key = "hsl_insatser", share = "stod.andel", round_to = 5000 },
    { name = "befolkning", key = "population" },
]

[keys.hsl_insatser]
column = "hsl_insatser"
label = "HSL-insatser"

[parameters."stod.grund"]
value = 1_000_000
kind = "amount"
unit = "kr"
label = "Grundbelopp"
source = "Test"

[parameters."stod.andel"]
value = "1/3"
kind = "share"
unit = "andel"
label = "Andel efter insatser"
source = "Test"
'''


@pytest.fixture(scope="module")
def units_agreement(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return line_variant(FIXTURE, tmp_path_factory.mktemp("units") / "units", _LINE, ("population", "hsl_insatser"))


@pytest.fixture(scope="module")
def units_xlsx(units_agreement: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("units_export") / "units.xlsx"
    export_workbook(godnaravard.allocate(agreement=units_agreement), path)
    return path


def test_the_cached_amounts_are_the_cores_in_whole_units(units_agreement: Path, units_xlsx: Path) -> None:
    ag = load_agreement(units_agreement)
    rows = _allocate_csv({}, str(units_agreement))
    assert all(int(r["stod"]) % 1000 == 0 for r in rows)
    assert assert_amounts_as_allocated(_wb(units_xlsx, data_only=True), amount_cells(_wb(units_xlsx, False), ag), rows)


@pytest.mark.slow
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_recalculated_with_units_equals_allocate(units_agreement: Path, units_xlsx: Path, tmp_path: Path) -> None:
    """Random totals, base amounts and shares (in whole units), recalculated by LibreOffice, give every amount
    as ``allocate --set``; a total that is no whole number of units gives errors, never figures."""
    rng = random.Random(17)
    cases: list[dict[str, int | Fraction]] = [
        {"stod.total": 5000 * rng.randint(21 * 200, 10**6), "stod.grund": 5000 * rng.randint(0, 200),
         "stod.andel": Fraction(rng.randint(0, 12), 12)}
        for _ in range(8)
    ]
    refused = {"stod.total": 1_000_000_500}
    outs = recalculated([*((units_xlsx, changes) for changes in cases), (units_xlsx, refused)], tmp_path)
    ag = load_agreement(units_agreement)
    where = amount_cells(_wb(units_xlsx, False), ag)
    for out, changes in zip(outs, cases, strict=False):
        expected = _allocate_csv(changes, str(units_agreement))
        wb = _wb(out, data_only=True)
        assert_amounts_as_allocated(wb, where, expected, out.name, changes)
        headings, lines = block(wb["Delbelopp"], "Budgetrader")
        assert [r[headings.index("Kontroll")] for r in lines] == ["stämmer"] * len(lines)
    assert_refused(outs[-1], where)
