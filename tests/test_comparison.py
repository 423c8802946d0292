"""``godnaravard diff`` and ``godnaravard.compare``: per recipient and column, A against B, for any agreement.

Most commands run in process through click's ``CliRunner`` on ``godnaravard.cli.main``; two smoke
tests run the real console entry point in a subprocess.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from _cli import invoke
from _cli import run as run_subprocess
from rich.cells import cell_len

import godnaravard
from godnaravard import allocate, scenario_from
from godnaravard.agreements import load_agreement
from godnaravard.comparison import (
    RECORD_FIELDS,
    comparable_columns,
    decimal,
    default_columns,
    diff,
)
from godnaravard.comparison_render import comparison_figure, source_line, sv_number
from godnaravard.render import kr
from godnaravard.resources import data_file

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
SET_1MKR = ("--set", "ambulans.grundbelopp=1000000")
SVF = "svf-cancer-2025-2"
SET_SVF = ("--set", "svf.total=200000000")
COLUMNS_2024 = ("nara_vard", "landsbygd", "ambulans", "regioner_totalt", "kommuner")


@dataclass(frozen=True)
class Run:
    returncode: int
    stdout: str
    stderr: str


def run(*args: str, columns: int | None = None) -> Run:
    """``godnaravard ARGS`` in process; ``columns`` sets COLUMNS (else unset: piped, wide tables)."""
    env = {"COLUMNS": str(columns) if columns else None, "FORCE_COLOR": None, "TTY_COMPATIBLE": None}
    result = invoke(*args, env=env)  # type: ignore[arg-type]  # None unsets a variable
    return Run(result.exit_code, result.stdout, result.stderr)


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def diff_json(*args: str) -> dict:
    proc = run("diff", *args, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


# --- Columns come from the agreement -------------------------------------------------------------

def test_columns_are_the_overview_amount_columns_of_each_agreement() -> None:
    ag = load_agreement("2024")
    assert default_columns(ag) == COLUMNS_2024
    assert set(comparable_columns(ag)) > set(COLUMNS_2024)  # the parts may be compared too
    assert default_columns(load_agreement(SVF)) == ("svf",)


def test_column_option_restricts_the_output() -> None:
    rows = csv_rows(run("diff", "2024", *SET_1MKR, "--column", "ambulans", "--format", "csv").stdout)
    assert {r["column"] for r in rows} == {"ambulans"} and len(rows) == 22
    # Any amount column of the agreement, in the agreement's order, not only the overview's.
    rows = csv_rows(run("diff", "2024", "--column", "kommuner_insatser", "--column", "nara_vard",
                        "--format", "csv").stdout)
    assert [r["column"] for r in rows[:2]] == ["nara_vard", "kommuner_insatser"]


def test_unknown_column_lists_the_agreements_columns() -> None:
    bad = run("diff", "2024", "--column", "bogus")
    assert bad.returncode == 2 and bad.stdout == "" and "Traceback" not in bad.stderr
    assert "'bogus'" in bad.stderr and "god-och-nara-vard-2024" in bad.stderr
    for col in COLUMNS_2024:
        assert col in bad.stderr
    svf = run("diff", SVF, "--column", "ambulans")
    assert svf.returncode == 2 and "'ambulans'" in svf.stderr and "svf" in svf.stderr.split("columns are:")[1]


# --- The baseline against itself is all zeros ---------------------------------------------------

def test_baseline_against_itself_is_all_zeros() -> None:
    proc = run("diff", "2024", "--format", "csv")
    assert proc.returncode == 0, proc.stderr
    rows = csv_rows(proc.stdout)
    assert list(rows[0]) == list(RECORD_FIELDS)
    assert len(rows) == 22 * len(COLUMNS_2024)  # 21 län and the total, five columns each
    assert {r["column"] for r in rows} == set(COLUMNS_2024)
    for r in rows:
        assert r["a"] == r["b"] and r["diff"] == "0" and Decimal(r["diff_percent"]) == 0, r
        assert Decimal(r["per_inhabitant_diff"]) == 0
    doc = diff_json("2024", "2024")
    assert doc["identical"] and doc["parameter_changes"] == {} and doc["data_changes"] == {}
    assert doc["a"]["as_signed"] and doc["b"]["as_signed"] and doc["a"]["changes"] == {}
    table = run("diff", "2024")
    assert table.returncode == 0 and "all differences are 0 kr" in table.stdout
    assert "nothing (same parameters and data)" in table.stdout
    # The long name and the alias are the same agreement as signed.
    assert run("diff", "god-och-nara-vard-2024", "2024", "--format", "csv").stdout == proc.stdout


# --- A changed base amount: every region moves, every column sums to zero ----------------------

def test_ambulance_base_amount_change_moves_every_region_and_sums_to_zero() -> None:
    doc = diff_json("2024", *SET_1MKR)
    assert doc["parameter_changes"] == {"ambulans.grundbelopp": {"a": 500_000, "b": 1_000_000}}
    assert not doc["identical"]
    regions = doc["regions"]
    assert len(regions) == 21
    for col in COLUMNS_2024:
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


def test_json_says_what_each_side_changes_from_the_agreement_as_signed() -> None:
    doc = diff_json("2024", *SET_1MKR)
    ag = load_agreement("2024")
    assert doc["agreement"]["name"] == ag.name and doc["agreement"]["title"] == ag.title
    assert doc["a"]["as_signed"] and doc["a"]["title"] == ag.title and doc["a"]["changes"] == {}
    assert not doc["b"]["as_signed"]
    assert doc["b"]["changes"] == {"ambulans.grundbelopp": [500_000, 1_000_000]}
    assert "ambulans.grundbelopp=1000000" in doc["b"]["title"] and "scenario" in doc["b"]["title"]
    assert doc["labels"] == {c: ag.label(c) for c in COLUMNS_2024}
    assert doc["source"] == f"Source: {ag.title}; data: Befolkning 1 nov 2023 (2023-11-01), Landsbygdsnyckel (2023-11-01)"

    def keys(node: object) -> list[str]:
        if isinstance(node, dict):
            return [k for k, v in node.items() for k in (k, *keys(v))]
        if isinstance(node, list):
            return [k for v in node for k in keys(v)]
        return []

    assert not [k for k in keys(doc) if re.search(r"\d{4}", k)]  # no "changes_from_2024"


def test_a_and_b_are_the_figures_of_allocate() -> None:
    rows = csv_rows(run("diff", "2024", *SET_1MKR, "--format", "csv").stdout)
    a = {r["lan_code"]: r for r in allocate().rows}
    b = {r["lan_code"]: r for r in allocate(overrides={"ambulans.grundbelopp": 1_000_000}).rows}
    assert {r["lan_code"] for r in rows if r["lan_code"]} == set(a)
    for r in rows:
        if r["lan_code"]:
            assert int(r["a"]) == a[r["lan_code"]][r["column"]]
            assert int(r["b"]) == b[r["lan_code"]][r["column"]]
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


def test_b_defaults_to_a_and_set_applies_to_b() -> None:
    path = EXAMPLES / "scenarios" / "ambulans_grundbelopp_1mkr.toml"
    by_file = run("diff", "2024", str(path), "--format", "csv").stdout
    by_set = run("diff", "2024", *SET_1MKR, "--format", "csv").stdout
    assert by_file == by_set
    # diff FILE with no B compares the file with itself.
    assert diff_json(str(path))["identical"]
    # --set on top of B: back to the agreement's value.
    assert diff_json("2024", str(path), "--set", "ambulans.grundbelopp=500000")["identical"]
    # The title names the scenario file.
    assert f"[fil {path}]" in diff_json("2024", str(path))["b"]["title"]


def test_changing_a_total_moves_the_column_sum_by_exactly_the_change() -> None:
    doc = diff_json("2024", "--set", "regioner.nara_vard_total=2520000000")
    nv = [r["columns"]["nara_vard"]["diff"] for r in doc["regions"]]
    assert sum(nv) == 100_000_000 == doc["totals"]["columns"]["nara_vard"]["diff"]
    assert doc["totals"]["columns"]["landsbygd"]["diff"] == 0
    assert doc["totals"]["columns"]["nara_vard"]["diff_percent"] == pytest.approx(100 * 100 / 2420, abs=1e-4)


def test_population_option_applies_to_b_and_is_named(tmp_path: Path) -> None:
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
    assert doc["b"]["own_files"] == {"population": str(pop)} and not doc["b"]["as_signed"]
    assert f"egen fil population: {pop}" in doc["b"]["title"]
    assert f"B: own file {pop}" in doc["source"]
    stockholm = doc["regions"][0]
    assert stockholm["population_b"] == stockholm["population_a"] + 100_000
    assert stockholm["columns"]["nara_vard"]["diff"] > 0
    assert all(r["columns"]["nara_vard"]["diff"] < 0 for r in doc["regions"][1:])
    assert stockholm["columns"]["landsbygd"]["diff"] == 0  # the rural key did not change
    for col in COLUMNS_2024:
        assert doc["totals"]["columns"][col]["diff"] == 0
    table = run("diff", "2024", "--population", str(pop)).stdout
    assert f"egen fil population: {pop}" in table and "as signed" not in table


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


def test_table_shows_the_changed_column_per_region() -> None:
    proc = run("diff", "2024", *SET_1MKR)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    ag = load_agreement("2024")
    assert "ambulans.grundbelopp: 500 000 → 1 000 000" in out
    assert f"A: {ag.title}\n" in out and f"B: {ag.title} – scenario (ambulans.grundbelopp=1000000)" in out
    assert ag.label("ambulans") in out and "09 Gotland" in out
    assert "+439 241" in out and "−1 942 496" in out  # Gotland gains, Stockholm loses
    assert "Source: God och nära vård 2024; data: Befolkning 1 nov 2023 (2023-11-01)" in out


# --- The terminal table never cuts an amount -----------------------------------------------------

SCENARIOS = (
    ("2024", *SET_1MKR),
    ("2024", "--set", "regioner.nara_vard_total=2520000000", "--set", "kommuner.andel_insatser=1/4"),
    (SVF, *SET_SVF),
)


@pytest.mark.parametrize("width", [80, 100, 120])
@pytest.mark.parametrize("args", SCENARIOS, ids=["ambulans", "totals", "svf"])
def test_every_amount_appears_whole_at_any_width(width: int, args: tuple[str, ...]) -> None:
    proc = run("diff", *args, columns=width)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    lines = out.splitlines()
    assert "…" not in out
    assert max(cell_len(line) for line in lines) <= width
    cmp = diff(allocate(args[0]), allocate(args[0], overrides=dict(a.split("=") for a in args[2::2])))

    # The summary: B − A always, A and B when the table has them, each on one line.
    for c in cmp.columns:
        total = cmp.total.cells[c]
        assert any(kr(total.b) in line for line in lines), (c, kr(total.b))
        if width >= 80:
            assert any(kr(total.a) in line and kr(total.b) in line for line in lines), c

    # One table per changed column, in order: each recipient's line holds its figures whole.
    headers = [line for line in lines if line.startswith("┃ Län")]
    assert len(headers) == len(cmp.changed_columns())
    for k, c in enumerate(cmp.changed_columns()):
        header = headers[k]
        for r in cmp.regions:
            line = [x for x in lines if x.startswith(f"│ {r.code} ")][k]  # a long name may wrap
            cell = r.cells[c]
            signed = ("+" if cell.diff > 0 else "") + kr(cell.diff).replace("-", "−")
            assert f" {signed} " in line, (c, r.label, line)
            if " A kr " in header:
                assert f" {kr(cell.a)} " in line and f" {kr(cell.b)} " in line, (c, r.label, line)
    if width >= 120:
        assert all("A kr/inv" in h for h in headers) and "--format csv" not in out
    if width == 80 and args[0] == "2024":
        assert "2 420 000 000" in out
        assert "--format csv has every figure" in out  # narrowed, and says so on one line


def test_a_very_narrow_terminal_gets_a_hint_instead_of_cut_amounts() -> None:
    proc = run("diff", "2024", "--set", "regioner.nara_vard_total=2520000000", columns=30)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "…" not in out and "too wide for 30 columns; use --format csv" in " ".join(out.split())
    assert "┃ Län" not in out  # no table rather than a table with cut amounts


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


def _texts(fig: object) -> str:
    return "\n".join(t.get_text() for t in fig.findobj(lambda o: hasattr(o, "get_text")))  # type: ignore[attr-defined]


def test_figure_is_swedish_titled_sourced_and_has_no_duplicate_panel() -> None:
    ag = load_agreement("2024")
    cmp = diff(allocate(), allocate(overrides={"ambulans.grundbelopp": 1_000_000}))
    assert cmp.changed_columns() == ("ambulans", "regioner_totalt")
    fig = comparison_figure(cmp)
    axes = fig.get_axes()
    assert len(axes) == 1  # ambulans and regioner_totalt move alike: one panel says both
    assert ag.label("ambulans") in axes[0].get_title() and ag.label("regioner_totalt") in axes[0].get_title()
    title = " ".join(fig._suptitle.get_text().split())
    assert ag.title in title and "ambulans.grundbelopp=1000000" in title
    assert "500 000 → 1 000 000" in title
    source = " ".join(fig._supxlabel.get_text().split())
    assert source == " ".join(source_line(cmp).split()) and "2023-11-01" in source
    fmt = axes[0].xaxis.get_major_formatter()
    assert fmt(-1.5, 0) == "−1,5" and fmt(2500, 0) == "2 500" and fmt(0.0, 0) == "0"
    texts = _texts(fig)
    assert "+439 241" in texts and "−1 942 496" in texts  # bar labels in kronor, Swedish


def test_sv_number() -> None:
    assert sv_number(-1234.5) == "−1 234,5"
    assert sv_number(2_420_000_000) == "2 420 000 000"
    assert sv_number(Fraction(1, 3)) == "0,33"
    assert sv_number(-0.0) == "0" and sv_number(0.25) == "0,25"


def test_plot_is_drawn_without_importing_matplotlib_otherwise() -> None:
    code = ("import sys; from godnaravard.cli import main\n"
            "try:\n    main(['diff', '2024', '--set', 'ambulans.grundbelopp=1000000'])\n"
            "except SystemExit as e:\n    assert not e.code, e.code\n"
            "assert 'matplotlib' not in sys.modules and 'pandas' not in sys.modules\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "+439 241" in proc.stdout


# --- Errors ------------------------------------------------------------------------------------

def test_bad_scenarios_and_settings_exit_2(tmp_path: Path) -> None:
    missing = run("diff", "2024", str(tmp_path / "nope.toml"))
    assert missing.returncode == 2 and f"{tmp_path / 'nope.toml'}: the scenario file does not exist" in missing.stderr
    unknown = run("diff", "2025")
    assert unknown.returncode == 2 and "god-och-nara-vard-2024" in unknown.stderr and SVF in unknown.stderr
    bad_set = run("diff", "2024", "--set", "ambulans.grundbelop=1")
    assert bad_set.returncode == 2 and "did you mean ambulans.grundbelopp" in bad_set.stderr
    weights = run("diff", "2024", "--set", "landsbygd.vikt.gles=5")
    assert weights.returncode == 2 and "need inhabitants per category" in weights.stderr
    for proc in (missing, unknown, bad_set, weights):
        assert "Traceback" not in proc.stderr and proc.stdout == ""


def test_a_and_b_may_apply_two_agreements() -> None:
    # 2024 (21 regions) against SVF (18): no amount column in common, so only the total over every
    # budget line; the three regions SVF leaves out are listed with B empty.
    mixed = run("diff", "2024", SVF, "--format", "json")
    assert mixed.returncode == 0, mixed.stderr
    doc = json.loads(mixed.stdout)
    assert doc["columns"] == ["totalt"] and doc["agreement"]["name"] == "god-och-nara-vard-2024"
    assert doc["agreement_b"]["name"] == SVF and doc["same_agreement"] is False
    assert len(doc["regions"]) == 21 and len(doc["only_in_a"]) == 3 and doc["only_in_b"] == []
    alone = next(r for r in doc["regions"] if r["lan_code"] == doc["only_in_a"][0])
    assert alone["population_b"] is None and alone["columns"]["totalt"]["b"] is None
    assert alone["columns"]["totalt"]["diff"] is None
    assert doc["totals"]["columns"]["totalt"]["a"] == 3_216_000_000
    assert doc["totals"]["columns"]["totalt"]["b"] == 182_500_000
    # --agreement still binds both sides: a side naming another agreement is refused.
    other = run("diff", "2024", "--agreement", SVF)
    assert other.returncode == 2 and f"--agreement is {SVF}" in other.stderr
    cross = diff(allocate(), allocate(agreement=SVF))
    assert cross.columns == ("totalt",) and not cross.same_agreement


# --- The SVF agreement ---------------------------------------------------------------------------

def test_svf_total_change_is_shared_by_population() -> None:
    doc = diff_json(SVF, *SET_SVF)
    ag = load_agreement(SVF)
    assert doc["agreement"]["name"] == SVF and doc["columns"] == ["svf"]
    assert doc["labels"] == {"svf": ag.label("svf")}
    assert len(doc["regions"]) == 18
    assert {"13", "21", "24"}.isdisjoint(r["lan_code"] for r in doc["regions"])  # not paid
    total = doc["totals"]["columns"]["svf"]
    assert (total["a"], total["b"], total["diff"]) == (182_500_000, 200_000_000, 17_500_000)
    assert sum(r["columns"]["svf"]["diff"] for r in doc["regions"]) == 17_500_000
    assert all(r["columns"]["svf"]["diff"] > 0 for r in doc["regions"])
    assert doc["b"]["changes"] == {"svf.total": [182_500_000, 200_000_000]}
    assert "2025-09-30" in doc["source"] and ag.title in doc["source"]
    official = {r["lan_code"]: int(r["belopp_kr"]) for r in
                csv_rows((ag.path.parent / "official" / "utbetalning2.csv").read_text(encoding="utf-8"))}
    assert {r["lan_code"]: r["columns"]["svf"]["a"] for r in doc["regions"]} == official


def test_svf_table_titles_and_alias() -> None:
    ag = load_agreement(SVF)
    out = run("diff", SVF, *SET_SVF).stdout
    assert f"A: {ag.title}\n" in out and f"B: {ag.title} – scenario (svf.total=200000000)" in out
    assert "svf.total: 182 500 000 → 200 000 000" in out and "+17 500 000" in out
    assert "18/18" in out and ag.label("svf") in out
    assert run("diff", "svf-2025-2", *SET_SVF).stdout == out
    assert run("diff", SVF, "svf-2025-2", "--agreement", SVF, "--format", "csv").returncode == 0


def test_svf_scenario_file_is_read_under_as_agreement(tmp_path: Path) -> None:
    path = tmp_path / "svf_more.toml"
    path.write_text('name = "more"\n[parameters]\n"svf.total" = 190_000_000\n', encoding="utf-8")
    doc = diff_json(SVF, str(path))
    assert doc["totals"]["columns"]["svf"]["diff"] == 7_500_000
    assert doc["b"]["title"].endswith(f"[fil {path}]") and "scenario more" in doc["b"]["title"]


def test_headings_come_from_the_definition(tmp_path: Path) -> None:
    folder = tmp_path / "own"
    shutil.copytree(load_agreement(SVF).path.parent, folder)
    toml = folder / "agreement.toml"
    text = toml.read_text(encoding="utf-8")
    text = text.replace('ref = ["svf"]\nlabel = "Belopp"', 'ref = ["svf"]\nlabel = "Utbetalt belopp X"')
    text = text.replace('name = "svf-cancer-2025-2"', 'name = "own-test"')
    text = text.replace('aliases = ["svf-2025-2"]', "aliases = []")
    toml.write_text(text, encoding="utf-8")
    out = run("diff", str(folder), *SET_SVF).stdout
    assert "Utbetalt belopp X" in out
    by_name = run("diff", "own-test", "--agreement", str(folder), *SET_SVF, "--format", "json")
    assert by_name.returncode == 0, by_name.stderr
    assert json.loads(by_name.stdout)["labels"] == {"svf": "Utbetalt belopp X"}


def test_svf_plot(tmp_path: Path) -> None:
    png = tmp_path / "svf.png"
    assert run("diff", SVF, *SET_SVF, "--plot", str(png)).returncode == 0
    assert png.read_bytes().startswith(b"\x89PNG")
    cmp = diff(allocate(agreement=SVF), allocate(agreement=SVF, overrides={"svf.total": 200_000_000}))
    fig = comparison_figure(cmp)
    assert len(fig.get_axes()) == 1
    assert len(fig.get_axes()[0].get_yticklabels()) == 18
    assert "2025-09-30" in fig._supxlabel.get_text()
    assert "182 500 000 → 200 000 000" in " ".join(fig._suptitle.get_text().split())


# --- The Python API ----------------------------------------------------------------------------

def test_compare_returns_a_dataframe_in_long_format() -> None:
    frame = godnaravard.compare("2024", scenario_from(parameters={"ambulans.grundbelopp": 1_000_000}))
    assert list(frame.columns) == list(RECORD_FIELDS)
    assert len(frame) == 21 * len(COLUMNS_2024)
    for col in ("a", "b", "diff", "population_a"):
        assert str(frame[col].dtype) == "int64"
    assert str(frame["diff_percent"].dtype) == "float64"
    sums = frame.groupby("column")["diff"].sum()
    assert all(sums == 0)
    wide = frame.pivot(index="lan_code", columns="column", values="diff")
    assert (wide["ambulans"] != 0).all() and (wide["kommuner"] == 0).all()
    with_totals = godnaravard.compare(None, None, totals=True)
    assert len(with_totals) == 22 * len(COLUMNS_2024) and (with_totals["diff"] == 0).all()
    assert set(with_totals[with_totals["lan_code"] == ""]["lan"]) == {"Totalt"}


def test_compare_accepts_allocations_paths_and_scenarios() -> None:
    path = EXAMPLES / "scenarios" / "ambulans_grundbelopp_1mkr.toml"
    by_path = godnaravard.compare("2024", path)
    by_alloc = godnaravard.compare(allocate(), allocate(path))
    assert by_path.equals(by_alloc)


def test_compare_svf() -> None:
    more = scenario_from(SVF, {"svf.total": 200_000_000})
    frame = godnaravard.compare(SVF, more)
    assert len(frame) == 18 and set(frame["column"]) == {"svf"} and frame["diff"].sum() == 17_500_000
    # None is the agreement as signed of the other side's agreement, or of --agreement.
    assert godnaravard.compare(None, more).equals(frame)
    assert godnaravard.compare(agreement=SVF, totals=True)["diff"].eq(0).all()
    cross = godnaravard.compare("2024", more)
    assert set(cross["column"]) == {"totalt"} and cross["b"].isna().sum() == 3


def test_diff_compares_exactly() -> None:
    a = allocate()
    b = allocate(overrides={"kommuner.andel_insatser": "1/4"})
    cmp = diff(a, b)
    assert cmp.parameter_changes == {"kommuner.andel_insatser": (Fraction(1, 2), Fraction(1, 4))}
    # A is the agreement as signed, B a what-if: the rule alone, so the signed table's krona moved by
    # hand (bilaga 3 Ambulans, Sörmland −1 kr, Västra Götaland +1 kr) is back where the rule puts it.
    assert cmp.changed_columns() == ("ambulans", "regioner_totalt", "kommuner")
    moved = {r.code: r.cells["ambulans"].b - r.cells["ambulans"].a for r in cmp.regions
             if r.cells["ambulans"].b != r.cells["ambulans"].a}
    assert moved == {"04": 1, "14": -1}
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
            "f(); assert 'pandas' in sys.modules and 'matplotlib' not in sys.modules")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_console_script_smoke() -> None:
    proc = run_subprocess("diff", SVF, *SET_SVF, "--format", "csv")
    assert proc.returncode == 0, proc.stderr
    rows = csv_rows(proc.stdout)
    assert len(rows) == 19 and rows[-1]["lan"] == "Totalt" and rows[-1]["diff"] == "17500000"
    bad = run_subprocess("diff", "2024", "--column", "svf")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr and "nara_vard" in bad.stderr


def test_renderers_are_still_importable_from_comparison() -> None:
    """Rendering moved to ``comparison_render``; the old import path gives the very same functions."""
    import godnaravard.comparison as computing
    import godnaravard.comparison_render as rendering

    for name in rendering.__all__:
        assert getattr(computing, name) is getattr(rendering, name)
    with pytest.raises(AttributeError, match="no_such_renderer"):
        computing.no_such_renderer  # noqa: B018
