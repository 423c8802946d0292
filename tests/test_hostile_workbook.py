"""Hostile definitions for the workbook (issue 17, §1): keys, labels, titles and sizes a definition may carry.

Each case writes a definition (``_definitions.write_definition``) in a folder of its own beside an existing
output file, runs ``godnaravard export`` in process (every plain ``pytest``) and as a real process under the
hostile suite's memory cap and a time limit (``test_hostile.run_limited``, which only catches a hang; the
thorough run), and checks what every hostile case checks:
the exit code, no traceback and no crash report, one line on failure with the existing file unchanged and
nothing left behind. A workbook that is written is then read back: every defined name valid and unique
without regard to case, every sheet name valid, and the amounts those of ``allocate``.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from _cli import invoke
from _definitions import write_definition
from test_hostile import SENTINEL, run_limited

openpyxl = pytest.importorskip("openpyxl")

import godnaravard  # noqa: E402
from godnaravard.excel.names import valid_name  # noqa: E402


@dataclass(frozen=True)
class Case:
    """One hostile definition: its keys and texts, the command's extra arguments, what must come of it."""

    id: str
    keys: tuple[str, ...] = ("a.total",)
    shared: tuple[str, ...] = ()
    options: dict[str, Any] = field(default_factory=dict)
    args: tuple[str, ...] = ()
    exit: int = 0
    expect: tuple[str, ...] = ()
    sheets: tuple[str, ...] = ()  # sheet names the workbook must have
    seconds: float = 20.0
    slow: bool = False  # several seconds: run by .ci/run or with GODNARAVARD_SLOW=1


_LONG = "k" * 253
CASES = [
    # Defined names: collisions, truth values, cell-like names, length, reserved names, characters
    Case("keys_collide_case_and_dots", ("svf.total", "svf_total", "Svf.total", "SVF_TOTAL")),
    Case("key_true_false", ("TRUE", "false"), shared=("FALSE",)),
    Case("key_a1_cell", ("A1", "XFD1048576", "abc123", "zz9")),
    Case("key_r1c1", ("R1C1", "R", "C", "RC", "r2c3", "C12")),
    Case("key_300_characters", ("x" * 300, "x" * 300 + ".b")),
    Case("keys_255_prefix_collide", tuple("y" * 260 + s for s in ("", ".", "-", "_", " "))),
    Case("key_reserved_names", ("som_undertecknad", "arbetsbokens_status", "Som.Undertecknad")),
    Case("key_digits_first", ("2024", "1.total", "0")),
    Case("key_empty_and_spaces", ("", " ", "  ")),
    Case("key_accents_collide", ("år.total", "ar_total", "ÅR.total")),
    Case("key_control_characters", ("a\u0007b", "a\u001bb", "a\u0000b")),
    Case("key_formula_text", ('=HYPERLINK("http://x","y")', "+cmd", "@SUM(A1)")),
    Case("key_emoji_and_rtl", ("😀.total", "\u202eabc", "ﬁ.total")),
    Case("set_on_a_cell_like_key", ("TRUE", "A1"), args=("--set", "TRUE=5000000", "--set", "A1=7")),
    # Sheet names
    Case("sheet_cut_after_apostrophe", options={"table_label": "Kommunernas och regionernas del's tabell"},
         sheets=("Kommunernas och regionernas del",)),
    Case("sheet_only_apostrophes", options={"table_label": "''''"}, sheets=("Tabell",)),
    Case("sheet_bad_characters", options={"table_label": "a[b]:c*d?e/f\\g"}, sheets=("a b c d e f g",)),
    Case("sheet_history", options={"table_label": "history"}, sheets=("history (2)",)),
    Case("sheet_clashes_a_fixed_sheet", options={"table_label": "DELBELOPP"}, sheets=("DELBELOPP (2)",)),
    Case("sheet_control_characters", options={"table_label": "Bil\u0007aga\u0000 1\u2028"}, sheets=("Bil aga 1",)),
    Case("sheet_like_a_reference", options={"table_label": "Blad!A1"}, sheets=("Blad!A1",)),
    Case("sheet_long_label", options={"table_label": "Bilaga " + "ö" * 100}),
    # Texts: the header's codes, a formula-like name, a source that made the regular expression backtrack
    Case("title_header_codes", options={"title": "&P &N &[Page] && &\"Arial\" =A1!B2"}),
    Case("source_40000_characters", options={"source": "x" * 40_000 + " a.total=1"}),
    Case("source_100000_characters", options={"source": "z" * 100_000}),
    Case("scenario_name_formula", args=("--name", "=cmd|' /C calc'!A0")),
    # Size: the caps and Excel's formula length, refused in one line
    Case("lines_beyond_the_cap", tuple(f"l{i}.total" for i in range(51)), exit=2,
         expect=("the workbook holds at most 50 budget lines; generated has 51",)),
    Case("parameters_beyond_the_cap", ("a.total",), shared=tuple(f"s{i}" for i in range(200)), exit=2,
         expect=("the workbook holds at most 200 parameters; generated has 201",)),
    Case("formula_beyond_8192_characters", tuple(f"{i:02d}{_LONG}" for i in range(40)), exit=2,
         expect=("characters; Excel allows 8192",)),
    Case("lines_at_the_cap", tuple(f"l{i}.total" for i in range(50)), seconds=60.0, slow=True),
]


def _check_workbook(case: Case, folder: Path, out: Path) -> None:
    """The written workbook: valid, unique names on the right keys; valid sheet names; allocate's amounts."""
    wb = openpyxl.load_workbook(out)
    names = list(wb.defined_names)
    assert all(valid_name(n) for n in names), names
    assert len({n.upper() for n in names}) == len(names)
    params = wb["Parametrar"]
    keys = {params.cell(r, 1).value: r for r in range(5, params.max_row + 1)}
    for name in names:
        (sheet, cell), = wb.defined_names[name].destinations
        assert sheet == "Parametrar"
        if name not in ("som_undertecknad", "arbetsbokens_status"):
            assert params.cell(int(cell.split("$")[-1]), 1).value in keys
    assert len(names) == len(case.keys) + len(case.shared) + 2
    for s in wb.sheetnames:
        assert 0 < len(s) <= 31 and not set("[]:*?/\\") & set(s) and s[0] != "'" and s[-1] != "'"
    for s in case.sheets:
        assert s in wb.sheetnames, wb.sheetnames
    overrides = {a.split("=", 1)[0]: int(a.split("=", 1)[1]) for a in case.args[1::2] if case.args[0] == "--set"}
    alloc = godnaravard.allocate(agreement=folder, overrides=overrides)
    table = wb.sheetnames[1]
    ws = openpyxl.load_workbook(out, data_only=True)[table]
    header = [c.value for c in ws[4]]
    col = header.index("Rad 0 (kronor)")
    assert [ws.cell(5 + i, col + 1).value for i in range(len(alloc.rows))] == [r["l0"] for r in alloc.rows]


def test_the_suite_holds_enough_cases() -> None:
    assert len(CASES) >= 20 and len({c.id for c in CASES}) == len(CASES)


def _param(case: Case, process: bool) -> Any:
    """A case as a real process (the thorough run: ``.ci/run`` or ``GODNARAVARD_SLOW=1``) or in
    process (every plain ``pytest``; cases marked ``slow`` only in the thorough run)."""
    slow = case.slow or process
    return pytest.param(case, process, id=f"{case.id}-{'process' if process else 'in_process'}",
                        marks=[pytest.mark.slow] if slow else [])


@pytest.mark.parametrize(("case", "process"), [_param(c, p) for c in CASES for p in (False, True)])
def test_hostile_definition_export(case: Case, process: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    where = tmp_path / "case"
    where.mkdir()
    folder = write_definition(where / "def", list(case.keys), shared=list(case.shared), **case.options)
    existing = where / "existing.xlsx"
    existing.write_bytes(SENTINEL)
    before = {p.name for p in where.iterdir()}
    args = ["export", "--agreement", "def", "--output", "existing.xlsx", "--force", *case.args]
    if process:
        code, out, err, _, _ = run_limited(args, where, seconds=case.seconds)
    else:
        monkeypatch.setenv("TMPDIR", str(tmp_path))
        monkeypatch.setattr(tempfile, "tempdir", None)
        result = invoke(*args, cwd=where)
        code, out, err = result.exit_code, result.stdout, result.stderr
    assert code == case.exit, (code, err[-2000:])
    assert "Traceback" not in err + out and not list(tmp_path.glob("**/godnaravard-crash-*")), err[-2000:]
    for text in case.expect:
        assert text in err, (text, err[:2000])
    if code:
        assert err.startswith("godnaravard: error: ") and err.count("\n") == 1, err[:2000]
        assert existing.read_bytes() == SENTINEL
        assert {p.name for p in where.iterdir()} == before
    else:
        assert err == "" and out.startswith("wrote existing.xlsx"), (out, err)
        _check_workbook(case, folder, existing)


def test_the_cases_are_json_safe() -> None:
    """Every key reaches the definition intact (TOML's escapes, written with json.dumps)."""
    for case in CASES:
        for key in case.keys:
            assert json.loads(json.dumps(key)) == key
