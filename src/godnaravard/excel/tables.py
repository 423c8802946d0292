"""The sheets of the agreement's own tables (the bilagor): its columns under its headings.

A table of the definition lists output columns; each becomes a column of the sheet under the
agreement's heading. A count that some part is shared by is followed by each recipient's share
of it, and a part shared by the rural key by the weighted rural population and its share, so
that every krona can be followed back to its key. Every table ends with a total row of live
``=SUM`` formulas, and a sum column (a table's Totalt) is a formula on the columns it adds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING

from .cells import FIRST, HEADER_ROW, Sheet, display, ref
from .context import Context, value_text

if TYPE_CHECKING:
    from ..agreements import Agreement, TableSpec
    from ..core import Line, Parameters, Result

__all__ = ["TableLayout", "layout", "line_note", "write_table"]


@dataclass(frozen=True, slots=True)
class Item:
    """One column of a table sheet: what it shows, about which output column or key, its heading."""

    kind: str  # text | count | share | amount | sum | weight | weight_share | weight_exact
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
                    weights = result.part(line, part).weights
                    if any(Fraction(w).denominator != 1 for w in weights.values()):
                        items.append(Item("weight_exact", key.name, f"{heading}, exakt", (line, part)))
    positions = {it.name: i for i, it in enumerate(items) if it.kind in ("text", "count", "amount", "sum")}
    return TableLayout(sheet, table, tuple(items), positions)


def _part_note(ag: Agreement, params: Parameters, line: Line, name: str) -> str:
    """How one part of a line is shared: its amount, share or the rest, and its key."""
    p = line.part(name)
    if p.amount:
        how = value_text(ag, p.amount, params[p.amount])
    elif p.share:
        how = f"andel {params.fraction(p.share)}"
    elif len(line.parts) == 1 and not line.base:
        how = "hela beloppet"
    else:
        how = "resten"
    key = ag.rules.keys.get(p.key)
    if key is not None and key.label:
        how += f", nyckel: {key.label}"
    if key is not None and key.kind == "landsbygd":
        weights = " / ".join(str(params.fraction(w)) for w in key.weights)
        how += f" med vikterna {weights} ({', '.join(key.weights)})"
    return f"{p.label or p.name} ({how})"


def line_note(ag: Agreement, params: Parameters, line: Line, parts: tuple[str, ...] = ()) -> str:
    """How one budget line is shared, in one sentence: base amount, each part and its key.

    With ``parts``, only those parts of the line (a table that shows a part, not the line).
    """
    total = f"{line.label} {value_text(ag, line.total, params[line.total])}"
    if parts:
        return f"{total}, därav " + "; ".join(_part_note(ag, params, line, p) for p in parts) + "."
    notes = []
    if line.base:
        notes.append(f"grundbelopp {value_text(ag, line.base, params[line.base])} per {ag.rules.recipient}")
    notes += [_part_note(ag, params, line, p.name) for p in line.parts]
    return f"{total}: " + "; ".join(notes) + "."


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


def write_table(s: Sheet, ctx: Context, lay: TableLayout) -> None:
    """One table of the agreement, a row per recipient and a total row."""
    ag = ctx.agreement
    res = ctx.result
    params = res.parameters
    note = " ".join(line_note(ag, params, ln, shown) for ln, shown in _lines_of(ag, lay.table))
    s.title(ctx.title(lay.table.title), ctx.note(note))
    items = lay.items
    numeric = [i for i, it in enumerate(items) if it.kind not in ("text", "weight_exact")]
    s.header(HEADER_ROW, [it.heading for it in items], numeric=numeric)
    regions = res.inputs.regions
    rows = res.rows
    last = FIRST + len(regions) - 1
    total_row = last + 1
    totals = res.totals()
    for j, it in enumerate(items):
        if it.kind in ("weight", "weight_share", "weight_exact"):
            part = res.part(*it.part)
            w = {c: Fraction(v) for c, v in part.weights.items()}
            total_w = sum(w.values(), Fraction(0))
        for i, (region, row_values) in enumerate(zip(regions, rows, strict=True)):
            row = FIRST + i
            code = region.lan_code
            if it.kind == "text":
                s.text(row, j, str(row_values[it.name]))
            elif it.kind == "count":
                s.number(row, j, int(row_values[it.name]), s.f.count)
            elif it.kind == "share":
                total = totals[it.name]
                value = float(Fraction(int(row_values[it.name]), total)) if total else 0.0
                s.formula(row, j, f"={ref(row, j - 1)}/{ref(total_row, j - 1, abs_row=True)}", value, s.f.pct)
            elif it.kind == "amount":
                s.number(row, j, int(row_values[it.name]))
            elif it.kind == "sum":
                refs = res.rules.column(it.name).ref
                if all(r in lay.positions for r in refs):
                    formula = "=" + "+".join(ref(row, lay.positions[r]) for r in refs)
                    s.formula(row, j, formula, int(row_values[it.name]))
                else:
                    s.number(row, j, int(row_values[it.name]))
            elif it.kind == "weight":
                s.number(row, j, display(w[code]), s.f.decimal)
            elif it.kind == "weight_share":
                share = float(w[code] / total_w) if total_w else 0.0
                tot = ref(total_row, j - 1, abs_row=True)
                s.formula(row, j, f"=IF({tot}>0,{ref(row, j - 1)}/{tot},0)", share, s.f.pct_fine)
            else:
                s.text(row, j, str(w[code]))
        if j == 0:
            s.text(total_row, 0, "Totalt", s.f.total_label)
        elif it.kind == "text":
            s.text(total_row, j, "", s.f.total_text, grow=False)
        elif it.kind in ("count", "amount", "sum"):
            s.total(total_row, j, FIRST, last, totals[it.name])
        elif it.kind == "share":
            s.total(total_row, j, FIRST, last, 1.0, s.f.total_pct)
        elif it.kind == "weight":
            s.total(total_row, j, FIRST, last, display(total_w), s.f.total_decimal)
        elif it.kind == "weight_share":
            s.total(total_row, j, FIRST, last, 1.0 if total_w else 0.0, s.f.total_pct)
        else:
            s.text(total_row, j, str(total_w), s.f.total_text)
    leading = next((i for i, it in enumerate(items) if it.kind != "text"), len(items))
    s.ws.freeze_panes(FIRST, max(leading, 1))
