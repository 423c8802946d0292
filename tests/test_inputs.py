"""Loading the analysts' own input files: formats accepted, results equal, problems located."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest
from _workbooks import save_workbook

import godnaravard
from godnaravard import core
from godnaravard.errors import InputError
from godnaravard.inputs import (
    MAX_POPULATION,
    MAX_PROBLEMS,
    load_inputs,
    load_landsbygd,
    load_population,
    parse_count,
)
from godnaravard.resources import data_file
from godnaravard.scenario import baseline

POP_LINES = data_file("population_2023.csv").read_text(encoding="utf-8").splitlines()
KEY_LINES = data_file("landsbygd_weights.csv").read_text(encoding="utf-8").splitlines()


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def amounts(
    population: Path | str | None = None, landsbygd: Path | str | None = None, **overrides: object
) -> list[dict[str, str | int]]:
    return godnaravard.allocate(
        overrides=overrides or None, population=population, landsbygd=landsbygd
    ).to_records()


def problems_of(func: object, *args: object) -> list[str]:
    with pytest.raises(InputError) as exc:
        func(*args)  # type: ignore[operator]
    return [str(p) for p in exc.value.problems]


SHIPPED = amounts()


# --- parse_count ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cell, expected",
    [
        ("0", 0),
        ("2455914", 2455914),
        ("2 455 914", 2455914),
        ("2\u00a0455\u00a0914", 2455914),
        ("2\u202f455\u202f914", 2455914),
        ("2.455.914", 2455914),
        ("  404714 ", 404714),
        ("007", 7),
        (2455914, 2455914),
        (2455914.0, 2455914),
        (MAX_POPULATION, MAX_POPULATION),
    ],
)
def test_parse_count_accepts(cell: object, expected: int) -> None:
    assert parse_count(cell) == expected


@pytest.mark.parametrize(
    "cell, message",
    [
        ("", "the cell is empty"),
        ("-5", "a negative count (-5)"),
        ("\u22125", "expected a whole number"),
        ("\u2212 5", "a negative count"),
        (-5, "a negative count (-5)"),
        ("12.5", "a decimal count (12.5)"),
        ("12,5", "a decimal count (12,5)"),
        ("2 455,5", "a decimal count"),
        (12.5, "a decimal count (12.5)"),
        (float("nan"), "not a number"),
        (float("inf"), "not a number"),
        ("NaN", "'NaN' (not a number)"),
        ("#DIV/0!", "spreadsheet error #DIV/0!"),
        ("2,455,914", "expected a whole number, got '2,455,914'"),
        ("2 455.914", "a decimal count"),
        ("24 55 914", "expected a whole number"),
        ("1e6", "expected a whole number, got '1e6'"),
        ("\u0661\u0662", "numbers are read only with the digits 0-9"),
        ("²", "numbers are read only with the digits 0-9"),
        (True, "truth value TRUE"),
        (MAX_POPULATION + 1, "too large to be a count of people"),
        ("999 999 999 999", "too large"),
    ],
)
def test_parse_count_refuses(cell: object, message: str) -> None:
    with pytest.raises(ValueError, match=None) as exc:
        parse_count(cell)
    assert message in str(exc.value)


# --- The same result from other ways of writing the same data -------------------------------------


def swedish_csv(lines: list[str], separators: str = " \u00a0.\u202f") -> str:
    """The shipped file with ';', and the counts written with Swedish thousands separators."""
    out = [lines[0].replace(",", ";")]
    for i, line in enumerate(lines[1:]):
        cells = line.split(",")
        sep = separators[i % len(separators)]
        for k in (3, 4):
            cells[k] = f"{int(cells[k]):,}".replace(",", sep)
        out.append(";".join(cells))
    return "\r\n".join(out) + "\r\n"


def test_semicolon_bom_thousands_separators_give_the_shipped_result(tmp_path: Path) -> None:
    text = swedish_csv(POP_LINES)
    for written in ("2 455 914", "404\u00a0714", "302.310", "472\u202f660"):
        assert written in text
    path = write(tmp_path / "befolkning.csv", text, encoding="utf-8-sig")
    assert load_population(path) == load_population()
    assert amounts(path) == SHIPPED


def test_windows_1252_file_gives_the_shipped_result(tmp_path: Path) -> None:
    path = write(tmp_path / "ansi.csv", swedish_csv(POP_LINES, " \u00a0"), encoding="cp1252")
    assert amounts(path) == SHIPPED
    key = write(tmp_path / "key.csv", "\n".join(KEY_LINES).replace(",", ";") + "\n", encoding="cp1252")
    assert amounts(path, key) == SHIPPED


def population_rows(as_numbers: bool = False) -> list[list[object]]:
    rows: list[list[object]] = [POP_LINES[0].split(",")]
    for line in POP_LINES[1:]:
        code, lan, region, pop, hsl = line.split(",")
        rows.append(
            [int(code) if as_numbers else code, lan, region, int(pop), float(hsl) if as_numbers else int(hsl)]
        )
    return rows




@pytest.mark.parametrize("as_numbers", [False, True])
def test_xlsx_gives_the_shipped_result(tmp_path: Path, as_numbers: bool) -> None:
    """Text or numeric län codes (Excel drops the leading zero), int or integral float counts."""
    path = save_workbook(tmp_path / "befolkning.xlsx", {"Blad1": population_rows(as_numbers)})
    assert load_population(path) == load_population()
    assert amounts(path) == SHIPPED


def test_xlsx_named_sheet_with_title_rows_and_total_row(tmp_path: Path) -> None:
    rows = [
        ["Befolkning per län, 1 november 2023"],
        ["Källa: SCB"],
        [],
        *population_rows(),
        ["Totalt", None, None, 10_557_682, 416_151],
        [],
        ["Anmärkning", "inget"],
    ]
    path = save_workbook(tmp_path / "bok.xlsx", {"Om": [["Läs mig"]], "Data": rows})
    assert amounts(f"{path}#Data") == SHIPPED
    rows[-3][3] = 10_557_000
    save_workbook(path, {"Om": [["Läs mig"]], "Data": rows})
    assert problems_of(load_population, f"{path}#Data") == [
        (
            f"{path}#Data, row 26, column 'population': the total row says 10557000, but the rows above it "
            f"sum to 10557682 (cell D26)"
        )
    ]


def test_own_export_underlag_sheet_round_trips(tmp_path: Path) -> None:
    """``godnaravard export`` writes sheet Underlag; pointing both inputs at it reproduces the result."""
    from godnaravard.excel import export_workbook

    book = tmp_path / "bilagor.xlsx"
    export_workbook(godnaravard.allocate(), book)
    underlag = f"{book}#Underlag"
    assert load_population(underlag) == load_population()
    key, reference = load_landsbygd(underlag)
    assert key == load_landsbygd()[0] and reference == load_landsbygd()[1]
    assert amounts(underlag, underlag) == SHIPPED


def test_own_export_of_a_scenario_with_own_data_round_trips(tmp_path: Path) -> None:
    """A per-kommun key gives categories for every region; the export carries them back in."""
    from godnaravard.excel import export_workbook

    kommuner = write(
        tmp_path / "kommuner.csv",
        "kommun_code,kategori,population\n0980,gles,61093\n2584,mycket_gles,22000\n0114,tatortsnara,5000\n",
    )
    alloc = godnaravard.allocate(overrides={"landsbygd.vikt.gles": 5}, landsbygd=kommuner)
    book = tmp_path / "bilagor.xlsx"
    export_workbook(alloc, book)
    again = godnaravard.allocate(
        overrides={"landsbygd.vikt.gles": 5}, population=f"{book}#Underlag", landsbygd=f"{book}#Underlag"
    )
    assert again.to_records() == alloc.to_records()


def test_rows_in_another_order_give_the_same_amounts_per_lan(tmp_path: Path) -> None:
    path = write(tmp_path / "p.csv", "\n".join([POP_LINES[0], *reversed(POP_LINES[1:])]) + "\n")
    by_code = {r["lan_code"]: r for r in amounts(path)}
    assert by_code == {r["lan_code"]: r for r in SHIPPED}


def test_names_in_other_forms_and_header_case(tmp_path: Path) -> None:
    """SCB's full län names, names without å/ä/ö, and an upper-case header are all understood."""
    full = {
        "01": "Stockholms län",
        "04": "Sodermanlands lan",
        "14": "Västra Götalands län",
        "23": "Jämtlands län",
    }
    lines = [POP_LINES[0].upper()]
    for line in POP_LINES[1:]:
        cells = line.split(",")
        cells[1] = full.get(cells[0], cells[1])
        lines.append(",".join(cells))
    regions = load_population(write(tmp_path / "p.csv", "\n".join(lines) + "\n"))
    assert [r.count("population") for r in regions] == [r.count("population") for r in load_population()]
    assert regions[0].lan == "Stockholms län"


# --- Rural keys --------------------------------------------------------------------------------------


def test_per_kommun_key_sums_categories_per_lan(tmp_path: Path) -> None:
    path = write(
        tmp_path / "k.csv",
        "kommun_code;kommun;kategori;population\n"
        "0980;Gotland;Gles landsbygdskommun;61 093\n"
        "2584;Kiruna;mycket glesa;22 000\n"
        "2505;Arvidsjaur;Mycket_gles;6 000\n"
        "114;Upplands Väsby;övrig;48 000\n"
        "0114b;;;\n".replace("0114b;;;\n", ""),
    )
    key, _ = load_landsbygd(path)
    by_code = {k.code: k for k in key}
    assert len(key) == 21 and all(k.categories_known for k in key)
    assert by_code["09"].inhabitants == {"tatortsnara": 0, "gles": 61093, "mycket_gles": 0}
    assert by_code["25"].inhabitants == {"tatortsnara": 0, "gles": 0, "mycket_gles": 28000}
    assert by_code["01"].inhabitants == {"tatortsnara": 0, "gles": 0, "mycket_gles": 0}
    # With categories for every region, any weights can be used (avsnitt 12's weights are a parameter).
    rows = {r["lan_code"]: r for r in amounts(landsbygd=path, **{"landsbygd.vikt.gles": 5})}
    assert (
        rows["09"]["landsbygd"] + rows["25"]["landsbygd"] == baseline().parameters["regioner.landsbygd_total"]
    )


def test_per_region_key_with_categories_for_every_region(tmp_path: Path) -> None:
    lines = ["lan_code,tatortsnara_inv,gles_inv,mycket_gles_inv"]
    lines += [
        f"{line.split(',')[0]},{i * 1000},{i * 100},{i * 10}" for i, line in enumerate(POP_LINES[1:], 1)
    ]
    key, reference = load_landsbygd(write(tmp_path / "k.csv", "\n".join(lines) + "\n"))
    assert reference == {"tatortsnara": Fraction(1), "gles": Fraction(4), "mycket_gles": Fraction(6)}
    assert key[2] == core.RuralKey("04", {"tatortsnara": 3000, "gles": 300, "mycket_gles": 30})


def test_status_may_be_written_as_in_the_export(tmp_path: Path) -> None:
    text = "\n".join(KEY_LINES).replace("endast_vagd_summa", "Endast viktad summa") + "\n"
    assert load_landsbygd(write(tmp_path / "k.csv", text)) == load_landsbygd()


# --- Problems: located, complete, combined ----------------------------------------------------------


def test_every_problem_is_listed_and_located(tmp_path: Path) -> None:
    lines = list(POP_LINES)
    lines[2] = lines[2].replace("404714", "x")  # row 3
    lines[5] = lines[5].replace("17543", "1.5")  # row 6
    lines[7] = lines[7].replace("08,", "8x,")  # row 8
    path = write(tmp_path / "p.csv", "\n".join(lines) + "\n")
    assert problems_of(load_population, path) == [
        f"{path}, row 3, column 'population': expected a whole number, got 'x'",
        f"{path}, row 6, column 'hsl_insatser': a decimal count (1.5); a count of people is a whole number",
        f"{path}, row 8, column 'lan_code': expected a län code of 2 digits such as 01 or 25, got '8x'",
        f"{path}, column 'lan_code': no row for 1 län: 08 Kalmar län; every län must appear once",
    ]


def test_problems_of_both_files_are_reported_together(tmp_path: Path) -> None:
    pop = write(tmp_path / "p.csv", POP_LINES[0] + "\n")
    key = write(tmp_path / "k.csv", "\n".join(KEY_LINES[:-1]) + "\n")
    found = problems_of(load_inputs, pop, key)
    assert found == [
        f"{pop}, row 1: the file has a header but no data rows",
        f"{key}, column 'lan_code': no row for 1 län: 25 Norrbotten; every län must appear once",
    ]


def test_the_list_of_problems_is_capped(tmp_path: Path) -> None:
    lines = [POP_LINES[0]] + [f"{c},X,Y,-1,-1" for c in ["01"] * 150]
    found = problems_of(load_population, write(tmp_path / "p.csv", "\n".join(lines) + "\n"))
    assert len(found) == MAX_PROBLEMS + 1
    assert found[-1].endswith("more problems not shown")


def test_unknown_and_near_miss_columns(tmp_path: Path) -> None:
    header = "lan_kod,lan,region,Population,hsl_insater,anteckning"
    path = write(tmp_path / "p.csv", "\n".join([header, *POP_LINES[1:]]) + "\n")
    assert problems_of(load_population, path) == [
        f"{path}, row 1, column 'lan_kod': unknown column; did you mean 'lan_code'? (that column is missing)",
        (
            f"{path}, row 1, column 'hsl_insater': unknown column; did you mean 'hsl_insatser'? "
            f"(that column is missing)"
        ),
        (
            f"{path}, row 1, column 'anteckning': unknown column; a population file has the columns "
            f"lan_code, lan, region, population, hsl_insatser"
        ),
    ]


def test_a_file_without_header_says_so(tmp_path: Path) -> None:
    path = write(tmp_path / "p.csv", "\n".join(POP_LINES[1:]) + "\n")
    (message,) = problems_of(load_population, path)
    assert message.startswith(f"{path}, row 1: no header row: row 1 holds '01', 'Stockholm'")


def test_region_name_must_agree_with_code(tmp_path: Path) -> None:
    lines = list(POP_LINES)
    lines[1] = lines[1].replace("Region Stockholm", "Region Uppsala")
    path = write(tmp_path / "p.csv", "\n".join(lines) + "\n")
    assert problems_of(load_population, path) == [
        (
            f"{path}, row 2, column 'region': 'Region Uppsala' is län 03 (Uppsala), but lan_code on this "
            f"row is 01 (Stockholm): the code and the name disagree"
        )
    ]


# --- SCB's short form: the län and its population, nothing else ---------------------------------

SCB_FILE = Path(__file__).resolve().parents[1] / "examples" / "data" / "scb_folkmangd.csv"


def test_scbs_two_column_file_gives_the_same_result_as_the_full_file_with_the_same_numbers() -> None:
    import godnaravard

    short = godnaravard.allocate(population=SCB_FILE)
    assert short.rows == godnaravard.allocate().rows
    assert not short.scenario.is_baseline
    [note] = short.notes
    assert "gives only the population" in note and "lan, region, hsl_insatser are the agreement's own" in note


def test_scbs_short_form_accepts_codes_names_and_scbs_own_labels(tmp_path: Path) -> None:
    from godnaravard.inputs import load_short_population

    own = load_population()
    lines = SCB_FILE.read_text(encoding="utf-8").splitlines()
    variants = {
        "codes": ["Län;Folkmängd", *(f"{line.split(' ', 1)[0]};{line.rsplit(';', 1)[1]}" for line in lines[1:])],
        "names": ["region,befolkning", *(f"{line.split(' ', 1)[1].split(';')[0]},{line.rsplit(';', 1)[1]}"
                                         for line in lines[1:])],
    }
    for name, text in variants.items():
        path = tmp_path / f"{name}.csv"
        path.write_text("\n".join(text) + "\n", encoding="utf-8")
        got = load_short_population(path, own)
        assert got is not None, name
        assert [r.count("population") for r in got[0]] == [r.count("population") for r in own], name
    assert load_short_population(data_file("population_2023.csv"), own) is None  # the full format


def test_scbs_short_form_names_the_bad_rows(tmp_path: Path) -> None:
    import godnaravard

    lines = SCB_FILE.read_text(encoding="utf-8").splitlines()
    bad = [lines[0], "99 Atlantis län;5", *lines[2:-1], lines[2]]
    path = tmp_path / "bad.csv"
    path.write_text("\n".join(bad) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        godnaravard.allocate(population=path)
    text = "\n".join(str(p) for p in info.value.problems)
    assert "row 2, column 'Län': unknown län '99 Atlantis län'" in text
    assert "län 03 (Uppsala) appears again; it is first on row 3" in text
    assert "no row for 2 län: 01 Stockholm, 25 Norrbotten" in text


# --- Capped problems, safe excerpts, one way of reading digits (issue 13) -----------------------


def test_input_error_keeps_100_problems_and_counts_the_rest_also_when_merged() -> None:
    from godnaravard.errors import Problem

    many = InputError([Problem("a.csv", f"p{i}", row=i) for i in range(250)])
    assert many.count == 250 and len(many.problems) == MAX_PROBLEMS + 1
    assert str(many.problems[-1]) == "a.csv: ... and 150 more problems not shown"
    merged = InputError([*many.problems, Problem("b.csv", "one more")])  # as load_inputs merges two files
    assert merged.count == 251 and str(merged.problems[-1]).endswith("... and 151 more problems not shown")
    counted = InputError([Problem("c.csv", "built")], more=3_000_000)  # found, never built
    assert counted.count == 3_000_001 and counted.problems[-1].more == 3_000_000


def test_a_file_that_is_no_table_is_quoted_in_a_few_safe_characters(tmp_path: Path) -> None:
    path = write(tmp_path / "secret.txt", "token=0123456789abcdefghijklmnop;\u03a9mega;x\nmore\n")
    (message,) = problems_of(load_population, path)
    assert "row 1 holds 'token=012345678…', '?mega', 'x'" in message
    assert "abcdef" not in message and "\u03a9" not in message


def test_control_characters_from_a_file_never_reach_the_terminal(tmp_path: Path) -> None:
    from godnaravard.errors import Problem

    text = str(Problem("f.xlsx", "unknown column", row=1, column="\x1b[2J\u202eevil"))
    assert text == "f.xlsx, row 1, column '\\x1b[2J\\u202eevil': unknown column"


def test_an_input_table_has_at_most_10000_rows(tmp_path: Path) -> None:
    from godnaravard.inputs import MAX_ROWS

    path = write(tmp_path / "long.csv", POP_LINES[0] + "\n" + "01,Stockholm,Region Stockholm,1,1\n" * MAX_ROWS)
    assert problems_of(load_population, path) == [
        f"{path}: the file has more than 10 000 rows; an input table of this kind has at most 10 000"
    ]
