"""Reading an ``.xlsx`` workbook into rows of cells, safely (the workbook half of ``tables``).

The workbook is refused before it is opened when its parts would inflate to more than
``MAX_XLSX_INFLATED`` bytes or look like a zip bomb; the sheet (the first visible one with cells,
or the one named) is read streaming (openpyxl's ``read_only``) up to ``max_rows`` rows and
``MAX_SHEET_CELLS`` cells. Cells keep their type; a formula that was never calculated is marked
as a ``Formula``. ``tables.read_table`` turns the rows into a ``Table``.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping
from typing import Any

from .errors import InputError, Problem, safe_excerpt
from .files import _spaced, _too_many_rows
from .frozen import frozen

__all__ = ["MAX_SHEET_CELLS", "MAX_XLSX_INFLATED", "Cell", "Formula"]

#: A workbook whose parts (declared in its zip directory) inflate to more than this is refused
#: before it is opened; so is one with more than ``_MAX_XLSX_PARTS`` parts, or a part above
#: 1 MiB that inflates more than ``_MAX_XLSX_RATIO`` times (a zip bomb).
MAX_XLSX_INFLATED = 16 * 1024 * 1024
_MAX_XLSX_PARTS = 10_000
_MAX_XLSX_RATIO = 200
#: At most this many cells (filled or not, up to each row's last cell) are read from a sheet.
MAX_SHEET_CELLS = 500_000

_ZIP = b"PK\x03\x04"


@frozen
class Formula:
    """A workbook cell holding a formula whose value was never calculated (no cached value)."""

    text: str

    def __str__(self) -> str:
        return self.text


#: One cell: text from CSV; from a workbook also numbers, booleans, dates, or a ``Formula``.
Cell = str | int | float | bool | dt.datetime | dt.date | dt.time | dt.timedelta | Formula


def _letter(index: int) -> str:
    """Spreadsheet column letters for a 1-based column index (1 → A, 27 → AA)."""
    out = ""
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def _damaged(label: str, exc: BaseException) -> InputError:
    return InputError(
        Problem(
            label,
            f"not a readable Excel workbook (.xlsx): the file is damaged, truncated or not a workbook "
            f"({type(exc).__name__})",
        )
    )


def _check_zip(raw: bytes, label: str) -> None:
    """Refuse a workbook whose parts would inflate beyond the limits, before anything is inflated.

    The sizes are those the zip directory declares; ``zipfile`` never inflates a part beyond its
    declared size (a part that claims less than it holds fails its CRC check as damaged).
    """
    import zipfile  # only when a workbook is read

    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as zf:
            infos = zf.infolist()
    except Exception as exc:  # noqa: BLE001 - BadZipFile, a bad header, a huge comment ...
        raise _damaged(label, exc) from None
    if len(infos) > _MAX_XLSX_PARTS:
        raise InputError(
            Problem(label, f"the workbook has {_spaced(len(infos))} parts; a workbook read here has at most "
                           f"{_spaced(_MAX_XLSX_PARTS)}")
        )
    total = sum(info.file_size for info in infos)
    if total > MAX_XLSX_INFLATED:
        raise InputError(
            Problem(label, f"the workbook would inflate to {_spaced(total)} bytes; a workbook read here inflates "
                           f"to at most {_spaced(MAX_XLSX_INFLATED)} bytes (save the sheet you need alone, or "
                           f"as CSV UTF-8)")
        )
    for info in infos:
        if info.file_size > 1024 * 1024 and info.file_size > _MAX_XLSX_RATIO * max(info.compress_size, 1):
            raise InputError(
                Problem(label, f"the workbook's part {safe_excerpt(info.filename, 40)!r} inflates "
                               f"{info.file_size // max(info.compress_size, 1):,} times (from "
                               f"{_spaced(info.compress_size)} to {_spaced(info.file_size)} bytes): this is not a "
                               f"spreadsheet's data but a zip bomb, and it is not read")
            )


def _open_workbook(raw: bytes, label: str, data_only: bool) -> Any:
    """The workbook, opened for streaming (``read_only``): only the parts it reads are inflated."""
    import warnings

    import openpyxl  # only when a workbook is read

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=data_only, keep_links=False)
    except Exception as exc:  # noqa: BLE001 - a damaged zip/XML raises anything from zipfile to lxml
        raise _damaged(label, exc) from None


def _xlsx_rows(
    raw: bytes, label: str, sheet: str | None, max_rows: int | None
) -> tuple[list[tuple[int, list[Cell]]], str, dict[int, str], tuple[str, ...]]:
    """The rows of one sheet: ``(row number, cells)``, the label for messages, column letters, sheets."""
    if not raw.startswith(_ZIP):
        raise InputError(
            Problem(
                label,
                "not a valid Excel workbook (.xlsx): the file is damaged, truncated or "
                "not a workbook (it does not start like one)",
            )
        )
    _check_zip(raw, label)
    values = _open_workbook(raw, label, data_only=True)
    try:
        return _sheet_rows(values, raw, label, sheet, max_rows)
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - a damaged workbook can fail anywhere while it is read
        raise InputError(
            Problem(label, f"the workbook cannot be read: it is damaged ({type(exc).__name__})")
        ) from None
    finally:
        values.close()


_STATES = {"hidden": "hidden", "veryHidden": "very hidden"}


def _pick_sheet(values: Any, label: str, sheet: str | None) -> tuple[str, str]:
    """The title of the sheet to read, and the label for messages (``FILE.xlsx#Sheet``)."""
    names: list[str] = list(values.sheetnames)
    tables = [ws.title for ws in values.worksheets]  # sheets with cells (not chart sheets)
    if not tables:
        raise InputError(Problem(label, "the workbook has no sheet with cells (only charts)"))
    if sheet is None:
        visible = [ws.title for ws in values.worksheets if ws.sheet_state not in _STATES]
        if not visible:
            shown = ", ".join(f"{ws.title} ({_STATES[ws.sheet_state]})" for ws in values.worksheets)
            raise InputError(
                Problem(
                    label,
                    f"every sheet with cells is hidden ({shown}); a hidden sheet is read only when it is named, "
                    f"as FILE.xlsx#Sheet (e.g. {label}#{tables[0]})",
                )
            )
        return visible[0], f"{label}#{visible[0]}"
    if sheet in tables:
        return sheet, label  # named: read even when hidden (the user chose it by name)
    if sheet in names:
        raise InputError(
            Problem(
                label, f"the sheet {sheet!r} is a chart, not a table (sheets with cells: {', '.join(tables)})"
            )
        )
    import difflib

    near = difflib.get_close_matches(sheet, names, n=1)
    hint = f"; did you mean '{near[0]}'?" if near else ""
    raise InputError(Problem(label, f"the workbook has no sheet {sheet!r}{hint} (sheets: {', '.join(names)})"))


def _stream(ws: Any, label: str, max_rows: int | None) -> Any:
    """``(row number, cells)`` of a read-only sheet, each row up to its last cell, within the limits.

    The sheet's own size (its ``dimension``) is not trusted: it may be missing or wrong.
    """
    ws.reset_dimensions()
    budget = MAX_SHEET_CELLS
    for number, cells in enumerate(ws.iter_rows(max_row=max_rows + 1 if max_rows is not None else None), start=1):
        if max_rows is not None and number > max_rows:  # a row is there (blank rows are yielded only before one)
            raise _too_many_rows(label, max_rows, "sheet")
        budget -= len(cells)
        if budget < 0:
            raise InputError(
                Problem(label, f"the sheet has more than {_spaced(MAX_SHEET_CELLS)} cells (counting every cell up to "
                               f"the last one of each row); an input table has far fewer", row=number)
            )
        yield number, cells


def _sheet_rows(
    values: Any, raw: bytes, label: str, sheet: str | None, max_rows: int | None
) -> tuple[list[tuple[int, list[Cell]]], str, dict[int, str], tuple[str, ...]]:
    """``_xlsx_rows`` once the workbook is open: pick the sheet, read its cells."""
    title, label = _pick_sheet(values, label, sheet)
    rows: list[tuple[int, list[Cell]]] = []
    unknown: dict[tuple[int, int], int] = {}  # (row, column) of a cell without a value → index into rows
    for number, cells in _stream(values[title], label, max_rows):
        row: list[Cell] = []
        for col, cell in enumerate(cells, start=1):
            value = cell.value
            if value is None:
                if cell.__class__.__name__ != "EmptyCell":  # a formula without a value, or a styled blank
                    unknown[(number, col)] = len(rows)
                row.append("")
            elif isinstance(value, (str, int, float, dt.datetime, dt.date, dt.time, dt.timedelta)):
                row.append(value)
            else:
                row.append(str(value))
        while row and row[-1] == "" and (number, len(row)) not in unknown:
            row.pop()
        rows.append((number, row))
    if unknown:
        _formulas(raw, label, title, rows, unknown, max_rows)
    width = max((len(r) for _, r in rows), default=0)
    return rows, label, {i: _letter(i + 1) for i in range(width)}, tuple(values.sheetnames)


def _formulas(
    raw: bytes,
    label: str,
    title: str,
    rows: list[tuple[int, list[Cell]]],
    unknown: Mapping[tuple[int, int], int],
    max_rows: int | None,
) -> None:
    """Mark the cells that hold a formula but no calculated value (a second streaming pass)."""
    formulas = _open_workbook(raw, label, data_only=False)
    try:
        last = max(r for r, _ in unknown)
        for number, cells in _stream(formulas[title], label, max_rows):
            if number > last:
                break
            for col, cell in enumerate(cells, start=1):
                at = unknown.get((number, col))
                if at is not None and cell.value is not None:
                    rows[at][1][col - 1] = Formula(str(cell.value))
    finally:
        formulas.close()

