"""Agreements as data: the shipped definitions, bad definitions, `agreements`, `agreement new|show`, `parameters`."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from _cli import invoke
from hypothesis import given
from hypothesis import strategies as st

from godnaravard import allocate
from godnaravard.agreements import default_agreement, load_agreement, shipped_agreements, swedish_date
from godnaravard.errors import InputError
from godnaravard.resources import data_dir

SVF = data_dir() / "agreements" / "svf-cancer-2025-2"


# --- The shipped agreements -------------------------------------------------------------------

def test_two_agreements_ship_and_the_default_is_god_och_nara_vard() -> None:
    names = [a.name for a in shipped_agreements()]
    assert names == ["god-och-nara-vard-2024", "svf-cancer-2025-2"]
    assert default_agreement() == names[0]
    assert load_agreement() is load_agreement("2024") is load_agreement(names[0])
    assert load_agreement("svf-2025-2") is load_agreement(SVF) is load_agreement(SVF / "agreement.toml")


def test_the_definitions_fill_in_year_and_data_dates() -> None:
    gnv = load_agreement("2024")
    assert gnv.title == "God och nära vård 2024"
    assert gnv.label("population") == "Befolkning 1 nov 2023"
    assert gnv.rules.keys["population"].section == "Avsnitt 12: befolkningsunderlaget den 1 november 2023"
    assert [d.isoformat() for _, d in gnv.signed] == ["2023-12-15", "2023-12-20"]
    assert swedish_date(gnv.recipients.date, "iso") == "2023-11-01"


def test_svf_reproduces_all_18_published_amounts() -> None:
    alloc = allocate(agreement="svf-cancer-2025-2")
    with (SVF / "official" / "utbetalning2.csv").open(encoding="utf-8") as fh:
        published = {r["lan_code"]: int(r["belopp_kr"]) for r in csv.DictReader(fh)}
    assert {r["lan_code"]: r["svf"] for r in alloc.rows} == published
    assert len(published) == 18 and "13" not in published


# --- Bad definitions: one clear error per problem, naming the file and the key path ------------

def _definition(tmp_path: Path, edit: tuple[str, str] | None = None, extra: str = "") -> Path:
    """A copy of the SVF definition in tmp_path with one text replaced (or text appended)."""
    folder = tmp_path / "a"
    shutil.copytree(SVF, folder)
    path = folder / "agreement.toml"
    text = path.read_text(encoding="utf-8")
    if edit is not None:
        assert edit[0] in text, edit[0]
        text = text.replace(edit[0], edit[1])
    path.write_text(text + extra, encoding="utf-8")
    return folder


BAD: list[tuple[str, tuple[str, str] | None, str, str, str]] = [
    # (id, replacement, appended text, key path, message)
    ("unknown key", ('key = "population", label = "Efter', 'key = "folk", label = "Efter'), "",
     "lines.svf.parts.befolkning.key", "unknown key 'folk'"),
    ("unknown column of the key", ('column = "population"\nlabel = "befolkningsandel"',
                                   'column = "invanare"\nlabel = "befolkningsandel"'), "",
     "keys.population.column", "unknown column 'invanare'"),
    ("unknown parameter", ('total = "svf.total"', 'total = "svf.summa"'), "",
     "lines.svf.total", "unknown parameter 'svf.summa'"),
    ("a share where an amount is needed", ('kind = "amount"\nunit = "kr"', 'kind = "share"\nunit = "kr"'), "",
     "lines.svf.total", "svf.total is a share, but this needs an amount"),
    ("a table column no part produces", ('columns = ["lan_code", "region", "population", "svf"]\nofficial',
                                         'columns = ["lan_code", "region", "population", "ambulans"]\nofficial'), "",
     "tables.utbetalning2.columns", "no column produces ambulans"),
    ("duplicate column names", None, '\n[[columns]]\nname = "svf"\nkind = "line"\nref = ["svf"]\nlabel = "Igen"\n',
     "columns.svf", "the column name 'svf' is used 2 times"),
    ("a part carved out beyond its line",
     ('parts = [\n    { name = "befolkning"', 'parts = [\n    { name = "extra", key = "population", amount = "svf.extra" },'
                                             '\n    { name = "befolkning"'),
     '\n[parameters."svf.extra"]\nvalue = 200_000_000\nkind = "amount"\nunit = "kr"\nlabel = "X"\nsource = "test"\n',
     "parameters", "svf.extra (200000000) is larger than svf.total (182500000), of which it is a part"),
    ("no rest part", ('{ name = "befolkning", key = "population", label', '{ name = "befolkning", key = "population", '
                                                                          'amount = "svf.total", label'), "",
     "lines.svf.parts", "exactly one part must take the rest"),
    ("a missing data file", ('file = "population_2025_09.csv"', 'file = "nowhere.csv"'), "",
     "data.population.file", "the data file 'nowhere.csv' does not exist"),
    ("a misspelt field", ('kind = "amount"', 'knid = "amount"'), "",
     "parameters.svf.total.kind", "Field required"),
    ("a mistyped column of the official table",
     ('official_columns = { svf = "belopp_kr"', 'official_columns = { svf = "belopp"'), "",
     "tables.utbetalning2.official_columns.svf", "the official table 'official/utbetalning2.csv' has no column 'belopp'"),
    ("an unknown placeholder", ('label = "Belopp"\ntotal', 'label = "Belopp {date.befolkning}"\ntotal'), "",
     "lines[0].label", "{date.befolkning} names no data file with a date"),
    # issue 17 §3: data slots declare their kind; one recipients slot; each count has one slot
    ("no recipients slot", ('kind = "recipients"', 'kind = "counts"'), "",
     "data", "exactly one data slot lists the recipients and their counts"),
    ("two recipients slots", None, '\n[data.andra]\nkind = "recipients"\nfile = "population_2025_09.csv"\n'
                                   'date = 2025-09-30\nlabel = "B"\nsource = "S"\ncounts = ["population"]\n',
     "data", "there are 2: population, andra"),
    ("a slot without a kind, beside another", ('kind = "recipients"\n', ""),
     '\n[data.andra]\nkind = "counts"\nfile = "population_2025_09.csv"\ndate = 2025-09-30\nlabel = "B"\n'
     'source = "S"\ncounts = ["population"]\n', "data.population.kind", "say what this data file is"),
    ("an unknown kind", ('kind = "recipients"', 'kind = "population"'), "",
     "data.population.kind", "Input should be 'recipients', 'counts' or 'rural_key'"),
    ("a slot name that is not an identifier", ("[data.population]", '[data."2befolkning"]'), "",
     "data.'2befolkning'", "is not an identifier"),
    ("a count named by two slots", None, '\n[data.mer]\nkind = "counts"\nfile = "population_2025_09.csv"\n'
                                         'date = 2025-09-30\nlabel = "B"\nsource = "S"\ncounts = ["population"]\n',
     "data.mer.counts", "the count 'population' is also a count of [data.population]"),
    ("a rural key without a rural_key slot",
     ('[keys.population]', '[keys.nyckel]\ncategories = { skog = "svf.total" }\n\n[keys.population]'),
     "", "keys.nyckel",
     'the rural key names no data slot (data = "SLOT") and the definition has no data slots of kind = "rural_key"'),
    ("a rural key reading a slot of another kind",
     ('[keys.population]', '[keys.nyckel]\ndata = "population"\ncategories = { skog = "svf.total" }\n\n'
                           '[keys.population]'),
     "", "keys.nyckel.data", "whose kind is 'recipients'; a rural key's data slot has kind = \"rural_key\""),
    ("a counts slot without counts", None, '\n[data.mer]\nkind = "counts"\nfile = "population_2025_09.csv"\n'
                                           'date = 2025-09-30\nlabel = "B"\nsource = "S"\n',
     "data.mer.counts", "a counts slot lists the counts it holds"),
    ("a rural key with counts", None, '\n[data.nyckel]\nkind = "rural_key"\nfile = "population_2025_09.csv"\n'
                                      'date = 2025-09-30\nlabel = "B"\nsource = "S"\ncounts = ["x"]\n',
     "data.nyckel.counts", "a rural key has no counts"),
]


@pytest.mark.parametrize(("edit", "extra", "key", "message"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_a_bad_definition_names_file_key_and_problem(tmp_path: Path, edit: tuple[str, str] | None, extra: str,
                                                     key: str, message: str) -> None:
    folder = _definition(tmp_path, edit, extra)
    with pytest.raises(InputError) as info:
        load_agreement(folder)
    problems = info.value.problems
    assert any(p.key == key and message in p.message for p in problems), problems
    assert all(p.file.endswith("agreement.toml") for p in problems)
    result = invoke("allocate", "--agreement", folder)
    assert result.exit_code == 2 and result.output.startswith("godnaravard: error: ")
    assert f"key '{key}'" in result.output and "Traceback" not in result.output


def test_every_problem_is_listed_at_once(tmp_path: Path) -> None:
    folder = _definition(tmp_path, ('total = "svf.total"', 'total = "svf.summa"'),
                         '\n[[columns]]\nname = "x"\nkind = "part"\nref = ["svf", "nope"]\nlabel = "X"\n')
    with pytest.raises(InputError) as info:
        load_agreement(folder)
    assert {p.key for p in info.value.problems} == {"lines.svf.total", "columns.x.ref"}


def test_a_data_file_that_lacks_a_recipient_or_sums_to_zero_is_named(tmp_path: Path) -> None:
    folder = _definition(tmp_path)
    data = folder / "population_2025_09.csv"
    rows = data.read_text(encoding="utf-8").splitlines()
    data.write_text("\n".join(rows[0:1] + [r.rsplit(",", 1)[0] + ",0" for r in rows[1:]]) + "\n", encoding="utf-8")
    result = invoke("allocate", "--agreement", folder)
    assert result.exit_code == 2
    assert "population_2025_09.csv" in result.output and "every row is zero" in result.output


def test_base_amount_times_recipients_above_the_line_is_refused(tmp_path: Path) -> None:
    folder = _definition(tmp_path, ('total = "svf.total"\nsection', 'total = "svf.total"\nbase = "svf.bas"\nsection'),
                         '\n[parameters."svf.bas"]\nvalue = 20_000_000\nkind = "amount"\nunit = "kr"\nlabel = "Bas"\n'
                         'source = "test"\n')
    result = invoke("allocate", "--agreement", folder)
    assert result.exit_code == 2
    assert result.output.startswith(f"godnaravard: error: {folder / 'agreement.toml'}, key 'parameters': ")
    assert "svf.bas 20000000 kr × 18 regions = 360000000 kr is more than svf.total 182500000 kr" in result.output


def test_an_unknown_agreement_lists_the_shipped_ones() -> None:
    result = invoke("allocate", "--agreement", "gnv-2031")
    assert result.exit_code == 2
    assert "no such agreement" in result.output and "god-och-nara-vard-2024" in result.output


# --- The commands ----------------------------------------------------------------------------------

def test_agreements_lists_name_title_totals_and_dates() -> None:
    doc = json.loads(invoke("agreements", "--format", "json").output)
    assert [(a["name"], a["title"]) for a in doc] == [
        ("god-och-nara-vard-2024", "God och nära vård 2024"),
        ("svf-cancer-2025-2", "Kortare väntetider i cancervården 2025, utbetalning 2"),
    ]
    assert doc[0]["total"] == 2_420_000_000 + 46_000_000 + 750_000_000
    assert doc[1]["data"] == {"population": "2025-09-30"}
    for width in ("80", "200"):
        table = invoke("agreements", env={"COLUMNS": width}).output
        assert "god-och-nara-vard-2024" in table and "(standard)" in table and "182 500 000" in table


def test_parameters_lists_every_key_with_value_unit_and_source() -> None:
    rows = list(csv.DictReader(io.StringIO(invoke("parameters", "--format", "csv").output)))
    keys = {r["key"]: r for r in rows}
    assert keys["ambulans.grundbelopp"]["value"] == "500000" and keys["ambulans.grundbelopp"]["unit"] == "kr"
    assert keys["kommuner.andel_insatser"]["value"] == "1/2"
    assert all(r["source"] for r in rows) and len(rows) == 19
    svf = json.loads(invoke("parameters", "--agreement", "svf-cancer-2025-2", "--format", "json").output)
    assert [p["key"] for p in svf["parameters"]] == ["svf.total"]


def test_agreement_new_copies_a_self_contained_definition(tmp_path: Path) -> None:
    target = tmp_path / "Min Kopia"
    result = invoke("agreement", "new", target, "--from", "svf-2025-2")
    assert result.exit_code == 0, result.output
    copy = load_agreement(target)
    assert copy.name == "min-kopia" and copy.aliases == () and copy.recipients.path.parent == target.resolve()
    assert all(t.official is None for t in copy.tables) and not (target / "official").exists()
    assert allocate(agreement=target).rows == allocate(agreement="svf-cancer-2025-2").rows
    again = invoke("agreement", "new", target)
    assert again.exit_code == 2 and "already exists" in again.output
    full = invoke("agreement", "new", tmp_path / "full", "--from", "2024", "--with-official")
    assert full.exit_code == 0 and (tmp_path / "full" / "official" / "bilaga3_regioner.csv").is_file()
    assert invoke("check", "--agreement", tmp_path / "full").exit_code == 0


def test_agreement_show_validates_and_summarises() -> None:
    result = invoke("agreement", "show", "svf-cancer-2025-2")
    assert result.exit_code == 0
    assert "mottagare: 18" in result.output and "Belopp: 182 500 000 kr fördelat" in result.output


# --- Recipients that are kommuner -------------------------------------------------------------------

KOMMUN_DEFINITION = """
name = "kommun-example"
title = "Ett bidrag till kommuner"
year = 2026
parties = ["Staten"]
document = "Testdokument"
sections = "Test"
recipients = "kommun"

[data.population]
kind = "recipients"
file = "kommuner.csv"
date = 2025-12-31
label = "Invånare"
source = "Test"
counts = ["population"]

[keys.population]
column = "population"

[[lines]]
name = "bidrag"
label = "Bidrag"
total = "bidrag.total"
base = "bidrag.bas"
section = "Test"
parts = [{ name = "befolkning", key = "population" }]

[[columns]]
name = "kommun_code"
kind = "code"
label = "Kommunkod"

[[columns]]
name = "kommun"
kind = "text"
label = "Kommun"

[[columns]]
name = "bidrag"
kind = "line"
ref = ["bidrag"]
label = "Bidrag"

[[tables]]
name = "overview"
label = "Översikt"
title = "Bidrag"
columns = ["kommun_code", "kommun", "bidrag"]

[parameters."bidrag.total"]
value = 1_000_000
kind = "amount"
unit = "kr"
label = "Totalt"
source = "Test"

[parameters."bidrag.bas"]
value = 100_000
kind = "amount"
unit = "kr"
label = "Grundbelopp per kommun"
source = "Test"
"""


def test_recipients_can_be_kommuner_by_four_digit_code(tmp_path: Path) -> None:
    (tmp_path / "agreement.toml").write_text(KOMMUN_DEFINITION, encoding="utf-8")
    (tmp_path / "kommuner.csv").write_text("kommun_code,kommun,population\n2303,Ragunda,5000\n2305,Bräcke,6000\n"
                                           "2309,Krokom,15000\n", encoding="utf-8")
    alloc = allocate(agreement=tmp_path)
    assert [(r["kommun_code"], r["kommun"]) for r in alloc.rows] == [("2303", "Ragunda"), ("2305", "Bräcke"),
                                                                    ("2309", "Krokom")]
    # 1 000 000 − 3 × 100 000 = 700 000 by population 5/26, 6/26, 15/26.
    assert [r["bidrag"] for r in alloc.rows] == [100_000 + 134_615, 100_000 + 161_539, 100_000 + 403_846]
    result = invoke("allocate", "--agreement", tmp_path, "--set", "bidrag.bas=400000")
    assert result.exit_code == 2
    assert "bidrag.bas 400000 kr × 3 kommuner = 1200000 kr is more than bidrag.total 1000000 kr" in result.output
    (tmp_path / "kommuner.csv").write_text("kommun_code,kommun,population\n2303,Bräcke,5000\n9999,X,1\n",
                                           encoding="utf-8")
    bad = invoke("allocate", "--agreement", tmp_path)
    assert bad.exit_code == 2
    assert "'Bräcke' is not the name of kommun 2303 (Ragunda)" in bad.output
    assert "kommun 9999 is not one of SCB's kommun codes" in bad.output


def test_a_rural_key_that_lacks_a_recipient_names_the_file(tmp_path: Path) -> None:
    folder = tmp_path / "gnv"
    assert invoke("agreement", "new", folder, "--from", "2024").exit_code == 0
    key = folder / "landsbygd_weights.csv"
    key.write_text("".join(line for line in key.read_text(encoding="utf-8").splitlines(keepends=True)
                           if not line.startswith("13,")), encoding="utf-8")
    result = invoke("allocate", "--agreement", folder)
    assert result.exit_code == 2
    assert "landsbygd_weights.csv" in result.output and "13 Halland" in result.output


def test_a_definition_is_read_with_exact_decimals_and_within_its_size(tmp_path: Path) -> None:
    folder = _definition(tmp_path)
    path = folder / "agreement.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "\n" + "#" * (1024 * 1024) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="the definition is 1 0.* bytes; a definition is at most 1 048 576 bytes"):
        load_agreement(folder)
    from godnaravard.agreements import parse_value
    from godnaravard.agreements.values import decimals_as_text as _decimals_as_text

    assert _decimals_as_text({"a": [__import__("decimal").Decimal("0.00001")]}) == {"a": ["0.00001"]}
    assert parse_value("k", "0.00001", "share") == __import__("fractions").Fraction(1, 100_000)


# --- The package's parts: schema, values, build (one check per section) -----------------------------

def test_the_names_of_the_module_before_the_split_still_import() -> None:
    import godnaravard.agreements as agreements

    names = ("Agreement", "DataFile", "ParameterInfo", "PrintedColumn", "TableSpec", "copy_agreement",
             "default_agreement", "load_agreement", "shipped_agreements", "shown_path", "parse_value",
             "swedish_date", "resolve", "DEFINITION", "MAX_DEFINITION_BYTES", "MAX_DIGITS", "TEXT_COLUMNS")
    assert [n for n in names if not hasattr(agreements, n)] == []
    assert agreements.Agreement.__module__ == "godnaravard.agreements.model"


@pytest.mark.parametrize("where", [(), ("data", "population"), ("keys", "population"), ("lines", 0),
                                   ("lines", 0, "parts", 0), ("columns", 0), ("tables", 1), ("budget",),
                                   ("totals", "riket_belopp"), ("parameters", "svf.total")], ids=str)
def test_every_table_of_the_schema_forbids_a_key_it_does_not_know(where: tuple[str | int, ...]) -> None:
    import tomllib

    from pydantic_core import ValidationError

    from godnaravard.agreements.schema import definition_validator

    raw = tomllib.loads((SVF / "agreement.toml").read_text(encoding="utf-8"))
    definition_validator().validate_python(raw)  # valid as shipped
    node = raw
    for step in where:
        node = node[step]
    node["colour"] = "blå"
    with pytest.raises(ValidationError) as info:
        definition_validator().validate_python(raw)
    assert [(e["loc"], e["type"]) for e in info.value.errors()] == [((*where, "colour"), "extra_forbidden")]


#: One problem in most sections of a definition (text → text); SECTION_EXTRA adds two columns.
SECTION_PROBLEMS: list[tuple[str, str]] = [
    ('total = "svf.total"', 'total = "svf.summa"'),
    ('file = "population_2025_09.csv"', 'file = "nowhere.csv"'),
    ('column = "population"\nlabel', 'column = "invanare"\nlabel'),
    ('"population", "svf"]\nofficial', '"population", "ambulans"]\nofficial'),
    ('stated_totals = "official/stated_totals.csv"', 'stated_totals = "official/none.csv"'),
    ('riket_belopp = { columns = ["svf"] }', 'riket_belopp = { columns = ["nope"] }'),
    ("value = 182_500_000", 'value = "x"'),
]
SECTION_EXTRA = ('\n[[columns]]\nname = "svf"\nkind = "line"\nref = ["svf"]\nlabel = "Igen"\n'
                 '\n[[columns]]\nname = "x"\nkind = "part"\nref = ["svf", "nope"]\nlabel = "X"\n')
ADJUSTMENT = '\n[[adjustments]]\nline = "nope"\npart = "befolkning"\nkronor = { "01" = 1, "03" = -1 }\nsource = "t"\n'


def test_each_section_is_checked_in_turn_and_every_problem_listed(tmp_path: Path) -> None:
    folder = _definition(tmp_path, extra=SECTION_EXTRA + ADJUSTMENT)
    path = folder / "agreement.toml"
    text = path.read_text(encoding="utf-8")
    for old, new in SECTION_PROBLEMS:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_agreement(folder)
    expected = ["columns.svf", "data.population.file", "keys.population.column", "lines.svf.total", "columns.x.ref",
                "tables.utbetalning2.columns", "tables.utbetalning2.official_columns.svf", "budget.stated_totals",
                "totals.riket_belopp.columns", "parameters.svf.total.value"]
    assert [p.key for p in info.value.problems] == expected
    # The adjustments are checked once the rest is sound.
    folder = _definition(tmp_path / "b", extra=ADJUSTMENT)
    with pytest.raises(InputError) as info:
        load_agreement(folder)
    assert [(p.key, p.message) for p in info.value.problems] == [
        ("adjustments[0].line", "unknown budget line 'nope'; the lines are svf")]


@pytest.mark.parametrize(("style", "text"), [("short", "1 nov 2023"), ("long", "1 november 2023"),
                                             ("month", "november 2023"), ("iso", "2023-11-01")])
def test_swedish_date_in_each_style(style: str, text: str) -> None:
    import datetime as dt

    assert swedish_date(dt.date(2023, 11, 1), style) == text


def test_placeholders_are_filled_and_an_unknown_one_is_a_problem() -> None:
    import datetime as dt

    from godnaravard.agreements.values import fill_placeholders
    from godnaravard.errors import ProblemList

    problems = ProblemList()
    value = {"title": "Bidrag {year}", "footnotes": ["Per {date.population:month}", "{date.x:iso}"], "n": 3}
    filled = fill_placeholders(value, 2024, {"population": dt.date(2023, 11, 1)}, "", problems, "a.toml")
    assert filled == {"title": "Bidrag 2024", "footnotes": ["Per november 2023", "{date.x:iso}"], "n": 3}
    assert [(p.key, p.message) for p in problems.kept] == [
        ("footnotes[1]", "{date.x:iso} names no data file with a date; the data files are population")]


def test_placeholders_belong_to_texts_only() -> None:
    """Issue 17: ``{year}000`` is not an amount; a placeholder outside a text is a problem, unfilled."""
    from godnaravard.agreements.values import fill_placeholders
    from godnaravard.errors import ProblemList

    problems = ProblemList()
    value = {"parameters": {"x.total": {"value": "{year}000", "label": "X {year}"}}}
    filled = fill_placeholders(value, 2024, {}, "", problems, "a.toml")
    assert filled == {"parameters": {"x.total": {"value": "{year}000", "label": "X 2024"}}}
    [problem] = problems.kept
    assert problem.key == "parameters.x.total.value" and "placeholders are filled in texts only" in problem.message


@given(st.integers(-(10**23), 10**23), st.integers(1, 10**12))
def test_parse_value_reads_amounts_and_fractions_exactly(n: int, d: int) -> None:
    from fractions import Fraction

    from godnaravard.agreements import parse_value

    assert parse_value("k", f"{n:_}", "amount") == n
    assert parse_value("k", f"{n:,}".replace(",", " "), "amount") == n
    assert parse_value("k", f"{n}/{d}", "share") == Fraction(n, d)
    assert parse_value("k", f"{n}%", "weight") == Fraction(n, 100)


def test_problem_lists_are_bounded_while_built() -> None:
    """Issue 17: past ``MAX_PROBLEMS`` a problem is counted, and a deferred one is never built."""
    from godnaravard.errors import MAX_PROBLEMS, Problem, ProblemList, listing

    built = []

    def make(i: int) -> Problem:
        built.append(i)
        return Problem("a.toml", f"problem {i}")

    problems = ProblemList()
    for i in range(MAX_PROBLEMS + 5000):
        problems.add(lambda i=i: make(i))  # type: ignore[misc]  # a deferred problem
    assert len(built) == MAX_PROBLEMS and len(problems) == MAX_PROBLEMS + 5000
    error = problems.error()
    assert error.count == MAX_PROBLEMS + 5000 and error.problems[-1].message == "... and 5000 more problems not shown"
    assert listing(f"p{i}" for i in range(1000)) == "p0, p1, p2, p3, p4, p5, p6, p7, p8, p9, p10, p11, … (1000 in all)"


@pytest.mark.parametrize("columns", [60, 80, 100])
def test_agreement_show_fits_the_terminal_without_breaking_an_amount(columns: int) -> None:
    """Each line of ``agreement show`` fits the width, its continuation indented beneath it; only a
    word longer than the width (a path) may stand alone beyond it, and no amount is split."""
    result = invoke("agreement", "show", "god-och-nara-vard-2024", env={"COLUMNS": str(columns)})
    assert result.exit_code == 0, result.output
    for line in result.stdout.splitlines():
        assert len(line) <= columns or len(line.split()) <= 2, line
    joined = result.stdout.replace("\n    ", " ")
    assert "Nära vård: 2 420 000 000 kr fördelat, budget 2 420 000 000 kr" in joined
