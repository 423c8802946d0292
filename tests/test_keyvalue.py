"""``KEY=VALUE`` options: one parser and one wording for ``--set`` and ``--vary`` (``godnaravard.keyvalue``)."""

from __future__ import annotations

import doctest

import pytest
from hypothesis import given
from hypothesis import strategies as st

from godnaravard import keyvalue
from godnaravard.keyvalue import KeyValueError, parse_pairs
from tests._cli import invoke

keys = st.text("abcdefghij._", min_size=1, max_size=8)
values = st.text("0123456789:=,.x", max_size=8)


def test_the_examples_in_the_docstring() -> None:
    failed, attempted = doctest.testmod(keyvalue)
    assert attempted > 0 and failed == 0


@given(st.dictionaries(keys, values, max_size=5))
def test_distinct_keys_round_trip(pairs: dict[str, str]) -> None:
    texts = [f" {k} = {v} " for k, v in pairs.items()]
    assert parse_pairs(texts, "--set") == {k: v.strip() for k, v in pairs.items()}


def test_a_key_given_twice_names_both_values() -> None:
    with pytest.raises(KeyValueError) as info:
        parse_pairs(["k=1", "other=3", " k =2"], "--vary", "KEY=SPEC")
    assert info.value.option == "--vary"
    assert str(info.value) == "k is given twice (k=1 and k=2); give each key once"


@pytest.mark.parametrize("command", [("allocate", "--set"), ("sweep", "--vary")])
def test_set_and_vary_word_their_errors_alike(command: tuple[str, str]) -> None:
    name, option = command
    twice = invoke(name, option, "ambulans.grundbelopp=1", option, "ambulans.grundbelopp=2")
    assert twice.exit_code == 2
    assert (f"godnaravard: error: Invalid value for {option}: ambulans.grundbelopp is given twice "
            "(ambulans.grundbelopp=1 and ambulans.grundbelopp=2); give each key once") in twice.stderr
    missing = invoke(name, option, "novalue")
    assert missing.exit_code == 2
    assert f"Invalid value for {option}: expected KEY=" in missing.stderr and "got 'novalue'" in missing.stderr
