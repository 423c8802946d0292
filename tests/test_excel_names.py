"""The workbook is valid for any definition (issue 17, §1): defined names (excel/names.py), sheet names
(excel/sheetnames.py), the caps and Excel's limits (excel/limits.py), texts too long for a cell, chart names,
and the linear rewording of a ``--set`` source (excel/context.py)."""

from __future__ import annotations

import itertools
import re
import shutil
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from _cli import invoke
from _definitions import write_definition
from hypothesis import given
from hypothesis import strategies as st

openpyxl = pytest.importorskip("openpyxl")

import godnaravard  # noqa: E402
from godnaravard.excel import ExportError, export_workbook  # noqa: E402
from godnaravard.excel.cells import CELL_CHARS, check_cell, quote_sheet, sheet_name  # noqa: E402
from godnaravard.excel.context import SIGNED, STATUS, given_at_export  # noqa: E402
from godnaravard.excel.limits import FORMULA_CHARS, MAX_LINES, MAX_PARAMETERS  # noqa: E402
from godnaravard.excel.names import (  # noqa: E402
    MAX_NAME,
    defined_names,
    looks_like_reference,
    plain_name,
    renamed,
    valid_name,
)
from godnaravard.excel.per_capita import chart_text  # noqa: E402

#: Keys that collide or are no valid name as they stand: the issue's cases and more.
ODD_KEYS = ["svf.total", "svf_total", "Svf.total", "TRUE", "abc123", "R1C1", "x" * 300, "å.ä", "1st", "som_undertecknad"]


# --------------------------------------------------------------------------------------------
# The mapping from key to name


def test_plain_names_follow_the_documented_rule() -> None:
    assert plain_name("ambulans.grundbelopp") == "ambulans_grundbelopp"
    assert plain_name("landsbygd.vikt.mycket_gles") == "landsbygd_vikt_mycket_gles"
    assert plain_name("Öland.år") == "Oland_ar"  # accents dropped
    assert plain_name("TRUE") == "_TRUE" and plain_name("false") == "_false"
    assert plain_name("A1") == "_A1" and plain_name("abc123") == "_abc123" and plain_name("XFD1048576") == "_XFD1048576"
    assert plain_name("R1C1") == "_R1C1" and plain_name("r") == "_r" and plain_name("RC") == "_RC"
    assert plain_name("C12") == "_C12" and plain_name("R2") == "_R2"
    assert plain_name("abcd123") == "abcd123"  # four letters: no column of Excel's grid
    assert plain_name("1st") == "_1st" and plain_name("") == "_" and plain_name("a b-c") == "a_b_c"
    assert len(plain_name("x" * 300)) == MAX_NAME


def test_the_issues_collisions_get_unique_names() -> None:
    names = defined_names(ODD_KEYS, reserved=(SIGNED, STATUS))
    assert names["svf.total"] == "svf_total"  # the first keeps its name
    assert names["svf_total"] == "svf_total_2" and names["Svf.total"] == "Svf_total_3"
    assert names["TRUE"] == "_TRUE" and names["abc123"] == "_abc123" and names["R1C1"] == "_R1C1"
    assert names["x" * 300] == "x" * MAX_NAME and names["å.ä"] == "a_a" and names["1st"] == "_1st"
    assert names["som_undertecknad"] == "som_undertecknad_2"  # the workbook's own name is reserved
    assert len({n.upper() for n in names.values()}) == len(ODD_KEYS)
    assert "svf.total" not in renamed(names) and renamed(names)["TRUE"] == "_TRUE"


def test_a_suffix_never_takes_another_keys_plain_name() -> None:
    names = defined_names(["a.b", "a_b", "a_b_2"])
    assert names == {"a.b": "a_b", "a_b": "a_b_3", "a_b_2": "a_b_2"}


def test_long_colliding_keys_stay_within_255_characters() -> None:
    keys = ["y" * 300 + str(i) for i in range(12)]
    names = defined_names(keys)
    assert all(len(n) <= MAX_NAME and valid_name(n) for n in names.values())
    assert len({n.upper() for n in names.values()}) == len(keys)


@given(st.lists(st.text(max_size=300), max_size=30), st.lists(st.sampled_from([SIGNED, STATUS]), max_size=2))
def test_any_keys_get_valid_unique_deterministic_names(keys: list[str], reserved: list[str]) -> None:
    names = defined_names(keys, reserved)
    assert set(names) == set(keys)
    assert all(valid_name(n) for n in names.values())
    upper = [n.upper() for n in names.values()]
    assert len(set(upper)) == len(upper) and not set(upper) & {r.upper() for r in reserved}
    assert defined_names(keys, reserved) == names  # deterministic
    # a key whose plain name no other key (nor a reserved name) shares keeps it
    plain = [plain_name(k).upper() for k in dict.fromkeys(keys)]
    for k in names:
        if plain.count(plain_name(k).upper()) == 1 and plain_name(k).upper() not in {r.upper() for r in reserved}:
            assert names[k] == plain_name(k)


@given(st.from_regex(r"[A-Za-z]{1,3}[0-9]{1,7}|[RrCc][0-9]{0,5}|[Rr][0-9]{0,4}[Cc][0-9]{0,4}", fullmatch=True))
def test_cell_like_names_are_recognised(name: str) -> None:
    assert looks_like_reference(name) and not valid_name(name) and valid_name(plain_name(name))


def test_many_colliding_keys_are_named_in_one_pass() -> None:
    """19 683 keys with one plain name: a counter per name, not a search from _2 for each key."""
    assert defined_names(["k.", "k-", "k_", "k ", "k/"]) == {"k.": "k_", "k-": "k__2", "k_": "k__3", "k ": "k__4",
                                                              "k/": "k__5"}
    keys = ["k" + "".join(p) for p in itertools.product("!#%&()*+,-./:;<=>?@[]^`{|}~", repeat=3)]
    names = defined_names(keys)
    assert len({n.upper() for n in names.values()}) == len(keys) == 27**3
    assert names[keys[0]] == "k___" and names[keys[-1]] == f"k____{len(keys)}"


# --------------------------------------------------------------------------------------------
# Sheet names, chart names, long texts, the --set source


_BAD = set("[]:*?/\\")


@given(st.text(max_size=80), st.lists(st.text(max_size=40), max_size=5))
def test_any_label_gives_a_valid_unused_sheet_name(label: str, taken: list[str]) -> None:
    name = sheet_name(label, taken)
    assert 1 <= len(name) <= 31 and not _BAD & set(name)
    assert not name.startswith("'") and not name.endswith("'") and name == name.strip()
    assert all(ord(ch) >= 32 for ch in name)
    assert name.casefold() not in {t.casefold() for t in taken} and name.casefold() != "history"


def test_a_sheet_name_cut_after_an_apostrophe_is_valid() -> None:
    """The issue's crash: a label cut at 31 characters just after an apostrophe."""
    label = "Kommunernas och regionernas del's tabell"  # 31 characters end in the apostrophe
    name = sheet_name(label, [])
    assert name == "Kommunernas och regionernas del" and quote_sheet(name) == "'Kommunernas och regionernas del'"
    assert sheet_name("x" * 30 + "'y", []) == "x" * 30
    assert sheet_name("x" * 27 + "'abc", ["x" * 27 + "'abc"]) == "x" * 27 + " (2)"
    assert quote_sheet("Barn's") == "'Barn''s'"


def test_chart_names_stay_text() -> None:
    assert re.match(r"^=?[^!]+!\$?[A-Z]+\$?\d+", "Blad!A1")  # what xlsxwriter reads as a reference
    assert not re.match(r"^=?[^!]+!\$?[A-Z]+\$?\d+", chart_text("Blad!A1"))
    assert chart_text("Blad!A1").replace("\u200b", "") == "Blad!A1" and chart_text("Bilaga 3") == "Bilaga 3"


def _by_regex(text: str, key: str) -> str:
    """The expression the workbook used (it backtracked on a long word), with a colon, semicolon or
    comma that ends the value left to the text: the reference for the scan."""
    return re.sub(rf"(\S+) {re.escape(key)}=(\S*[^\s:;,])([:;,]*)(?=\s|$)", r"angiven vid export (värde \2)\3", text)


@given(st.lists(st.sampled_from([" ", "a", "k", "=", "1", "\t", "\n", " k=", "--set", "k=1", ":", ";", ","]),
                max_size=20).map("".join),
       st.sampled_from(["k", "k=", "a k", "a.b"]))
def test_the_source_rewording_equals_the_old_expression(text: str, key: str) -> None:
    assert given_at_export(text, key) == _by_regex(text, key)


def test_a_relative_change_keeps_the_colon_of_its_source() -> None:
    text = "--set kommuner.total=+10%: +10 % = 825 000 000 (750 000 000 × 11/10)"
    assert given_at_export(text, "kommuner.total") == (
        "angiven vid export (värde +10%): +10 % = 825 000 000 (750 000 000 × 11/10)")


def test_the_source_rewording_is_linear_on_a_long_source() -> None:
    """40 000 characters took 25 s with the expression; the scan is done in a pass (no time asserted)."""
    text = "x" * 40_000 + " --set a.b=5 " + "y" * 40_000 + " a.b= " + " a.b" * 10_000
    assert given_at_export(text, "a.b") == text.replace("--set a.b=5", "angiven vid export (värde 5)")


def test_a_text_too_long_for_a_cell_is_cut_visibly(tmp_path: Path) -> None:
    folder = write_definition(tmp_path / "def", ["a.total"], source="z" * 100_000)
    out = tmp_path / "out.xlsx"
    export_workbook(godnaravard.allocate(agreement=folder), out)
    cell = next(r[8] for r in openpyxl.load_workbook(out)["Parametrar"].iter_rows(values_only=True) if r[0] == "a.total")
    assert len(cell) <= CELL_CHARS and cell.endswith("tecken till)") and cell.startswith("z" * 1000)


# --------------------------------------------------------------------------------------------
# Definitions with odd keys, exported and read back


def _names(path: Path) -> dict[str, tuple[str, str]]:
    wb = openpyxl.load_workbook(path)
    out = {}
    for name, dn in wb.defined_names.items():
        (sheet, cell), = dn.destinations
        out[name] = (sheet, cell)
    return out


@pytest.fixture(scope="module")
def odd(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A definition with the odd keys (amounts, one line each) and two odd share keys, and its workbook."""
    folder = write_definition(tmp_path_factory.mktemp("odd") / "def", ODD_KEYS, shared=["FALSE", "svf.Total"],
                              table_label="Regionernas 'del' av medlen: [bilaga] 1/2 'x")
    out = folder.parent / "odd.xlsx"
    proc = invoke("export", "--agreement", folder, "--output", out)
    assert proc.exit_code == 0, proc.output
    return folder, out


def test_odd_keys_give_valid_unique_names_on_the_right_cells(odd: tuple[Path, Path]) -> None:
    folder, out = odd
    alloc = godnaravard.allocate(agreement=folder)
    keys = list(alloc.scenario.parameters.as_dict())
    names = _names(out)
    want = defined_names(keys, (SIGNED, STATUS))
    assert set(names) == {*want.values(), SIGNED, STATUS}
    assert len({n.upper() for n in names}) == len(names) and all(valid_name(n) for n in names)
    ws = openpyxl.load_workbook(out, data_only=True)["Parametrar"]
    params = alloc.scenario.parameters
    for key, name in want.items():
        sheet, cell = names[name]
        assert sheet == "Parametrar"
        row = int(cell.split("$")[-1])
        assert ws.cell(row, 1).value == key  # the name points at its own key's value
        value = ws.cell(row, 3).value
        assert Fraction(value).limit_denominator(10**6) == params.fraction(key) if params.kind(key) != "amount" \
            else value == params.amount(key)


def test_formulas_read_each_lines_own_name(odd: tuple[Path, Path]) -> None:
    """Delbelopp's row of each budget line starts with ``=NAME`` of its own total, whose value it carries."""
    folder, out = odd
    alloc = godnaravard.allocate(agreement=folder)
    want = defined_names(alloc.scenario.parameters.as_dict(), (SIGNED, STATUS))
    formulas = openpyxl.load_workbook(out)["Delbelopp"]
    values = openpyxl.load_workbook(out, data_only=True)["Delbelopp"]
    seen = {}
    for row in formulas.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and re.fullmatch(r"=[A-Za-z_][A-Za-z0-9_]*", cell.value):
                seen[cell.value[1:]] = values[cell.coordinate].value
    for key in ODD_KEYS:
        assert seen[want[key]] == alloc.scenario.parameters.amount(key), key
    assert len(seen) >= len(ODD_KEYS)


def test_odd_sheet_name_and_renamed_keys_are_named(odd: tuple[Path, Path]) -> None:
    _, out = odd
    wb = openpyxl.load_workbook(out)
    assert "Regionernas 'del' av medlen b" in wb.sheetnames or any("'del'" in n for n in wb.sheetnames)
    assert all(not n.startswith("'") and not n.endswith("'") and len(n) <= 31 for n in wb.sheetnames)
    note = wb["Parametrar"]["A2"].value
    assert "svf_total → svf_total_2" in note and "TRUE → _TRUE" in note


def test_the_workbook_reads_back_as_allocate(odd: tuple[Path, Path]) -> None:
    folder, out = odd
    alloc = godnaravard.allocate(agreement=folder)
    table = next(n for n in openpyxl.load_workbook(out).sheetnames if "del" in n)
    ws = openpyxl.load_workbook(out, data_only=True)[table]
    header = [c.value for c in ws[4]]
    for i, row in enumerate(alloc.rows):
        got = [c.value for c in ws[5 + i]]
        assert got[header.index("Rad 0 (kronor)")] == row["l0"] and got[header.index("Rad 9 (kronor)")] == row["l9"]


# --------------------------------------------------------------------------------------------
# Caps and Excel's limits: refused in one line, nothing written


def test_beyond_the_cap_of_lines_is_refused(tmp_path: Path) -> None:
    folder = write_definition(tmp_path / "wide", [f"l{i}.total" for i in range(MAX_LINES + 1)])
    (tmp_path / "out.xlsx").write_bytes(b"before")
    proc = invoke("export", "--agreement", folder, "--output", tmp_path / "out.xlsx", "--force")
    assert proc.exit_code == 2
    assert proc.stderr == f"godnaravard: error: the workbook holds at most {MAX_LINES} budget lines; generated has " \
                          f"{MAX_LINES + 1} (allocate and check have no such cap)\n"
    assert (tmp_path / "out.xlsx").read_bytes() == b"before"
    assert invoke("allocate", "--agreement", folder, "--format", "csv").exit_code == 0


def test_beyond_the_cap_of_parameters_is_refused(tmp_path: Path) -> None:
    folder = write_definition(tmp_path / "many", ["a.total"], shared=[f"s{i}" for i in range(MAX_PARAMETERS)])
    with pytest.raises(ExportError, match=f"at most {MAX_PARAMETERS} parameters"):
        export_workbook(godnaravard.allocate(agreement=folder, overrides={}), tmp_path / "x.xlsx")
    assert not (tmp_path / "x.xlsx").exists()


def test_a_formula_too_long_for_excel_is_refused(tmp_path: Path) -> None:
    """Forty lines of 255-character keys: the cover's count of changed parameters would exceed 8 192 characters."""
    keys = [f"{i:02d}" + "k" * 253 for i in range(40)]
    folder = write_definition(tmp_path / "long", keys)
    proc = invoke("export", "--agreement", folder, "--output", tmp_path / "x.xlsx")
    assert proc.exit_code == 2, proc.output
    assert f"Excel allows {FORMULA_CHARS}" in proc.stderr and proc.stderr.count("\n") == 1
    assert not (tmp_path / "x.xlsx").exists() and list(tmp_path.iterdir()) == [folder]


def test_a_cell_beyond_the_grid_is_refused() -> None:
    check_cell("Blad", 1_048_575, 16_383)
    with pytest.raises(ExportError, match="beyond Excel's 1048576 rows and 16384 columns"):
        check_cell("Blad", 0, 16_384)
    with pytest.raises(ExportError):
        check_cell("Blad", 1_048_576, 0)


def test_within_the_caps_the_largest_definition_exports(tmp_path: Path) -> None:
    folder = write_definition(tmp_path / "max", [f"l{i}.total" for i in range(MAX_LINES)])
    out = export_workbook(godnaravard.allocate(agreement=folder), tmp_path / "max.xlsx")
    ws = openpyxl.load_workbook(out, data_only=True)["Bilaga 1"]
    header = [c.value for c in ws[4]]
    assert header[-1] == f"Rad {MAX_LINES - 1} (kronor)" and len(header) == 4 + MAX_LINES


# --------------------------------------------------------------------------------------------
# LibreOffice recalculates the odd definition to allocate's figures


def _amounts(path: Path, sheet: str) -> dict[str, list[Any]]:
    ws = openpyxl.load_workbook(path, data_only=True)[sheet]
    header = [c.value for c in ws[4]]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=5, max_row=25)]
    return {h.removesuffix(" (kronor)"): [r[j] for r in rows] for j, h in enumerate(header)
            if isinstance(h, str) and h.startswith("Rad ")}


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_recalculates_odd_names_like_allocate(odd: tuple[Path, Path], tmp_path: Path) -> None:
    """The issue's case: with colliding keys, Stockholm got 256 kr after recalculation. Each key changed
    through its own defined name and recalculated by LibreOffice gives allocate --set's figures."""
    from test_excel import _soffice

    folder, out = odd
    alloc = godnaravard.allocate(agreement=folder)
    want = defined_names(alloc.scenario.parameters.as_dict(), (SIGNED, STATUS))
    changes: dict[str, int | Fraction] = {k: 10_000_000 + 1_234 * i for i, k in enumerate(ODD_KEYS)}
    changes["FALSE"] = Fraction(1, 5)
    wb = openpyxl.load_workbook(out)
    for key, value in changes.items():
        (sheet, cell), = wb.defined_names[want[key]].destinations
        wb[sheet][cell.replace("$", "")].value = value if isinstance(value, int) else float(value)
    changed = tmp_path / "changed.xlsx"
    wb.save(changed)
    again, = _soffice([changed], tmp_path / "out", tmp_path, "xlsx")
    expected = godnaravard.allocate(agreement=folder, overrides=changes)
    table = next(n for n in openpyxl.load_workbook(again).sheetnames if "del" in n)
    got = _amounts(again, table)
    for i in range(len(ODD_KEYS)):
        assert got[f"Rad {i}"] == [row[f"l{i}"] for row in expected.rows], i
