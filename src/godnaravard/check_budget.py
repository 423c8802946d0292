"""The audit of the totals an agreement states: its text's totals and every row of its budget
tables, each against the same total derived from the definition's items (part of ``check``).

- A total the text states (``reference.stated_totals``) is derived by the rule the definition
  names for it (``core.budget.derived_totals``).
- A row of the budget table per chapter adds up the budget items of its chapter (``_audit_by_chapter``);
  a row of the table per recipient is its budget item, and a subtotal row adds up the rows it
  names (``_audit_by_recipient``).

Every check is a ``TotalCheck``; ``check.reconcile`` puts them in its ``Reconciliation``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, TypedDict

from .core.budget import BudgetLine, derived_totals
from .frozen import frozen
from .reference import budget_tables, stated_totals

if TYPE_CHECKING:
    from .agreements import Agreement
    from .core import Result

__all__ = ["TotalCheck", "audit_totals"]


#: Why a total cannot be derived (``TotalCheck.issue``), in English.
_ISSUES = {
    "no_rule": "the agreement's definition has no rule for this total",
    "no_item": "no budget item of the definition belongs to this row",
    "no_further_item": "no further budget item of the definition has this recipient",
    "unreadable_rows": "cannot read the number of rows in {note!r}",
}


@frozen
class TotalCheck:
    """A total stated by the agreement against the same total derived from its items.

    ``table`` is empty for a total the text states (``reference.stated_totals``), else the
    budget table the row is printed in (``"by_chapter"``, ``"by_recipient"``), with the row's
    place in it (``row``, 1-based), and as printed its ``chapter``, ``item``, ``recipient`` and
    ``note``; a subtotal row adds up the ``subtotal_of`` rows that follow it.

    ``issue`` is set when the total cannot be derived at all (``"no_rule"``: a stated total the
    definition has no rule for; ``"no_item"``, ``"no_further_item"``: a budget row no item
    matches; ``"unreadable_rows"``: a subtotal whose number of rows cannot be read); such a
    total never passes.
    """

    id: str
    section: str
    statement: str
    stated: int
    derived: int
    issue: str = ""
    table: str = ""
    row: int = 0
    chapter: str = ""
    item: str = ""
    recipient: str = ""
    note: str = ""
    subtotal_of: int = 0

    @property
    def problem(self) -> str:
        """Why the total cannot be derived, in English ("" when it can)."""
        return _ISSUES[self.issue].format(note=self.note) if self.issue else ""

    @property
    def ok(self) -> bool:
        """True when the stated total follows from the items."""
        return not self.issue and self.stated == self.derived



class _Printed(TypedDict, total=False):
    """Where a row is printed in a budget table (the optional fields of ``TotalCheck``)."""

    table: str
    row: int
    chapter: str
    item: str
    recipient: str
    note: str


_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
            "nine": 9, "ten": 10}
_SUBTOTAL = re.compile(r"^subtotal of the next (\w+) rows?\b", re.IGNORECASE)


def _in_chapter(line: BudgetLine, chapter: str) -> bool:
    return line.chapter == chapter or line.chapter.startswith(chapter + ".")


def _chapter_lines(row: Mapping[str, str], lines: tuple[BudgetLine, ...]) -> tuple[BudgetLine, ...] | None:
    """The budget items a row of the per-chapter table adds up.

    A chapter ("4") adds up its items and those of its sub-chapters ("4.1"). A sub-chapter that
    no item names ("7.1", "7.2") is the part of its parent chapter paid by one payer: the items
    of the parent chapter whose ``payer`` the row names in its text or note ("7.1 Regionernas
    medel": payer regionerna; "7.2 Statens medel": payer staten). None when no item matches.
    """
    chapter = row["chapter"].strip()
    own = tuple(ln for ln in lines if _in_chapter(ln, chapter))
    if own or "." not in chapter:
        return own or None
    parent = chapter.rsplit(".", 1)[0]
    text = f"{row.get('item', '')} {row.get('note', '')}".casefold()
    payers = {ln.payer for ln in lines if _in_chapter(ln, parent) and ln.payer.casefold() in text}
    if len(payers) != 1:
        return None
    return tuple(ln for ln in lines if _in_chapter(ln, parent) and ln.payer in payers)


def _audit_by_chapter(rows: list[dict[str, str]], lines: tuple[BudgetLine, ...], section: str) -> list[TotalCheck]:
    """Every chapter row of the budget table against the sum of that chapter's budget items.

    Rows without a chapter are the table's total rows, audited through the stated totals.
    """
    checks = []
    for n, row in enumerate(rows, start=1):
        chapter = row["chapter"].strip()
        if not chapter:
            continue
        matched = _chapter_lines(row, lines)
        statement = f"{chapter} {row['item']}" if "." in chapter else f"{chapter}. {row['item']}"
        printed: _Printed = {"table": "by_chapter", "row": n, "chapter": chapter, "item": row["item"],
                   "note": row.get("note", "")}
        if matched is None:
            checks.append(TotalCheck(f"by_chapter_{chapter}", section, statement, int(row["amount_kr"]), 0,
                                     "no_item", **printed))
        else:
            checks.append(TotalCheck(f"by_chapter_{chapter}", section, statement, int(row["amount_kr"]),
                                     sum(ln.amount for ln in matched), **printed))
    return checks


def _audit_by_recipient(rows: list[dict[str, str]], lines: tuple[BudgetLine, ...], section: str) -> list[TotalCheck]:
    """Every recipient row of the budget table against its budget item, and every subtotal row.

    The table's item rows are matched in order with the definition's budget items (kept in the
    table's order): each row with the next item for the same recipient. A row whose note reads
    "subtotal of the next N rows" adds up the next N rows; a row whose note starts "total row"
    is audited through the stated totals.
    """
    checks: list[TotalCheck] = []
    derived: dict[int, int] = {}
    position = 0
    items = [(i, r) for i, r in enumerate(rows) if not _SUBTOTAL.match(r["note"]) and not
             r["note"].casefold().startswith("total row")]
    for n, (i, row) in enumerate(items, start=1):
        recipient = row["recipient"].strip()
        label = f"{row['item']} – {recipient}"
        printed: _Printed = {"table": "by_recipient", "row": i + 1, "item": row["item"], "recipient": recipient,
                             "note": row["note"]}
        found = next((j for j in range(position, len(lines)) if lines[j].recipient == recipient), None)
        if found is None:
            checks.append(TotalCheck(f"by_recipient_row{n}", section, label, int(row["amount_kr"]), 0,
                                     "no_further_item", **printed))
            continue
        position = found + 1
        derived[i] = lines[found].amount
        checks.append(TotalCheck(f"by_recipient_row{n}", section, label, int(row["amount_kr"]), derived[i], **printed))
    for i, row in enumerate(rows):
        match = _SUBTOTAL.match(row["note"])
        if not match:
            continue
        word = match.group(1).casefold()
        count = int(word) if word.isdigit() else _NUMBERS.get(word)
        statement = f"{row['item']} (subtotal)"
        where: _Printed = {"table": "by_recipient", "row": i + 1, "item": row["item"],
                           "recipient": row["recipient"].strip(), "note": row["note"]}
        if count is None:
            checks.append(TotalCheck(f"by_recipient_sub{i + 1}", section, statement, int(row["amount_kr"]), 0,
                                     "unreadable_rows", **where))
            continue
        following = range(i + 1, min(i + 1 + count, len(rows)))
        value = sum(derived.get(j, int(rows[j]["amount_kr"])) for j in following)
        checks.append(TotalCheck(f"by_recipient_sub{i + 1}", section, statement, int(row["amount_kr"]), value,
                                 subtotal_of=len(following), **where))
    return checks


def _audit_budget_tables(ag: Agreement, result: Result) -> list[TotalCheck]:
    """The rows of the agreement's budget tables (2 tables when published: per chapter, per recipient)."""
    tables = budget_tables(ag)
    title = ag.budget_title or "budget table"
    checks = []
    if "by_chapter" in tables:
        checks += _audit_by_chapter(tables["by_chapter"], result.budget, f"{title}, per chapter")
    if "by_recipient" in tables:
        checks += _audit_by_recipient(tables["by_recipient"], result.budget, f"{title}, per recipient")
    return checks


def audit_totals(ag: Agreement, result: Result, column_totals: Mapping[str, int]) -> list[TotalCheck]:
    """Every total the agreement's text states, then every row of its budget tables, checked."""
    derived = derived_totals(result.parameters, dict(column_totals))
    totals = [
        TotalCheck(i, section, statement, amount, derived[i]) if i in derived else
        TotalCheck(i, section, statement, amount, 0, "no_rule")
        for i, section, statement, amount in stated_totals(ag)
    ]
    return totals + _audit_budget_tables(ag, result)
