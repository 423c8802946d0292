"""Reading table files: separators, encodings, row numbers, workbooks (``godnaravard.tables``)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from _workbooks import save_workbook as workbook

from godnaravard.errors import InputError
from godnaravard.tables import Formula, read_table, split_sheet

ROWS = [["lan_code", "lan", "population"], ["01", "Stockholm", "2455914"], ["04", "Sörmland", "302310"]]


def write(tmp_path: Path, name: str, data: str | bytes, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode(encoding))
    return path


def csv_text(sep: str = ",", newline: str = "\n") -> str:
    return newline.join(sep.join(r) for r in ROWS) + newline


def error_of(path: Path | str, **kwargs: object) -> str:
    with pytest.raises(InputError) as exc:
        read_table(path, **kwargs)  # type: ignore[arg-type]
    return str(exc.value)


@pytest.mark.parametrize("sep", [",", ";", "\t"])
@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_separators_newlines_and_bom(tmp_path: Path, sep: str, newline: str, bom: bytes) -> None:
    path = write(tmp_path, "p.csv", bom + csv_text(sep, newline).encode("utf-8"))
    table = read_table(path)
    assert table.header == ("lan_code", "lan", "population")
    assert table.rows == (
        (2, {"lan_code": "01", "lan": "Stockholm", "population": "2455914"}),
        (3, {"lan_code": "04", "lan": "Sörmland", "population": "302310"}),
    )
    assert table.kind == "csv" and table.file == str(path)


def test_semicolon_file_with_decimal_commas_is_split_on_semicolons(tmp_path: Path) -> None:
    path = write(tmp_path, "p.csv", "a;b\n1,5;2\n3;4,25\n")
    assert [cells for _, cells in read_table(path).rows] == [{"a": "1,5", "b": "2"}, {"a": "3", "b": "4,25"}]


def test_excel_separator_line(tmp_path: Path) -> None:
    table = read_table(write(tmp_path, "p.csv", "sep=;\r\na;b,c\r\n1;2,5\r\n"))
    assert table.header == ("a", "b,c") and table.header_row == 2
    assert table.rows == ((3, {"a": "1", "b,c": "2,5"}),)


def test_row_numbers_count_lines_as_in_an_editor(tmp_path: Path) -> None:
    """Comment and blank lines are counted; a quoted cell spanning lines counts from its start."""
    text = '# comment\n\nlan_code,lan\n"01","Stock\nholm"\n\n03,Uppsala\n'
    table = read_table(write(tmp_path, "p.csv", text))
    assert table.header_row == 3
    assert [n for n, _ in table.rows] == [4, 7]
    assert table.rows[0][1]["lan"] == "Stock\nholm"


def test_title_rows_above_the_header_are_skipped_when_columns_are_known(tmp_path: Path) -> None:
    text = "Befolkning per län 2023\nKälla: SCB\n\n" + csv_text()
    table = read_table(write(tmp_path, "p.csv", text), ("lan_code", "lan", "population"))
    assert table.header_row == 4 and [n for n, _ in table.rows] == [5, 6]


def test_cells_are_stripped_and_short_rows_padded(tmp_path: Path) -> None:
    table = read_table(write(tmp_path, "p.csv", "a,b,c\n 1 , 2\n"))
    assert table.rows == ((2, {"a": "1", "b": "2", "c": ""}),)


def test_trailing_empty_cells_are_ignored_but_stray_values_are_not(tmp_path: Path) -> None:
    assert read_table(write(tmp_path, "ok.csv", "a;b;;\n1;2;;\n")).header == ("a", "b")
    message = error_of(write(tmp_path, "bad.csv", "a,b\n1,2\n3,4,5\n"))
    assert (
        message
        == "bad.csv, row 3: cell 3 holds '5', but the header row (row 1) has no column there".replace(
            "bad.csv", str(tmp_path / "bad.csv")
        )
    )


def test_duplicate_column_names(tmp_path: Path) -> None:
    message = error_of(write(tmp_path, "p.csv", "a,b,A\n1,2,3\n"))
    assert "row 1, column 'A': the column name appears twice (columns 1 and 3)" in message


@pytest.mark.parametrize(
    "text, expected",
    [
        ("", "the file is empty"),
        ("\n \n\r\n", "the file is empty"),
        ("# only a comment\n", "the file is empty"),
        ("a,b\n", "row 1: the file has a header but no data rows"),
        ("a,b\n,\n  ,  \n", "row 1: the file has a header but no data rows"),
        ('a,b\n"1,2\n', "row 2: not a valid CSV file: a quoted cell is never closed"),
    ],
)
def test_structural_errors(tmp_path: Path, text: str, expected: str) -> None:
    assert expected in error_of(write(tmp_path, "p.csv", text))


def test_cp1252_swedish_text_is_accepted(tmp_path: Path) -> None:
    utf8 = read_table(write(tmp_path, "u.csv", csv_text()))
    ansi = read_table(
        write(tmp_path, "w.csv", csv_text(";") + "05;Östergötland;1\u00a0000\n", encoding="cp1252")
    )
    assert ansi.rows[:2] == utf8.rows
    assert ansi.rows[2][1] == {"lan_code": "05", "lan": "Östergötland", "population": "1\u00a0000"}


@pytest.mark.parametrize(
    "encoding, data, expected",
    [
        ("cp437", "lan\nSörmland\n", "read as Windows-1252 it would contain '”'"),
        ("mac_roman", "lan\nSörmland\n", "not a Swedish letter"),
        ("utf-16", "lan\nSörmland\n", "UTF-16"),
        ("raw", b"lan\nS\x81rmland\n", "neither UTF-8 nor Windows-1252"),
        ("raw", b"lan\nS\x00rmland\n", "binary data"),
        ("utf-8", "lan\nSÃ¶rmland\n", "converted to UTF-8 twice"),
        ("utf-8", "lan\nSÃ–DERMANLAND\n", "converted to UTF-8 twice"),
        ("utf-8", "lan\nS\x85rmland\n", "control character U+0085"),
        ("utf-8", "lan\nS\ufffdrmland\n", "control character U+FFFD"),
        ("utf-8", "lan\nSörmland\x1a\n", "control character U+001A"),
    ],
)
def test_wrong_encodings_are_refused_never_mojibake(
    tmp_path: Path, encoding: str, data: str | bytes, expected: str
) -> None:
    raw = data if isinstance(data, bytes) else data.encode(encoding)
    message = error_of(write(tmp_path, "p.csv", raw))
    assert expected in message
    assert "row 2" in message or encoding == "utf-16"


def test_file_errors(tmp_path: Path) -> None:
    assert error_of(tmp_path / "nope.csv").endswith("nope.csv: the file does not exist")
    assert error_of(tmp_path).endswith(": this is a folder, not a file")
    assert error_of("a\x00b.csv").endswith("the file cannot be read: embedded null byte")
    assert "the file cannot be read" in error_of(tmp_path / ("x" * 5000 + ".xlsx#S"))
    assert "is 12 bytes; an input table of this kind is at most 5 bytes" in error_of(
        write(tmp_path, "big.csv", "a\n1234567890"), max_bytes=5
    )


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_pipe_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    assert "not a regular file" in error_of(fifo)


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, "p.csv", csv_text())

    def refuse(where: Path) -> int:
        raise PermissionError(13, "Permission denied", str(where))

    # (the file is opened by files._open_regular, without blocking; root may read any file)
    monkeypatch.setattr("godnaravard.files._open_regular", refuse)
    assert error_of(path).endswith("p.csv: the file cannot be read: permission denied")


def test_total_rows_are_recognised_only_when_asked(tmp_path: Path) -> None:
    path = write(tmp_path, "p.csv", csv_text() + "Totalt,,2758224\n\nKälla,SCB\n")
    plain = read_table(path)
    assert plain.total is None and plain.rows[-1][1]["lan_code"] == "Källa"
    table = read_table(path, total_rows=True)
    assert table.total == (4, {"lan_code": "Totalt", "lan": "", "population": "2758224"})
    assert [n for n, _ in table.rows] == [2, 3]
    late = write(tmp_path, "late.csv", csv_text() + "Summa,,2758224\n05,Östergötland,1\n")
    assert "row 5: a data row after the total row (row 4)" in error_of(late, total_rows=True)


def test_split_sheet(tmp_path: Path) -> None:
    assert split_sheet("book.xlsx#Underlag") == ("book.xlsx", "Underlag")
    assert split_sheet("dir/Book.XLSX#Blad 1#2") == ("dir/Book.XLSX", "Blad 1#2")
    assert split_sheet("file.csv#x") == ("file.csv#x", None)
    odd = write(tmp_path, "odd.xlsx#name.csv", csv_text())
    assert split_sheet(str(odd)) == (str(odd), None)
    assert read_table(odd).rows[0][1]["lan_code"] == "01"


# --- Workbooks ---------------------------------------------------------------------------------




def test_xlsx_first_sheet_and_typed_cells(tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "b.xlsx",
        {
            "Blad1": [
                ["Befolkning 2023"],
                [],
                ["lan_code", "lan", "population"],
                [1, "Stockholm", 2455914],
                ["04", "Sörmland", 302310.0],
            ],
            "Blad2": [["x"]],
        },
    )
    table = read_table(path, ("lan_code", "lan", "population"))
    assert table.file == f"{path}#Blad1"
    assert table.kind == "xlsx" and table.sheets == ("Blad1", "Blad2")
    assert table.header_row == 3
    assert table.rows == (
        (4, {"lan_code": 1, "lan": "Stockholm", "population": 2455914}),
        (5, {"lan_code": "04", "lan": "Sörmland", "population": 302310.0}),
    )
    assert table.cell_ref(5, "population") == "C5"


def test_xlsx_named_sheet(tmp_path: Path) -> None:
    path = workbook(tmp_path / "b.xlsx", {"Översikt": [["title"]], "Underlag": [["a", "b"], [1, 2]]})
    table = read_table(f"{path}#Underlag")
    assert table.file == f"{path}#Underlag" and table.rows == ((2, {"a": 1, "b": 2}),)
    message = error_of(f"{path}#underlag")
    assert "no sheet 'underlag'; did you mean 'Underlag'? (sheets: Översikt, Underlag)" in message


def test_xlsx_formulas_give_their_cached_value_or_say_they_have_none(tmp_path: Path) -> None:
    import xlsxwriter

    path = tmp_path / "f.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("S")
    ws.write_row(0, 0, ["a", "b"])
    ws.write_number(1, 0, 2)
    ws.write_formula(1, 1, "=A2*2", None, 4)
    wb.close()
    assert read_table(path).rows == ((2, {"a": 2, "b": 4}),)

    path2 = workbook(tmp_path / "g.xlsx", {"S": [["a", "b"], [2, "=A2*2"]]})  # openpyxl stores no value
    assert read_table(path2).rows == ((2, {"a": 2, "b": Formula("=A2*2")}),)


@pytest.mark.parametrize(
    "damage, expected",
    [
        (lambda b: b[: len(b) // 2], "damaged, truncated"),
        (lambda b: b[:4] + bytes(len(b) - 4), "damaged, truncated"),
        (lambda b: b"hello", "does not start like one"),
        (lambda b: b"", "does not start like one"),
    ],
)
def test_damaged_workbooks(tmp_path: Path, damage: object, expected: str) -> None:
    good = workbook(tmp_path / "good.xlsx", {"S": [["a"], [1]]})
    bad = write(tmp_path, "bad.xlsx", damage(good.read_bytes()))  # type: ignore[operator]
    assert expected in error_of(bad)


def test_old_formats_are_named(tmp_path: Path) -> None:
    assert "old binary Excel workbook (.xls)" in error_of(
        write(tmp_path, "a.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100))
    )
    assert "OpenDocument" in error_of(write(tmp_path, "a.ods", b"PK\x03\x04"))
    assert error_of(tmp_path / "a.csv#S").endswith("a.csv#S: the file does not exist")


def test_chart_sheets_are_skipped_or_refused(tmp_path: Path) -> None:
    import openpyxl
    from openpyxl.chart import BarChart, Reference

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    ws.append(["a", "b"])
    ws.append([1, 2])
    chart = BarChart()
    chart.add_data(Reference(ws, min_col=2, min_row=1, max_row=2))
    wb.create_chartsheet("Diagram", 0).add_chart(chart)
    path = tmp_path / "c.xlsx"
    wb.save(path)
    table = read_table(path)  # the first sheet with cells
    assert table.file == f"{path}#Data" and table.rows == ((2, {"a": 1, "b": 2}),)
    assert "the sheet 'Diagram' is a chart, not a table (sheets with cells: Data)" in error_of(
        f"{path}#Diagram"
    )


# --- Limits and hostile input (issue 13) -------------------------------------------------------


def _hidden_workbook(path: Path, states: dict[str, str]) -> Path:
    """A workbook of the sheets Dold (population 1 for 01) and Synlig, then sheet states set."""
    import re
    import zipfile

    workbook(path, {"Dold": [["lan_code", "population"], ["01", 1]], "Synlig": [["lan_code", "population"], ["01", 2]]})
    with zipfile.ZipFile(path) as src:
        parts = {i.filename: src.read(i.filename) for i in src.infolist()}
    text = parts["xl/workbook.xml"].decode()
    for title, state in states.items():
        text = re.sub(rf'(<sheet name="{title}"[^>]*? state=")visible(")', rf"\g<1>{state}\g<2>", text)
    parts["xl/workbook.xml"] = text.encode()
    with zipfile.ZipFile(path, "w") as dst:
        for name, data in parts.items():
            dst.writestr(name, data)
    return path


@pytest.mark.parametrize("state", ["hidden", "veryHidden"])
def test_a_hidden_sheet_is_never_read_unless_named(tmp_path: Path, state: str) -> None:
    path = _hidden_workbook(tmp_path / "b.xlsx", {"Dold": state})
    table = read_table(path)
    assert table.file == f"{path}#Synlig" and table.rows == ((2, {"lan_code": "01", "population": 2}),)
    named = read_table(f"{path}#Dold")  # named by the user: read
    assert named.rows == ((2, {"lan_code": "01", "population": 1}),)


def test_a_workbook_of_hidden_sheets_says_how_to_pick_one(tmp_path: Path) -> None:
    path = _hidden_workbook(tmp_path / "b.xlsx", {"Dold": "hidden", "Synlig": "veryHidden"})
    message = error_of(path)
    assert "every sheet with cells is hidden (Dold (hidden), Synlig (very hidden))" in message
    assert f"as FILE.xlsx#Sheet (e.g. {path}#Dold)" in message


def test_devices_pipes_and_folders_are_named_as_what_they_are(tmp_path: Path) -> None:
    assert error_of("/dev/zero").endswith("/dev/zero: this is a device, not a regular file (only regular files are read)")
    assert error_of(tmp_path).endswith("this is a folder, not a file")
    assert error_of(tmp_path / "f.csv" / "x").endswith("the file does not exist")
    (tmp_path / "f.csv").write_text("a\n1\n", encoding="utf-8")
    assert "a part of its path is a file" in error_of(tmp_path / "f.csv" / "x")


def test_rows_are_counted_while_the_csv_is_parsed(tmp_path: Path) -> None:
    path = write(tmp_path, "p.csv", "a\n" + "1\n" * 50)
    assert len(read_table(path, max_rows=51).rows) == 50
    assert error_of(path, max_rows=50).endswith("the file has more than 50 rows; an input table of this kind has at most 50")
    assert "at most 100 000" in error_of(write(tmp_path, "q.csv", "a\n" + "1\n" * 100_001), max_bytes=10**7)


def test_a_header_repeating_a_name_lists_100_problems_and_counts_the_rest(tmp_path: Path) -> None:
    path = write(tmp_path, "h.csv", ",".join(["a"] * 100_000) + "\n1\n")
    with pytest.raises(InputError) as info:
        read_table(path)
    problems = info.value.problems
    assert len(problems) == 101 and info.value.count == 99_999
    assert str(problems[0]).endswith("row 1, column 'a': the column name appears twice (columns 1 and 2)")
    assert str(problems[-1]).endswith("... and 99899 more problems not shown")


def test_a_header_of_too_many_columns_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "w.csv", ",".join(f"c{i}" for i in range(1001)) + "\n1\n")
    assert error_of(path).endswith("row 1: the header row names more than 1 000 columns; an input table has at most 1 000")


def test_comment_lines_are_skipped_between_rows_but_error_values_are_not(tmp_path: Path) -> None:
    table = read_table(write(tmp_path, "p.csv", "a,b\n1,2\n# a note, in mid-table\n  # indented\n3,4\n#N/A,5\n"))
    assert [n for n, _ in table.rows] == [2, 5, 6]
    assert table.rows[2][1]["a"] == "#N/A"


def _zip_with(path: Path, name: str, data: bytes) -> Path:
    import io
    import zipfile

    good = workbook(tmp := path.with_suffix(".good.xlsx"), {"S": [["a"], [1]]})
    with zipfile.ZipFile(io.BytesIO(good.read_bytes())) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info.filename))
        dst.writestr(name, data)
    tmp.unlink()
    return path


def test_a_zip_bomb_is_refused_before_it_is_inflated(tmp_path: Path) -> None:
    from godnaravard.tables import MAX_XLSX_INFLATED

    big = _zip_with(tmp_path / "big.xlsx", "xl/media/zeros.bin", bytes(MAX_XLSX_INFLATED))
    assert "the workbook would inflate to 16 7" in error_of(big)
    bomb = _zip_with(tmp_path / "bomb.xlsx", "xl/media/zeros.bin", bytes(8 * 1024 * 1024))
    assert "inflates 1" in error_of(bomb) and "zip bomb" in error_of(bomb)


def test_a_sheet_is_streamed_and_its_dimension_is_not_trusted(tmp_path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "S"
    for row in ([["a", "b"]] + [[i, i] for i in range(1, 60)]):
        ws.append(row)
    path = tmp_path / "s.xlsx"
    wb.save(path)
    assert len(read_table(path, max_rows=60).rows) == 59
    assert error_of(path, max_rows=50).endswith("s.xlsx#S: the sheet has more than 50 rows; an input table of this kind "
                                                "has at most 50")
