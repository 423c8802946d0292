"""Turning results into text: CSV, JSON and terminal tables. No computation happens here.

``rich`` is imported only for terminal tables, so ``allocate --format csv`` stays light.
"""

from __future__ import annotations

import csv
import io
import json
from fractions import Fraction
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .api import Allocation
    from .check import Reconciliation

__all__ = ["console", "kr", "allocation_csv", "allocation_json", "allocation_table", "check_text", "check_json"]


def kr(value: int) -> str:
    """Whole kronor with spaces as thousands separators, as in the agreement: ``2 420 000 000``."""
    return f"{value:,}".replace(",", " ")


def console() -> Any:
    """A rich console; when output is not a terminal (a pipe, a file), wide enough for every table."""
    from rich.console import Console

    c = Console()
    return c if c.is_terminal else Console(width=200)


def _fraction_json(value: Fraction | int) -> str:
    return str(Fraction(value))


def allocation_csv(alloc: Allocation) -> str:
    """One row per recipient, the agreement's output columns, integer kronor, no total row."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    columns = alloc.columns
    writer.writerow(columns)
    for row in alloc.rows:
        writer.writerow([row[c] for c in columns])
    return buf.getvalue()


def scenario_title(alloc: Allocation) -> str:
    """The title every output carries: the agreement, and for a what-if the scenario and its changes.

    The agreement as signed is titled by its own name alone; anything else says that it is a
    scenario, what it changes, and which of its input files replace the agreement's data.
    """
    sc = alloc.scenario
    ag = sc.agreement
    if sc.is_baseline:
        return ag.title
    title = f"{ag.title} – scenario {sc.name}" if sc.name != ag.title else f"{ag.title} – scenario"
    changes = [f"{k}={v}" for k, (_, v) in sc.changes().items()]
    changes += [f"egen fil {name}: {path}" for name, path in sc.own_files().items()]
    if changes:
        title += " (" + ", ".join(changes) + ")"
    return title


def allocation_json(alloc: Allocation) -> str:
    """Rows, totals, parameters (exact, with sources) and the balancing kronor of every part."""
    sc = alloc.scenario
    res = alloc.result
    ag = sc.agreement
    doc: dict[str, Any] = {
        "agreement": {"name": ag.name, "title": ag.title, "path": str(ag.path)},
        "scenario": {
            "name": sc.name,
            "origin": sc.origin,
            "as_signed": sc.is_baseline,
            "changes": {k: [_fraction_json(a), _fraction_json(b)] for k, (a, b) in sc.changes().items()},
            "own_files": {k: str(v) for k, v in sc.own_files().items()},
        },
        "data": {
            d.name: {"file": str(sc.own_files().get(d.name, d.path)), "date": d.date.isoformat(),
                     "own": d.name in sc.own_files()}
            for d in ag.data.values()
        },
        "parameters": {
            k: {"value": v if isinstance(v, int) else _fraction_json(v), "source": sc.sources.get(k, "")}
            for k, v in sc.parameters.as_dict().items()
        },
        "rows": alloc.to_records(),
        "totals": alloc.totals(),
        "balancing_kronor": {
            name: {part: list(codes) for part, codes in col.balancing().items()}
            for name, col in res.columns.items()
        },
        "rounding_rule": next(iter(next(iter(res.columns.values())).parts.values())).rule,
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def allocation_table(alloc: Allocation) -> Any:
    """A rich table of the agreement's overview columns per recipient, with a total row."""
    from rich.table import Table

    ag = alloc.agreement
    spec = ag.table("overview")
    table = Table(title=scenario_title(alloc), show_footer=True, header_style="bold", footer_style="bold")
    totals = alloc.totals()
    first = True
    for name in spec.columns:
        col = ag.rules.column(name)
        numeric = col.kind in ("count", "line", "part", "sum")
        footer = kr(totals[name]) if numeric else ("Totalt" if first else "")
        first = False
        table.add_column(_heading(col.short or col.label), justify="right" if numeric else "left", footer=footer,
                         no_wrap=True)
    for row in alloc.rows:
        table.add_row(*[kr(v) if isinstance(v := row[name], int) else str(v) for name in spec.columns])
    return table


def _heading(label: str) -> str:
    """A column heading on two lines, broken before a parenthesis or after the first word of a date."""
    if " (" in label:
        head, _, tail = label.partition(" (")
        return f"{head}\n({tail}"
    words = label.split(" ", 1)
    return "\n".join(words) if len(words) == 2 else label


def check_json(rec: Reconciliation) -> str:
    """The reconciliation as JSON: summary, every cell, the audit of stated totals, the rule scores."""
    worst = rec.worst
    doc = {
        "ok": rec.ok,
        "is_baseline": rec.is_baseline,
        "notes": list(rec.notes),
        "tolerance_kr": rec.tolerance,
        "summary": {
            "cells": len(rec.cells),
            "exact": rec.exact,
            "within_tolerance": rec.within_tolerance,
            "worst_deviation_kr": worst.deviation if worst else 0,
        },
        "cells": [
            {
                "bilaga": c.bilaga, "column": c.column, "lan_code": c.lan_code, "name": c.name,
                "official": c.official, "computed": c.computed, "deviation": c.deviation,
                "exact_share": _fraction_json(c.exact), "reason": c.reason,
            }
            for c in rec.cells
        ],
        "column_sums": {k: {"sum": s, "budget": b} for k, (s, b) in rec.column_sums.items()},
        "stated_totals": [
            {"id": t.id, "section": t.section, "statement": t.statement, "stated": t.stated,
             "derived": t.derived, "ok": t.ok}
            for t in rec.totals
        ],
        "input_mismatches": list(rec.input_mismatches),
        "rounding_rules": [
            {"rule": r.rule, "description": r.description, "exact": r.exact, "by_column": r.exact_by_column}
            for r in rec.rules
        ],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def check_text(rec: Reconciliation) -> str:
    """The reconciliation as plain text for the terminal."""
    out = []
    for note in rec.notes:
        out.append(f"NOTE: {note}")
    worst = rec.worst
    n = len(rec.cells)
    out.append("Reconciliation against the official tables of God och nära vård 2024")
    out.append(f"  cells compared:        {n} (bilaga 2: 21, bilaga 3 nära vård + ambulans: 42, bilaga 4: 21)")
    out.append(f"  exact:                 {rec.exact} of {n}")
    out.append(f"  within {rec.tolerance} kr:           {rec.within_tolerance} of {n}")
    out.append(f"  worst deviation:       {worst.deviation:+d} kr ({worst.column}, {worst.lan_code} {worst.name})"
               if worst else "  worst deviation:       0 kr")
    sums_ok = all(s == b for s, b in rec.column_sums.values())
    out.append(f"  column sums = budget:  {'yes, every column to the krona' if sums_ok else 'NO'}")
    for col, (s, b) in rec.column_sums.items():
        if s != b:
            out.append(f"    {col}: sum {kr(s)} ≠ budget {kr(b)}")
    if rec.deviating:
        out.append("")
        out.append("Deviating cells")
        for c in rec.deviating:
            out.append(f"  {c.bilaga} {c.column} {c.lan_code} {c.name}: official {kr(c.official)}, "
                       f"computed {kr(c.computed)} ({c.deviation:+d} kr)")
            out.append(f"    exact share {c.exact} = {float(c.exact):,.4f} kr".replace(",", " "))
            out.append(f"    reason: {c.reason}")
    out.append("")
    out.append("Rounding rules compared (exact official cells per column)")
    cols = ["kommuner", "nara_vard", "ambulans", "landsbygd"]
    out.append(f"  {'rule':<20} {'how':<50} " + " ".join(f"{c:>9}" for c in cols) + "   total")
    for r in rec.rules:
        out.append(f"  {r.rule:<20} {r.description:<50} "
                   + " ".join(f"{r.exact_by_column[c]:>9}" for c in cols) + f"   {r.exact:>5}")
    best = max(r.exact for r in rec.rules)
    if best < n:
        out.append(f"  No rule compared reproduces all {n} cells (best: {best}).")
    out.append("")
    bad = [t for t in rec.totals if not t.ok]
    out.append(f"Totals stated in the agreement (avsnitt 1.2, 11.1, 11.2, 13.1, bilagor): "
               f"{len(rec.totals) - len(bad)} of {len(rec.totals)} follow from the items")
    for t in rec.totals:
        mark = "ok" if t.ok else "MISMATCH"
        out.append(f"  {mark:<8} {t.section:<10} {t.statement[:70]:<70} {kr(t.stated):>15}"
                   + ("" if t.ok else f"  derived {kr(t.derived)}"))
    if rec.input_mismatches:
        out.append("")
        out.append("Input data differing from the official tables' population and HSL insatser:")
        out.extend(f"  {m}" for m in rec.input_mismatches)
    out.append("")
    out.append(f"Result: {'OK' if rec.ok else 'DEVIATIONS'} (tolerance {rec.tolerance} kr per cell, column sums exact)")
    return "\n".join(out) + "\n"
