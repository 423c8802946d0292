"""The Excel workbook (``godnaravard export``): every amount and total read back equals the tool's.

Read back three ways: openpyxl with the cached values (``data_only=True``) and with the formulas,
pandas, and LibreOffice, which recalculates every formula. The workbook is a live model: every
parameter is a defined name, every amount of the bilagor a formula over the parameters and
Underlag, and LibreOffice recalculates random parameter sets to the amounts of ``allocate --set``.
Both shipped agreements are exported; every sheet, title and heading comes from the agreement.
Printing is checked in the file (A4 landscape, scale, headers) and in LibreOffice's PDF (no text
below 6 pt).
"""

from __future__ import annotations

import csv
import io
import math
import os
import random
import re
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from datetime import datetime
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from _cli import invoke

openpyxl = pytest.importorskip("openpyxl")  # in the test extra: never skipped there
pd = pytest.importorskip("pandas")

import godnaravard  # noqa: E402
from godnaravard import core  # noqa: E402
from godnaravard.agreements import load_agreement  # noqa: E402
from godnaravard.check import reconcile  # noqa: E402
from godnaravard.excel import CHECK_HEADER_ROW, HEADER_ROW, export_workbook, sheet_names  # noqa: E402
from godnaravard.excel.names import plain_name  # noqa: E402
from godnaravard.excel.printing import MIN_SCALE  # noqa: E402
from godnaravard.excel.reconciliation import explanation  # noqa: E402
from godnaravard.excel.tables import amount_heading  # noqa: E402
from godnaravard.reference import official_cells, stated_totals  # noqa: E402
from godnaravard.resources import data_file  # noqa: E402

HEAD = HEADER_ROW + 1  # 1-based row of the column headings, as openpyxl counts
FIRST = HEAD + 1
SOFFICE = shutil.which("soffice")
SVF = "svf-cancer-2025-2"
SHEETS_2024 = [
    "Översikt", "Bilaga 2", "Bilaga 3", "Bilaga 4", "Avsnitt 11", "Per invånare", "Delbelopp", "Parametrar",
    "Underlag", "Avstämning",
]
SHEETS_SVF = ["Översikt", "Utbetalning 2", "Per invånare", "Delbelopp", "Parametrar", "Underlag", "Avstämning"]
SCENARIO_WORDS = "inte den överenskomna fördelningen"
WHATIF_NAME = "Grundbelopp per region, ambulanssjukvård 1 000 000 kr"
#: The number formats the workbook may use: whole numbers, fixed decimals, percentages, a date.
FORMATS = {"General", "#,##0", "#,##0.00", "#,##0.0000", "0.0%", "0.00%", "yyyy-mm-dd hh:mm", '"ja";"ja";"nej"'}


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def table(ws: Any, head: int = HEAD) -> tuple[list[str], list[list[Any]], list[Any]]:
    """Headings, data rows and the total row of the table whose headings are on row ``head``.

    Columns after the first empty heading (the charts' helper columns) are left out.
    """
    headings = [c.value for c in ws[head]]
    width = headings.index(None) if None in headings else len(headings)
    headings = headings[:width]
    rows: list[list[Any]] = []
    for values in ws.iter_rows(min_row=head + 1, values_only=True):
        if values[0] in ("Totalt", "Riket"):
            return headings, rows, list(values[:width])
        if values[0] is None:
            break
        rows.append(list(values[:width]))
    raise AssertionError(f"{ws.title}: no total row below row {head}")


def col(headings: list[str], name: str) -> int:
    return headings.index(name)


def cells(ws: Any) -> Iterator[Any]:
    for row in ws.iter_rows():
        yield from row


def texts(wb: Any) -> Iterator[tuple[str, str, str]]:
    """(sheet, cell, text) of every text cell of a workbook."""
    for ws in wb.worksheets:
        for cell in cells(ws):
            if isinstance(cell.value, str):
                yield ws.title, cell.coordinate, cell.value


def is_heading(cell: Any) -> bool:
    """A column heading: the workbook's heading fill."""
    return isinstance(cell.value, str) and str(cell.fill.fgColor.rgb).upper().endswith("DCE6F1")


def cover_pairs(ws: Any) -> dict[str, Any]:
    return {r[0]: r[1] for r in ws.iter_rows(values_only=True) if r[0]}


def labelled(ws: Any, first: int = 1) -> Iterator[tuple[int, str]]:
    """(row, text) of every bold label in column A (a block's label) from row ``first``."""
    for c in ws["A"][first - 1:]:
        if isinstance(c.value, str) and c.font.bold and not is_heading(c):
            yield c.row, c.value


def block(ws: Any, heading: str) -> tuple[list[Any], list[list[Any]]]:
    """The headings and rows of the table on the sheet whose label (bold, column A) starts with ``heading``."""
    label = next(r for r, text in labelled(ws) if text.startswith(heading))
    headings = [c.value for c in ws[label + 1]]
    while headings and headings[-1] is None:
        headings.pop()
    rows = []
    for values in ws.iter_rows(min_row=label + 2, values_only=True):
        if values[0] is None and values[1] is None:
            break
        rows.append(list(values))
    return headings, rows


def _wb(path: Path, data_only: bool) -> Any:
    return openpyxl.load_workbook(path, data_only=data_only)


def shown_columns(ag: Any, spec: Any) -> dict[str, str]:
    """A table sheet's headings and the output columns under them: the signed table's printed layout, else
    the columns' labels."""
    if spec.printed:
        return {pc.heading: pc.column for pc in spec.printed if pc.column is not None}
    return {amount_heading(ag.label(c)) if c in ag.rules.amount_columns else ag.label(c): c for c in spec.columns}


def amount_cells(wb: Any, ag: Any) -> dict[tuple[str, str, int], str]:
    """Where every amount of the bilaga sheets stands: (sheet, column, recipient index or -1 for the total)."""
    out = {}
    for spec in ag.tables:
        if spec.name == "overview":
            continue
        labels = {h: c for h, c in shown_columns(ag, spec).items() if c in ag.rules.amount_columns}
        ws = wb[spec.label]
        headings, rows, _ = table(ws)
        for j, heading in enumerate(headings):
            if heading in labels:
                letter = openpyxl.utils.get_column_letter(j + 1)
                for i in range(len(rows)):
                    out[(spec.label, labels[heading], i)] = f"{letter}{FIRST + i}"
                out[(spec.label, labels[heading], -1)] = f"{letter}{FIRST + len(rows)}"
    return out


# --------------------------------------------------------------------------------------------
# Fixtures: the 2024 and the SVF workbooks, each exported once
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def alloc() -> godnaravard.Allocation:
    return godnaravard.allocate()


@pytest.fixture(scope="module")
def xlsx(alloc: godnaravard.Allocation, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("export") / "godnaravard_2024.xlsx"
    assert export_workbook(alloc, path) == path
    return path


@pytest.fixture(scope="module")
def values(xlsx: Path) -> Any:
    """The workbook with each formula's cached value (what pandas and data pipelines see)."""
    return _wb(xlsx, data_only=True)


@pytest.fixture(scope="module")
def formulas(xlsx: Path) -> Any:
    """The workbook with the formulas themselves."""
    return _wb(xlsx, data_only=False)


@pytest.fixture(scope="module")
def svf() -> godnaravard.Allocation:
    return godnaravard.allocate(agreement=SVF)


@pytest.fixture(scope="module")
def svf_xlsx(svf: godnaravard.Allocation, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("export_svf") / "svf.xlsx"
    export_workbook(svf, path)
    return path


@pytest.fixture(scope="module")
def whatif(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The workbook of ``export --set ambulans.grundbelopp=1000000``, through the command line."""
    out = tmp_path_factory.mktemp("whatif") / "whatif.xlsx"
    proc = invoke("export", "--set", "ambulans.grundbelopp=1000000", "--output", str(out))
    assert proc.exit_code == 0, proc.stderr
    assert "wrote" in proc.stdout and "10 sheets" in proc.stdout
    return out


# --------------------------------------------------------------------------------------------
# Structure and formatting
# --------------------------------------------------------------------------------------------


def test_export_workbook_is_public_and_documented() -> None:
    import godnaravard.excel as excel

    assert excel.export_workbook is export_workbook
    assert "force" in (export_workbook.__doc__ or "")
    assert "export_workbook" in (excel.__doc__ or "")


def test_sheets_in_order(values: Any, alloc: godnaravard.Allocation) -> None:
    assert values.sheetnames == list(sheet_names(alloc.agreement)) == list(sheet_names()) == SHEETS_2024
    assert list(sheet_names(SVF)) == SHEETS_SVF


def test_no_year_in_the_package_excel_sources() -> None:
    """Titles, headings and dates come from the agreement: no year literal in the module."""
    import godnaravard.excel as excel

    folder = Path(excel.__file__).parent
    files = [*folder.glob("*.py"), folder.parent / "cli" / "export.py"]
    found = [f"{p.name}:{n}" for p in files for n, line in enumerate(p.read_text("utf-8").splitlines(), 1)
             if re.search(r"\b20\d\d\b", line)]
    assert not found


def test_sheet_names_are_valid_and_unique() -> None:
    from godnaravard.excel.cells import sheet_name

    assert sheet_name("Bilaga 3", []) == "Bilaga 3"
    assert sheet_name("Bilaga 3", ["bilaga 3"]) == "Bilaga 3 (2)"
    assert sheet_name("a/b:c*d?[e]\\f", []) == "a b c d e f"
    assert sheet_name("'" + "x" * 40 + "'", []) == "x" * 31
    long = sheet_name("y" * 40, ["y" * 31])
    assert long == "y" * 27 + " (2)" and len(long) == 31
    assert sheet_name("", []) == "Tabell" and sheet_name("History", []) == "History (2)"


def test_every_formula_carries_its_computed_value(values: Any, formulas: Any) -> None:
    """Every formula has the tool's value cached: a number, or a text (a note, a check); only a
    text that is empty until something changes may be empty."""
    n = 0
    for name in values.sheetnames:
        for cell in cells(formulas[name]):
            if cell.data_type == "f":
                n += 1
                cached = values[name][cell.coordinate].value
                if cached is None:
                    assert cell.value.endswith(',"")'), f"{name}!{cell.coordinate} {cell.value} has no cached value"
                    continue
                assert isinstance(cached, (int, float, str)), f"{name}!{cell.coordinate}: {cached!r}"
                assert not (isinstance(cached, str) and cached.startswith("#")), f"{name}!{cell.coordinate}: {cached}"
    assert n > 1000


def test_totals_are_live_sum_formulas(formulas: Any) -> None:
    for name, columns in (("Bilaga 2", "BCDEF"), ("Bilaga 3", "BCDE"), ("Bilaga 4", "B")):
        ws = formulas[name]
        headings, rows, total = table(ws)
        total_row = FIRST + len(rows)
        for letter in columns:
            cell = ws[f"{letter}{total_row}"]
            assert cell.value == f"=SUM({letter}{FIRST}:{letter}{total_row - 1})", (name, letter)
    # A table's Totalt column adds the columns it sums
    assert formulas["Bilaga 3"][f"E{FIRST}"].value == f"=C{FIRST}+D{FIRST}"


def test_amounts_are_whole_numbers_with_a_thousands_format(formulas: Any, values: Any) -> None:
    ws = formulas["Bilaga 3"]
    headings, rows, total = table(ws)
    for r in range(FIRST, FIRST + len(rows) + 1):
        for letter in "CDE":
            cell = ws[f"{letter}{r}"]
            assert cell.data_type == "f"
            assert cell.number_format == "#,##0"
            assert isinstance(values["Bilaga 3"][f"{letter}{r}"].value, int)
    shares = formulas["Bilaga 2"]
    # the signed table's shares: one decimal, with "%"
    assert shares[f"C{FIRST}"].number_format == shares[f"E{FIRST}"].number_format == "0.0%"
    assert shares[f"C{FIRST}"].value == f"=IF(B${FIRST + 21}>0,B{FIRST}/B${FIRST + 21},0)"


def test_number_formats_are_safe_in_excel_and_libreoffice(formulas: Any, svf_xlsx: Path, whatif: Path) -> None:
    """Whole numbers as ``#,##0`` (shown ``2 420 000 000`` in Swedish), fixed decimals, percentages with
    two decimals everywhere, a date: never optional decimals (``#,##0.####`` shows ``124 964,`` in Excel)."""
    used: set[str] = set()
    for wb in (formulas, _wb(svf_xlsx, data_only=False), _wb(whatif, data_only=False)):
        for ws in wb.worksheets:
            for cell in cells(ws):
                if isinstance(cell.value, (int, float)) or cell.data_type == "f":
                    used.add(cell.number_format)
    assert used <= FORMATS, used - FORMATS
    assert {"#,##0", "0.00%"} <= used
    # a deviation in kronor has the same format, however it is shaded
    ws = formulas["Avstämning"]
    head = CHECK_HEADER_ROW + 1
    assert ws.cell(head, 7).value == "Differens (kronor)" and ws.cell(head + 1, 7).number_format == "#,##0"
    label = next(r for r, text in labelled(ws) if text.startswith("Belopp för belopp: "))
    assert ws.cell(label + 1, 7).value == "Avvikelse (kronor)" and ws.cell(label + 2, 7).number_format == "#,##0"


def test_no_amount_anywhere_is_text(values: Any, alloc: godnaravard.Allocation) -> None:
    """Every cell under a heading in kronor (an amount column of the agreement, or "(kronor") is a number."""
    ag = alloc.agreement
    amount_headings = {ag.label(c) for c in ag.rules.amount_columns}
    checked = 0
    for ws in values.worksheets:
        for head_row in ws.iter_rows():
            for cell in head_row:
                if is_heading(cell) and (cell.value in amount_headings or "(kronor" in cell.value
                                         or "kronor per invånare" in cell.value):
                    checked += 1
                    for below in ws.iter_rows(min_row=cell.row + 1, min_col=cell.column, max_col=cell.column):
                        v = below[0].value
                        if v is None or is_heading(below[0]):
                            break
                        assert isinstance(v, (int, float)), f"{ws.title}!{below[0].coordinate}: {v!r}"
    assert checked > 20


def test_header_rows_are_frozen_and_columns_sized(formulas: Any) -> None:
    """Sheets of one table freeze its headings; sheets of many blocks, each with its own headings, do not."""
    for name in ("Bilaga 2", "Bilaga 3", "Bilaga 4", "Parametrar", "Underlag", "Per invånare"):
        ws = formulas[name]
        pane = ws.freeze_panes
        assert pane is not None and int(re.sub(r"[A-Z]", "", pane)) == FIRST, (name, pane)
        assert ws.column_dimensions["A"].width > 8
    for name in ("Delbelopp", "Avstämning", "Avsnitt 11"):
        assert formulas[name].freeze_panes is None, name
    assert formulas["Bilaga 3"].column_dimensions["A"].width >= 0.8 * len("Region Jämtland Härjedalen")


def test_charts_per_inhabitant_with_the_national_line(xlsx: Path, alloc: godnaravard.Allocation, values: Any,
                                                       formulas: Any) -> None:
    """One native chart per column of the overview: kronor per inhabitant, with the national average as a line."""
    ag = alloc.agreement
    overview = [c for c in ag.table("overview").columns if c in ag.rules.amount_columns]
    assert overview == ["nara_vard", "landsbygd", "ambulans", "regioner_totalt", "kommuner"]
    with zipfile.ZipFile(xlsx) as zf:
        charts = sorted(n for n in zf.namelist() if n.startswith("xl/charts/chart"))
        xml = [zf.read(n).decode("utf-8") for n in charts]
    assert len(xml) == len(overview)
    for chart, name in zip(xml, overview, strict=True):
        assert "<c:barChart>" in chart and "<c:lineChart>" in chart
        assert f"{ag.label(name)}: kronor per invånare" in chart and "Riket (genomsnitt)" in chart
        assert chart.count("<c:ser>") == 2
    ws = values["Per invånare"]
    headings, rows, total = table(ws)
    assert headings == ["Region", "Befolkning 1 nov 2023", *(f"{ag.label(c)}, kronor per invånare" for c in overview)]
    t = alloc.totals()
    for name in overview:
        j = col(headings, f"{ag.label(name)}, kronor per invånare")
        for got, r in zip(rows, alloc.rows, strict=True):
            assert got[0] == r["region"]
            assert got[j] == pytest.approx(r[name] / r["population"])
        assert total[j] == pytest.approx(t[name] / t["population"])
    # formulas on the table sheets, the population from Underlag
    # Nära vård (kronor)
    assert formulas["Per invånare"][f"C{FIRST}"].value == f"=IF(B{FIRST}>0,'Bilaga 3'!C{FIRST}/B{FIRST},0)"
    assert formulas["Per invånare"][f"B{FIRST}"].value == f"='Underlag'!D{FIRST}"
    # the national line: every row of its helper column is the total row's figure
    line = re.search(r"<c:lineChart>.*?<c:val><c:numRef><c:f>([^<]+)</c:f>", xml[0], re.S)
    assert line is not None and "'Per invånare'" in line.group(1)


def test_what_if_charts_the_change_per_region(whatif: Path) -> None:
    expected = godnaravard.allocate(overrides={"ambulans.grundbelopp": 1_000_000})
    signed = godnaravard.allocate()
    wb = _wb(whatif, data_only=True)
    ws = wb["Per invånare"]
    headings, rows = block(ws, "Förändring mot överenskommelsen")
    # Ambulans and Regioner totalt change alike: one column, one chart
    assert headings == ["Region", "Förändring: Ambulans (bilaga 3) = Regioner totalt (bilaga 3) (kronor)"]
    assert [r[1] for r in rows[:-1]] == [a["ambulans"] - b["ambulans"] for a, b in zip(expected.rows, signed.rows,
                                                                                       strict=True)]
    assert rows[-1][:2] == ["Riket", 0]
    with zipfile.ZipFile(whatif) as zf:
        charts = [zf.read(n).decode("utf-8") for n in zf.namelist() if n.startswith("xl/charts/chart")]
    assert len(charts) == 6
    assert sum("Förändring mot överenskommelsen: Ambulans (bilaga 3) = Regioner totalt (bilaga 3)" in c
               for c in charts) == 1


# --------------------------------------------------------------------------------------------
# Round trip: every amount and total equals allocate()
# --------------------------------------------------------------------------------------------


def test_bilaga2_round_trip(values: Any, alloc: godnaravard.Allocation) -> None:
    """Bilaga 2 as signed: its six columns under its headings, shares with one decimal, a Totalt row."""
    headings, rows, total = table(values["Bilaga 2"])
    assert headings == ["Länsvis", "Befolkning november 2023", "Andel befolkning", "Antal insatser* per län",
                        "Andel insatser* per län", "Nära vård (kronor)"]
    assert values["Bilaga 2"]["A1"].value.startswith(alloc.agreement.table("bilaga2").title)
    t = alloc.totals()
    assert len(rows) == len(alloc.rows) == 21
    for got, r in zip(rows, alloc.rows, strict=True):
        assert got[0] == r["lan"]
        assert got[1] == r["population"]
        assert got[2] == pytest.approx(r["population"] / t["population"])
        assert got[3] == r["hsl_insatser"]
        assert got[4] == pytest.approx(r["hsl_insatser"] / t["hsl_insatser"])
        assert got[5] == r["kommuner"] and isinstance(got[5], int)
    assert total == ["Totalt", t["population"], 1, t["hsl_insatser"], 1, t["kommuner"]]
    assert t["kommuner"] == alloc.scenario.parameters.amount("kommuner.total") == 750_000_000
    assert values["Bilaga 2"]["A2"].value == (
        "Kommuner via RSS 750 000 000 kr: Efter HSL-insatser (andel 1/2, nyckel: andel individer med kommunala "
        "HSL-insatser); Efter befolkning (resten, nyckel: befolkningsandel).")


def test_bilaga3_round_trip(values: Any, alloc: godnaravard.Allocation) -> None:
    """Bilaga 3 as signed: region, population, Nära vård, Ambulans and Totalt in kronor; the signed figures."""
    headings, rows, total = table(values["Bilaga 3"])
    assert headings == ["Region", "Befolkning november 2023", "Nära vård (kronor)", "Ambulans (kronor)",
                        "Totalt (kronor)"]
    for got, r in zip(rows, alloc.rows, strict=True):
        assert got == [r["region"], r["population"], r["nara_vard"], r["ambulans"], r["regioner_totalt"]]
    t = alloc.totals()
    assert total == ["Totalt", t["population"], 2_420_000_000, 46_000_000, 2_466_000_000]
    assert [r[3] for r in rows if r[0] in ("Region Sörmland", "Västra Götalandsregionen")] == [1_516_511, 6_443_659]


def test_bilaga3_comments_and_footnotes_the_signed_adjustment(values: Any, formulas: Any) -> None:
    """The krona the signed table moved (Ambulans, Sörmland −1, Västra Götaland +1, and so their Totalt) is
    shaded, carries a comment, and a footnote under the table that is a formula; no other bilaga cell has one."""
    ws = values["Bilaga 3"]
    headings, rows, total = table(ws)
    commented = {(name, cell.coordinate): cell.comment.text for name in ("Bilaga 2", "Bilaga 3", "Bilaga 4")
                 for cell in cells(formulas[name]) if cell.comment is not None}
    names = [r[0] for r in rows]
    expected = {("Bilaga 3", f"{letter}{FIRST + names.index(who)}")
                for letter in "DE" for who in ("Region Sörmland", "Västra Götalandsregionen")}
    assert set(commented) == expected
    assert all("Se not 1)" in text and "bara så länge alla parametrar och indata är överenskommelsens" in text
               for text in commented.values())
    for key in expected:
        assert formulas[key[0]][key[1]].fill.fgColor.rgb.endswith("FCE4D6")
    row = next(c.row for c in ws["A"] if isinstance(c.value, str) and c.value.startswith("1) "))
    assert formulas["Bilaga 3"].cell(row, 1).value.startswith("=IF(som_undertecknad,")
    note = ws.cell(row, 1).value
    assert "Region Sörmland -1 kr (regeln ger 1 516 512 kr)" in note and "den undertecknade tabellens" in note


def test_bilaga4_round_trip(values: Any, alloc: godnaravard.Allocation) -> None:
    """Bilaga 4 as signed: its own heading, the short names under Region, Utfall fördelningsnyckel, the
    source line; the weighted rural population stays on Delbelopp."""
    ws = values["Bilaga 4"]
    headings, rows, total = table(ws)
    assert headings == ["Region", "Utfall fördelningsnyckel (kronor)"]
    assert ws["A1"].value.startswith("Tabell Fördelning av ekonomiska medel till primärvård i landsbygd")
    for got, r in zip(rows, alloc.rows, strict=True):
        assert got == [r["lan"], r["landsbygd"]]
    assert total == ["Totalt", alloc.totals()["landsbygd"]] and total[1] == 300_000_000
    below = [c.value for c in ws["A"][FIRST + len(rows):] if isinstance(c.value, str)]
    assert "Källa: egna beräkningar, Tillväxtverket, Statistikmyndigheten (SCB)" in below
    note = ws["A2"].value
    assert "Primärvård i landsbygd" in note and "1 / 4 / 6" in note and "landsbygd.vikt" not in note


def test_budget_follows_tables_11_1_and_11_2(values: Any, formulas: Any, alloc: godnaravard.Allocation) -> None:
    """Avsnitt 11: per avsnitt (11.1) with each payer's share and the total, per payer and recipient (11.2)
    with a subtotal per avsnitt, each total in the words the agreement states it with."""
    ws = values["Avsnitt 11"]
    assert ws["A1"].value == f"{alloc.agreement.budget_title} – Enligt överenskommelsen"
    derived = core.derived_totals(alloc.scenario.parameters, alloc.totals())
    stated = {sid: (statement, amount) for sid, _, statement, amount in stated_totals(alloc.agreement)}
    headings, per_chapter = block(ws, "Medelstilldelning per avsnitt")
    assert headings == ["Avsnitt", "Insats", "Mottagare", "Betalas av", "Mottagargrupp", "Belopp (kronor)",
                        "Överenskommelsen (kronor)", "Skillnad (kronor)", "Fördelas i"]
    chapters = {r[0]: r for r in per_chapter if r[0]}
    assert list(chapters) == ["4", "5", "6", "7", "8", "9"]
    assert [chapters[c][5] for c in chapters] == [3_200_000_000, 46_750_000, 10_000_000, 168_000_000, 3_000_000,
                                                  2_500_000]
    assert chapters["6"][1] == "Inriktning för vård och behandling av sällsynta hälsotillstånd"
    by_label = {r[1]: r for r in per_chapter}
    assert by_label["därav statens medel"][5] == 68_000_000 and by_label["därav regionernas medel"][5] == 100_000_000
    for sid in ("s11_1_regionernas_andel", "s11_1_statens_andel", "s11_1_total"):
        statement, amount = stated[sid]
        assert by_label[statement][5:8] == [derived[sid], amount, 0]
    headings, state = block(ws, "Statens medel per mottagare")
    subtotals = [r for r in state if isinstance(r[2], str) and r[2].startswith("Delsumma")]
    assert [(r[0], r[5]) for r in subtotals] == [("4", 3_200_000_000), ("5", 46_750_000), ("6", 10_000_000)]
    by_label = {r[1]: r for r in state}
    statement, amount = stated["s11_2_total"]
    assert by_label[statement][5:7] == [derived["s11_2_total"], amount] == [3_330_250_000, 3_330_250_000]
    items = [r for r in state if r[4]]
    lines = [ln for ln in alloc.result.budget if ln.payer == "staten"]
    assert [(r[0], r[1], r[2], r[5]) for r in items] == [(ln.chapter, ln.item, ln.recipient, ln.amount) for ln in lines]
    # every item is its parameter, every sum a formula over the items
    item_rows = [c.row for c in formulas["Avsnitt 11"]["E"] if c.value == "Regionerna" and c.row > 10]
    assert formulas["Avsnitt 11"][f"F{item_rows[0]}"].value == "=regioner_nara_vard_total"
    assert formulas["Avsnitt 11"]["F6"].value.startswith("=SUMPRODUCT(")
    headings, regions = block(ws, "Regionernas medel per mottagare")
    assert regions[-1][5] == 100_000_000


def test_parts_show_the_largest_remainders_step_by_step(values: Any, formulas: Any,
                                                        alloc: godnaravard.Allocation) -> None:
    """Delbelopp: every part recipient by recipient (weight, exact share, floor, remainder, rank, amount,
    balancing krona), every line and its check, as formulas whose cached values are the core's."""
    ws = values["Delbelopp"]
    res = alloc.result
    expected = {f"{line.label}: {part.label}": res.part(line.name, part.name) for line in res.rules.lines
                for part in line.parts}
    assert set(expected) == {
        "Nära vård: Primärvård i landsbygd", "Nära vård: Efter befolkning", "Ambulans: Efter befolkning",
        "Kommuner via RSS: Efter HSL-insatser", "Kommuner via RSS: Efter befolkning",
    }
    for label, part in expected.items():
        headings, rows = block(ws, label)
        assert headings[:9] == ["Länskod", "Region", "Vikt (heltal)", "Exakt andel (kronor)", "Heltal (kronor)",
                                "Rest (täljare)", "Plats", "Avrundat (kronor)", "Utjämningskrona"]
        data = rows[: len(alloc.rows)]
        assert {r[0]: r[7] for r in data} == dict(part.amounts)
        assert {r[0]: r[8] for r in data} == {c: part.adjustment(c) for c in part.amounts}
        assert {r[0]: r[6] for r in data} == {c: part.rank(c) for c in part.amounts}
        assert {r[0]: r[4] for r in data} == {c: math.floor(part.exact[c]) for c in part.amounts}
        summa, to_share, left, check = rows[len(alloc.rows):len(alloc.rows) + 4]
        assert summa[0] == "Summa" and summa[7] == part.total == to_share[7]
        assert left[7] == part.leftover and check[:3] == ["Kontroll", None, "ja"] and check[3] == "stämmer"
    headings, lines = block(ws, "Budgetrader")
    assert [r[0] for r in lines] == [ln.label for ln in res.rules.lines]
    assert [r[headings.index("Kontroll")] for r in lines] == ["stämmer"] * 3
    # the rank is a SUMPRODUCT of comparisons (no COUNTIF, no MOD)
    first = next(r for r, text in labelled(formulas["Delbelopp"]) if text == "Ambulans: Efter befolkning") + 2
    rank = formulas["Delbelopp"][f"G{first}"].value
    assert rank.startswith("=1+SUMPRODUCT(") and "COUNTIF" not in rank
    assert not any("MOD(" in str(c.value) for c in cells(formulas["Delbelopp"]))
    assert formulas["Delbelopp"][f"C{first}"].value == f"='Underlag'!D{FIRST}"


def test_parameters_are_defined_names_read_by_the_model(values: Any, formulas: Any,
                                                        alloc: godnaravard.Allocation) -> None:
    ws = values["Parametrar"]
    ag = alloc.agreement
    headings = [c.value for c in ws[HEAD]]
    assert headings == ["Nyckel", "Parameter", "Värde", "Enhet", "Exakt värde", "Överenskommelsens värde", "Ändrad",
                        "Kontroll", "Källa"]
    params = alloc.scenario.parameters.as_dict()
    rows = {r[0]: r for r in ws.iter_rows(min_row=FIRST, max_row=FIRST + len(params) - 1, values_only=True)}
    assert list(rows) == list(params)
    names = formulas.defined_names
    for i, (key, value) in enumerate(params.items()):
        row = rows[key]
        info = ag.parameter_info[key]
        assert row[col(headings, "Parameter")] == info.label
        assert row[col(headings, "Enhet")] == info.unit
        assert row[col(headings, "Värde")] == pytest.approx(float(value))
        assert row[col(headings, "Källa")] == alloc.scenario.sources[key] == info.source
        assert not row[col(headings, "Ändrad")]
        assert row[col(headings, "Kontroll")] == "stämmer"
        if info.kind == "amount":
            assert row[col(headings, "Värde")] == value and isinstance(row[col(headings, "Värde")], int)
        else:
            assert Fraction(row[col(headings, "Exakt värde")]) == value
        # the value is a defined name: the --set key with dots made underscores
        destinations = list(names[key.replace(".", "_")].destinations)
        assert destinations == [("Parametrar", f"$C${FIRST + i}")] and plain_name(key) == key.replace(".", "_")
    assert "ambulans_grundbelopp" in names and "kommuner_andel_insatser" in names and "landsbygd_vikt_gles" in names
    assert rows["kommuner.andel_insatser"][col(headings, "Exakt värde")] == "1/2"
    signed_row = FIRST + len(params) + 1
    assert [ws.cell(signed_row + i, 1).value for i in range(4)] == [
        "Parametrar som undertecknade", "Indata som undertecknade", "Som undertecknad", "Arbetsbokens status"]
    assert [ws.cell(signed_row + i, 5).value for i in range(3)] == [True, True, True]
    assert ws.cell(signed_row + 3, 2).value == "Enligt överenskommelsen"
    assert list(names["som_undertecknad"].destinations) == [("Parametrar", f"$E${signed_row + 2}")]
    assert list(names["arbetsbokens_status"].destinations) == [("Parametrar", f"$B${signed_row + 3}")]
    checks = {r[0]: r[2] for r in ws.iter_rows(min_row=signed_row + 5, values_only=True) if r[0]}
    assert checks.pop("Kontroll av modellen (från bladet Delbelopp)") is None
    assert checks["Landsbygdsnyckel: vikter"].startswith("stämmer: vikterna är proportionella")
    assert all(v.startswith("stämmer") for v in checks.values()) and len(checks) == 3 + 1 + 5


def test_inputs_sheet_with_sources(values: Any, alloc: godnaravard.Allocation) -> None:
    ws = values["Underlag"]
    headings, rows, total = table(ws)
    assert headings[:5] == ["Länskod", "Län", "Region", "Befolkning 1 nov 2023", "Antal individer med insatser"]
    keys = {k.code: k for k in alloc.result.inputs.rural_key}
    for got, r in zip(rows, alloc.rows, strict=True):
        assert got[:5] == [r["lan_code"], r["lan"], r["region"], r["population"], r["hsl_insatser"]]
        assert got[col(headings, "Viktad summa (referensvikter)")] == keys[r["lan_code"]].weighted_sum
        status = got[col(headings, "Landsbygdsnyckel: status")]
        assert status == ("kategorier kända" if keys[r["lan_code"]].categories_known else "endast viktad summa")
    assert total[3] == 10_557_682 and total[4] == 416_151
    text = [c.value for c in cells(ws) if isinstance(c.value, str)]
    for name in ("population_2023.csv", "landsbygd_weights.csv"):
        assert f"data/{name} (levereras med verktyget)" in text
    for d in alloc.agreement.data.values():
        assert f"Källa: {d.title}" in text and d.source in text and d.date.isoformat() in text


def _cell_rows(ws: Any) -> list[list[Any]]:
    """Every published amount on Avstämning: the rows of its table "Belopp för belopp", in order."""
    label = next(r for r, text in labelled(ws) if text.startswith("Belopp för belopp: "))
    assert [c.value for c in ws[label + 1]][:9] == [
        "Tabell", "Kolumn", "Länskod", "Namn", "Officiellt (kronor)", "Beräknat (kronor)", "Avvikelse (kronor)",
        "Exakt belopp (kronor)", "Förklaring"]
    rows: list[list[Any]] = []
    for values in ws.iter_rows(min_row=label + 2, values_only=True):
        if values[0] is None:
            break
        rows.append(list(values))
    return rows


def test_reconciliation_sheet(values: Any, formulas: Any, alloc: godnaravard.Allocation) -> None:
    """Every published cell, the Totalt column of bilaga 3 included, against the computed one: a block per
    table and column, each with its own headings and total (no total over columns that overlap)."""
    ag = alloc.agreement
    published = official_cells(ag)
    ws = values["Avstämning"]
    rows = _cell_rows(ws)
    assert len(rows) == len(published) == 105
    assert {p.column for p in published} == {"kommuner", "nara_vard", "ambulans", "regioner_totalt", "landsbygd"}
    order = {(p.bilaga, p.column): i for i, p in reversed(list(enumerate(published)))}
    published = sorted(published, key=lambda p: order[(p.bilaga, p.column)])  # by table and column, stably
    deviating = 0
    for got, p in zip(rows, published, strict=True):
        computed = alloc.result.rule_amount(p.column, p.code)  # the rule's figure, as check compares it
        assert got[0] == p.bilaga and got[1] == ag.label(p.column) and got[2] == p.code
        assert got[4:7] == [p.amount, computed, computed - p.amount]
        reason = got[8]
        assert (reason is None) == (computed == p.amount)
        if reason:
            deviating += 1
            assert reason.startswith("avrundning, se not ")
    assert deviating == 4  # Sörmland and Västra Götaland, Ambulans and Totalt
    # the computed amounts are references to the table sheets
    first = next(r for r, text in labelled(ws) if text.startswith("Belopp för belopp: ")) + 2
    bilaga2 = amount_cells(formulas, ag)[("Bilaga 2", "kommuner", 0)]
    assert formulas["Avstämning"][f"F{first}"].value == f"='Bilaga 2'!{bilaga2}"
    # a cell the signed table adjusts: the table sheet's figure less the adjustment while as signed
    sormland = next(r for r in range(first, ws.max_row) if ws.cell(r, 2).value == ag.label("ambulans")
                    and ws.cell(r, 3).value == "04")
    assert formulas["Avstämning"].cell(sormland, 6).value.endswith("-IF(som_undertecknad,-1,0)")
    summary = {r[0]: r[4] for r in ws.iter_rows(min_row=4, max_row=14, values_only=True)}
    assert summary["Jämförda belopp"] == 105
    assert summary["Exakt lika"] == 101
    assert summary["Inom 1 kr"] == 105
    assert abs(summary["Största avvikelse (kronor)"]) == 1
    assert summary["Kolumnsummor lika med budgetraden"] == "ja"
    stated = stated_totals(ag)
    assert summary["Angivna totaler som följer av posterna"] == f"{len(stated)} av {len(stated)}"
    assert summary["Budgettabellens rader som följer av posterna"] == "22 av 22"
    assert summary["Resultat"] == "stämmer"
    headings, got = block(ws, "Angivna totaler:")
    assert headings[:8] == ["Avsnitt", "Påstående", None, None, "Angivet (kronor)", "Härlett (kronor)",
                            "Differens (kronor)", "Stämmer"]
    assert [(r[0], r[1], r[4], r[5], r[6], r[7]) for r in got] == [
        (section, statement, amount, amount, 0, "ja") for _, section, statement, amount in stated]
    assert "egna parametrar" in ws["A2"].value


def _notes(ws: Any) -> dict[int, str]:
    """The numbered notes on Avstämning that explain a deviation, by number (``Not N`` cut off)."""
    out = {}
    for c in ws["A"]:
        m = re.match(r"Not (\d+) (.*)", c.value) if isinstance(c.value, str) else None
        if m:
            out[int(m[1])] = m[2]
    return out


def test_reconciliation_sheet_renders_check(values: Any, alloc: godnaravard.Allocation) -> None:
    """The sheet is ``check.reconcile`` in Swedish: same cells, same verdicts, the budget table's rows,
    each deviating cell explained from check's facts (never check's English)."""
    rec = reconcile(alloc)
    ws = values["Avstämning"]
    rows = _cell_rows(ws)
    assert len(rows) == len(rec.cells)
    order = {(c.bilaga, c.column): i for i, c in reversed(list(enumerate(rec.cells)))}
    notes = _notes(ws)
    by_cell = {}
    for got, cell in zip(rows, sorted(rec.cells, key=lambda c: order[(c.bilaga, c.column)]), strict=True):
        assert (got[0], got[2], got[4], got[5]) == (cell.bilaga, cell.code, cell.official, cell.computed)
        if not cell.deviation:
            assert got[8] is None
            continue
        n = int(got[8].removeprefix("avrundning, se not "))  # one line in the row, the explanation in a note
        assert notes[n] == (f"({cell.bilaga}, {rec.column_label(cell.column)}, {cell.code} {cell.name}): "
                            f"{explanation(rec, cell)}")
        by_cell[(got[1], got[2])] = explanation(rec, cell)
    assert sorted(notes) == list(range(1, len(by_cell) + 1))
    sormland = by_cell[(alloc.agreement.label("ambulans"), "04")]
    assert sormland.startswith("Ambulans, efter befolkning: exakt 1 016 511,4842 kr, rest 0,4842, plats 10 av 21 "
                               "bland resterna med 10 utjämningskronor att fördela: fick en utjämningskrona;")
    assert "ger en krona mindre än verktygets regel (största rest)" in sormland
    assert "med Sainte-Laguës metod blir det den publicerade tabellens belopp" in sormland
    totalt = by_cell[(alloc.agreement.label("regioner_totalt"), "14")]
    assert totalt.startswith("Regioner totalt (bilaga 3) är summan av Nära vård (bilaga 3) och Ambulans (bilaga 3); "
                             "Ambulans (bilaga 3) skiljer sig från den publicerade tabellen med -1 kr")
    assert "fick ingen utjämningskrona" in totalt and "skiljer sig på samma sätt" in totalt
    english = ("balancing", "remainder ", "rank ", "official", "the sum of", "rule", "largest_remainder")
    for cell in cells(ws):
        if isinstance(cell.value, str):
            assert not any(word in cell.value for word in english), f"{cell.coordinate}: {cell.value}"

    # The budget table: every row check audits, in the order the table prints them.
    title = alloc.agreement.budget_title
    audited = []
    for table_name, per, what in (("by_chapter", "per kapitel", "Kapitel"), ("by_recipient", "per mottagare",
                                                                             "Mottagare")):
        headings, got = block(ws, f"{title}, {per}:")
        assert headings[:8] == ["Rad i tabellen", f"{what}: post", None, None, "Angivet (kronor)", "Härlett (kronor)",
                                "Differens (kronor)", "Stämmer"]
        expected = sorted((t for t in rec.budget_rows if t.table == table_name), key=lambda t: t.row)
        assert [r[0] for r in got] == [t.row for t in expected]
        for r, t in zip(got, expected, strict=True):
            second = t.chapter or t.recipient
            assert (r[1], r[4], r[5], r[6], r[7]) == (f"{second}: {t.item}" if second else t.item, t.stated,
                                                      t.derived, 0, "ja")
            assert (r[8] is not None) == bool(t.subtotal_of)
        audited += got
    assert len(audited) == len(rec.budget_rows) == 22
    assert sum(1 for r in audited if r[8] == "Delsumma: 3 rader under.") == 2

    # The rounding rules: one column per compared column, Totalt included, one row per rule.
    headings, got = block(ws, "Avrundningsregler")
    assert headings[2:-1] == [rec.column_title(c) for c in rec.compared_columns]
    assert "Bilaga 3 Regioner totalt" in headings
    assert [r[0] for r in got[:-1]] == ["Jämförda belopp", "största rest", "Sainte-Laguës metod", "största rest"]
    assert [r[7] for r in got[1:-1]] == [r.exact for r in rec.rules]
    assert got[-1][0] == "Ingen av de jämförda reglerna återger alla 105 beloppen (bäst: 101)."


def test_cover_sheet(values: Any, alloc: godnaravard.Allocation) -> None:
    ag = alloc.agreement
    ws = values["Översikt"]
    assert ws["A1"].value == f"{ag.title} – fördelning – Enligt överenskommelsen"
    pairs = cover_pairs(ws)
    assert pairs["Överenskommelse"] == ag.full_title
    assert pairs["Undertecknad"] == ag.signed_text == "SKR 2023-12-15, Staten 2023-12-20"
    assert pairs["Dokument"] == ag.document and pairs["Avsnitt"] == ag.sections
    assert pairs["Verktyg"] == f"godnaravard {godnaravard.__version__}"
    assert isinstance(pairs["Skapad"], datetime)  # a real date, shown yyyy-mm-dd hh:mm
    assert pairs["Fördelning"].startswith("Enligt överenskommelsen")
    assert pairs["Avstämning i korthet"] == (
        "101 av 105 belopp lika med överenskommelsens tabeller, 105 inom 1 kr; alla kolumnsummor lika med "
        "budgetraderna: ja; angivna totaler som följer av posterna: 31 av 31; budgettabellens rader som följer av "
        "posterna: 22 av 22; se bladet Avstämning.")
    # It says that it recomputes, and that the exact figures are the tool's.
    assert "räknar Excel eller LibreOffice om varje tabell, total och diagram" in pairs["Arbetsboken räknar om"]
    assert pairs["Exakta belopp"].startswith("De exakta beloppen är verktygets")
    assert pairs["Ändrat i arbetsboken"] == "Inga parametrar ändrade sedan export."
    assert pairs["Modellens kontroller"] == "stämmer: varje budgetrad och del summerar exakt"
    assert "Scenario" not in pairs
    population = ag.data["population"]
    assert pairs[population.title].startswith(f"{population.label} ({population.date.isoformat()})")
    names = sheet_names(ag)
    # the contents: every sheet, a link to it (each sheet's own title and note say what it holds)
    links = {c.value: c.hyperlink.location for c in cells(ws) if c.hyperlink is not None}
    assert links == {name: f"'{name}'!A1" for name in names}


def test_pandas_reads_every_bilaga_as_integers(xlsx: Path, alloc: godnaravard.Allocation) -> None:
    ag = alloc.agreement
    # the table and its total row (below them, the check cells and notes)
    frames = pd.read_excel(xlsx, sheet_name=None, header=HEADER_ROW, nrows=len(alloc.rows) + 1)
    assert list(frames) == SHEETS_2024
    t = alloc.totals()
    for spec in ag.tables:
        if spec.name == "overview":
            continue
        frame = frames[spec.label]
        n = len(alloc.rows)
        data, total = frame.iloc[:n], frame.iloc[n]
        assert total.iloc[0] == "Totalt"
        for heading, name in shown_columns(ag, spec).items():
            if name not in (*ag.rules.amount_columns, *ag.rules.count_columns):
                continue
            assert str(data[heading].dtype) == "int64", (spec.label, heading)
            assert data[heading].tolist() == [r[name] for r in alloc.rows]
            assert total[heading] == t[name]
    assert frames["Bilaga 3"]["Region"].iloc[:21].tolist() == [r["region"] for r in alloc.rows]


def test_inputs_sheet_reads_back_as_input(xlsx: Path, alloc: godnaravard.Allocation) -> None:
    """The sheet Underlag is a valid population file and rural key: the same allocation again."""
    again = godnaravard.allocate(population=f"{xlsx}#Underlag", landsbygd=f"{xlsx}#Underlag")
    assert again.rows == alloc.rows


def test_swedish_throughout(values: Any, svf_xlsx: Path, whatif: Path) -> None:
    """No English sentence, and parameter keys only in the column Nyckel of Parametrar."""
    english = re.compile(r"\b(the|and|of|from|with|which|is|are|population|rural|key|weights?|every)\b")
    for wb in (values, _wb(svf_xlsx, data_only=True), _wb(whatif, data_only=True)):
        keys = set()
        for ws in wb.worksheets:
            if ws.title == "Parametrar":
                keys |= {c.value for c in ws["A"][FIRST - 1:] if isinstance(c.value, str) and "." in c.value}
        assert keys
        for sheet, coordinate, text in texts(wb):
            assert not english.search(text), f"{sheet}!{coordinate}: {text}"
            if sheet == "Parametrar" and coordinate.startswith("A"):
                continue
            for key in keys:
                assert key not in text, f"{sheet}!{coordinate}: {text}"
            snake = re.search(r"\b[a-z]+_[a-z_]+\b(?![.\w])", text)  # a key (a file name has its suffix)
            assert not snake or sheet == "Parametrar", f"{sheet}!{coordinate}: {text}"


# --------------------------------------------------------------------------------------------
# The SVF agreement: 18 regions, one line, no rural key, no budget items
# --------------------------------------------------------------------------------------------


def test_svf_workbook(svf_xlsx: Path, svf: godnaravard.Allocation) -> None:
    ag = svf.agreement
    wb = _wb(svf_xlsx, data_only=True)
    assert wb.sheetnames == SHEETS_SVF
    pairs = cover_pairs(wb["Översikt"])
    assert wb["Översikt"]["A1"].value == f"{ag.title} – fördelning – Enligt överenskommelsen"
    assert pairs["Överenskommelse"] == ag.full_title and "Undertecknad" not in pairs
    assert pairs["Anmärkning"] == ag.notes[0]
    assert pairs["Avstämning i korthet"].startswith("18 av 18 belopp lika")
    assert pairs["Modellens kontroller"].startswith("stämmer")

    ws = wb["Utbetalning 2"]
    assert ws["A1"].value == f'{ag.table("utbetalning2").title} – Enligt överenskommelsen'
    headings, rows, total = table(ws)
    # no printed layout in the definition: the table's columns, each share under its key's name, amounts in kronor
    assert headings == ["Kod", "Region", "Befolkning sep 2025", "Befolkningsandel", "Belopp (kronor)"]
    assert len(rows) == 18
    published = {p.code: p.amount for p in official_cells(ag)}
    for got, r in zip(rows, svf.rows, strict=True):
        assert got[0] == r["lan_code"] and got[1] == r["region"] and got[2] == r["population"]
        assert got[4] == r["svf"] == published[r["lan_code"]]
    assert total[2] == 9_699_964 and total[4] == 182_500_000 and total[3] == pytest.approx(1)
    assert _wb(svf_xlsx, data_only=False)["Utbetalning 2"][f"E{FIRST}"].value.startswith("='Delbelopp'!")

    per = wb["Per invånare"]
    headings, rows, total = table(per)
    assert headings == ["Region", "Befolkning sep 2025", "Belopp, kronor per invånare"]
    assert total[2] == pytest.approx(182_500_000 / 9_699_964)

    headings, rows, total = table(wb["Underlag"])
    assert headings == ["Länskod", "Län", "Region", "Befolkning sep 2025"]
    assert len(rows) == 18 and total[3] == 9_699_964

    params = {r[0]: r for r in wb["Parametrar"].iter_rows(min_row=FIRST, max_row=FIRST, values_only=True)}
    assert list(params) == ["svf.total"]
    assert params["svf.total"][1] == ag.parameter_info["svf.total"].label
    assert "svf_total" in wb.defined_names

    parts = wb["Delbelopp"]
    headings, lines = block(parts, "Budgetrader")
    assert [r[0] for r in lines] == ["Belopp"] and lines[0][headings.index("Kontroll")] == "stämmer"
    assert not any(text.startswith("Landsbygdsnyckel:") for _, text in labelled(parts))

    rec = wb["Avstämning"]
    summary = {r[0]: r[4] for r in rec.iter_rows(min_row=4, max_row=14, values_only=True)}
    assert summary["Jämförda belopp"] == 18 and summary["Exakt lika"] == 18
    assert summary["Angivna totaler som följer av posterna"] == "2 av 2"
    assert summary["Resultat"] == "stämmer" and "Budgettabellens rader som följer av posterna" not in summary
    assert not any(isinstance(c.value, str) and c.value.startswith("Rad i tabellen") for c in cells(rec))
    found = {t for _, _, t in texts(wb)}
    assert not any("landsbygd" in t.casefold() or "bilaga" in t.casefold() for t in found)
    for _, _, text in texts(wb):
        assert "2023" not in text and "2024" not in text


def test_svf_inputs_sheet_reads_back(svf_xlsx: Path, svf: godnaravard.Allocation) -> None:
    again = godnaravard.allocate(agreement=SVF, population=f"{svf_xlsx}#Underlag")
    assert again.rows == svf.rows


def test_svf_cli_export(tmp_path: Path) -> None:
    out = tmp_path / "svf.xlsx"
    proc = invoke("export", "--agreement", SVF, "--output", str(out))
    assert proc.exit_code == 0, proc.stderr
    assert f"{len(SHEETS_SVF)} sheets: {', '.join(SHEETS_SVF)}" in proc.stdout


# --------------------------------------------------------------------------------------------
# A scenario says so everywhere; the agreement as signed carries no scenario words
# --------------------------------------------------------------------------------------------


def test_scenario_words_in_every_sheet_title_and_header(whatif: Path) -> None:
    wb = _wb(whatif, data_only=True)
    assert wb.sheetnames == SHEETS_2024
    words = f"Scenario: {WHATIF_NAME} – {SCENARIO_WORDS}"
    for ws in wb.worksheets:
        # the title row's live status names the change; the scenario's words (text) are right under it
        assert ws["A1"].value.endswith(" – Ändrad i arbetsboken: Grundbelopp per region, ambulanssjukvård"), ws.title
        assert ws["A2"].value.startswith(words), ws.title
        assert ws.oddHeader.center.text is None, ws.title  # the header: the agreement and the sheet only
        assert str(ws.sheet_properties.tabColor.rgb).endswith("C00000"), ws.title
    cover = "\n".join(str(v) for r in wb["Översikt"].iter_rows(values_only=True) for v in r if v)
    assert "enligt överenskommelsen" not in cover.casefold() and "as signed" not in cover
    # the banner on the cover
    banner = wb["Översikt"]["A3"]
    # the title's note (A2) names the scenario; the banner says what its amounts are, in red and bold
    assert banner.value.startswith(SCENARIO_WORDS.capitalize() + ": beloppen visar") and banner.font.bold


def test_baseline_workbooks_carry_no_scenario_words(values: Any, svf_xlsx: Path) -> None:
    for wb in (values, _wb(svf_xlsx, data_only=True)):
        for sheet, coordinate, text in texts(wb):
            assert "scenario" not in text.casefold(), f"{sheet}!{coordinate}: {text}"
            assert SCENARIO_WORDS not in text
        for ws in wb.worksheets:
            header = " ".join(p.text or "" for p in (ws.oddHeader.left, ws.oddHeader.center, ws.oddHeader.right))
            assert "scenario" not in header.casefold() and SCENARIO_WORDS not in header
            assert ws.sheet_properties.tabColor is None


def test_export_name_names_the_scenario(tmp_path: Path) -> None:
    out = tmp_path / "named.xlsx"
    proc = invoke("export", "--set", "kommuner.andel_insatser=0.4", "--name", "Mer efter befolkning", "--output", out)
    assert proc.exit_code == 0, proc.stderr
    wb = _wb(out, data_only=True)
    words = f"Scenario: Mer efter befolkning – {SCENARIO_WORDS}"
    for ws in wb.worksheets:
        assert ws["A2"].value.startswith(words) and ws.oddHeader.center.text is None
    assert cover_pairs(wb["Översikt"])["Scenario"] == "Mer efter befolkning"
    # the agreement as signed has no scenario name to give
    out = tmp_path / "signed.xlsx"
    assert invoke("export", "--name", "ignoreras", "--output", out).exit_code == 0
    assert "ignoreras" not in "".join(t for _, _, t in texts(_wb(out, data_only=True)))


def test_own_input_file_is_named_in_every_sheet_title(tmp_path: Path) -> None:
    with data_file("population_2023.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    rows[0]["population"] = str(int(rows[0]["population"]) + 1000)
    own = tmp_path / "min_befolkning.csv"
    with own.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    alloc = godnaravard.allocate(population=own)
    assert not alloc.scenario.is_baseline and not alloc.scenario.changes()
    out = export_workbook(alloc, tmp_path / "own.xlsx")
    wb = _wb(out, data_only=True)
    for ws in wb.worksheets:
        assert ws["A1"].value.endswith(" – Ändrad i arbetsboken: egna indata")
        note = ws["A2"].value
        assert f"Scenario: egna indata – {SCENARIO_WORDS}" in note and f"egen fil population: {own}" in note
        assert ws.oddHeader.center.text is None
    pairs = cover_pairs(wb["Översikt"])
    assert pairs["Egna indatafiler"] == f"population: {own}"
    assert pairs[alloc.agreement.data["population"].title] == str(own)
    assert "enligt överenskommelsen" not in "\n".join(str(v) for v in pairs.values()).casefold()
    assert "indata som skiljer sig från tabellerna: 1" in pairs["Avstämning i korthet"]
    ws = wb["Avstämning"]
    summary = {r[0]: r[4] for r in ws.iter_rows(min_row=4, max_row=14, values_only=True)}
    assert summary["Indata som skiljer sig från tabellerna"] == 1 and summary["Resultat"] == "avvikelser"
    _, got = block(ws, "Indata som skiljer sig från överenskommelsens")
    population = int(rows[0]["population"])
    region = alloc.result.inputs.recipients[0]
    assert got == [["Bilaga 2, Bilaga 3", alloc.agreement.label("population"), region.code, region.name,
                    population - 1000, population, 1000, None, None]]


# --------------------------------------------------------------------------------------------
# Printing: A4 landscape at no less than 70 %, headers and footers, print areas, page breaks
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["baseline", "whatif", "svf"])
def test_every_sheet_prints_on_a4_landscape(which: str, xlsx: Path, whatif: Path, svf_xlsx: Path) -> None:
    path = {"baseline": xlsx, "whatif": whatif, "svf": svf_xlsx}[which]
    wb = _wb(path, data_only=False)
    title = load_agreement(SVF if which == "svf" else None).title
    for ws in wb.worksheets:
        setup = ws.page_setup
        assert setup.orientation == "landscape" and str(setup.paperSize) == "9", ws.title
        assert setup.scale is None or int(setup.scale) >= MIN_SCALE, (ws.title, setup.scale)
        assert not ws.sheet_properties.pageSetUpPr or not ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.print_area, ws.title
        assert ws.oddHeader.left.text == title and ws.oddHeader.right.text == "&A"
        assert ws.oddFooter.center.text == "Sida &P av &N"
        # one heading row repeats (print titles) where its table runs onto another page
        assert ws.print_title_rows is None or re.fullmatch(r"\$?(\d+):\$?\1", ws.print_title_rows), ws.title
        assert ws.oddHeader.center.text is None
    # the blocks of Delbelopp and Avstämning start pages of their own rather than split
    if which != "svf":
        assert len(wb["Delbelopp"].row_breaks.brk) >= 3
        assert len(wb["Avstämning"].row_breaks.brk) >= 3


# --------------------------------------------------------------------------------------------
# LibreOffice: recalculates every formula; prints every page; runs the live model
# --------------------------------------------------------------------------------------------

_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooSetupSystemLocale" oor:op="fuse">\
<value>sv-SE</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse">\
<value>0</value></prop></item>
</oor:items>
"""


def _soffice(files: list[Path], outdir: Path, home: Path, target: str) -> list[Path]:
    """Convert ``files`` in one LibreOffice run (headless, a private Swedish profile that recalculates every
    formula on load) to ``target`` (``xlsx``, ``pdf`` or a csv filter) in ``outdir``."""
    profile = home / "lo-profile"
    if not profile.exists():
        (profile / "user").mkdir(parents=True)
        (profile / "user" / "registrymodifications.xcu").write_text(_PROFILE, encoding="utf-8")
    outdir.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore", "--convert-to", target,
         "--outdir", str(outdir), *map(str, files)],
        capture_output=True, text=True, errors="replace", timeout=600,
        env={"HOME": str(home), "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8"},
    )
    assert proc.returncode == 0, proc.stderr
    suffix = target.split(":")[0]
    out = [outdir / f"{f.stem}.{suffix}" for f in files]
    missing = [p for p in out if not p.exists()]
    assert not missing, f"LibreOffice did not write {missing}: {proc.stdout} {proc.stderr}"
    return out


def _blank_cached_values(src: Path, dst: Path) -> int:
    """Copy the workbook with every formula's cached value set to 0 (so only a recalculation is right)."""
    n = 0
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                text, k = re.subn(r"(<f>[^<]*</f>)<v>[^<]*</v>", r"\1<v>0</v>", data.decode("utf-8"))
                n += k
                data = text.encode("utf-8")
            zout.writestr(item, data)
    return n


@pytest.mark.slow  # LibreOffice: the thorough run (.ci/run)
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_recalculates_to_the_same_figures(xlsx: Path, svf_xlsx: Path, alloc: godnaravard.Allocation,
                                                      svf: godnaravard.Allocation, tmp_path: Path) -> None:
    """With every cached value blanked, LibreOffice recalculates every formula of both workbooks to the tool's
    value (numbers exactly; the live notes' texts in its own locale)."""
    blanks = []
    for src in (xlsx, svf_xlsx):
        blank = tmp_path / f"blank_{src.name}"
        assert _blank_cached_values(src, blank) > 300
        blanks.append(blank)
    # Without recalculation the totals now read 0:
    assert _wb(blanks[0], data_only=True)["Bilaga 3"][f"E{FIRST + 21}"].value == 0
    outs = _soffice(blanks, tmp_path / "out", tmp_path, "xlsx")
    for src, out in zip((xlsx, svf_xlsx), outs, strict=True):
        cached, formulas, again = _wb(src, True), _wb(src, False), _wb(out, True)
        n = 0
        for ws in formulas.worksheets:
            for cell in cells(ws):
                if cell.data_type != "f":
                    continue
                want, got = cached[ws.title][cell.coordinate].value, again[ws.title][cell.coordinate].value
                if isinstance(want, str) and "FIXED(" in cell.value:
                    continue  # a live note: thousands written in LibreOffice's locale
                n += 1
                if isinstance(want, float):
                    assert got == pytest.approx(want, rel=1e-12, abs=1e-9), (ws.title, cell.coordinate)
                else:
                    assert got == want or (want in ("", None) and got in ("", None)), (ws.title, cell.coordinate,
                                                                                     cell.value, want, got)
        assert n > 300


def _random_sets(rng: random.Random, n: int) -> list[dict[str, int | Fraction]]:
    """``n`` random parameter sets of God och nära vård that the tool accepts, each with a new base amount
    for ambulans and a new share for the kommuner (to six decimals), most with other changes too."""
    base = load_agreement().parameters
    sets = []
    for _ in range(n):
        ambulans_total = rng.choice([base.amount("ambulans.total"), rng.randint(10_000_000, 200_000_000)])
        changes: dict[str, int | Fraction] = {
            "ambulans.total": ambulans_total,
            "ambulans.grundbelopp": rng.randint(0, ambulans_total // 21),
            "kommuner.andel_insatser": Fraction(rng.randint(0, 10**6), 10**6),
        }
        if rng.random() < 0.7:
            total = rng.randint(300_000_000, 5_000_000_000)
            changes["regioner.nara_vard_total"] = total
            changes["regioner.landsbygd_total"] = rng.randint(0, min(total, 900_000_000))
        if rng.random() < 0.7:
            changes["kommuner.total"] = rng.randint(1, 2_000_000_000)
        if rng.random() < 0.5:  # rural weights in proportion to 1/4/6: the only ones the shipped key allows
            k = Fraction(rng.randint(1, 3000), 1000)
            changes |= {"landsbygd.vikt.tatortsnara": k, "landsbygd.vikt.gles": 4 * k,
                        "landsbygd.vikt.mycket_gles": 6 * k}
        sets.append(changes)
    # Edge cases: a tie between the kommuner's two halves; no base amount; all by one key
    sets += [
        {"kommuner.total": 750_000_001, "kommuner.andel_insatser": Fraction(1, 2), "ambulans.grundbelopp": 0},
        {"ambulans.grundbelopp": 46_000_000 // 21, "kommuner.andel_insatser": Fraction(1),
         "regioner.landsbygd_total": 0},
        {"ambulans.grundbelopp": 1_000_000, "kommuner.andel_insatser": Fraction(0)},
    ]
    return sets


def _set_parameters(src: Path, dst: Path, changes: dict[str, int | Fraction]) -> None:
    """A copy of the workbook with parameters changed as a user would: the defined names' cells, via openpyxl."""
    wb = openpyxl.load_workbook(src)
    for key, value in changes.items():
        (sheet, coordinate), = wb.defined_names[key.replace(".", "_")].destinations
        wb[sheet][coordinate.replace("$", "")].value = value if isinstance(value, int) else float(value)
    wb.save(dst)


def assert_amounts_as_allocated(wb: Any, where: dict[tuple[str, str, int], str], rows: list[dict[str, str]],
                                *context: object) -> int:
    """Every amount cell ``where`` names (``amount_cells``) holds in ``wb`` (read with values) what
    ``allocate`` gave in ``rows``: the recipient's own amount, or the column's sum on the total row
    (index -1). ``context`` goes into the failure message; the number of cells compared is returned."""
    for (sheet, column, i), coordinate in where.items():
        want = sum(int(r[column]) for r in rows) if i < 0 else int(rows[i][column])
        assert wb[sheet][coordinate].value == want, (*context, sheet, column, i)
    return len(where)


def recalculated(cases: list[tuple[Path, dict[str, int | Fraction]]], tmp_path: Path) -> list[Path]:
    """Each workbook of ``cases`` with its parameters changed as a user would (``_set_parameters``),
    recalculated by LibreOffice in one run: the recalculated files, in the order of ``cases``."""
    files = []
    for i, (src, changes) in enumerate(cases):
        files.append(tmp_path / f"case{i:02d}.xlsx")
        _set_parameters(src, files[-1], changes)
    return _soffice(files, tmp_path / "out", tmp_path, "xlsx")


def assert_refused(out: Path, where: dict[tuple[str, str, int], str], column: str | None = None) -> None:
    """A recalculated workbook whose parameters the core refuses shows errors, never figures: every
    recipient's amount cell ``where`` names (of ``column``, or of every column) is ``#N/A``."""
    wb = _wb(out, data_only=True)
    refused = [wb[s][c].value for (s, col, i), c in where.items() if i >= 0 and column in (None, col)]
    assert refused and all(v == "#N/A" for v in refused), (out.name, column)


def _allocate_csv(changes: dict[str, int | Fraction], agreement: str | None = None) -> list[dict[str, str]]:
    """``godnaravard allocate --set KEY=VALUE … --format csv``, in process."""
    args = [a for k, v in changes.items() for a in ("--set", f"{k}={v}")]
    proc = invoke("allocate", *(("--agreement", agreement) if agreement else ()), *args, "--format", "csv")
    assert proc.exit_code == 0, proc.output
    return list(csv.DictReader(io.StringIO(proc.stdout)))


@pytest.mark.slow
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_live_model_recalculates_random_parameters_like_allocate(xlsx: Path, svf_xlsx: Path, tmp_path: Path) -> None:
    """Parameters changed in the file (at least 20 random sets, ambulans_grundbelopp and
    kommuner_andel_insatser in every one) and recalculated by LibreOffice give every amount of every bilaga,
    totals included, exactly as ``allocate --set``; every budget line's check cell still says it sums.
    Rural weights the shipped key cannot serve give errors and a check cell that says why, not figures."""
    ag = load_agreement()
    rng = random.Random(11)
    cases: list[tuple[Path, str | None, dict[str, int | Fraction]]] = []
    for changes in _random_sets(rng, 20):
        cases.append((xlsx, None, changes))
    cases += [(svf_xlsx, SVF, {"svf.total": rng.randint(0, 10**9)}) for _ in range(2)]
    refused = {"landsbygd.vikt.gles": 5}
    outs = recalculated([*((src, changes) for src, _, changes in cases), (xlsx, refused)], tmp_path)
    where = {None: amount_cells(_wb(xlsx, False), ag), SVF: amount_cells(_wb(svf_xlsx, False), load_agreement(SVF))}
    compared = 0
    for out, (_, agreement, changes) in zip(outs, cases, strict=False):
        expected = _allocate_csv(changes, agreement)
        wb = _wb(out, data_only=True)
        compared += assert_amounts_as_allocated(wb, where[agreement], expected, out.name, changes)
        headings, lines = block(wb["Delbelopp"], "Budgetrader")
        check = headings.index("Kontroll")
        assert [r[check] for r in lines] == ["stämmer"] * len(lines), (out.name, lines)
    assert compared >= 20 * 105 + 2 * 19
    # The refused weights: the tool refuses them, the workbook shows errors and says why.
    proc = invoke("allocate", "--set", "landsbygd.vikt.gles=5")
    assert proc.exit_code == 2 and "proportional" in proc.stderr
    wb = _wb(outs[-1], data_only=True)
    landsbygd = [wb[s][c].value for (s, column, i), c in where[None].items() if column == "landsbygd"]
    assert all(v == "#N/A" for v in landsbygd)
    checks = {r[0]: r[2] for r in wb["Parametrar"].iter_rows(values_only=True) if r[0]}
    assert checks["Landsbygdsnyckel: vikter"].startswith("fel: Landsbygdsnyckel anger för 20 av 21 mottagare")
    assert checks["Budgetrad: Nära vård"].startswith("fel")
    assert checks["Budgetrad: Ambulans"] == "stämmer"
    assert cover_pairs(wb["Översikt"])["Ändrat i arbetsboken"] == "1 parameter ändrad sedan export."


@pytest.mark.slow  # LibreOffice: the thorough run (.ci/run)
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_printed_pages_are_readable(xlsx: Path, whatif: Path, tmp_path: Path) -> None:
    """Rendered to PDF by LibreOffice, no text on any page of either workbook is smaller than 6 pt, every
    page has its header (the agreement and the sheet only) and footer, and only the what-if carries the
    scenario words."""
    pypdf = pytest.importorskip("pypdf")
    pdfs = _soffice([xlsx, whatif], tmp_path / "pdf", tmp_path, "pdf")
    words = f"Scenario: {WHATIF_NAME} – {SCENARIO_WORDS}"
    for pdf, scenario in zip(pdfs, (False, True), strict=True):
        reader = pypdf.PdfReader(pdf)
        sizes: list[float] = []

        def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float, sizes: list[float] = sizes
                  ) -> None:
            """The size of a text as printed: its font size times the scale of its matrices."""
            if text.strip():
                c, d = tm[2] * cm[0] + tm[3] * cm[2], tm[2] * cm[1] + tm[3] * cm[3]
                sizes.append(size * math.hypot(c, d))

        seen = False
        for n, page in enumerate(reader.pages, start=1):
            text = page.extract_text(visitor_text=visit)
            assert f"Sida {n} av {len(reader.pages)}" in text, (pdf.name, n)
            header = text.splitlines()[0]
            assert header.startswith("God och nära vård") and SCENARIO_WORDS not in header, (pdf.name, n, header)
            seen = seen or words in text
        assert seen == scenario, pdf.name  # the scenario's words are in its sheets, never in the headers
        assert min(sizes) >= 6, (pdf.name, min(sizes))
        assert len(reader.pages) < 60


# --------------------------------------------------------------------------------------------
# The command line
# --------------------------------------------------------------------------------------------


def test_cli_export_what_if(whatif: Path) -> None:
    expected = godnaravard.allocate(overrides={"ambulans.grundbelopp": 1_000_000})
    wb = _wb(whatif, data_only=True)

    cover = [c.value for c in cells(wb["Översikt"]) if isinstance(c.value, str)]
    pairs = cover_pairs(wb["Översikt"])
    assert pairs["Ändringar mot överenskommelsen"].startswith("1 parameter")
    assert pairs["Scenario"] == WHATIF_NAME
    # The table of changes follows the line that counts them, on the first page with the banner.
    rows = [[c.value for c in r] for r in wb["Översikt"].iter_rows(max_col=4)]
    at = next(i for i, r in enumerate(rows) if r[0] == "Ändringar mot överenskommelsen")
    assert rows[at + 1] == ["Parameter", "Överenskommelsen", "Detta scenario", "Källa"]
    assert rows[at + 2][:3] == ["Grundbelopp per region, ambulanssjukvård", "500 000 kr", "1 000 000 kr"]
    assert at < 20
    assert "Grundbelopp per region, ambulanssjukvård" in cover and "ambulans.grundbelopp" not in cover
    assert "500 000 kr" in cover and "1 000 000 kr" in cover
    note = "Grundbelopp per region, ambulanssjukvård 500 000 kr → 1 000 000 kr"
    for sheet in wb.sheetnames:
        assert note in wb[sheet]["A2"].value, sheet

    ws = wb["Parametrar"]
    headings = [c.value for c in ws[HEAD]]
    n = len(expected.scenario.parameters.as_dict())
    rows = {r[0]: r for r in ws.iter_rows(min_row=FIRST, max_row=FIRST + n - 1, values_only=True)}
    row = rows["ambulans.grundbelopp"]
    assert row[col(headings, "Värde")] == 1_000_000
    assert row[col(headings, "Överenskommelsens värde")] == 500_000
    assert row[col(headings, "Ändrad")] == "ja"
    assert row[col(headings, "Källa")] == "angiven vid export (värde 1000000)"
    assert [r[col(headings, "Ändrad")] for k, r in rows.items() if k != "ambulans.grundbelopp"] == [None] * 18

    headings, got, total = table(wb["Bilaga 3"])
    j = col(headings, "Ambulans (kronor)")
    assert [g[j] for g in got] == [r["ambulans"] for r in expected.rows]
    assert total[j] == 46_000_000
    # a what-if gets the rule alone: the signed table's krona is not added, and its footnote says so
    note = next(c.value for c in wb["Bilaga 3"]["A"] if isinstance(c.value, str) and c.value.startswith("1) "))
    assert "beloppen ovan följer regeln" in note and "Region Sörmland -1 kr" in note
    rec = wb["Avstämning"]
    assert SCENARIO_WORDS in rec["A2"].value
    summary = {r[0]: r[4] for r in rec.iter_rows(min_row=4, max_row=14, values_only=True)}
    assert summary["Resultat"] == "avvikelser" and summary["Kolumnsummor lika med budgetraden"] == "ja"
    assert summary["Största avvikelse (kronor)"] == -1_942_496
    got = _cell_rows(rec)
    stockholm = next(r for r in got if r[1] == expected.agreement.label("ambulans") and r[2] == "01")
    assert stockholm[8] == "andra parametrar/indata"  # one line: not the rounding, no note


EVIL = '=HYPERLINK("evil.example","klicka")'


def test_formula_injection_is_written_as_text(tmp_path: Path) -> None:
    """Text from input data that looks like a formula stays text, wherever it appears.

    Input validation lets such text through in: län and region names that still name their län
    ("-Stockholm"), file names (given relative to the working directory, so the path shown
    starts with "="), and a scenario file's name, description and parameter sources.
    """
    with data_file("population_2023.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    rows[0]["lan"] = "-Stockholm"
    rows[1]["region"] = "-Region Uppsala"
    pop_name = EVIL + ".csv"
    with (tmp_path / pop_name).open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    scenario = tmp_path / "evil.toml"
    scenario.write_text(
        "name = '=1+1'\n"
        "description = '+SUM(1,2)'\n"
        "base = '2024'\n"
        "[parameters]\n"
        "'ambulans.grundbelopp' = { value = 600000, source = '@SUM(A1:A2)' }\n",
        encoding="utf-8",
    )
    out = tmp_path / "evil.xlsx"
    proc = invoke(
        "export", "--scenario", "evil.toml", "--population", pop_name, "--output", "evil.xlsx", cwd=tmp_path
    )
    assert proc.exit_code == 0, proc.stderr

    wb = _wb(out, data_only=False)
    exact = {"-Stockholm", "-Region Uppsala", pop_name, "@SUM(A1:A2)"}
    found: dict[str, int] = {}
    n_formulas = 0
    for ws in wb.worksheets:
        for cell in cells(ws):
            if cell.data_type == "f":
                n_formulas += 1
                for bad in ("HYPERLINK", "evil", "1+1", "SUM(1,2)", "A1:A2", "Stockholm", "Uppsala"):
                    assert bad not in cell.value, f"{ws.title}!{cell.coordinate}: {cell.value}"
            elif isinstance(cell.value, str):
                assert cell.data_type == "s"
                if cell.value in exact:
                    found[cell.value] = found.get(cell.value, 0) + 1
    assert n_formulas > 1000
    assert set(found) == exact, found
    assert found["-Stockholm"] >= 2  # Bilaga 2, Underlag
    assert found["-Region Uppsala"] >= 4  # Bilaga 3, Per invånare, Underlag, Delbelopp (every part)
    pairs = cover_pairs(_wb(out, data_only=True)["Översikt"])
    ag = load_agreement()
    assert pairs[ag.data["population"].title] == pop_name
    assert pairs["Scenario"] == "=1+1 – +SUM(1,2)"
    for ws in _wb(out, data_only=True).worksheets:
        assert f"Scenario: =1+1 – {SCENARIO_WORDS} (egen fil population: {pop_name})" in ws["A2"].value
        assert ws.oddHeader.center.text is None
    with zipfile.ZipFile(out) as zf:
        sheets_xml = "".join(zf.read(n).decode() for n in zf.namelist() if n.startswith("xl/worksheets/"))
        strings = zf.read("xl/sharedStrings.xml").decode()
    assert "HYPERLINK" not in sheets_xml  # only in the shared strings, as text
    assert '<t>=HYPERLINK("evil.example","klicka").csv</t>' in strings


def test_cli_refuses_to_clobber_and_replaces_with_force(tmp_path: Path) -> None:
    out = tmp_path / "out.xlsx"
    out.write_bytes(b"precious")
    proc = invoke("export", "--output", str(out))
    assert proc.exit_code == 2
    assert "already exists" in proc.stderr and "--force" in proc.stderr
    assert out.read_bytes() == b"precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.xlsx"]

    proc = invoke("export", "--output", str(out), "--force")
    assert proc.exit_code == 0, proc.stderr
    assert zipfile.is_zipfile(out)
    assert _wb(out, data_only=True)["Bilaga 3"][f"E{FIRST + 21}"].value == 2_466_000_000
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.xlsx"]


def test_cli_failed_write_leaves_nothing(tmp_path: Path) -> None:
    blocker = tmp_path / "a_file"
    blocker.write_text("not a directory", encoding="utf-8")
    for target in (blocker / "out.xlsx", tmp_path / "missing_dir" / "out.xlsx"):
        proc = invoke("export", "--output", str(target), "--force")
        assert proc.exit_code == 2
        assert proc.stderr.startswith("godnaravard: error: cannot write")
        assert "nothing was written" in proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a_file"]
    assert blocker.read_text(encoding="utf-8") == "not a directory"


def test_cli_bad_input_writes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "pop.csv"
    bad.write_text(
        "lan_code,lan,region,population,hsl_insatser\n01,Stockholm,Region Stockholm,many,1\n",
        encoding="utf-8",
    )
    proc = invoke("export", "--population", str(bad), "--output", str(tmp_path / "out.xlsx"))
    assert proc.exit_code == 2
    assert "pop.csv" in proc.stderr
    assert not (tmp_path / "out.xlsx").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pop.csv"]


def test_cli_requires_xlsx_suffix(tmp_path: Path) -> None:
    proc = invoke("export", "--output", str(tmp_path / "out.csv"))
    assert proc.exit_code == 2
    assert ".xlsx" in proc.stderr
    assert list(tmp_path.iterdir()) == []


def test_cli_help_lists_export() -> None:
    proc = invoke("--help")
    assert proc.exit_code == 0
    assert "export" in proc.stdout
