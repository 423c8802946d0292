"""SCB's exports as they come (issue 18, item 6): a title line, a year as the count heading,
``"00 Riket"`` first, counts re-saved by Swedish Excel with zero decimals.

The fixtures carry the shipped population figures, so ``allocate --population FILE`` must give
exactly the default's figures; the variants (separator, decimals, BOM, where the total stands)
are written from the shipped file here.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from _cli import invoke
from hypothesis import given
from hypothesis import strategies as st

from godnaravard.errors import InputError
from godnaravard.inputs import MAX_POPULATION, load_short_population, parse_count
from godnaravard.inputs.recipients import load_population
from godnaravard.resources import data_file

FIXTURES = Path(__file__).parent / "fixtures"
SCB_NAMES = {line.split(";")[0][:2]: line.split(";")[0]
             for line in (Path(__file__).parents[1] / "examples" / "data" / "scb_folkmangd.csv")
             .read_text(encoding="utf-8").splitlines()[1:] if line.strip()}


def _own() -> dict[str, int]:
    with open(data_file("population_2023.csv"), encoding="utf-8") as fh:
        return {r["lan_code"]: int(r["population"]) for r in csv.DictReader(fh)}


def _export(sep: str = ";", decimals: str = "", riket: str = "first", total_delta: int = 0) -> str:
    """An export in SCB's layout with the shipped figures."""
    own = _own()
    riket_row = f'"00 Riket"{sep}{sum(own.values()) + total_delta}{decimals}'
    rows = [f'"{SCB_NAMES[code]}"{sep}{n}{decimals}' for code, n in own.items()]
    body = [riket_row, *rows] if riket == "first" else [*rows, riket_row] if riket == "last" else rows
    return "\r\n".join(["Folkmängden per region, 1 november 2023", "", f'"region"{sep}"2023"', *body]) + "\r\n"


DEFAULT = invoke("allocate", "--format", "csv").stdout


@pytest.mark.parametrize("name", ["scb_export_semikolon.csv", "scb_export_komma.csv"])
def test_the_fixtures_give_the_shipped_figures(name: str) -> None:
    result = invoke("allocate", "--population", str(FIXTURES / name), "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout == DEFAULT


#: Separator and how counts are written: SCB's comma or semicolon export, Excel's re-saved
#: semicolon file with decimal commas, and tab; a decimal comma only where it is not the separator.
VARIANTS = [(sep, dec) for sep in (";", ",", "\t") for dec in ("", ",00", ".00", ",0") if not (sep == "," and "," in dec)]


@pytest.mark.parametrize(("sep", "decimals"), VARIANTS)
@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
@pytest.mark.parametrize("riket", ["first", "last", "none"])
def test_every_variant_gives_the_shipped_figures(tmp_path: Path, sep: str, decimals: str, bom: bytes,
                                                 riket: str) -> None:
    path = tmp_path / "scb.csv"
    path.write_bytes(bom + _export(sep, decimals, riket).encode("utf-8"))
    regions, borrowed = load_short_population(path, load_population(data_file("population_2023.csv"),
                                                                    ("population", "hsl_insatser")))
    assert {r.code: r.count("population") for r in regions} == _own()
    assert "hsl_insatser" in borrowed


def test_a_riket_row_that_does_not_match_the_sum_is_refused(tmp_path: Path) -> None:
    for riket, row in (("first", 4), ("last", 25)):
        path = tmp_path / f"scb_{riket}.csv"
        path.write_text(_export(riket=riket, total_delta=-7), encoding="utf-8")
        result = invoke("allocate", "--population", str(path), "--format", "csv")
        assert result.exit_code == 2 and result.stdout == ""
        total = sum(_own().values())
        assert f"{path}, row {row}, column '2023': the total row" in result.stderr
        assert f"says {total - 7}, but the län rows sum to {total}" in result.stderr


def test_a_half_count_names_file_row_and_column(tmp_path: Path) -> None:
    path = tmp_path / "scb.csv"
    path.write_text(_export(decimals=",00").replace("2455914,00", "2455914,50"), encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_short_population(path, load_population(data_file("population_2023.csv"), ("population", "hsl_insatser")))
    assert [str(p) for p in info.value.problems] == [
        f"{path}, row 5, column '2023': a decimal count (2455914,50); a count of people is a whole number"
    ]


def test_a_year_heads_only_the_population_of_the_short_form(tmp_path: Path) -> None:
    # A full-format file keeps its own headings: a year is no name for its other columns.
    path = tmp_path / "full.csv"
    path.write_text("lan_code;lan;region;2023;hsl_insatser\n01;Stockholm;Region Stockholm;1;2\n", encoding="utf-8")
    result = invoke("allocate", "--population", str(path))
    assert result.exit_code == 2 and "'2023': unknown column" in result.stderr


@given(st.integers(0, MAX_POPULATION), st.sampled_from([",00", ".00", ",0", ".0"]))
def test_zero_decimals_read_as_the_whole_number(n: int, decimals: str) -> None:
    assert parse_count(f"{n}{decimals}") == n
    assert parse_count(f"{n:,}".replace(",", " ") + decimals) == n


@given(st.integers(0, MAX_POPULATION), st.integers(1, 99))
def test_nonzero_decimals_are_refused(n: int, cents: int) -> None:
    for text in (f"{n},{cents:02d}", f"{n}.{cents:02d}"):
        with pytest.raises(ValueError, match="decimal count"):
            parse_count(text)


def _renamed_count(tmp_path: Path, name: str) -> Path:
    """``tests/fixtures/rural_two`` with its recipients' count ``population`` called ``name``."""
    import shutil

    folder = tmp_path / "ag"
    shutil.copytree(FIXTURES / "rural_two", folder)
    toml = (folder / "agreement.toml").read_text(encoding="utf-8")
    toml = toml.replace('"population"', f'"{name}"').replace(f'key = "{name}"', 'key = "population"')
    (folder / "agreement.toml").write_text(toml, encoding="utf-8")
    rows = (folder / "regioner.csv").read_text(encoding="utf-8").replace(",population\n", f",{name}\n", 1)
    (folder / "regioner.csv").write_text(rows, encoding="utf-8")
    return folder


def test_the_short_form_fills_the_agreements_own_inhabitants_count(tmp_path: Path) -> None:
    """SCB's two columns give the population, whatever the agreement calls its inhabitants count
    (here ``folkmangd``): a changed Stockholm changes the result (it was silently ignored)."""
    folder = _renamed_count(tmp_path, "folkmangd")
    short = tmp_path / "scb.csv"
    short.write_text(_export(riket="none").replace(f'"{SCB_NAMES["01"]}";2455914', f'"{SCB_NAMES["01"]}";7367742'),
                     encoding="utf-8")
    own = invoke("allocate", "--agreement", folder, "--population", short, "--format", "csv")
    agreed = invoke("allocate", "--agreement", folder, "--format", "csv")
    assert own.exit_code == 0 and agreed.exit_code == 0, own.output
    stockholm = next(r for r in csv.DictReader(own.stdout.splitlines()) if r["lan_code"] == "01")
    assert stockholm["folkmangd"] == "7367742"
    assert own.stdout != agreed.stdout
