"""Parametrar: every parameter of the agreement with its label, value, unit, source and --set key."""

from __future__ import annotations

from fractions import Fraction

from .cells import FIRST, HEADER_ROW, Sheet, display
from .context import Context

__all__ = ["KINDS", "write_parameters"]

#: The kinds of parameters, in Swedish.
KINDS = {"amount": "belopp", "share": "andel", "weight": "vikt"}


def write_parameters(s: Sheet, ctx: Context) -> None:
    """One row per parameter: key, label, kind, unit, exact value, value, the agreement's value, source."""
    ag = ctx.agreement
    sc = ctx.scenario
    base = ag.parameters
    changes = sc.changes()
    s.title(ctx.title("Parametrar"), ctx.note("Belopp i hela kronor; andelar och vikter som exakta bråk."))
    s.header(
        HEADER_ROW,
        ["Nyckel", "Parameter", "Typ", "Enhet", "Exakt värde", "Värde", "Överenskommelsens värde", "Ändrad",
         "Källa"],
        numeric=[5, 6],
    )
    for i, (key, value) in enumerate(sc.parameters.as_dict().items()):
        row = FIRST + i
        kind = sc.parameters.kind(key)
        info = ag.parameter_info.get(key)
        fmt = {"amount": s.f.amount, "share": s.f.pct_fine}.get(kind, s.f.decimal)
        s.text(row, 0, key)
        s.text(row, 1, info.label if info else key, s.f.wrap, grow=False)
        s.text(row, 2, KINDS.get(kind, kind))
        s.text(row, 3, info.unit if info else "")
        if kind != "amount":
            s.text(row, 4, str(Fraction(value)))
        s.number(row, 5, display(value), fmt)
        s.number(row, 6, display(base[key]), fmt)
        if key in changes:
            s.text(row, 7, "ja", s.f.bad)
        s.text(row, 8, sc.sources.get(key, info.source if info else ""), s.f.wrap, grow=False)
    s.width(1, 48)
    s.width(8, 90)
    s.ws.freeze_panes(FIRST, 1)
