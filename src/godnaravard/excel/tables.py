"""The sheets of the agreement's own tables (the bilagor), as signed: its columns under its headings.

A table of the definition that gives its printed layout (``TableSpec.printed``, issue 16) is
written exactly as the signed table shows it: those columns, headings and order, each share with
its own decimals and "%", the signed table's title (``printed_title``), a total row under its own
label (``total_label``), its footnotes and source line beneath. Nothing else is printed among
them: the live model's arithmetic stands on Delbelopp and Underlag. A table without a printed
layout falls back to its output columns, with each key's share and the rural weights beside them.

Every amount is a formula on the live model (``model``: the parts on Delbelopp and the base
amounts), every count a reference to Underlag, and the note under the title a live text whose
amounts follow the parameters. A cell the signed table moved by hand (``rules.adjustments``, the
Ambulans krona of bilaga 3) adds that krona only while the workbook is the agreement as signed
(``context.SIGNED``); it carries a comment and a footnote, and the footnote is a formula that says
which figure stands: the signed one, or the rule's after a change. Under the table, a check cell
per amount column says whether it still sums to its budget line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import field
from fractions import Fraction
from typing import TYPE_CHECKING

from ..check import signed_kr
from ..frozen import frozen
from ..render import kr
from .cells import FIRST, HEADER_ROW, OK, Sheet, display, formula_text, ref
from .context import SIGNED, Context

if TYPE_CHECKING:
    from xlsxwriter.format import Format
    from xlsxwriter.workbook import Workbook

    from ..agreements import Agreement, TableSpec
    from ..core import Adjustment, Line, Result
    from .cells import Formats
    from .model import Model

__all__ = ["PercentFormats", "TableLayout", "layout", "line_note", "write_table"]


@frozen
class Item:
    """One column of a table sheet: what it shows, about which output column or key, its heading."""

    kind: str  # text | count | share | amount | sum | weight | weight_share
    name: str
    heading: str
    part: tuple[str, ...] = ()
    #: The decimals of a share in per cent (a printed layout's ``decimals``; None: the default format).
    decimals: int | None = None


@frozen
class TableLayout:
    """Where every column of one table sheet goes; ``positions`` maps output columns to sheet columns."""

    sheet: str
    table: TableSpec
    items: tuple[Item, ...]
    positions: dict[str, int] = field(default_factory=dict)

    @property
    def title(self) -> str:
        """The table's heading as the signed table prints it."""
        return self.table.printed_title or self.table.title


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _key_columns(ag: Agreement) -> dict[str, str]:
    """The count columns some part is shared by, each with the heading of its share: the key's label
    (``befolkningsandel``), capitalised."""
    keys = ag.rules.keys
    out: dict[str, str] = {}
    for ln in ag.rules.lines:
        for p in ln.parts:
            key = keys.get(p.key)
            if key is not None and key.kind == "column":
                out.setdefault(key.column, _capital(key.label) if key.label else f"Andel, {key.column}")
    return out


def amount_heading(label: str) -> str:
    """An amount's heading with its unit, as the signed tables head them: ``Belopp (kronor)``."""
    return label if "kronor" in label.casefold() else f"{label} (kronor)"


def _kind(ag: Agreement, column: str) -> str:
    """What a column of the data is on a table sheet: text, count, amount or sum."""
    kind = ag.rules.column(column).kind
    return {"code": "text", "text": "text", "count": "count", "sum": "sum"}.get(kind, "amount")


def _positions(items: Sequence[Item]) -> dict[str, int]:
    """Each shown output column's sheet column (its first, if shown twice)."""
    out: dict[str, int] = {}
    for i, it in enumerate(items):
        if it.kind in ("text", "count", "amount", "sum"):
            out.setdefault(it.name, i)
    return out


def layout(ag: Agreement, result: Result, table: TableSpec, sheet: str) -> TableLayout:
    """The columns of ``table`` on ``sheet``: the signed table's printed layout when the definition
    gives one, else the table's own columns with shares and rural weights beside them."""
    if table.printed:
        items = tuple(Item("share", pc.share, pc.heading, decimals=pc.decimals) if pc.share is not None
                      else Item(_kind(ag, str(pc.column)), str(pc.column), pc.heading) for pc in table.printed)
        return TableLayout(sheet, table, items, _positions(items))
    rules = ag.rules
    by_key = _key_columns(ag)
    names = list(table.columns)
    if not names or rules.column(names[0]).kind not in ("code", "text"):
        code = next((c.name for c in rules.columns if c.kind == "code"), None)
        if code is not None:
            names.insert(0, code)
    fallback: list[Item] = []
    for name in names:
        spec = rules.column(name)
        fallback.append(Item(_kind(ag, name), name, amount_heading(spec.label) if spec.kind in
                             ("line", "part", "sum") else spec.label))
        if spec.kind == "count" and name in by_key:
            fallback.append(Item("share", name, by_key[name], decimals=1))
        elif spec.kind == "part":
            line, part = spec.ref
            key = rules.keys[rules.line(line).part(part).key]
            if key.kind == "landsbygd":
                fallback.append(Item("weight", key.name, _capital(key.label or key.name), (line, part)))
                fallback.append(Item("weight_share", key.name, "andel", (line, part)))
    return TableLayout(sheet, table, tuple(fallback), _positions(fallback))


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
        data = ag.landsbygd
        labels = [data.rural.label(c) if data and data.rural else c for c in key.categories]
        out.append(f" ({' / '.join(labels)})")
    out.append(")")
    return out


def line_note(m: Model, line: Line, parts: tuple[str, ...] = ()) -> list[Piece]:
    """How one budget line is shared, in one sentence: base amount, each part and its key (a live text).

    With ``parts``, only those parts of the line (a table that shows a part, not the line).
    """
    out: list[Piece] = [f"{line.label} ", m.value_piece(line.total)]
    if parts:
        out.append(", därav ")
        for i, shown in enumerate(parts):
            out += (["; "] if i else []) + _part_note(m, line, shown)
        out.append(".")
        return out
    out.append(": ")
    first = True
    if line.base:
        out += ["grundbelopp ", m.value_piece(line.base), f" per {m.agreement.rules.recipient}"]
        first = False
    for part in line.parts:
        out += ([] if first else ["; "]) + _part_note(m, line, part.name)
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


@frozen
class Marked:
    """One adjustment of the signed table on this sheet: its number, the cells it moves, what it says."""

    number: int
    adjustment: Adjustment
    #: (row, sheet column, kronor added) of every cell it changes, the line's own column first.
    cells: tuple[tuple[int, int, int], ...]
    headings: tuple[str, ...]


def _marked(ag: Agreement, lay: TableLayout, m: Model) -> list[Marked]:
    """The adjustments (``rules.adjustments``) that move kronor in a column this table shows."""
    out: list[Marked] = []
    for adj in ag.rules.adjustments:
        cells: list[tuple[int, int, int]] = []
        headings: list[str] = []
        for j, it in enumerate(lay.items):
            if it.kind not in ("amount", "sum"):
                continue
            spec = ag.rules.column(it.name)
            if not _moves(ag, spec.name, adj):
                continue
            headings.append(it.heading)
            for i, code in enumerate(m.codes):
                if adj.added(code):
                    cells.append((FIRST + i, j, adj.added(code)))
        if cells:
            out.append(Marked(len(out) + 1, adj, tuple(cells), tuple(dict.fromkeys(headings))))
    return out


def _moves(ag: Agreement, column: str, adj: Adjustment) -> bool:
    """Whether ``adj`` changes ``column``: its part, its line, or a sum of them."""
    spec = ag.rules.column(column)
    if spec.kind == "part":
        return tuple(spec.ref) == (adj.line, adj.part)
    if spec.kind == "line":
        return spec.ref[0] == adj.line
    if spec.kind == "sum":
        return any(_moves(ag, c, adj) for c in spec.ref)
    return False


def _comment(mk: Marked, kronor: int) -> str:
    """A moved cell's comment: what the signed table did and when the workbook does it (no figure shown)."""
    return (f"Den undertecknade tabellen har här {signed_kr(kronor)} mot regeln (största rest): en krona "
            "flyttad för hand mellan två mottagare, så kolumnens summa är densamma. Arbetsboken lägger till den "
            "bara så länge alla parametrar och indata är överenskommelsens; annars visas regelns belopp. "
            f"Se not {mk.number}). Källa: {mk.adjustment.source}")


def _footnote(mk: Marked, name_col: int | None, as_signed: bool, values: dict[tuple[int, int], int],
              names: dict[int, str]) -> tuple[str, str]:
    """A moved cells' footnote as a live text: the signed figures while as signed, the rule's otherwise.

    The recipients' names come from the sheet's own cells (never into a formula as text).
    """
    first_col = mk.cells[0][1]
    own = [(row, k) for row, col, k in mk.cells if col == first_col]
    heads = " och ".join(mk.headings)
    lead = f"{mk.number}) {heads}: "

    def who(row: int) -> tuple[str, str]:
        cell = ref(row, name_col) if name_col is not None else '""'
        return cell, names.get(row, "")

    signed: list[str | tuple[str, str]] = [lead, "den undertecknade tabellen flyttar för hand "]
    rule: list[str | tuple[str, str]] = [lead, "regelns belopp (största rest). Den undertecknade tabellen flyttar "]
    for n, (row, k) in enumerate(own):
        sep = [", "] if n else []
        amount = ref(row, first_col)
        shown = values[(row, first_col)]
        signed += [*sep, who(row), f" {signed_kr(k)} (regeln ger ",
                   (f"FIXED({amount}-({k}),0)", kr(shown - k if as_signed else shown)), " kr)"]
        rule += [*sep, who(row), f" {signed_kr(k)}"]
    signed.append(" så att kolumnens summa är densamma; beloppen ovan är den undertecknade tabellens.")
    rule.append(", men bara med överenskommelsens parametrar och indata; beloppen ovan följer regeln.")

    def live(pieces: Sequence[str | tuple[str, str]]) -> tuple[str, str]:
        formula = "&".join(formula_text(q) if isinstance(q, str) else q[0] for q in pieces)
        return formula, "".join(q if isinstance(q, str) else q[1] for q in pieces)

    (f_signed, t_signed), (f_rule, t_rule) = live(signed), live(rule)
    return f"=IF({SIGNED},{f_signed},{f_rule})", t_signed if as_signed else t_rule


def write_table(s: Sheet, ctx: Context, lay: TableLayout, m: Model, pct: PercentFormats) -> None:
    """One table of the agreement, a row per recipient and a total row, every figure a live formula;
    then its footnotes, source line, the signed table's adjustments and the checks."""
    ag = ctx.agreement
    pieces: list[Piece] = []
    for i, (ln, shown) in enumerate(_lines_of(ag, lay.table)):
        pieces += ([" "] if i else []) + line_note(m, ln, shown)
    s.title(ctx.title(lay.title), *ctx.notes(ctx.live_note(pieces)))
    items = lay.items
    s.header(HEADER_ROW, [it.heading for it in items], numeric=[i for i, it in enumerate(items) if it.kind != "text"])
    marked = _marked(ag, lay, m)
    moved = {(row, col): (mk, k) for mk in marked for row, col, k in mk.cells}
    total_row = FIRST + len(m.codes)
    values = _write_rows(s, ctx, lay, m, pct, moved)
    _write_totals(s, ctx, lay, m, pct, total_row)
    s.block(HEADER_ROW, total_row)
    s.repeat = (HEADER_ROW, total_row)
    row = total_row
    notes: list[str | tuple[str, str]] = [*lay.table.footnotes]
    name_col = next((j for j, it in enumerate(items) if it.kind == "text"), None)
    names = {FIRST + i: str(r[items[name_col].name]) for i, r in enumerate(ctx.result.rows)} if name_col is not None \
        else {}
    for mk in marked:
        notes.append(_footnote(mk, name_col, ctx.allocation.as_signed, values, names))
        for r, c, k in mk.cells:
            s.ws.write_comment(r, c, _comment(mk, k), {"x_scale": 3, "y_scale": 2, "author": "godnaravard"})
    if lay.table.source_line:
        notes.append(lay.table.source_line)
    if notes:
        row += 1
        first = row + 1
        for note in notes:
            row += 1
            s.span(row, note)
        s.block(first, row)
    _write_checks(s, ctx, lay, m, total_row, row + 1)
    leading = next((i for i, it in enumerate(items) if it.kind != "text"), len(items))
    s.ws.freeze_panes(FIRST, max(leading, 1))


def _share_parts(lay: TableLayout, m: Model, it: Item, row: int, total_row: int) -> tuple[str, str]:
    """A share's numerator and denominator: the shown column's cell and total, or Underlag's."""
    j = lay.positions.get(it.name)
    if j is not None:
        return ref(row, j), ref(total_row, j, abs_row=True)
    if it.name in m.input_columns:
        return m.input_cell(it.name, row - FIRST), f"SUM({m.input_range(it.name)})"
    return f"({m.amount_expr(it.name, row - FIRST)})", m.expected_total(it.name)


def _write_rows(s: Sheet, ctx: Context, lay: TableLayout, m: Model, pct: PercentFormats,
                moved: dict[tuple[int, int], tuple[Marked, int]]) -> dict[tuple[int, int], int]:
    """Every recipient's row; returns the amounts written, by (row, column)."""
    res = ctx.result
    totals = res.totals()
    rows = res.rows  # computed once: each call builds every row (linear export, issue 17)
    values: dict[tuple[int, int], int] = {}
    for j, it in enumerate(lay.items):
        if it.kind in ("weight", "weight_share"):
            part = res.part(*it.part)
            w = {c: Fraction(v) for c, v in part.weights.items()}
            total_w = sum(w.values(), Fraction(0))
            whole = all(v.denominator == 1 for v in w.values())
        for i, row_values in enumerate(rows):
            row = FIRST + i
            code = m.codes[i]
            if it.kind == "text":
                s.text(row, j, str(row_values[it.name]))
            elif it.kind == "count":
                s.formula(row, j, f"={m.input_cell(it.name, i)}", int(row_values[it.name]), s.f.count)
            elif it.kind == "share":
                total = totals[it.name]
                value = float(Fraction(int(row_values[it.name]), total)) if total else 0.0
                num, den = _share_parts(lay, m, it, row, FIRST + len(m.codes))
                s.formula(row, j, f"=IF({den}>0,{num}/{den},0)", value, pct.get(it.decimals))
            elif it.kind in ("amount", "sum"):
                spec = res.rules.column(it.name)
                if spec.kind == "sum" and all(r in lay.positions for r in spec.ref):
                    formula = "=" + "+".join(ref(row, lay.positions[r]) for r in spec.ref)
                else:
                    formula = "=" + m.amount_expr(it.name, i)
                fmt = s.f.marked if (row, j) in moved else None
                values[(row, j)] = int(row_values[it.name])
                s.formula(row, j, formula, values[(row, j)], fmt)
            elif it.kind == "weight":
                s.formula(row, j, "=" + m.rural_display(it.part, i), display(w[code]),
                          s.f.count if whole else s.f.decimal)
            elif it.kind == "weight_share":
                share = float(w[code] / total_w) if total_w else 0.0
                tot = ref(FIRST + len(m.codes), j - 1, abs_row=True)
                s.formula(row, j, f"=IF({tot}>0,{ref(row, j - 1)}/{tot},0)", share, s.f.pct)
    return values


def _write_totals(s: Sheet, ctx: Context, lay: TableLayout, m: Model, pct: PercentFormats, total_row: int) -> None:
    """The total row under the table's own label (``total_label``): live sums, shares 100 %."""
    res = ctx.result
    totals = res.totals()
    last = total_row - 1
    for j, it in enumerate(lay.items):
        if j == 0 and it.kind == "text":
            s.text(total_row, 0, lay.table.total_label, s.f.total_label)
        elif it.kind == "text":
            s.ws.write_blank(total_row, j, None, s.f.total_text)
        elif it.kind in ("count", "amount", "sum"):
            s.total(total_row, j, FIRST, last, totals[it.name])
        elif it.kind in ("share", "weight_share"):
            s.total(total_row, j, FIRST, last, 1.0, pct.get(it.decimals, total=True))
        elif it.kind == "weight":
            w = [Fraction(v) for v in res.part(*it.part).weights.values()]
            whole = all(v.denominator == 1 for v in w)
            s.total(total_row, j, FIRST, last, display(sum(w, Fraction(0))),
                    s.f.total_amount if whole else s.f.total_decimal)
    if lay.items and lay.items[0].kind != "text":
        s.text(total_row, len(lay.items), lay.table.total_label, s.f.total_label)


def _write_checks(s: Sheet, ctx: Context, lay: TableLayout, m: Model, total_row: int, row: int) -> None:
    """One row of checks under the table: below each amount column, whether it still sums to its budget
    line (a line's total, a part's amount, or the lines a sum adds)."""
    rules = ctx.result.rules
    amounts = [(j, it) for j, it in enumerate(lay.items) if it.kind in ("amount", "sum")]
    if not amounts:
        return
    row += 1
    s.text(row, 0, "Kontroll mot budgeten", s.f.label, grow=False)
    for j, it in amounts:
        total = ref(total_row, j)
        expected = m.expected_total(it.name)
        what = {"line": "budgetraden", "part": "delens belopp", "sum": "budgetraderna"}[rules.column(it.name).kind]
        s.check(row, j, f'=IF(ISNUMBER({total}),IF({total}={expected},"{OK}","fel: summan är inte {what}"),'
                        '"fel: kan inte beräknas (se bladet Delbelopp)")', OK)


class PercentFormats:
    """The per-cent formats of the shares, one per number of decimals (``0.0%``), made as needed."""

    def __init__(self, wb: Workbook, formats: Formats) -> None:
        self.wb = wb
        self.formats = formats
        self.made: dict[tuple[int, bool], Format] = {}

    def get(self, decimals: int | None, *, total: bool = False) -> Format:
        """The format of a share with ``decimals`` decimals (None: the workbook's default), or of its total."""
        if decimals is None:
            return self.formats.total_pct if total else self.formats.pct
        key = (decimals, total)
        if key not in self.made:
            code = "0" + ("." + "0" * decimals if decimals else "") + "%"
            props: dict[str, object] = {"num_format": code, "valign": "top"}
            if total:
                props = {"num_format": code, "bold": True, "top": 1, "bottom": 6}
            self.made[key] = self.wb.add_format(props)
        return self.made[key]
