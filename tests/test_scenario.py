"""Scenario files: the format, validation errors that name file, key and problem, and end-to-end runs."""

from __future__ import annotations

import csv
import io
from fractions import Fraction
from pathlib import Path

import pytest
from _cli import run

from godnaravard import allocate, core
from godnaravard.errors import InputError
from godnaravard.resources import data_file
from godnaravard.scenario import baseline, load_scenario, parse_value, scenario_from, with_overrides

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(path: Path) -> list:
    with pytest.raises(InputError) as info:
        load_scenario(path)
    return info.value.problems


# --- The shipped baseline ------------------------------------------------------------------

def test_baseline_states_every_parameter_with_its_section() -> None:
    sc = load_scenario("2024")
    assert sc is load_scenario(None) is baseline()
    assert sc.is_baseline and sc.changes() == {}
    keys = sc.parameters.rules.parameters
    assert set(sc.sources) == set(keys)
    for key in keys:
        assert "avsnitt" in sc.sources[key].casefold(), key
    assert sc.parameters["regioner.nara_vard_total"] == 2_420_000_000
    assert sc.parameters["kommuner.andel_insatser"] == Fraction(1, 2)
    assert sc.parameters.weights("landsbygd") == {"tatortsnara": 1, "gles": 4, "mycket_gles": 6}
    assert sc.agreement.name == "god-och-nara-vard-2024" and load_scenario("god-och-nara-vard-2024") is sc


# --- Valid files ---------------------------------------------------------------------------

def test_scenario_file_with_base_changes_only_what_it_states(tmp_path: Path) -> None:
    path = write(tmp_path / "s.toml", '''
name = "what-if"
description = "two changes"
base = "2024"
[parameters]
"ambulans.grundbelopp" = { value = 1_000_000, source = "my reasoning" }
"kommuner.andel_insatser" = "60%"
''')
    sc = load_scenario(path)
    assert sc.name == "what-if" and sc.description == "two changes" and sc.origin == str(path)
    assert sc.changes() == {
        "ambulans.grundbelopp": (500_000, 1_000_000),
        "kommuner.andel_insatser": (Fraction(1, 2), Fraction(3, 5)),
    }
    assert sc.sources["ambulans.grundbelopp"] == "my reasoning"
    assert sc.sources["kommuner.andel_insatser"] == f"scenario {path}"
    assert sc.sources["ambulans.total"] == baseline().sources["ambulans.total"]
    assert not sc.is_baseline and sc.data == {}


@pytest.mark.parametrize("written", ['"1/4"', '"25%"', "0.25", '"0,25"', '"25 %"', '"2/8"'])
def test_share_formats_are_exact(tmp_path: Path, written: str) -> None:
    path = write(tmp_path / "s.toml", f'name = "x"\nbase = "2024"\n[parameters]\n"kommuner.andel_insatser" = {written}\n')
    value = load_scenario(path).parameters["kommuner.andel_insatser"]
    assert value == Fraction(1, 4) and isinstance(value, Fraction)


@pytest.mark.parametrize("written", ["1000000", "1_000_000", '"1 000 000"', '"1000000"', '"1_000_000"'])
def test_amount_formats_are_whole_kronor(tmp_path: Path, written: str) -> None:
    path = write(tmp_path / "s.toml", f'name = "x"\nbase = "2024"\n[parameters]\n"ambulans.grundbelopp" = {written}\n')
    value = load_scenario(path).parameters["ambulans.grundbelopp"]
    assert value == 1_000_000 and type(value) is int


def test_a_decimal_in_toml_is_read_as_written_not_as_a_binary_float() -> None:
    # 0.1 is not exact in binary; the scenario layer reads the decimal as written.
    assert parse_value("landsbygd.vikt.gles", 0.1) == Fraction(1, 10)
    assert parse_value("landsbygd.vikt.gles", "4.5") == Fraction(9, 2)


def test_bases_chain_and_data_paths_are_relative_to_the_file_that_names_them(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    pop = tmp_path / "sub" / "pop.csv"
    pop.write_bytes(data_file("population_2023.csv").read_bytes())
    write(tmp_path / "sub" / "b.toml", 'name = "b"\nbase = "2024"\n[parameters]\n"ambulans.total" = 50_000_000\n'
          '[data]\npopulation = "pop.csv"\n')
    c = write(tmp_path / "c.toml", 'name = "c"\nbase = "sub/b.toml"\n[parameters]\n"ambulans.grundbelopp" = 0\n')
    sc = load_scenario(c)
    assert sc.parameters["ambulans.total"] == 50_000_000
    assert sc.parameters["ambulans.grundbelopp"] == 0
    assert sc.data == {"population": pop}
    assert sc.sources["ambulans.total"] == f"scenario {tmp_path / 'sub' / 'b.toml'}"


def test_a_file_without_base_starts_from_its_agreement(tmp_path: Path) -> None:
    sc = load_scenario(write(tmp_path / "full.toml", 'name = "copy"\nagreement = "god-och-nara-vard-2024"\n'))
    assert sc.parameters == baseline().parameters and sc.name == "copy"
    assert sc.is_baseline  # same parameters, the agreement's own data: the check compares like with like
    svf = load_scenario(write(tmp_path / "svf.toml", 'name = "more"\nagreement = "svf-cancer-2025-2"\n'
                                                     '[parameters]\n"svf.total" = 200_000_000\n'))
    assert svf.agreement.name == "svf-cancer-2025-2" and svf.changes() == {"svf.total": (182_500_000, 200_000_000)}


def test_a_scenario_cannot_mix_agreements(tmp_path: Path) -> None:
    path = write(tmp_path / "mixed.toml", 'name = "x"\nbase = "2024"\nagreement = "svf-cancer-2025-2"\n')
    [p] = problems_of(path)
    assert p.key == "agreement" and "god-och-nara-vard-2024" in p.message
    path = write(tmp_path / "unknown.toml", 'name = "x"\nagreement = "no-such-agreement"\n')
    [p] = problems_of(path)
    assert p.key == "agreement" and "no such agreement" in p.message


# --- Errors name the file, the key and what is wrong ----------------------------------------

BAD = [
    ('description = "no name"\nbase = "2024"\n', "name", "Field required"),
    ('name = ""\nbase = "2024"\n', "name", "at least 1 character"),
    ('name = "x"\nbase = "2024"\nparamters = {}\n', "paramters", "Extra inputs are not permitted"),
    ('name = "x"\nbase = "2024"\n[parameters]\n"ambulans.grundbelop" = 1\n',
     "parameters.ambulans.grundbelop", "did you mean ambulans.grundbelopp"),
    ('name = "x"\nbase = "2024"\n[parameters]\n"ambulans.grundbelopp" = 1.5\n',
     "parameters.ambulans.grundbelopp", "expected whole kronor"),
    ('name = "x"\nbase = "2024"\n[parameters]\n"ambulans.grundbelopp" = true\n',
     "parameters.ambulans.grundbelopp", "expected a number"),
    ('name = "x"\nbase = "2024"\n[parameters]\n"kommuner.andel_insatser" = "half"\n',
     "parameters.kommuner.andel_insatser", "expected a share"),
    ('name = "x"\nbase = "2024"\n[parameters]\n"landsbygd.vikt.gles" = "1/0"\n',
     "parameters.landsbygd.vikt.gles", "division by zero"),
    ('name = "x"\nbase = "2024"\n[parameters]\n"kommuner.andel_insatser" = "3/2"\n',
     "parameters", "between 0 and 1"),
    ('name = "x"\nbase = "2024"\n[parameters]\n"ambulans.total" = -1\n', "parameters", "cannot be negative"),
    ('name = "x"\nbase = "2024"\n[parameters]\n"regioner.landsbygd_total" = 3_000_000_000\n',
     "parameters", "larger than regioner.nara_vard_total"),
    (('name = "x"\nbase = "2024"\n[parameters]\n"landsbygd.vikt.tatortsnara" = 0\n"landsbygd.vikt.gles" = 0\n'
      '"landsbygd.vikt.mycket_gles" = 0\n'), "parameters", "cannot be shared"),
    ('name = "x"\nbase = "2024"\n[parameters]\n"ambulans.grundbelopp" = { value = 1, sorce = "typo" }\n',
     "parameters.ambulans.grundbelopp.sorce", "Extra inputs are not permitted"),
    ('name = "x"\nbase = "2024"\n[parameters]\n"ambulans.grundbelopp" = { source = "no value" }\n',
     "parameters.ambulans.grundbelopp.value", "Field required"),
    ('name = "x"\nbase = "missing.toml"\n', "base", "does not exist"),
    ('name = "x"\nbase = "2024"\n[data]\npopulation = "nowhere.csv"\n', "data.population", "does not exist"),
    ('name = "x"\nbase = "2024"\n[data]\nlandsbygd = "."\n', "data.landsbygd", "is a folder"),
    ('name = "x"\nbase = "2024"\n[data]\nrural = "x.csv"\n', "data.rural", "unknown data slot 'rural': the data slots of "),
    ('name = "x"\nbase = "2024"\nparameters = 5\n', "parameters", "valid dictionary"),
    ('name = "x"\nbase = "2024\n', None, "not valid TOML"),
]


@pytest.mark.parametrize(("text", "column", "message"), BAD, ids=[m for _, _, m in BAD])
def test_invalid_scenario_files_name_file_key_and_problem(tmp_path: Path, text: str, column: str | None,
                                                         message: str) -> None:
    path = write(tmp_path / "bad.toml", text)
    problems = problems_of(path)
    assert any(p.file == str(path) and p.key == column and message in p.message for p in problems), problems


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    path = write(tmp_path / "bad.toml", 'name = "x"\nbase = "2024"\n[parameters]\n"a.b" = 1\n'
                 '"ambulans.grundbelopp" = "many"\n')
    assert {p.key for p in problems_of(path)} == {"parameters.a.b", "parameters.ambulans.grundbelopp"}


def test_missing_file_and_unknown_shipped_name(tmp_path: Path) -> None:
    [p] = problems_of(tmp_path / "nope.toml")
    assert p.file == str(tmp_path / "nope.toml") and "does not exist" in p.message
    with pytest.raises(InputError, match="shipped agreements: god-och-nara-vard-2024, 2024, svf-cancer-2025-2"):
        load_scenario("gnv-next-year")
    [p] = problems_of(tmp_path)
    assert "folder" in p.message


def test_a_loop_of_bases_is_refused(tmp_path: Path) -> None:
    write(tmp_path / "a.toml", 'name = "a"\nbase = "./b.toml"\n')
    write(tmp_path / "b.toml", 'name = "b"\nbase = "a.toml"\n')
    problems = problems_of(tmp_path / "a.toml")
    assert problems[0].key == "base" and "loop" in problems[0].message
    write(tmp_path / "self.toml", 'name = "self"\nbase = "self.toml"\n')
    assert "loop" in problems_of(tmp_path / "self.toml")[0].message


def test_invalid_scenario_on_the_command_line_exits_2_without_traceback(tmp_path: Path) -> None:
    path = write(tmp_path / "bad.toml", 'name = "x"\nbase = "2024"\n[parameters]\n"ambulans.grundbelopp" = 1.5\n')
    for command in ("allocate", "check", "explain"):
        args = [command, "14"] if command == "explain" else [command]
        proc = run(*args, "--scenario", str(path))
        assert proc.returncode == 2, (command, proc.stderr)
        assert proc.stderr.startswith(f"godnaravard: error: {path}, key 'parameters.ambulans.grundbelopp': ")
        assert "Traceback" not in proc.stderr and proc.stdout == ""


def test_allocation_errors_from_a_scenario_exit_2(tmp_path: Path) -> None:
    # Valid on its own, impossible with 21 regions: 21 × 3 Mkr > 46 Mkr.
    path = write(tmp_path / "s.toml", 'name = "x"\nbase = "2024"\n[parameters]\n"ambulans.grundbelopp" = 3_000_000\n')
    proc = run("allocate", "--scenario", str(path))
    assert proc.returncode == 2 and "ambulans.grundbelopp" in proc.stderr and "Traceback" not in proc.stderr


# --- Overrides and scenarios built in code --------------------------------------------------

def test_with_overrides_records_where_each_value_came_from() -> None:
    sc = with_overrides(baseline(), {"ambulans.grundbelopp": "750000"})
    assert sc.parameters["ambulans.grundbelopp"] == 750_000
    assert sc.sources["ambulans.grundbelopp"] == "--set ambulans.grundbelopp=750000"
    assert sc.overrides == {"ambulans.grundbelopp": 750_000}
    with pytest.raises(InputError) as info:
        with_overrides(baseline(), {"ambulans.grundbelopp": "x", "nope": 1})
    assert {p.key for p in info.value.problems} == {"ambulans.grundbelopp", "nope"}


def test_scenario_from_builds_a_scenario_in_code(tmp_path: Path) -> None:
    sc = scenario_from(parameters={"ambulans.grundbelopp": 1_000_000, "kommuner.andel_insatser": Fraction(1, 4)},
                       name="code")
    assert sc.name == "code" and sc.origin == "scenario_from(base='god-och-nara-vard-2024')"
    assert sc.changes() == {"ambulans.grundbelopp": (500_000, 1_000_000),
                            "kommuner.andel_insatser": (Fraction(1, 2), Fraction(1, 4))}
    assert "built in code" in sc.sources["ambulans.grundbelopp"]
    # A scenario built in code can be the base of another one, and allocates like a file would.
    on_top = scenario_from(sc, {"ambulans.total": 50_000_000})
    assert on_top.parameters["ambulans.grundbelopp"] == 1_000_000
    path = write(tmp_path / "s.toml", 'name = "f"\nbase = "2024"\n[parameters]\n"ambulans.grundbelopp" = 1_000_000\n'
                 '"kommuner.andel_insatser" = "1/4"\n')
    assert allocate(sc).rows == allocate(path).rows
    assert scenario_from().is_baseline
    with pytest.raises(InputError, match="unknown parameter"):
        scenario_from(parameters={"ambulans.grundbelop": 1})


# --- --scenario on the commands ---------------------------------------------------------------

def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_scenario_option_on_allocate_equals_set() -> None:
    path = EXAMPLES / "scenarios" / "ambulans_grundbelopp_1mkr.toml"
    by_file = run("allocate", "--format", "csv", "--scenario", str(path))
    by_set = run("allocate", "--format", "csv", "--set", "ambulans.grundbelopp=1000000")
    assert by_file.returncode == by_set.returncode == 0
    assert by_file.stdout == by_set.stdout
    assert {r["ambulans"] for r in csv_rows(by_file.stdout)} != {r["ambulans"] for r in
                                                                  csv_rows(run("allocate", "--format", "csv").stdout)}


def test_check_with_a_changed_scenario_says_what_it_compares() -> None:
    path = EXAMPLES / "scenarios" / "ambulans_grundbelopp_1mkr.toml"
    proc = run("check", "--scenario", str(path))
    assert proc.returncode == 1  # cells differ from the 2024 tables, as they must
    assert proc.stdout.startswith("NOTE: This scenario differs from the agreement God och nära vård 2024 as signed")
    assert "ambulans.grundbelopp 500000 → 1000000" in " ".join(proc.stdout.split())
    assert "column sums = budget:  yes, every column to the krona" in proc.stdout
    baseline_run = run("check", "--scenario", "2024")
    assert baseline_run.returncode == 0 and "NOTE" not in baseline_run.stdout


# --- Newer population data: end to end, every budget line exact -------------------------------

def newer_population(tmp_path: Path) -> Path:
    """A copy of the shipped population file with changed counts (not real data)."""
    rows = csv_rows(data_file("population_2023.csv").read_text(encoding="utf-8"))
    for i, r in enumerate(rows):
        r["population"] = str(int(r["population"]) + 1_000 * (i + 1))
        r["hsl_insatser"] = str(int(r["hsl_insatser"]) + 37 * (21 - i))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path = tmp_path / "population_2024.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def assert_budget_lines_exact(result: core.Result) -> None:
    totals = result.totals()
    for column, budget in result.budget_lines_by_column().items():
        assert totals[column] == budget, column
    assert result.budget == baseline_budget()


def baseline_budget() -> tuple[core.BudgetLine, ...]:
    return core.budget_lines(baseline().parameters)


def test_newer_population_runs_end_to_end_with_every_budget_line_exact(tmp_path: Path) -> None:
    pop = newer_population(tmp_path)
    scenario = write(tmp_path / "befolkning_2024.toml", 'name = "befolkning 2024"\nbase = "2024"\n'
                     '[data]\npopulation = "population_2024.csv"\n')
    alloc = allocate(scenario)
    assert alloc.scenario.data == {"population": pop} and not alloc.scenario.is_baseline
    assert [r["population"] for r in alloc.rows] == [int(r["population"]) for r in csv_rows(pop.read_text())]
    assert_budget_lines_exact(alloc.result)
    assert alloc.rows != allocate().rows

    # The command line, from another directory: the same figures, the same exact sums.
    proc = run("allocate", "--format", "csv", "--scenario", str(scenario), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    rows = csv_rows(proc.stdout)
    assert [int(r["ambulans"]) for r in rows] == [r["ambulans"] for r in alloc.rows]
    for column, budget in alloc.result.budget_lines_by_column().items():
        assert sum(int(r[column]) for r in rows) == budget
    check = run("check", "--scenario", str(scenario))
    assert check.returncode == 1 and "column sums = budget:  yes" in check.stdout
    assert "Input data differing" in check.stdout


def test_the_example_scenarios_run(tmp_path: Path) -> None:
    files = sorted((EXAMPLES / "scenarios").glob("*.toml"))
    assert len(files) >= 2
    for path in files:
        alloc = allocate(path)
        assert not alloc.scenario.is_baseline, path
        assert_budget_lines_exact(alloc.result)


# --- Hostile scenario files (issue 13) ----------------------------------------------------------


def test_toml_decimals_are_read_exactly(tmp_path: Path) -> None:
    path = write(tmp_path / "d.toml", 'name = "d"\nbase = "2024"\n[parameters]\n"kommuner.andel_insatser" = 0.00001\n'
                                      '"landsbygd.vikt.gles" = { value = 4.000000000000000001, source = "x" }\n')
    sc = load_scenario(path)
    assert sc.parameters["kommuner.andel_insatser"] == Fraction(1, 100_000)
    assert sc.parameters["landsbygd.vikt.gles"] == Fraction(4_000_000_000_000_000_001, 10**18)


def test_a_long_chain_of_bases_is_refused_without_recursion(tmp_path: Path) -> None:
    for i in range(1500):
        write(tmp_path / f"c{i}.toml", f'name = "c{i}"\nbase = "c{i + 1}.toml"\n')
    write(tmp_path / "c1500.toml", 'name = "end"\nbase = "2024"\n')
    [p] = problems_of(tmp_path / "c0.toml")
    assert p.key == "base" and "the chain of bases is longer than 100 scenario files" in p.message
    assert load_scenario(tmp_path / "c1401.toml").name == "c1401"  # 99 bases: fine


def test_a_long_loop_names_its_files_briefly(tmp_path: Path) -> None:
    for i in range(50):
        write(tmp_path / f"l{i}.toml", f'name = "l{i}"\nbase = "l{(i + 1) % 50}.toml"\n')
    [p] = problems_of(tmp_path / "l0.toml")
    assert p.file == str(tmp_path / "l49.toml") and "form a loop of 50 file(s)" in p.message and "…" in p.message


def test_only_a_regular_scenario_file_of_at_most_a_megabyte_is_read(tmp_path: Path) -> None:
    [p] = problems_of(Path("/dev/zero"))
    assert p.message == "this is a device, not a scenario file (only regular files are read)"
    big = write(tmp_path / "big.toml", 'name = "big"\n' + "#" * 1024 * 1024)
    [p] = problems_of(big)
    assert "the scenario file is 1 048 589 bytes; a scenario file is at most 1 048 576 bytes" in p.message


@pytest.mark.parametrize(("value", "message"), [
    ("１０", r"U\+FF11 FULLWIDTH DIGIT ONE"),
    ("9" * 25, "the amount has more than 24 digits"),
    ("1" + "0" * 23, None),
])
def test_amounts_have_ascii_digits_and_at_most_24_of_them(value: str, message: str | None) -> None:
    if message is None:
        assert parse_value("ambulans.total", value) == 10**23
        return
    with pytest.raises(ValueError, match=message):
        parse_value("ambulans.total", value)


@pytest.mark.parametrize("value", ["1/" + "9" * 25, "0." + "0" * 24 + "1", "1e-999999999", "٣/4"])
def test_shares_with_longer_or_other_digits_are_refused_quickly(value: str) -> None:
    from decimal import Decimal

    with pytest.raises(ValueError, match="more than 24 digits|digits 0-9"):
        parse_value("kommuner.andel_insatser", Decimal(value) if "e" in value else value)
