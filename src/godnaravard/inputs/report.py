"""Checking a table as a whole: its header, its rows, its total row and its län.

``_Report`` collects the problems of one table, each located by row and column, and raises them
together as one ``InputError``. The checks here are shared by every input format: matching the
header to the expected columns (names or Swedish headings, with hints for misspellings),
validating every row against its ``_Row`` schema, comparing a total row with the sum of the
rows above it, and requiring each expected län exactly once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic_core import ValidationError

from ..errors import InputError, Problem, excerpts
from ..lan import LAN, lookup
from ..tables import Table
from .cells import _COLLECTED, HEADINGS, _close, _Row, _shown, parse_count

# --------------------------------------------------------------------------------------------
# Collecting problems


@dataclass
class _Report:
    """The problems found in one table, each located by row and column.

    At most ``_COLLECTED`` problems are kept (the checks add them mostly in file order); the
    rest are only counted (``dropped``), so that a file with a mistake on every one of its rows
    costs no more than one with a thousand.
    """

    table: Table
    problems: list[Problem] = field(default_factory=list)
    dropped: int = 0

    def add(self, message: str, row: int | None = None, column: str | None = None) -> None:
        if len(self.problems) >= _COLLECTED:
            self.dropped += 1
            return
        ref = self.table.cell_ref(row, column)
        self.problems.append(
            Problem(self.table.file, f"{message} (cell {ref})" if ref else message, row, column)
        )

    def sorted(self) -> list[Problem]:
        """Problems in file order (header first, rows in order, whole-file problems last)."""
        return sorted(self.problems, key=lambda p: (p.row is None, p.row or 0))

    def raise_if_any(self) -> None:
        """An ``InputError`` listing the first ``MAX_PROBLEMS`` problems and counting the rest."""
        if self.problems:
            raise InputError(self.sorted(), more=self.dropped)


def canonical_column(label: str, expected: Sequence[str],
                     headings: Mapping[str, Sequence[str]] | None = None) -> str | None:
    """The expected column a header label names: its own name or a Swedish heading (``HEADINGS``,
    or ``headings``: those of a definition's columns, such as a rural key's, issue 17 §3)."""
    key = " ".join(label.split()).casefold()
    for column in expected:
        if key == column.casefold():  # a definition may name a column in capitals ("Elever")
            return column
        for heading in (headings or HEADINGS).get(column, ()):
            stem = heading.removesuffix("…").casefold()
            if key == stem or (stem != heading and key.startswith((stem + " ", stem + "("))):
                return column
    return None


def _columns(
    report: _Report,
    expected: Sequence[str],
    required: Sequence[str],
    strict: bool,
    describe: str,
    ignored: Sequence[str] = (),
    headings: Mapping[str, Sequence[str]] | None = None,
) -> dict[str, str]:
    """Match the header to ``expected``; report missing and misspelt columns, and unknown ones
    while a required column is missing (otherwise an extra column is ignored: ``unused_columns``).

    Columns named in ``ignored`` (those of the other input, in a sheet that holds both, such as
    the sheet Underlag of ``godnaravard export``) are skipped. Returns ``{expected column:
    header label}`` for the columns present.
    """
    table = report.table
    present: dict[str, str] = {}
    unknown: list[str] = []
    for label in table.header:
        column = canonical_column(label, expected, headings)
        if column is not None and column not in present:
            present[column] = label
        elif column is not None:
            report.add(
                f"a second column for {column} (the first is {present[column]!r})",
                row=table.header_row,
                column=label,
            )
        elif canonical_column(label, ignored) is None:
            unknown.append(label)
    # Suggest only columns that could be meant: in a lenient format, extra columns (a kommun's
    # name, say) are normal, so only a missing required column is worth a suggestion there.
    absent = [c for c in expected if c not in present and (strict or c in required)]
    explained: set[str] = set()
    row = table.header_row
    near_any = False
    for label in unknown:
        near = _close(label.casefold(), absent, 0.6)
        if near:
            near_any = True
            explained.add(near[0])
            missing_note = " (that column is missing)" if near[0] in required else ""
            report.add(f"unknown column; did you mean '{near[0]}'?{missing_note}", row=row, column=label)
        elif strict and any(c not in present for c in required):
            # Issue 17 §2: a file may carry more columns than the agreement uses; an unknown column
            # is a problem only while a required one is missing (it may be that one, named otherwise).
            report.add(
                f"unknown column; {describe} has the columns {', '.join(expected)}", row=row, column=label
            )
    for col in required:
        if col not in present and col not in explained:
            report.add(
                f"this column is missing; {describe} has the columns {', '.join(expected)}",
                row=row,
                column=col,
            )
    if not present and not near_any:
        shown = _excerpt(table.header)
        report.problems.clear()
        sheets = ""
        if len(table.sheets) > 1:
            sheets = (
                f"; the workbook has the sheets {', '.join(table.sheets)}: name the one with the table as "
                f"FILE.xlsx#Sheet"
            )
        report.add(
            f"no header row: row {row} holds {shown}, but {describe} starts with a row naming the "
            f"columns {', '.join(expected)}{sheets}",
            row=row,
        )
    return present


def _excerpt(cells: Sequence[str], limit: int = 40) -> str:
    """The first cells of a row that is not a header, for a message: a few safe characters only.

    The file may be anything at all (the wrong path, a file of passwords): at most ``limit``
    characters in all, printable ASCII and Latin letters only.
    """
    out = excerpts(cells, 6, 16, limit)
    return ", ".join(out) if out else "''"


def _header_names(*columns: str, headings: Mapping[str, Sequence[str]] | None = None) -> tuple[str, ...]:
    """Names that mark the header row: the columns and their Swedish headings."""
    return (*columns, *(h.removesuffix("…") for c in columns for h in (headings or HEADINGS).get(c, ())))


def _check_not_all_zero(report: _Report, rows: list[tuple[int, dict[str, Any]]], present: Mapping[str, str],
                        counts: Sequence[str]) -> set[str]:
    """Each count column that is present, read in every row and zero in all of them: there is
    nothing to share by it. Reported at its column; returned."""
    zero = set()
    for column in counts:
        values = [v.get(column) for _, v in rows]
        if column in present and all(x is not None for x in values) and sum(x or 0 for x in values) == 0:
            zero.add(column)
            report.add("every row is zero: there is nothing to share by (the column must not sum to zero)",
                       column=present[column])
    return zero


def _check_totals(
    report: _Report,
    rows: list[tuple[int, dict[str, Any]]],
    present: Mapping[str, str],
    columns: Sequence[str],
) -> None:
    """A total row, where the table has one, must agree with the sum of the rows above it."""
    if report.table.total is None:
        return
    line_no, cells = report.table.total
    for column in columns:
        label = present.get(column)
        if label is None or any(column not in v for _, v in rows):
            continue
        cell = cells.get(label, "")
        try:
            stated = parse_count(cell, maximum=10**15)
        except ValueError:
            continue  # an empty or textual cell in a total row states nothing
        computed = sum(v[column] or 0 for _, v in rows)
        if stated != computed:
            report.add(
                f"the total row says {stated}, but the rows above it sum to {computed}",
                row=line_no,
                column=label,
            )


def _parse_rows(report: _Report, present: Mapping[str, str], row: _Row) -> list[tuple[int, dict[str, Any]]]:
    """Every row validated against ``row``: a cell that fails is reported and left out of its row,
    so that the checks across rows still see the rest.

    A row is first validated whole (one validator for every row); only a row that fails is
    validated again cell by cell, to report each of its bad cells and keep the good ones.
    """
    out = []
    columns = [c for c in row.columns if c in present]
    whole = row.whole() if all(c in present for c in row.required) else None
    for line_no, cells in report.table.rows:
        if whole is not None:
            try:
                out.append((line_no, whole.validate_python({c: cells[present[c]] for c in columns})))
                continue
            except ValidationError:
                pass  # some cell is wrong: each is validated on its own below
        values: dict[str, Any] = {}
        for column in columns:
            label = present[column]
            try:
                values[column] = row.cell(column).validate_python(cells[label])
            except ValidationError as exc:
                message = exc.errors()[0]["msg"].removeprefix("Value error, ")
                report.add(message, row=line_no, column=label)
        out.append((line_no, values))
    return out


def _check_lan(
    report: _Report,
    rows: list[tuple[int, dict[str, Any]]],
    present: Mapping[str, str],
    names: Mapping[str, Mapping[str, str]],
    expected: Sequence[str] = tuple(LAN),
    require_all: bool = True,
) -> None:
    """Every expected län exactly once, each code known, and each name (where given) naming the same län."""
    code_col = present.get("lan_code", "lan_code")
    seen: dict[str, int] = {}
    for line_no, values in rows:
        code = values.get("lan_code")
        if code is None:
            continue
        if code not in expected:
            what = f"the {len(expected)} län codes are" if code not in LAN else "this agreement's recipients are"
            report.add(
                f"unknown län code {code!r}; {what} {', '.join(expected)}",
                row=line_no,
                column=code_col,
            )
            continue
        if code in seen:
            report.add(
                f"län {code} ({LAN[code]}) appears again; it is first on row {seen[code]}",
                row=line_no,
                column=code_col,
            )
            continue
        seen[code] = line_no
        for column, known in names.items():
            name = values.get(column)
            if name is None:
                continue
            named = lookup(name)
            if named is None:
                report.add(
                    f"unknown län name {_shown(name)}; lan_code {code} on this row is {known[code]!r}",
                    row=line_no,
                    column=present[column],
                )
            elif named != code:
                report.add(
                    f"{name!r} is län {named} ({LAN[named]}), but lan_code on this row is {code} "
                    f"({LAN[code]}): the code and the name disagree",
                    row=line_no,
                    column=present[column],
                )
    missing = [f"{c} {LAN[c]}" for c in expected if c not in seen]
    if missing and require_all and "lan_code" in present:
        report.add(
            f"no row for {len(missing)} län: {', '.join(missing)}; every län must appear once",
            column=code_col,
        )

