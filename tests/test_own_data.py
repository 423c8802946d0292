"""Own data by slot and by date (``own_data``, ``Scenario.with_data``/``labelled``; issue 17 §3, issue 18 §2).

``--data NAME=FILE`` is ``--population FILE``; ``--data-date NAME=YYYY-MM-DD`` makes every heading
derived from the data's date follow the own file (table, CSV, JSON, explain, the printed bilagor,
the workbook); an own file without a date is never labelled with the agreement's date.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import godnaravard
from godnaravard.agreements import load_agreement, swedish_date
from godnaravard.errors import InputError
from godnaravard.own_data import DataSlotError, data_slots, own_file_text, parse_date, unknown_slot
from godnaravard.resources import data_file
from godnaravard.scenario import load_scenario, scenario_from
from tests._cli import invoke

AGREEMENT = load_agreement()  # the default agreement: population and the rural key
SHIPPED = AGREEMENT.recipients.path
#: The agreement's own date of its population data, in every form a heading may show it.
OLD = AGREEMENT.recipients.date


def _old_forms() -> tuple[str, ...]:
    return tuple(swedish_date(OLD, style) for style in ("short", "long", "month"))


@pytest.fixture
def own(tmp_path: Path) -> Path:
    """An own population file that differs from the agreement's (every population + 1 000)."""
    lines = SHIPPED.read_text(encoding="utf-8").splitlines()
    head, rows = lines[0], lines[1:]
    col = head.split(",").index("population")
    out = [head]
    for row in rows:
        cells = row.split(",")
        cells[col] = str(int(cells[col]) + 1000)
        out.append(",".join(cells))
    path = tmp_path / "befolkning.csv"
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


def _workbook_texts(path: Path) -> list[str]:
    wb = openpyxl.load_workbook(path)
    return [f"{ws.title}!{c.coordinate}: {c.value}" for ws in wb for row in ws.iter_rows() for c in row
            if isinstance(c.value, str)]


def _workbook_values(path: Path) -> dict[str, object]:
    wb = openpyxl.load_workbook(path)
    return {f"{ws.title}!{c.coordinate}": c.value for ws in wb for row in ws.iter_rows() for c in row
            if not isinstance(c.value, dt.datetime)}  # (the export's time)


# --- --data NAME=FILE is --population FILE ------------------------------------------------------

@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_data_population_equals_population_option(own: Path, fmt: str) -> None:
    short = invoke("allocate", "--population", own, "--format", fmt)
    long = invoke("allocate", "--data", f"population={own}", "--format", fmt)
    assert short.exit_code == long.exit_code == 0, short.output + long.output
    assert long.stdout == short.stdout
    assert fmt != "json" or json.loads(long.stdout)["scenario"]["own_files"] == {"population": str(own)}


def test_data_population_equals_population_option_in_the_workbook(own: Path, tmp_path: Path) -> None:
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    assert invoke("export", "--population", own, "--output", a).exit_code == 0
    assert invoke("export", "--data", f"population={own}", "--output", b).exit_code == 0
    values_a, values_b = _workbook_values(a), _workbook_values(b)
    assert values_a == values_b
    assert any(str(own) in str(v) for v in values_b.values())


def test_api_data_equals_population_keyword(own: Path) -> None:
    a = godnaravard.allocate(population=own)
    b = godnaravard.allocate(data={"population": own})
    assert a.rows == b.rows and a.scenario.own_files() == b.scenario.own_files()
    assert b.agreement.label("population") == a.agreement.label("population")


def test_sweep_api_takes_data_and_dates(own: Path) -> None:
    pytest.importorskip("pandas")
    from godnaravard.sweep import sweep

    vary = {"ambulans.grundbelopp": "0,500000"}
    by_keyword = sweep(vary, population=own)
    by_slot = sweep(vary, data={"population": own}, data_dates={"population": "2024-11-01"})
    assert by_slot.equals(by_keyword)
    assert not by_slot.equals(sweep(vary))


# --- refusals --------------------------------------------------------------------------------

@pytest.mark.parametrize(("args", "words"), [
    (("--data", "befolkning=x.csv"), ("--data", "'befolkning'", "population, landsbygd")),
    (("--data-date", "population=2024-11-01"), ("--data-date", "own file", "--data population=FILE")),
    (("--data-date", "folk=2024-11-01"), ("--data-date", "'folk'", "population, landsbygd")),
    (("--data", "population"), ("--data", "NAME=FILE")),
])
def test_unknown_slot_or_misuse_is_one_line_and_exit_2(args: tuple[str, ...], words: tuple[str, ...]) -> None:
    res = invoke("allocate", *args)
    assert res.exit_code == 2
    assert "Traceback" not in res.output
    assert all(w in res.stderr for w in words), res.stderr


@pytest.mark.parametrize("date", ["2024-13-01", "2024-02-30", "1 nov 2024", "20241101", "", "2024-11-01T00:00"])
def test_bad_date_is_refused_with_exit_2(own: Path, date: str) -> None:
    res = invoke("allocate", "--population", own, "--data-date", f"population={date}")
    assert res.exit_code == 2, res.output
    assert res.stderr.startswith("godnaravard: error: --data-date, key 'population': ")
    assert res.stderr.count("\n") == 1 and "Traceback" not in res.output


def test_a_slot_given_twice_is_refused(own: Path) -> None:
    res = invoke("allocate", "--population", own, "--data", f"population={own}")
    assert res.exit_code == 2 and "given twice" in res.stderr


def test_an_agreement_without_a_rural_key_has_no_landsbygd_slot() -> None:
    svf = next(a for a in godnaravard.agreements.shipped_agreements() if a.landsbygd is None)
    assert data_slots(svf) == ("population",)
    assert unknown_slot(svf, "landsbygd") is not None and unknown_slot(svf, "population") is None
    with pytest.raises(InputError, match="data slots of .* are population$"):
        godnaravard.allocate(agreement=svf, data={"landsbygd": data_file("landsbygd_weights.csv")})


def test_parse_date() -> None:
    assert parse_date(" 2024-11-01 ") == dt.date(2024, 11, 1)
    assert parse_date(dt.date(2025, 9, 30)) == dt.date(2025, 9, 30)
    for bad in ("2024-1-01", "2024-02-30", 20241101, None, dt.datetime(2024, 11, 1)):
        with pytest.raises(DataSlotError):
            parse_date(bad)


# --- headings follow the own file's date -----------------------------------------------------

def _outputs(own: Path, *extra: str, tmp: Path) -> dict[str, str]:
    """Every output of an allocation with ``own`` as population file, by name."""
    base = ("--population", str(own), *extra)
    runs = {
        "table": ("allocate", *base),
        "csv": ("allocate", *base, "--format", "csv"),
        "json": ("allocate", *base, "--format", "json"),
        "explain": ("explain", "01", *base),
        "explain json": ("explain", "01", *base, "--format", "json"),
        **{f"{t} {fmt}": ("allocate", *base, "--table", t, "--format", fmt)
           for t in ("bilaga2", "bilaga3") for fmt in ("table", "csv", "json")},
    }
    out = {}
    for name, args in runs.items():
        res = invoke(*args, env={"COLUMNS": "200"})
        assert res.exit_code == 0, (name, res.output)
        out[name] = res.stdout
    book = tmp / "own.xlsx"
    assert invoke("export", *base, "--output", book).exit_code == 0
    out["workbook"] = "\n".join(_workbook_texts(book))
    return out


def test_data_date_relabels_every_output(own: Path, tmp_path: Path) -> None:
    outputs = _outputs(own, "--data-date", "population=2024-11-01", tmp=tmp_path)
    for name, text in outputs.items():
        assert not any(old in text for old in _old_forms()), (name, [ln for ln in text.splitlines()
                                                                     if any(o in ln for o in _old_forms())])
    for name in ("table", "explain", "bilaga3 json", "bilaga2 csv", "workbook"):
        assert "1 nov 2024" in outputs[name] or "november 2024" in outputs[name], name
    assert json.loads(outputs["json"])["data"]["population"]["date"] == "2024-11-01"
    assert json.loads(outputs["explain json"])["data"]["population"]["date"] == "2024-11-01"
    book = outputs["workbook"]
    for sheet, heading in (("Bilaga 2", "Befolkning november 2024"), ("Bilaga 3", "Befolkning november 2024"),
                           ("Per invånare", "Befolkning 1 nov 2024"), ("Underlag", "Befolkning 1 nov 2024")):
        assert any(line.startswith(f"{sheet}!") and line.endswith(f": {heading}") for line in book.splitlines()), \
            sheet
    assert "Underlag" in book and ": 2024-11-01" in book


def test_own_file_without_a_date_is_never_labelled_with_the_agreements_date(own: Path, tmp_path: Path) -> None:
    outputs = _outputs(own, tmp=tmp_path)
    for name, text in outputs.items():
        assert not any(old in text for old in _old_forms()), name
    assert "(egen fil)" in outputs["table"] and "(egen fil)" in outputs["bilaga3 table"]
    assert json.loads(outputs["json"])["data"]["population"]["date"] is None
    assert "Per invånare" in outputs["workbook"] and "Befolkning (egen fil)" in outputs["workbook"]
    assert str(own) in outputs["table"] and str(own) in outputs["explain"]  # the title names the file


def test_the_agreements_own_file_keeps_its_date_in_notes(tmp_path: Path) -> None:
    """An SCB short file takes the other counts from the agreement's file: that note keeps its date."""
    short = tmp_path / "scb.csv"
    short.write_text("Län;Folkmängd\n" + "".join(f"{r.code};{r.count('population')}\n" for r in
                                                  godnaravard.allocate().result.inputs.recipients), encoding="utf-8")
    alloc = godnaravard.allocate(data={"population": short}, data_dates={"population": "2024-11-01"})
    assert alloc.agreement.label("population") == "Befolkning 1 nov 2024"
    assert any(AGREEMENT.recipients.label in note for note in alloc.notes)


#: Each case reads the data and relabels the definition (about 40 ms): the ci profile's 10 000 would take minutes.
@settings(max_examples=min(settings().max_examples, 100), deadline=None)
@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 12, 31)))
def test_the_date_changes_headings_and_never_an_amount(date: dt.date) -> None:
    population = AGREEMENT.recipients.path
    dated = godnaravard.allocate(data={"population": population}, data_dates={"population": date})
    plain = godnaravard.allocate()
    assert dated.rows == plain.rows
    assert dated.as_signed  # the shipped file's exact copy is still the agreement's data
    expected = AGREEMENT.label("population") if date == OLD else f"Befolkning {swedish_date(date)}"
    assert dated.agreement.label("population") == expected
    assert own_file_text(dated.scenario, "population").endswith(f"per {swedish_date(date)}")


def test_a_differing_own_file_is_never_as_signed_and_a_copy_is(own: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.csv"
    shutil.copyfile(SHIPPED, copy)
    assert godnaravard.allocate(population=copy).as_signed
    assert not godnaravard.allocate(population=own, data_dates={"population": OLD}).as_signed


# --- scenario files: dates beside paths, paths relative to the file ---------------------------

def test_scenario_file_dates_its_data_and_resolves_paths_against_its_folder(own: Path, tmp_path: Path) -> None:
    folder = tmp_path / "scenarier"
    folder.mkdir()
    shutil.copyfile(own, folder / "befolkning.csv")
    (folder / "bas.toml").write_text('name = "bas"\nbase = "2024"\n[parameters]\n"ambulans.grundbelopp" = 1_000_000\n',
                                     encoding="utf-8")
    (folder / "ny.toml").write_text('name = "ny"\nbase = "bas.toml"\n'
                                    '[data]\npopulation = { file = "befolkning.csv", date = 2024-11-01 }\n',
                                    encoding="utf-8")
    elsewhere = tmp_path / "annan"
    elsewhere.mkdir()
    res = invoke("allocate", "--scenario", folder / "ny.toml", "--format", "json", cwd=elsewhere)
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["data"]["population"] == {"file": str(folder / "befolkning.csv"), "date": "2024-11-01", "own": True}
    assert doc["parameters"]["ambulans.grundbelopp"]["value"] == 1_000_000
    table = invoke("allocate", "--scenario", Path("..") / "scenarier" / "ny.toml", cwd=elsewhere,
                   env={"COLUMNS": "200"})
    assert table.exit_code == 0 and "1 nov 2024" in table.stdout and "1 nov 2023" not in table.stdout


def test_scenario_file_base_may_be_an_agreement_folder_beside_it(tmp_path: Path) -> None:
    invoke("agreement", "new", tmp_path / "kopia", "--from", AGREEMENT.name)
    (tmp_path / "s.toml").write_text('name = "s"\nbase = "kopia"\n', encoding="utf-8")
    elsewhere = tmp_path / "annan"
    elsewhere.mkdir()
    res = invoke("allocate", "--scenario", tmp_path / "s.toml", "--format", "csv", cwd=elsewhere)
    assert res.exit_code == 0, res.output
    assert res.stdout == invoke("allocate", "--agreement", tmp_path / "kopia", "--format", "csv").stdout


def test_an_undated_file_in_a_scenario_drops_its_bases_date(own: Path, tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text(f'name = "a"\nbase = "2024"\n[data]\npopulation = {{ file = "{own.name}", '
                                     'date = "2024-11-01" }\n', encoding="utf-8")
    (tmp_path / "b.toml").write_text(f'name = "b"\nbase = "a.toml"\n[data]\npopulation = "{own.name}"\n',
                                     encoding="utf-8")
    assert load_scenario(tmp_path / "a.toml").data_dates == {"population": dt.date(2024, 11, 1)}
    assert load_scenario(tmp_path / "b.toml").data_dates == {}


@pytest.mark.parametrize(("entry", "key", "words"), [
    ('population = { file = "x.csv", date = "1 nov" }', "data.population.date", "expected a date"),
    ('population = { date = 2024-11-01 }', "data.population.file", "Field required"),
    ('folk = "x.csv"', "data.folk", "unknown data slot"),
    ('population = 5', "data.population", "expected the path of a file"),
    ('population = { file = "x.csv", date = 2024-11-01T07:32:00Z }', "data.population.date", "a date and time"),
    ('population = { file = "x.csv", date = "' + "9" * 100_000 + '" }', "data.population.date", "expected a date"),
    ('population = { file = "x.csv", date = { y = 2024 } }', "data.population.date", "expected a date"),
    ('population = { file = "x.csv", datum = 2024-11-01 }', "data.population.datum", "Extra inputs"),
])
def test_bad_data_entries_in_a_scenario_file(own: Path, tmp_path: Path, entry: str, key: str, words: str) -> None:
    shutil.copyfile(own, tmp_path / "x.csv")
    path = tmp_path / "s.toml"
    path.write_text(f'name = "s"\nbase = "2024"\n[data]\n{entry}\n', encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_scenario(path)
    assert any(p.key == key and words in p.message for p in err.value.problems), err.value.problems
    res = invoke("allocate", "--scenario", path)
    assert res.exit_code == 2 and f"key '{key}'" in res.stderr
    assert len(res.stderr) < 1000  # a long value is cut, never echoed whole


def test_scenario_from_takes_data_and_dates(own: Path) -> None:
    sc = scenario_from(data={"population": own}, data_dates={"population": dt.date(2024, 11, 1)})
    assert sc.own_files() == {"population": own}
    assert godnaravard.allocate(sc).agreement.label("population") == "Befolkning 1 nov 2024"
    with pytest.raises(InputError, match="given twice"):
        scenario_from(population=own, data={"population": own})


def test_a_side_read_under_a_relabelled_agreement_keeps_the_agreements_own_headings(own: Path,
                                                                                      tmp_path: Path) -> None:
    """diff A B: A with a dated own file; B, a scenario file without an agreement of its own, is
    read under A's agreement, but with the agreement's data it carries the agreement's headings."""
    from godnaravard.comparison import resolve_side

    a = godnaravard.allocate(data={"population": own}, data_dates={"population": "2024-11-01"})
    assert a.agreement.plain is AGREEMENT
    (tmp_path / "b.toml").write_text('name = "b"\n[parameters]\n"ambulans.grundbelopp" = 1_000_000\n',
                                     encoding="utf-8")
    b = godnaravard.allocate(resolve_side(str(tmp_path / "b.toml"), None, a.agreement))
    assert b.agreement is AGREEMENT and b.agreement.label("population") == AGREEMENT.label("population")
    (tmp_path / "c.toml").write_text(f'name = "c"\nagreement = "{AGREEMENT.name}"\n', encoding="utf-8")
    assert godnaravard.allocate(resolve_side(str(tmp_path / "c.toml"), None, a.agreement)).agreement is AGREEMENT
    res = invoke("diff", tmp_path / "b.toml", "--population", own, "--data-date", "population=2024-11-01",
                 env={"COLUMNS": "200"})
    assert res.exit_code == 0, res.output
    assert "per 1 nov 2024" in res.stdout


def test_data_date_dates_the_own_file_of_a_scenario_file(own: Path, tmp_path: Path) -> None:
    shutil.copyfile(own, tmp_path / "mine.csv")
    (tmp_path / "s.toml").write_text('name = "s"\nbase = "2024"\n[data]\npopulation = "mine.csv"\n', encoding="utf-8")
    res = invoke("allocate", "--scenario", tmp_path / "s.toml", "--data-date", "population=2025-11-01",
                 "--format", "json")
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["data"]["population"] == {"file": str(tmp_path / "mine.csv"), "date": "2025-11-01",
                                                            "own": True}
