"""A test helper: write small .xlsx workbooks with openpyxl (imported by several test modules)."""

from __future__ import annotations

from pathlib import Path
from typing import IO, TypeVar

Target = TypeVar("Target", Path, IO[bytes])


def save_workbook(path: Target, sheets: dict[str, list[list[object]]]) -> Target:
    """Write ``sheets`` (title → rows of cell values) to ``path`` (a file or a binary stream) and return it."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path
