"""Hostile cases for names, ``agreement new``, stale copies and ``check`` with nothing to compare
(issue 17 §1 "Names" and ``agreement new``; issue 18 §7).

Every case: no crash report or traceback, the right exit code, a one-line reason on an error, and
nothing clobbered (an existing folder or file is left as it was).
"""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from _cli import invoke
from click.testing import Result

from godnaravard.agreements import load_agreement
from godnaravard.agreements.copy import clean_leftovers
from godnaravard.agreements.stale import stale_details

SVF = "svf-cancer-2025-2"
GNV = "god-och-nara-vard-2024"
POPULATION = "population_2025_09.csv"


def _clean(result: Result) -> None:
    """No traceback, no crash report, and an error is one line."""
    assert "Traceback" not in result.output
    assert "unexpected internal error" not in result.output
    if result.exit_code == 2:
        errors = [ln for ln in result.stderr.splitlines() if ln.startswith("godnaravard: error:")]
        assert len(errors) == 1, result.stderr


def _own(tmp_path: Path, folder: str = "own", official: bool = False) -> Path:
    """A valid own agreement (a copy of SVF) at ``tmp_path / folder``."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    result = invoke("agreement", "new", tmp_path / folder, "--from", SVF, *(["--with-official"] if official else []))
    assert result.exit_code == 0, result.output
    return tmp_path / folder


def _edit(folder: Path, old: str, new: str) -> None:
    definition = folder / "agreement.toml"
    text = definition.read_text(encoding="utf-8")
    assert old in text, old
    definition.write_text(text.replace(old, new, 1), encoding="utf-8")


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# --------------------------------------------------------------------------------------------
# Names: a folder and a shipped name never shadow each other silently


@pytest.mark.parametrize("ref", ["2024", GNV])
def test_a_bare_shipped_name_beside_a_folder_with_a_definition_is_ambiguous(tmp_path: Path, ref: str) -> None:
    _own(tmp_path, ref + "-x")
    (tmp_path / (ref + "-x")).rename(tmp_path / ref)
    result = invoke("allocate", "--agreement", ref, "--format", "csv", cwd=tmp_path)
    _clean(result)
    assert result.exit_code == 2
    assert "ambiguous" in result.stderr and f"./{ref}" in result.stderr
    assert result.stdout == ""


def test_the_ambiguity_error_names_the_other_way_to_the_shipped_one(tmp_path: Path) -> None:
    _own(tmp_path, "gnvx")
    (tmp_path / "gnvx").rename(tmp_path / GNV)
    result = invoke("allocate", "--agreement", GNV, cwd=tmp_path)
    assert result.exit_code == 2 and "write 2024 for the shipped one" in result.stderr


def test_a_path_like_reference_is_the_folder(tmp_path: Path) -> None:
    _own(tmp_path, "x")
    (tmp_path / "x").rename(tmp_path / "2024")
    result = invoke("allocate", "--agreement", "./2024", "--format", "csv", cwd=tmp_path)
    _clean(result)
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == "lan_code,lan,region,population,svf"


def test_a_folder_without_a_definition_does_not_take_a_shipped_name(tmp_path: Path) -> None:
    (tmp_path / "2024").mkdir()
    (tmp_path / "2024" / "notes.txt").write_text("budget 2024", encoding="utf-8")
    result = invoke("allocate", "--agreement", "2024", "--format", "csv", cwd=tmp_path)
    _clean(result)
    assert result.exit_code == 0 and "nara_vard" in result.stdout.splitlines()[0]


def test_a_bare_name_that_is_only_a_folder_is_the_folder(tmp_path: Path) -> None:
    _own(tmp_path, "mine")
    result = invoke("allocate", "--agreement", "mine", "--format", "csv", cwd=tmp_path)
    assert result.exit_code == 0 and result.stdout.startswith("lan_code,lan,region,population,svf")


@pytest.mark.parametrize("ref", ["nonexistent", "./nope", "/dev/zero", "/proc/self/environ/x", "\x1b[31mred"])
def test_an_unknown_agreement_is_one_line(tmp_path: Path, ref: str) -> None:
    result = invoke("allocate", "--agreement", ref, cwd=tmp_path)
    _clean(result)
    assert result.exit_code == 2
    assert "SHELL=" not in result.output and "PATH=" not in result.output


def test_a_fifo_as_the_definition_is_refused_without_hanging(tmp_path: Path) -> None:
    (tmp_path / "f").mkdir()
    os.mkfifo(tmp_path / "f" / "agreement.toml")
    result = invoke("allocate", "--agreement", "./f", cwd=tmp_path)
    _clean(result)
    assert result.exit_code == 2


# --------------------------------------------------------------------------------------------
# A scenario's agreement = is taken from the scenario file's folder


def _scenario(folder: Path, agreement: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "s.toml"
    path.write_text(f'name = "s"\nagreement = "{agreement}"\n[parameters]\n"svf.total" = 1000\n', encoding="utf-8")
    return path


def test_a_scenarios_agreement_is_found_beside_the_scenario(tmp_path: Path) -> None:
    _own(tmp_path / "work", "mine")
    scenario = _scenario(tmp_path / "work", "mine")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = invoke("allocate", "--scenario", scenario, "--format", "csv", cwd=elsewhere)
    _clean(result)
    assert result.exit_code == 0, result.output
    assert sum(int(r.split(",")[-1]) for r in result.stdout.splitlines()[1:]) == 1000


def test_a_scenarios_relative_agreement_path_is_from_its_folder(tmp_path: Path) -> None:
    _own(tmp_path, "defs")
    scenario = _scenario(tmp_path / "scenarios", "../defs")
    result = invoke("allocate", "--scenario", scenario, "--format", "csv", cwd=tmp_path / "scenarios")
    assert result.exit_code == 0, result.output
    result = invoke("allocate", "--scenario", scenario, "--format", "csv", cwd=tmp_path / "defs")
    assert result.exit_code == 0, result.output


def test_a_scenarios_shipped_name_beside_a_folder_of_that_name_is_ambiguous(tmp_path: Path) -> None:
    _own(tmp_path / "work", "x")
    (tmp_path / "work" / "x").rename(tmp_path / "work" / "svf-2025-2")
    scenario = _scenario(tmp_path / "work", "svf-2025-2")
    result = invoke("allocate", "--scenario", scenario, cwd=tmp_path)
    _clean(result)
    assert result.exit_code == 2 and "ambiguous" in result.stderr


def test_a_scenario_file_without_toml_suffix_is_still_a_scenario(tmp_path: Path) -> None:
    (tmp_path / "myscen").write_text('name = "s"\nbase = "2024"\n[parameters]\n"ambulans.total" = 50000000\n',
                                     encoding="utf-8")
    result = invoke("allocate", "--scenario", "myscen", "--format", "csv", cwd=tmp_path)
    _clean(result)
    assert result.exit_code == 0, result.output


def test_a_scenarios_broken_agreement_is_refused_with_its_problems(tmp_path: Path) -> None:
    (tmp_path / "work" / "broken").mkdir(parents=True)
    (tmp_path / "work" / "broken" / "agreement.toml").write_text('name = "broken"\n', encoding="utf-8")
    scenario = _scenario(tmp_path / "work", "broken")
    result = invoke("allocate", "--scenario", scenario, cwd=tmp_path)
    assert result.exit_code == 2 and "key 'title'" in result.stderr and "Traceback" not in result.output


def test_a_scenarios_unknown_agreement_is_named(tmp_path: Path) -> None:
    scenario = _scenario(tmp_path / "work", "nope")
    result = invoke("allocate", "--scenario", scenario, cwd=tmp_path)
    _clean(result)
    assert result.exit_code == 2 and "no such agreement 'nope'" in result.stderr


# --------------------------------------------------------------------------------------------
# agreement new: refuses shipped names, never clobbers


@pytest.mark.parametrize("target", ["2024", "./SVF-2025-2", GNV, "sub/2024", "God-Och-Nara-Vard-2024"])
def test_agreement_new_refuses_a_shipped_name_or_alias(tmp_path: Path, target: str) -> None:
    (tmp_path / "sub").mkdir()
    result = invoke("agreement", "new", target, "--from", SVF, cwd=tmp_path)
    _clean(result)
    assert result.exit_code == 2 and "shipped agreement" in result.stderr
    assert not (tmp_path / target).exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sub"]


def test_agreement_new_leaves_an_existing_folder_alone(tmp_path: Path) -> None:
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "keep.txt").write_text("mine", encoding="utf-8")
    result = invoke("agreement", "new", "mine", "--from", SVF, cwd=tmp_path)
    _clean(result)
    assert result.exit_code == 2
    assert _tree(tmp_path / "mine") == {"keep.txt": b"mine"}


def test_agreement_new_leaves_a_dangling_symlink_alone(tmp_path: Path) -> None:
    (tmp_path / "link").symlink_to(tmp_path / "nowhere")
    result = invoke("agreement", "new", "link", "--from", SVF, cwd=tmp_path)
    _clean(result)
    assert result.exit_code == 2 and (tmp_path / "link").is_symlink() and not (tmp_path / "nowhere").exists()


def test_agreement_new_into_a_missing_folder(tmp_path: Path) -> None:
    result = invoke("agreement", "new", "missing/x", "--from", SVF, cwd=tmp_path)
    _clean(result)
    assert result.exit_code == 2 and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("folder", "name"), [("Mitt Avtal 2025!", "mitt-avtal-2025"), ("!!!", "new-agreement"),
                                              ("gnv.2025", "gnv.2025"), ("åäö-x", "x")])
def test_the_copys_name_is_a_valid_name(tmp_path: Path, folder: str, name: str) -> None:
    result = invoke("agreement", "new", folder, "--from", SVF, cwd=tmp_path)
    _clean(result)
    assert result.exit_code == 0
    assert tomllib.loads((tmp_path / folder / "agreement.toml").read_text(encoding="utf-8"))["name"] == name


@pytest.mark.parametrize("length", [200, 255, 300])
def test_a_long_folder_name_is_copied_or_refused_in_one_line(tmp_path: Path, length: int) -> None:
    folder = "a" * length
    result = invoke("agreement", "new", folder, "--from", SVF, cwd=tmp_path)
    _clean(result)
    assert result.exit_code == (0 if length <= 255 else 2), result.output
    assert [p.name for p in tmp_path.iterdir()] == ([folder] if length <= 255 else [])


# --------------------------------------------------------------------------------------------
# agreement new: the copy is written by a TOML editor, from files inside the source folder only


def test_a_comment_that_looks_like_a_key_is_kept_as_a_comment(tmp_path: Path) -> None:
    src = _own(tmp_path, "src")
    _edit(src, "[data.population]\n", '# name = "evil"\n# file = "x.csv"\n[data.population]\n')
    result = invoke("agreement", "new", tmp_path / "copy", "--from", src)
    _clean(result)
    assert result.exit_code == 0, result.output
    text = (tmp_path / "copy" / "agreement.toml").read_text(encoding="utf-8")
    assert '# name = "evil"\n# file = "x.csv"\n' in text
    assert tomllib.loads(text)["name"] == "copy"
    assert invoke("allocate", "--agreement", tmp_path / "copy").exit_code == 0


def test_a_literal_string_path_is_copied(tmp_path: Path) -> None:
    src = _own(tmp_path, "src")
    (src / "pop dir").mkdir()
    (src / POPULATION).rename(src / "pop dir" / "p.csv")
    _edit(src, f'file = "{POPULATION}"', "file = 'pop dir/p.csv'")
    result = invoke("agreement", "new", tmp_path / "copy", "--from", src)
    assert result.exit_code == 0, result.output
    raw = tomllib.loads((tmp_path / "copy" / "agreement.toml").read_text(encoding="utf-8"))
    assert raw["data"]["population"]["file"] == "pop dir/p.csv"
    assert (tmp_path / "copy" / "pop dir" / "p.csv").read_bytes() == (src / "pop dir" / "p.csv").read_bytes()


def test_an_inline_data_table_is_copied(tmp_path: Path) -> None:
    src = _own(tmp_path, "src")
    text = (src / "agreement.toml").read_text(encoding="utf-8")
    start, end = text.index("[data.population]"), text.index("[keys.population]")
    inline = (f'data = {{ population = {{ kind = "recipients", file = "{POPULATION}", date = 2025-09-30, label = "B", '
              'source = "S", counts = ["population"] } }\n')
    text = text[:start] + text[end:]
    text = text.replace('recipients = "region"\n', 'recipients = "region"\n' + inline)
    (src / "agreement.toml").write_text(text, encoding="utf-8")
    assert invoke("allocate", "--agreement", src).exit_code == 0
    result = invoke("agreement", "new", tmp_path / "copy", "--from", src)
    assert result.exit_code == 0, result.output
    ours = invoke("allocate", "--agreement", tmp_path / "copy", "--format", "csv")
    theirs = invoke("allocate", "--agreement", src, "--format", "csv")
    assert ours.exit_code == 0 and ours.stdout == theirs.stdout


def test_a_data_file_named_agreement_toml_does_not_clobber_the_definition(tmp_path: Path) -> None:
    src = _own(tmp_path, "src")
    (src / "data").mkdir()
    (src / POPULATION).rename(src / "data" / "agreement.toml")
    _edit(src, f'file = "{POPULATION}"', 'file = "data/agreement.toml"')
    result = invoke("agreement", "new", tmp_path / "copy", "--from", src)
    assert result.exit_code == 0, result.output
    copy = tmp_path / "copy"
    assert (copy / "data" / "agreement.toml").read_bytes() == (src / "data" / "agreement.toml").read_bytes()
    assert tomllib.loads((copy / "agreement.toml").read_text(encoding="utf-8"))["name"] == "copy"
    assert invoke("allocate", "--agreement", copy).exit_code == 0


def test_a_data_file_that_is_the_definition_itself_is_left_referenced(tmp_path: Path) -> None:
    src = _own(tmp_path, "src")
    _edit(src, f'file = "{POPULATION}"', 'file = "agreement.toml"')
    result = invoke("agreement", "new", tmp_path / "copy", "--from", src)
    _clean(result)
    assert result.exit_code == 0
    assert "the source's definition itself" in result.stdout
    assert tomllib.loads((tmp_path / "copy" / "agreement.toml").read_text(encoding="utf-8"))["name"] == "copy"


@pytest.mark.parametrize("how", ["absolute", "dotdot", "symlink out"])
def test_a_file_outside_the_folder_is_left_referenced_not_copied(tmp_path: Path, how: str) -> None:
    src = _own(tmp_path, "src")
    outside = tmp_path / "private"
    outside.mkdir()
    (src / POPULATION).rename(outside / "secret.csv")
    written = {"absolute": str(outside / "secret.csv"), "dotdot": "../private/secret.csv", "symlink out": "link.csv"}
    if how == "symlink out":
        (src / "link.csv").symlink_to(outside / "secret.csv")
    _edit(src, f'file = "{POPULATION}"', f'file = "{written[how]}"')
    result = invoke("agreement", "new", tmp_path / "copy", "--from", src)
    _clean(result)
    assert result.exit_code == 0, result.output
    assert "not copied, left referenced: data.population.file" in result.stdout
    secret = (outside / "secret.csv").read_bytes()
    assert all(p.read_bytes() != secret for p in (tmp_path / "copy").rglob("*") if p.is_file())
    raw = tomllib.loads((tmp_path / "copy" / "agreement.toml").read_text(encoding="utf-8"))
    assert Path(raw["data"]["population"]["file"]).is_absolute()
    assert invoke("allocate", "--agreement", tmp_path / "copy").exit_code == 0


def test_a_referenced_path_with_control_characters_is_listed_as_text(tmp_path: Path) -> None:
    src = _own(tmp_path, "src")
    (src / POPULATION).rename(tmp_path / "p\x1b[2J.csv")
    _edit(src, f'file = "{POPULATION}"', 'file = "../p\\u001b[2J.csv"')
    result = invoke("agreement", "new", tmp_path / "copy", "--from", src)
    _clean(result)
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output and "p\\x1b[2J.csv" in result.stdout


def test_an_absolute_official_path_is_never_copied(tmp_path: Path) -> None:
    src = _own(tmp_path, "src", official=True)
    _edit(src, 'official = "official/utbetalning2.csv"', 'official = "/etc/passwd"')
    result = invoke("agreement", "new", tmp_path / "copy", "--from", src, "--with-official")
    _clean(result)
    assert result.exit_code in (0, 2)  # (the source may be refused for its official table: then no copy)
    if result.exit_code == 0:
        assert "tables.utbetalning2.official = /etc/passwd (an absolute path" in result.stdout
    copied = b"".join(p.read_bytes() for p in tmp_path.joinpath("copy").rglob("*") if p.is_file())
    assert b"root:" not in copied


def test_the_copy_is_written_with_normal_permissions(tmp_path: Path) -> None:
    src = _own(tmp_path, "src")
    os.chmod(src / POPULATION, 0o777)
    umask = os.umask(0o022)
    try:
        result = invoke("agreement", "new", tmp_path / "copy", "--from", src)
    finally:
        os.umask(umask)
    assert result.exit_code == 0
    copy = tmp_path / "copy"
    assert stat.S_IMODE(os.stat(copy / POPULATION).st_mode) == 0o644
    assert stat.S_IMODE(os.stat(copy / "agreement.toml").st_mode) == 0o644
    assert stat.S_IMODE(os.stat(copy).st_mode) == 0o755


def test_a_leftover_of_a_killed_copy_is_removed_by_the_next_run(tmp_path: Path) -> None:
    dead = tmp_path / ".old.godnaravard-new-999999999-abc"
    alive = tmp_path / f".other.godnaravard-new-{os.getpid()}-abc"
    mine = tmp_path / ".mine"
    for folder in (dead, alive, mine):
        folder.mkdir()
        (folder / "agreement.toml").write_text("x", encoding="utf-8")
    result = invoke("agreement", "new", tmp_path / "copy", "--from", SVF)
    assert result.exit_code == 0
    assert not dead.exists() and alive.exists() and mine.exists()
    assert clean_leftovers(tmp_path) == []


_SLOW_COPY = """
import sys, time
import godnaravard.agreements.copy as c
real = c._copy_file
def slow(*args):
    ok = real(*args)
    print("copying", flush=True)
    time.sleep(60)
    return ok
c._copy_file = slow
from godnaravard.cli import main
sys.argv = ["godnaravard", "agreement", "new", "copy", "--from", "svf-cancer-2025-2"]
main()
"""


def test_sigterm_during_a_copy_removes_its_temporaries(tmp_path: Path) -> None:
    proc = subprocess.Popen([sys.executable, "-c", _SLOW_COPY], cwd=tmp_path, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "copying"
        assert any(p.name.startswith(".copy.godnaravard-new-") for p in tmp_path.iterdir())
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 143
    assert "terminated" in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_after_sigkill_the_next_copy_removes_the_leftover(tmp_path: Path) -> None:
    proc = subprocess.Popen([sys.executable, "-c", _SLOW_COPY], cwd=tmp_path, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "copying"
    finally:
        proc.kill()
        proc.communicate(timeout=60)
    assert [p.name.startswith(".copy.godnaravard-new-") for p in tmp_path.iterdir()] == [True]
    result = invoke("agreement", "new", "copy", "--from", SVF, cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["copy"]
    assert invoke("allocate", "--agreement", tmp_path / "copy").exit_code == 0


# --------------------------------------------------------------------------------------------
# Stale copies (issue 18 §7)


@pytest.mark.parametrize("name", [GNV, SVF])
def test_the_shipped_agreements_give_no_warning(name: str) -> None:
    assert stale_details(load_agreement(name)) == ()
    result = invoke("agreement", "show", name)
    assert result.exit_code == 0 and "warning" not in result.output


def _next_year(tmp_path: Path, official: bool = False) -> Path:
    args = ["--with-official"] if official else []
    result = invoke("agreement", "new", tmp_path / "gnv2025", "--from", GNV, *args)
    assert result.exit_code == 0, result.output
    _edit(tmp_path / "gnv2025", "year = 2024", "year = 2025")
    return tmp_path / "gnv2025"


def test_a_copy_for_next_year_names_each_stale_field(tmp_path: Path) -> None:
    folder = _next_year(tmp_path, official=True)
    result = invoke("agreement", "show", folder, env={"COLUMNS": "1000"})  # a warning on one line
    assert result.exit_code == 0
    warnings = [ln for ln in result.stdout.splitlines() if ln.startswith("warning: ")]
    keys = [w.split()[1] for w in warnings]
    assert keys == ["signed", "data.population.date", "data.landsbygd.date", "tables.bilaga2.official",
                    "tables.bilaga3.official", "tables.bilaga4.official", "[budget]"]
    assert "remove signed until it is signed" in warnings[0]
    assert "set official_year = 2025" in warnings[3]
    assert result.stdout.rstrip().endswith("(7 warnings above)")
    assert result.stderr == ""


def test_every_other_command_notes_the_stale_fields_on_stderr_only(tmp_path: Path) -> None:
    folder = _next_year(tmp_path)
    ours = invoke("allocate", "--agreement", folder, "--format", "csv")
    shipped = invoke("allocate", "--format", "csv")
    assert ours.exit_code == 0 and ours.stdout == shipped.stdout
    assert ours.stderr.count("\n") == 1
    assert "signed, data.population.date, data.landsbygd.date" in ours.stderr
    as_json = invoke("allocate", "--agreement", folder, "--format", "json")
    json.loads(as_json.stdout)
    assert "may carry details of another year" in as_json.stderr


def test_the_note_is_not_printed_before_an_error(tmp_path: Path) -> None:
    folder = _next_year(tmp_path)
    result = invoke("allocate", "--agreement", folder, "--set", "nope=1")
    _clean(result)
    assert result.exit_code == 2 and "note:" not in result.stderr


def test_a_data_name_with_control_characters_reaches_the_terminal_as_text(tmp_path: Path) -> None:
    folder = _next_year(tmp_path)
    _edit(folder, "[data.landsbygd]", '[data."\\u001b[2Jx"]')
    _edit(folder, "[keys.landsbygd]", '[keys.landsbygd]\ndata = "x"\n')
    result = invoke("agreement", "show", folder)
    _clean(result)
    assert "\x1b" not in result.output


def test_a_folder_with_a_shipped_name_is_never_as_signed(tmp_path: Path) -> None:
    import godnaravard

    folder = tmp_path / "g"
    result = invoke("agreement", "new", folder, "--from", GNV)
    assert result.exit_code == 0
    _edit(folder, 'name = "g"', f'name = "{GNV}"')
    alloc = godnaravard.allocate(agreement=folder)
    assert not alloc.as_signed and not alloc.scenario.as_signed and alloc.result.adjustments == ()
    assert godnaravard.allocate(agreement=GNV).as_signed
    shown = invoke("agreement", "show", folder)
    assert "never taken as the agreement as signed" in " ".join(shown.stdout.split())  # (wrapped)
    noted = invoke("allocate", "--agreement", folder, "--format", "csv")
    assert noted.exit_code == 0 and "(name)" in noted.stderr


# --------------------------------------------------------------------------------------------
# check with nothing to compare (issue 18 §7)


def test_check_without_official_tables_says_so_and_exits_1(tmp_path: Path) -> None:
    _own(tmp_path, "plain")
    result = invoke("check", "--agreement", tmp_path / "plain")
    _clean(result)
    assert result.exit_code == 1
    assert "Result: OK" not in result.stdout
    assert "NOTHING COMPARED" in result.stdout and "no official table" in result.stdout


def test_check_json_without_official_tables_is_not_ok(tmp_path: Path) -> None:
    _own(tmp_path, "plain")
    result = invoke("check", "--agreement", tmp_path / "plain", "--format", "json")
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert doc["ok"] is False and doc["summary"]["cells"] == 0 and "no official table" in doc["nothing_compared"]


def test_check_with_an_official_table_that_matches_nothing_exits_1(tmp_path: Path) -> None:
    folder = _own(tmp_path, "empty", official=True)
    (folder / "official" / "utbetalning2.csv").write_text(
        # Only a total row: no recipient's row is printed (a table with no rows at all is refused as
        # a file with a header but no data rows).
        "lan_code,region,befolkning_sep_2025,andel_printed_pct,belopp_kr\n,Riket,,,\n", encoding="utf-8")
    result = invoke("check", "--agreement", folder)
    _clean(result)
    assert result.exit_code == 1
    assert "NOTHING COMPARED: no cell of the official tables matched" in result.stdout
    assert "Result: OK" not in result.stdout


def test_check_of_a_stale_copy_notes_it_and_exits_by_its_result(tmp_path: Path) -> None:
    folder = _next_year(tmp_path, official=True)
    result = invoke("check", "--agreement", folder)
    _clean(result)
    assert result.exit_code == 0
    assert "tables.bilaga3.official_year" in result.stderr and "note:" not in result.stdout


def test_check_with_official_tables_still_passes() -> None:
    result = invoke("check", "--agreement", SVF)
    assert result.exit_code == 0 and "NOTHING COMPARED" not in result.stdout
