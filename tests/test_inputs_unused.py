"""Data files with more columns than the agreement uses (issue 17 §2): read, and their extra
columns listed (``inputs.unused``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from godnaravard.agreements import load_agreement
from godnaravard.errors import InputError
from godnaravard.inputs import load_population
from godnaravard.inputs.unused import unused_columns, unused_in_agreement, used_columns
from godnaravard.resources import data_file

FIXTURE = Path(__file__).parent / "fixtures" / "partial_thousands"


def test_a_population_file_with_columns_it_does_not_use_is_read() -> None:
    regions = load_population(data_file("population_2023.csv"), ("population",))
    assert len(regions) == 21 and regions[0].count("population") == 2455914


def test_an_unknown_column_is_reported_while_a_required_one_is_missing(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("lan_code,region,invanare\n01,Region Stockholm,1\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_population(path, ("population",), require_all=False)
    messages = [str(p) for p in info.value.problems]
    assert any("'invanare': unknown column" in m for m in messages), messages
    assert any("'population': this column is missing" in m for m in messages), messages


def test_unused_columns_are_those_no_used_column_or_heading_names(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("Länskod,Region,Folkmängd 2023,kommentar,hsl_insatser\n01,Region Stockholm,1,x,2\n",
                    encoding="utf-8")
    assert unused_columns(path, ("lan_code", "lan", "region", "population")) == ("kommentar", "hsl_insatser")
    assert unused_columns(path, ("lan_code", "lan", "region", "population", "hsl_insatser")) == ("kommentar",)


def test_used_columns_follow_the_slot_kind_the_recipients_and_the_counts() -> None:
    assert used_columns("recipients", "kommun", ("population",)) == ("kommun_code", "kommun", "population")
    assert used_columns("recipients", "region", ("a", "b")) == ("lan_code", "lan", "region", "a", "b")
    assert used_columns("counts", "region", ("b",)) == ("lan_code", "lan", "region", "b")
    rural = load_agreement().data["landsbygd"].rural  # the rural key's columns are the definition's (issue 17 §3)
    assert "vagd_summa" in (used_columns("rural_key", "region", (), rural) or ())
    assert used_columns("rural_key", "region", ()) is None  # a rural key's slot that no key reads
    assert used_columns("population", "region", ()) is None  # a slot's name says nothing: its kind does


def test_the_shipped_agreements_use_every_column_of_their_files() -> None:
    for name in ("god-och-nara-vard-2024", "svf-cancer-2025-2"):
        assert unused_in_agreement(load_agreement(name)) == {}


def test_the_fixture_does_not_use_hsl_insatser() -> None:
    assert unused_in_agreement(load_agreement(FIXTURE)) == {"population": ("hsl_insatser",)}
