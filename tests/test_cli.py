"""The command line as a user runs it: a subprocess, exit codes, stdout/stderr."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from godnaravard.reference import official_cells


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "godnaravard", *args], capture_output=True, text=True, cwd=cwd)


def parse_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture(scope="module")
def csv_rows(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, str]]:
    # Run from an unrelated directory: the installed package must carry its data.
    proc = run("allocate", "--format", "csv", cwd=tmp_path_factory.mktemp("elsewhere"))
    assert proc.returncode == 0, proc.stderr
    return parse_csv(proc.stdout)


def test_csv_has_21_rows_and_the_required_columns(csv_rows: list[dict[str, str]]) -> None:
    assert len(csv_rows) == 21
    assert [r["lan_code"] for r in csv_rows][:3] == ["01", "03", "04"]
    for col in ("lan_code", "nara_vard", "landsbygd", "ambulans", "kommuner"):
        assert col in csv_rows[0]
    for col in ("nara_vard", "landsbygd", "ambulans", "kommuner"):
        assert all(r[col].isdigit() for r in csv_rows)


def test_csv_reproduces_official_cells(csv_rows: list[dict[str, str]]) -> None:
    by_code = {r["lan_code"]: r for r in csv_rows}
    cells = official_cells()
    exact = sum(int(by_code[c.lan_code][c.column]) == c.amount for c in cells)
    assert len(cells) == 84 and exact >= 82
    assert all(abs(int(by_code[c.lan_code][c.column]) - c.amount) <= 1 for c in cells)
    assert sum(int(r["nara_vard"]) for r in csv_rows) == 2_420_000_000
    assert sum(int(r["landsbygd"]) for r in csv_rows) == 300_000_000
    assert sum(int(r["ambulans"]) for r in csv_rows) == 46_000_000
    assert sum(int(r["kommuner"]) for r in csv_rows) == 750_000_000


def test_json_output() -> None:
    proc = run("allocate", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert len(doc["rows"]) == 21
    assert doc["totals"]["regioner_totalt"] == 2_466_000_000
    assert doc["parameters"]["ambulans.grundbelopp"]["value"] == 500_000
    assert "avsnitt 12" in doc["parameters"]["ambulans.grundbelopp"]["source"].lower()
    assert doc["balancing_kronor"]["ambulans"]["befolkning"]


def test_table_output_has_totals() -> None:
    proc = run("allocate")
    assert proc.returncode == 0, proc.stderr
    assert "2 420 000 000" in proc.stdout and "750 000 000" in proc.stdout and "Totalt" in proc.stdout


@pytest.mark.parametrize(
    ("assignment", "column", "budget"),
    [
        ("ambulans.grundbelopp=1000000", "ambulans", 46_000_000),
        ("kommuner.andel_insatser=1/4", "kommuner", 750_000_000),
        ("kommuner.andel_insatser=0.3", "kommuner", 750_000_000),
        ("regioner.landsbygd_total=500000000", "landsbygd", 500_000_000),
        ("regioner.nara_vard_total=2420000001", "nara_vard", 2_420_000_001),
        ("kommuner.total=750000003", "kommuner", 750_000_003),
        ("landsbygd.vikt.tatortsnara=2", "landsbygd", 300_000_000),
    ],
)
def test_set_what_ifs_keep_budget_lines(assignment: str, column: str, budget: int) -> None:
    if assignment.startswith("landsbygd.vikt"):
        # Proportional weights 2/8/12 are the only change the shipped key allows.
        proc = run("allocate", "--format", "csv", "--set", "landsbygd.vikt.tatortsnara=2",
                   "--set", "landsbygd.vikt.gles=8", "--set", "landsbygd.vikt.mycket_gles=12")
    else:
        proc = run("allocate", "--format", "csv", "--set", assignment)
    assert proc.returncode == 0, proc.stderr
    assert sum(int(r[column]) for r in parse_csv(proc.stdout)) == budget


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--set", "ambulans.bas=1"], "unknown parameter 'ambulans.bas'"),
        (["--set", "ambulans.total=-5"], "ambulans.total cannot be negative"),
        (["--set", "ambulans.grundbelopp=3000000"], "× 21 regions"),
        (["--set", "regioner.landsbygd_total=3000000000"], "is larger than regioner.nara_vard_total"),
        (["--set", "kommuner.andel_insatser=1.5"], "must be a share between 0 and 1"),
        (["--set", "kommuner.andel_insatser=abc"], "expected a share"),
        (["--set", "kommuner.total=1.5"], "expected whole kronor"),
        (["--set", "landsbygd.vikt.gles=5"], "unknown for 20 region(s)"),
        (["--set", "novalue"], "expected KEY=VALUE"),
    ],
)
def test_bad_set_is_a_clear_error_with_exit_code_2(args: list[str], message: str) -> None:
    proc = run("allocate", "--format", "csv", *args)
    assert proc.returncode == 2
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stdout == ""


def test_check_exit_codes() -> None:
    ok = run("check")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "exact:                 82 of 84" in ok.stdout
    changed = run("check", "--set", "ambulans.grundbelopp=1000000")
    assert changed.returncode == 1
    assert "differs from the 2024 agreement" in changed.stdout
    doc = json.loads(run("check", "--format", "json").stdout)
    assert doc["summary"]["within_tolerance"] == 84


def test_help_and_version() -> None:
    assert run("--help").returncode == 0
    assert "godnaravard" in run("--version").stdout
