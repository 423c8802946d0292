"""``godnaravard diff`` and ``godnaravard.compare``: per region and column, A against B."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

import godnaravard
from godnaravard import allocate, scenario_from
from godnaravard.comparison import COLUMNS, RECORD_FIELDS, decimal, diff
from godnaravard.resources import data_file

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
SET_1MKR = ("--set", "ambulans.grundbelopp=1000000")


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "godnaravard", *args], capture_output=True, text=True, cwd=cwd)


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def diff_json(*args: str) -> dict:
    proc = run("diff", *args, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


# --- The baseline against itself is all zeros ---------------------------------------------------

def test_baseline_against_itself_is_all_zeros() -> None:
    proc = run("diff", "2024", "--format", "csv")
    assert proc.returncode == 0, proc.stderr
    rows = csv_rows(proc.stdout)
    assert list(rows[0]) == list(RECORD_FIELDS)
    assert len(rows) == 22 * len(COLUMNS)  # 21 län and the total, five columns each
    assert {r["column"] for r in rows} == set(COLUMNS)
    for r in rows:
        assert r["a"] == r["b"] and r["diff"] == "0" and Decimal(r["diff_percent"]) == 0, r
        assert Decimal(r["per_inhabitant_diff"]) == 0
    doc = diff_json("2024", "2024")
    assert doc["identical"] and doc["parameter_changes"] == {} and doc["data_changes"] == {}
    table = run("diff", "2024")
    assert table.returncode == 0 and "all differences are 0 kr" in table.stdout
    assert "nothing (same parameters and data)" in table.stdout


# --- A changed base amount: every region moves, every column sums to zero ----------------------

def test_ambulance_base_amount_change_moves_every_region_and_sums_to_zero() -> None:
    doc = diff_json("2024", *SET_1MKR)
    assert doc["parameter_changes"] == {"ambulans.grundbelopp": {"a": 500_000, "b": 1_000_000}}
    assert not doc["identical"]
    regions = doc["regions"]
    assert len(regions) == 21
    for col in COLUMNS:
        assert sum(r["columns"][col]["diff"] for r in regions) == 0, col  # totals unchanged
        assert doc["totals"]["columns"][col]["diff"] == 0
    for r in regions:
        amb = r["columns"]["ambulans"]
        assert amb["diff"] != 0 and amb["diff"] == amb["b"] - amb["a"]
        assert r["columns"]["regioner_totalt"]["diff"] == amb["diff"]
        for col in ("nara_vard", "landsbygd", "kommuner"):
            assert r["columns"][col]["diff"] == 0
    # Small regions gain, the three largest lose (the base amount is the same for everyone).
    by_code = {r["lan_code"]: r["columns"]["ambulans"]["diff"] for r in regions}
    assert by_code["09"] > 0 and by_code["01"] < 0 and by_code["12"] < 0 and by_code["14"] < 0


def test_a_and_b_are_the_figures_of_allocate() -> None:
    rows = csv_rows(run("diff", "2024", *SET_1MKR, "--format", "csv").stdout)
    a = {r.lan_code: r for r in allocate().rows}
    b = {r.lan_code: r for r in allocate(overrides={"ambulans.grundbelopp": 1_000_000}).rows}
    for r in rows:
        if r["lan_code"]:
            assert int(r["a"]) == getattr(a[r["lan_code"]], r["column"])
            assert int(r["b"]) == getattr(b[r["lan_code"]], r["column"])
        else:
            assert r["lan"] == "Totalt"


def test_percent_and_per_inhabitant_are_rounded_from_exact_values() -> None:
    rows = csv_rows(run("diff", "2024", *SET_1MKR, "--format", "csv").stdout)
    for r in rows:
        a, b, pop = int(r["a"]), int(r["b"]), int(r["population_a"])
        assert Decimal(r["diff_percent"]) == decimal(Fraction(100 * (b - a), a), 4)
        assert Decimal(r["per_inhabitant_a"]) == decimal(Fraction(a, pop), 4)
        assert Decimal(r["per_inhabitant_diff"]) == decimal(Fraction(b - a, pop), 4)
    gotland = next(r for r in rows if r["lan_code"] == "09" and r["column"] == "ambulans")
    assert gotland["diff_percent"] == "62.2662"


def test_b_defaults_to_a_and_set_applies_to_b(tmp_path: Path) -> None:
    path = EXAMPLES / "scenarios" / "ambulans_grundbelopp_1mkr.toml"
    by_file = run("diff", "2024", str(path), "--format", "csv").stdout
    by_set = run("diff", "2024", *SET_1MKR, "--format", "csv").stdout
    assert by_file == by_set
    # diff FILE with no B compares the file with itself.
    assert diff_json(str(path))["identical"]
    # --set on top of B: back to the baseline's value.
    assert diff_json("2024", str(path), "--set", "ambulans.grundbelopp=500000")["identical"]


def test_changing_a_total_moves_the_column_sum_by_exactly_the_change() -> None:
    doc = diff_json("2024", "--set", "regioner.nara_vard_total=2520000000")
    nv = [r["columns"]["nara_vard"]["diff"] for r in doc["regions"]]
    assert sum(nv) == 100_000_000 == doc["totals"]["columns"]["nara_vard"]["diff"]
    assert doc["totals"]["columns"]["landsbygd"]["diff"] == 0
    assert doc["totals"]["columns"]["nara_vard"]["diff_percent"] == pytest.approx(100 * 100 / 2420, abs=1e-4)


def test_population_option_applies_to_b(tmp_path: Path) -> None:
    rows = csv_rows(data_file("population_2023.csv").read_text(encoding="utf-8"))
    rows[0]["population"] = str(int(rows[0]["population"]) + 100_000)  # Stockholm grows (not real data)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    pop = tmp_path / "pop.csv"
    pop.write_text(out.getvalue(), encoding="utf-8")
    doc = diff_json("2024", "--population", str(pop))
    assert doc["data_changes"] == {"population": {"a": None, "b": str(pop)}}
    stockholm = doc["regions"][0]
    assert stockholm["population_b"] == stockholm["population_a"] + 100_000
    assert stockholm["columns"]["nara_vard"]["diff"] > 0
    assert all(r["columns"]["nara_vard"]["diff"] < 0 for r in doc["regions"][1:])
    assert stockholm["columns"]["landsbygd"]["diff"] == 0  # the rural key did not change
    for col in COLUMNS:
        assert doc["totals"]["columns"][col]["diff"] == 0


def test_a_zero_amount_in_a_has_no_percentage(tmp_path: Path) -> None:
    a = tmp_path / "a.toml"
    a.write_text('name = "no rural part"\nbase = "2024"\n[parameters]\n"regioner.landsbygd_total" = 0\n',
                 encoding="utf-8")
    doc = diff_json(str(a), "2024")
    land = doc["regions"][0]["columns"]["landsbygd"]
    assert land["a"] == 0 and land["b"] > 0 and land["diff_percent"] is None
    row = next(r for r in csv_rows(run("diff", str(a), "2024", "--format", "csv").stdout)
               if r["column"] == "landsbygd")
    assert row["diff_percent"] == ""


def test_column_option_restricts_the_output() -> None:
    rows = csv_rows(run("diff", "2024", *SET_1MKR, "--column", "ambulans", "--format", "csv").stdout)
    assert {r["column"] for r in rows} == {"ambulans"} and len(rows) == 22


def test_table_shows_the_changed_column_per_region() -> None:
    proc = run("diff", "2024", *SET_1MKR)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "ambulans.grundbelopp: 500 000 → 1 000 000" in out
    assert "Ambulans (bilaga 3)" in out and "09 Gotland" in out
    assert "+439 241" in out and "−1 942 496" in out  # Gotland gains, Stockholm loses


# --- --plot ------------------------------------------------------------------------------------

def test_plot_is_written_atomically_and_never_clobbered(tmp_path: Path) -> None:
    png = tmp_path / "diff.png"
    proc = run("diff", "2024", *SET_1MKR, "--format", "csv", "--plot", str(png))
    assert proc.returncode == 0, proc.stderr
    data = png.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 10_000
    again = run("diff", "2024", "--plot", str(png))
    assert again.returncode == 2 and "already exists" in again.stderr and again.stdout == ""
    assert png.read_bytes() == data
    forced = run("diff", "2024", "--plot", str(png), "--force", "--format", "json")
    assert forced.returncode == 0 and png.read_bytes() != data
    assert sorted(p.name for p in tmp_path.iterdir()) == ["diff.png"]  # no temporary files left
    for bad in (tmp_path / "plot.txt", tmp_path / "missing" / "plot.png"):
        proc = run("diff", "2024", "--plot", str(bad))
        assert proc.returncode == 2 and "Traceback" not in proc.stderr and not bad.exists()


# --- Errors ------------------------------------------------------------------------------------

def test_bad_scenarios_and_settings_exit_2(tmp_path: Path) -> None:
    missing = run("diff", "2024", str(tmp_path / "nope.toml"))
    assert missing.returncode == 2 and f"{tmp_path / 'nope.toml'}: the scenario file does not exist" in missing.stderr
    unknown = run("diff", "2025")
    assert unknown.returncode == 2 and "shipped scenarios: 2024" in unknown.stderr
    bad_set = run("diff", "2024", "--set", "ambulans.grundbelop=1")
    assert bad_set.returncode == 2 and "did you mean ambulans.grundbelopp" in bad_set.stderr
    weights = run("diff", "2024", "--set", "landsbygd.vikt.gles=5")
    assert weights.returncode == 2 and "need inhabitants per category" in weights.stderr
    for proc in (missing, unknown, bad_set, weights):
        assert "Traceback" not in proc.stderr and proc.stdout == ""


# --- The Python API ----------------------------------------------------------------------------

def test_compare_returns_a_dataframe_in_long_format() -> None:
    frame = godnaravard.compare("2024", scenario_from(parameters={"ambulans.grundbelopp": 1_000_000}))
    assert list(frame.columns) == list(RECORD_FIELDS)
    assert len(frame) == 21 * len(COLUMNS)
    for col in ("a", "b", "diff", "population_a"):
        assert str(frame[col].dtype) == "int64"
    assert str(frame["diff_percent"].dtype) == "float64"
    sums = frame.groupby("column")["diff"].sum()
    assert all(sums == 0)
    wide = frame.pivot(index="lan_code", columns="column", values="diff")
    assert (wide["ambulans"] != 0).all() and (wide["kommuner"] == 0).all()
    with_totals = godnaravard.compare(None, None, totals=True)
    assert len(with_totals) == 22 * len(COLUMNS) and (with_totals["diff"] == 0).all()
    assert set(with_totals[with_totals["lan_code"] == ""]["lan"]) == {"Totalt"}


def test_compare_accepts_allocations_paths_and_scenarios() -> None:
    path = EXAMPLES / "scenarios" / "ambulans_grundbelopp_1mkr.toml"
    by_path = godnaravard.compare("2024", path)
    by_alloc = godnaravard.compare(allocate(), allocate(path))
    assert by_path.equals(by_alloc)


def test_diff_compares_exactly() -> None:
    a = allocate()
    b = allocate(overrides={"kommuner.andel_insatser": "1/4"})
    cmp = diff(a, b)
    assert cmp.parameter_changes == {"kommuner.andel_insatser": (Fraction(1, 2), Fraction(1, 4))}
    assert cmp.changed_columns() == ("kommuner",)
    for r in cmp.regions:
        cell = r.cells["kommuner"]
        assert cell.percent == Fraction(100 * (cell.b - cell.a), cell.a)
        assert cell.per_inhabitant_diff == Fraction(cell.b - cell.a, r.population_a)
    assert cmp.total.cells["kommuner"].diff == 0
    with pytest.raises(ValueError, match="unknown column"):
        diff(a, b, ["bogus"])


def test_importing_the_package_does_not_import_pandas_or_matplotlib() -> None:
    code = ("import sys, godnaravard; f = godnaravard.compare; "
            "assert not {'pandas', 'matplotlib', 'rich'} & set(sys.modules), sorted(sys.modules); "
            "f(); assert 'pandas' in sys.modules")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
