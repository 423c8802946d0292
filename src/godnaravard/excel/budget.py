"""The agreement's budget table (avsnitt 11 of God och nära vård), as its tables print it.

Shown only when the agreement has budget items. Two kinds of table, both live:

- per avsnitt, every payer's money (table 11.1): one row per avsnitt with its sum, a row per
  payer where an avsnitt has several, then each payer's share and the total;
- per payer, money per recipient (table 11.2 for the state's): per avsnitt a subtotal row over
  its items, the items themselves (each amount the parameter it comes from, ``=name``), then
  the total per recipient group and the payer's total.

Where the agreement states a total (``[totals]`` of the definition), the row carries its words
and, in the column Överenskommelsen, the stated figure; every other row shows the amount under
the agreement's own parameters. Sums are ``SUMPRODUCT`` formulas over the item rows (text
compared as text, the same in Excel and LibreOffice), so a change of a parameter moves them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ..core.budget import BudgetLine
from .cells import Sheet, formula_text, range_ref, ref
from .context import Context, display_name
from .model import Model

__all__ = ["write_budget"]

#: The sheet's columns.
HEADINGS = ("Avsnitt", "Insats", "Mottagare", "Betalas av", "Mottagargrupp", "Belopp (kronor)",
            "Överenskommelsen (kronor)", "Skillnad (kronor)", "Fördelas i")
_CHAPTER, _ITEM, _RECIPIENT, _PAYER, _GROUP, _AMOUNT, _AGREED, _DIFF, _WHERE = range(len(HEADINGS))


@dataclass
class _Row:
    """A row to write: its texts, its amount as a formula and value, the agreement's figure."""

    texts: dict[int, str]
    formula: str
    value: int
    agreed: int
    kind: str = "item"  # item | sum | total
    filter: dict[str, str] = field(default_factory=dict)
    all_items: bool = False


def _chapter_titles(ctx: Context, lines: Sequence[BudgetLine]) -> dict[str, str]:
    """Each avsnitt's title: as the agreement's printed table has it, else its items' common name."""
    printed = {t.chapter: t.item for t in ctx.reconciliation.budget_rows if t.table == "by_chapter" and t.chapter}
    titles = {}
    for ln in lines:
        if ln.chapter in titles:
            continue
        items = [x.item for x in lines if x.chapter == ln.chapter]
        common = items[0] if len(set(items)) == 1 else ""
        if not common:
            prefix = items[0].split(" (")[0]
            common = prefix if all(i.startswith(prefix) for i in items) else ""
        titles[ln.chapter] = printed.get(ln.chapter) or common or f"Avsnitt {ln.chapter}"
    return titles


def _stated(ctx: Context, rows: Sequence[_Row]) -> dict[int, tuple[str, int]]:
    """The stated totals the total rows of one table stand for: by row, the statement and the figure.

    A stated total matches a row when it adds up the same items (the same filter, or all);
    where several sections state it, the section that matches most rows of the table is taken.
    """
    rules = ctx.agreement.rules
    stated = {t.id: t for t in ctx.reconciliation.stated}
    candidates: dict[int, list[str]] = {}
    for i, r in enumerate(rows):
        if r.kind != "total":
            continue
        for t in rules.stated_totals:
            if t.id in stated and not t.parameters and not t.columns and \
                    (t.all_items if r.all_items else (not t.all_items and dict(t.items) == r.filter)):
                candidates.setdefault(i, []).append(t.id)
    sections: dict[str, int] = {}
    for ids in candidates.values():
        for sec in {stated[x].section for x in ids}:
            sections[sec] = sections.get(sec, 0) + 1
    out = {}
    for i, ids in candidates.items():
        best = max(ids, key=lambda x: (sections[stated[x].section], -ids.index(x)))
        out[i] = (stated[best].statement, stated[best].stated)
    return out


def write_budget(s: Sheet, ctx: Context, m: Model) -> None:
    """Avsnitt 11: the tables per avsnitt and per payer, with subtotals and the stated totals."""
    ag = ctx.agreement
    lines = ctx.result.budget
    recipients = {ln.recipient: ln.recipient for ln in lines}
    payers = {p: display_name(p, recipients) for p in dict.fromkeys(ln.payer for ln in lines)}
    groups = {g: display_name(g, recipients) for g in dict.fromkeys(ln.group for ln in lines)}
    titles = _chapter_titles(ctx, lines)
    chapters = list(dict.fromkeys(ln.chapter for ln in lines))
    s.title(
        ctx.title(ag.budget_title or "Budget"),
        ctx.note(f"Betalas av: {', '.join(payers.values())}. Varje post är sin parameter på bladet Parametrar; "
                 "summorna är formler. Kolumnen Överenskommelsen visar överenskommelsens egna belopp, och den "
                 "angivna summan där överenskommelsen anger en total."),
    )
    # Lay out the per-payer tables first (their item rows are what every sum adds up), then write
    # the per-avsnitt table above them.
    several = [len({x.payer for x in lines if x.chapter == c}) for c in chapters]
    n_a = len(chapters) + sum(k for k in several if k > 1) + len(payers) + 1
    top_a = 3
    top_b = top_a + 2 + n_a + 2
    payer_tables = _payer_tables(ctx, m, payers, groups, titles, top_b)
    # Every sum adds up the item rows (those with a recipient group) of each payer table, whose
    # total rows (themselves such sums) come last and lie outside the ranges.
    ranges = [{col: range_ref(start + 2, start + 1 + sum(r.kind != "total" for r in rows), col, absolute=True)
               for col in (_CHAPTER, _PAYER, _GROUP, _AMOUNT)} for _, start, rows in payer_tables]
    rows_a = _chapter_rows(ctx, payers, titles, ranges)
    _table(s, ctx, top_a, "Medelstilldelning per avsnitt: alla medel", rows_a)
    for payer_name, start, rows in payer_tables:
        for r in rows:
            if r.kind == "total" and not r.formula:
                where = {_PAYER: payer_name}
                if "group" in r.filter:
                    where[_GROUP] = groups[r.filter["group"]]
                r.formula = _sumproduct(ranges, where)
        _table(s, ctx, start, f"{payer_name}s medel per mottagare", rows)
    for col, width in enumerate((8, 40, 20, 10, 10, 14, 14, 11, 14)):
        s.width(col, width)


def _sumproduct(ranges: list[dict[int, str]], where: Mapping[int, str]) -> str:
    """A formula adding the item rows of every payer table whose columns match ``where``."""
    terms = []
    for rng in ranges:
        conds = "".join(f"({rng[c]}={formula_text(v)})*" for c, v in where.items())
        terms.append(f'SUMPRODUCT({conds}({rng[_GROUP]}<>""),{rng[_AMOUNT]})')
    return "=" + "+".join(terms)


def _payer_tables(
    ctx: Context, m: Model, payers: dict[str, str], groups: dict[str, str], titles: Mapping[str, str], row: int
) -> list[tuple[str, int, list[_Row]]]:
    """The per-payer tables (avsnitt 11, one per payer) from ``row`` down: each payer's name, top row
    and rows (subtotals per avsnitt, the items, totals per recipient group and for the payer)."""
    lines = ctx.result.budget
    agreed = ctx.agreement.parameters
    payer_tables: list[tuple[str, int, list[_Row]]] = []
    for payer, payer_name in payers.items():
        own = [ln for ln in lines if ln.payer == payer]
        rows: list[_Row] = []
        first_data = row + 2
        for chapter in dict.fromkeys(ln.chapter for ln in own):
            items = [ln for ln in own if ln.chapter == chapter]
            if len(items) > 1:
                start = first_data + len(rows)
                who = ", ".join(dict.fromkeys(ln.recipient for ln in items))
                rows.append(_Row({_CHAPTER: chapter, _ITEM: titles[chapter], _RECIPIENT: f"Delsumma: {who}"},
                                 f"=SUM({range_ref(start + 1, start + len(items), _AMOUNT)})",
                                 sum(ln.amount for ln in items), sum(agreed.amount(ln.parameter) for ln in items),
                                 "sum"))
            for ln in items:
                rows.append(_Row({_CHAPTER: chapter, _ITEM: ln.item, _RECIPIENT: ln.recipient, _PAYER: payer_name,
                                  _GROUP: groups[ln.group], _WHERE: ln.allocated_in or "–"},
                                 f"={m.name(ln.parameter)}", ln.amount, agreed.amount(ln.parameter)))
        used = [g for g in groups if any(ln.group == g for ln in own)]
        for g in used if len(used) > 1 else []:
            rows.append(_Row({_ITEM: f"Totalt – {payer_name} till {groups[g]}"}, "", sum(
                ln.amount for ln in own if ln.group == g), sum(agreed.amount(ln.parameter) for ln in own
                                                                if ln.group == g),
                "total", {"payer": payer, "group": g}))
        rows.append(_Row({_ITEM: f"Totalt – {payer_name}s medel"}, "", sum(ln.amount for ln in own),
                         sum(agreed.amount(ln.parameter) for ln in own), "total", {"payer": payer}))
        payer_tables.append((payer_name, row, rows))
        row = first_data + len(rows) + 2
    return payer_tables


def _chapter_rows(
    ctx: Context, payers: dict[str, str], titles: Mapping[str, str], ranges: list[dict[int, str]]
) -> list[_Row]:
    """Table 11.1, per avsnitt for all payers: one row per avsnitt (and per payer where several pay),
    each payer's total and the grand total, every amount a sum over the payer tables' items."""
    lines = ctx.result.budget
    agreed = ctx.agreement.parameters
    rows_a: list[_Row] = []
    for chapter in dict.fromkeys(ln.chapter for ln in lines):
        items = [ln for ln in lines if ln.chapter == chapter]
        rows_a.append(_Row({_CHAPTER: chapter, _ITEM: titles[chapter],
                            _PAYER: ", ".join(dict.fromkeys(payers[ln.payer] for ln in items))},
                           _sumproduct(ranges, {_CHAPTER: chapter}), sum(ln.amount for ln in items),
                           sum(agreed.amount(ln.parameter) for ln in items), "sum"))
        chapter_payers = list(dict.fromkeys(ln.payer for ln in items))
        if len(chapter_payers) > 1:
            for p in chapter_payers:
                own = [ln for ln in items if ln.payer == p]
                rows_a.append(_Row({_ITEM: f"därav {payers[p].lower()}s medel", _PAYER: payers[p]},
                                   _sumproduct(ranges, {_CHAPTER: chapter, _PAYER: payers[p]}),
                                   sum(ln.amount for ln in own), sum(agreed.amount(ln.parameter) for ln in own)))
    for p, name in payers.items():
        own = [ln for ln in lines if ln.payer == p]
        rows_a.append(_Row({_ITEM: f"Totalt – {name}s andel av överenskommelsen"}, _sumproduct(ranges, {_PAYER: name}),
                           sum(ln.amount for ln in own), sum(agreed.amount(ln.parameter) for ln in own), "total",
                           {"payer": p}))
    rows_a.append(_Row({_ITEM: "Totalt"}, _sumproduct(ranges, {}), sum(ln.amount for ln in lines),
                       sum(agreed.amount(ln.parameter) for ln in lines), "total", all_items=True))
    return rows_a


def _table(s: Sheet, ctx: Context, top: int, label: str, rows: list[_Row]) -> None:
    """One table: a label, the headings, then the rows, totals in bold with their stated words and figure."""
    s.text(top, 0, label, s.f.label, grow=False)
    s.header(top + 1, list(HEADINGS), numeric=[_AMOUNT, _AGREED, _DIFF])
    stated = _stated(ctx, rows)
    for i, r in enumerate(rows):
        row = top + 2 + i
        bold = r.kind != "item"
        texts = dict(r.texts)
        agreed = r.agreed
        if i in stated:
            texts[_ITEM], agreed = stated[i]
        for col in range(len(HEADINGS)):
            if col in (_AMOUNT, _AGREED, _DIFF):
                continue
            text = texts.get(col, "")
            if text or bold:
                fmt = (s.f.total_label if r.kind == "total" else s.f.label) if bold else s.f.wrap
                if bold and col in (_ITEM, _RECIPIENT):
                    fmt = s.f.total_wrap if r.kind == "total" else s.f.label_wrap
                s.text(row, col, text, fmt, grow=False)
        amount_fmt = s.f.total_amount if r.kind == "total" else None
        s.formula(row, _AMOUNT, r.formula, r.value, amount_fmt)
        s.number(row, _AGREED, agreed, amount_fmt)
        s.formula(row, _DIFF, f"={ref(row, _AMOUNT)}-{ref(row, _AGREED)}", r.value - agreed,
                  s.f.total_amount if r.kind == "total" else s.f.count)
    end = top + 1 + len(rows)
    s.ws.conditional_format(top + 2, _DIFF, end, _DIFF, {"type": "cell", "criteria": "!=", "value": 0,
                                                        "format": s.f.bad_amount})
    # Every table has the same headings, repeated on each printed page: a table may run on to the next
    # page, but never from its label and headings alone.
    s.block(top, min(top + 3, end))
    s.repeat = (s.repeat[0] if s.repeat else top + 1, end)
