"""The bilaga sheets as signed (issue 16): the signed tables' 105 cells, their layout, and the workbook's honesty.

Read back with openpyxl (the cached values the tool wrote) and after LibreOffice recalculated every
formula: the agreement as signed shows the signed figures (the Ambulans krona of bilaga 3 included)
and says "Enligt överenskommelsen"; a parameter or a count changed in the workbook gives the rule's
figures (those of ``allocate --set``) and names what changed; set back, the signed figures return.
"""

from __future__ import annotations

import csv
import shutil
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

openpyxl = pytest.importorskip("openpyxl")

import godnaravard  # noqa: E402
from godnaravard.agreements import Agreement, load_agreement  # noqa: E402
from godnaravard.excel import HEADER_ROW, export_workbook  # noqa: E402
from godnaravard.excel.context import AS_SIGNED, CHANGED, SIGNED, STATUS  # noqa: E402
from godnaravard.reference import official_cells  # noqa: E402

HEAD = HEADER_ROW + 1
FIRST = HEAD + 1
SOFFICE = shutil.which("soffice")
AMBULANS = "Grundbelopp per region, ambulanssjukvård"


@pytest.fixture(scope="module")
def signed_xlsx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bilagor") / "signed.xlsx"
    return export_workbook(godnaravard.allocate(), path)


@pytest.fixture(scope="module")
def whatif_xlsx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bilagor") / "whatif.xlsx"
    return export_workbook(godnaravard.allocate(overrides={"ambulans.grundbelopp": 1_000_000}), path)


def _sheet_table(ws: Any) -> tuple[list[str], list[list[Any]], list[Any]]:
    """Headings, data rows and the total row of a bilaga sheet."""
    headings = [c.value for c in ws[HEAD] if c.value is not None]
    rows = []
    for values in ws.iter_rows(min_row=FIRST, values_only=True):
        if values[0] == "Totalt":
            return headings, rows, list(values[: len(headings)])
        rows.append(list(values[: len(headings)]))
    raise AssertionError(f"{ws.title}: no Totalt row")


def signed_cells(path: Path, ag: Agreement | None = None) -> dict[tuple[str, str, str], Any]:
    """Every cell of the signed tables as the workbook at ``path`` shows it: (bilaga, column, code) → value.
    ``ag``: the agreement whose headings the workbook shows (an own file's dated or "egen fil" ones)."""
    ag = ag or load_agreement()
    wb = openpyxl.load_workbook(path, data_only=True)
    codes = [r.code for r in godnaravard.allocate().result.inputs.recipients]
    out = {}
    for spec in ag.tables:
        if not spec.printed:
            continue
        headings, rows, _ = _sheet_table(wb[spec.label])
        for pc in spec.printed:
            if pc.column is None:
                continue
            j = headings.index(pc.heading)
            for code, row in zip(codes, rows, strict=True):
                out[(spec.label, pc.column, code)] = row[j]
    return out


def _official() -> dict[tuple[str, str, str], int]:
    return {(c.bilaga, c.column, c.code): c.amount for c in official_cells(load_agreement())}


def test_the_105_signed_cells_as_values(signed_xlsx: Path) -> None:
    """Every figure of bilaga 2, 3 and 4 as signed stands in the workbook, under the signed table's heading."""
    official = _official()
    assert len(official) == 105
    shown = signed_cells(signed_xlsx)
    assert {k: shown[k] for k in official} == official


def test_bilaga_headings_order_and_shares_as_signed(signed_xlsx: Path) -> None:
    """Exactly the printed columns, in order; the shares of bilaga 2 show as the signed table prints them
    (one decimal), with a "%" format; every table ends with Totalt, then its footnotes and source line."""
    ag = load_agreement()
    wb = openpyxl.load_workbook(signed_xlsx, data_only=True)
    formulas = openpyxl.load_workbook(signed_xlsx)
    for spec in ag.tables:
        if not spec.printed:
            continue
        ws = wb[spec.label]
        headings, rows, total = _sheet_table(ws)
        assert headings == [pc.heading for pc in spec.printed], spec.label
        assert total[0] == spec.total_label
        for j, pc in enumerate(spec.printed):
            if pc.share is not None:
                fmt = formulas[spec.label].cell(FIRST, j + 1).number_format
                assert fmt == "0." + "0" * pc.decimals + "%"
                assert total[j] == 1
        below = [c.value for c in ws["A"][FIRST + len(rows):] if isinstance(c.value, str)]
        for text in (*spec.footnotes, *([spec.source_line] if spec.source_line else [])):
            assert text in below, (spec.label, text)
        assert not any("Länskod" in h or h == "andel" for h in headings)
    # the printed shares, as the signed table rounds them
    path = ag.path.parent / "official" / "bilaga2_kommuner.csv"
    with path.open(encoding="utf-8") as fh:
        printed = list(csv.DictReader(fh))
    headings, rows, _ = _sheet_table(wb["Bilaga 2"])
    pop, ins = headings.index("Andel befolkning"), headings.index("Andel insatser* per län")
    for row, signed in zip(rows, printed, strict=True):
        assert f"{row[pop] * 100:.1f}".replace(".", ",") == signed["population_share_pct_printed"]
        assert f"{row[ins] * 100:.1f}".replace(".", ",") == signed["hsl_insatser_share_pct_printed"]


def test_status_cells_and_defined_names(signed_xlsx: Path, whatif_xlsx: Path) -> None:
    """``som_undertecknad`` and ``arbetsbokens_status`` are defined names on Parametrar; the status reads
    "Enligt överenskommelsen" for the agreement as signed and names the changed parameter otherwise."""
    for path, signed, status in ((signed_xlsx, True, AS_SIGNED), (whatif_xlsx, False, CHANGED + AMBULANS)):
        formulas = openpyxl.load_workbook(path)
        values = openpyxl.load_workbook(path, data_only=True)
        (sheet, coord), = formulas.defined_names[SIGNED].destinations
        assert sheet == "Parametrar" and values[sheet][coord.replace("$", "")].value is signed
        (sheet, coord), = formulas.defined_names[STATUS].destinations
        assert values[sheet][coord.replace("$", "")].value == status
        assert formulas[sheet][coord.replace("$", "")].value.startswith(f"=IF({SIGNED},")


def test_every_input_cell_of_parametrar_is_validated(signed_xlsx: Path) -> None:
    """Each parameter's value cell has a data validation of its kind and a Swedish input message."""
    params = godnaravard.allocate().scenario.parameters
    formulas = openpyxl.load_workbook(signed_xlsx)
    ws = formulas["Parametrar"]
    rules = {str(cell): dv for dv in ws.data_validations.dataValidation for cell in dv.sqref}
    for key in params.as_dict():
        (_, coord), = formulas.defined_names[key.replace(".", "_")].destinations
        dv = rules[coord.replace("$", "")]
        kind = params.kind(key)
        assert dv.type == {"amount": "whole", "share": "decimal"}.get(kind, "decimal"), key
        assert dv.operator == ("greaterThanOrEqual" if kind == "weight" else None), key  # None: between
        assert float(dv.formula1) == 0
        if kind == "share":
            assert float(dv.formula2) == 1
        assert dv.showInputMessage and dv.prompt and "Skriv" in dv.prompt, key
        assert dv.showErrorMessage and dv.error, key


def test_no_command_line_words_in_the_workbook(signed_xlsx: Path, whatif_xlsx: Path) -> None:
    """The bilagor and Parametrar speak to a reader, not to a shell: no ``--set`` nor ``godnaravard check``."""
    for path in (signed_xlsx, whatif_xlsx):
        wb = openpyxl.load_workbook(path, data_only=True)
        for ws in (wb["Bilaga 2"], wb["Bilaga 3"], wb["Bilaga 4"], wb["Parametrar"]):
            for row in ws.iter_rows(values_only=True):
                for v in row:
                    if isinstance(v, str):
                        assert "--set" not in v and "godnaravard check" not in v, (ws.title, v)


# --------------------------------------------------------------------------------------------
# After LibreOffice recalculates


def _set(src: Path, dst: Path, params: dict[str, int | Fraction | str], underlag: dict[str, int] | None = None
         ) -> Path:
    """A copy of the workbook with parameters (by defined name; a text is typed, ``=1/3``) and Underlag cells
    changed, as a user would."""
    wb = openpyxl.load_workbook(src)
    for key, value in params.items():
        (sheet, coord), = wb.defined_names[key.replace(".", "_")].destinations
        wb[sheet][coord.replace("$", "")].value = value if isinstance(value, (int, str)) else float(value)
    for coord, value in (underlag or {}).items():
        wb["Underlag"][coord].value = value
    wb.save(dst)
    return dst


def _status(path: Path) -> str:
    wb = openpyxl.load_workbook(path, data_only=True)
    (sheet, coord), = openpyxl.load_workbook(path).defined_names[STATUS].destinations
    return str(wb[sheet][coord.replace("$", "")].value)


@pytest.mark.slow
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_recalculated_signed_and_what_if(signed_xlsx: Path, whatif_xlsx: Path, tmp_path: Path) -> None:
    """LibreOffice recalculates: the agreement as signed keeps its 105 signed cells and its status; a
    parameter changed in the workbook gives ``allocate --set``'s figures (the rule, no adjustment) and the
    status names it; a what-if set back to the signed value shows the signed cells again; a count
    changed on Underlag is named too."""
    from test_excel import _soffice

    underlag = openpyxl.load_workbook(signed_xlsx)["Underlag"]
    hsl_cell = next(c.coordinate for c in underlag[FIRST] if c.value == 24_975)  # Stockholm's HSL-insatser
    files = [
        _set(signed_xlsx, tmp_path / "same.xlsx", {}),
        _set(signed_xlsx, tmp_path / "changed.xlsx", {"ambulans.grundbelopp": 1_000_000}),
        _set(whatif_xlsx, tmp_path / "back.xlsx", {"ambulans.grundbelopp": 500_000}),
        _set(signed_xlsx, tmp_path / "counts.xlsx", {}, {hsl_cell: 24_976}),
        _set(signed_xlsx, tmp_path / "third.xlsx", {"kommuner.andel_insatser": "=1/3"}),
    ]
    same, changed, back, counts, third = _soffice(files, tmp_path / "out", tmp_path, "xlsx")
    official = _official()
    for out in (same, back):
        shown = signed_cells(out)
        assert {k: shown[k] for k in official} == official, out.name
        assert _status(out) == AS_SIGNED, out.name
    rule = godnaravard.allocate(overrides={"ambulans.grundbelopp": 1_000_000})
    shown = signed_cells(changed)
    by_code = {r["lan_code"]: r for r in rule.rows}
    for (bilaga, column, code), value in shown.items():
        if column in rule.agreement.rules.amount_columns:
            assert value == by_code[code][column], (bilaga, column, code)
    assert _status(changed) == CHANGED + AMBULANS
    assert _status(counts) == CHANGED + "indata på bladet Underlag"
    # with a count changed (one Ambulans does not use), the rule applies: Sörmland's Ambulans is the rule's
    assert signed_cells(counts)[("Bilaga 3", "ambulans", "04")] == 1_516_512
    # a share typed as =1/3 is read to six decimals, and its check says so, in red ("fel")
    params = openpyxl.load_workbook(third, data_only=True)["Parametrar"]
    row = next(r for r in params.iter_rows(min_row=FIRST, values_only=True) if r[0] == "kommuner.andel_insatser")
    assert row[4] == "333333/1000000" and row[7].startswith("fel: fler än 6 decimaler")


def test_a_printed_layout_with_shares_of_columns_not_shown(tmp_path: Path) -> None:
    """A user's printed layout may show a share without its column (read from Underlag) and a share of an
    amount; each is its value over the column's total, in per cent with the decimals asked for."""
    import dataclasses

    from godnaravard.agreements import PrintedColumn

    ag = load_agreement()
    printed = (PrintedColumn("Län", column="lan"), PrintedColumn("Andel befolkning", share="population", decimals=2),
               PrintedColumn("Andel av medlen", share="kommuner", decimals=0),
               PrintedColumn("Medel (kronor)", column="kommuner"))
    tables = tuple(dataclasses.replace(t, printed=printed, footnotes=(), source_line="Källa: en egen tabell")
                   if t.name == "bilaga2" else t for t in ag.tables)
    alloc = godnaravard.allocate(agreement=dataclasses.replace(ag, tables=tables))
    path = export_workbook(alloc, tmp_path / "own.xlsx")
    values = openpyxl.load_workbook(path, data_only=True)["Bilaga 2"]
    formulas = openpyxl.load_workbook(path)["Bilaga 2"]
    headings, rows, total = _sheet_table(values)
    assert headings == ["Län", "Andel befolkning", "Andel av medlen", "Medel (kronor)"]
    t = alloc.totals()
    for got, r in zip(rows, alloc.rows, strict=True):
        assert got[0] == r["lan"] and got[3] == r["kommuner"]
        assert got[1] == pytest.approx(r["population"] / t["population"])
        assert got[2] == pytest.approx(r["kommuner"] / t["kommuner"])
    assert total == ["Totalt", 1, 1, t["kommuner"]]
    assert "'Underlag'!" in formulas.cell(FIRST, 2).value and formulas.cell(FIRST, 2).number_format == "0.00%"
    assert formulas.cell(FIRST, 3).value == f"=IF(D${FIRST + 21}>0,D{FIRST}/D${FIRST + 21},0)"
    assert formulas.cell(FIRST, 3).number_format == "0%"
    assert "Källa: en egen tabell" in [c.value for c in values["A"]]


def test_restating_the_signed_values_is_the_agreement_as_signed(tmp_path: Path) -> None:
    """Parameters given at export that equal the signed ones are the agreement as signed: the signed figures,
    the status "Enligt överenskommelsen" and som_undertecknad TRUE, as for the plain export."""
    alloc = godnaravard.allocate(overrides={"ambulans.grundbelopp": 500_000, "kommuner.andel_insatser": "1/2"})
    assert alloc.as_signed
    path = export_workbook(alloc, tmp_path / "restated.xlsx")
    official = _official()
    shown = signed_cells(path)
    assert {k: shown[k] for k in official} == official
    assert _status(path) == AS_SIGNED


@pytest.mark.slow
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@example(base=500_000, share=Fraction(1, 2))
@given(base=st.integers(min_value=0, max_value=2_000_000), share=st.fractions(min_value=0, max_value=1,
                                                                               max_denominator=1000))
def test_cached_figures_are_the_rule_unless_as_signed(tmp_path: Path, base: int, share: Fraction) -> None:
    """For any grundbelopp and share, the workbook's cached figures are ``allocate``'s, the signed table's
    krona is in them exactly when the parameters are the signed ones, and the status says which."""
    alloc = godnaravard.allocate(overrides={"ambulans.grundbelopp": base, "kommuner.andel_insatser": share})
    path = export_workbook(alloc, tmp_path / f"case-{base}-{share.numerator}-{share.denominator}.xlsx",
                           force=True)
    shown = signed_cells(path)
    by_code = {r["lan_code"]: r for r in alloc.rows}
    for (_, column, code), value in shown.items():
        if column in alloc.agreement.rules.amount_columns:
            assert value == by_code[code][column]
    rule = alloc.result.rule_amount("ambulans", "04")
    assert shown[("Bilaga 3", "ambulans", "04")] == rule - (1 if alloc.as_signed else 0)
    assert (_status(path) == AS_SIGNED) == alloc.as_signed


@pytest.mark.parametrize("overrides", [{}, {"ambulans.grundbelopp": 1_000_000, "kommuner.andel_insatser": "2/5"}])
def test_the_workbook_prints_what_allocate_table_prints(tmp_path: Path, overrides: dict[str, Any]) -> None:
    """Each bilaga sheet shows the cells of ``allocate --table NAME`` (``printed.printed_table``): the same
    headings, names, counts and kronor, and the same shares to the decimals shown."""
    from godnaravard.printed import printed_table

    alloc = godnaravard.allocate(overrides=overrides)
    path = export_workbook(alloc, tmp_path / "wb.xlsx")
    wb = openpyxl.load_workbook(path, data_only=True)
    for spec in alloc.agreement.tables:
        if not spec.printed:
            continue
        table = printed_table(alloc, spec.name)
        headings, rows, total = _sheet_table(wb[spec.label])
        assert headings == [c.heading for c in table.columns]
        for got, want in zip([*rows, total], [*table.rows, table.total], strict=True):
            for g, w, column in zip(got, want, table.columns, strict=True):
                if isinstance(w, Fraction):
                    shown = round(Fraction(g).limit_denominator(10**12) * 100, column.decimals)
                    assert shown == round(w, column.decimals), (spec.label, column.heading)  # w in per cent
                else:
                    assert g == w, (spec.label, column.heading)


def test_own_files_count_as_signed_only_when_they_are_the_agreements_data(tmp_path: Path) -> None:
    """An own population file with the agreement's rows is the agreement as signed (the signed figures and
    status); one with a count changed is "egna indata", the rule's figures, and som_undertecknad FALSE."""
    from godnaravard.resources import data_file

    same = tmp_path / "same.csv"
    same.write_bytes(data_file("population_2023.csv").read_bytes())
    with same.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    rows[0]["hsl_insatser"] = str(int(rows[0]["hsl_insatser"]) + 1)
    other = tmp_path / "other.csv"
    with other.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    for path, signed in ((same, True), (other, False)):
        alloc = godnaravard.allocate(population=path)
        assert alloc.as_signed is signed
        out = export_workbook(alloc, tmp_path / f"{path.stem}.xlsx")
        assert _status(out) == (AS_SIGNED if signed else CHANGED + "egna indata")
        assert signed_cells(out, alloc.agreement)[("Bilaga 3", "ambulans", "04")] == (1_516_511 if signed else 1_516_512)
        assert "Befolkning (egen fil)" in [c.value for c in openpyxl.load_workbook(out)["Bilaga 3"][HEAD]]
        formulas = openpyxl.load_workbook(out)
        (sheet, coord), = formulas.defined_names[SIGNED].destinations
        assert openpyxl.load_workbook(out, data_only=True)[sheet][coord.replace("$", "")].value is signed
