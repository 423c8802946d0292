"""A rural key declared in the definition (issue 17 §3): two categories named otherwise, weights of its own.

The fixture ``tests/fixtures/rural_two`` declares a key of the categories ``skog`` and ``fjall`` (in that
order; its data slot ``bygd`` lists them the other way round), weights 2 and 6, and a per-region file
whose Jämtland gives only the weighted sum at the reference weights 1 (skog) and 3 (fjall). Allocate,
explain, sweep and the workbook give what the key says: W = Σ weight × inhabitants per category.
"""

from __future__ import annotations

import csv
import json
import shutil
from fractions import Fraction
from pathlib import Path

import pytest

import godnaravard
from godnaravard.agreements import load_agreement
from godnaravard.core import MissingCategoriesError
from godnaravard.core.rounding import apportion
from godnaravard.inputs import load_landsbygd
from godnaravard.sweep import ScenarioError, sweep
from tests._cli import invoke

FIXTURE = Path(__file__).parent / "fixtures" / "rural_two"
PART = 3_000_001  # bidrag.bygd


def rows(path: Path) -> dict[str, dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return {r["lan_code"]: r for r in csv.DictReader(fh)}


def expected_w(folder: Path, skog: Fraction, fjall: Fraction) -> dict[str, Fraction]:
    """W by the key's rule, read from the file with the csv module: the categories where given, else the
    weighted sum at 1/3 scaled to the weights (which must then be proportional to 1/3)."""
    out = {}
    for code, r in rows(folder / "bygd.csv").items():
        if r["skog_inv"]:
            out[code] = skog * int(r["skog_inv"]) + fjall * int(r["fjall_inv"])
        else:
            assert fjall == 3 * skog
            out[code] = Fraction(int(r["viktsumma"])) * (skog + fjall) / 4
    return out


@pytest.fixture(scope="module")
def known(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture with Jämtland's categories known (so that any weights can be used)."""
    folder = tmp_path_factory.mktemp("known") / "rural_two"
    shutil.copytree(FIXTURE, folder)
    path = folder / "bygd.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("23,,,165007", "23,20000,105007,165007"),
                    encoding="utf-8")
    return folder


def test_the_definition_declares_categories_weights_and_columns() -> None:
    ag = load_agreement(FIXTURE)
    key = ag.rules.keys["bygd"]
    assert key.categories == ("skog", "fjall") and key.weights == ("bygd.vikt.skog", "bygd.vikt.fjall")
    assert key.data == "bygd" and ag.landsbygd is ag.data["bygd"]
    layout = ag.data["bygd"].rural
    assert layout is not None and layout.categories == ("skog", "fjall")
    assert layout.count_columns == ("skog_inv", "fjall_inv") and layout.weighted_sum == "viktsumma"
    assert dict(layout.reference) == {"skog": 1, "fjall": 3} and list(layout.reference) == ["skog", "fjall"]
    assert layout.label("fjall") == "fjällbygd" and layout.unweighted == ("tatort",)
    assert ag.data["population"].rural is None


@pytest.mark.parametrize(("skog", "fjall"), [(2, 6), (1, 3), (Fraction(1, 2), Fraction(3, 2))])
def test_allocate_shares_the_part_by_the_declared_key(skog: Fraction, fjall: Fraction) -> None:
    alloc = godnaravard.allocate(agreement=FIXTURE, overrides={"bygd.vikt.skog": skog, "bygd.vikt.fjall": fjall})
    want = apportion(PART, expected_w(FIXTURE, Fraction(skog), Fraction(fjall))).amounts
    assert {r["lan_code"]: r["bygd"] for r in alloc.to_records()} == want
    assert sum(want.values()) == PART and want["01"] == 0


def test_weights_not_proportional_to_the_reference_are_refused_naming_the_categories() -> None:
    with pytest.raises(MissingCategoriesError) as info:
        godnaravard.allocate(agreement=FIXTURE, overrides={"bygd.vikt.skog": 1})
    assert info.value.codes == ("23 Jämtland Härjedalen",)
    assert "rural weights skog 1, fjall 6" in str(info.value) and "at the weights skog 1, fjall 3" in str(info.value)


def test_explain_shows_w_by_the_declared_labels() -> None:
    proc = invoke("explain", "20", "--agreement", str(FIXTURE), "--format", "json")
    assert proc.exit_code == 0, proc.output
    how = json.loads(proc.stdout)["inputs"]["bygd.W"]
    r = rows(FIXTURE / "bygd.csv")["20"]
    assert Fraction(how["value"]) == 2 * int(r["skog_inv"]) + 6 * int(r["fjall_inv"])
    assert f"2 × {int(r['skog_inv']):,} skogsbygd".replace(",", " ") in how["how"]
    assert "fjällbygd inhabitants" in how["how"]
    scaled = json.loads(invoke("explain", "23", "--agreement", str(FIXTURE), "--format", "json").stdout)
    assert Fraction(scaled["inputs"]["bygd.W"]["value"]) == 2 * 165007
    assert "reference weights skogsbygd 1, fjällbygd 3" in scaled["inputs"]["bygd.W"]["how"]


def test_sweep_over_the_declared_weights_gives_the_cores_result(known: Path) -> None:
    vary = {"bygd.vikt.skog": "1,2", "bygd.vikt.fjall": "0,6,13/2"}
    frame = sweep(vary, agreement=known)
    assert frame.scenario.nunique() == 6
    for _, group in frame.groupby("scenario"):
        first = group.iloc[0]
        skog, fjall = (Fraction(str(first[k])) for k in vary)
        want = apportion(PART, expected_w(known, skog, fjall)).amounts
        assert dict(zip(group["lan_code"], group["bygd"], strict=True)) == want
    with pytest.raises(ScenarioError):
        sweep({"bygd.vikt.skog": "1,2"}, agreement=FIXTURE)  # 2/6 is proportional, 1/6 is not


def test_the_workbook_carries_the_declared_columns_and_reads_back(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    from godnaravard.excel import export_workbook

    alloc = godnaravard.allocate(agreement=FIXTURE)
    book = tmp_path / "bygd.xlsx"
    export_workbook(alloc, book)
    ws = openpyxl.load_workbook(book, data_only=True)["Underlag"]
    texts = {c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    assert {"Landsbygd: skogsbygd (invånare)", "Landsbygd: fjällbygd (invånare)",
            "Viktad summa (referensvikter)"} <= texts
    layout = load_agreement(FIXTURE).data["bygd"].rural
    assert load_landsbygd(f"{book}#Underlag", layout) == load_landsbygd(FIXTURE / "bygd.csv", layout)
    delbelopp = openpyxl.load_workbook(book, data_only=True)["Delbelopp"]
    values = [c.value for row in delbelopp.iter_rows() for c in row]
    assert "Vikt skogsbygd" in values and "Vikt fjällbygd" in values


@pytest.mark.slow
def test_the_workbook_recalculated_with_other_weights_equals_allocate(known: Path, tmp_path: Path) -> None:
    """The declared key's weights changed in the workbook and recalculated by LibreOffice give every amount as
    ``allocate --set``; with only Jämtland's weighted sum, weights out of proportion give errors, never figures."""
    pytest.importorskip("openpyxl")
    from godnaravard.excel import export_workbook
    from tests.test_excel import (
        SOFFICE,
        _allocate_csv,
        _wb,
        amount_cells,
        assert_amounts_as_allocated,
        assert_refused,
        recalculated,
    )

    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    cases: list[tuple[Path, dict[str, int | Fraction]]] = [
        (known, {"bygd.vikt.skog": 5, "bygd.vikt.fjall": Fraction(1, 2)}),
        (known, {"bygd.vikt.skog": 0, "bygd.vikt.fjall": 7}),
        (FIXTURE, {"bygd.vikt.skog": 3, "bygd.vikt.fjall": 9}),
        (FIXTURE, {"bygd.vikt.skog": 1, "bygd.vikt.fjall": 9}),  # refused: not proportional to 1/3
    ]
    books = []
    for i, (folder, _) in enumerate(cases):
        books.append(tmp_path / f"book{i}.xlsx")
        export_workbook(godnaravard.allocate(agreement=folder), books[-1])
    outs = recalculated([(book, changes) for book, (_, changes) in zip(books, cases, strict=True)], tmp_path)
    for out, book, (folder, changes) in zip(outs[:3], books, cases[:3], strict=False):
        expected = _allocate_csv(changes, str(folder))
        wb = _wb(out, data_only=True)
        where = amount_cells(_wb(book, False), load_agreement(folder))
        assert where
        assert_amounts_as_allocated(wb, where, expected, out.name, changes)
    assert_refused(outs[3], amount_cells(_wb(books[3], False), load_agreement(FIXTURE)), "bygd")


def test_a_declared_column_in_capitals_reads_its_column(tmp_path: Path) -> None:
    """A definition may name a column in capitals (``Fjall_inv``): the file's header matches it as
    any header does, without regard to case (it was refused as "unknown column; did you mean 'Fjall_inv'")."""
    folder = tmp_path / "caps"
    shutil.copytree(FIXTURE, folder)
    for name in ("agreement.toml", "bygd.csv"):
        path = folder / name
        path.write_text(path.read_text(encoding="utf-8").replace("fjall_inv", "Fjall_inv"), encoding="utf-8")
    caps = invoke("allocate", "--agreement", folder, "--format", "csv")
    assert caps.exit_code == 0, caps.output
    assert caps.stdout == invoke("allocate", "--agreement", FIXTURE, "--format", "csv").stdout


def test_all_weights_zero_with_a_zero_part_allocates_though_some_rows_have_only_a_weighted_sum() -> None:
    """Weights 0/0 are allowed when the rural part is 0 kr (the plan's condition); a row with only
    its weighted sum then weighs 0 too, rather than asking for its categories."""
    zero = invoke("allocate", "--agreement", FIXTURE, "--set", "bygd.vikt.skog=0", "--set", "bygd.vikt.fjall=0",
                  "--set", "bidrag.bygd=0", "--format", "csv")
    assert zero.exit_code == 0, zero.output
    rows = list(csv.DictReader(zero.stdout.splitlines()))
    assert {r["bygd"] for r in rows} == {"0"} and sum(int(r["bidrag"]) for r in rows) == 10_000_000


def test_the_workbook_says_nothing_was_compared_in_its_formula_and_its_value(tmp_path: Path) -> None:
    """No published table to compare: Avstämning's verdict says so, in the formula Excel recalculates
    and in the value LibreOffice shows (the value said 'avvikelser', the formula 'stämmer')."""
    openpyxl = pytest.importorskip("openpyxl")
    assert invoke("check", "--agreement", FIXTURE).exit_code == 1  # nothing compared
    book = tmp_path / "bygd.xlsx"
    assert invoke("export", "--agreement", FIXTURE, "--output", book).exit_code == 0
    formulas = openpyxl.load_workbook(book)["Avstämning"]
    values = openpyxl.load_workbook(book, data_only=True)["Avstämning"]
    [row] = [r for r in range(1, 20) if formulas.cell(r, 1).value == "Resultat"]
    assert formulas.cell(row, 5).value == '="inget att jämföra"'
    assert values.cell(row, 5).value == "inget att jämföra"
