"""The reconciliation (``check.reconcile``) as text for the terminal and as JSON.

Nothing is computed here. Every table label, column heading and title comes from the
agreement's definition through the ``Reconciliation``; the text is wrapped to the terminal's
width without cutting any label.
"""

from __future__ import annotations

import json
import re
import textwrap
from fractions import Fraction
from typing import Any

from .check import Reconciliation, TotalCheck, decimal_text, signed_kr
from .render import kr

__all__ = ["CHECK_CSV_FIELDS", "check_csv", "check_json", "check_text"]

#: The width used when none is given (and the narrowest the text is wrapped to).
WIDTH = 80
_MIN_WIDTH = 60
_NBSP = "\u00a0"
# A space inside a number ("1 516 511") or between a number and its unit ("+1 kr") never breaks.
_GLUE = re.compile(r"(?<=\d) (?=\d{3}(?!\d))|(?<=\d) (?=kr\b)")


def _wrap(text: str, width: int, first: str = "", rest: str | None = None) -> list[str]:
    """``text`` wrapped to ``width`` columns, ``first`` before the first line, ``rest`` before the others."""
    glued = _GLUE.sub(_NBSP, text)
    lines = textwrap.wrap(glued, width=width, initial_indent=first,
                          subsequent_indent=first if rest is None else rest,
                          break_long_words=False, break_on_hyphens=False)
    return [line.replace(_NBSP, " ") for line in lines] or [first.rstrip()]


def _field(name: str, value: str, width: int) -> list[str]:
    """``  name:  value`` with the values aligned, wrapped under the value."""
    head = f"  {name + ':':<22} "
    return _wrap(value, width, head, " " * len(head))


def _title(rec: Reconciliation) -> str:
    return rec.agreement.title if rec.agreement is not None else "the agreement"


def check_text(rec: Reconciliation, width: int = WIDTH) -> str:
    """The reconciliation as plain text for a terminal ``width`` columns wide."""
    width = max(width, _MIN_WIDTH)
    out: list[str] = []
    for note in rec.notes:
        out += _wrap(note, width, "NOTE: ", "      ")
    n = len(rec.cells)
    out += _wrap(f"Reconciliation with the official tables of {_title(rec)}", width)
    if not rec.is_baseline and rec.title:
        out += _field("computed", rec.title, width)
    by_table = ", ".join(f"{table}: {count}" for table, count in rec.cells_by_table.items())
    out += _field("cells compared", f"{n} ({by_table})" if by_table else "0 (no official table)", width)
    if rec.not_printed:
        out += _field("not printed", f"{len(rec.not_printed)} (listed below; not compared)", width)
    if n and rec.has_adjustments:
        out += _field("exact by rule", f"{rec.exact} of {n}", width)
        out += _field("exact as signed", f"{rec.signed_exact} of {n}" if rec.signed_exact is not None
                      else "does not apply (not the agreement as signed)", width)
    elif n:
        out += _field("exact", f"{rec.exact} of {n}", width)
    if n:
        out += _field(f"within {rec.tolerance} kr", f"{rec.within_tolerance} of {n}", width)
        worst = rec.worst
        worst_label = "worst by rule" if rec.has_adjustments else "worst deviation"
        out += _field(worst_label, (f"{signed_kr(worst.deviation)} ({rec.cell_label(worst.bilaga, worst.column)}"
                                    f", {worst.code} {worst.name})") if worst else "0 kr", width)
    sums_ok = all(s == b for s, b in rec.column_sums.values())
    out += _field("column sums = budget", "yes, every column to the krona" if sums_ok else "NO", width)
    for col, (s, b) in rec.column_sums.items():
        if s != b:
            out += _wrap(f"{rec.column_label(col)} ({col}): sum {kr(s)} ≠ budget {kr(b)} "
                         f"({signed_kr(s - b)})", width, "    ", "      ")
    out += _signed(rec, width)
    if rec.deviating:
        out += ["", "Deviating cells (by rule)" if rec.has_adjustments else "Deviating cells"]
        for c in rec.deviating:
            out += _wrap(f"{rec.cell_label(c.bilaga, c.column)}, {c.code} {c.name}:", width, "  ", "    ")
            out += _wrap(f"official {kr(c.official)} kr, computed {kr(c.computed)} kr ({signed_kr(c.deviation)})",
                         width, "    ", "      ")
            out += _wrap(f"exact share {c.exact} = {decimal_text(c.exact)} kr", width, "    ", "      ")
            out += _wrap(f"reason: {c.reason}", width, "    ", "      ")
    out += _not_printed(rec, width)
    if rec.cells:
        out += ["", *_rules(rec, width)]
    out += ["", *_totals(rec, width)]
    if rec.input_mismatches:
        out += ["", "Input data differing from the official tables:"]
        for m in rec.input_mismatches:
            out += _wrap(m, width, "  ", "    ")
    out.append("")
    if rec.nothing_compared:
        out += _wrap(f"Result: NOTHING COMPARED: {rec.nothing_compared}, so nothing was reconciled", width)
        return "\n".join(out) + "\n"
    out += _wrap(f"Result: {'OK' if rec.ok else 'DEVIATIONS'} (tolerance {rec.tolerance} kr per cell, "
                 "column sums exact)", width)
    return "\n".join(out) + "\n"


def _not_printed(rec: Reconciliation, width: int) -> list[str]:
    """The cells the official tables do not print (issue 17 §2), per table and column: the
    recipients without a row, then those whose cell is empty."""
    if not rec.not_printed:
        return []
    out = ["", "Not printed in the official tables (not compared)"]
    groups: dict[tuple[str, str, str], list[str]] = {}
    for c in rec.not_printed:
        groups.setdefault((c.bilaga, c.column, c.why), []).append(f"{c.code} {c.name}".strip())
    for (bilaga, column, why), who in groups.items():
        what = "no row" if why == "row" else "empty cell"
        out += _wrap(f"{rec.cell_label(bilaga, column)} ({what}): {', '.join(who)}", width, "  ", "    ")
    return out


def _signed(rec: Reconciliation, width: int) -> list[str]:
    """The cells the signed tables adjust by hand, with the rule's figure, the adjustment and the
    signed figure; or, in a what-if, that the adjustment does not apply."""
    from .signed import minus

    if rec.signed_note:
        return ["", *_wrap(f"As signed: {rec.signed_note}.", width, "", "  ")]
    if not rec.adjusted:
        return []
    out = ["", "Adjusted by hand in the signed tables (the agreement as signed)"]
    for c in rec.adjusted:
        out += _wrap(f"{rec.cell_label(c.bilaga, c.column)}, {c.code} {c.name}:", width, "  ", "    ")
        match = "= official" if c.signed == c.official else f"official {kr(c.official)} kr"
        out += _wrap(f"rule {kr(c.rule)} kr, adjustment {minus(c.kronor)} kr, signed {kr(c.signed)} kr ({match})",
                     width, "    ", "      ")
    sources = dict.fromkeys(a.source for a in rec.agreement.rules.adjustments) if rec.agreement else {}
    for source in sources:
        out += _wrap(f"source: {source}", width, "  ", "    ")
    return out


def _rules(rec: Reconciliation, width: int) -> list[str]:
    """The rounding rules compared: a legend (A, B, …) and one row per column with official cells."""
    out = ["Rounding rules compared (official cells reproduced exactly)"]
    letters = [chr(ord("A") + i) for i in range(len(rec.rules))]
    for letter, r in zip(letters, rec.rules, strict=True):
        out += _wrap(f"{r.rule}: {r.description}", width, f"  {letter}  ", "     ")
    columns = rec.compared_columns
    cells = {col: sum(c.column == col for c in rec.cells) for col in columns}
    numbers = 7 * (len(rec.rules) + 1)
    label_width = max(10, min(max(len(rec.column_title(c)) for c in columns), width - 2 - numbers))
    out.append("")
    out.append(f"  {'column':<{label_width}}" + f"{'cells':>7}" + "".join(f"{x:>7}" for x in letters))
    for col in columns:
        label = textwrap.wrap(rec.column_title(col), label_width, break_long_words=False) or [col]
        out.append(f"  {label[0]:<{label_width}}" + f"{cells[col]:>7}"
                   + "".join(f"{r.exact_by_column.get(col, 0):>7}" for r in rec.rules))
        out += [f"  {more}" for more in label[1:]]
    out.append(f"  {'total':<{label_width}}" + f"{len(rec.cells):>7}" + "".join(f"{r.exact:>7}" for r in rec.rules))
    best = max(r.exact for r in rec.rules)
    if best < len(rec.cells):
        out += _wrap(f"No rule compared reproduces all {len(rec.cells)} cells (best: {best}).", width, "  ")
    return out


def _totals(rec: Reconciliation, width: int) -> list[str]:
    """The stated totals, grouped by the section that states them, each with its amount."""
    if not rec.totals:
        return _wrap(f"Totals stated by {_title(rec)}: none published with the definition", width)
    bad = [t for t in rec.totals if not t.ok]
    out = _wrap(f"Totals stated by {_title(rec)}: {len(rec.totals) - len(bad)} of {len(rec.totals)} "
                "follow from the items", width)
    amount_width = max(len(kr(t.stated)) for t in rec.totals)
    sections: dict[str, list[TotalCheck]] = {}
    for t in rec.totals:
        sections.setdefault(t.section, []).append(t)
    mark_width = len("MISMATCH")
    indent = " " * (4 + mark_width + 2 + amount_width + 2)
    for section, checks in sections.items():
        out += _wrap(section, width, "  ", "    ")
        for t in checks:
            mark = "ok" if t.ok else "MISMATCH"
            head = f"    {mark:<{mark_width}}  {kr(t.stated):>{amount_width}}  "
            out += _wrap(t.statement, width, head, indent)
            if t.problem:
                out += _wrap(t.problem, width, indent)
            elif not t.ok:
                out += _wrap(f"derived {kr(t.derived)} kr, stated {signed_kr(t.stated - t.derived)} from it",
                             width, indent)
    return out


def _fraction_json(value: Fraction | int) -> str:
    return str(Fraction(value))


def check_json(rec: Reconciliation) -> str:
    """The reconciliation as JSON: summary, every cell, the audit of stated totals, the rule scores."""
    worst = rec.worst
    ag = rec.agreement
    code = _code_field(rec)
    doc: dict[str, Any] = {
        "agreement": {"name": ag.name if ag else "", "title": ag.title if ag else ""},
        "title": rec.title,
        "ok": rec.ok,
        **({"nothing_compared": rec.nothing_compared} if rec.nothing_compared else {}),
        "is_baseline": rec.is_baseline,
        "notes": list(rec.notes),
        "tolerance_kr": rec.tolerance,
        "summary": {
            "cells": len(rec.cells),
            "cells_by_table": rec.cells_by_table,
            "exact": rec.exact,
            "within_tolerance": rec.within_tolerance,
            "worst_deviation_kr": worst.deviation if worst else 0,
            "exact_by_rule": rec.exact,
            "exact_as_signed": rec.signed_exact,
            "not_printed": len(rec.not_printed),
        },
        "as_signed": rec.signed_exact is not None,
        "adjusted_cells": [
            {"bilaga": c.bilaga, "column": c.column, code: c.code, "name": c.name, "rule": c.rule,
             "kronor": c.kronor, "signed": c.signed, "official": c.official}
            for c in rec.adjusted
        ],
        **({"adjustments_not_applied": rec.signed_note} if rec.signed_note else {}),
        "cells": [
            {
                "bilaga": c.bilaga, "column": c.column, "label": rec.column_label(c.column), code: c.code,
                "name": c.name, "official": c.official, "computed": c.computed, "deviation": c.deviation,
                "exact_share": _fraction_json(c.exact), "reason": c.reason,
            }
            for c in rec.cells
        ],
        "not_printed": [
            {"bilaga": c.bilaga, "column": c.column, code: c.code, "name": c.name,
             "why": "no row" if c.why == "row" else "empty cell"}
            for c in rec.not_printed
        ],
        "column_sums": {k: {"sum": s, "budget": b} for k, (s, b) in rec.column_sums.items()},
        "stated_totals": [
            {"id": t.id, "section": t.section, "statement": t.statement, "stated": t.stated,
             "derived": t.derived, "ok": t.ok, **({"problem": t.problem} if t.problem else {})}
            for t in rec.totals
        ],
        "input_mismatches": list(rec.input_mismatches),
        "rounding_rules": [
            {"rule": r.rule, "description": r.description, "exact": r.exact, "by_column": r.exact_by_column}
            for r in rec.rules
        ],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def _code_field(rec: Reconciliation) -> str:
    """The name of the recipient's code in JSON and CSV: the definition's code column (``lan_code``,
    ``kommun_code``: issue 17 §3)."""
    return rec.agreement.rules.recipient_column("code") if rec.agreement is not None else "lan_code"


#: The columns of ``check --format csv`` (``lan_code`` is the definition's code column: ``_code_field``).
CHECK_CSV_FIELDS = ("table", "column", "label", "lan_code", "name", "official", "computed", "deviation", "exact",
                    "reason")


def check_csv(rec: Reconciliation, sep: str = ",") -> str:
    """Every official cell compared, one row each (``csvout``): the table, the column and its label,
    the recipient, the official and the computed kronor, the deviation (computed − official), the
    exact amount before rounding (4 decimals, half to even; a decimal comma with ``sep`` ``;``)
    and why a deviating cell differs; then the cells the official tables do not print (issue 17
    §2), their figures empty and the reason "not printed: …". The summary, the stated totals and
    the rule scores are in the table and JSON formats."""
    from .csvout import Value, table
    from .display import rounded

    rows: list[list[Value]] = [
        [c.bilaga, c.column, str(rec.column_label(c.column)), c.code, c.name, c.official, c.computed,
         c.deviation, rounded(c.exact, 4), c.reason] for c in rec.cells]
    rows += [[c.bilaga, c.column, str(rec.column_label(c.column)), c.code, c.name, None, None, None, None,
              "not printed: " + ("no row in the official table" if c.why == "row" else "an empty cell")]
             for c in rec.not_printed]
    return table(tuple(_code_field(rec) if f == "lan_code" else f for f in CHECK_CSV_FIELDS), rows, sep)

