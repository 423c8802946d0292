"""The terminal page of ``godnaravard parameters`` (``godnaravard.parameters_render``, issue 18 §5):
one block per parameter, no line wider than the terminal, no word and no amount broken."""

from __future__ import annotations

import doctest
import re
from pathlib import Path

import pytest

from godnaravard import parameters_render
from godnaravard.agreements import load_agreement
from godnaravard.parameters_render import parameter_lines, value_text
from tests._cli import invoke

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "guide_kommuner_ambulans"
AGREEMENTS = ["god-och-nara-vard-2024", "svf-cancer-2025-2", str(FIXTURE)]
WIDTHS = [60, 80, 100, 120]
_AMOUNT = re.compile(r"\d{1,3}(?: \d{3})+")


def test_the_examples_in_the_docstring() -> None:
    failed, attempted = doctest.testmod(parameters_render)
    assert attempted > 0 and failed == 0


def _page(name: str, width: int) -> list[str]:
    result = invoke("parameters", "--agreement", name, env={"COLUMNS": str(width)})
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines()


@pytest.mark.parametrize("name", AGREEMENTS)
@pytest.mark.parametrize("width", WIDTHS)
def test_no_line_is_wider_than_the_terminal(name: str, width: int) -> None:
    lines = _page(name, width)
    assert max(len(line) for line in lines) <= width


@pytest.mark.parametrize("name", AGREEMENTS)
@pytest.mark.parametrize("width", WIDTHS)
def test_every_key_value_word_and_amount_is_whole(name: str, width: int) -> None:
    ag = load_agreement(name)
    lines = _page(name, width)
    words = {w for line in lines for w in line.split()}
    for key, value in ag.parameters.as_dict().items():
        info = ag.parameter_info[key]
        head = next(i for i, line in enumerate(lines) if line.split()[:1] == [key])
        shown = " ".join(lines[head:head + 2])  # the value on the key's line, or the next
        assert f"{value_text(value)} {info.unit}" in shown, (key, shown)
        for text in (info.label, info.source):
            for word in text.split():
                assert word in words, (key, word)  # no word broken between lines
            for amount in _AMOUNT.findall(text):
                assert any(amount in line for line in lines), (key, amount)  # no amount broken


def test_a_block_has_the_label_and_the_source_beneath_the_key() -> None:
    lines = parameter_lines(load_agreement(), 80)
    at = next(i for i, line in enumerate(lines) if line.startswith("ambulans.grundbelopp "))
    assert lines[at].endswith("500 000 kr")
    assert lines[at + 1] == "  Grundbelopp per region, ambulanssjukvård"
    assert lines[at + 2].startswith("  Källa: Avsnitt 12: ett grundbelopp på 500 000 kronor")
    assert lines[at - 1] == ""


def test_a_key_too_long_for_its_line_has_its_value_beneath() -> None:
    lines = parameter_lines(load_agreement(), 40)
    at = lines.index("kvalitetsregister.regionerna_stodfunktion")
    assert lines[at + 1].endswith("29 535 000 kr") and max(map(len, lines)) <= 41  # the key itself is 41
