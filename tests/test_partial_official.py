"""What real agreements say (issue 17 §2), on the fixture tests/fixtures/partial_thousands/: a
published table in thousands of kronor (``round_to = 1000``) that leaves a row out, has two empty
cells, writes codes without the leading zero and names its recipients in a column "Län"; a data
file with a column the agreement does not use."""

from __future__ import annotations

import csv
import io
import json
import shutil
import tempfile
from pathlib import Path

import pytest
from _cli import invoke
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from godnaravard.reference import normal_code

FIXTURE = Path(__file__).parent / "fixtures" / "partial_thousands"


def test_check_passes_on_what_is_printed() -> None:
    result = invoke("check", "--agreement", FIXTURE)
    assert result.exit_code == 0, result.output
    out = result.output
    assert "cells compared:        19 (Tabell 1: 19)" in out
    assert "not printed:           4 (listed below; not compared)" in out
    assert "Tabell 1 Stöd (no row): 13 Region Halland" in out
    assert "Tabell 1 Stöd (empty cell): 09 Gotland" in out
    assert "Tabell 1 Befolkning (empty cell): 24 Västerbotten" in out
    assert "Result: OK" in out


def test_check_json_lists_what_is_not_printed() -> None:
    doc = json.loads(invoke("check", "--agreement", FIXTURE, "--format", "json").stdout)
    assert doc["ok"] and doc["summary"]["cells"] == 19 and doc["summary"]["not_printed"] == 4
    assert {(c["column"], c["lan_code"], c["why"]) for c in doc["not_printed"]} == {
        ("stod", "13", "no row"), ("population", "13", "no row"), ("stod", "09", "empty cell"),
        ("population", "24", "empty cell")}
    # Codes written without their leading zero are matched ("1" is "01"); the total row is no recipient.
    assert {c["lan_code"] for c in doc["cells"]} == {
        "01", "03", "04", "05", "06", "07", "08", "10", "12", "14", "17", "18", "19", "20", "21", "22", "23", "24", "25"}
    assert not doc["input_mismatches"]


def test_deviations_are_named_from_the_declared_name_column() -> None:
    result = invoke("check", "--agreement", FIXTURE, "--set", "stod.total=2000000000")
    assert result.exit_code == 1
    assert "Tabell 1 Stöd, 01 Stockholm:" in result.output  # "Län", not our "Region Stockholm"


def test_without_a_name_column_the_names_are_ours(tmp_path: Path) -> None:
    folder = tmp_path / "copy"
    shutil.copytree(FIXTURE, folder)
    toml = folder / "agreement.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('name_column = "Län"\n', ""), encoding="utf-8")
    doc = json.loads(invoke("check", "--agreement", folder, "--set", "stod.total=2000000000",
                            "--format", "json").stdout)
    names = {c["lan_code"]: c["name"] for c in doc["cells"]}
    assert names["01"] == "Region Stockholm" and all(names.values())


def test_a_printed_recipient_missing_from_the_data_is_still_a_deviation(tmp_path: Path) -> None:
    folder = tmp_path / "copy"
    shutil.copytree(FIXTURE, folder)
    official = folder / "official" / "tabell1.csv"
    official.write_text(official.read_text(encoding="utf-8") + "99,Nowhere,1,1000\n", encoding="utf-8")
    result = invoke("check", "--agreement", folder)
    assert result.exit_code == 1
    assert "99: in the official tables but not in the input data" in result.output


def test_a_table_in_thousands_is_compared_in_kronor(tmp_path: Path) -> None:
    """``official_unit = 1000``: the printed 232 619 is 232 619 000 kr; without it every cell deviates."""
    doc = json.loads(invoke("check", "--agreement", FIXTURE, "--format", "json").stdout)
    assert {c["lan_code"]: c["official"] for c in doc["cells"]}["01"] == 232_619_000
    folder = _with(tmp_path, "official_unit = 1000\n", "")
    result = invoke("check", "--agreement", folder)
    assert result.exit_code == 1 and "exact:                 0 of 19" in result.output


def test_a_name_column_the_table_lacks_is_a_definition_error(tmp_path: Path) -> None:
    folder = tmp_path / "copy"
    shutil.copytree(FIXTURE, folder)
    toml = folder / "agreement.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('name_column = "Län"', 'name_column = "Namn"'),
                    encoding="utf-8")
    result = invoke("check", "--agreement", folder)
    assert result.exit_code == 2
    assert "key 'tables.tabell1.name_column': the official table 'official/tabell1.csv' has no column 'Namn'" in (
        result.stderr)


@pytest.mark.parametrize(("code", "width", "expected"), [
    ("1", 2, "01"), (" 3 ", 2, "03"), ("01", 2, "01"), ("114", 4, "0114"), ("1", 4, "0001"), ("AB", 2, "AB"),
    ("", 2, ""), ("123", 2, "123"),
])
def test_codes_are_normalised_to_the_width_of_the_data(code: str, width: int, expected: str) -> None:
    assert normal_code(code, width) == expected


def test_amounts_are_whole_thousands_that_sum_to_the_total() -> None:
    result = invoke("allocate", "--agreement", FIXTURE, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 21 and all(int(r["stod"]) % 1000 == 0 for r in rows)
    assert sum(int(r["stod"]) for r in rows) == 1_000_000_000


def test_agreement_show_lists_the_columns_it_does_not_use() -> None:
    result = invoke("agreement", "show", FIXTURE)
    assert result.exit_code == 0, result.output
    assert "  data population: columns not used: hsl_insatser" in result.output


def _with(tmp_path: Path, old: str, new: str) -> Path:
    folder = tmp_path / "copy"
    shutil.copytree(FIXTURE, folder)
    toml = folder / "agreement.toml"
    text = toml.read_text(encoding="utf-8")
    assert old in text
    toml.write_text(text.replace(old, new), encoding="utf-8")
    return folder


@pytest.mark.parametrize(("old", "new", "message"), [
    ("round_to = 1000", "round_to = true", "key 'lines.stod.round_to'"),
    ("round_to = 1000", "round_to = 0", "key 'lines.stod.round_to'"),
    ("round_to = 1000", 'round_to = "1000"', "key 'lines.stod.round_to'"),
    ("round_to = 1000", "round_to = 1000.0", "key 'lines.stod.round_to'"),
    ('key = "population" }', 'key = "population", round_to = 1500 }',
     "key 'lines.stod.parts.befolkning.round_to': round_to = 1500 is not a whole multiple of the line's round_to = 1000"),
    ("value = 1_000_000_000", "value = 1_000_000_500",
     "stod.total (1000000500 kr) is not a whole multiple of the line's rounding unit (round_to = 1000 kr in line stod)"),
])
def test_bad_rounding_units_are_refused_in_one_line(tmp_path: Path, old: str, new: str, message: str) -> None:
    result = invoke("allocate", "--agreement", _with(tmp_path, old, new))
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert message in result.stderr, result.stderr


def test_a_what_if_not_in_whole_units_is_refused() -> None:
    result = invoke("allocate", "--agreement", FIXTURE, "--set", "stod.total=1000000001")
    assert result.exit_code == 2
    assert "stod.total (1000000001 kr) is not a whole multiple of the line's rounding unit" in result.stderr


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_cut_of_the_table_passes_and_lists_exactly_what_is_cut(tmp_path: Path, data: st.DataObject) -> None:
    """Whatever rows a page leaves out and whichever cells it leaves empty, ``check`` passes on the
    rest and lists exactly those as not printed."""
    folder = Path(tempfile.mkdtemp(dir=tmp_path)) / "cut"
    shutil.copytree(FIXTURE, folder)
    path = folder / "official" / "tabell1.csv"
    printed = [r for r in csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))) if r["Kod"]]
    kept = data.draw(st.lists(st.sampled_from(printed), unique_by=lambda r: r["Kod"], min_size=1))
    cells = sorted((r["Kod"], c) for r in kept for c in ("Befolkning", "Belopp") if r[c])
    blank = data.draw(st.sets(st.sampled_from(cells))) if cells else set()
    out = io.StringIO()
    writer = csv.DictWriter(out, ["Kod", "Län", "Befolkning", "Belopp"], lineterminator="\n")
    writer.writeheader()
    for r in kept:
        writer.writerow({k: "" if (r["Kod"], k) in blank else v for k, v in r.items()})
    path.write_text(out.getvalue(), encoding="utf-8")
    result = invoke("check", "--agreement", folder, "--format", "json")
    doc = json.loads(result.stdout)
    assert result.exit_code == 0 and doc["ok"]
    ours = {"Belopp": "stod", "Befolkning": "population"}
    shown = {r["Kod"].zfill(2): r for r in kept}
    expected = set()
    for code in [f"{i:02d}" for i in (1, 3, 4, 5, 6, 7, 8, 9, 10, 12, 13, 14, 17, 18, 19, 20, 21, 22, 23, 24, 25)]:
        for theirs, column in ours.items():
            if code not in shown:
                expected.add((column, code, "no row"))
            elif not shown[code][theirs] or (shown[code]["Kod"], theirs) in blank:
                expected.add((column, code, "empty cell"))
    assert {(c["column"], c["lan_code"], c["why"]) for c in doc["not_printed"]} == expected
    assert doc["summary"]["cells"] == sum(1 for code in shown if ("stod", code, "empty cell") not in expected)


def test_explain_counts_the_rounding_in_units() -> None:
    text = invoke("explain", "09", "--agreement", FIXTURE, env={"COLUMNS": "200"}).output
    assert "rounding     in units of 1 000 kr: floor 5 786 000 kr, remainder 0.5922; rank 13 of 21" in text
    assert "the 12 balancing units of 1 000 kr go to ranks 1–12 → none here" in text
    doc = json.loads(invoke("explain", "09", "--agreement", FIXTURE, "--format", "json").stdout)
    text_json = json.dumps(doc)
    assert '"unit": 1000' in text_json and '"amount": 5786000' in text_json
