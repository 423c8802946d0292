"""Text from definitions and data files reaches the terminal as text (``terminal``, issue 17 §1)."""

from __future__ import annotations

import io
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from godnaravard.render import make_table
from godnaravard.terminal import terminal_text, text_console


@pytest.mark.parametrize(("text", "shown"), [
    ("Källa: avsnitt 2 [/not 1]", "Källa: avsnitt 2 [/not 1]"),
    ("röd \x1b[31m", "röd \\x1b[31m"),
    ("\x9b2J", "\\x9b2J"),
    ("a\u202eb\u2066c", "a\\u202eb\\u2066c"),
    ("två\nrader\tflik", "två\nrader\\x09flik"),
])
def test_control_characters_become_visible_escapes(text: str, shown: str) -> None:
    assert terminal_text(text) == shown


@given(st.text())
def test_no_control_character_but_a_line_break_survives(text: str) -> None:
    out = terminal_text(text)
    assert all(ch == "\n" or unicodedata.category(ch) != "Cc" for ch in out), out
    assert not set(out) & set("\u2028\u2029\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
    assert terminal_text(out) == out  # idempotent: an escape is plain text


def _printed(*renderables: object) -> str:
    buf = io.StringIO()
    console = text_console(file=buf, width=100, force_terminal=False)
    for r in renderables:
        console.print(r)
    return buf.getvalue()


def test_markup_and_emoji_codes_are_printed_as_written() -> None:
    out = _printed("Källa: avsnitt 2 [/not 1] [bold]fet[/bold] :smile:")
    assert "Källa: avsnitt 2 [/not 1] [bold]fet[/bold] :smile:" in out


def test_a_table_of_hostile_text_prints_escapes_and_keeps_its_layout() -> None:
    table = make_table("Titel [/x] \x1b[2J", [("Rubrik [b]", "left", "Totalt", ["a\x1b]0;x\x07", "b\u202ec"], True)],
                       footer=True)
    out = _printed(table)
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    assert "Titel [/x]" in out and "\\x1b[2J" in out and "Rubrik [b]" in out and "b\\u202ec" in out
    widths = {len(line) for line in out.splitlines() if line[:1] in "┏┃┡│├└"}
    assert len(widths) == 1, out  # every row of the table as wide as the others
