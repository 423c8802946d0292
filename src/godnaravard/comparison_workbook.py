"""``diff --output FILE.xlsx``: the comparison as a workbook (issue 18 §4).

The sheet *Jämförelse* holds the rows of ``diff --format csv`` (``comparison_render.csv_records``):
the same columns and values, kronor and populations as numbers with a thousands separator, the
percent and the kronor per inhabitant as numbers with 4 decimals (``excel.plain``). The sheet
*Om tabellen* names both sides, their data and what B − A means.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from .comparison import PER_INHABITANT_PLACES, PERCENT_PLACES, RECORD_FIELDS, Comparison
from .comparison_render import csv_records, heading, scenario_label, source_line
from .excel.plain import Column, write_plain

__all__ = ["DIFF_SHEET", "comparison_columns", "write_comparison_workbook"]

#: The sheet that holds the comparison.
DIFF_SHEET = "Jämförelse"

_KINDS = {"population_a": "kronor", "population_b": "kronor", "a": "kronor", "b": "kronor", "diff": "kronor",
          "diff_percent": "decimal", "per_inhabitant_a": "decimal", "per_inhabitant_b": "decimal",
          "per_inhabitant_diff": "decimal"}


def comparison_columns(fields: Sequence[str] = RECORD_FIELDS) -> list[Column]:
    """The columns of the sheet: those of ``diff --format csv`` (``Comparison.record_fields``), each
    with the kind of its cells."""
    places = {"diff_percent": PERCENT_PLACES}
    return [Column(name, _KINDS.get(name, "text"), places.get(name, PER_INHABITANT_PLACES))
            for name in fields]


def write_comparison_workbook(cmp: Comparison, path: str | Path, *, force: bool = False) -> Path:
    """Write the comparison to ``path`` (a new ``.xlsx``, atomically); the rows of ``diff --format csv``."""
    records = csv_records(cmp)
    about = [
        ("A", scenario_label(cmp.a)),
        ("B", scenario_label(cmp.b)),
        ("Data", source_line(cmp)),
        ("Skillnad", "diff = b − a i kronor; diff_percent = diff i procent av a; per_inhabitant_* = kronor per "
                     "invånare med respektive sidas befolkning (tomt där a är 0 kr)"),
        ("Rader", "en rad per mottagare och kolumn, därefter totalraderna (lan = Totalt)"),
    ]
    title = heading(cmp)
    fields = cmp.record_fields
    return write_plain(path, DIFF_SHEET, comparison_columns(fields), ([rec[k] for k in fields] for rec in records),
                       title=title, about=about, count=len(records), force=force)
