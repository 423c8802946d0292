"""The agreement as signed (issue 16): the signed tables' adjustments and their printed layout.

The official tables under ``data/agreements/.../official/`` are the reference here; the code path
never reads them. Bilaga 3 as signed moved one krona of Ambulans from Sörmland (04) to Västra
Götaland (14): as signed every one of the 105 cells matches, by the rule alone 101.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from _cli import invoke

import godnaravard
from godnaravard import core
from godnaravard.agreements import copy_agreement, load_agreement, swedish_date
from godnaravard.api import read_inputs
from godnaravard.errors import InputError
from godnaravard.printed import share_text
from godnaravard.reference import official_cells
from godnaravard.scenario import baseline

GNV = "god-och-nara-vard-2024"
SVF = "svf-cancer-2025-2"


def csv_of(*args: str | Path) -> list[dict[str, str]]:
    res = invoke("allocate", "--format", "csv", *args)
    assert res.exit_code == 0, res.output
    return list(csv.DictReader(io.StringIO(res.stdout)))


def exact_cells(rows: list[dict[str, str]]) -> int:
    by_code = {r["lan_code"]: r for r in rows}
    cells = official_cells(load_agreement(GNV))
    assert len(cells) == 105
    return sum(int(by_code[c.code][c.column]) == c.amount for c in cells)


def rule_rows() -> list[dict[str, str]]:
    """The rule alone, computed with the core directly (no adjustments), as CSV would print it."""
    sc = baseline(GNV)
    result = core.allocate(read_inputs(sc)[0], sc.parameters)
    return [{k: str(v) for k, v in row.items()} for row in result.rows]


# --- The 105 cells ------------------------------------------------------------------------------

def test_as_signed_every_published_cell_matches_and_by_rule_101() -> None:
    signed = csv_of()
    assert exact_cells(signed) == 105
    assert exact_cells(rule_rows()) == 101
    by_code = {r["lan_code"]: r for r in signed}
    assert (by_code["04"]["ambulans"], by_code["14"]["ambulans"]) == ("1516511", "6443659")
    assert (by_code["04"]["regioner_totalt"], by_code["14"]["regioner_totalt"]) == ("66275445", "399201404")
    assert sum(int(r["ambulans"]) for r in signed) == 46_000_000


def test_a_no_op_set_is_still_the_agreement_as_signed() -> None:
    assert csv_of("--set", "ambulans.grundbelopp=500000") == csv_of()
    doc = json.loads(invoke("allocate", "--format", "json", "--set", "ambulans.grundbelopp=500000").stdout)
    assert doc["as_signed"] is True and doc["scenario"]["as_signed"] is True
    assert godnaravard.allocate(overrides={"ambulans.grundbelopp": 500_000}).as_signed


def test_a_real_what_if_is_the_rule_alone_and_says_so() -> None:
    rows = csv_of("--set", "ambulans.grundbelopp=600000")
    sc = godnaravard.allocate(overrides={"ambulans.grundbelopp": 600_000})
    direct = core.allocate(read_inputs(sc.scenario)[0], sc.scenario.parameters)
    assert rows == [{k: str(v) for k, v in row.items()} for row in direct.rows]
    assert not sc.as_signed and sc.result.adjustments == ()
    doc = json.loads(invoke("allocate", "--format", "json", "--set", "ambulans.grundbelopp=600000").stdout)
    assert doc["as_signed"] is False and doc["adjustments"] == []
    assert "does not apply" in doc["adjustments_not_applied"]
    table = invoke("allocate", "--set", "ambulans.grundbelopp=600000", env={"COLUMNS": "200"}).stdout
    assert "the signed table's adjustment (Bilaga 3) does not apply" in table
    # The rule's own figures, when the what-if happens to give them: still the rule, not the signed table.
    weights = ("--set", "landsbygd.vikt.tatortsnara=2", "--set", "landsbygd.vikt.gles=8",
               "--set", "landsbygd.vikt.mycket_gles=12")
    assert csv_of(*weights) == rule_rows()


def test_own_data_with_the_same_rows_is_the_agreement_as_signed(tmp_path: Path) -> None:
    own = load_agreement(GNV).recipients.path.read_text(encoding="utf-8")
    same = tmp_path / "same.csv"
    same.write_text(own, encoding="utf-8")
    assert exact_cells(csv_of("--population", same)) == 105
    check = invoke("check", "--population", same, env={"COLUMNS": "400"})
    assert check.exit_code == 0 and "exact as signed:       105 of 105" in check.stdout
    assert "hold the same data as the agreement" in check.stdout and "differs from the agreement" not in check.stdout
    explained = invoke("explain", "04", "--population", same, env={"COLUMNS": "400"}).stdout
    assert "the agreement as signed" in explained and "ambulans = 500 000 + 1 016 512 − 1 = 1 516 511 kr" in explained
    head, *rows = own.strip().splitlines()
    shuffled = tmp_path / "shuffled.csv"
    shuffled.write_text("\n".join([head, *reversed(rows)]) + "\n", encoding="utf-8")
    alloc = godnaravard.allocate(population=shuffled)
    assert alloc.as_signed and alloc.scenario.as_signed and alloc.result.amount("ambulans", "04") == 1_516_511
    other = tmp_path / "other.csv"
    other.write_text(own.replace("01,Stockholm,Region Stockholm,2455914", "01,Stockholm,Region Stockholm,2455915"),
                     encoding="utf-8")
    changed = godnaravard.allocate(population=other)
    assert not changed.as_signed and not changed.scenario.as_signed and changed.result.adjustments == ()


def test_a_scenario_file_restating_a_value_is_the_agreement_as_signed(tmp_path: Path) -> None:
    path = tmp_path / "same.toml"
    path.write_text('name = "samma"\nbase = "2024"\n[parameters]\n"ambulans.grundbelopp" = 500_000\n', encoding="utf-8")
    assert exact_cells(csv_of("--scenario", path)) == 105
    path.write_text('name = "annat"\nbase = "2024"\n[parameters]\n"ambulans.grundbelopp" = 500_001\n', encoding="utf-8")
    assert not godnaravard.allocate(path).as_signed


# --- check ---------------------------------------------------------------------------------------

def test_check_reports_both_views_and_lists_the_adjusted_cells() -> None:
    res = invoke("check", env={"COLUMNS": "100"})
    assert res.exit_code == 0, res.output
    out = res.stdout
    assert "exact by rule:         101 of 105" in out and "exact as signed:       105 of 105" in out
    assert "rule 1 516 512 kr, adjustment −1 kr, signed 1 516 511 kr (= official)" in out
    assert "rule 6 443 658 kr, adjustment +1 kr, signed 6 443 659 kr (= official)" in out
    assert "Deviating cells (by rule)" in out  # the rule's deviations stay explained
    doc = json.loads(invoke("check", "--format", "json").stdout)
    assert (doc["summary"]["exact_by_rule"], doc["summary"]["exact_as_signed"], doc["as_signed"]) == (101, 105, True)
    cells = {(c["column"], c["lan_code"]): (c["rule"], c["kronor"], c["signed"], c["official"])
             for c in doc["adjusted_cells"]}
    assert cells == {
        ("ambulans", "04"): (1_516_512, -1, 1_516_511, 1_516_511),
        ("regioner_totalt", "04"): (66_275_446, -1, 66_275_445, 66_275_445),
        ("ambulans", "14"): (6_443_658, 1, 6_443_659, 6_443_659),
        ("regioner_totalt", "14"): (399_201_403, 1, 399_201_404, 399_201_404),
    }


def test_check_of_a_what_if_says_the_signed_view_does_not_apply() -> None:
    res = invoke("check", "--set", "ambulans.grundbelopp=600000", env={"COLUMNS": "100"})
    assert res.exit_code == 1
    assert "exact as signed:       does not apply (not the agreement as signed)" in res.stdout
    doc = json.loads(invoke("check", "--format", "json", "--set", "ambulans.grundbelopp=600000").stdout)
    assert doc["summary"]["exact_as_signed"] is None and doc["adjusted_cells"] == []
    assert "does not apply" in doc["adjustments_not_applied"]


def test_check_with_a_no_op_set_is_as_signed() -> None:
    doc = json.loads(invoke("check", "--format", "json", "--set", "ambulans.grundbelopp=500000").stdout)
    assert (doc["summary"]["exact_by_rule"], doc["summary"]["exact_as_signed"]) == (101, 105)


# --- explain -------------------------------------------------------------------------------------

def test_explain_04_ends_at_the_signed_figure_with_the_adjustment_and_its_source() -> None:
    out = invoke("explain", "04", env={"COLUMNS": "400"}).stdout
    assert "amount       1 016 512 kr" in out  # the rule's part
    assert "3. adjustment  Bilaga 3 as signed: −1 kr by hand" in out
    assert "signed       1 516 512 − 1 = 1 516 511 kr" in out
    assert "ambulans = 500 000 + 1 016 512 − 1 = 1 516 511 kr" in out
    assert "source       Bilaga 3 (undertecknad), kolumn Ambulans" in out
    doc = json.loads(invoke("explain", "04", "--format", "json").stdout)
    [adj] = doc["lines"]["ambulans"]["adjustments"]
    assert (adj["kronor"], adj["rule"], adj["signed"], adj["table"]) == (-1, 1_516_512, 1_516_511, "bilaga3")
    assert doc["lines"]["ambulans"]["amount"] == doc["allocate"]["ambulans"] == 1_516_511
    assert doc["scenario"]["as_signed"] is True and doc["lines"]["nara_vard"]["adjustments"] == []


def test_explain_in_a_what_if_says_the_adjustment_does_not_apply() -> None:
    out = invoke("explain", "14", "--set", "ambulans.grundbelopp=600000", env={"COLUMNS": "400"}).stdout
    assert "Bilaga 3 as signed adjusts this figure by hand; that adjustment does not apply here" in out
    assert "adjustment  Bilaga 3" not in out
    other = invoke("explain", "01", "--set", "ambulans.grundbelopp=600000", env={"COLUMNS": "400"}).stdout
    assert "does not apply" not in other  # Stockholm is not adjusted
    doc = json.loads(invoke("explain", "14", "--set", "ambulans.grundbelopp=600000", "--format", "json").stdout)
    assert doc["lines"]["ambulans"]["adjustment_not_applied"] == "Bilaga 3"


# --- The definition ------------------------------------------------------------------------------

def _gnv(tmp_path: Path, old: str, new: str) -> Path:
    """A copy of God och nära vård 2024 with one text of its definition replaced."""
    folder = tmp_path / "g"
    path = copy_agreement(load_agreement(GNV), folder, with_official=True)
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return folder


KRONOR = 'kronor = { "04" = -1, "14" = 1 }'
BAD = [
    ("sum not kept", (KRONOR, 'kronor = { "04" = -1, "14" = 2 }'), "adjustments[0].kronor",
     "the kronor add up to +1, not 0: an adjustment must keep the part's sum"),
    ("zero", (KRONOR, 'kronor = { "04" = -1, "14" = 1, "01" = 0 }'), "adjustments[0].kronor.01", "adjusts nothing"),
    ("bool", (KRONOR, 'kronor = { "04" = true, "14" = -1 }'), "adjustments[0].kronor.04", "expected whole kronor"),
    ("decimal", (KRONOR, 'kronor = { "04" = -0.5, "14" = 0.5 }'), "adjustments[0].kronor.04", "expected whole kronor"),
    ("unknown line", ('line = "ambulans"\npart', 'line = "ambulanser"\npart'), "adjustments[0].line",
     "unknown budget line 'ambulanser'"),
    ("unknown part", ('part = "befolkning"\nkronor', 'part = "grund"\nkronor'), "adjustments[0].part",
     "ambulans has no part 'grund'"),
    ("unknown table", ('table = "bilaga3"\nsource', 'table = "bilaga9"\nsource'), "adjustments[0].table",
     "unknown table 'bilaga9'"),
    ("printed with both", ('{ column = "lan", heading = "Länsvis" }', '{ column = "lan", share = "population", '
                                                                       'heading = "Länsvis" }'),
     "tables.bilaga2.printed[0]", "either a column"),
    ("printed with neither", ('{ column = "lan", heading = "Länsvis" }', '{ heading = "Länsvis" }'),
     "tables.bilaga2.printed[0]", "either a column"),
    ("printed unknown column", ('{ column = "lan", heading = "Länsvis" }', '{ column = "lans", heading = "Länsvis" }'),
     "tables.bilaga2.printed[0].column", "unknown column 'lans'"),
    ("share of a text column", ('{ share = "population", heading = "Andel befolkning", decimals = 1 }',
                                '{ share = "lan", heading = "Andel befolkning", decimals = 1 }'),
     "tables.bilaga2.printed[2].share", "lan is a text column"),
    ("decimals out of range", ('{ share = "population", heading = "Andel befolkning", decimals = 1 }',
                               '{ share = "population", heading = "Andel befolkning", decimals = 5 }'),
     "tables.bilaga2.printed[2].decimals", "less than or equal to 4"),
]


@pytest.mark.parametrize(("edit", "key", "message"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_a_bad_adjustment_or_layout_names_file_key_and_problem(tmp_path: Path, edit: tuple[str, str], key: str,
                                                               message: str) -> None:
    folder = _gnv(tmp_path, *edit)
    with pytest.raises(InputError) as info:
        load_agreement(folder)
    assert any(p.key == key and message in p.message for p in info.value.problems), info.value.problems
    res = invoke("allocate", "--agreement", folder)
    assert res.exit_code == 2 and res.output.startswith("godnaravard: error: ") and "Traceback" not in res.output
    assert "agreement.toml" in res.output and f"key '{key}'" in res.output and res.stdout == ""


def test_an_unknown_recipient_is_named_where_the_data_is_read(tmp_path: Path) -> None:
    folder = _gnv(tmp_path, KRONOR, 'kronor = { "04" = -1, "99" = 1 }')
    load_agreement(folder)  # the codes are checked against the data
    res = invoke("allocate", "--agreement", folder)
    assert res.exit_code == 2 and res.stdout == "" and "Traceback" not in res.output
    assert "key 'adjustments[0].kronor.99'" in res.output and "unknown region code '99'" in res.output
    # A what-if of that agreement does not apply the adjustment, so it is not in the way.
    assert invoke("allocate", "--agreement", folder, "--set", "ambulans.grundbelopp=600000").exit_code == 0


def test_an_adjustment_below_zero_is_refused_at_allocation(tmp_path: Path) -> None:
    folder = _gnv(tmp_path, KRONOR, 'kronor = { "04" = -2000000, "14" = 2000000 }')
    res = invoke("allocate", "--agreement", folder)
    assert res.exit_code == 2 and "would make 04's amount negative" in res.output
    assert "key 'adjustments'" in res.output and "Traceback" not in res.output


def test_the_month_placeholder() -> None:
    import datetime as dt

    assert swedish_date(dt.date(2023, 11, 1), "month") == "november 2023"
    ag = load_agreement(GNV)
    assert ag.table("bilaga3").printed[1].heading == "Befolkning november 2023"


# --- allocate --table ----------------------------------------------------------------------------

def table_csv(name: str, *args: str) -> list[list[str]]:
    res = invoke("allocate", "--table", name, "--format", "csv", *args)
    assert res.exit_code == 0, res.output
    return list(csv.reader(io.StringIO(res.stdout)))


def test_bilaga_2_as_printed() -> None:
    head, *rows, total = table_csv("bilaga2")
    assert head == ["Länsvis", "Befolkning november 2023", "Andel befolkning", "Antal insatser* per län",
                    "Andel insatser* per län", "Nära vård (kronor)"]
    assert rows[0] == ["Stockholm", "2455914", "23.3", "24975", "6.0", "109737356"]
    assert total == ["Totalt", "10557682", "100.0", "416151", "100.0", "750000000"]
    # Every share as printed in the signed table (the reference's printed columns).
    official = load_agreement(GNV).table("bilaga2").official
    assert official is not None
    with official.open(encoding="utf-8") as fh:
        printed = {r["lan"]: (r["population_share_pct_printed"], r["hsl_insatser_share_pct_printed"])
                   for r in csv.DictReader(fh)}
    assert {r[0]: (r[2].replace(".", ","), r[4].replace(".", ",")) for r in rows} == printed
    text = invoke("allocate", "--table", "bilaga2", env={"COLUMNS": "120"}).stdout
    assert "23,3%" in text and "100,0%" in text and "109 737 356" in text
    assert "* Antal individer som fått kommunal hälso- och sjukvård enligt HSL" in text
    assert "Note:" not in text  # bilaga 2 has no adjusted cell


def test_bilaga_3_as_signed_and_in_a_what_if() -> None:
    head, *rows, total = table_csv("bilaga3")
    assert head == ["Region", "Befolkning november 2023", "Nära vård (kronor)", "Ambulans (kronor)", "Totalt (kronor)"]
    by_name = {r[0]: r for r in rows}
    assert by_name["Region Sörmland"][3:] == ["1516511", "66275445"]
    assert by_name["Västra Götalandsregionen"][3:] == ["6443659", "399201404"]
    assert total == ["Totalt", "10557682", "2420000000", "46000000", "2466000000"]
    text = invoke("allocate", "--table", "bilaga3", env={"COLUMNS": "200"}).stdout
    assert "Ambulans, Region Sörmland: 1 516 511 kr as Bilaga 3 is signed; the rule gives 1 516 512 kr (−1 kr)" in text
    whatif = invoke("allocate", "--table", "bilaga3", "--set", "ambulans.grundbelopp=500001",
                    env={"COLUMNS": "200"}).stdout
    assert "does not apply" in whatif and "God och nära vård 2024 – scenario" in whatif
    doc = json.loads(invoke("allocate", "--table", "bilaga3", "--format", "json").stdout)
    assert doc["as_signed"] is True and doc["adjustments"][0]["table"] == "bilaga3"
    assert doc["total"]["Ambulans (kronor)"] == 46_000_000


def test_bilaga_4_as_printed() -> None:
    head, *rows, total = table_csv("bilaga4")
    assert head == ["Region", "Utfall fördelningsnyckel (kronor)"]
    assert rows[0] == ["Stockholm", "7647035"] and total == ["Totalt", "300000000"]
    text = invoke("allocate", "--table", "bilaga4", env={"COLUMNS": "200"}).stdout
    assert ("Tabell Fördelning av ekonomiska medel till primärvård i landsbygd (medlen ingår i bilaga 3, kolumn "
            "”Nära vård”)") in " ".join(text.split())  # the title as printed, wrapped over the table
    assert "Källa: egna beräkningar, Tillväxtverket, Statistikmyndigheten (SCB)" in text


def test_a_table_without_a_printed_layout_and_an_unknown_table() -> None:
    head, *rows, total = table_csv("utbetalning2", "--agreement", SVF)
    ag = load_agreement(SVF)
    assert head == [ag.label(c) for c in ag.table("utbetalning2").columns] and len(rows) == 18
    assert total[0] == "Totalt" and total[-1] == "182500000"
    res = invoke("allocate", "--table", "bilaga9")
    assert res.exit_code == 2 and res.stdout == ""
    assert res.stderr.startswith("godnaravard: error: --table: ") and "bilaga2, bilaga3, bilaga4" in res.stderr


def test_shares_round_half_up_from_the_exact_value() -> None:
    from fractions import Fraction

    assert share_text(Fraction(465, 20), 1, comma=True) == "23,3"  # 23.25 → 23,3
    assert share_text(Fraction(2324999, 100000), 1, comma=False) == "23.2"
    assert share_text(Fraction(100), 1, comma=False) == "100.0" and share_text(Fraction(1, 3), 0, comma=True) == "0"
    assert share_text(Fraction(5, 1000), 2, comma=True) == "0,01"


# --- Another agreement ---------------------------------------------------------------------------

def test_svf_has_no_adjustments_and_is_unchanged() -> None:
    alloc = godnaravard.allocate(agreement=SVF)
    assert alloc.as_signed and alloc.result.adjustments == () and not alloc.agreement.rules.adjustments
    doc = json.loads(invoke("allocate", "--agreement", SVF, "--format", "json").stdout)
    assert doc["adjustments"] == [] and "adjustments_not_applied" not in doc
    whatif = json.loads(invoke("allocate", "--agreement", SVF, "--set", "svf.total=200000000", "--format",
                               "json").stdout)
    assert whatif["as_signed"] is False and "adjustments_not_applied" not in whatif
    check = invoke("check", "--agreement", SVF)
    assert check.exit_code == 0 and "exact:                 18 of 18" in check.stdout and "as signed" not in check.stdout
