"""The signed bilagor and their notes in an 80-column terminal (``printed.printed_rich``, ``render.note_lines``)."""

from __future__ import annotations

import pytest
from _cli import invoke


@pytest.mark.parametrize("table", ["bilaga2", "bilaga3", "bilaga4"])
def test_each_bilaga_fits_80_columns_with_every_figure_whole(table: str) -> None:
    result = invoke("allocate", "--table", table, env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert "use --format csv" not in result.stdout
    csv = invoke("allocate", "--table", table, "--format", "csv").stdout.splitlines()[1:]
    shown = result.stdout.replace("\u00a0", " ")
    for row in csv:  # every amount of the CSV stands whole on one line of the table
        for cell in row.split(","):
            if cell.isdigit() and len(cell) > 3:
                assert f"{int(cell):,}".replace(",", " ") in shown


def test_bilaga2_at_80_columns_keeps_the_signed_headings_in_order() -> None:
    text = invoke("allocate", "--table", "bilaga2", env={"COLUMNS": "80"}).stdout
    words = " ".join(text.split())
    for heading in ("Länsvis", "Befolkning", "Andel", "befolkning", "insatser*", "per län", "Nära vård", "(kronor)"):
        assert heading in words
    assert "23,3%" in text and "109 737 356" in text


@pytest.mark.parametrize("width", ["60", "80", "100"])
def test_notes_never_break_an_amount(width: str) -> None:
    text = invoke("allocate", env={"COLUMNS": width}).stdout
    notes = text[text.index("Note:"):]
    for line in notes.splitlines():
        assert len(line) <= int(width)
    joined = " ".join(line.strip() for line in notes.splitlines())
    for amount in ("1 516 511", "1 516 512", "6 443 659", "6 443 658"):
        assert amount in joined
        assert any(amount in line for line in notes.splitlines()), f"{amount} is broken across lines"
