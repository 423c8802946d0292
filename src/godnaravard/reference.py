"""An agreement's official tables, as reference data for ``check`` and the tests.

Nothing in the calculation imports this module: the official figures are compared with the
computed ones, never used to compute them. Which files hold them, and which of their columns
holds which output column, is stated in the agreement's definition (``tables.*.official`` and
``budget.*``).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .agreements import Agreement, TableSpec, shown_path
from .errors import InputError, Problem
from .resources import data_dir, source_of

__all__ = ["OfficialCell", "official_cells", "official_inputs", "stated_totals", "budget_tables"]


@dataclass(frozen=True, slots=True)
class OfficialCell:
    """One amount cell of an official table: the table's short name, the column and the recipient."""

    bilaga: str
    column: str
    lan_code: str
    name: str
    amount: int


def _rows(path: Path) -> list[dict[str, str]]:
    """A reference CSV; a shipped one must carry provenance in ``data/sources.toml``."""
    try:
        relative = path.resolve().relative_to(data_dir().resolve())
    except ValueError:
        relative = None
    if relative is not None:
        source_of(relative.as_posix())
    return _read(str(path))


@cache
def _read(path: str) -> list[dict[str, str]]:
    """A published table: a regular file within the input size cap, UTF-8 CSV."""
    import io

    from .files import read_file
    from .tables import MAX_BYTES

    data = read_file(path, shown_path(Path(path)), max_bytes=MAX_BYTES, what="official table")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(Problem(shown_path(Path(path)), "the official table is not UTF-8 text")) from None
    return list(csv.DictReader(io.StringIO(text, newline="")))


def _official_tables(ag: Agreement) -> tuple[TableSpec, ...]:
    return tuple(t for t in ag.tables if t.official is not None)


def official_cells(ag: Agreement) -> tuple[OfficialCell, ...]:
    """Every published amount cell of the agreement's tables (God och nära vård: bilaga 2–4)."""
    amounts = set(ag.rules.amount_columns)
    cells = []
    for t in _official_tables(ag):
        for row in _rows(t.official):  # type: ignore[arg-type]  # _official_tables: those with a file
            name = row.get("region") or row.get("lan") or ""
            for column, official_column in t.official_columns.items():
                if column in amounts:
                    cells.append(OfficialCell(t.label, column, row[t.official_code_column], name,
                                              int(row[official_column])))
    return tuple(cells)


def official_inputs(ag: Agreement) -> dict[str, dict[str, dict[str, int]]]:
    """The published counts per recipient: ``{code: {column: {table label: value}}}``."""
    counts = set(ag.rules.count_columns)
    out: dict[str, dict[str, dict[str, int]]] = {}
    for t in _official_tables(ag):
        for row in _rows(t.official):  # type: ignore[arg-type]  # _official_tables: those with a file
            for column, official_column in t.official_columns.items():
                if column in counts:
                    out.setdefault(row[t.official_code_column], {}).setdefault(column, {})[t.label] = int(
                        row[official_column]
                    )
    return out


def stated_totals(ag: Agreement) -> tuple[tuple[str, str, str, int], ...]:
    """Every total the agreement states, as printed: (id, section, statement, amount)."""
    path = ag.budget_files.get("stated_totals")
    if path is None:
        return ()
    return tuple((r["id"], r["section"], r["statement"], int(r["amount_kr"])) for r in _rows(path))


def budget_tables(ag: Agreement) -> dict[str, list[dict[str, str]]]:
    """The budget tables as printed (God och nära vård: 11.1 per chapter, 11.2 per recipient), where published."""
    return {what: _rows(ag.budget_files[what]) for what in ("by_chapter", "by_recipient") if what in ag.budget_files}
