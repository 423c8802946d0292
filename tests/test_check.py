"""Reconciliation with the official tables: every official cell is a test case (reference data).

Both shipped agreements are reconciled: the 2024 agreement (bilaga 2–4, 105 cells, the budget
table of avsnitt 11 and 53 stated totals) and the SVF payment (18 cells, 2 stated totals).
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from functools import cache
from pathlib import Path

import pytest
from click.testing import CliRunner

from godnaravard import allocate
from godnaravard.agreements import load_agreement
from godnaravard.api import Allocation
from godnaravard.check import TOLERANCE_KR, Reconciliation, TotalCheck, reconcile, signed_kr
from godnaravard.check_render import check_json, check_text
from godnaravard.cli import main
from godnaravard.core import Result

SVF = "svf-cancer-2025-2"
GNV = "god-och-nara-vard-2024"
SRC = Path(__file__).resolve().parents[1] / "src" / "godnaravard"


@cache
def alloc_of(agreement: str) -> Allocation:
    return allocate(agreement=agreement)


@cache
def rec_of(agreement: str) -> Reconciliation:
    return reconcile(alloc_of(agreement))


def cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["check", *args], env={"COLUMNS": "80"})
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


def flat(text: str) -> str:
    """The text with its line breaks and indentation folded, to find a wrapped phrase."""
    return re.sub(r"\s+", " ", text)


# --- God och nära vård 2024 ---------------------------------------------------------------------

def test_every_published_column_is_compared_105_cells() -> None:
    rec = rec_of(GNV)
    assert len(rec.cells) == 105
    assert rec.cells_by_table == {"Bilaga 2": 21, "Bilaga 3": 63, "Bilaga 4": 21}
    assert rec.compared_columns == ("kommuner", "nara_vard", "ambulans", "regioner_totalt", "landsbygd")
    # 82 of the 84 cells of bilaga 2–4 without Totalt, and 19 of the 21 Totalt cells.
    assert rec.exact == 101
    assert sum(c.deviation == 0 for c in rec.cells if c.column != "regioner_totalt") == 82
    assert rec.within_tolerance == 105
    assert {(c.column, c.code, c.deviation) for c in rec.deviating} == {
        ("ambulans", "04", 1), ("ambulans", "14", -1), ("regioner_totalt", "04", 1), ("regioner_totalt", "14", -1)}
    assert rec.ok and rec.is_baseline and not rec.notes and not rec.input_mismatches
    assert rec.agreement is not None and rec.agreement.name == GNV
    sums = rec.column_sums
    assert set(sums) == set(alloc_of(GNV).result.rules.amount_columns)
    assert all(s == b for s, b in sums.values())


def test_every_deviating_cell_is_explained() -> None:
    rec = rec_of(GNV)
    for cell in rec.deviating:
        assert "remainder" in cell.reason and "rank" in cell.reason
        assert abs(cell.exact - cell.official) < 1 and abs(cell.exact - cell.computed) < 1
    totalt = next(c for c in rec.deviating if c.column == "regioner_totalt")
    assert "is the sum of Nära vård (bilaga 3) and Ambulans (bilaga 3)" in totalt.reason
    assert "Ambulans (bilaga 3) differs from the official table by +1 kr" in totalt.reason
    ambulans = next(c for c in rec.deviating if c.column == "ambulans" and c.code == "04")
    assert "the sainte_lague rule would give the official amount here" in ambulans.reason


def test_stated_totals_and_budget_table_all_follow() -> None:
    rec = rec_of(GNV)
    assert len(rec.totals) == 53 and all(t.ok for t in rec.totals)
    ids = {t.id for t in rec.totals}
    assert {"s13_1_regionerna", "s11_1_statens_andel", "bilaga3_total"} <= ids
    # The budget table: 8 chapter rows (7.1 and 7.2 by payer), 11 recipient rows, 3 subtotals.
    chapters = [t for t in rec.totals if t.id.startswith("by_chapter_")]
    assert [t.id for t in chapters] == [f"by_chapter_{c}" for c in ("4", "5", "6", "7", "7.1", "7.2", "8", "9")]
    assert {t.id: t.derived for t in chapters}["by_chapter_7.1"] == 100_000_000
    assert len([t for t in rec.totals if t.id.startswith("by_recipient_row")]) == 11
    assert [t.id for t in rec.totals if "_sub" in t.id] == ["by_recipient_sub1", "by_recipient_sub5",
                                                           "by_recipient_sub8"]
    # Each row as printed: its table, place, chapter or recipient, and what a subtotal adds up.
    assert len(rec.stated) == 31 and len(rec.budget_rows) == 22
    assert rec.stated + rec.budget_rows == rec.totals
    assert all(not t.table for t in rec.stated) and all(t.table for t in rec.budget_rows)
    rows = {t.id: t for t in rec.budget_rows}
    c71 = rows["by_chapter_7.1"]
    assert (c71.table, c71.row, c71.chapter, c71.item) == ("by_chapter", 5, "7.1", "Regionernas medel")
    sub = rows["by_recipient_sub1"]
    assert (sub.table, sub.row, sub.subtotal_of, sub.recipient) == ("by_recipient", 1, 3,
                                                                   "Regionerna, kommunerna och SKR")
    skr = rows["by_recipient_row3"]
    assert (skr.row, skr.recipient, skr.subtotal_of, skr.derived) == (4, "SKR", 0, 30_000_000)


def test_a_total_that_cannot_be_derived_never_passes() -> None:
    t = TotalCheck("x", "1.2", "Totalt", 5, 0, "no_rule")
    assert not t.ok and t.problem == "the agreement's definition has no rule for this total"
    sub = TotalCheck("y", "s", "Delsumma (subtotal)", 5, 0, "unreadable_rows", table="by_recipient",
                     note="subtotal of the next many rows")
    assert not sub.ok and sub.problem == "cannot read the number of rows in 'subtotal of the next many rows'"
    assert TotalCheck("z", "s", "ok", 5, 5).ok and TotalCheck("z", "s", "ok", 5, 5).problem == ""


def test_rule_comparison_is_computed_not_asserted() -> None:
    rec = rec_of(GNV)
    used = rec.rules[0]
    assert used.rule == "largest_remainder" and used.exact == rec.exact
    assert set(used.exact_by_column) == set(rec.compared_columns)
    # The declared rule is at least as good as every alternative compared.
    assert all(used.exact >= r.exact for r in rec.rules)
    assert rec.rules[1].exact_by_column["ambulans"] == 21  # Sainte-Laguë reproduces the ambulance column


def test_deviating_cells_carry_the_facts_their_reason_is_written_from() -> None:
    rec = rec_of(GNV)
    result = alloc_of(GNV).result
    ambulans = next(c for c in rec.deviating if c.column == "ambulans" and c.code == "04")
    assert ambulans.cause == "rounding" and ambulans.alternatives == ("sainte_lague",)
    (part,) = ambulans.parts
    assert (part.line, part.part, part.rank, part.recipients, part.balancing, part.got_one) == (
        "ambulans", "befolkning", 10, 21, 10, True)
    apportionment = result.part("ambulans", "befolkning")
    assert part.exact == apportionment.exact["04"] and part.remainder == part.exact - math.floor(part.exact)
    assert f"rank {part.rank} of {part.recipients} among remainders with {part.balancing}" in ambulans.reason
    vg = next(c for c in rec.deviating if c.column == "ambulans" and c.code == "14")
    assert (vg.parts[0].rank, vg.parts[0].got_one, vg.cause) == (11, False, "rounding")
    # A Totalt cell differs because the official table's Ambulans cell does: the component is named.
    totalt = next(c for c in rec.deviating if c.column == "regioner_totalt" and c.code == "04")
    assert totalt.cause == "sum" and totalt.summands == ("nara_vard", "ambulans") and totalt.official_is_sum is True
    assert [(k.column, k.computed, k.official, k.deviation) for k in totalt.components] == [
        ("ambulans", 1_516_512, 1_516_511, 1)]
    assert totalt.components[0].parts == ambulans.parts and not totalt.parts
    assert all(c.cause == "" and not c.parts and not c.components and not c.reason
               for c in rec.cells if not c.deviation)
    assert [(r.used, r.once) for r in rec.rules] == [(True, False), (False, False), (False, True)]


def test_reconcile_takes_an_allocation_whose_scenario_names_the_agreement(result: Result) -> None:
    with pytest.raises(TypeError, match="api.Allocation"):
        reconcile(result)  # type: ignore[arg-type]
    assert rec_of(SVF).agreement == alloc_of(SVF).scenario.agreement
    assert rec_of(SVF).title == load_agreement(SVF).title
    changed = reconcile(allocate(overrides={"ambulans.grundbelopp": 1_000_000}))
    assert not changed.is_baseline and "ambulans.grundbelopp 500000 → 1000000" in changed.notes[0]


def test_check_fails_when_a_cell_moves_more_than_the_tolerance() -> None:
    # A what-if that changes the totals cannot match the official tables: the check must say so.
    alloc = allocate(overrides={"ambulans.grundbelopp": 1_000_000})
    rec = reconcile(alloc)
    assert not rec.ok and not rec.is_baseline
    assert rec.notes and "differs from the agreement God och nära vård 2024 as signed" in rec.notes[0]
    assert "ambulans.grundbelopp 500000 → 1000000" in rec.notes[0]
    assert "compared with the official tables of God och nära vård 2024" in rec.notes[0]
    assert "Input data differing" not in rec.notes[0]  # there is no such section: the data are the agreement's
    assert rec.worst is not None and abs(rec.worst.deviation) > TOLERANCE_KR
    assert all(s == b for s, b in rec.column_sums.values()) and rec.sums_ok
    stockholm = next(c for c in rec.deviating if c.column == "ambulans" and c.code == "01")
    assert stockholm.cause == "data" and stockholm.parts and stockholm.deviation == -1_942_496
    assert "more than a balancing krona can move a cell" in stockholm.reason


def test_stated_total_mismatch_is_reported() -> None:
    rec = reconcile(allocate(overrides={"skr.ambulans": 1}))
    bad = {t.id for t in rec.totals if not t.ok}
    assert {"s13_1_skr", "s11_2_total", "by_chapter_5", "by_recipient_row5", "by_recipient_sub5"} <= bad
    assert not rec.ok


def test_a_sub_chapter_follows_its_payer() -> None:
    rec = reconcile(allocate(overrides={"kvalitetsregister.regionerna_grundanslag": 70_465_001}))
    bad = {t.id for t in rec.totals if not t.ok}
    assert {"by_chapter_7", "by_chapter_7.1"} <= bad and "by_chapter_7.2" not in bad


def test_own_population_file_is_named_and_its_differences_listed(tmp_path: Path) -> None:
    source = load_agreement(GNV).recipients.path
    rows = list(csv.DictReader(io.StringIO(source.read_text(encoding="utf-8"))))
    rows[0]["population"] = str(int(rows[0]["population"]) + 1_000)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path = tmp_path / "befolkning.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    rec = reconcile(allocate(population=path))
    assert not rec.is_baseline and not rec.ok
    assert f"own input files: population: {path}" in rec.notes[0]
    assert "'Input data differing from the official tables' below" in rec.notes[0]
    label = "Befolkning (egen fil)"  # an own file without a date: never the agreement's date (issue 18 §2)
    assert len(rec.input_mismatches) == 1
    assert rec.input_mismatches[0].startswith(f"{rows[0]['lan_code']} ") and label in rec.input_mismatches[0]
    assert "(Bilaga 2, Bilaga 3)" in rec.input_mismatches[0]
    (difference,) = rec.inputs
    original = int(rows[0]["population"]) - 1_000
    assert (difference.kind, difference.code, difference.column, difference.value) == (
        "count", rows[0]["lan_code"], "population", original + 1_000)
    assert difference.official == ((original, ("Bilaga 2", "Bilaga 3")),)
    text = check_text(rec)
    assert "Input data differing from the official tables:" in text


# --- SVF: another agreement, no budget table ----------------------------------------------------

def test_svf_reproduces_18_of_18() -> None:
    rec = rec_of(SVF)
    assert (len(rec.cells), rec.exact, rec.within_tolerance) == (18, 18, 18)
    assert rec.cells_by_table == {"Utbetalning 2": 18}
    assert [(t.id, t.ok) for t in rec.totals] == [("riket_befolkning", True), ("riket_belopp", True)]
    assert rec.ok and not rec.notes and not rec.input_mismatches


def test_svf_one_krona_more_is_a_rounding_deviation() -> None:
    rec = reconcile(allocate(agreement=SVF, overrides={"svf.total": 182_500_001}))
    assert not rec.is_baseline and not rec.ok and rec.sums_ok
    assert rec.within_tolerance == 18 and len(rec.deviating) == 1
    (cell,) = rec.deviating
    assert cell.cause == "rounding" and cell.deviation == 1
    assert [(p.line, p.recipients, p.got_one) for p in cell.parts] == [("svf", 18, True)]
    assert not rec.budget_rows and [t.id for t in rec.stated if not t.ok] == ["riket_belopp"]


def test_svf_check_command_exits_0() -> None:
    code, out = cli("--agreement", SVF)
    assert code == 0, out
    title = load_agreement(SVF).title
    assert flat(f"Reconciliation with the official tables of {title}") in flat(out)
    assert "cells compared:        18 (Utbetalning 2: 18)" in out
    assert "exact:                 18 of 18" in out
    assert "Bilaga" not in out and "Avsnitt" not in out
    assert out.rstrip().endswith("Result: OK (tolerance 1 kr per cell, column sums exact)")
    doc = json.loads(cli("--agreement", SVF, "--format", "json")[1])
    assert doc["agreement"] == {"name": SVF, "title": title}
    assert doc["ok"] and doc["summary"]["exact"] == 18


# --- The command ---------------------------------------------------------------------------------

def test_check_command_text_for_the_2024_agreement() -> None:
    code, out = cli()
    assert code == 0, out
    assert out.startswith("Reconciliation with the official tables of God och nära vård 2024\n")
    assert "cells compared:        105 (Bilaga 2: 21, Bilaga 3: 63, Bilaga 4: 21)" in out
    assert "exact by rule:         101 of 105" in out
    assert "within 1 kr:           105 of 105" in out
    assert "column sums = budget:  yes, every column to the krona" in out
    assert "official 1 516 511 kr, computed 1 516 512 kr (+1 kr)" in out
    assert "Totals stated by God och nära vård 2024: 53 of 53 follow from the items" in out
    assert "NOTE" not in out
    assert max(len(line) for line in out.splitlines()) <= 80
    # No label is cut: every stated total and every column heading is there in full.
    rec = rec_of(GNV)
    for t in rec.totals:
        assert flat(t.statement) in flat(out), t.statement
    for col in rec.compared_columns:
        assert rec.column_title(col) in out


def test_check_command_with_set_exits_1_and_says_what_it_compares() -> None:
    code, out = cli("--set", "ambulans.grundbelopp=1000000")
    assert code == 1
    assert out.startswith("NOTE: This scenario differs from the agreement God och nära vård 2024 as signed")
    text = flat(out)
    assert "parameters changed: ambulans.grundbelopp 500000 → 1000000" in text
    assert "compared with the official tables of God och nära vård 2024" in text
    assert "(-1 942 496 kr)" in out  # Stockholm's ambulance amount, as the other amounts are written
    assert "Result: DEVIATIONS" in out
    assert max(len(line) for line in out.splitlines()) <= 80


def test_check_json_keeps_its_keys() -> None:
    code, out = cli("--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert {"ok", "is_baseline", "notes", "tolerance_kr", "summary", "cells", "column_sums", "stated_totals",
            "input_mismatches", "rounding_rules", "agreement"} <= set(doc)
    assert doc["agreement"] == {"name": GNV, "title": "God och nära vård 2024"}
    assert doc["summary"]["cells"] == 105 and doc["summary"]["within_tolerance"] == 105
    assert json.loads(check_json(rec_of(GNV))) == doc


def test_deviations_are_written_like_amounts() -> None:
    assert [signed_kr(v) for v in (1, -1, 0, -1_942_496, 3_000)] == ["+1 kr", "-1 kr", "0 kr", "-1 942 496 kr",
                                                                     "+3 000 kr"]


def test_no_year_or_date_literal_in_the_check_modules() -> None:
    for path in (SRC / "check.py", SRC / "check_budget.py", SRC / "check_render.py", SRC / "deviation.py",
                 SRC / "cli" / "check.py"):
        assert not re.search(r"\b20\d\d\b", path.read_text(encoding="utf-8")), path
