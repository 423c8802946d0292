"""The check cells of a budget line on Delbelopp: the conditions of the line's plan as formulas.

The line's plan (``core.plan``, issue 17 §3) holds the rules under which a line is refused; the
core evaluates them exactly, the sweep in arrays, and this module writes those that concern the
whole line as formula conditions: valid parameters, what the base amounts leave ≥ 0, the carved
parts within it, the shares within 1 (``line_ok``), and the line's check cell naming the first that
fails (``line_check``). The others are checked where they bite: amounts not in whole rounding units
in the floors of the split and of each part's block (``parts.whole_units``), rural weights all zero
on the rural key's check and each block's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core.plan import LinePlan
from .cells import OK
from .model import amount_ok, share_ok

if TYPE_CHECKING:
    from ..core import Line
    from .model import Model

__all__ = ["line_check", "line_ok", "line_ok_params", "rest_expr"]


def line_ok(m: Model, ln: Line) -> str:
    """A formula condition: the line's parameters are valid and leave a non-negative rest for each part.

    Translates the conditions of the line's plan (``core.plan``) that concern the whole line: what
    the base amounts leave is ≥ 0 (``base_within_total``; written for every line, where it is the
    total ≥ 0 without a base amount), the carved parts within it (``carved_within_rest``), the
    shares within 1 (``shares_within_one``: the rest part's weight ≥ 0). The others are checked where
    they bite (``_line_refusals``)."""
    steps = m.steps[ln.name]
    rest = rest_expr(m, ln)
    conds = [*_valid(m, steps), f"{rest}>=0"]
    for condition in steps.conditions:
        if condition.kind == "carved_within_rest":
            conds.append(f"{rest}-({'+'.join(m.name(k) for k in condition.keys)})>=0")
        elif condition.kind == "shares_within_one" and (ln.name, steps.rest.name) in m.split_rows:
            conds.append(f"({m.split_rows[(ln.name, steps.rest.name)].unreduced})>=0")
    return f"IFERROR(AND({','.join(conds)}),FALSE)"


def rest_expr(m: Model, ln: Line) -> str:
    """``total − n · base``: what a line leaves after its base amounts."""
    steps = m.steps[ln.name]
    total = m.name(steps.total)
    return f"({total}-{len(m.codes)}*{m.name(steps.base)})" if steps.base else total


def _line_refusals(m: Model, ln: Line) -> list[tuple[str, str]]:
    """The conditions of the line's plan that its check cell names, each as (a formula that is TRUE
    when it fails, the cell's message). Amounts not in whole rounding units are refused in the
    floors of the split and of each part's block (``parts.whole_units``), rural weights all zero on
    the rural key's check and each block's (``fel: alla vikter är noll``); a carved amount above the
    total is one above what the base amounts leave."""
    steps = m.steps[ln.name]
    rest = rest_expr(m, ln)
    out = []
    for condition in steps.conditions:
        if condition.kind == "base_within_total":
            out.append((f"{rest}<0", "fel: grundbeloppen är tillsammans större än budgeten"))
        elif condition.kind == "carved_within_rest":
            carved = "+".join(m.name(k) for k in condition.keys)
            out.append((f"{rest}-({carved})<0", "fel: de fasta delarna är större än det som återstår"))
        elif condition.kind == "shares_within_one":
            out.append((f"NOT({line_ok(m, ln)})", "fel: andelarna är tillsammans större än 1"))
    return out


def line_check(m: Model, ln: Line, summed: str) -> str:
    """The check formula of a line: its parameters, then whether ``summed`` equals its total."""
    total = m.name(m.steps[ln.name].total)
    bad = "fel: en parameter är inget giltigt värde (se bladet Parametrar)"
    msgs = [(f"NOT({line_ok_params(m, ln)})", bad), *_line_refusals(m, ln)]
    msgs.append((f"ISERROR({summed})", "fel: en del kan inte beräknas (se dess kontroll)"))
    formula = f'IF({summed}={total},"{OK}","fel: summan är inte budgeten")'
    for cond, msg in reversed(msgs):
        formula = f'IF({cond},"{msg}",{formula})'
    return f'=IFERROR({formula},"{bad}")'


def _valid(m: Model, steps: LinePlan) -> list[str]:
    """Formula conditions: each parameter of the line's plan is a valid value (no arithmetic)."""
    return [*(amount_ok(m.name(k)) for k in steps.amounts), *(share_ok(m.name(k)) for k in steps.share_keys)]


def line_ok_params(m: Model, ln: Line) -> str:
    """A formula condition: every parameter of the line is a valid value (no arithmetic)."""
    return f"AND({','.join(_valid(m, m.steps[ln.name]))})"
