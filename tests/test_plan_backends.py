"""One plan, three backends (issue 17 §3): a line shape no shipped agreement has — a base amount, two
carved parts with different rounding units and two share parts besides the rest — gives the same
amounts in the core, the sweep and the workbook, and the sweep refuses what the core refuses with the
core's message. The workbook's formulas recalculated by LibreOffice are slow-marked; its cached values
(the formulas' integers computed by ``excel.model`` from the same plan) are checked in the fast suite.
"""

from __future__ import annotations

import random
from fractions import Fraction
from pathlib import Path

import pytest
from _definitions import line_variant

import godnaravard
from godnaravard import core
from godnaravard.agreements import load_agreement
from godnaravard.sweep import ScenarioError, compute
from tests.test_sweep import assert_matches_core, product

FIXTURE = Path(__file__).parent / "fixtures" / "partial_thousands"

#: The shape: units 1 000 and 200 for the carved parts, 500 for one share part (the split in 500s),
#: the line's 100 for the other share part and the rest; parts in an order that mixes the kinds.
_LINE = '''[[lines]]
name = "stod"
label = "Stöd"
total = "stod.total"
base = "stod.grund"
round_to = 100
section = "Tabell 1"
parts = [
    { name = "forsta", key = "population", amount = "stod.forsta", round_to = 1000 },
    { name = "insatser", key = "hsl_insatser", share = "stod.andel_insatser", round_to = 500 },
    { name = "andra", key = "hsl_insatser", amount = "stod.andra", round_to = 200 },
    { name = "invanare", key = "population", share = "stod.andel_invanare" },
    { name = "befolkning", key = "population" },
]

[keys.hsl_insatser]
column = "hsl_insatser"
label = "HSL-insatser"
'''

_PARAMETERS = {
    "stod.grund": ("1_000_000", "amount", "kr"), "stod.forsta": ("50_000_000", "amount", "kr"),
    "stod.andra": ("29_999_000", "amount", "kr"), "stod.andel_insatser": ('"1/3"', "share", "andel"),
    "stod.andel_invanare": ('"1/4"', "share", "andel"),
}


@pytest.fixture(scope="module")
def shape(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture agreement with its one line replaced by the shape above."""
    parameters = "".join(f'\n[parameters."{k}"]\nvalue = {v}\nkind = "{kind}"\nunit = "{unit}"\nlabel = "{k}"\n'
                         f'source = "Test"\n' for k, (v, kind, unit) in _PARAMETERS.items())
    return line_variant(FIXTURE, tmp_path_factory.mktemp("plan") / "plan", _LINE, ("population", "hsl_insatser"),
                        parameters)


def test_the_shape_is_planned_as_written(shape: Path) -> None:
    plan = core.plans(load_agreement(shape).rules)[0]
    assert [(p.name, p.kind, p.unit) for p in plan.parts] == [
        ("forsta", "carved", 1000), ("insatser", "share", 500), ("andra", "carved", 200),
        ("invanare", "share", 100), ("befolkning", "rest", 100)]
    assert plan.split_unit == 500


def test_the_sweep_equals_the_core(shape: Path) -> None:
    allocation = godnaravard.allocate(agreement=shape)
    inputs, params = allocation.result.inputs, allocation.result.parameters
    sset = product({"stod.andel_insatser": [Fraction(0), Fraction(1, 3), Fraction(2, 7)],
                    "stod.andel_invanare": [Fraction(1, 4), Fraction(5, 9)],
                    "stod.andra": [29_999_000, 0, 80_000_000], "stod.total": [1_000_000_000, 987_654_500]})
    result = compute(inputs, params, sset)
    assert result.core_scenarios == 0
    assert_matches_core(inputs, params, result)


@pytest.mark.parametrize("levels", [
    {"stod.andel_invanare": [Fraction(1, 4), Fraction(3, 4)]},  # the shares add up to more than 1
    {"stod.andra": [29_999_000, 29_999_200]},  # what remains is not a whole number of 500s
    {"stod.andra": [29_999_000, 29_999_100]},  # a carved amount not in its unit
    {"stod.grund": [1_000_000, 50_000_000]},  # 21 base amounts above the total
    {"stod.forsta": [50_000_000, 990_000_000]},  # the carved parts above what the base amounts leave
])
def test_the_sweep_refuses_with_the_cores_message(shape: Path, levels: dict[str, list[int | Fraction]]) -> None:
    allocation = godnaravard.allocate(agreement=shape)
    inputs, params = allocation.result.inputs, allocation.result.parameters
    (key, (_, refused)), = levels.items()
    with pytest.raises(core.AllocationError) as expected:
        core.allocate(inputs, params.with_values({key: refused}))
    with pytest.raises(ScenarioError) as info:
        compute(inputs, params, product(levels))
    assert info.value.label == "2"
    assert str(info.value.cause) == str(expected.value)


openpyxl = pytest.importorskip("openpyxl")

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


@pytest.fixture(scope="module")
def shape_xlsx(shape: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("plan_export") / "plan.xlsx"
    export_workbook(godnaravard.allocate(agreement=shape), path)
    return path


def test_the_workbooks_cached_amounts_equal_the_core(shape: Path, shape_xlsx: Path) -> None:
    ag = load_agreement(shape)
    rows = _allocate_csv({}, str(shape))
    wb = _wb(shape_xlsx, data_only=True)
    assert assert_amounts_as_allocated(wb, amount_cells(_wb(shape_xlsx, False), ag), rows)
    headings, lines = block(wb["Delbelopp"], "Budgetrader")
    assert [r[headings.index("Kontroll")] for r in lines] == ["stämmer"]


@pytest.mark.slow
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_the_recalculated_workbook_equals_the_core(shape: Path, shape_xlsx: Path, tmp_path: Path) -> None:
    """Random amounts in whole units and shares, recalculated by LibreOffice, give every amount as
    ``allocate --set``; parameters the core refuses give errors, never figures."""
    rng = random.Random(3)
    cases: list[dict[str, int | Fraction]] = []
    while len(cases) < 6:
        case: dict[str, int | Fraction] = {
            "stod.total": 500 * rng.randint(10**5, 4 * 10**6), "stod.grund": 500 * rng.randint(0, 2000),
            "stod.forsta": 1000 * rng.randint(0, 10**5), "stod.andra": 1000 * rng.randint(0, 10**5),
            # Shares the workbook reads exactly: it reads a share typed into it to six decimals (``excel.model``).
            "stod.andel_insatser": Fraction(rng.randint(0, 20), 40), "stod.andel_invanare": Fraction(rng.randint(0, 20), 40)}
        if 21 * case["stod.grund"] + case["stod.forsta"] + case["stod.andra"] <= case["stod.total"]:
            cases.append(case)
    refused = {"stod.andra": 29_999_200}  # what remains is not a whole number of 500s
    outs = recalculated([*((shape_xlsx, changes) for changes in cases), (shape_xlsx, refused)], tmp_path)
    ag = load_agreement(shape)
    where = amount_cells(_wb(shape_xlsx, False), ag)
    for out, changes in zip(outs, cases, strict=False):
        expected = _allocate_csv(changes, str(shape))
        wb = _wb(out, data_only=True)
        assert_amounts_as_allocated(wb, where, expected, out.name, changes)
    assert_refused(outs[-1], where)
