"""The agreement's budget table: every budget item with its amount, and the totals by payer and group.

Shown only when the agreement has budget items. The amounts are the scenario's parameters; the
totals are live ``SUMIF`` formulas over the items, so a change of one amount moves every total.
"""

from __future__ import annotations

from .cells import FIRST, HEADER_ROW, Sheet, range_ref, ref
from .context import Context, display_name

__all__ = ["write_budget"]


def write_budget(s: Sheet, ctx: Context) -> None:
    """Every budget item, the total per payer and in all, and each payer's money per recipient group."""
    ag = ctx.agreement
    lines = ctx.result.budget
    recipients = {ln.recipient: ln.recipient for ln in lines}
    payers = {p: display_name(p, recipients) for p in dict.fromkeys(ln.payer for ln in lines)}
    groups = {g: display_name(g, recipients) for g in dict.fromkeys(ln.group for ln in lines)}
    who = ", ".join(payers.values())
    s.title(ctx.title(ag.budget_title or "Budget"), ctx.note(f"Betalas av: {who}."))
    s.header(
        HEADER_ROW,
        ["Avsnitt", "Insats", "Mottagare", "Betalas av", "Belopp (kronor)", "Fördelas i", "Mottagargrupp",
         "Parameter"],
        numeric=[4],
    )
    last = FIRST + len(lines) - 1
    for i, ln in enumerate(lines):
        row = FIRST + i
        s.text(row, 0, ln.chapter)
        s.text(row, 1, ln.item)
        s.text(row, 2, ln.recipient)
        s.text(row, 3, payers[ln.payer])
        s.number(row, 4, ln.amount)
        s.text(row, 5, ln.allocated_in or "–")
        s.text(row, 6, groups[ln.group])
        s.text(row, 7, ln.parameter)
    payer_rng = range_ref(FIRST, last, 3, absolute=True)
    group_rng = range_ref(FIRST, last, 6, absolute=True)
    amount_rng = range_ref(FIRST, last, 4, absolute=True)
    row = last
    payer_rows = []
    for name in payers.values():
        row += 1
        value = sum(ln.amount for ln in lines if payers[ln.payer] == name)
        s.text(row, 1, f"Totalt – {name}s andel av överenskommelsen", s.f.total_label)
        s.formula(row, 4, f'=SUMIF({payer_rng},{_criterion(name)},{amount_rng})', value, s.f.total_amount)
        payer_rows.append(row)
    row += 1
    s.text(row, 1, "Totalt", s.f.total_label)
    s.formula(row, 4, "=" + "+".join(ref(r, 4) for r in payer_rows) if payer_rows else "=0",
              sum(ln.amount for ln in lines), s.f.total_amount)
    for payer in payers.values():
        used = [g for g in groups.values() if any(payers[ln.payer] == payer and groups[ln.group] == g for ln in lines)]
        if len(used) < 2:
            continue
        row += 2
        s.text(row, 1, f"{payer}s medel per mottagargrupp", s.f.label)
        for group in used:
            row += 1
            value = sum(ln.amount for ln in lines if payers[ln.payer] == payer and groups[ln.group] == group)
            s.text(row, 1, f"{payer} till {group}")
            s.formula(
                row, 4,
                f"=SUMIFS({amount_rng},{payer_rng},{_criterion(payer)},{group_rng},{_criterion(group)})",
                value,
            )
    s.ws.freeze_panes(FIRST, 0)


def _criterion(text: str) -> str:
    """A ``SUMIF`` criterion matching exactly ``text``: a string literal, ``=`` first, wildcards escaped."""
    escaped = text.replace("~", "~~").replace("*", "~*").replace("?", "~?").replace('"', '""')
    return f'"={escaped}"'
