"""Relative changes (``godnaravard.relative``, issue 18 §3): ``+10%``, ``-2.5%``, ``*1.1`` in ``--set``,
scenario files and ``sweep --vary``, exact, amounts rounded half up, and said so."""

from __future__ import annotations

import csv
import doctest
import io
import math
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from godnaravard import allocate, relative
from godnaravard.errors import InputError
from godnaravard.relative import change, factor_of, is_relative, round_half_up
from godnaravard.scenario import load_scenario, parse_value, with_overrides
from tests._cli import invoke

amounts = st.integers(min_value=0, max_value=10**15)
#: A decimal as a user writes it: up to 4 decimals, read exactly.
decimals = st.decimals(min_value=0, max_value=1000, places=4, allow_nan=False, allow_infinity=False)


def test_the_examples_in_the_docstring() -> None:
    failed, attempted = doctest.testmod(relative)
    assert attempted > 0 and failed == 0


@given(amounts, decimals, st.sampled_from("+-"))
def test_a_percentage_is_exact_and_an_amount_rounded_half_up(base: int, p: Decimal, sign: str) -> None:
    text = f"{sign}{p}%"
    exact = base * (1 + (Fraction(str(p)) if sign == "+" else -Fraction(str(p))) / 100)
    c = change("k", "amount", base, text)
    assert c.exact == exact and isinstance(c.value, int)
    assert -Fraction(1, 2) < c.value - exact <= Fraction(1, 2)  # the nearest whole krona, a half up
    assert c.value == math.floor(exact + Fraction(1, 2))
    assert c.rounded == (exact.denominator != 1)
    assert ("rounded half up" in c.describe()) == c.rounded


@given(amounts, decimals)
def test_a_factor_equals_the_same_percentage(base: int, f: Decimal) -> None:
    times = change("k", "amount", base, f"*{f}")
    percent = (f - 1) * 100
    sign = "+" if percent >= 0 else "-"
    as_percent = change("k", "amount", base, f"{sign}{abs(percent)}%")
    assert times.value == as_percent.value and times.exact == as_percent.exact == base * Fraction(str(f))


@given(st.fractions(min_value=0, max_value=100, max_denominator=1000), decimals)
def test_a_weight_stays_exact(base: Fraction, f: Decimal) -> None:
    c = change("w", "weight", base, f"*{f}")
    assert c.value == base * Fraction(str(f)) and not c.rounded


@given(st.integers(-10**6, 10**6), st.integers(1, 1000))
def test_round_half_up(n: int, d: int) -> None:
    x = Fraction(n, d)
    r = round_half_up(x)
    assert r - Fraction(1, 2) <= x < r + Fraction(1, 2)


@pytest.mark.parametrize("text", ["+10%", "-2.5%", "*1.1", "×1.1", " + 10 % ", "*3/2", "-2,5%"])
def test_the_forms(text: str) -> None:
    assert is_relative(text)
    factor_of("k", "amount", text)


@pytest.mark.parametrize("text", ["10", "-5", "1/2", "50%", "0.5"])
def test_values_as_given_are_not_relative(text: str) -> None:
    assert not is_relative(text)


@pytest.mark.parametrize("text", ["+10", "*", "*1e5", "+10%%", "*x", "+-10%", "*1/0"])
def test_a_malformed_change_is_refused_naming_the_key(text: str) -> None:
    with pytest.raises(ValueError, match=r"^k: "):
        factor_of("k", "amount", text)


def test_a_share_takes_a_factor_but_no_percentage() -> None:
    with pytest.raises(ValueError, match="percentage points"):
        parse_value("kommuner.andel_insatser", "+10%")
    assert parse_value("kommuner.andel_insatser", "*1.1") == Fraction(11, 20)


def test_a_huge_factor_is_refused() -> None:
    with pytest.raises(ValueError, match="digits"):
        parse_value("kommuner.total", "*" + "9" * 30)


# --- --set ---------------------------------------------------------------------------------

def _csv(*args: str) -> str:
    result = invoke("allocate", "--format", "csv", *args)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_plus_ten_percent_and_times_1_1_equal_the_amount() -> None:
    absolute = _csv("--set", "kommuner.total=825000000")
    assert _csv("--set", "kommuner.total=+10%") == absolute
    assert _csv("--set", "kommuner.total=*1.1") == absolute
    assert _csv("--set", "kommuner.total=×1.1") == absolute
    assert absolute != _csv()


def test_the_change_is_said_in_the_title_notes_and_source() -> None:
    alloc = allocate(overrides={"kommuner.total": "+10%"})
    assert alloc.scenario.parameters["kommuner.total"] == 825_000_000
    assert "kommuner.total +10 % = 825 000 000 (750 000 000 × 11/10)" in alloc.notes
    assert alloc.scenario.sources["kommuner.total"].startswith("--set kommuner.total=+10%: +10 % = 825 000 000")
    table = invoke("allocate", "--set", "kommuner.total=+10%", env={"COLUMNS": "200"}).stdout
    assert "kommuner.total=825000000 (+10 %)" in table and "Note: kommuner.total +10 % = 825 000 000" in table


def test_an_amount_that_is_not_whole_is_rounded_half_up_and_said_so() -> None:
    alloc = allocate(overrides={"ambulans.grundbelopp": "+0.0001%"})  # 500 000.5 kr
    assert alloc.scenario.parameters["ambulans.grundbelopp"] == 500_001
    assert any("500 000.5, rounded half up to 500 001" in n for n in alloc.notes)


def test_relative_to_the_scenario_it_applies_to(tmp_path: Path) -> None:
    base = tmp_path / "base.toml"
    base.write_text('name = "b"\nbase = "2024"\n[parameters]\n"kommuner.total" = 800_000_000\n', encoding="utf-8")
    sc = with_overrides(load_scenario(base), {"kommuner.total": "-2.5%"})
    assert sc.parameters["kommuner.total"] == 780_000_000
    on_top = tmp_path / "top.toml"
    on_top.write_text('name = "t"\nbase = "base.toml"\n[parameters]\n"kommuner.total" = "*1.1"\n'
                      '"landsbygd.vikt.gles" = "+12.5%"\n', encoding="utf-8")
    top = load_scenario(on_top)
    assert top.parameters["kommuner.total"] == 880_000_000
    assert top.parameters["landsbygd.vikt.gles"] == Fraction(9, 2)
    assert set(top.relative) == {"kommuner.total", "landsbygd.vikt.gles"}
    assert "×1.1 = 880 000 000 (800 000 000 × 11/10)" in top.sources["kommuner.total"]
    again = with_overrides(top, {"kommuner.total": "700000000"})
    assert "kommuner.total" not in again.relative  # a value as given replaces the change


def test_a_relative_change_that_makes_an_amount_negative_is_refused() -> None:
    result = invoke("allocate", "--set", "kommuner.total=-150%")
    assert result.exit_code == 2 and "cannot be negative" in result.output and "Traceback" not in result.output


def test_a_bad_relative_value_in_a_scenario_file_names_file_and_key(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text('name = "s"\nbase = "2024"\n[parameters]\n"kommuner.andel_insatser" = "+10%"\n', encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_scenario(path)
    assert "parameters.kommuner.andel_insatser" in str(info.value) and "percentage points" in str(info.value)


# --- sweep ---------------------------------------------------------------------------------

def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_sweep_relative_values_equal_allocate_with_them() -> None:
    result = invoke("sweep", "--vary", "kommuner.total=-10%,+0%,*1.1", "--set", "kommuner.total=700000000")
    assert result.exit_code == 0, result.output
    rows = _rows(result.stdout)
    assert sorted({r["kommuner.total"] for r in rows}) == ["630000000", "700000000", "770000000"]
    assert "relative to 700 000 000, the base scenario's value" in result.stderr
    sweep_third = {r["lan_code"]: r["kommuner"] for r in rows if r["scenario"] == "3"}
    expected = {r["lan_code"]: r["kommuner"] for r in _rows(_csv("--set", "kommuner.total=*1.1",
                                                                   "--scenario", "2024"))}
    assert sweep_third != expected  # relative to the sweep's base (700 Mkr), not to the agreement
    alone = _rows(_csv("--set", "kommuner.total=770000000"))
    assert sweep_third == {r["lan_code"]: r["kommuner"] for r in alone}


def test_a_relative_range_runs_over_factors_and_rounds_half_up() -> None:
    from godnaravard.sweep import grid

    sset = grid({"ambulans.grundbelopp": "-10%:+10%:5%"}, base={"ambulans.grundbelopp": 333})
    assert tuple(sset.levels["ambulans.grundbelopp"]) == (300, 316, 333, 350, 366)  # 299.7, 316.35, …, 366.3
    assert sset.notes and "rounded half up" in sset.notes[0]
    times = grid({"kommuner.total": "*0.9:*1.1:0.1"})
    assert tuple(times.levels["kommuner.total"]) == (675_000_000, 750_000_000, 825_000_000)


@pytest.mark.parametrize(("spec", "message"), [
    ("-10%:900000000:5%", "mixes forms"),
    ("-10%:*1.1:5%", "mixes forms"),
    ("-10%:+10%:0.05", "in the form of its ends"),
    ("-10%:+10%:0%", "must be positive"),
    ("+10%:-10%:5%", "ends before it starts"),
    ("-10%:+10%:0.0000001%", "at most"),
    ("-10%:+10%:0.0001%", "at most 100 000"),
    ("-200%:+10%:10%", "cannot be negative"),
])
def test_a_bad_relative_range_is_refused(spec: str, message: str) -> None:
    from godnaravard.sweep import grid

    with pytest.raises(InputError, match=message):
        grid({"kommuner.total": spec})


def test_a_scenarios_file_may_hold_relative_values(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text("scenario,kommuner.total\nup,+10%\nsame,*1\n", encoding="utf-8")
    result = invoke("sweep", "--scenarios", path)
    assert result.exit_code == 0, result.output
    assert {r["scenario"]: r["kommuner.total"] for r in _rows(result.stdout)} == {"up": "825000000",
                                                                                  "same": "750000000"}


def test_the_step_of_an_absolute_range_is_never_relative() -> None:
    from godnaravard.sweep import grid

    with pytest.raises(InputError, match="the step of '0:1000000:\\+10%'"):
        grid({"ambulans.grundbelopp": "0:1000000:+10%"})


def test_a_scenarios_file_with_relative_values_says_relative_to_what(tmp_path: Path) -> None:
    from godnaravard.sweep import read_scenarios

    path = tmp_path / "s.csv"
    path.write_text("kommuner.total,ambulans.grundbelopp\n+10%,1000\n800000000,2000\n", encoding="utf-8")
    sset = read_scenarios(path, base={"kommuner.total": 700_000_000})
    assert tuple(sset.levels["kommuner.total"]) == (770_000_000, 800_000_000)
    assert len(sset.notes) == 1 and "kommuner.total" in sset.notes[0] and "700 000 000" in sset.notes[0]
    result = invoke("sweep", "--scenarios", path)
    assert result.exit_code == 0 and "relative values of kommuner.total" in result.stderr
