""""Did you mean": one suggestion over keys, labels and column names (``godnaravard.suggest``, issue 18 §5)."""

from __future__ import annotations

import doctest
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from godnaravard import suggest as module
from godnaravard.agreements import load_agreement
from godnaravard.suggest import LIMIT, MAX_TEXT, did_you_mean, either, suggest
from tests._cli import invoke


def test_the_examples_in_the_docstring() -> None:
    failed, attempted = doctest.testmod(module)
    assert attempted > 0 and failed == 0


def _keys() -> tuple[list[str], dict[str, tuple[str]]]:
    ag = load_agreement()
    return list(ag.rules.parameters), {k: (i.label,) for k, i in ag.parameter_info.items()}


@pytest.mark.parametrize(("given_key", "meant"), [
    ("nara_vard.total", "regioner.nara_vard_total"),
    ("landsbygd.total", "regioner.landsbygd_total"),
    ("ambulans.grundbelop", "ambulans.grundbelopp"),
    ("grundbelopp", "ambulans.grundbelopp"),
    ("Kommuner.Andel", "kommuner.andel_insatser"),
    ("nära vård", "regioner.nara_vard_total"),  # through the label, accents ignored
])
def test_every_word_counts_not_only_the_last(given_key: str, meant: str) -> None:
    keys, labels = _keys()
    assert suggest(given_key, keys, labels)[0] == meant


@pytest.mark.parametrize("option", ["nara_vard.total", "landsbygd.total"])
def test_set_suggests_the_right_key(option: str) -> None:
    result = invoke("allocate", "--set", f"{option}=1")
    assert result.exit_code == 2
    assert f"did you mean regioner.{option.replace('.', '_')}?" in result.output
    assert "ambulans.total" not in result.output


def test_sweep_vary_and_its_scenario_file_suggest_the_key(tmp_path: Path) -> None:
    result = invoke("sweep", "--vary", "landsbygd.total=1,2")
    assert result.exit_code == 2 and "did you mean regioner.landsbygd_total?" in result.output
    path = tmp_path / "s.csv"
    path.write_text("nara_vard.total\n1\n", encoding="utf-8")
    result = invoke("sweep", "--scenarios", path)
    assert result.exit_code == 2 and "did you mean 'regioner.nara_vard_total'?" in result.output


@pytest.mark.parametrize(("column", "meant"), [("ambulance", "ambulans"), ("regioner_total", "regioner_totalt"),
                                               ("Kommuner via RSS", "kommuner")])
def test_an_unknown_column_gets_a_suggestion(column: str, meant: str) -> None:
    result = invoke("diff", "2024", "--column", column)
    assert result.exit_code == 2 and f"(did you mean {meant}" in result.output


def test_nothing_near_gives_no_suggestion() -> None:
    keys, labels = _keys()
    assert suggest("zzz.qqq", keys, labels) == [] and did_you_mean("zzz", keys) == ""
    assert suggest("", keys) == [] and suggest("...", keys) == []


@given(st.lists(st.text("abcdefg._", min_size=1, max_size=12), min_size=1, max_size=20, unique=True),
       st.text("abcdefg._ ", max_size=12))
def test_suggestions_are_known_names_at_most_limit(names: list[str], text: str) -> None:
    found = suggest(text, names)
    assert len(found) <= LIMIT and set(found) <= set(names) and len(set(found)) == len(found)


@given(st.lists(st.text("abcdefg", min_size=1, max_size=12), min_size=1, max_size=20, unique=True), st.data())
def test_a_known_name_suggests_itself_first(names: list[str], data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(names))
    assert suggest(name, names)[0] == name


def test_either() -> None:
    assert either(["a"]) == "a" and either(["a", "b"]) == "a or b" and either(["a", "b", "c"]) == "a, b or c"


def test_a_huge_name_is_compared_by_its_start_only() -> None:
    keys, labels = _keys()
    junk = " ".join(["nara", "vard"] * 200_000)  # beyond the first MAX_TEXT characters: not compared
    assert suggest("landsbygd.total" + " " * MAX_TEXT + junk, keys, labels) == ["regioner.landsbygd_total"]
