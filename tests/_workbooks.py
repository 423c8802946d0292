"""A test helper: write small .xlsx workbooks with openpyxl (imported by several test modules)."""

from __future__ import annotations

from pathlib import Path


def save_workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    """Write ``sheets`` (title → rows of cell values) to ``path`` and return it."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path
