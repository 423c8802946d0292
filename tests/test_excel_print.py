"""How the workbook prints (issue 16): widths from the fonts' own metrics, no word cut or clipped, the live
status in every title row, short page headers, print titles, charts from zero, and the pages LibreOffice
prints (with Carlito, Calibri's metric twin, and with DejaVu Sans alone).

The fast tests read the file (openpyxl); the LibreOffice tests print it to PDF and read the PDF back with
``pdftotext``. They are marked slow, and report as skipped where ``soffice`` or ``pdftotext`` is missing.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from _cli import invoke

openpyxl = pytest.importorskip("openpyxl")

from openpyxl.utils import get_column_letter, range_boundaries  # noqa: E402

import godnaravard  # noqa: E402
from godnaravard.excel import export_workbook  # noqa: E402
from godnaravard.excel.cells import PAGE_UNITS, wrapped_lines  # noqa: E402
from godnaravard.excel.fonts import longest_word, text_units  # noqa: E402
from godnaravard.excel.printing import DIGIT_PX, HEADER_CHARS, MIN_SCALE, page_header, short  # noqa: E402

SOFFICE = shutil.which("soffice")
PDFTOTEXT = shutil.which("pdftotext")
CHANGES = ("ambulans.grundbelopp=1000000", "kommuner.andel_insatser=0.4")
#: A4 landscape less the side margins, in points; a column's printed width (LibreOffice with DejaVu Sans,
#: the widest font): its width in digits of 9.33 pixels, plus 5 pixels of padding.
PAGE_WIDTH = 841.89 - 2 * 0.4 * 72


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The baseline, the what-if of the issue and the SVF agreement, each exported once."""
    folder = tmp_path_factory.mktemp("print")
    out = {"baseline": folder / "baseline.xlsx", "whatif": folder / "whatif.xlsx", "svf": folder / "svf.xlsx"}
    export_workbook(godnaravard.allocate(), out["baseline"])
    args = [a for c in CHANGES for a in ("--set", c)]
    assert invoke("export", *args, "--output", str(out["whatif"])).exit_code == 0
    export_workbook(godnaravard.allocate(agreement="svf-cancer-2025-2"), out["svf"])
    return out


def _printed(ws: Any) -> tuple[int, int, int, int]:
    area = ws.print_area if isinstance(ws.print_area, str) else ws.print_area[0]
    c1, r1, c2, r2 = range_boundaries(area.split("!")[-1].replace("$", ""))
    return c1, r1, c2, r2


def _width(ws: Any, col: int) -> float:
    """A column's width as written (the default, 8.43, where none is)."""
    for dim in ws.column_dimensions.values():
        if dim.min is not None and dim.min <= col <= (dim.max or dim.min) and dim.customWidth and dim.width:
            return float(dim.width)
    return 8.43


def _merged(ws: Any) -> dict[tuple[int, int], int]:
    """The last column of every merged range, by its first cell."""
    return {(m.min_row, m.min_col): m.max_col for m in ws.merged_cells.ranges}


# --------------------------------------------------------------------------------------------
# Font metrics


def test_text_is_measured_in_the_wider_font() -> None:
    """Widths are in digits (a column width unit): a digit is about one, a bold word wider than a regular one,
    Swedish letters known, and a character of neither table counted wide rather than narrow."""
    assert text_units("0123456789") == pytest.approx(10 * 1.03)
    assert text_units("Mottagargrupp", bold=True) > text_units("Mottagargrupp") > 12
    assert text_units("Överenskommelsens") > text_units("Overenskommelsens") - 0.5
    assert text_units("☃") > text_units("M")
    assert text_units("ab", size=22) == pytest.approx(2 * text_units("ab"))
    assert longest_word("Mottagargrupp (kronor)") == text_units("Mottagargrupp")


def test_wrapped_lines_never_break_a_word() -> None:
    assert wrapped_lines("", 10) == 1
    assert wrapped_lines("Nära vård (kronor)", 40) == 1
    assert wrapped_lines("Nära vård (kronor)", 11) == 2
    assert wrapped_lines("a\nb", 40) == 2
    # a word wider than the cell takes as many lines as it needs (the writer widens the column instead)
    assert wrapped_lines("Överenskommelsens", 6) >= 3


def test_header_title_is_shortened_at_a_word() -> None:
    long = "Överenskommelse om en mycket lång titel för en användares egen överenskommelse med många ord"
    cut = short(long)
    assert len(cut) <= HEADER_CHARS and cut.endswith("…") and long.startswith(cut[:-1])
    assert long.split()[len(cut[:-1].split()) - 1] == cut[:-1].split()[-1]  # the last word is whole
    assert page_header("A & B") == "&LA && B&R&A"


# --------------------------------------------------------------------------------------------
# The file


@pytest.mark.parametrize("which", ["baseline", "whatif", "svf"])
def test_every_sheet_fits_the_page_width_in_the_widest_font(which: str, books: dict[str, Path]) -> None:
    """At its scale (never below 70 %), every sheet's printed columns fit the width of an A4 landscape page,
    even where LibreOffice has only DejaVu Sans (``PAGE_UNITS`` at 70 %, measured; the PDF test below prints
    with DejaVu Sans): no table runs onto a second page sideways."""
    wb = openpyxl.load_workbook(books[which])
    for ws in wb.worksheets:
        c1, _, c2, _ = _printed(ws)
        scale = int(ws.page_setup.scale or 100)
        assert scale >= MIN_SCALE
        units = sum(_width(ws, c) - 0.71 + 1.3 for c in range(c1, c2 + 1))  # xlsxwriter adds 0.71 when writing
        assert units * scale / MIN_SCALE <= PAGE_UNITS + 0.1, (ws.title, round(units, 1), scale)
        width = sum((int(_width(ws, c) * DIGIT_PX + 0.5) + 5) * 0.75 for c in range(c1, c2 + 1))
        assert width * scale / 100 <= PAGE_WIDTH * 1.02, (ws.title, round(width), scale)


@pytest.mark.parametrize("which", ["baseline", "whatif", "svf"])
def test_no_word_is_wider_than_its_cell(which: str, books: dict[str, Path]) -> None:
    """Every word of a wrapped text fits its column (or merged columns); a text that does not wrap fits its
    cell and the empty cells beside it: nothing is cut mid-word or clipped by its neighbour."""
    wb = openpyxl.load_workbook(books[which])
    checked = 0
    for ws in wb.worksheets:
        c1, r1, c2, r2 = _printed(ws)
        merged = _merged(ws)
        for row in ws.iter_rows(min_row=r1, max_row=r2, min_col=c1, max_col=c2):
            for cell in row:
                if not isinstance(cell.value, str) or cell.data_type == "f":
                    continue
                last = merged.get((cell.row, cell.column), cell.column)
                room = sum(_width(ws, c) for c in range(cell.column, last + 1))
                bold, size = bool(cell.font.b), float(cell.font.sz or 11)
                if cell.alignment.wrap_text:
                    assert longest_word(cell.value, bold, size) <= room + 0.01, (ws.title, cell.coordinate)
                else:
                    c = last + 1
                    while c <= c2 and ws.cell(cell.row, c).value is None and (cell.row, c) not in merged:
                        room += _width(ws, c)
                        c += 1
                    assert text_units(cell.value, bold, size) <= room + 0.01, (ws.title, cell.coordinate, cell.value)
                checked += 1
    assert checked > 300


def test_title_rows_carry_the_live_status(books: dict[str, Path]) -> None:
    """Every sheet's title row is a formula ending in the workbook's status (``Enligt överenskommelsen`` as
    signed, ``Ändrad i arbetsboken: …`` with the changed parameters' labels); the page header names the
    agreement and the sheet only."""
    for which, status in (("baseline", "Enligt överenskommelsen"),
                          ("whatif", "Ändrad i arbetsboken: Grundbelopp per region, ambulanssjukvård; Andel som "
                                     "fördelas efter antal individer med HSL-insatser")):
        formulas = openpyxl.load_workbook(books[which])
        values = openpyxl.load_workbook(books[which], data_only=True)
        for ws in formulas.worksheets:
            assert ws["A1"].value.startswith("=") and ws["A1"].value.endswith("&arbetsbokens_status"), ws.title
            assert values[ws.title]["A1"].value.endswith(f" – {status}"), ws.title
            assert (ws.oddHeader.left.text, ws.oddHeader.center.text, ws.oddHeader.right.text) == (
                "God och nära vård 2024", None, "&A")


def test_repeated_headings_are_the_tables_own(books: dict[str, Path]) -> None:
    """A sheet whose table runs onto more pages repeats that table's heading row (print titles): on
    Delbelopp the blocks recipient by recipient, on Avstämning the published amounts, all under the
    same headings."""
    wb = openpyxl.load_workbook(books["baseline"])
    for name, first, tables in (("Delbelopp", "Länskod", 5), ("Avstämning", "Tabell", 1)):
        ws = wb[name]
        row = int(ws.print_title_rows.split(":")[0].strip("$"))
        assert ws.cell(row, 1).value == first and any(b.id > row for b in ws.row_breaks.brk), name
        c1, _, c2, _ = _printed(ws)
        headings = [ws.cell(row, c).value for c in range(c1, c2 + 1)]
        below = [r for r in range(row, ws.max_row + 1) if ws.cell(r, 1).value == first]
        assert len(below) == tables  # every table below the repeated row has the same headings
        assert all([ws.cell(r, c).value for c in range(c1, c2 + 1)] == headings for r in below), name


def test_charts_start_their_value_axis_at_zero(books: dict[str, Path]) -> None:
    """Bars of nearly equal values are drawn from zero (a change that is only negative: up to zero)."""
    for which in ("baseline", "whatif"):
        with zipfile.ZipFile(books[which]) as zf:
            charts = [zf.read(n).decode() for n in zf.namelist() if n.startswith("xl/charts/chart")]
        per_capita = [x for x in charts if "kronor per invånare" in x]
        assert len(per_capita) == 5
        for xml in per_capita:
            value_axis = re.search(r"<c:valAx>.*?</c:valAx>", xml, re.S)
            assert value_axis and '<c:min val="0"/>' in value_axis[0], which
        # a change against the agreement: from zero where all of one sign, else the axis spans zero anyway
        for xml in (x for x in charts if "Förändring" in x):
            values = [float(v) for v in re.findall(r"<c:v>(-?[\d.]+)</c:v>", xml)]
            value_axis = re.search(r"<c:valAx>.*?</c:valAx>", xml, re.S)
            assert value_axis is not None
            if values and min(values) >= 0:
                assert '<c:min val="0"/>' in value_axis[0]
            elif values and max(values) <= 0:
                assert '<c:max val="0"/>' in value_axis[0]


def test_underlag_counts_are_validated(books: dict[str, Path]) -> None:
    """Every count on Underlag takes a whole number ≥ 0, with a Swedish input message."""
    ws = openpyxl.load_workbook(books["baseline"])["Underlag"]
    rules = ws.data_validations.dataValidation
    assert len(rules) == 1
    rule = rules[0]
    assert (rule.type, rule.operator, rule.formula1) == ("whole", "greaterThanOrEqual", "0")
    assert rule.promptTitle == "Antal" and "heltal" in rule.prompt and rule.errorStyle in (None, "stop")
    headings = [c.value for c in ws[4]]
    first = headings.index("Befolkning 1 nov 2023") + 1
    last = headings.index("Viktad summa (referensvikter)") + 1
    assert str(rule.sqref) == f"{get_column_letter(first)}5:{get_column_letter(last)}25"


def test_cover_shows_the_money(books: dict[str, Path]) -> None:
    """Page 1: each budget line's total (its parameter, live) and the grand total, under the agreement's
    identity."""
    values = openpyxl.load_workbook(books["baseline"], data_only=True)["Översikt"]
    formulas = openpyxl.load_workbook(books["baseline"])["Översikt"]
    label = next(c.row for c in values["A"] if c.value == "Medel")
    assert [c.value for c in values[label]][1:3] == ["Budgetrad", "Kronor"]
    alloc = godnaravard.allocate()
    lines = alloc.agreement.rules.lines
    for i, ln in enumerate(lines, start=1):
        assert values.cell(label + i, 2).value == ln.label
        assert values.cell(label + i, 3).value == alloc.result.columns[ln.name].total
        assert formulas.cell(label + i, 3).value == "=" + ln.total.replace(".", "_")
    total = label + len(lines) + 1
    assert values.cell(total, 2).value == "Totalt"
    assert values.cell(total, 3).value == sum(alloc.result.columns[ln.name].total for ln in lines) == 3_216_000_000
    assert label < 15 and values.cell(label - 1, 1).value == "Avsnitt"


def test_no_command_line_words_and_swedish_plurals(books: dict[str, Path]) -> None:
    for which in ("baseline", "whatif"):
        wb = openpyxl.load_workbook(books[which])
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    if isinstance(cell.value, str) and ws.title != "Parametrar":
                        assert "--set" not in cell.value and "(rar)" not in cell.value, (ws.title, cell.coordinate)
    cover = openpyxl.load_workbook(books["whatif"], data_only=True)["Översikt"]
    pairs = {r[0]: r[1] for r in cover.iter_rows(values_only=True) if r[0]}
    assert pairs["Ändringar mot överenskommelsen"].startswith("2 parametrar ändrade")


# --------------------------------------------------------------------------------------------
# LibreOffice: the printed pages

_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooSetupSystemLocale" oor:op="fuse">\
<value>sv-SE</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse">\
<value>0</value></prop></item>
</oor:items>
"""

#: A fontconfig that hides Carlito: LibreOffice falls back to DejaVu Sans for Calibri.
_NO_CARLITO = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <selectfont><rejectfont><glob>*Carlito*</glob></rejectfont></selectfont>
</fontconfig>
"""


def _pdfs(files: list[Path], home: Path, dejavu: bool) -> list[Path]:
    """``files`` printed to PDF by LibreOffice (a private Swedish profile, recalculating on load)."""
    profile = home / "profile"
    (profile / "user").mkdir(parents=True)
    (profile / "user" / "registrymodifications.xcu").write_text(_PROFILE, encoding="utf-8")
    env = {"HOME": str(home), "PATH": "/usr/bin:/bin:/usr/local/bin", "LANG": "C.UTF-8"}
    if dejavu:
        (home / "fonts.conf").write_text(_NO_CARLITO, encoding="utf-8")
        env["FONTCONFIG_FILE"] = str(home / "fonts.conf")
    proc = subprocess.run(
        [str(SOFFICE), f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore", "--convert-to",
         "pdf", "--outdir", str(home), *map(str, files)],
        capture_output=True, text=True, errors="replace", timeout=600, env=env,
    )
    assert proc.returncode == 0, proc.stderr
    out = [home / f"{f.stem}.pdf" for f in files]
    assert all(p.exists() for p in out), proc.stderr
    return out


def _pages(pdf: Path) -> list[str]:
    """Each page's text as ``pdftotext -layout`` gives it."""
    text = subprocess.run([str(PDFTOTEXT), "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    return text.split("\f")[:-1]


def _fonts(pdf: Path) -> str:
    return subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout


def _sheet_of(page: str, names: list[str]) -> str:
    """The sheet a page prints: the name at the right of its header line."""
    for line in page.splitlines()[:3]:
        words = line.strip()
        for name in sorted(names, key=len, reverse=True):
            if words.startswith("God och nära vård") and words.endswith(" " + name):
                return name
    raise AssertionError(f"no header on the page: {page[:200]!r}")


def _words_missing(xlsx: Path, pages: list[str]) -> list[str]:
    """Every word of every text cell in a sheet's print area that is not whole on that sheet's pages."""
    wb = openpyxl.load_workbook(xlsx, data_only=True)
    names = wb.sheetnames
    words: dict[str, set[str]] = {}
    for page in pages:
        words.setdefault(_sheet_of(page, names), set()).update(page.split())
    missing = []
    for ws in wb.worksheets:
        c1, r1, c2, r2 = _printed(ws)
        seen = words.get(ws.title, set())
        for row in ws.iter_rows(min_row=r1, max_row=r2, min_col=c1, max_col=c2):
            for cell in row:
                if isinstance(cell.value, str):
                    missing += [f"{ws.title}!{cell.coordinate}: {w}" for w in cell.value.split() if w not in seen]
    return missing


@pytest.mark.slow
@pytest.mark.skipif(SOFFICE is None or PDFTOTEXT is None, reason="LibreOffice (soffice) or pdftotext is missing")
@pytest.mark.parametrize("font", ["Carlito", "DejaVu Sans"])
def test_printed_workbook(font: str, books: dict[str, Path], tmp_path: Path) -> None:
    """Printed by LibreOffice, the baseline takes at most 20 A4 pages and the what-if at most 24 (Carlito,
    Calibri's metrics); with either font every word of every printed cell is found whole in the PDF, no
    page is a lone line or two, and every page's header names the agreement and its sheet."""
    installed = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True).stdout \
        if shutil.which("fc-list") else ""
    if font not in installed or not shutil.which("pdffonts"):
        pytest.skip(f"the font {font} (or pdffonts) is not installed")
    files = [books["baseline"], books["whatif"]]
    pdfs = _pdfs(files, tmp_path, dejavu=font != "Carlito")
    for xlsx, pdf, most in zip(files, pdfs, (20, 24), strict=True):
        assert font.split()[0] in _fonts(pdf), _fonts(pdf)
        pages = _pages(pdf)
        if font == "Carlito":
            assert len(pages) <= most, (pdf.name, len(pages))
        assert not _words_missing(xlsx, pages), _words_missing(xlsx, pages)[:20]
        for n, page in enumerate(pages, start=1):
            body = [ln for ln in page.splitlines()[1:-1] if ln.strip()]
            assert len(body) >= 3, (pdf.name, n, body)  # no orphan page of a line or two
            assert f"Sida {n} av {len(pages)}" in page


@pytest.mark.slow
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_a_change_in_the_workbook_changes_its_status_and_verdict(books: dict[str, Path], tmp_path: Path) -> None:
    """A parameter changed in the file and recalculated by LibreOffice: every title row says which parameter
    was changed, and Avstämning's verdict follows its own live count (no "stämmer" beside "63 av 105")."""
    src = books["baseline"]
    changed = tmp_path / "changed.xlsx"
    wb = openpyxl.load_workbook(src)
    (sheet, coordinate), = wb.defined_names["ambulans_grundbelopp"].destinations
    wb[sheet][coordinate.replace("$", "")].value = 1_000_000
    wb.save(changed)
    profile = tmp_path / "profile"
    (profile / "user").mkdir(parents=True)
    (profile / "user" / "registrymodifications.xcu").write_text(_PROFILE, encoding="utf-8")
    proc = subprocess.run(
        [str(SOFFICE), f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore", "--convert-to",
         "xlsx", "--outdir", str(tmp_path / "out"), str(changed)],
        capture_output=True, text=True, timeout=600,
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin:/usr/local/bin", "LANG": "C.UTF-8"},
    )
    assert proc.returncode == 0, proc.stderr
    again = openpyxl.load_workbook(tmp_path / "out" / "changed.xlsx", data_only=True)
    for ws in again.worksheets:
        assert ws["A1"].value.endswith(" – Ändrad i arbetsboken: Grundbelopp per region, ambulanssjukvård"), ws.title
    summary = {r[0]: r[4] for r in again["Avstämning"].iter_rows(min_row=4, max_row=14, values_only=True)}
    assert summary["Inom 1 kr"] < 105 and summary["Resultat"] == "avvikelser"
    signed = {r[0]: r[4] for r in openpyxl.load_workbook(src, data_only=True)["Avstämning"].iter_rows(
        min_row=4, max_row=14, values_only=True)}
    assert signed["Inom 1 kr"] == 105 and signed["Resultat"] == "stämmer"
    # the signed tables' hand adjustment counts only while the workbook is as signed
    assert signed["Exakt lika"] == 101 and signed["Lika med tabellerna som undertecknade"] == 105
    assert summary["Lika med tabellerna som undertecknade"] == summary["Exakt lika"] < 101
