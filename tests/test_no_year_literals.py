"""No year or date is written into the code: titles, headings and dates come from an agreement's definition.

A new year's agreement must need a definition and data, never code; a year left in a module would
put last year's date into next year's output. The shipped definitions under ``data/`` hold every
year; ``src/godnaravard`` holds none, in code, comments and docstrings alike.
"""

from __future__ import annotations

import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "godnaravard"
YEAR = re.compile(r"(?<![\w\\])(19|20)\d\d(?!\w)")


def lines_of_the_package(pattern: re.Pattern[str]) -> list[str]:
    """Every line of ``src/godnaravard`` (code, comments, docstrings) that ``pattern`` finds, as
    ``godnaravard/MODULE.py:LINE: text``."""
    return [
        f"{path.relative_to(SRC.parent)}:{n}: {line.strip()}"
        for path in sorted(SRC.rglob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]


def test_no_year_or_date_literal_in_the_package() -> None:
    found = lines_of_the_package(YEAR)
    assert not found, "\n".join(found)


def test_the_pattern_finds_years_and_dates_but_not_escapes_or_long_numbers() -> None:
    assert YEAR.search('"Befolkning 1 nov 2023"') and YEAR.search("2024-12-20") and YEAR.search("(2025)")
    assert not YEAR.search(r"\u2013") and not YEAR.search("120240") and not YEAR.search("x2024")
