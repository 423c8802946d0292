"""One table of an agreement in its signed layout: ``godnaravard allocate --table NAME``.

The definition gives a table's visible columns as signed (``TableSpec.printed``: bilaga 2's
"Länsvis | Befolkning {date.population:month} | Andel befolkning | …"), the label of its total row, its
footnotes and source line. A table without ``printed`` is shown with its ``columns`` under their
labels. Shares are computed exactly (``Fraction``: the column's value over its total) and
rounded half up only for display: ``23,3%`` in the table format, ``23.3`` in CSV. The figures are
the allocation's as they stand (``Result.amount``: the signed figures for the agreement as signed).
"""

from __future__ import annotations

import json
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from .agreements import PrintedColumn, TableSpec
from .core.columns import resolve
from .frozen import frozen

if TYPE_CHECKING:
    from .api import Allocation

__all__ = ["PrintedTable", "printed_csv", "printed_json", "printed_rich", "printed_table", "share_text"]

#: One cell: a name, whole kronor or a count, or a share in per cent (exact).
Cell = str | int | Fraction


@frozen
class PrintedTable:
    """A table as printed: title, columns, one row per recipient, the total row, and what stands
    beneath (footnotes, source line, and the notes on adjusted cells or their absence)."""

    name: str
    title: str
    columns: tuple[PrintedColumn, ...]
    rows: tuple[tuple[Cell, ...], ...]
    total: tuple[Cell, ...]
    footnotes: tuple[str, ...]
    source_line: str
    notes: tuple[str, ...]


def _layout(alloc: Allocation, table: TableSpec) -> tuple[PrintedColumn, ...]:
    """The signed layout, or the table's columns under their labels when it has none."""
    if table.printed:
        return table.printed
    return tuple(PrintedColumn(heading=alloc.agreement.label(c), column=c) for c in table.columns)


def share_text(value: Fraction, decimals: int, comma: bool) -> str:
    """A share in per cent, rounded half up to ``decimals``: ``23,3`` (comma) or ``23.3``."""
    scaled = value * 10**decimals
    whole = int(scaled + Fraction(1, 2)) if scaled >= 0 else -int(-scaled + Fraction(1, 2))
    sign = "-" if whole < 0 else ""
    digits = str(abs(whole)).rjust(decimals + 1, "0")
    if not decimals:
        return sign + digits
    return f"{sign}{digits[:-decimals]}{',' if comma else '.'}{digits[-decimals:]}"


def printed_table(alloc: Allocation, name: str) -> PrintedTable:
    """The table ``name`` of the allocation's agreement, in its signed layout, with its total row.

    Raises:
        KeyError: the agreement has no table ``name`` (the message lists the tables).
    """
    from .render import signed_notes

    ag = alloc.agreement
    try:
        table = ag.table(name)
    except KeyError:
        raise KeyError(f"{ag.name} has no table {name!r}; its tables are "
                       f"{', '.join(t.name for t in ag.tables)}") from None
    layout = _layout(alloc, table)
    rows = alloc.rows
    totals = alloc.totals()
    body = []
    for row in rows:
        body.append(tuple(_cell(col, row, totals) for col in layout))
    total: list[Cell] = []
    labelled = False
    for col in layout:
        if col.share is not None:
            total.append(Fraction(100) if totals[col.share] else Fraction(0))
        elif ag.rules.column(col.source).kind in ("code", "text"):
            total.append("" if labelled else table.total_label)
            labelled = True
        else:
            total.append(totals[col.source])
    shown = {col.source for col in layout} | set(table.columns)
    notes = tuple(signed_notes(alloc)) if _touched(alloc) & shown else ()
    return PrintedTable(name, table.printed_title or table.title, layout, tuple(body), tuple(total),
                        table.footnotes, table.source_line, notes)


def _touched(alloc: Allocation) -> set[str]:
    """The amount columns an adjustment of the agreement changes (its line's column, and the sums
    that include it): the tables showing one carry the notes on the adjustment."""
    rules = alloc.agreement.rules
    lines = {a.line for a in rules.adjustments}
    return {c.name for c in rules.columns if c.is_amount and _adds(rules, c.name, lines)}


def _adds(rules: Any, column: str, lines: set[str]) -> bool:
    """Whether an amount column includes one of ``lines`` (directly, or in a sum)."""
    return any(line in lines for line in resolve(rules, column).lines)


def _cell(col: PrintedColumn, row: dict[str, str | int], totals: dict[str, int]) -> Cell:
    """One cell: the row's value, or its share of the column's total in per cent (exact)."""
    if col.share is None:
        return row[col.source]
    total = totals[col.share]
    return Fraction(100 * int(row[col.share]), total) if total else Fraction(0)


def _text(value: Cell, col: PrintedColumn, comma: bool) -> str:
    from .render import kr

    if isinstance(value, Fraction):
        return share_text(value, col.decimals, comma) + ("%" if comma else "")
    if isinstance(value, int):
        return kr(value) if comma else str(value)
    return value


def printed_csv(pt: PrintedTable, sep: str = ",") -> str:
    """The table as CSV: the printed headings, plain numbers (shares with a decimal point, or a
    decimal comma with ``sep`` ``;``; no ``%``), the total row last; no footnotes (JSON and the
    table format carry them)."""
    from decimal import Decimal

    from .csvout import Value, table

    def value(v: Cell, c: PrintedColumn) -> Value:
        return Decimal(share_text(v, c.decimals, comma=False)) if isinstance(v, Fraction) else v

    rows = ([value(v, c) for v, c in zip(row, pt.columns, strict=True)] for row in (*pt.rows, pt.total))
    return table([c.heading for c in pt.columns], rows, sep)


def printed_json(pt: PrintedTable, alloc: Allocation) -> str:
    """The table as JSON: title, columns (heading, column or share, decimals), rows and total by
    heading (shares as rounded decimal text and as exact ``"num/den"`` per cent), what stands
    beneath, and the signed tables' adjustments."""
    from .signed import adjustments_json

    def cells(row: tuple[Cell, ...]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for v, c in zip(row, pt.columns, strict=True):
            out[c.heading] = _text(v, c, comma=False) if isinstance(v, Fraction) else v
        return out

    doc = {
        "table": pt.name,
        "title": pt.title,
        "columns": [{"heading": c.heading, "column": c.column, "share": c.share,
                     **({"decimals": c.decimals} if c.share else {})} for c in pt.columns],
        "rows": [cells(r) for r in pt.rows],
        "total": cells(pt.total),
        "exact_shares": {c.heading: [str(r[i]) for r in pt.rows] for i, c in enumerate(pt.columns) if c.share},
        "footnotes": list(pt.footnotes),
        "source_line": pt.source_line or None,
        "notes": list(pt.notes),
        "as_signed": alloc.as_signed,
        "adjustments": adjustments_json(alloc),
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def _wrapped(heading: str, width: int) -> str:
    """A heading broken into lines no wider than its column's widest cell (words never cut)."""
    import textwrap

    return "\n".join(textwrap.wrap(heading, max(width, 8), break_long_words=False)) or heading


def printed_rich(pt: PrintedTable, title: str, width: int | None = None) -> list[Any]:
    """The table for the terminal: headings as printed, kronor with spaces, shares ``23,3%``, the
    total row as footer; footnotes, source line and notes beneath. No figure is ever cut: when the
    table does not fit ``width``, a one-line hint says to use ``--format csv``."""
    from rich.text import Text

    from .render import Col, fitting_table, note_lines
    from .terminal import terminal_text

    cols: list[Col] = []
    for i, c in enumerate(pt.columns):
        texts = [_text(r[i], c, comma=True) for r in pt.rows]
        foot = _text(pt.total[i], c, comma=True)
        numeric = not all(isinstance(r[i], str) for r in pt.rows)
        widest = max(len(t) for t in (*texts, foot))
        # A name may wrap between its words ("Jämtland / Härjedalen"); a figure never.
        cols.append((_wrapped(c.heading, widest), "right" if numeric else "left", foot, texts, not numeric))
    table, _ = fitting_table(title, [cols], width, footer=True, compact=True)
    if table is None:
        return [Text(terminal_text(f"{pt.title}: the table needs more than {width} columns; use --format csv"))]
    out: list[Any] = [table]
    out += [Text(terminal_text(f)) for f in pt.footnotes]
    if pt.source_line:
        out.append(Text(terminal_text(pt.source_line)))
    out += [note_lines(n, width) for n in pt.notes]
    return out
