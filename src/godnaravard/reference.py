"""An agreement's official tables, as reference data for ``check`` and the tests.

Nothing in the calculation imports this module: the official figures are compared with the
computed ones, never used to compute them. Which files hold them, and which of their columns
holds which output column, is stated in the agreement's definition (``tables.*.official`` and
``budget.*``).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from .agreements import Agreement, TableSpec, shown_path
from .frozen import frozen
from .published import Published, PublishedRow, read_checked, whole_kronor
from .resources import data_dir, source_of
from .tables import TOTAL_LABELS

__all__ = [
    "NotPrinted", "OfficialCell", "code_width", "normal_code", "not_printed", "official_cells", "official_inputs",
    "stated_totals", "budget_tables",
]


@frozen
class OfficialCell:
    """One amount cell of an official table: the table's short name, the column and the recipient."""

    bilaga: str
    column: str
    code: str
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
    named = (t.name_column,) if t.name_column else ()
    return read_checked(t.official, shown_path(t.official),
                        (t.official_code_column, *named, *t.official_columns.values()), (), "official table")


def _official_tables(ag: Agreement) -> tuple[TableSpec, ...]:
    return tuple(t for t in ag.tables if t.official is not None)


@frozen
class NotPrinted:
    """A cell an official table does not print (issue 17 §2): the recipient has no row in the table
    (``why = "row"``: a cut page, a row left out) or the cell is empty (``why = "cell"``). It is
    neither compared nor a deviation; ``check`` lists it."""

    bilaga: str
    column: str
    code: str
    name: str
    why: str


def code_width(ag: Agreement) -> int:
    """The width of the recipients' codes in the data: four digits for kommuner, two for län and regions."""
    return 4 if ag.rules.recipient == "kommun" else 2


def normal_code(code: str, width: int) -> str:
    """An official table's code as the data writes it: ``1`` is ``01`` (a spreadsheet drops the
    leading zero), surrounding spaces dropped; a code that is not all digits is kept as it is."""
    code = code.strip()
    return code.zfill(width) if code.isdigit() and len(code) < width else code


def _printed_rows(ag: Agreement, t: TableSpec, pub: Published) -> list[tuple[str, str, PublishedRow]]:
    """The recipient rows of an official table: (normalised code, name as printed or "", row).
    A row without a code, or with a total's label in the code column (``Totalt``, ``Riket``: a
    kommun table often prints its total so), is not a recipient."""
    width = code_width(ag)
    out = []
    for row in pub.rows:
        code = normal_code(row.get(t.official_code_column) or "", width)
        if code and code.casefold() not in TOTAL_LABELS:
            out.append((code, (row.get(t.name_column) or "").strip() if t.name_column else "", row))
    return out


def _printed(row: Mapping[str, str | None], column: str) -> str:
    """A cell's text, "" when the cell is empty or the row is short."""
    return (row.get(column) or "").strip()


def official_cells(ag: Agreement, names: Mapping[str, str] | None = None) -> tuple[OfficialCell, ...]:
    """Every published amount cell of the agreement's tables (God och nära vård: bilaga 2–4).

    An empty cell is not printed and gives no cell (``not_printed``). The name is the official
    table's ``name_column`` where the definition declares one, else ``names[code]`` (our data's).
    A table printed in thousands (``official_unit = 1000``) has its amounts counted in kronor.
    """
    amounts = set(ag.rules.amount_columns)
    names = names or {}
    cells = []
    for t in _official_tables(ag):
        pub = _published(t)
        for code, name, row in _printed_rows(ag, t, pub):
            for column, official_column in t.official_columns.items():
                if column in amounts and _printed(row, official_column):
                    cells.append(OfficialCell(t.label, column, code, name or names.get(code, ""),
                                              whole_kronor(pub, row, official_column) * t.official_unit))
    return tuple(cells)


def not_printed(ag: Agreement, names: Mapping[str, str]) -> tuple[NotPrinted, ...]:
    """Every cell of the official tables' amount and count columns that a recipient of ``names``
    (code → our data's name) lacks: no row for it, or an empty cell (issue 17 §2)."""
    mapped = set(ag.rules.amount_columns) | set(ag.rules.count_columns)
    out = []
    for t in _official_tables(ag):
        columns = [(c, theirs) for c, theirs in t.official_columns.items() if c in mapped]
        rows = {code: (name, row) for code, name, row in _printed_rows(ag, t, _published(t))}
        for code, ours in names.items():
            if code not in rows:
                out += [NotPrinted(t.label, c, code, ours, "row") for c, _ in columns]
                continue
            name, row = rows[code]
            out += [NotPrinted(t.label, c, code, name or ours, "cell") for c, theirs in columns
                    if not _printed(row, theirs)]
    return tuple(out)


def official_inputs(ag: Agreement) -> dict[str, dict[str, dict[str, int]]]:
    """The published counts per recipient: ``{code: {column: {table label: value}}}`` (empty cells
    are not printed, and not listed)."""
    counts = set(ag.rules.count_columns)
    out: dict[str, dict[str, dict[str, int]]] = {}
    for t in _official_tables(ag):
        pub = _published(t)
        for code, _, row in _printed_rows(ag, t, pub):
            for column, official_column in t.official_columns.items():
                if column in counts and _printed(row, official_column):
                    out.setdefault(code, {}).setdefault(column, {})[t.label] = whole_kronor(pub, row, official_column)
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
