"""Regenerate the files of the bad-input corpus from the shipped data (run once; the output is committed).

    python tests/bad_inputs/make_corpus.py

Each file is the shipped ``data/population_2023.csv`` or ``data/landsbygd_weights.csv`` with one
kind of damage, so that the expected message in ``cases.toml`` points at a known row and column.
Not collected by pytest (the name does not start with ``test_``).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE.parents[1] / "data"
POP = (DATA / "population_2023.csv").read_text(encoding="utf-8").splitlines()
KEY = (DATA / "landsbygd_weights.csv").read_text(encoding="utf-8").splitlines()


def lines(rows: list[str]) -> str:
    return "\n".join(rows) + "\n"


def edit(rows: list[str], row: int, old: str, new: str) -> list[str]:
    """Replace ``old`` by ``new`` on ``row`` (1-based, the header is row 1)."""
    out = list(rows)
    assert old in out[row - 1], (row, old)
    out[row - 1] = out[row - 1].replace(old, new, 1)
    return out


def write(name: str, text: str | bytes, encoding: str = "utf-8") -> None:
    data = text if isinstance(text, bytes) else text.encode(encoding)
    (HERE / name).write_bytes(data)


def csv_files() -> None:
    write("empty.csv", "")
    write("blank_lines.csv", "\n  \n\n")
    write("header_only.csv", lines(POP[:1]))
    write("missing_column.csv", lines([",".join(r.split(",")[:4]) for r in POP]))
    write("near_miss_column.csv", lines(edit(POP, 1, "population", "populaton")))
    write("unknown_column.csv", lines([POP[0] + ",kommentar"] + [r + ",ok" for r in POP[1:]]))
    write("missing_lan.csv", lines(POP[:-1]))
    write(
        "duplicate_lan.csv", lines(edit(POP, 4, "04,Sörmland,Region Sörmland", "03,Uppsala,Region Uppsala"))
    )
    write("unknown_lan.csv", lines(edit(POP, 3, "03,", "02,")))
    write("code_name_disagree.csv", lines(edit(POP, 3, ",Uppsala,", ",Skåne,")))
    write("negative_count.csv", lines(edit(POP, 5, "472660", "-472660")))
    write("zero_total.csv", lines([POP[0]] + [r.rsplit(",", 1)[0] + ",0" for r in POP[1:]]))
    write("decimal_count.csv", lines(edit(POP, 6, "369201", "369201.5")))
    write("non_numeric.csv", lines(edit(POP, 7, "204028", "ca 204000")))
    write("nan.csv", lines(edit(POP, 8, "247063", "NaN")))
    write("empty_cell.csv", lines(edit(POP, 9, ",2926", ",")))
    write("too_large.csv", lines(edit(POP, 10, "158226", "158226000000")))
    write("insatser_above_population.csv", lines(edit(POP, 9, "61093,2926", "2926,61093")))
    many = edit(POP, 3, "404714", "-1")
    many = edit(many, 5, "Östergötland,Region", "Östergötland,Regin")
    many = edit(many, 11, "86788", "86788.5")
    write("many_problems.csv", lines(many))
    write("total_row_mismatch.csv", lines(POP + ["Totalt,,,10557681,416151"]))
    write("data_after_total.csv", lines(POP[:-1] + ["Totalt,,,10309029,400034", POP[-1]]))
    write("extra_cells.csv", lines(edit(POP, 11, ",86788", ",86788,,1")))
    write("unclosed_quote.csv", lines(edit(POP, 13, ",Västra Götaland,", ',"Västra Götaland,')))
    write("wrong_encoding_cp437.csv", lines(POP), encoding="cp437")
    write("double_encoded.csv", lines(POP).encode("utf-8").decode("cp1252", errors="replace"))
    write("utf16.csv", lines(POP), encoding="utf-16")
    write("binary.csv", bytes(range(256)) * 4)
    write("c1_control.csv", lines(edit(POP, 5, "Östergötland,Region", "\u0085Östergötland,Region")))
    write("old_excel.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    write("population_given_as_key.csv", lines(POP))
    write("key_partial_categories.csv", lines(edit(KEY, 3, ",,,,67315,", ",1000,2000,,67315,")))
    write("key_vagd_mismatch.csv", lines(edit(KEY, 9, "244372", "244373")))
    write("key_missing_lan.csv", lines(KEY[:5] + KEY[6:]))
    write("key_all_zero.csv", lines([KEY[0]] + [",".join(r.split(",")[:2]) + ",,,,0," for r in KEY[1:]]))
    write("key_bad_status.csv", lines(edit(KEY, 5, "endast_vagd_summa", "okänd")))
    write(
        "kommun_unknown_category.csv",
        "kommun_code,kommun,kategori,population\n0980,Gotland,gles,61093\n2584,Kiruna,glesbygd,22000\n",
    )
    write("kommun_unknown_code.csv", "kommun_code,kategori,population\n0980,gles,61093\n0199,gles,1000\n")
    write(
        "kommun_duplicate.csv",
        "kommun_code,kategori,population\n0980,gles,61093\n2584,mycket_gles,22000\n0980,gles,61093\n",
    )
    write(
        "kommun_lan_disagrees.csv",
        "kommun_code,lan_code,kategori,population\n0980,09,gles,61093\n2584,24,mycket_gles,22000\n",
    )
    write("fullwidth_digits.csv", lines(edit(POP, 4, "302310", "\uff13\uff10\uff12\uff13\uff11\uff10")))
    write("header_repeats_a_name.csv", lines([",".join(["population"] * 150)] + POP[1:]))


def xlsx_files() -> None:
    import openpyxl

    def book(rows: list[list[object]], title: str = "Befolkning") -> openpyxl.Workbook:
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = title
        for r in rows:
            ws.append(r)
        return wb

    def population_rows() -> list[list[object]]:
        out: list[list[object]] = [POP[0].split(",")]
        for r in POP[1:]:
            code, lan, region, pop, hsl = r.split(",")
            out.append([code, lan, region, int(pop), int(hsl)])
        return out

    rows = population_rows()
    rows[4][3] = 472660.5
    book(rows).save(HERE / "decimal_count.xlsx")

    rows = population_rows()
    rows[6][4] = "=E2*2"
    book(rows).save(HERE / "formula_without_value.xlsx")

    rows = population_rows()
    rows[2][3] = True
    import datetime

    rows[3][3] = datetime.date(2023, 11, 1)
    book(rows).save(HERE / "bool_and_date.xlsx")

    book(population_rows(), "Blad1").save(HERE / "good_population.xlsx")
    data = (HERE / "good_population.xlsx").read_bytes()
    (HERE / "truncated.xlsx").write_bytes(data[: len(data) // 2])
    (HERE / "not_a_workbook.xlsx").write_text(lines(POP), encoding="utf-8")
    from openpyxl.chart import BarChart, Reference

    wb = book(population_rows(), "Befolkning")
    chart = BarChart()
    chart.add_data(Reference(wb["Befolkning"], min_col=4, min_row=1, max_row=22), titles_from_data=True)
    wb.create_chartsheet("Diagram", 0).add_chart(chart)
    wb.save(HERE / "chart_sheet.xlsx")

    with zipfile.ZipFile(HERE / "zip_not_workbook.xlsx", "w") as z:
        z.writestr("hello.txt", "not a workbook")


if __name__ == "__main__":
    csv_files()
    xlsx_files()
