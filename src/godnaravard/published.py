"""Reading the tables an agreement publishes: official tables, budget tables, stated totals (issue 17, §1).

A definition names these files itself (``tables.*.official``, ``budget.*``), so they are read as
carefully as an input file: by the one bounded reader (``tables.read_table``: regular files
only, size and row caps before reading, the encoding detected, control characters refused), the
columns the definition relies on checked once, and every amount read as whole kronor with an
error naming the file, row and column. A message shows at most a short, sanitised excerpt of a
file (``header_excerpt``): the path may name any file at all (``/etc/shadow``).

Nothing in the calculation reads these tables; ``reference`` and ``agreements.build`` do.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from .errors import InputError, Problem, excerpts, safe_excerpt
from .frozen import frozen

__all__ = ["MAX_PUBLISHED_ROWS", "Published", "PublishedRow", "header_excerpt", "missing_columns", "read_checked",
           "read_published", "whole_kronor"]

#: A published table is a few hundred rows at most (290 kommuner and a total).
MAX_PUBLISHED_ROWS = 10_000
#: Spaces an amount may be grouped with: space, no-break space, thin space, narrow no-break space.
_GROUPING = str.maketrans("", "", " \u00a0\u2009\u202f")
_WHOLE = re.compile(r"-?[0-9]+")


class PublishedRow(dict[str, str]):
    """One row of a published table: its cells by column, and the row number in the file."""

    __slots__ = ("line",)

    def __init__(self, cells: dict[str, str], line: int):
        super().__init__(cells)
        self.line = line


@frozen
class Published:
    """A published table as read: its name for messages, its header and its rows."""

    file: str
    header: tuple[str, ...]
    rows: tuple[PublishedRow, ...]


def _text(cell: object) -> str:
    """A cell as text (a workbook's numbers as they are written: ``46759214``, not ``46759214.0``)."""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return "" if cell is None else str(cell)


@cache
def read_published(path: str, label: str) -> Published:
    """The published table at ``path`` (called ``label`` in messages), read once per process."""
    from .tables import MAX_BYTES, read_table

    # ``label`` is the path as a message shows it (relative to the working folder, or absolute):
    # it names the same file, and every message of the reader then names it so.
    table = read_table(label if Path(label).resolve() == Path(path).resolve() else path, max_bytes=MAX_BYTES,
                       max_rows=MAX_PUBLISHED_ROWS)
    rows = tuple(PublishedRow({k: _text(v) for k, v in cells.items()}, line) for line, cells in table.rows)
    return Published(label, table.header, rows)


def header_excerpt(header: Sequence[str], wanted: Sequence[str] = (), limit: int = 90) -> str:
    """A table's column names for a message: each sanitised and cut (``safe_excerpt``), at most
    ``limit`` characters in all. The file may be one that is not a table at all (the wrong path, a
    file of passwords): when ``wanted`` is given and the header names none of it, nothing of the
    file is shown."""
    if wanted and not set(wanted) & set(header):
        return "none of the columns the definition names (is it the right file?)"
    out = excerpts(header, 12, 24, limit)
    if len(header) > 12 and out[-1:] != ["…"]:
        out.append("…")
    return ", ".join(out) if out else "none"


def missing_columns(pub: Published, wanted: Sequence[str], what: str) -> str | None:
    """Why ``pub`` lacks columns of ``wanted``, or ``None`` when it has them all."""
    missing = [c for c in dict.fromkeys(wanted) if c not in pub.header]
    if not missing:
        return None
    names = ", ".join(repr(safe_excerpt(c, 40)) for c in missing[:10]) + (" …" if len(missing) > 10 else "")
    return f"the {what} has no column {names}; its header row names {header_excerpt(pub.header, wanted)}"


def whole_kronor(pub: Published, row: PublishedRow, column: str, what: str = "official table") -> int:
    """The amount in ``row[column]`` as whole kronor (``46759214``, ``46 759 214``, ``-1``), or an
    ``InputError`` naming the file, row and column of a cell that is empty or not whole kronor."""
    cell = row.get(column, "")
    text = cell.strip().translate(_GROUPING).replace("\u2212", "-")
    if _WHOLE.fullmatch(text):
        return int(text)
    if not text:
        reason = "the cell is empty; a published amount is whole kronor"
    else:
        reason = f"{safe_excerpt(cell, 24)!r} is not whole kronor (digits, grouped by spaces at most)"
    raise InputError(Problem(pub.file, f"{reason} (in the {what})", row=row.line, column=column))


def read_checked(path: Path, label: str, columns: Sequence[str], amounts: Sequence[str], what: str) -> Published:
    """A published table that has ``columns``, with every cell of ``amounts`` written as whole
    kronor (normalised: ``"46 759 214"`` → ``"46759214"``); an ``InputError`` otherwise."""
    pub = read_published(str(path), label)
    problem = missing_columns(pub, columns, what)
    if problem:
        raise InputError(Problem(label, problem, row=None))
    rows = []
    for row in pub.rows:
        fixed = PublishedRow(dict(row), row.line)
        for column in amounts:
            fixed[column] = str(whole_kronor(pub, row, column, what))
        rows.append(fixed)
    return Published(pub.file, pub.header, tuple(rows))
