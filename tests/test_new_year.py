"""A new year is a definition and data, never code: the dry run of issue 10.

``agreement new`` from God och nära vård 2024, then the year, the data dates and the population
file are changed, as docs/agreements.md says. No output of allocate, check, explain or export
may then mention the old agreement's years.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from _cli import invoke

from godnaravard.agreements import load_agreement

OLD_YEARS = re.compile(r"(?<!\d)(2023|2024)(?!\d)")


@pytest.fixture(scope="module")
def next_year(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("dry-run") / "gnv-2031"
    assert invoke("agreement", "new", folder, "--from", "god-och-nara-vard-2024").exit_code == 0
    definition = folder / "agreement.toml"
    text = definition.read_text(encoding="utf-8")
    text = text.replace("year = 2024", "year = 2031")
    text = re.sub(r"signed = \[\n(    \{[^\n]*\},\n)+\]\n", "", text)  # not signed yet
    text = text.replace('file = "population_2023.csv"', 'file = "befolkning.csv"')
    text = text.replace("date = 2023-11-01", "date = 2030-11-01")
    definition.write_text(text, encoding="utf-8")
    # The new population: last year's rows with other numbers (not real data).
    rows = list(csv.DictReader(io.StringIO((folder / "population_2023.csv").read_text(encoding="utf-8"))))
    for i, r in enumerate(rows):
        r["population"] = str(int(r["population"]) + 1_000 * (i + 1))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    (folder / "befolkning.csv").write_text(out.getvalue(), encoding="utf-8")
    (folder / "population_2023.csv").unlink()
    return folder


def _years(text: str, folder: Path) -> list[str]:
    """Old years in ``text``, not counting the temporary folder's own path."""
    text = text.replace(str(folder.resolve()), "FOLDER").replace(str(folder), "FOLDER")
    return [text[max(0, m.start() - 60): m.end() + 20] for m in OLD_YEARS.finditer(text)]


def test_the_new_year_loads_with_its_own_title_and_dates(next_year: Path) -> None:
    ag = load_agreement(next_year)
    assert ag.title == "God och nära vård 2031" and ag.year == 2031
    assert ag.label("population") == "Befolkning 1 nov 2030"
    assert ag.signed == () and all(t.official is None for t in ag.tables)


@pytest.mark.parametrize(
    "args",
    [
        ("allocate",),
        ("allocate", "--format", "csv"),
        ("allocate", "--format", "json"),
        ("allocate", "--set", "ambulans.grundbelopp=600000"),
        ("check",),
        ("check", "--format", "json"),
        ("explain", "01"),
        ("explain", "09", "--format", "json"),
        ("parameters",),
        ("diff", "--set", "kommuner.total=800000000"),
    ],
    ids=lambda a: " ".join(a),
)
def test_no_output_mentions_the_old_years(next_year: Path, args: tuple[str, ...]) -> None:
    command = list(args)
    if command[0] == "diff":
        command = ["diff", str(next_year / "agreement.toml"), *command[1:]]
    result = invoke(*command, "--agreement", next_year, env={"COLUMNS": "200"})
    assert result.exit_code in (0, 1), result.output
    assert _years(result.output, next_year) == []


def test_the_workbook_mentions_no_old_year(next_year: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "gnv.xlsx"
    result = invoke("export", "--agreement", next_year, "--output", out)
    assert result.exit_code == 0, result.output
    found = []
    book = load_workbook(out)
    for sheet in book.worksheets:
        texts = [sheet.title, sheet.oddHeader.center.text or "", sheet.oddFooter.center.text or ""]
        texts += [str(c.value) for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
        found += [f"{sheet.title}: {hit}" for t in texts for hit in _years(t, next_year)]
    assert found == []
