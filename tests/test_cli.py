"""The command line as a user runs it: exit codes, stdout/stderr (in process; one real process)."""

from __future__ import annotations

import csv
import io
import json

import pytest
from _cli import invoke, run

from godnaravard.agreements import load_agreement
from godnaravard.reference import official_cells


def parse_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture(scope="module")
def csv_rows(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, str]]:
    # Run from an unrelated directory: the installed package must carry its data.
    proc = run("allocate", "--format", "csv", cwd=tmp_path_factory.mktemp("elsewhere"))
    assert proc.returncode == 0, proc.stderr
    return parse_csv(proc.stdout)


def test_csv_is_the_agreements_columns_in_order(csv_rows: list[dict[str, str]]) -> None:
    assert list(csv_rows[0]) == list(load_agreement().rules.column_names)
    svf = parse_csv(invoke("allocate", "--agreement", "svf-cancer-2025-2", "--format", "csv").output)
    assert list(svf[0]) == ["lan_code", "lan", "region", "population", "svf"] and len(svf) == 18


def test_csv_has_21_rows_and_the_required_columns(csv_rows: list[dict[str, str]]) -> None:
    assert len(csv_rows) == 21
    assert [r["lan_code"] for r in csv_rows][:3] == ["01", "03", "04"]
    for col in ("lan_code", "nara_vard", "landsbygd", "ambulans", "kommuner"):
        assert col in csv_rows[0]
    for col in ("nara_vard", "landsbygd", "ambulans", "kommuner"):
        assert all(r[col].isdigit() for r in csv_rows)


def test_csv_reproduces_official_cells(csv_rows: list[dict[str, str]]) -> None:
    by_code = {r["lan_code"]: r for r in csv_rows}
    cells = official_cells(load_agreement())
    exact = sum(int(by_code[c.code][c.column]) == c.amount for c in cells)
    assert len(cells) == 105 and exact == 105  # as signed; the rule alone gives 101 (test_signed.py)
    assert all(abs(int(by_code[c.code][c.column]) - c.amount) <= 1 for c in cells)
    assert sum(int(r["nara_vard"]) for r in csv_rows) == 2_420_000_000
    assert sum(int(r["landsbygd"]) for r in csv_rows) == 300_000_000
    assert sum(int(r["ambulans"]) for r in csv_rows) == 46_000_000
    assert sum(int(r["kommuner"]) for r in csv_rows) == 750_000_000


def test_json_output() -> None:
    proc = invoke("allocate", "--format", "json")
    assert proc.exit_code == 0, proc.output
    doc = json.loads(proc.stdout)
    assert doc["agreement"]["name"] == "god-och-nara-vard-2024" and doc["scenario"]["as_signed"]
    assert len(doc["rows"]) == 21
    assert doc["totals"]["regioner_totalt"] == 2_466_000_000
    assert doc["parameters"]["ambulans.grundbelopp"]["value"] == 500_000
    assert "avsnitt 12" in doc["parameters"]["ambulans.grundbelopp"]["source"].lower()
    assert doc["balancing_kronor"]["ambulans"]["befolkning"]


def test_table_output_has_totals() -> None:
    proc = invoke("allocate")
    assert proc.exit_code == 0, proc.output
    assert proc.stdout.splitlines()[0].strip() == "God och nära vård 2024"
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
        proc = invoke("allocate", "--format", "csv", "--set", "landsbygd.vikt.tatortsnara=2",
                      "--set", "landsbygd.vikt.gles=8", "--set", "landsbygd.vikt.mycket_gles=12")
    else:
        proc = invoke("allocate", "--format", "csv", "--set", assignment)
    assert proc.exit_code == 0, proc.output
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
        (["--set", "landsbygd.vikt.gles=5"], "unknown for 20 of the recipients"),
        (["--set", "novalue"], "expected KEY=VALUE"),
    ],
)
def test_bad_set_is_a_clear_error_with_exit_code_2(args: list[str], message: str) -> None:
    proc = invoke("allocate", "--format", "csv", *args)
    assert proc.exit_code == 2
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stdout == ""


def test_a_scenario_title_names_its_changes_and_own_files(tmp_path) -> None:  # type: ignore[no-untyped-def]
    own = tmp_path / "pop.csv"
    own.write_text(load_agreement().recipients.path.read_text(encoding="utf-8"), encoding="utf-8")
    title = " ".join(invoke("allocate", "--set", "ambulans.grundbelopp=1000000", "--population", own).stdout.split())
    assert title.startswith("God och nära vård 2024 – scenario")
    assert "ambulans.grundbelopp=1000000" in title and f"egen fil population: {own}" in title
    doc = json.loads(invoke("allocate", "--format", "json", "--population", own).stdout)
    # An own file whose rows equal the agreement's data is the agreement as signed (by content).
    assert doc["scenario"]["as_signed"] is True and doc["data"]["population"] == {
        "file": str(own), "date": None, "own": True}


def test_check_exit_codes() -> None:
    ok = invoke("check")
    assert ok.exit_code == 0, ok.output
    assert "exact by rule:         101 of 105" in ok.stdout
    changed = invoke("check", "--set", "ambulans.grundbelopp=1000000")
    assert changed.exit_code == 1
    assert "differs from the agreement God och nära vård 2024 as signed" in changed.stdout
    doc = json.loads(invoke("check", "--format", "json").stdout)
    assert doc["summary"]["within_tolerance"] == 105


def test_help_and_version() -> None:
    assert invoke("--help").exit_code == 0
    assert "godnaravard" in invoke("--version").stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["allocate", "--bogus"], "No such option '--bogus'; see 'godnaravard allocate --help'"),
        (["nosuch"], "No such command 'nosuch'; see 'godnaravard --help'"),
        (["allocate", "--format", "xml"], "Invalid value for '--format'"),
        (["explain"], "Missing argument 'RECIPIENT'; see 'godnaravard explain --help'"),
    ],
)
def test_usage_errors_have_the_one_error_style_and_exit_2(args: list[str], message: str) -> None:
    result = invoke(*args)
    assert result.exit_code == 2
    assert result.stderr.startswith("godnaravard: error: ") and message in result.stderr
    assert len(result.stderr.splitlines()) == 1 and result.stdout == ""


def test_usage_errors_from_the_console_script_too() -> None:
    proc = run("allocate", "--bogus")  # as `python -m godnaravard`, which click names so
    assert proc.returncode == 2 and proc.stderr == (
        "godnaravard: error: No such option '--bogus'; see 'python -m godnaravard allocate --help'\n")


@pytest.mark.parametrize("width", [80, 100, 120, 200])
@pytest.mark.parametrize("agreement", ["god-och-nara-vard-2024", "svf-cancer-2025-2"])
def test_no_amount_is_cut_or_wrapped_at_any_width(width: int, agreement: str) -> None:
    from rich.cells import cell_len

    from godnaravard.render import kr

    out = invoke("allocate", "--agreement", agreement, env={"COLUMNS": str(width)}).stdout
    assert "…" not in out and max(cell_len(line) for line in out.splitlines()) <= width
    rows = parse_csv(invoke("allocate", "--agreement", agreement, "--format", "csv").stdout)
    ag = load_agreement(agreement)
    for name in ag.table("overview").columns:
        if ag.rules.column(name).kind in ("count", "line", "part", "sum"):
            for r in rows:  # whole, on a line of its own recipient
                assert any(f" {r['lan_code']} " in line and f" {kr(int(r[name]))} " in line
                           for line in out.splitlines()), (width, name, r["lan_code"])


def test_below_the_narrowest_layout_a_hint_says_use_csv() -> None:
    out = invoke("allocate", env={"COLUMNS": "40"}).stdout
    assert "use --format csv" in " ".join(out.split()) and "500 798 626" not in out


@pytest.mark.parametrize("command", ["allocate", "check", "export", "explain", "diff", "sweep"])
def test_every_help_that_takes_set_points_to_the_parameters_command(command: str) -> None:
    text = " ".join(invoke(command, "--help").stdout.split())
    assert "--set" in text and "`godnaravard parameters` lists" in text


@pytest.mark.parametrize("command", [["allocate"], ["check"], ["explain", "01"], ["diff", "2024"],
                                     ["agreements"], ["parameters"]])
def test_the_human_format_is_called_table_everywhere(command: list[str]) -> None:
    assert invoke(*command, "--format", "table").exit_code in (0, 1)


def test_a_key_given_twice_to_set_is_refused() -> None:
    proc = invoke("allocate", "--set", "ambulans.grundbelopp=1", "--set", " ambulans.grundbelopp =2")
    assert proc.exit_code == 2
    assert "ambulans.grundbelopp is given twice (ambulans.grundbelopp=1 and ambulans.grundbelopp=2)" in proc.stderr


def test_an_allocation_refused_by_the_core_names_the_scenario_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "s.toml").write_text('name = "s"\nbase = "2024"\n[parameters]\n"ambulans.grundbelopp" = 100_000_000\n',
                                     encoding="utf-8")
    proc = invoke("allocate", "--scenario", "s.toml", cwd=tmp_path)
    assert proc.exit_code == 2
    assert proc.stderr.startswith("godnaravard: error: s.toml: ambulans.grundbelopp 100000000 kr × 21 regions")
    both = invoke("allocate", "--scenario", "s.toml", "--set", "ambulans.total=1", cwd=tmp_path)
    assert both.stderr.startswith("godnaravard: error: s.toml (with --set): ambulans.grundbelopp")


def test_a_failed_write_of_xlsxwriter_is_the_disk_error_it_wraps(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import errno

    from xlsxwriter.exceptions import FileCreateError
    from xlsxwriter.workbook import Workbook

    def full(self):  # type: ignore[no-untyped-def]
        raise FileCreateError(OSError(errno.ENOSPC, "No space left on device"))

    monkeypatch.setattr(Workbook, "close", full)
    (tmp_path / "old.xlsx").write_bytes(b"old")
    proc = invoke("export", "--output", "old.xlsx", "--force", cwd=tmp_path)
    assert proc.exit_code == 2
    assert proc.stderr == "godnaravard: error: cannot write old.xlsx: No space left on device (nothing was written)\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.xlsx"] and (tmp_path / "old.xlsx").read_bytes() == b"old"
