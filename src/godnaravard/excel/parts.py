"""Delbelopp: every separately rounded part of every budget line, recipient by recipient.

Each part is shared exactly by its key and rounded to whole kronor on its own; the sheet shows
the weight, the exact share, the rounded amount and the balancing krona of every recipient, and
a sum row per part equal to the part's amount.
"""

from __future__ import annotations

from ..core import ROUNDING_RULE
from .cells import FIRST, HEADER_ROW, Sheet, display
from .context import Context, code_label, text_columns, value_text

__all__ = ["part_label", "write_parts"]


def part_label(line_label: str, part_label_: str) -> str:
    """The name of a part on the sheet: its line and its own label."""
    return f"{line_label}: {part_label_}"


def write_parts(s: Sheet, ctx: Context) -> None:
    """Every part of every budget line: weight, exact share, rounded amount, balancing krona."""
    ag = ctx.agreement
    res = ctx.result
    params = res.parameters
    names = text_columns(ag)
    bases = [
        f"{ln.label}: grundbelopp {value_text(ag, ln.base, params[ln.base])} per {ag.rules.recipient} utöver delarna"
        for ln in ag.rules.lines if ln.base
    ]
    s.title(
        ctx.title("Delbelopp: varje separat avrundad del av budgetraderna"),
        ctx.note(
            f"Varje del fördelas exakt efter sin nyckel och avrundas för sig till hela kronor ({ROUNDING_RULE}); "
            "delarna summerar till sin budgetrad. Exakta andelar visas med fyra decimaler."
            + "".join(f" {b}." for b in bases)
        ),
    )
    text_headings = [ag.label(c) for c in names]
    n = len(names)
    s.header(
        HEADER_ROW,
        ["Del", code_label(ag), *text_headings, "Vikt", "Exakt andel (kronor)", "Avrundat (kronor)",
         "Utjämningskrona"],
        numeric=range(2 + n, 6 + n),
    )
    regions = {r.lan_code: r for r in res.inputs.regions}
    row = HEADER_ROW
    for line in ag.rules.lines:
        for p in line.parts:
            part = res.part(line.name, p.name)
            label = part_label(line.label, p.label or p.name)
            first = row + 1
            for code, amount in part.amounts.items():
                row += 1
                s.text(row, 0, label)
                s.text(row, 1, code)
                for j, c in enumerate(names):
                    s.text(row, 2 + j, regions[code].text(c))
                s.number(row, 2 + n, display(part.weights[code]), s.f.decimal)
                s.number(row, 3 + n, float(part.exact[code]), s.f.exact)
                s.number(row, 4 + n, amount)
                s.number(row, 5 + n, part.adjustment(code), s.f.count)
            row += 1
            s.text(row, 0, f"Summa: {label}", s.f.total_label)
            for col in range(1, 3 + n):
                s.text(row, col, "", s.f.total_text, grow=False)
            s.total(row, 3 + n, first, row - 1, float(part.total), s.f.total_decimal)
            s.total(row, 4 + n, first, row - 1, part.total)
            s.total(row, 5 + n, first, row - 1, sum(part.adjustment(c) for c in part.amounts))
    s.ws.freeze_panes(FIRST, 0)
