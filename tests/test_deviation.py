"""Why a cell differs (``godnaravard.deviation``): one structured reason, written in English for
``godnaravard check`` and in Swedish for the sheet Avstämning, from the same facts."""

from __future__ import annotations

import re
from fractions import Fraction
from functools import cache

import pytest

from godnaravard import allocate
from godnaravard.agreements import load_agreement
from godnaravard.check import CellCheck, Reconciliation, reconcile
from godnaravard.deviation import PartFacts, Reason, english, och, rule_name, signed_kr, swedish
from godnaravard.excel.reconciliation import explanation

GNV = "god-och-nara-vard-2024"
SVF = "svf-cancer-2025-2"


@cache
def reconciliations() -> dict[str, Reconciliation]:
    """One of each kind of reason: rounding and sum (as signed), data (a what-if), rounding (SVF)."""
    return {
        "signed": reconcile(allocate(agreement=GNV)),
        "what-if": reconcile(allocate(agreement=GNV, overrides={"ambulans.grundbelopp": 1_000_000})),
        "svf": reconcile(allocate(agreement=SVF, overrides={"svf.total": 182_500_001})),
    }


def _cases(only_deviating: bool = False) -> list[tuple[str, int]]:
    return [(name, i) for name, rec in reconciliations().items() for i, c in enumerate(rec.cells)
            if c.deviation or not only_deviating]


def test_every_kind_of_reason_occurs() -> None:
    kinds = {c.why.kind for rec in reconciliations().values() for c in rec.deviating if c.why is not None}
    assert kinds == {"rounding", "data", "sum"}


@pytest.mark.parametrize(("name", "index"), _cases())
def test_one_reason_behind_both_languages(name: str, index: int) -> None:
    rec = reconciliations()[name]
    cell = rec.cells[index]
    why = cell.why
    if not cell.deviation:
        assert why is None and cell.reason == "" and explanation(rec, cell) == ""
        return
    assert why is not None and why.kind == cell.cause
    assert (why.column, why.deviation, why.exact, why.computed, why.official) == (
        cell.column, cell.deviation, cell.exact, cell.computed, cell.official)
    assert cell.reason == english(why, rec.column_label)
    assert rec.agreement is not None
    assert explanation(rec, cell) == swedish(why, rec.agreement, rec.column_label)


@pytest.mark.parametrize(("name", "index"), _cases(only_deviating=True))
def test_both_languages_state_the_same_figures(name: str, index: int) -> None:
    """Every number in the English reason is in the Swedish one (a comma for the decimal point)."""
    rec = reconciliations()[name]
    cell = rec.cells[index]
    numbers = set(re.findall(r"[+-]?\d[\d ]*(?:\.\d+)?", cell.reason))
    swedish_text = explanation(rec, cell)
    assert numbers and swedish_text
    for number in numbers:
        assert number.strip().replace(".", ",") in swedish_text, number


def _facts(**changes: object) -> Reason:
    part = PartFacts("ambulans", "befolkning", Fraction(30_000_001, 20), Fraction(1, 20), 3, 21, 10, True)
    base = {"kind": "rounding", "column": "ambulans", "deviation": 1, "exact": part.exact, "computed": 1_500_001,
            "official": 1_500_000, "parts": (part,), "alternatives": ("sainte_lague",)}
    return Reason(**{**base, **changes})  # type: ignore[arg-type]  # (the test's own keyword table)


def test_a_rounding_reason_in_both_languages() -> None:
    ag = load_agreement(GNV)
    r = _facts()
    assert english(r, str) == (
        "befolkning part: exact 1 500 000.0500 kr, remainder 0.0500, rank 3 of 21 among remainders with 10 "
        "balancing krona(s) to give: a balancing krona; the official table gives one krona less than the "
        "package's rule (largest_remainder); the column's exact share is 1 500 000.0500 kr, so both 1 500 001 and "
        "1 500 000 are within 1 kr of it; the sainte_lague rule would give the official amount here.")
    sv = swedish(r, ag, str)
    assert "exakt 1 500 000,0500 kr, rest 0,0500, plats 3 av 21 bland resterna med 10 utjämningskronor" in sv
    assert "en krona mindre än verktygets regel (största rest)" in sv
    assert sv.endswith("med Sainte-Laguës metod blir det den publicerade tabellens belopp.")


def test_a_data_reason_names_the_deviation_in_both_languages() -> None:
    r = _facts(kind="data", deviation=-1_942_496, alternatives=())
    assert "differs from the official table by -1 942 496 kr, more than a balancing krona" in english(r, str)
    assert "skiljer sig från den publicerade tabellen med -1 942 496 kr, mer än" in swedish(r, load_agreement(GNV), str)


def test_the_words_around_the_reasons() -> None:
    assert [signed_kr(v) for v in (1, -1, 0, -1_942_496)] == ["+1 kr", "-1 kr", "0 kr", "-1 942 496 kr"]
    assert och(["A"]) == "A" and och(["A", "B", "C"]) == "A, B och C"
    assert rule_name("largest_remainder") == "största rest" and rule_name("other") == "other"
    assert CellCheck.why.__doc__ and "Reason" in CellCheck.why.__doc__
