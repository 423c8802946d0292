"""An agreement's official tables, as reference data for ``check`` and the tests.

Nothing in the calculation imports this module: the official figures are compared with the
computed ones, never used to compute them. Which files hold them, and which of their columns
holds which output column, is stated in the agreement's definition (``tables.*.official`` and
``budget.*``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .agreements import Agreement, TableSpec, shown_path
from .published import Published, PublishedRow, read_checked, whole_kronor
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


def _rows(path: Path, columns: tuple[str, ...] = (), amounts: tuple[str, ...] = (),
          what: str = "official table") -> list[PublishedRow]:
    """A reference table, read by the bounded reader (``published``) with the ``columns`` it must
    have and its ``amounts`` as whole kronor; a shipped one must carry provenance in
    ``data/sources.toml``."""
    _provenance(path)
    return list(read_checked(path, shown_path(path), columns, amounts, what).rows)


def _provenance(path: Path) -> None:
    """A shipped reference table must carry provenance in ``data/sources.toml``."""
    try:
        relative = path.resolve().relative_to(data_dir().resolve())
    except ValueError:
        relative = None
    if relative is not None:
        source_of(relative.as_posix())


#: The columns ``check_budget`` reads from each budget file (``amount_kr`` as whole kronor).
_BUDGET_COLUMNS = {
    "stated_totals": ("id", "section", "statement", "amount_kr"),
    "by_chapter": ("chapter", "item", "amount_kr"),
    "by_recipient": ("item", "amount_kr", "recipient", "note"),
}


def _published(t: TableSpec) -> Published:
    """A table's official table (one that names a file), with its code column and mapped columns."""
    assert t.official is not None  # _official_tables: those with a file
    _provenance(t.official)
    return read_checked(t.official, shown_path(t.official), (t.official_code_column, *t.official_columns.values()),
                        (), "official table")


def _official_tables(ag: Agreement) -> tuple[TableSpec, ...]:
    return tuple(t for t in ag.tables if t.official is not None)


def official_cells(ag: Agreement) -> tuple[OfficialCell, ...]:
    """Every published amount cell of the agreement's tables (God och nära vård: bilaga 2–4)."""
    amounts = set(ag.rules.amount_columns)
    cells = []
    for t in _official_tables(ag):
        pub = _published(t)
        for row in pub.rows:
            name = row.get("region") or row.get("lan") or ""
            for column, official_column in t.official_columns.items():
                if column in amounts:
                    cells.append(OfficialCell(t.label, column, row[t.official_code_column], name,
                                              whole_kronor(pub, row, official_column)))
    return tuple(cells)


def official_inputs(ag: Agreement) -> dict[str, dict[str, dict[str, int]]]:
    """The published counts per recipient: ``{code: {column: {table label: value}}}``."""
    counts = set(ag.rules.count_columns)
    out: dict[str, dict[str, dict[str, int]]] = {}
    for t in _official_tables(ag):
        pub = _published(t)
        for row in pub.rows:
            for column, official_column in t.official_columns.items():
                if column in counts:
                    out.setdefault(row[t.official_code_column], {}).setdefault(column, {})[t.label] = whole_kronor(
                        pub, row, official_column
                    )
    return out


def stated_totals(ag: Agreement) -> tuple[tuple[str, str, str, int], ...]:
    """Every total the agreement states, as printed: (id, section, statement, amount)."""
    path = ag.budget_files.get("stated_totals")
    if path is None:
        return ()
    rows = _rows(path, _BUDGET_COLUMNS["stated_totals"], ("amount_kr",), "stated totals file")
    return tuple((r["id"], r["section"], r["statement"], int(r["amount_kr"])) for r in rows)


def budget_tables(ag: Agreement) -> dict[str, list[dict[str, str]]]:
    """The budget tables as printed (God och nära vård: 11.1 per chapter, 11.2 per recipient), where published."""
    return {what: list(_rows(ag.budget_files[what], _BUDGET_COLUMNS[what], ("amount_kr",), "budget table"))
            for what in ("by_chapter", "by_recipient") if what in ag.budget_files}
