"""Turning results into text: CSV, JSON and terminal tables. No computation happens here.

``rich`` is imported only for terminal tables, so ``allocate --format csv`` stays light.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import TYPE_CHECKING, Any, cast

from .display import kr
from .terminal import terminal_text

if TYPE_CHECKING:
    from rich.console import JustifyMethod

    from .api import Allocation
    from .scenario import Scenario

__all__ = ["Col", "console", "fitting_table", "kr", "make_table", "required_width", "scenario_title",
           "allocation_csv", "allocation_json", "allocation_tables", "signed_notes"]


#: The width of tables when the output is not a terminal and COLUMNS is not set.
PIPE_WIDTH = 200


def console() -> Any:
    """A rich console as wide as the terminal; for a pipe or a file, ``COLUMNS`` or ``PIPE_WIDTH``.

    It prints text as text (``terminal.text_console``): a definition's titles, labels and notes
    are never read as markup, and their control characters are shown as escapes."""
    import os

    from .terminal import text_console

    c = text_console()
    if c.is_terminal or os.environ.get("COLUMNS", "").isdigit():
        return c
    return text_console(width=PIPE_WIDTH)


#: A table's column: heading, justification, footer, one cell per row, and whether it may wrap.
Col = tuple[str, str, str, list[str], bool]


def make_table(title: str, cols: Sequence[Col], footer: bool, compact: bool = False) -> Any:
    """A rich table of ``cols``; a column that may not wrap is never cut or wrapped.

    ``compact``: no vertical rules and no outer edge (columns apart by two spaces), for a table
    that must keep its layout in a narrow terminal."""
    from rich import box
    from rich.table import Table

    extra: dict[str, Any] = {"box": box.SIMPLE_HEAD, "show_edge": False} if compact else {}
    table = Table(title=title, show_footer=footer, header_style="bold", footer_style="bold", **extra)
    for header, justify, foot, _, wrap in cols:
        table.add_column(header, justify=cast("JustifyMethod", justify), footer=foot, no_wrap=not wrap)
    for i in range(len(cols[0][3])):
        table.add_row(*(c[3][i] for c in cols))
    return table


def required_width(cols: Sequence[Col], compact: bool = False) -> int:
    """The narrowest a table of these columns can be: a column that may not wrap is as wide as its
    widest cell (a heading line, a cell, the footer), one that may is as wide as its longest word;
    each column adds its padding and a rule (3), and the table its last edge (1). A ``compact``
    table has no rules and no edge: each column adds its padding (2), less the outer two."""
    from rich.cells import cell_len

    total = -1 if compact else 1
    for header, _, foot, cells, wrap in cols:
        texts = [*header.split("\n"), foot, *cells]
        if wrap:
            total += max((cell_len(word) for t in texts for word in t.split()), default=1)
        else:
            total += max(cell_len(t) for t in texts)
        total += 2 if compact else 3
    return total


def fitting_table(title: str, layouts: Sequence[Sequence[Col]], width: int | None, footer: bool,
                  compact: bool = False) -> tuple[Any, int]:
    """The first layout whose table fits ``width`` without cutting or wrapping a no-wrap cell.

    Returns the table (None if no layout fits) and the index of the layout used. With ``compact``,
    each layout is tried with rules first, then as a compact table (``make_table``).
    """
    for i, cols in enumerate(layouts):
        for dense in (False, True) if compact else (False,):
            if width is None or required_width(cols, dense) <= width:
                return make_table(title, cols, footer, dense), i
    return None, len(layouts)


def _json_value(value: Fraction | int) -> int | str:
    """A parameter in JSON: whole kronor as a number, an exact share or weight as ``"1/2"``."""
    return value if isinstance(value, int) else _fraction_json(value)


def _fraction_json(value: Fraction | int) -> str:
    return str(Fraction(value))


def allocation_csv(alloc: Allocation, sep: str = ",") -> str:
    """One row per recipient, the agreement's output columns, integer kronor, no total row.

    ``sep``: the separator (``csvout``: ``,``, ``;`` or a tab); text cells that a spreadsheet
    would run are written as text."""
    from .csvout import table

    columns = alloc.columns
    return table(columns, ([row[c] for c in columns] for row in alloc.rows), sep)


def scenario_title(of: Allocation | Scenario) -> str:
    """The title every output carries: the agreement, and for a what-if the scenario and its changes.

    The agreement as signed is titled by its own name alone; anything else says that it is a
    scenario, what it changes, and which of its input files replace the agreement's data.
    """
    from .own_data import own_file_text
    from .scenario import Scenario

    sc = of if isinstance(of, Scenario) else of.scenario
    ag = sc.agreement
    if sc.is_baseline:
        return ag.title
    title = f"{ag.title} – scenario {sc.name}" if sc.name != ag.title else f"{ag.title} – scenario"
    changes = [f"{k}={v}{_relative(sc, k)}" for k, (_, v) in sc.changes().items()]
    changes += [f"egen fil {name}: {own_file_text(sc, name)}" for name in sc.own_files()]
    if changes:
        title += " (" + ", ".join(changes) + ")"
    return title


def _relative(sc: Scenario, key: str) -> str:
    """`` (+10 %)`` after a change given as a relative one (`` (×1.1, rounded half up)``), else nothing."""
    found = sc.relative.get(key)
    if found is None:
        return ""
    return f" ({found.shown}, rounded half up)" if found.rounded else f" ({found.shown})"


def allocation_json(alloc: Allocation) -> str:
    """Rows, totals, parameters (exact, with sources) and the balancing kronor of every part.

    ``adjustments``: the signed tables' corrections applied (each with its cells: the rule's
    figure, the kronor added, the signed figure); empty when there are none or they do not apply,
    and then ``adjustments_not_applied`` says why, for an agreement that has some.
    """
    from .own_data import own_date
    from .signed import adjustments_json, not_applied_note

    sc = alloc.scenario
    res = alloc.result
    ag = sc.agreement
    doc: dict[str, Any] = {
        "agreement": {"name": ag.name, "title": ag.title, "path": str(ag.path)},
        "scenario": {
            "name": sc.name,
            "origin": sc.origin,
            "as_signed": alloc.as_signed,
            "changes": {k: [_json_value(a), _json_value(b)] for k, (a, b) in sc.changes().items()},
            "own_files": {k: str(v) for k, v in sc.own_files().items()},
        },
        "data": {
            d.name: {"file": str(sc.own_files().get(d.name, d.path)),
                     "date": own_date(sc, d.name) if d.name in sc.own_files() else d.date.isoformat(),
                     "own": d.name in sc.own_files()}
            for d in ag.data.values()
        },
        "parameters": {
            k: {"value": _json_value(v), "source": sc.sources.get(k, "")}
            for k, v in sc.parameters.as_dict().items()
        },
        "notes": list(alloc.notes),
        "as_signed": alloc.as_signed,
        "adjustments": adjustments_json(alloc),
        **({"adjustments_not_applied": note} if (note := not_applied_note(alloc)) else {}),
        "rows": alloc.to_records(),
        "totals": alloc.totals(),
        "balancing_kronor": {
            name: {part: list(codes) for part, codes in col.balancing().items()}
            for name, col in res.columns.items()
        },
        "rounding_rule": next(iter(next(iter(res.columns.values())).parts.values())).rule,
    }
    import json

    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def allocation_tables(alloc: Allocation, width: int | None = None) -> list[Any]:
    """The agreement's overview per recipient, with totals, laid out to fit ``width`` columns.

    No amount is ever cut or wrapped: when the whole table is too wide, its amount columns are
    spread over several tables, each with the recipients' codes and names; when not even one
    amount column fits, a one-line hint says to use ``--format csv``.
    """
    from rich.text import Text

    ag = alloc.agreement
    names = ag.table("overview").columns
    totals = alloc.totals()
    rows = alloc.rows
    cols: list[tuple[str, Col]] = []
    for name in names:
        spec = ag.rules.column(name)
        numeric = spec.kind in ("count", "line", "part", "sum")
        cells = [kr(v) if isinstance(v := row[name], int) else str(v) for row in rows]
        footer = kr(totals[name]) if numeric else ""
        cols.append((spec.kind, (_heading(spec.short or spec.label), "right" if numeric else "left", footer, cells,
                                 not numeric)))
    ident = [c for kind, c in cols if kind in ("code", "text")]
    if ident:
        first = ident[0]
        ident[0] = (first[0], first[1], "Totalt", first[3], first[4])
    values = [c for kind, c in cols if kind not in ("code", "text")]
    title = scenario_title(alloc)
    notes: list[Any] = [note_lines(note, width) for note in (*alloc.notes, *signed_notes(alloc))]
    whole, _ = fitting_table(title, [ident + values], width, footer=True)
    if whole is not None:
        return [whole, *notes]
    out: list[Any] = []
    group: list[Col] = []
    for col in values:
        if group and required_width(ident + group + [col]) > (width or 0):
            out.append(make_table(title if not out else "", ident + group, footer=True))
            group = []
        group.append(col)
    if group:
        out.append(make_table(title if not out else "", ident + group, footer=True))
    if any(required_width([*ident, c]) > (width or 0) for c in values):
        return [Text(terminal_text(f"{title}: the table needs more than {width} columns; use --format csv")), *notes]
    return [*out, *notes]


def note_lines(note: str, width: int | None, prefix: str = "Note: ") -> Any:
    """A note beneath a table, wrapped at words to ``width`` with its continuation lines indented,
    never inside an amount (rich would break "1 516 511" at its spaces)."""
    from rich.text import Text

    from .display import wrap

    text = "\n".join(wrap(prefix + note, width, rest="  ") if width else [prefix + note])
    return Text(terminal_text(text), style="dim", no_wrap=True, overflow="ignore")


def signed_notes(alloc: Allocation) -> list[str]:
    """The notes beneath a table on the signed tables' adjustments: each adjusted cell with its
    source, or, for a what-if of an agreement that has adjustments, that they do not apply."""
    from .signed import adjusted_cells, cell_note, not_applied_note

    cells = adjusted_cells(alloc.result, alloc.agreement)
    notes = [cell_note(c) for c in cells]
    notes += [f"source: {s}" for s in dict.fromkeys(c.source for c in cells)]
    missing = not_applied_note(alloc)
    return [*notes, missing] if missing else notes


def _heading(label: str) -> str:
    """A column heading on two lines, broken before a parenthesis or after the first word of a date."""
    if " (" in label:
        head, _, tail = label.partition(" (")
        return f"{head}\n({tail}"
    words = label.split(" ", 1)
    return "\n".join(words) if len(words) == 2 else label
