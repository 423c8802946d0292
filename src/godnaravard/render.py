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

__all__ = ["console", "kr", "allocation_csv", "allocation_json", "allocation_table"]


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
            d.name: {"file": str(sc.own_files().get(d.name, d.path)),
                     "date": None if d.name in sc.own_files() else d.date.isoformat(),
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
