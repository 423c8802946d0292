"""An agreement whose recipients are kommuner works with every command (issue 17 §3, one recipient type).

The fixture tests/fixtures/kommun_bidrag/ shares 20 000 000 kr among the eight kommuner of
Jämtlands län: 1 000 000 kr each, then half by pupils and half by population; its official table
prints what the rule gives, with a total row "Totalt" in the code column. Every command names the
recipients as the definition does (``kommun_code``, ``kommun``, "8 kommuner"), never as regions or
län. The fixture tests/fixtures/guide_kommuner_ambulans/ (recipients per län) runs every command too.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest

from tests._cli import invoke

FIXTURES = Path(__file__).parent / "fixtures"
KOMMUN = FIXTURES / "kommun_bidrag"
GUIDE = FIXTURES / "guide_kommuner_ambulans"
TOTAL = 20_000_000
KOMMUNER = ("2303", "2305", "2309", "2313", "2321", "2326", "2361", "2380")


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def _ok(*args: str | Path) -> str:
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture(scope="module")
def rows() -> dict[str, dict[str, str]]:
    """``allocate --format csv`` of the kommun fixture, by kommun code."""
    return {r["kommun_code"]: r for r in _csv(_ok("allocate", "--agreement", KOMMUN, "--format", "csv"))}


def test_allocate_names_the_columns_as_the_definition(rows: dict[str, dict[str, str]]) -> None:
    assert tuple(rows) == KOMMUNER
    assert list(rows["2305"]) == ["kommun_code", "kommun", "population", "elever", "bidrag"]
    assert rows["2305"]["kommun"] == "Bräcke"
    assert sum(int(r["bidrag"]) for r in rows.values()) == TOTAL
    assert all(int(r["bidrag"]) > 1_000_000 for r in rows.values())  # the base amount, and a share


@pytest.mark.parametrize("name", ["2305", "Bräcke", "bräcke"])
def test_explain_finds_a_kommun_by_code_or_name(name: str, rows: dict[str, dict[str, str]]) -> None:
    text = _ok("explain", name, "--agreement", KOMMUN)
    assert "Bräcke (2305, Jämtland Härjedalen), step by step" in text
    assert "to each of the 8 kommuner" in text and "Σ population, 8 kommuner" in text
    assert "bidrag = 1 000 000 + " in text
    amount = int(rows["2305"]["bidrag"])
    assert f"{amount:,} kr".replace(",", " ") in text
    assert "recipients" not in text.replace("balancing", "").split("Data", 1)[1].split("Rounding", 1)[0]


def test_explain_json_and_csv_name_the_kommun_columns(rows: dict[str, dict[str, str]]) -> None:
    doc = json.loads(_ok("explain", "Krokom", "--agreement", KOMMUN, "--format", "json"))
    assert (doc["kommun_code"], doc["kommun"], doc["lan"]) == ("2309", "Krokom", "Jämtland Härjedalen")
    assert "lan_code" not in doc and "region" not in doc
    parts = _csv(_ok("explain", "2309", "--agreement", KOMMUN, "--format", "csv"))
    assert list(parts[0])[:3] == ["kommun_code", "kommun", "line"]
    assert {(p["kommun_code"], p["kommun"]) for p in parts} == {("2309", "Krokom")}
    assert sum(int(p["amount"]) for p in parts) == int(rows["2309"]["bidrag"])


@pytest.mark.parametrize(("name", "message"), [
    ("0114", "0114 Upplands Väsby is not among the 8 kommuner of Bidrag till kommunerna i Jämtlands län 2024: "
             "2303 Ragunda, 2305 Bräcke"),
    ("Brake", "unknown kommun 'Brake' (did you mean Bräcke?)"),
    ("Upplands-Väsby", "(Upplands Väsby, the nearest name, is not among the kommuner)"),
])
def test_explain_refuses_a_kommun_that_is_not_a_recipient(name: str, message: str) -> None:
    result = invoke("explain", name, "--agreement", KOMMUN)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith("godnaravard: error: ") and result.stderr.count("\n") == 1
    assert message in result.stderr
    assert "Jämtland Härjedalen" not in result.stderr  # the kommuner are listed by their own names


def test_diff_with_set_names_kommuner_in_every_format() -> None:
    changed = ("diff", KOMMUN, "--set", "bidrag.total=22000000")
    table = _ok(*changed)
    assert "B − A per kommun" in table and "┃ Kommun" in table and "2305 Bräcke" in table
    assert "Län" not in table and "2305 Jämtland" not in table
    records = _csv(_ok(*changed, "--format", "csv"))
    assert list(records[0])[:4] == ["kommun_code", "lan", "kommun", "column"]
    by_code = {r["kommun_code"]: r for r in records if r["kommun_code"]}
    assert set(by_code) == set(KOMMUNER) and by_code["2305"]["kommun"] == "Bräcke"
    assert sum(int(r["diff"]) for r in by_code.values()) == 2_000_000
    doc = json.loads(_ok(*changed, "--format", "json"))
    assert [r["kommun_code"] for r in doc["regions"]] == list(KOMMUNER)
    assert doc["totals"]["kommun"] == "Totalt" and "lan_code" not in doc["totals"]


def test_diff_against_a_copied_folder_with_another_total(tmp_path: Path) -> None:
    copy = tmp_path / "kopia"
    shutil.copytree(KOMMUN, copy)
    definition = copy / "agreement.toml"
    definition.write_text(definition.read_text(encoding="utf-8").replace("value = 20_000_000", "value = 24_000_000"),
                          encoding="utf-8")
    records = _csv(_ok("diff", KOMMUN, copy, "--format", "csv"))
    bidrag = [r for r in records if r["column"] == "bidrag"]
    assert [r["kommun"] for r in bidrag[:-1]] == [r["kommun"] for r in _csv(KOMMUN.joinpath("kommuner.csv").read_text(
        encoding="utf-8"))]
    assert bidrag[-1]["kommun"] == "Totalt" and int(bidrag[-1]["diff"]) == 4_000_000
    assert "│ 2380 Östersund" in _ok("diff", KOMMUN, copy)


def test_sweep_names_the_kommun_columns(tmp_path: Path) -> None:
    out = tmp_path / "sweep.csv"
    result = invoke("sweep", "--agreement", KOMMUN, "--vary", "bidrag.total=20000000:22000000:1000000",
                    "--output", out)
    assert result.exit_code == 0, result.output
    assert "3 scenarios × 8 kommuner = 24 rows" in result.output
    records = _csv(out.read_text(encoding="utf-8"))
    assert list(records[0]) == ["scenario", "bidrag.total", "kommun_code", "kommun", "bidrag"]
    for scenario in ("1", "2", "3"):
        mine = [r for r in records if r["scenario"] == scenario]
        assert [r["kommun_code"] for r in mine] == list(KOMMUNER)
        assert sum(int(r["bidrag"]) for r in mine) == int(mine[0]["bidrag.total"])


def test_check_reconciles_the_kommun_table_and_names_its_code_column() -> None:
    assert _ok("check", "--agreement", KOMMUN).rstrip().endswith("Result: OK (tolerance 1 kr per cell, column sums "
                                                                  "exact)")
    cells = _csv(_ok("check", "--agreement", KOMMUN, "--format", "csv"))
    assert [c["kommun_code"] for c in cells] == list(KOMMUNER)  # the Totalt row is no recipient
    doc = json.loads(_ok("check", "--agreement", KOMMUN, "--format", "json"))
    assert doc["ok"] and doc["summary"]["cells"] == 8 and not doc["input_mismatches"]
    assert {c["kommun_code"] for c in doc["cells"]} == set(KOMMUNER)


def test_check_names_a_deviating_kommun(tmp_path: Path) -> None:
    copy = tmp_path / "kopia"
    shutil.copytree(KOMMUN, copy)
    official = copy / "official" / "tabell1.csv"
    lines = official.read_text(encoding="utf-8").splitlines()
    code, name, population, amount = lines[2].split(",")
    lines[2] = ",".join((code, name, population, str(int(amount) + 500)))
    official.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = invoke("check", "--agreement", copy)
    assert result.exit_code == 1
    assert "2305 Bräcke" in result.stdout and "DEVIATIONS" in result.stdout


def test_export_writes_an_underlag_sheet_that_reads_back(tmp_path: Path, rows: dict[str, dict[str, str]]) -> None:
    book = tmp_path / "kommuner.xlsx"
    _ok("export", "--agreement", KOMMUN, "--output", book)
    again = _csv(_ok("allocate", "--agreement", KOMMUN, "--population", f"{book}#Underlag", "--format", "csv"))
    assert {r["kommun_code"]: r for r in again} == rows


def test_a_what_if_workbook_compares_kommun_by_kommun_with_the_agreement(tmp_path: Path) -> None:
    """A what-if's Per invånare sheet compares each kommun with the agreement as signed (it read a
    `lan_code` column the kommun rows do not have, and the export failed), totalled as "Totalt"."""
    openpyxl = pytest.importorskip("openpyxl")
    book = tmp_path / "whatif.xlsx"
    _ok("export", "--agreement", KOMMUN, "--set", "bidrag.grundbelopp=1500000", "--output", book)
    ws = openpyxl.load_workbook(book, data_only=True)["Per invånare"]
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert "Förändring mot överenskommelsen, per kommun (kronor)" in texts
    assert texts.count("Totalt") == 2 and "Riket" not in texts


@pytest.mark.parametrize(("args", "shown"), [
    (("allocate", "--format", "csv"), "09,Region Gotland,"), (("explain", "09"), "Gotland (09, Region Gotland)"),
    (("explain", "Region Gotland", "--format", "json"), '"region": "Region Gotland"'),
    (("check",), "Result: OK"), (("parameters",), "ambulans.grundbelopp"),
])
def test_the_guide_fixture_works_with_every_command(args: tuple[str, ...], shown: str) -> None:
    assert shown in _ok(*args, "--agreement", GUIDE)


def test_the_guide_fixture_diffs_and_sweeps_with_its_own_columns(tmp_path: Path) -> None:
    records = _csv(_ok("diff", GUIDE, "--set", "ambulans.total=50000000", "--format", "csv"))
    assert list(records[0])[:3] == ["lan_code", "lan", "region"] and len(records) == 2 * 22
    out = tmp_path / "sweep.csv"
    _ok("sweep", "--agreement", GUIDE, "--vary", "ambulans.total=46000000:48000000:1000000", "--output", out)
    assert list(_csv(out.read_text(encoding="utf-8"))[0])[:4] == ["scenario", "ambulans.total", "lan_code", "region"]
