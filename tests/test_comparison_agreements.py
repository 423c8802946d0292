"""``diff A B`` between two agreements: this year's and next year's copy (issue 18, item 1).

The copy is made as a user makes it (``agreement new``), its TOML edited (the year and
``kommuner.total``), and every difference of ``diff --format csv`` is checked against the two
``allocate --format csv`` outputs, cell by cell: b − a of the very figures each side prints.
"""

from __future__ import annotations

import csv
import io
import json
import re
from fractions import Fraction
from pathlib import Path

import pytest
from _cli import invoke
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import godnaravard
from godnaravard.comparison import TOTALT, diff, totalt

BASE = "god-och-nara-vard-2024"


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture(scope="module")
def next_year(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the 2024 agreement for next year: another year, 800 Mkr to the kommuner."""
    folder = tmp_path_factory.mktemp("gnv") / "gnv2025"
    made = invoke("agreement", "new", str(folder), "--from", BASE)
    assert made.exit_code == 0, made.output
    toml = folder / "agreement.toml"
    text = toml.read_text(encoding="utf-8")
    text, years = re.subn(r"(?m)^year = \d+$", "year = 2025", text)
    text, totals = re.subn(r'(\[parameters\."kommuner\.total"\]\nvalue = )[\d_]+', r"\g<1>800_000_000", text)
    assert years == 1 and totals == 1
    toml.write_text(text, encoding="utf-8")
    return folder


def test_diff_equals_b_minus_a_of_the_two_allocations(next_year: Path) -> None:
    result = invoke("diff", "2024", str(next_year), "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = _csv(result.stdout)
    alloc_a = {r["lan_code"]: r for r in _csv(invoke("allocate", "--format", "csv").stdout)}
    alloc_b = {r["lan_code"]: r for r in _csv(invoke("allocate", "--agreement", str(next_year),
                                                     "--format", "csv").stdout)}
    recipients = [r for r in rows if r["lan"] != "Totalt"]
    assert len({r["lan_code"] for r in recipients}) == 21
    columns = {r["column"] for r in recipients}
    assert columns == {"nara_vard", "landsbygd", "ambulans", "regioner_totalt", "kommuner", TOTALT}
    lines = ("nara_vard", "ambulans", "kommuner")  # the budget lines: totalt is their sum
    for r in recipients:
        a, b = alloc_a[r["lan_code"]], alloc_b[r["lan_code"]]
        if r["column"] == TOTALT:
            want_a, want_b = sum(int(a[c]) for c in lines), sum(int(b[c]) for c in lines)
        else:
            want_a, want_b = int(a[r["column"]]), int(b[r["column"]])
        assert (int(r["a"]), int(r["b"]), int(r["diff"])) == (want_a, want_b, want_b - want_a)
    changed = {r["column"] for r in recipients if int(r["diff"])}
    assert changed == {"kommuner", TOTALT}
    total = {r["column"]: r for r in rows if r["lan"] == "Totalt"}
    assert int(total["kommuner"]["diff"]) == 50_000_000 and int(total[TOTALT]["diff"]) == 50_000_000


def test_the_output_names_both_agreements_and_their_dates(next_year: Path) -> None:
    doc = json.loads(invoke("diff", "2024", str(next_year), "--format", "json").stdout)
    assert doc["agreement"]["name"] == BASE and doc["agreement_b"]["name"] == "gnv2025"
    assert doc["agreement_b"]["title"].endswith("2025")
    assert doc["agreement_b"]["data"]["population"]["date"] == "2023-11-01"
    assert doc["parameter_changes"] == {"kommuner.total": {"a": 750_000_000, "b": 800_000_000}}
    # Both sides are the agreements as signed: each carries the published krona of bilaga 3.
    for side in ("a", "b"):
        assert doc[side]["adjustments"][0]["kronor"] == {"04": -1, "14": 1}
    table = invoke("diff", "2024", str(next_year), env={"COLUMNS": "200"}).stdout
    assert "God och nära vård 2024 → God och nära vård 2025" in table
    assert "B: God och nära vård 2025 (gnv2025); data: Befolkning 1 nov 2023 (2023-11-01)" in doc["source"]
    assert "A: God och nära vård 2024 (god-och-nara-vard-2024); data: Befolkning" in doc["source"]
    assert table.count("carries the published adjustment of ambulans/befolkning") == 2


def test_column_pairs_and_errors(next_year: Path) -> None:
    paired = invoke("diff", "2024", str(next_year), "--column", "kommuner=regioner_totalt", "--format", "csv")
    assert paired.exit_code == 0, paired.output
    assert {r["column"] for r in _csv(paired.stdout)} == {"kommuner=regioner_totalt", TOTALT}
    bad = invoke("diff", "2024", str(next_year), "--column", "kommuner=bogus")
    assert bad.exit_code == 2 and "unknown column 'bogus' for the agreement gnv2025" in bad.output
    assert "Traceback" not in bad.output
    svf = invoke("diff", "2024", "svf-cancer-2025-2", "--column", "ambulans")
    assert svf.exit_code == 2 and "give the pair as A=B" in svf.output


def test_api_compares_two_agreements_with_its_own_errors(next_year: Path) -> None:
    a, b = godnaravard.allocate(), godnaravard.allocate(agreement=next_year)
    cmp = diff(a, b)
    for r in cmp.regions:
        assert r.cells[TOTALT].a == totalt(a, r.code) == sum(
            int(a.rows[[x["lan_code"] for x in a.rows].index(r.code)][c]) for c in ("regioner_totalt", "kommuner"))
    frame = godnaravard.compare("2024", next_year)
    assert frame.groupby("column")["diff"].sum().to_dict()[TOTALT] == 50_000_000
    with pytest.raises(godnaravard.InputError, match="unknown column"):
        godnaravard.compare("2024", next_year, columns=["bogus"])


def test_one_sided_recipients_in_the_table_and_the_figure() -> None:
    pytest.importorskip("matplotlib")
    from godnaravard.comparison_render import comparison_figure

    cmp = diff(godnaravard.allocate(), godnaravard.allocate(agreement="svf-cancer-2025-2"))
    assert len(cmp.only_in_a) == 3 and not cmp.identical and cmp.changed_columns() == (TOTALT,)
    fig = comparison_figure(cmp)
    labels = [t.get_text() for ax in fig.axes for t in ax.texts]
    assert labels.count("– (one side only)") == 3
    table = invoke("diff", "2024", "svf-cancer-2025-2", env={"COLUMNS": "120"}).stdout
    assert "Parameters of both agreements that differ: none" in table
    assert f"only A has region {', '.join(cmp.only_in_a)}" in table


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kommuner=st.integers(0, 2_000_000_000), ambulans=st.integers(21 * 500_000, 100_000_000))
def test_every_difference_is_b_minus_a_and_sums_to_the_change(next_year: Path, kommuner: int, ambulans: int) -> None:
    """Invariant: per cell B − A of the two allocations; per column the differences sum to the
    change of its budget, and ``totalt`` to the change of the whole budget."""
    a = godnaravard.allocate()
    b = godnaravard.allocate(agreement=next_year, overrides={"kommuner.total": kommuner, "ambulans.total": ambulans})
    cmp = diff(a, b, ["ambulans", "kommuner", TOTALT])
    rows_a = {str(r["lan_code"]): r for r in a.rows}
    rows_b = {str(r["lan_code"]): r for r in b.rows}
    for r in cmp.regions:
        for c in ("ambulans", "kommuner"):
            assert r.cells[c].diff == int(rows_b[r.code][c]) - int(rows_a[r.code][c])
        assert r.cells[TOTALT].diff == totalt(b, r.code) - totalt(a, r.code)
    sums = {c: sum(r.cells[c].diff or 0 for r in cmp.regions) for c in cmp.columns}
    assert sums["kommuner"] == kommuner - 750_000_000 and sums["ambulans"] == ambulans - 46_000_000
    assert sums[TOTALT] == cmp.total.cells[TOTALT].diff == sums["kommuner"] + sums["ambulans"]


def test_per_inhabitant_figures_divide_by_the_agreements_own_count(tmp_path: Path) -> None:
    """An agreement whose inhabitants are a count named otherwise (``folk``) still gets kronor per
    inhabitant in ``diff``, divided by that count (not by a column named ``population``)."""
    import shutil

    folder = tmp_path / "folk"
    shutil.copytree(Path(__file__).parent / "fixtures" / "kommun_bidrag", folder)
    toml = (folder / "agreement.toml").read_text(encoding="utf-8")
    # The count (its column, the key's column, the output column, the tables) is "folk"; the data
    # slot and the key keep their names.
    toml = toml.replace('"population"', '"folk"').replace('key = "folk"', 'key = "population"')
    toml = toml.replace('population = "folkmangd"', 'folk = "folkmangd"')
    (folder / "agreement.toml").write_text(toml, encoding="utf-8")
    rows = (folder / "kommuner.csv").read_text(encoding="utf-8").replace(",population,", ",folk,", 1)
    (folder / "kommuner.csv").write_text(rows, encoding="utf-8")
    a = godnaravard.allocate(agreement=folder)
    b = godnaravard.allocate(agreement=folder, overrides={"bidrag.total": "*2"})
    comparison = diff(a, b)
    row = comparison.regions[0]
    folk = a.result.inputs.recipients[0].count("folk")
    assert row.population_a == folk and row.population_b == folk
    cell = row.cells["bidrag"]
    assert cell.a is not None and cell.per_inhabitant_a == Fraction(cell.a, folk)
    assert comparison.total.population_a == sum(r.count("folk") for r in a.result.inputs.recipients)
