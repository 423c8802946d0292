"""Reading a table file into rows of cells, remembering where each cell stood in the file.

This layer only turns bytes into cells; ``inputs`` validates them. It accepts:

- CSV separated by ``,``, ``;`` or tab (detected from the first lines, or set by a first line
  ``sep=;`` as Excel writes it), in UTF-8 with or without a byte-order mark, or in
  Windows-1252 when the text then reads as Swedish (only letters such as å, ä, ö, é and the
  no-break space outside ASCII). Anything that would come out as mojibake is refused instead:
  C0/C1 control characters, the replacement character, text converted to UTF-8 twice (``Ã¶``
  for ``ö``), DOS and Mac code pages, UTF-16.
- Excel workbooks (``.xlsx``): the first *visible* sheet with cells, or ``FILE.xlsx#Sheet`` for a
  named one (a hidden or very hidden sheet is read only when it is named). Cells keep their type
  (``int``, ``float``, ``str``, dates); a formula gives its last calculated value, and a formula
  that was never calculated is marked as such (``Formula``). Old ``.xls``, ``.ods`` and damaged
  or truncated workbooks are refused by name.

The header row is found among the first rows (title rows above it are skipped); optionally a
total row (``Totalt``, ``Summa``, ``Riket`` …) ends the table. A line whose first cell starts
with ``#`` (``# a comment``) is skipped anywhere: above the header and between rows (but not
a spreadsheet error value such as ``#N/A``, which is a cell's content).

Limits, checked before the work they bound: only regular files are read (never a folder,
device, pipe or socket, which is refused before it is opened); a file larger than ``max_bytes``
is refused by its size; a CSV file is refused at its ``max_rows + 1``-th row while it is parsed;
a workbook is refused before it is opened when its parts would inflate to more than
``MAX_XLSX_INFLATED`` bytes (or look like a zip bomb), and read streaming (``read_only``) up to
``max_rows`` rows and ``MAX_SHEET_CELLS`` cells; a header has at most ``MAX_COLUMNS`` distinct
column names; at most ``MAX_PROBLEMS`` problems are listed, the rest counted.

Row numbers are those a user sees: the line number in an editor (the first line is row 1; a
quoted cell spanning lines counts from its first line), or the row number in the spreadsheet.
Every failure is an ``InputError`` naming the file (and the row, where there is one); nothing
else escapes.

Opening the file is ``files.read_file`` (and TOML files ``files.read_toml``), reading a
workbook's sheet into rows ``xlsx_reader``; both are re-exported here (``tables.read_file``,
``tables.read_toml``, ``tables.Formula`` …). This module decodes CSV and builds the ``Table``.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Collection, Mapping
from dataclasses import field
from pathlib import Path
from typing import Literal

from .errors import MAX_PROBLEMS, InputError, Problem
from .files import _spaced, _too_many_rows, read_file
from .files import read_toml as read_toml
from .frozen import frozen
from .xlsx_reader import _ZIP, MAX_SHEET_CELLS, MAX_XLSX_INFLATED, Cell, Formula, _letter, _xlsx_rows

__all__ = [
    "MAX_BYTES",
    "MAX_COLUMNS",
    "MAX_ROWS",
    "MAX_SHEET_CELLS",
    "MAX_XLSX_INFLATED",
    "TOTAL_LABELS",
    "Cell",
    "Formula",
    "Table",
    "read_file",
    "read_table",
    "split_sheet",
]

#: An input table is a few hundred rows; a file larger than this (10 MiB) is not one.
MAX_BYTES = 10 * 1024 * 1024
#: At most this many rows are read (when ``max_bytes`` is given and ``max_rows`` is not).
MAX_ROWS = 100_000
#: At most this many distinct column names in a header.
MAX_COLUMNS = 1_000
#: How many leading rows are searched for the header row.
_HEADER_SEARCH = 20
#: First cells that mark a total row, which ends a table (as in the agreement's bilagor).
TOTAL_LABELS: frozenset[str] = frozenset(
    {"totalt", "total", "summa", "sum", "riket", "hela riket", "samtliga"}
)
_CODE = re.compile(r"[0-9]{1,4}")
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@frozen
class Table:
    """A table read from a file: its header and its rows, each with its row number in the file.

    Attributes:
        file: the file's name for messages (as given; ``#Sheet`` added for a workbook).
        header: the column names, stripped, in file order (empty names dropped).
        rows: ``(row number, {column name: cell})`` for every non-blank row after the header.
        header_row: the row number of the header.
        kind: ``"csv"`` or ``"xlsx"``.
        letters: for a workbook, each column's spreadsheet letter (``"D"``), for messages.
        sheets: for a workbook, the names of all its sheets (for messages).
        total: the total row, if the table has one (first cell ``Totalt``, ``Summa``, ``Riket`` …):
            it ends the table (later rows are ignored, unless they look like data); the caller
            may check its sums.
    """

    file: str
    header: tuple[str, ...]
    rows: tuple[tuple[int, dict[str, Cell]], ...]
    header_row: int = 1
    kind: Literal["csv", "xlsx"] = "csv"
    letters: Mapping[str, str] = field(default_factory=dict)
    total: tuple[int, dict[str, Cell]] | None = None
    sheets: tuple[str, ...] = ()

    def cell_ref(self, row: int | None, column: str | None) -> str | None:
        """The spreadsheet reference (``"D5"``) of a cell in a workbook, else ``None``."""
        if self.kind != "xlsx" or row is None or column is None or column not in self.letters:
            return None
        return f"{self.letters[column]}{row}"


# --------------------------------------------------------------------------------------------
# Opening the file


def split_sheet(name: str) -> tuple[str, str | None]:
    """``"book.xlsx#Underlag"`` → ``("book.xlsx", "Underlag")``; other names are unchanged.

    A file that exists under the full name (``#`` included) is always taken as it is.
    """
    try:
        if Path(name).exists():
            return name, None
    except (OSError, ValueError):  # a name too long, or with a NUL byte: reported when it is read
        pass
    lowered = name.lower()
    for ext in (".xlsx#", ".xlsm#"):
        at = lowered.find(ext)
        if at >= 0:
            return name[: at + len(ext) - 1], name[at + len(ext) :]
    return name, None



_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def read_table(
    path: str | Path,
    columns: Collection[str] = (),
    *,
    total_rows: bool = False,
    max_bytes: int | None = None,
    max_rows: int | None = None,
) -> Table:
    """Read a CSV file or an ``.xlsx`` sheet into a ``Table``.

    Args:
        path: the file; ``FILE.xlsx#Sheet`` names a sheet of a workbook.
        columns: the column names the caller expects. The header is the first row (of the first
            20 non-blank rows) that names at least two of them, so title rows above the header
            are skipped. Without such a row, or without ``columns``, the header is the first
            non-blank row that is not a ``# comment``.
        total_rows: recognise a total row (first cell ``Totalt``, ``Summa``, ``Riket`` …) as
            the end of the table (``Table.total``) instead of reading it as data.
        max_bytes: refuse a larger file, by its size, before reading it (``MAX_BYTES`` suits a
            table of regions or kommuner).
        max_rows: refuse a file with more rows (lines of a CSV file, rows of a sheet, blank
            ones included), as soon as the row after the last allowed one is reached. Default:
            ``MAX_ROWS`` when ``max_bytes`` is given, else no limit.
    """
    given = str(path)
    name, sheet = split_sheet(given)
    p = Path(name)
    raw = read_file(p, given, max_bytes, limit_name="an input table of this kind")
    if max_rows is None and max_bytes is not None:
        max_rows = MAX_ROWS
    suffix = p.suffix.lower()
    if raw.startswith(_OLE2) or suffix == ".xls":
        raise InputError(
            Problem(
                given,
                "this is an old binary Excel workbook (.xls) or an encrypted "
                "workbook; save it as .xlsx (unprotected) or as CSV UTF-8",
            )
        )
    if suffix == ".ods":
        raise InputError(
            Problem(
                given,
                "OpenDocument spreadsheets (.ods) are not read; save the sheet as .xlsx or as CSV UTF-8",
            )
        )
    if raw.startswith(_ZIP) or suffix in (".xlsx", ".xlsm"):
        lines, label, letters, sheets = _xlsx_rows(raw, given, sheet, max_rows)
        return _build(
            lines, label, columns, kind="xlsx", letters=letters, sheets=sheets, total_rows=total_rows
        )
    if sheet is not None:
        raise InputError(Problem(given, "a sheet can only be named for an .xlsx workbook"))
    text = _decode(raw, given)
    del raw
    return _build(
        _csv_rows(text, given, max_rows), given, columns, kind="csv", letters=None, total_rows=total_rows
    )


# --------------------------------------------------------------------------------------------
# Text: decoding and CSV

#: Non-ASCII characters a Windows-1252 input may contain: letters of Latin-1 (å ä ö é ü …,
#: but not × ÷) and the no-break space used as a thousands separator.
_LATIN1_LETTERS = re.compile(r"[\u00a0\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u00ff]")
#: UTF-8 that was decoded as Latin-1/Windows-1252 and encoded again ("Ã¶" for "ö").
_DOUBLE_ENCODED = re.compile(
    r"[\u00c2\u00c3][\u0080-\u00bf\u2013-\u203a\u0152\u0153\u0160\u0161\u0178"
    r"\u017d\u017e\u0192\u02c6\u02dc\u20ac\u2122]"
)
#: Characters no table of counts and names contains: C0 controls but tab and line breaks,
#: DEL, C1 controls, and the replacement character left behind by a failed conversion.
_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd]")
_NEWLINE = re.compile(r"\r\n|\r|\n")


def _line_of(text: str, index: int) -> int:
    """The line number (1-based) of the character at ``index``."""
    return len(_NEWLINE.findall(text, 0, index)) + 1


def _decode(raw: bytes, name: str) -> str:
    """Bytes to text: UTF-8 (BOM optional), else Windows-1252 when it reads as Swedish text."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(
            Problem(
                name,
                "the file is UTF-16 text (Excel's 'Unicode text'); save it as "
                "'CSV UTF-8 (comma delimited)' instead",
            )
        )
    while raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        raise InputError(
            Problem(name, "this is not a text (CSV) file: it contains binary data (a NUL byte)", row=line)
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        text = _decode_cp1252(raw, name, exc)
    else:
        bad = _DOUBLE_ENCODED.search(text)
        if bad:
            raise InputError(
                Problem(
                    name,
                    f"the text {bad.group()!r} is a Swedish letter converted to UTF-8 twice (mojibake, "
                    f"e.g. 'Ã¶' for 'ö'); export the file again as CSV UTF-8",
                    row=_line_of(text, bad.start()),
                )
            )
    bad = _FORBIDDEN.search(text)
    if bad:
        raise InputError(
            Problem(
                name,
                f"the file contains the control character U+{ord(bad.group()):04X}, which no table of "
                f"names and counts contains: it is not a CSV text file, or it was converted with the wrong "
                f"encoding",
                row=_line_of(text, bad.start()),
            )
        )
    return text


def _decode_cp1252(raw: bytes, name: str, utf8_error: UnicodeDecodeError) -> str:
    """Windows-1252 (the superset of Latin-1 Excel writes on Swedish Windows), if it reads right."""
    line = raw[: utf8_error.start].count(b"\n") + 1
    byte = raw[utf8_error.start]
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError as exc:
        bad_line = raw[: exc.start].count(b"\n") + 1
        raise InputError(
            Problem(
                name,
                f"the file is neither UTF-8 nor Windows-1252 text (byte 0x{raw[exc.start]:02X} is undefined "
                f"in both); save it as CSV UTF-8",
                row=bad_line,
            )
        ) from None
    for match in re.finditer(r"[^\x00-\x7f]", text):
        if not _LATIN1_LETTERS.fullmatch(match.group()):
            raise InputError(
                Problem(
                    name,
                    f"the file is not UTF-8 (byte 0x{byte:02X} on row {line}), and read as Windows-1252 it "
                    f"would contain {match.group()!r}, which is not a Swedish letter: the encoding cannot "
                    f"be told for sure; save the file as CSV UTF-8",
                    row=_line_of(text, match.start()),
                )
            )
    return text


def _separator(text: str) -> str:
    """``,``, ``;`` or tab: whichever occurs most in the first lines (ties: ``;``, then tab: a tie is a
    semicolon file with a decimal comma on every row, as Swedish Excel writes ``2455914,00``)."""
    lines = [ln for ln in _NEWLINE.split(text[:65536]) if ln.strip() and not ln.lstrip().startswith("#")][:20]
    sample = "\n".join(lines)
    counts = {sep: sample.count(sep) for sep in (",", ";", "\t")}
    return max(counts, key=lambda s: (counts[s], {";": 2, "\t": 1}.get(s, 0)))


_SEP_LINE = re.compile(r"sep=([,;\t|])[ \t]*(?:\r\n|\r|\n|$)")


def _csv_rows(text: str, name: str, max_rows: int | None = None) -> list[tuple[int, list[Cell]]]:
    """Every record of the CSV text with the line it starts on.

    A first line ``sep=;`` (which Excel writes and reads) sets the separator and is skipped.
    Parsing stops with an error at the first record that starts after line ``max_rows``.
    """
    hint = _SEP_LINE.match(text)
    sep = hint.group(1) if hint else _separator(text)
    offset = 1 if hint else 0
    if hint:
        text = text[hint.end() :]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, strict=True)
    rows: list[tuple[int, list[Cell]]] = []
    start = 1 + offset
    try:
        for record in reader:
            if max_rows is not None and start > max_rows:
                raise _too_many_rows(name, max_rows)
            cells: list[Cell] = list(record)
            rows.append((start, cells))
            start = reader.line_num + 1 + offset
    except csv.Error as exc:
        detail = str(exc)
        if "field larger than field limit" in detail:
            detail = "a cell is longer than any name or count could be"
        elif "unexpected end of data" in detail or "newline inside string" in detail:
            detail = 'a quoted cell is never closed (a " is missing)'
        raise InputError(Problem(name, f"not a valid CSV file: {detail}", row=start)) from None
    return rows


# --------------------------------------------------------------------------------------------
# From rows of cells to a Table


def _where(pos: int, kind: str) -> str:
    """A column position as the user sees it: a letter in a workbook, a number in CSV."""
    return _letter(pos + 1) if kind == "xlsx" else str(pos + 1)


def _blank(cell: Cell) -> bool:
    return isinstance(cell, str) and not cell.strip()


def _clean(cell: Cell) -> Cell:
    return cell.strip() if isinstance(cell, str) else cell


#: Spreadsheet error values: a cell's content, not a comment, although they start with ``#``.
_EXCEL_ERRORS = frozenset({"#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!"})


def _comment(cells: list[Cell]) -> bool:
    """A ``# comment`` line: its first cell starts with ``#`` (and is not an error value like ``#N/A``)."""
    if not cells or not isinstance(cells[0], str):
        return False
    first = cells[0].lstrip()
    return first.startswith("#") and first.strip().upper() not in _EXCEL_ERRORS


def _find_header(lines: list[tuple[int, list[Cell]]], columns: Collection[str]) -> tuple[int, bool]:
    """Index into ``lines`` of the header row (see ``read_table``), and whether it names columns."""
    wanted = {c.casefold() for c in columns}
    candidates: list[int] = []
    for i, (_, cells) in enumerate(lines):
        if not all(_blank(c) for c in cells) and not _comment(cells):
            candidates.append(i)
            if len(candidates) == _HEADER_SEARCH:
                break
    if not candidates:
        return -1, False
    if wanted:
        for i in candidates:
            named = {str(c).strip().casefold() for c in lines[i][1] if isinstance(c, str)}
            if len(named & wanted) >= min(2, len(wanted)):
                return i, True
    return candidates[0], not wanted


class _Problems:
    """The problems of one table in file order: the first ``MAX_PROBLEMS`` kept, the rest counted."""

    def __init__(self) -> None:
        self.kept: list[Problem] = []
        self.more = 0

    def add(self, problem: Problem) -> None:
        if len(self.kept) < MAX_PROBLEMS:
            self.kept.append(problem)
        else:
            self.more += 1

    @property
    def full(self) -> bool:
        return len(self.kept) >= MAX_PROBLEMS

    def __bool__(self) -> bool:
        return bool(self.kept)

    def error(self) -> InputError:
        return InputError(self.kept, more=self.more)


def _build(
    lines: list[tuple[int, list[Cell]]],
    name: str,
    columns: Collection[str],
    kind: Literal["csv", "xlsx"],
    letters: Mapping[int, str] | None,
    sheets: tuple[str, ...] = (),
    total_rows: bool = False,
) -> Table:
    """Find the header, pair every later row's cells with it, and check the shape of each row."""
    at, found = _find_header(lines, columns)
    if at < 0:
        raise InputError(Problem(name, "the file is empty" if kind == "csv" else "the sheet is empty"))
    header_row, header_cells = lines[at]
    problems = _Problems()
    header = _header(header_cells, header_row, name, kind, problems)
    rows, total = _data_rows(lines[at + 1 :], header, header_row, name, kind, found, total_rows, problems)
    if problems:
        raise problems.error()
    if not header:
        raise InputError(Problem(name, "the header row is empty", row=header_row))
    if not rows:
        raise InputError(Problem(name, "the file has a header but no data rows", row=header_row))
    return Table(
        file=name,
        header=tuple(label for _, label in header),
        rows=tuple(rows),
        header_row=header_row,
        kind=kind,
        letters={label: letters[pos] for pos, label in header} if letters else {},
        total=total,
        sheets=sheets,
    )


def _header(
    header_cells: list[Cell], header_row: int, name: str, kind: Literal["csv", "xlsx"], problems: _Problems,
) -> list[tuple[int, str]]:
    """The header's named columns as ``(position, name)``; a repeated name is a problem, and more
    than ``MAX_COLUMNS`` names an error at once."""
    header: list[tuple[int, str]] = []  # (position, name)
    seen: dict[str, int] = {}
    for pos, cell in enumerate(header_cells):
        label = cell.strip() if isinstance(cell, str) else str(cell)
        if not label:
            continue
        key = label.casefold()
        first = seen.get(key)
        if first is not None:
            if problems.full:  # counted, not built (a header may repeat a name millions of times)
                problems.more += 1
                continue
            problems.add(
                Problem(
                    name,
                    f"the column name appears twice (columns {_where(first, kind)} and "
                    f"{_where(pos, kind)})",
                    row=header_row,
                    column=label,
                )
            )
            continue
        if len(seen) == MAX_COLUMNS:
            raise InputError(
                Problem(
                    name,
                    f"the header row names more than {_spaced(MAX_COLUMNS)} columns; an input table has at most "
                    f"{_spaced(MAX_COLUMNS)}",
                    row=header_row,
                )
            )
        seen[key] = pos
        header.append((pos, label))
    return header


def _data_rows(
    lines: list[tuple[int, list[Cell]]],
    header: list[tuple[int, str]],
    header_row: int,
    name: str,
    kind: Literal["csv", "xlsx"],
    found: bool,
    total_rows: bool,
    problems: _Problems,
) -> tuple[list[tuple[int, dict[str, Cell]]], tuple[int, dict[str, Cell]] | None]:
    """The rows after the header as ``(row number, {column: cell})``, and the total row if any.

    Blank rows and ``# comments`` are skipped; a cell outside the header's columns, and a data row
    after the total row, are problems.
    """
    named_positions = {pos for pos, _ in header}
    rows: list[tuple[int, dict[str, Cell]]] = []
    total: tuple[int, dict[str, Cell]] | None = None
    for line_no, cells in lines:
        if all(_blank(c) for c in cells) or _comment(cells):
            continue
        if total is not None:
            first = next(c for c in cells if not _blank(c))
            if isinstance(first, int) or _CODE.fullmatch(str(first).strip()):
                problems.add(
                    Problem(
                        name,
                        f"a data row after the total row (row {total[0]}); the total row must come last",
                        row=line_no,
                    )
                )
            continue
        if total_rows and isinstance(cells[0], str) and cells[0].strip().casefold() in TOTAL_LABELS:
            total = (
                line_no,
                {label: _clean(cells[pos]) if pos < len(cells) else "" for pos, label in header},
            )
            continue
        stray = next((pos for pos, c in enumerate(cells) if pos not in named_positions and not _blank(c)), None)
        if stray is not None and found:  # (without a recognised header, the caller reports that instead)
            where = f"column {_where(stray, kind)}" if kind == "xlsx" else f"cell {stray + 1}"
            problems.add(
                Problem(
                    name,
                    f"{where} holds {str(cells[stray])[:40]!r}, but the header row (row {header_row}) "
                    f"has no column there",
                    row=line_no,
                )
            )
            continue
        rows.append(
            (line_no, {label: _clean(cells[pos]) if pos < len(cells) else "" for pos, label in header})
        )
    return rows, total
