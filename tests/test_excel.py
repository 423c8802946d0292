"""The Excel workbook (``godnaravard export``): every amount and total read back equals the tool's.

Read back three ways: openpyxl with the cached values (``data_only=True``) and with the formulas,
pandas, and LibreOffice (which recalculates every formula and exports each sheet as CSV). Both
shipped agreements are exported; every sheet, title and heading comes from the agreement.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
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
from godnaravard.excel import HEADER_ROW, export_workbook, sheet_names  # noqa: E402
from godnaravard.excel.reconciliation import explanation  # noqa: E402
from godnaravard.reference import official_cells, stated_totals  # noqa: E402
from godnaravard.resources import data_file, source_of  # noqa: E402

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


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def table(ws: Any, head: int = HEAD) -> tuple[list[str], list[list[Any]], list[Any]]:
    """Headings, data rows and the total row of the table whose headings are on row ``head``."""
    headings = [c.value for c in ws[head]]
    rows: list[list[Any]] = []
    for values in ws.iter_rows(min_row=head + 1, values_only=True):
        if values[0] in ("Totalt", "Riket"):
            return headings, rows, list(values)
        if values[0] is None:
            break
        rows.append(list(values))
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


def _wb(path: Path, data_only: bool) -> Any:
    return openpyxl.load_workbook(path, data_only=data_only)


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
    n = 0
    for name in values.sheetnames:
        for cell in cells(formulas[name]):
            if cell.data_type == "f":
                n += 1
                cached = values[name][cell.coordinate].value
                assert cached is not None, f"{name}!{cell.coordinate} {cell.value} has no cached value"
                assert isinstance(cached, (int, float)), f"{name}!{cell.coordinate}: {cached!r}"
    assert n > 100


def test_totals_are_live_sum_formulas(formulas: Any) -> None:
    for name, columns in (("Bilaga 2", "CDEFG"), ("Bilaga 3", "CDEFG"), ("Bilaga 4", "CDE")):
        ws = formulas[name]
        headings, rows, total = table(ws)
        total_row = FIRST + len(rows)
        for letter in columns:
            cell = ws[f"{letter}{total_row}"]
            assert cell.value == f"=SUM({letter}{FIRST}:{letter}{total_row - 1})", (name, letter)
    # A table's Totalt column adds the columns it sums
    assert formulas["Bilaga 3"][f"G{FIRST}"].value == f"=E{FIRST}+F{FIRST}"


def test_amounts_are_numbers_with_a_thousands_format(formulas: Any) -> None:
    ws = formulas["Bilaga 3"]
    headings, rows, total = table(ws)
    for r in range(FIRST, FIRST + len(rows) + 1):
        for letter in "EFG":
            cell = ws[f"{letter}{r}"]
            assert cell.data_type in ("n", "f")
            assert cell.number_format == "#,##0"
    for r in range(FIRST, FIRST + len(rows)):
        assert isinstance(ws[f"E{r}"].value, int)
    shares = formulas["Bilaga 2"]
    assert shares[f"D{FIRST}"].number_format == "0.0%"
    assert shares[f"F{FIRST}"].number_format == "0.0%"
    assert shares[f"D{FIRST}"].value == f"=C{FIRST}/C${FIRST + 21}"


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
    for name in ("Bilaga 2", "Bilaga 3", "Bilaga 4", "Avsnitt 11", "Parametrar", "Underlag", "Delbelopp"):
        ws = formulas[name]
        pane = ws.freeze_panes
        assert pane is not None and int(re.sub(r"[A-Z]", "", pane)) == FIRST, (name, pane)
        assert ws.column_dimensions["A"].width > 8
    assert formulas["Avstämning"].freeze_panes is not None
    assert formulas["Bilaga 3"].column_dimensions["B"].width >= len("Region Jämtland Härjedalen")


def test_native_chart_on_per_capita_sheet(xlsx: Path, alloc: godnaravard.Allocation, values: Any,
                                          formulas: Any) -> None:
    ag = alloc.agreement
    with zipfile.ZipFile(xlsx) as zf:
        charts = [n for n in zf.namelist() if n.startswith("xl/charts/chart")]
        assert charts, "no chart in the workbook"
        xml = zf.read(charts[0]).decode("utf-8")
    assert "<c:barChart>" in xml
    assert "'Per invånare'!$A$5:$A$25" in xml
    ws = values["Per invånare"]
    headings, rows, total = table(ws)
    overview = [c for c in ag.table("overview").columns if c in ag.rules.amount_columns]
    assert overview == ["nara_vard", "landsbygd", "ambulans", "regioner_totalt", "kommuner"]
    assert headings == ["Region", "Befolkning 1 nov 2023", *(f"{ag.label(c)}, kronor per invånare" for c in overview)]
    t = alloc.totals()
    for name in overview:
        j = col(headings, f"{ag.label(name)}, kronor per invånare")
        for got, r in zip(rows, alloc.rows, strict=True):
            assert got[0] == r["region"]
            assert got[j] == pytest.approx(r[name] / r["population"])
        assert total[j] == pytest.approx(t[name] / t["population"])
    # formulas on the table sheets
    assert formulas["Per invånare"][f"C{FIRST}"].value == f"=IF(B{FIRST}>0,'Bilaga 3'!E{FIRST}/B{FIRST},0)"
    # the chart stacks the budget lines, which never overlap
    assert xml.count("<c:ser>") == 3


# --------------------------------------------------------------------------------------------
# Round trip: every amount and total equals allocate()
# --------------------------------------------------------------------------------------------


def test_bilaga2_round_trip(values: Any, alloc: godnaravard.Allocation) -> None:
    headings, rows, total = table(values["Bilaga 2"])
    assert headings == [
        "Länskod",
        "Län",
        "Befolkning 1 nov 2023",
        "andel",
        "Antal individer med insatser",
        "andel",
        "Kommuner via RSS (bilaga 2)",
    ]
    assert values["Bilaga 2"]["A1"].value == alloc.agreement.table("bilaga2").title
    t = alloc.totals()
    assert len(rows) == len(alloc.rows) == 21
    for got, r in zip(rows, alloc.rows, strict=True):
        assert got[:2] == [r["lan_code"], r["lan"]]
        assert got[2] == r["population"]
        assert got[3] == pytest.approx(r["population"] / t["population"])
        assert got[4] == r["hsl_insatser"]
        assert got[5] == pytest.approx(r["hsl_insatser"] / t["hsl_insatser"])
        assert got[6] == r["kommuner"] and isinstance(got[6], int)
    assert total[2:] == [t["population"], 1, t["hsl_insatser"], 1, t["kommuner"]]
    assert t["kommuner"] == alloc.scenario.parameters.amount("kommuner.total") == 750_000_000


def test_bilaga3_round_trip(values: Any, alloc: godnaravard.Allocation) -> None:
    headings, rows, total = table(values["Bilaga 3"])
    assert headings == [
        "Länskod",
        "Region",
        "Befolkning 1 nov 2023",
        "andel",
        "Nära vård (bilaga 3)",
        "Ambulans (bilaga 3)",
        "Regioner totalt (bilaga 3)",
    ]
    for got, r in zip(rows, alloc.rows, strict=True):
        assert got[:3] + got[4:] == [r["lan_code"], r["region"], r["population"], r["nara_vard"], r["ambulans"],
                                     r["regioner_totalt"]]
    t = alloc.totals()
    assert total[2:3] + total[4:] == [t["population"], t["nara_vard"], t["ambulans"], t["regioner_totalt"]]
    assert total[4:] == [2_420_000_000, 46_000_000, 2_466_000_000]


def test_bilaga4_round_trip(values: Any, alloc: godnaravard.Allocation) -> None:
    headings, rows, total = table(values["Bilaga 4"])
    assert headings == ["Länskod", "Region", "därav landsbygd (bilaga 4)", "Viktad landsbygdsbefolkning", "andel"]
    w = alloc.result.part("nara_vard", "landsbygd").weights
    for got, r in zip(rows, alloc.rows, strict=True):
        assert got[0] == r["lan_code"]
        assert got[2] == r["landsbygd"]
        assert got[3] == w[r["lan_code"]]
    assert total[2] == alloc.totals()["landsbygd"] == 300_000_000
    assert total[3] == sum(w.values()) == 4_902_449
    assert total[4] == pytest.approx(1)
    note = values["Bilaga 4"]["A2"].value
    assert "Primärvård i landsbygd" in note and "1 / 4 / 6" in note


def test_budget_round_trip(values: Any, alloc: godnaravard.Allocation) -> None:
    ws = values["Avsnitt 11"]
    assert ws["A1"].value == alloc.agreement.budget_title
    headings = [c.value for c in ws[HEAD]]
    assert headings[:6] == ["Avsnitt", "Insats", "Mottagare", "Betalas av", "Belopp (kronor)", "Fördelas i"]
    lines = alloc.result.budget
    for i, ln in enumerate(lines):
        got = [c.value for c in ws[FIRST + i]]
        assert got[:5] == [
            ln.chapter,
            ln.item,
            ln.recipient,
            {"staten": "Staten", "regionerna": "Regionerna"}[ln.payer],
            ln.amount,
        ]
        assert got[5] == (ln.allocated_in or "–")
    labelled = {
        row[1]: row[4] for row in ws.iter_rows(min_row=FIRST + len(lines), values_only=True) if row[1]
    }
    derived = core.derived_totals(alloc.scenario.parameters, alloc.totals())
    assert labelled["Totalt – Statens andel av överenskommelsen"] == derived["s11_1_statens_andel"]
    assert labelled["Totalt – Regionernas andel av överenskommelsen"] == derived["s11_1_regionernas_andel"]
    assert labelled["Totalt"] == derived["s11_1_total"] == 3_430_250_000
    assert labelled["Staten till Regionerna"] == derived["s13_1_regionerna"]
    assert labelled["Staten till Kommunerna"] == derived["s13_1_kommunerna"]
    assert labelled["Staten till SKR"] == derived["s13_1_skr"]


def test_parts_round_trip(values: Any, alloc: godnaravard.Allocation) -> None:
    ws = values["Delbelopp"]
    headings = [c.value for c in ws[HEAD]]
    by_part: dict[str, dict[str, int]] = {}
    sums: dict[str, int] = {}
    for row in ws.iter_rows(min_row=FIRST, values_only=True):
        if row[0] is None:
            continue
        if row[0].startswith("Summa: "):
            sums[row[0].removeprefix("Summa: ")] = row[col(headings, "Avrundat (kronor)")]
        else:
            by_part.setdefault(row[0], {})[row[1]] = row[col(headings, "Avrundat (kronor)")]
    res = alloc.result
    expected = {
        f"{line.label}: {part.label}": res.part(line.name, part.name)
        for line in res.rules.lines
        for part in line.parts
    }
    assert set(expected) == {
        "Nära vård: Primärvård i landsbygd", "Nära vård: Efter befolkning", "Ambulans: Efter befolkning",
        "Kommuner via RSS: Efter HSL-insatser", "Kommuner via RSS: Efter befolkning",
    }
    assert set(by_part) == set(expected)
    for label, part in expected.items():
        assert by_part[label] == dict(part.amounts)
        assert sums[label] == part.total
    assert "grundbelopp 500 000 kr per region" in ws["A2"].value


def test_parameters_sheet(values: Any, alloc: godnaravard.Allocation) -> None:
    ws = values["Parametrar"]
    ag = alloc.agreement
    headings = [c.value for c in ws[HEAD]]
    assert headings[0] == "Nyckel"
    params = alloc.scenario.parameters.as_dict()
    rows = {r[0]: r for r in ws.iter_rows(min_row=FIRST, values_only=True) if r[0]}
    assert list(rows) == list(params)
    for key, value in params.items():
        row = rows[key]
        info = ag.parameter_info[key]
        assert row[col(headings, "Parameter")] == info.label
        assert row[col(headings, "Enhet")] == info.unit
        assert row[col(headings, "Värde")] == pytest.approx(float(value))
        assert row[col(headings, "Källa")] == alloc.scenario.sources[key] == info.source
        assert row[col(headings, "Ändrad")] is None
        if info.kind == "amount":
            assert row[col(headings, "Värde")] == value and isinstance(row[col(headings, "Värde")], int)
        else:
            assert Fraction(row[col(headings, "Exakt värde")]) == value
    assert rows["kommuner.andel_insatser"][col(headings, "Exakt värde")] == "1/2"


def test_inputs_sheet_with_sources(values: Any, alloc: godnaravard.Allocation) -> None:
    ws = values["Underlag"]
    headings, rows, total = table(ws)
    assert headings[:5] == ["Länskod", "Län", "Region", "Befolkning 1 nov 2023", "Antal individer med insatser"]
    keys = {k.lan_code: k for k in alloc.result.inputs.rural_key}
    for got, r in zip(rows, alloc.rows, strict=True):
        assert got[:5] == [r["lan_code"], r["lan"], r["region"], r["population"], r["hsl_insatser"]]
        assert got[col(headings, "Viktad summa (referensvikter)")] == keys[r["lan_code"]].vagd_summa
        status = got[col(headings, "Landsbygdsnyckel: status")]
        assert status == ("kategorier kända" if keys[r["lan_code"]].categories_known else "endast viktad summa")
    assert total[3] == 10_557_682 and total[4] == 416_151
    text = [c.value for c in cells(ws) if isinstance(c.value, str)]
    for name in ("population_2023.csv", "landsbygd_weights.csv"):
        assert source_of(name)["title"] in text
        assert f"data/{name} (levereras med verktyget)" in text
    for d in alloc.agreement.data.values():
        assert f"Källa: {d.title}" in text and d.source in text and d.date.isoformat() in text


def _block(ws: Any, heading: str) -> tuple[list[Any], list[list[Any]]]:
    """The headings and rows of the table on the sheet whose label (bold, column A) starts with ``heading``."""
    label = next(c.row for c in ws["A"] if isinstance(c.value, str) and c.value.startswith(heading) and c.font.bold)
    headings = [c.value for c in ws[label + 1]]
    while headings and headings[-1] is None:
        headings.pop()
    rows = []
    for values in ws.iter_rows(min_row=label + 2, values_only=True):
        if values[0] is None and values[1] is None:
            break
        rows.append(list(values))
    return headings, rows


def test_reconciliation_sheet(values: Any, alloc: godnaravard.Allocation) -> None:
    """Every published cell, the Totalt column of bilaga 3 included, against the computed one."""
    ag = alloc.agreement
    published = official_cells(ag)
    ws = values["Avstämning"]
    head = next(c.row for c in ws["A"] if c.value == "Tabell" and c.font.bold)
    headings, rows, total = table(ws, head)
    assert len(rows) == len(published) == 105
    assert {p.column for p in published} == {"kommuner", "nara_vard", "ambulans", "regioner_totalt", "landsbygd"}
    deviating = 0
    for got, p in zip(rows, published, strict=True):
        computed = alloc.result.amount(p.column, p.lan_code)
        assert got[0] == p.bilaga and got[1] == ag.label(p.column) and got[2] == p.lan_code
        assert got[col(headings, "Officiellt (kronor)")] == p.amount
        assert got[col(headings, "Beräknat (kronor)")] == computed
        assert got[col(headings, "Avvikelse (kronor)")] == computed - p.amount
        reason = got[col(headings, "Förklaring")]
        assert (reason is None) == (computed == p.amount)
        if reason:
            deviating += 1
            assert "utjämningskrona" in reason
    assert deviating == 4  # Sörmland and Västra Götaland, Ambulans and Totalt
    summary = {r[0]: r[4] for r in ws.iter_rows(min_row=4, max_row=12, values_only=True)}
    assert summary["Jämförda belopp"] == 105
    assert summary["Exakt lika"] == 101
    assert summary["Inom 1 kr"] == 105
    assert abs(summary["Största avvikelse (kronor)"]) == 1
    assert summary["Kolumnsummor lika med budgetraden"] == "ja"
    stated = stated_totals(ag)
    assert summary["Angivna totaler som följer av posterna"] == f"{len(stated)} av {len(stated)}"
    assert summary["Budgettabellens rader som följer av posterna"] == "22 av 22"
    assert summary["Resultat"] == "stämmer"
    ids = {r[1]: r for r in ws.iter_rows(values_only=True) if r[1] in {s[0] for s in stated}}
    assert set(ids) == {s[0] for s in stated}
    for sid, _section, _statement, amount in stated:
        assert ids[sid][4:7] == (amount, amount, 0)
        assert ids[sid][2] == "ja"
    assert "egna parametrar" in ws["A2"].value


def test_reconciliation_sheet_renders_check(values: Any, alloc: godnaravard.Allocation) -> None:
    """The sheet is ``check.reconcile`` in Swedish: same cells, same verdicts, the budget table's rows,
    each deviating cell explained from check's facts (never check's English)."""
    rec = reconcile(alloc)
    ws = values["Avstämning"]
    head = next(c.row for c in ws["A"] if c.value == "Tabell" and c.font.bold)
    headings, rows, _ = table(ws, head)
    why = col(headings, "Förklaring")
    assert len(rows) == len(rec.cells)
    for got, cell in zip(rows, rec.cells, strict=True):
        assert (got[0], got[2], got[4], got[5]) == (cell.bilaga, cell.lan_code, cell.official, cell.computed)
        assert got[why] == (explanation(rec, cell) or None)
    by_cell = {(r[1], r[2]): r[why] for r in rows if r[why]}
    sormland = by_cell[(alloc.agreement.label("ambulans"), "04")]
    assert sormland.startswith("Ambulans, efter befolkning: exakt 1 016 511,4842 kr, rest 0,4842, plats 10 av 21 "
                               "bland resterna med 10 utjämningskronor att fördela: fick en utjämningskrona;")
    assert "ger en krona mindre än verktygets regel (största rest)" in sormland
    assert "med Sainte-Laguës metod blir det den publicerade tabellens belopp" in sormland
    totalt = by_cell[(alloc.agreement.label("regioner_totalt"), "14")]
    assert totalt.startswith("Regioner totalt (bilaga 3) är summan av Nära vård (bilaga 3) och Ambulans (bilaga 3); "
                             "Ambulans (bilaga 3) skiljer sig från den publicerade tabellen med -1 kr")
    assert "fick ingen utjämningskrona" in totalt and "skiljer sig på samma sätt" in totalt
    english = ("balancing", "remainder ", "rank ", "official", "the sum of", "rule")
    for cell in cells(ws):
        if isinstance(cell.value, str):
            assert not any(word in cell.value for word in english), f"{cell.coordinate}: {cell.value}"

    # The budget table: every row check audits, in the order the table prints them.
    title = alloc.agreement.budget_title
    audited = []
    for table_name, per, what in (("by_chapter", "per kapitel", "Kapitel"), ("by_recipient", "per mottagare",
                                                                             "Mottagare")):
        headings, got = _block(ws, f"{title}, {per}:")
        assert headings[:7] == ["Rad i tabellen", what, "Stämmer", "Post", "Angivet (kronor)", "Härlett (kronor)",
                                "Differens (kronor)"]
        expected = sorted((t for t in rec.budget_rows if t.table == table_name), key=lambda t: t.row)
        assert [r[0] for r in got] == [t.row for t in expected]
        for r, t in zip(got, expected, strict=True):
            assert (r[1], r[2], r[3], r[4], r[5], r[6]) == (t.chapter or t.recipient, "ja", t.item, t.stated,
                                                            t.derived, 0)
            assert (r[8] is not None) == bool(t.subtotal_of)
        audited += got
    assert len(audited) == len(rec.budget_rows) == 22
    assert sum(1 for r in audited if r[8] == "Delsumma av de 3 raderna närmast under.") == 2

    # The rounding rules: one column per compared column, Totalt included, one row per rule.
    headings, got = _block(ws, "Avrundningsregler")
    assert headings[2:-1] == [rec.column_title(c) for c in rec.compared_columns]
    assert "Bilaga 3 Regioner totalt" in headings
    assert [r[0] for r in got[:-1]] == ["Jämförda belopp", "största rest (largest_remainder)",
                                        "Sainte-Laguës metod (sainte_lague)", "största rest (largest_remainder)"]
    assert [r[7] for r in got[1:-1]] == [r.exact for r in rec.rules]
    assert got[-1][0] == "Ingen av de jämförda reglerna återger alla 105 beloppen (bäst: 101)."


def test_cover_sheet(values: Any, alloc: godnaravard.Allocation) -> None:
    ag = alloc.agreement
    ws = values["Översikt"]
    assert ws["A1"].value == f"{ag.title} – fördelning"
    pairs = cover_pairs(ws)
    assert pairs["Överenskommelse"] == ag.full_title
    assert pairs["Undertecknad"] == ag.signed_text == "SKR 2023-12-15, Staten 2023-12-20"
    assert pairs["Dokument"] == ag.document and pairs["Avsnitt"] == ag.sections
    assert pairs["Verktyg"] == f"godnaravard {godnaravard.__version__}"
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", pairs["Skapad"])
    assert pairs["Fördelning"].startswith("Enligt överenskommelsen")
    assert pairs["Avstämning i korthet"] == (
        "101 av 105 belopp lika med överenskommelsens tabeller, 105 inom 1 kr; alla kolumnsummor lika med "
        "budgetraderna: ja; angivna totaler som följer av posterna: 31 av 31; budgettabellens rader som följer av "
        "posterna: 22 av 22; se bladet Avstämning.")
    assert "Scenario" not in pairs
    population = ag.data["population"]
    assert pairs[population.title].startswith(f"{population.label} ({population.date.isoformat()})")
    names = sheet_names(ag)
    for name, line in names.items():
        assert pairs[name] == line
    # the contents entries link to their sheets
    links = {c.value: c.hyperlink.location for c in cells(ws) if c.hyperlink is not None}
    assert links == {name: f"'{name}'!A1" for name in names}


def test_pandas_reads_every_bilaga_as_integers(xlsx: Path, alloc: godnaravard.Allocation) -> None:
    ag = alloc.agreement
    frames = pd.read_excel(xlsx, sheet_name=None, header=HEADER_ROW)
    assert list(frames) == SHEETS_2024
    t = alloc.totals()
    for spec in ag.tables:
        if spec.name == "overview":
            continue
        frame = frames[spec.label]
        data, total = frame.iloc[:-1], frame.iloc[-1]
        assert total.iloc[0] == "Totalt"
        for name in spec.columns:
            if name not in (*ag.rules.amount_columns, *ag.rules.count_columns):
                continue
            heading = ag.label(name)
            assert str(frame[heading].dtype) == "int64", (spec.label, heading)
            assert data[heading].tolist() == [r[name] for r in alloc.rows]
            assert total[heading] == t[name]
    assert frames["Bilaga 3"]["Region"].iloc[:-1].tolist() == [r["region"] for r in alloc.rows]


def test_inputs_sheet_reads_back_as_input(xlsx: Path, alloc: godnaravard.Allocation) -> None:
    """The sheet Underlag is a valid population file and rural key: the same allocation again."""
    again = godnaravard.allocate(population=f"{xlsx}#Underlag", landsbygd=f"{xlsx}#Underlag")
    assert again.rows == alloc.rows


# --------------------------------------------------------------------------------------------
# The SVF agreement: 18 regions, one line, no rural key, no budget items
# --------------------------------------------------------------------------------------------


def test_svf_workbook(svf_xlsx: Path, svf: godnaravard.Allocation) -> None:
    ag = svf.agreement
    wb = _wb(svf_xlsx, data_only=True)
    assert wb.sheetnames == SHEETS_SVF
    pairs = cover_pairs(wb["Översikt"])
    assert wb["Översikt"]["A1"].value == f"{ag.title} – fördelning"
    assert pairs["Överenskommelse"] == ag.full_title and "Undertecknad" not in pairs
    assert pairs["Anmärkning"] == ag.notes[0]
    assert pairs["Avstämning i korthet"].startswith("18 av 18 belopp lika")

    ws = wb["Utbetalning 2"]
    assert ws["A1"].value == ag.table("utbetalning2").title
    headings, rows, total = table(ws)
    assert headings == ["Kod", "Region", "Befolkning sep 2025", "andel", "Belopp"]
    assert len(rows) == 18
    published = {p.lan_code: p.amount for p in official_cells(ag)}
    for got, r in zip(rows, svf.rows, strict=True):
        assert got[0] == r["lan_code"] and got[1] == r["region"] and got[2] == r["population"]
        assert got[4] == r["svf"] == published[r["lan_code"]]
    assert total[2] == 9_699_964 and total[4] == 182_500_000 and total[3] == pytest.approx(1)

    per = wb["Per invånare"]
    headings, rows, total = table(per)
    assert headings == ["Region", "Befolkning sep 2025", "Belopp, kronor per invånare"]
    assert total[2] == pytest.approx(182_500_000 / 9_699_964)

    headings, rows, total = table(wb["Underlag"])
    assert headings == ["Länskod", "Län", "Region", "Befolkning sep 2025"]
    assert len(rows) == 18 and total[3] == 9_699_964

    params = {r[0]: r for r in wb["Parametrar"].iter_rows(min_row=FIRST, values_only=True) if r[0]}
    assert list(params) == ["svf.total"]
    assert params["svf.total"][1] == ag.parameter_info["svf.total"].label

    rec = wb["Avstämning"]
    summary = {r[0]: r[4] for r in rec.iter_rows(min_row=4, max_row=12, values_only=True)}
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


def test_scenario_words_in_every_sheet_title(whatif: Path) -> None:
    wb = _wb(whatif, data_only=True)
    assert wb.sheetnames == SHEETS_2024
    words = f"Scenario: ambulans.grundbelopp=1000000 – {SCENARIO_WORDS}"
    for ws in wb.worksheets:
        assert words in ws["A1"].value, ws.title
    cover = "\n".join(str(v) for r in wb["Översikt"].iter_rows(values_only=True) for v in r if v)
    assert "enligt överenskommelsen" not in cover.casefold() and "as signed" not in cover


def test_baseline_workbooks_carry_no_scenario_words(values: Any, svf_xlsx: Path) -> None:
    for wb in (values, _wb(svf_xlsx, data_only=True)):
        for sheet, coordinate, text in texts(wb):
            assert "scenario" not in text.casefold(), f"{sheet}!{coordinate}: {text}"
            assert SCENARIO_WORDS not in text


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
        title = ws["A1"].value
        assert f"Scenario: egna indata – {SCENARIO_WORDS}" in title and f"egen fil population: {own}" in title
    pairs = cover_pairs(wb["Översikt"])
    assert pairs["Egna indatafiler"] == f"population: {own}"
    assert pairs[alloc.agreement.data["population"].title] == str(own)
    assert "enligt överenskommelsen" not in "\n".join(str(v) for v in pairs.values()).casefold()
    assert "indata som skiljer sig från tabellerna: 1" in pairs["Avstämning i korthet"]
    ws = wb["Avstämning"]
    summary = {r[0]: r[4] for r in ws.iter_rows(min_row=4, max_row=12, values_only=True)}
    assert summary["Indata som skiljer sig från tabellerna"] == 1 and summary["Resultat"] == "avvikelser"
    _, got = _block(ws, "Indata som skiljer sig från överenskommelsens")
    population = int(rows[0]["population"])
    region = alloc.result.inputs.regions[0]
    assert got == [["Bilaga 2, Bilaga 3", alloc.agreement.label("population"), region.lan_code, region.region,
                    population - 1000, population, 1000, None, None]]


# --------------------------------------------------------------------------------------------
# LibreOffice: recalculates every formula and exports every sheet
# --------------------------------------------------------------------------------------------

_RECALC_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse">\
<value>0</value></prop></item>
</oor:items>
"""


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


def _soffice_csv(xlsx: Path, outdir: Path, home: Path, names: list[str]) -> dict[str, list[list[str]]]:
    """Every sheet of ``xlsx`` as CSV rows, via LibreOffice headless with a private profile."""
    profile = home / "lo-profile"
    (profile / "user").mkdir(parents=True)
    (profile / "user" / "registrymodifications.xcu").write_text(_RECALC_PROFILE, encoding="utf-8")
    filter_ = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"
    proc = subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            filter_,
            "--outdir",
            str(outdir),
            str(xlsx),
        ],
        capture_output=True,
        text=True,
        errors="replace",
        timeout=180,
        env={"HOME": str(home), "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8"},
    )
    assert proc.returncode == 0, proc.stderr
    out = {}
    for name in names:
        path = outdir / f"{xlsx.stem}-{name}.csv"
        assert path.exists(), f"LibreOffice did not export sheet {name}: {proc.stdout} {proc.stderr}"
        with path.open(encoding="utf-8", newline="") as fh:
            out[name] = list(csv.reader(fh))
    return out


def _lo_table(rows: list[list[str]]) -> tuple[list[str], list[list[str]], list[str]]:
    headings = rows[HEADER_ROW]
    data = []
    for row in rows[HEADER_ROW + 1 :]:
        if row[0] == "Totalt":
            return headings, data, row
        data.append(row)
    raise AssertionError("no total row")


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_recalculates_to_the_same_figures(
    xlsx: Path, alloc: godnaravard.Allocation, tmp_path: Path
) -> None:
    blank = tmp_path / "blank.xlsx"
    assert _blank_cached_values(xlsx, blank) > 100
    # Without recalculation the totals now read 0:
    assert _wb(blank, data_only=True)["Bilaga 3"][f"E{FIRST + 21}"].value == 0

    sheets = _soffice_csv(blank, tmp_path / "csv", tmp_path, SHEETS_2024)
    t = alloc.totals()

    headings, rows, total = _lo_table(sheets["Bilaga 2"])
    assert [int(r[6]) for r in rows] == [r["kommuner"] for r in alloc.rows]
    assert [int(r[2]) for r in rows] == [r["population"] for r in alloc.rows]
    assert [int(total[i]) for i in (2, 4, 6)] == [t["population"], t["hsl_insatser"], t["kommuner"]]
    assert float(rows[0][3].rstrip("%")) / 100 == pytest.approx(alloc.rows[0]["population"] / t["population"])

    headings, rows, total = _lo_table(sheets["Bilaga 3"])
    assert [[r[1], int(r[2]), *map(int, r[4:7])] for r in rows] == [
        [r["region"], r["population"], r["nara_vard"], r["ambulans"], r["regioner_totalt"]] for r in alloc.rows
    ]
    assert [int(total[2]), *(int(x) for x in total[4:7])] == [
        t["population"],
        t["nara_vard"],
        t["ambulans"],
        t["regioner_totalt"],
    ]

    headings, rows, total = _lo_table(sheets["Bilaga 4"])
    assert [int(r[2]) for r in rows] == [r["landsbygd"] for r in alloc.rows]
    assert int(total[2]) == t["landsbygd"] and int(total[3]) == 4_902_449

    a11 = {r[1]: r[4] for r in sheets["Avsnitt 11"] if len(r) > 4 and r[1]}
    derived = core.derived_totals(alloc.scenario.parameters, t)
    assert int(a11["Totalt – Statens andel av överenskommelsen"]) == derived["s11_1_statens_andel"]
    assert int(a11["Totalt"]) == derived["s11_1_total"]
    assert int(a11["Staten till Regionerna"]) == derived["s13_1_regionerna"]

    summary = {r[0]: r[4] for r in sheets["Avstämning"][3:9]}
    assert int(summary["Exakt lika"]) == 101 and int(summary["Inom 1 kr"]) == 105

    per = {r[0]: r for r in sheets["Per invånare"]}
    assert float(per["Riket"][5].replace(",", ".")) == pytest.approx(t["regioner_totalt"] / t["population"])


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_recalculates_the_svf_workbook(svf_xlsx: Path, svf: godnaravard.Allocation,
                                                   tmp_path: Path) -> None:
    blank = tmp_path / "blank_svf.xlsx"
    assert _blank_cached_values(svf_xlsx, blank) > 40
    sheets = _soffice_csv(blank, tmp_path / "csv", tmp_path, SHEETS_SVF)
    headings, rows, total = _lo_table(sheets["Utbetalning 2"])
    assert [int(r[4]) for r in rows] == [r["svf"] for r in svf.rows]
    assert int(total[2]) == 9_699_964 and int(total[4]) == 182_500_000
    per = {r[0]: r for r in sheets["Per invånare"]}
    assert float(per["Riket"][2].replace(",", ".")) == pytest.approx(182_500_000 / 9_699_964)
    summary = {r[0]: r[4] for r in sheets["Avstämning"][3:9]}
    assert int(summary["Exakt lika"]) == 18


# --------------------------------------------------------------------------------------------
# The command line
# --------------------------------------------------------------------------------------------


def test_cli_export_what_if(whatif: Path) -> None:
    expected = godnaravard.allocate(overrides={"ambulans.grundbelopp": 1_000_000})
    wb = _wb(whatif, data_only=True)

    cover = [c.value for c in cells(wb["Översikt"]) if isinstance(c.value, str)]
    pairs = cover_pairs(wb["Översikt"])
    assert pairs["Ändringar mot överenskommelsen"].startswith("1 parameter")
    assert pairs["Scenario"] == "ambulans.grundbelopp=1000000"
    assert "ambulans.grundbelopp" in cover
    assert "500 000 kr" in cover and "1 000 000 kr" in cover
    note = "ambulans.grundbelopp 500 000 kr → 1 000 000 kr"
    for sheet in wb.sheetnames:
        assert note in wb[sheet]["A2"].value, sheet

    ws = wb["Parametrar"]
    headings = [c.value for c in ws[HEAD]]
    rows = {r[0]: r for r in ws.iter_rows(min_row=FIRST, values_only=True) if r[0]}
    row = rows["ambulans.grundbelopp"]
    assert row[col(headings, "Värde")] == 1_000_000
    assert row[col(headings, "Överenskommelsens värde")] == 500_000
    assert row[col(headings, "Ändrad")] == "ja"
    assert "--set" in row[col(headings, "Källa")]
    assert [r[col(headings, "Ändrad")] for k, r in rows.items() if k != "ambulans.grundbelopp"] == [None] * 18

    headings, got, total = table(wb["Bilaga 3"])
    j = col(headings, "Ambulans (bilaga 3)")
    assert [g[j] for g in got] == [r["ambulans"] for r in expected.rows]
    assert total[j] == 46_000_000
    rec = wb["Avstämning"]
    assert "inte den överenskomna fördelningen" in rec["A2"].value
    summary = {r[0]: r[4] for r in rec.iter_rows(min_row=4, max_row=12, values_only=True)}
    assert summary["Resultat"] == "avvikelser" and summary["Kolumnsummor lika med budgetraden"] == "ja"
    assert summary["Största avvikelse (kronor)"] == -1_942_496
    head = next(c.row for c in rec["A"] if c.value == "Tabell" and c.font.bold)
    headings, got, _ = table(rec, head)
    stockholm = next(r for r in got if r[1] == expected.agreement.label("ambulans") and r[2] == "01")
    assert stockholm[col(headings, "Förklaring")].endswith(
        "det beräknade beloppet skiljer sig från den publicerade tabellen med -1 942 496 kr, mer än en "
        "utjämningskrona kan flytta ett belopp: parametrarna eller indata skiljer sig från tabellens, inte "
        "avrundningen.")


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
    assert n_formulas > 100
    assert set(found) == exact, found
    assert found["-Stockholm"] >= 3  # Bilaga 2, Underlag, Delbelopp
    assert found["-Region Uppsala"] >= 3  # Bilaga 3, Per invånare, Underlag
    pairs = cover_pairs(_wb(out, data_only=True)["Översikt"])
    ag = load_agreement()
    assert pairs[ag.data["population"].title] == pop_name
    assert pairs["Scenario"] == "=1+1 – +SUM(1,2)"
    for ws in wb.worksheets:
        assert f"Scenario: =1+1 – {SCENARIO_WORDS} (egen fil population: {pop_name})" in ws["A1"].value
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
    assert _wb(out, data_only=True)["Bilaga 3"][f"G{FIRST + 21}"].value == 2_466_000_000
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
