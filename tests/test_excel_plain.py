"""``diff --output FILE.xlsx`` and ``sweep --output FILE.xlsx`` (``excel.plain``), read back with openpyxl (issue 18 §4)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from _cli import invoke

from godnaravard.excel.plain import MAX_ROWS, Column, check_size, write_plain

DIFF = ("diff", "2024", "--set", "ambulans.grundbelopp=1000000", "--set", "kommuner.andel_insatser=1/3")
SWEEP = ("sweep", "--vary", "ambulans.grundbelopp=0:2000000:1000000", "--vary", "kommuner.andel_insatser=0,1/4")


def _sheet(path: Path, name: str) -> tuple[list[tuple[Any, ...]], Any]:
    wb = openpyxl.load_workbook(path)
    ws = wb[name]
    return [tuple(r) for r in ws.iter_rows(values_only=True)], ws


def _same(value: Any, text: str) -> bool:
    """A cell read back equals the CSV's text: None is empty, a whole number its digits, a decimal
    the same number (Excel keeps 0.0 as 0), text the same text (as a text cell)."""
    if value is None:
        return text == ""
    if isinstance(value, bool):
        return False
    if isinstance(value, int) and "." not in text:
        return str(value) == text
    if isinstance(value, (int, float)):
        return Decimal(repr(value)).quantize(Decimal("0.0001")) == Decimal(text)
    return bool(value == text)


def _equal_to_csv(rows: list[tuple[Any, ...]], text: str) -> None:
    expected = list(csv.reader(io.StringIO(text, newline="")))
    assert len(rows) == len(expected)
    for got, want in zip(rows, expected, strict=True):
        assert len(got) == len(want) and all(_same(v, t) for v, t in zip(got, want, strict=True)), (got, want)


def test_diff_workbook_equals_the_csv(tmp_path: Path) -> None:
    out = tmp_path / "d.xlsx"
    proc = invoke(*DIFF, "--output", out)
    assert proc.exit_code == 0, proc.output
    assert proc.stdout.startswith(f"wrote {out} (sheet Jämförelse: ")
    rows, ws = _sheet(out, "Jämförelse")
    _equal_to_csv(rows, invoke(*DIFF, "--format", "csv").stdout)
    # Kronor are numbers with a thousands separator, decimals numbers with 4 places; the heading row frozen.
    header = rows[0]
    a, pct, code = header.index("a") + 1, header.index("diff_percent") + 1, header.index("lan_code") + 1
    assert isinstance(ws.cell(2, a).value, int) and ws.cell(2, a).number_format == "#,##0"
    assert isinstance(ws.cell(2, pct).value, (int, float)) and ws.cell(2, pct).number_format == "#,##0.0000"
    assert ws.cell(2, code).value == "01" and ws.cell(2, code).data_type == "s"
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == f"A1:M{len(rows)}"
    assert ws.cell(1, 1).font.b and all(ws.column_dimensions[c].width >= 8 for c in "ABCDEFGHIJKLM")
    about, _ = _sheet(out, "Om tabellen")
    assert about[0][0] == "God och nära vård 2024: B − A per region"
    assert any(r[0] == "B" and "ambulans.grundbelopp=1000000" in r[1] for r in about if r[1])


def test_diff_output_csv_uses_sep_and_refuses_what_it_cannot_write(tmp_path: Path) -> None:
    out = tmp_path / "d.csv"
    assert invoke(*DIFF, "--output", out, "--sep", ";").exit_code == 0
    assert out.read_text(encoding="utf-8") == invoke(*DIFF, "--format", "csv", "--sep", ";").stdout
    before = out.read_bytes()
    proc = invoke(*DIFF, "--output", out)
    assert proc.exit_code == 2 and "already exists; use --force" in proc.stderr and out.read_bytes() == before
    proc = invoke(*DIFF, "--output", tmp_path / "d.ods")
    assert proc.exit_code == 2 and "must end in .xlsx or .csv" in proc.stderr
    proc = invoke(*DIFF, "--format", "json", "--output", tmp_path / "d.xlsx")
    assert proc.exit_code == 2 and "--format json does not go with --output" in proc.stderr
    assert invoke(*DIFF, "--format", "csv", "--output", out, "--force").exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.csv"]


def test_sweep_workbook_equals_the_csv(tmp_path: Path) -> None:
    out = tmp_path / "s.xlsx"
    proc = invoke(*SWEEP, "--output", out)
    assert proc.exit_code == 0, proc.output
    rows, ws = _sheet(out, "Sweep")
    _equal_to_csv(rows, invoke(*SWEEP).stdout)
    assert len(rows) == 1 + 6 * 21
    header = rows[0]
    amount = header.index("ambulans") + 1
    assert all(isinstance(r[amount - 1], int) for r in rows[1:])
    assert ws.cell(2, amount).number_format == "#,##0" and ws.freeze_panes == "A2"
    assert rows[1][header.index("kommuner.andel_insatser")] == "0"  # an exact share stays its text
    assert rows[22][header.index("kommuner.andel_insatser")] == "1/4"


def test_sweep_workbook_is_refused_beyond_excels_rows_before_any_work(tmp_path: Path) -> None:
    out = tmp_path / "s.xlsx"
    limit = (MAX_ROWS - 1) // 21  # scenarios × 21 regions + the heading row fit
    proc = invoke("sweep", "--vary", f"ambulans.grundbelopp=0:{limit}:1", "--output", out)  # limit + 1 scenarios
    assert proc.exit_code == 2
    assert proc.stderr.startswith(f"godnaravard: error: {out}: this sweep (49 933 scenarios × 21 regions) has "
                                  "1 048 593 rows and a heading row, more than the 1 048 576 rows an Excel sheet holds")
    assert "write CSV (--output FILE.csv) or Parquet (--output FILE.parquet)" in proc.stderr
    assert list(tmp_path.iterdir()) == []


def test_sweep_sep_semicolon(tmp_path: Path) -> None:
    plain, semi = invoke(*SWEEP).stdout, invoke(*SWEEP, "--sep", ";").stdout
    assert semi == plain.replace(",", ";")  # no text with a comma, no decimals: only the separator differs
    out = tmp_path / "s.csv"
    assert invoke(*SWEEP, "--sep", ";", "--output", out).exit_code == 0
    assert out.read_text(encoding="utf-8") == semi


def test_plain_writes_text_as_text_and_refuses_inexact_amounts(tmp_path: Path) -> None:
    cols = [Column("name"), Column("kr", "kronor"), Column("share", "decimal", 4)]
    out = write_plain(tmp_path / "t.xlsx", "T", cols, [["=1+1", -5, Decimal("-0.25")], ["@x", None, None]],
                      title="t", count=2)
    rows, ws = _sheet(out, "T")
    assert rows[1] == ("=1+1", -5, -0.25) and ws.cell(2, 1).data_type == "s"
    assert rows[2] == ("@x", None, None)
    from godnaravard.excel import ExportError

    with pytest.raises(ExportError, match="too large for an Excel cell"):
        write_plain(tmp_path / "u.xlsx", "T", cols, [["x", 10**16, None]], title="t")
    assert not (tmp_path / "u.xlsx").exists()
    assert check_size("x", MAX_ROWS - 1, 3) is None and check_size("x", MAX_ROWS, 3) is not None
    assert check_size("x", 1, 16_385) is not None


def test_write_sweep_api_writes_a_workbook_equal_to_the_frame(tmp_path: Path) -> None:
    from godnaravard.sweep import sweep, write_sweep
    from godnaravard.sweep.output import TooManyRows

    vary = {"ambulans.grundbelopp": "0:1000000:500000"}
    written = write_sweep(tmp_path / "s.xlsx", vary)
    rows, _ = _sheet(tmp_path / "s.xlsx", "Sweep")
    frame = sweep(vary)
    assert written.rows == len(frame) == len(rows) - 1 and list(rows[0]) == list(frame.columns)
    assert [list(r) for r in rows[1:]] == [[v if isinstance(v, str) else int(v) for v in r]
                                           for r in frame.astype(object).itertuples(index=False)]
    with pytest.raises(TooManyRows, match="write CSV"):
        write_sweep(tmp_path / "big.xlsx", {"ambulans.grundbelopp": "0:100000:1"})
    assert not (tmp_path / "big.xlsx").exists()
