"""The sheets of the agreement's own tables (the bilagor): its columns under its headings.

A table of the definition lists output columns; each becomes a column of the sheet under the
agreement's heading. A count that some part is shared by is followed by each recipient's share
of it, and a part shared by the rural key by the weighted rural population and its share, so
that every krona can be followed back to its key. Every table ends with a total row of live
``=SUM`` formulas, and a sum column (a table's Totalt) is a formula on the columns it adds.

Every amount is a formula on the live model (``model``: the parts on Delbelopp and the base
amounts), every count a reference to Underlag, and the note under the title a live text whose
amounts follow the parameters. Under the table, a check cell per amount column says whether it
still sums to its budget line. A cell that differs from the agreement's signed table by a
balancing krona (``check``: the rounding, not the scenario's data) is shaded and carries a
comment, a marker in the column Not and a footnote: the signed value and the reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING

from ..check import CellCheck, signed_kr
from ..render import kr
from .cells import FIRST, HEADER_ROW, OK, Sheet, display, ref
from .context import Context
from .reconciliation import explanation

if TYPE_CHECKING:
    from ..agreements import Agreement, TableSpec
    from ..check import Reconciliation
    from ..core import Line, Result
    from .model import Model

__all__ = ["TableLayout", "layout", "line_note", "marked_cells", "write_table"]


@dataclass(frozen=True, slots=True)
class Item:
    """One column of a table sheet: what it shows, about which output column or key, its heading."""

    kind: str  # text | count | share | amount | sum | weight | weight_share
    name: str
    heading: str
    part: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TableLayout:
    """Where every column of one table sheet goes; ``positions`` maps output columns to sheet columns."""

    sheet: str
    table: TableSpec
    items: tuple[Item, ...]
    positions: dict[str, int] = field(default_factory=dict)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _key_columns(ag: Agreement) -> set[str]:
    """The count columns some part is shared by."""
    keys = ag.rules.keys
    return {keys[p.key].column for ln in ag.rules.lines for p in ln.parts
            if p.key in keys and keys[p.key].kind == "column"}


def layout(ag: Agreement, result: Result, table: TableSpec, sheet: str) -> TableLayout:
    """The columns of ``table`` on ``sheet``: the table's own, with shares and rural weights beside them."""
    rules = ag.rules
    by_key = _key_columns(ag)
    names = list(table.columns)
    if not names or rules.column(names[0]).kind not in ("code", "text"):
        code = next((c.name for c in rules.columns if c.kind == "code"), None)
        if code is not None:
            names.insert(0, code)
    items: list[Item] = []
    for name in names:
        spec = rules.column(name)
        if spec.kind in ("code", "text"):
            items.append(Item("text", name, spec.label))
        elif spec.kind == "count":
            items.append(Item("count", name, spec.label))
            if name in by_key:
                items.append(Item("share", name, "andel"))
        elif spec.kind == "sum":
            items.append(Item("sum", name, spec.label))
        else:
            items.append(Item("amount", name, spec.label))
            if spec.kind == "part":
                line, part = spec.ref
                key = rules.keys[rules.line(line).part(part).key]
                if key.kind == "landsbygd":
                    heading = _capital(key.label or key.name)
                    items.append(Item("weight", key.name, heading, (line, part)))
                    items.append(Item("weight_share", key.name, "andel", (line, part)))
    positions = {it.name: i for i, it in enumerate(items) if it.kind in ("text", "count", "amount", "sum")}
    return TableLayout(sheet, table, tuple(items), positions)


Piece = str | tuple[str, str]


def _part_note(m: Model, line: Line, name: str) -> list[Piece]:
    """How one part of a line is shared: its amount, share or the rest, and its key (a live text)."""
    ag = m.agreement
    p = line.part(name)
    out: list[Piece] = [f"{p.label or p.name} ("]
    if p.amount:
        out.append(m.value_piece(p.amount))
    elif p.share:
        out += ["andel ", m.value_piece(p.share)]
    elif len(line.parts) == 1 and not line.base:
        out.append("hela beloppet")
    else:
        out.append("resten")
    key = ag.rules.keys.get(p.key)
    if key is not None and key.label:
        out.append(f", nyckel: {key.label}")
    if key is not None and key.kind == "landsbygd":
        out.append(" med vikterna ")
        for i, w in enumerate(key.weights):
            out += [" / " if i else "", m.value_piece(w)]
        out.append(" (tätortsnära / glesa / mycket glesa)")
    out.append(")")
    return out


def line_note(m: Model, line: Line, parts: tuple[str, ...] = ()) -> list[Piece]:
    """How one budget line is shared, in one sentence: base amount, each part and its key (a live text).

    With ``parts``, only those parts of the line (a table that shows a part, not the line).
    """
    out: list[Piece] = [f"{line.label} ", m.value_piece(line.total)]
    if parts:
        out.append(", därav ")
        for i, p in enumerate(parts):
            out += (["; "] if i else []) + _part_note(m, line, p)
        out.append(".")
        return out
    out.append(": ")
    first = True
    if line.base:
        out += ["grundbelopp ", m.value_piece(line.base), f" per {m.agreement.rules.recipient}"]
        first = False
    for p in line.parts:
        out += ([] if first else ["; "]) + _part_note(m, line, p.name)
        first = False
    out.append(".")
    return out


def _lines_of(ag: Agreement, table: TableSpec) -> list[tuple[Line, tuple[str, ...]]]:
    """The budget lines whose kronor a table shows, each whole (no parts named) or by the parts shown."""
    rules = ag.rules
    whole: set[str] = set()
    parts: dict[str, list[str]] = {}

    def add(column: str) -> None:
        spec = rules.column(column)
        if spec.kind == "line":
            whole.add(spec.ref[0])
        elif spec.kind == "part":
            parts.setdefault(spec.ref[0], []).append(spec.ref[1])
        elif spec.kind == "sum":
            for c in spec.ref:
                add(c)

    for c in table.columns:
        add(c)
    return [(ln, () if ln.name in whole else tuple(dict.fromkeys(parts[ln.name])))
            for ln in rules.lines if ln.name in whole or ln.name in parts]


def _footnote(rec: Reconciliation, cell: CellCheck, number: int) -> str:
    """A deviating cell's footnote: the signed table's value, the tool's, the difference and why."""
    return (f"{number}) {rec.column_label(cell.column)}, {cell.lan_code} {cell.name}: överenskommelsens tabell anger "
            f"{kr(cell.official)} kr, verktyget ger {kr(cell.computed)} kr ({signed_kr(cell.deviation)}). "
            f"{_capital(explanation(rec, cell))}")


def marked_cells(ctx: Context, table: TableSpec) -> list[CellCheck]:
    """The cells of ``table`` that differ from the signed table by a balancing krona (not by the scenario's data)."""
    rec = ctx.reconciliation
    return [c for c in rec.cells if c.bilaga == table.label and c.deviation and abs(c.deviation) <= rec.tolerance]


def write_table(s: Sheet, ctx: Context, lay: TableLayout, m: Model) -> None:
    """One table of the agreement, a row per recipient and a total row, every figure a live formula."""
    ag = ctx.agreement
    res = ctx.result
    pieces: list[Piece] = []
    for i, (ln, shown) in enumerate(_lines_of(ag, lay.table)):
        pieces += ([" "] if i else []) + line_note(m, ln, shown)
    s.title(ctx.title(lay.table.title), *ctx.notes(ctx.live_note(pieces)))
    items = lay.items
    marked = marked_cells(ctx, lay.table)
    notes = {(c.column, c.lan_code): n for n, c in enumerate(marked, start=1)}
    numeric = [i for i, it in enumerate(items) if it.kind != "text"]
    headings = [it.heading for it in items] + (["Not"] if marked else [])
    s.header(HEADER_ROW, headings, numeric=numeric)
    regions = res.inputs.regions
    rows = res.rows
    last = FIRST + len(regions) - 1
    total_row = last + 1
    totals = res.totals()
    for j, it in enumerate(items):
        if it.kind in ("weight", "weight_share"):
            part = res.part(*it.part)
            w = {c: Fraction(v) for c, v in part.weights.items()}
            total_w = sum(w.values(), Fraction(0))
            whole = all(v.denominator == 1 for v in w.values())
        for i, (region, row_values) in enumerate(zip(regions, rows, strict=True)):
            row = FIRST + i
            code = region.lan_code
            if it.kind == "text":
                s.text(row, j, str(row_values[it.name]))
            elif it.kind == "count":
                s.formula(row, j, f"={m.input_cell(it.name, i)}", int(row_values[it.name]), s.f.count)
            elif it.kind == "share":
                total = totals[it.name]
                value = float(Fraction(int(row_values[it.name]), total)) if total else 0.0
                tot = ref(total_row, j - 1, abs_row=True)
                s.formula(row, j, f"=IF({tot}>0,{ref(row, j - 1)}/{tot},0)", value, s.f.pct)
            elif it.kind in ("amount", "sum"):
                spec = res.rules.column(it.name)
                if spec.kind == "sum" and all(r in lay.positions for r in spec.ref):
                    formula = "=" + "+".join(ref(row, lay.positions[r]) for r in spec.ref)
                else:
                    formula = "=" + m.amount_expr(it.name, i)
                fmt = s.f.marked if (it.name, code) in notes else None
                s.formula(row, j, formula, int(row_values[it.name]), fmt)
            elif it.kind == "weight":
                s.formula(row, j, "=" + m.rural_display(it.part, i), display(w[code]), s.f.count if whole else s.f.decimal)
            elif it.kind == "weight_share":
                share = float(w[code] / total_w) if total_w else 0.0
                tot = ref(total_row, j - 1, abs_row=True)
                s.formula(row, j, f"=IF({tot}>0,{ref(row, j - 1)}/{tot},0)", share, s.f.pct)
        if j == 0:
            s.text(total_row, 0, "Totalt", s.f.total_label)
        elif it.kind == "text":
            s.ws.write_blank(total_row, j, None, s.f.total_text)
        elif it.kind in ("count", "amount", "sum"):
            s.total(total_row, j, FIRST, last, totals[it.name])
        elif it.kind == "share":
            s.total(total_row, j, FIRST, last, 1.0, s.f.total_pct)
        elif it.kind == "weight":
            s.total(total_row, j, FIRST, last, display(total_w), s.f.total_amount if whole else s.f.total_decimal)
        elif it.kind == "weight_share":
            s.total(total_row, j, FIRST, last, 1.0 if total_w else 0.0, s.f.total_pct)
    rec = ctx.reconciliation
    if marked:
        note_col = len(items)
        by_row: dict[int, list[str]] = {}
        for c in marked:
            n = notes[(c.column, c.lan_code)]
            i = next(k for k, r in enumerate(regions) if r.lan_code == c.lan_code)
            by_row.setdefault(FIRST + i, []).append(f"{n})")
            s.ws.write_comment(FIRST + i, lay.positions[c.column], _footnote(rec, c, n),
                               {"x_scale": 3, "y_scale": 3, "author": "godnaravard"})
        for row in range(FIRST, total_row):
            s.text(row, note_col, ", ".join(by_row.get(row, [])), s.f.right)
        s.ws.write_blank(total_row, note_col, None, s.f.total_text)
    s.block(HEADER_ROW, total_row)
    s.repeat = (HEADER_ROW, total_row)
    # A check cell under every amount column: does it still sum to its budget line?
    row = total_row + 1
    first_check = row + 1
    for j, it in enumerate(items):
        if it.kind not in ("amount", "sum"):
            continue
        row += 1
        total = ref(total_row, j)
        expected = m.expected_total(it.name)
        what = {"line": "budgetraden", "part": "delens belopp", "sum": "budgetraderna"}[res.rules.column(it.name).kind]
        s.text(row, 0, f"Kontroll: summan av {_lower(it.heading)} är {what}", grow=False)
        s.check(row, j, f'=IF(ISNUMBER({total}),IF({total}={expected},"{OK}","fel: summan är inte {what}"),'
                        '"fel: kan inte beräknas (se bladet Delbelopp)")', OK)
    if row >= first_check:
        s.block(first_check, row)
    if marked:
        row += 2
        first = row
        s.text(row, 0, "Anmärkningar: belopp som skiljer sig från den undertecknade tabellen", s.f.label, grow=False)
        for c in marked:
            row += 1
            s.merged(row, 0, max(s.last_col, 1), _footnote(rec, c, notes[(c.column, c.lan_code)]))
        s.block(first, row)
    leading = next((i for i, it in enumerate(items) if it.kind != "text"), len(items))
    s.ws.freeze_panes(FIRST, max(leading, 1))


def _lower(text: str) -> str:
    """A heading inside a sentence: its first letter in lower case, unless it starts an acronym."""
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text
