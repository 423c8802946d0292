"""``agreements.stale``: which details of a definition belong to another year (issue 18 §7)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from godnaravard.agreements import load_agreement
from godnaravard.agreements.stale import note_of, printable, stale_details

GNV = load_agreement("god-och-nara-vard-2024")
SVF = load_agreement("svf-cancer-2025-2")


def test_the_shipped_agreements_have_no_stale_detail() -> None:
    assert stale_details(GNV) == () and stale_details(SVF) == ()
    assert note_of(GNV) == "" and note_of(SVF) == ""


@given(year=st.integers(1990, 2100), signed_year=st.integers(1985, 2105))
def test_signatures_belong_to_the_year_or_the_year_before(year: int, signed_year: int) -> None:
    ag = replace(SVF, year=year, signed=(("SKR", dt.date(signed_year, 12, 15)),), data={})
    keys = [d.key for d in stale_details(ag)]
    assert ("signed" in keys) == (signed_year not in (year - 1, year))


@given(year=st.integers(1990, 2100), data_year=st.integers(1985, 2105))
def test_data_older_than_the_year_before_is_stale(year: int, data_year: int) -> None:
    data = {k: replace(v, date=dt.date(data_year, 11, 1)) for k, v in GNV.data.items()}
    ag = replace(GNV, year=year, signed=(), data=data, tables=(), budget_files={})
    keys = [d.key for d in stale_details(ag)]
    assert keys == (["data.population.date", "data.landsbygd.date"] if data_year < year - 1 else [])


@given(year=st.integers(1990, 2100), official_year=st.none() | st.integers(1985, 2105))
def test_official_tables_of_another_year_are_stale(year: int, official_year: int | None) -> None:
    tables = tuple(replace(t, official_year=official_year) for t in SVF.tables)
    ag = replace(SVF, year=year, tables=tables, data={}, budget_official_year=official_year)
    keys = [d.key for d in stale_details(ag)]
    stale = official_year is not None and official_year != year
    assert keys == (["tables.utbetalning2.official_year", "budget.official_year"] if stale else [])


def test_the_note_is_one_line_naming_every_key() -> None:
    ag = replace(GNV, year=2026)
    note = note_of(ag)
    assert "\n" not in note
    assert "(signed, data.population.date, data.landsbygd.date)" in note


def test_printable_escapes_control_characters() -> None:
    assert printable("a\x1b[2Jb\n") == "a\\x1b[2Jb\\n"
    assert printable("Sörmland – 1 kr") == "Sörmland – 1 kr"
