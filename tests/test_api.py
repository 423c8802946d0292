"""The Python API: allocate, scenario_from, compare (the examples in docs/what-if.md run through Sybil)."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

import godnaravard
from godnaravard import Allocation, InputError, Scenario, allocate, load_scenario, scenario_from


def test_public_names() -> None:
    for name in ("allocate", "compare", "scenario_from", "load_scenario", "Scenario", "Allocation",
                 "InputError", "AllocationError", "Parameters"):
        assert name in godnaravard.__all__ and hasattr(godnaravard, name), name
    assert callable(godnaravard.compare)


def test_allocate_returns_rows_totals_and_a_frame() -> None:
    alloc = allocate()
    assert isinstance(alloc, Allocation) and alloc.scenario.is_baseline
    assert len(alloc.rows) == 21
    totals = alloc.totals()
    assert (totals["nara_vard"], totals["landsbygd"], totals["ambulans"], totals["kommuner"]) == (
        2_420_000_000, 300_000_000, 46_000_000, 750_000_000)
    frame = alloc.to_frame()
    assert list(frame.columns) == list(alloc.columns) == list(alloc.agreement.rules.column_names)
    assert frame["kommuner"].sum() == 750_000_000 and str(frame["kommuner"].dtype) == "int64"
    assert alloc.to_records()[0]["lan_code"] == "01"


def test_overrides_scenarios_and_paths_agree(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text('name = "s"\nbase = "2024"\n[parameters]\n"kommuner.andel_insatser" = "1/4"\n', encoding="utf-8")
    by_override = allocate(overrides={"kommuner.andel_insatser": Fraction(1, 4)})
    by_path = allocate(path)
    by_code = allocate(scenario_from(parameters={"kommuner.andel_insatser": "25%"}))
    by_loaded = allocate(load_scenario(path))
    assert by_override.rows == by_path.rows == by_code.rows == by_loaded.rows
    assert by_override.rows != allocate().rows
    assert isinstance(by_code.scenario, Scenario)


def test_allocate_any_shipped_agreement_by_name_or_alias() -> None:
    svf = allocate(agreement="svf-cancer-2025-2")
    assert allocate(agreement="svf-2025-2").rows == svf.rows
    assert len(svf.rows) == 18 and svf.totals()["svf"] == 182_500_000
    assert {r["lan_code"] for r in svf.rows}.isdisjoint({"13", "21", "24"})
    assert list(svf.to_frame().columns) == ["lan_code", "lan", "region", "population", "svf"]
    more = allocate(overrides={"svf.total": 200_000_000}, agreement="svf-cancer-2025-2")
    assert more.totals()["svf"] == 200_000_000 and not more.scenario.is_baseline


def test_api_errors_are_input_errors() -> None:
    with pytest.raises(InputError, match="ambulans.grundbelopp"):
        allocate(overrides={"ambulans.grundbelopp": "lots"})
    with pytest.raises(godnaravard.AllocationError, match="ambulans.grundbelopp"):
        allocate(overrides={"ambulans.grundbelopp": 3_000_000})
