"""Rendering a comparison: CSV, JSON, terminal tables and the figure of B − A per recipient.

``comparison`` computes (``diff``, ``compare``, ``Comparison``); this module only shows the
result. Every exact fraction shown (percent, kronor per inhabitant) is rounded half to even by
``display``. Nothing heavy is imported at module level: rich and matplotlib only inside the
functions that need them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .api import Allocation
from .comparison import PER_INHABITANT_PLACES, PERCENT_PLACES, Comparison, RecipientComparison
from .display import decimal
from .recipient_names import short_heading
from .render import Col, fitting_table
from .scenario import Scenario

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "PLOT_FORMATS", "adjustment_notes", "comparison_csv", "comparison_figure", "comparison_json",
    "comparison_tables", "heading", "save_plot", "scenario_label", "source_line", "sv_number",
]


# --- Text shared by every rendering -------------------------------------------------------------

def _from_file(sc: Scenario) -> bool:
    ag = sc.agreement
    return sc.origin not in (ag.name, *ag.aliases, "") and not sc.origin.startswith("scenario_from")


def scenario_label(alloc: Allocation) -> str:
    """A side's title: the agreement's title as signed, else the scenario, its changes and own files
    (``render.scenario_title``), followed by the scenario file it was read from."""
    from .render import scenario_title

    title = scenario_title(alloc)
    return f"{title} [fil {alloc.scenario.origin}]" if _from_file(alloc.scenario) else title


def _own_texts(alloc: Allocation) -> dict[str, str]:
    """A side's own files, each with its date when given (``own_data.own_file_text``)."""
    from .own_data import own_file_text

    return {name: own_file_text(alloc.scenario, name) for name in alloc.scenario.own_files()}


def _data_text(alloc: Allocation, side: str, own: dict[str, str]) -> list[str]:
    parts = []
    for d in alloc.agreement.data.values():
        text = f"{d.label} ({d.date.isoformat()})"
        if d.name in own:
            text += f" [{side}: own file {own[d.name]}]"
        parts.append(text)
    return parts


def source_line(cmp: Comparison) -> str:
    """``Source: TITLE; data: LABEL (DATE), …``, naming any own file of A or B as well; between two
    agreements ``Source: A: TITLE; data: …; B: TITLE; data: …``, each with the dates of its data."""
    own = {"A": _own_texts(cmp.a), "B": _own_texts(cmp.b)}
    if not cmp.same_agreement:
        sides = [f"{side}: {alloc.agreement.title} ({alloc.agreement.name}); data: "
                 + ", ".join(_data_text(alloc, side, own[side]) or ["none"])
                 for side, alloc in (("A", cmp.a), ("B", cmp.b))]
        return "Source: " + "; ".join(sides)
    ag = cmp.agreement
    parts = []
    for d in ag.data.values():
        text = f"{d.label} ({d.date.isoformat()})"
        replaced = [f"{side}: own file {files[d.name]}" for side, files in own.items() if d.name in files]
        if replaced:
            text += " [" + "; ".join(replaced) + "]"
        parts.append(text)
    return f"Source: {ag.title}; data: " + ", ".join(parts)


def heading(cmp: Comparison) -> str:
    """``TITLE: B − A per region``; between two agreements ``A's TITLE → B's TITLE: …``."""
    title = cmp.agreement.title
    if not cmp.same_agreement:
        names = (cmp.agreement.name, cmp.agreement_b.name)
        titles = (title, cmp.agreement_b.title)
        title = " → ".join(f"{t} ({n})" for t, n in zip(titles, names, strict=True)) if titles[0] == titles[1] \
            else " → ".join(titles)
    return f"{title}: B − A per {cmp.agreement.rules.recipient}"


def adjustment_notes(cmp: Comparison) -> list[str]:
    """One line per side whose figures carry the signed tables' adjustments (kronor moved by hand)."""
    out = []
    for side, alloc in (("A", cmp.a), ("B", cmp.b)):
        for adj in alloc.result.adjustments:
            moved = ", ".join(f"{code} {_signed(kr)} kr" for code, kr in adj.kronor.items())
            where = f" ({adj.table})" if adj.table else ""
            out.append(f"{side} carries the published adjustment of {adj.line}/{adj.part}{where}, kronor moved "
                       f"by hand from the rule's figures: {moved}")
    return out


def _adjustments_json(alloc: Allocation) -> list[dict[str, Any]]:
    return [{"line": adj.line, "part": adj.part, "table": adj.table, "source": adj.source,
             "kronor": dict(adj.kronor)} for adj in alloc.result.adjustments]


def _agreement_json(alloc: Allocation) -> dict[str, Any]:
    ag = alloc.agreement
    return {"name": ag.name, "title": ag.title, "path": str(ag.path),
            "data": {d.name: {"label": d.label, "date": d.date.isoformat()} for d in ag.data.values()}}


def _kr(value: int | None) -> str:
    from .render import kr

    return "–" if value is None else kr(value)


def _value(value: int | Fraction) -> str:
    return _kr(value) if isinstance(value, int) else str(value)


def _describe_changes(cmp: Comparison) -> list[str]:
    lines = []
    for key, (va, vb) in cmp.parameter_changes.items():
        lines.append(f"{key}: {_value(va)} → {_value(vb)}")
    for name, (pa, pb) in cmp.data_changes.items():
        lines.append(f"{name} data: {pa or 'the agreement’s own file'} → {pb or 'the agreement’s own file'}")
    return lines


# --- CSV and JSON ---------------------------------------------------------------------------

def csv_records(cmp: Comparison) -> list[dict[str, Any]]:
    """The records of ``diff --format csv`` (and of its workbook): kronor as integers, ``diff_percent``
    and the kronor per inhabitant rounded half to even to 4 decimals (``Decimal``; None where A is 0 kr)."""
    out = []
    for rec in cmp.to_records(totals=True):
        rec["diff_percent"] = decimal(rec["diff_percent"], PERCENT_PLACES)
        for k in ("per_inhabitant_a", "per_inhabitant_b", "per_inhabitant_diff"):
            rec[k] = decimal(rec[k], PER_INHABITANT_PLACES)
        out.append(rec)
    return out


def comparison_csv(cmp: Comparison, sep: str = ",") -> str:
    """One row per recipient and column, then the total rows; kronor as integers.

    ``diff_percent`` has 4 decimals, the kronor per inhabitant 4 decimals (empty where A is 0 kr);
    with ``sep`` ``;`` they are written with a decimal comma (``csvout``).
    """
    from .csvout import table

    fields = list(cmp.record_fields)
    return table(fields, ([rec[k] for k in fields] for rec in csv_records(cmp)), sep)


def _number(value: Fraction | None, places: int) -> float | None:
    d = decimal(value, places)
    return None if d is None else float(d)


def _param_json(value: int | Fraction) -> int | str:
    return value if isinstance(value, int) else str(value)


def _scenario_json(alloc: Allocation) -> dict[str, Any]:
    sc = alloc.scenario
    return {
        "agreement": alloc.agreement.name,
        "name": sc.name,
        "title": scenario_label(alloc),
        "origin": sc.origin,
        "as_signed": sc.is_baseline,
        "changes": {k: [_param_json(va), _param_json(vb)] for k, (va, vb) in sc.changes().items()},
        "own_files": {k: str(v) for k, v in sc.own_files().items()},
        "own_file_dates": {k: v.isoformat() for k, v in sc.data_dates.items() if k in sc.own_files()},
        "overrides": {k: _param_json(v) for k, v in sc.overrides.items()},
        "adjustments": _adjustments_json(alloc),
    }


def _row_json(r: RecipientComparison, columns: Sequence[str], fields: Sequence[str]) -> dict[str, Any]:
    return {
        fields[0]: r.code, "lan": r.lan, fields[2]: r.name,
        "population_a": r.population_a, "population_b": r.population_b,
        "columns": {
            c: {
                "a": cell.a, "b": cell.b, "diff": cell.diff,
                "diff_percent": _number(cell.percent, PERCENT_PLACES),
                "per_inhabitant_a": _number(cell.per_inhabitant_a, PER_INHABITANT_PLACES),
                "per_inhabitant_b": _number(cell.per_inhabitant_b, PER_INHABITANT_PLACES),
                "per_inhabitant_diff": _number(cell.per_inhabitant_diff, PER_INHABITANT_PLACES),
            }
            for c in columns
            for cell in (r.cells[c],)
        },
    }


def comparison_json(cmp: Comparison) -> str:
    """The comparison as JSON: the agreement, both scenarios, what changed, every recipient, the totals.

    Each side names its agreement, says whether it is the agreement as signed, lists its
    ``changes`` (parameters, ``[the agreement's value, this value]``) and ``own_files`` relative to
    the agreement as signed, and the ``adjustments`` its figures carry (the signed tables' kronor
    moved by hand, empty for the rule alone); ``agreement`` is A's, ``agreement_b`` B's;
    ``column_pairs`` names the column of A and of B each compared column compares, and
    ``only_in_a``/``only_in_b`` the recipients of one side only (null amounts on the other);
    ``parameter_changes`` and ``data_changes`` are the differences from A to B. Kronor are
    integers; percentages and kronor per inhabitant are numbers rounded to 4 decimals (null where
    A is 0 kr and B is not).
    """
    doc = {
        "agreement": _agreement_json(cmp.a),
        "agreement_b": _agreement_json(cmp.b),
        "same_agreement": cmp.same_agreement,
        "source": source_line(cmp),
        "a": _scenario_json(cmp.a),
        "b": _scenario_json(cmp.b),
        "parameter_changes": {
            k: {"a": _param_json(va), "b": _param_json(vb)} for k, (va, vb) in cmp.parameter_changes.items()
        },
        "data_changes": {
            k: {"a": str(pa) if pa else None, "b": str(pb) if pb else None}
            for k, (pa, pb) in cmp.data_changes.items()
        },
        "columns": list(cmp.columns),
        "labels": {c: cmp.label(c) for c in cmp.columns},
        "column_pairs": {c: {"a": cmp.pair(c)[0], "b": cmp.pair(c)[1]} for c in cmp.columns},
        "only_in_a": list(cmp.only_in_a),
        "only_in_b": list(cmp.only_in_b),
        "identical": cmp.identical,
        "regions": [_row_json(r, cmp.columns, cmp.record_fields) for r in cmp.regions],
        "totals": _row_json(cmp.total, cmp.columns, cmp.record_fields),
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


# --- Terminal tables --------------------------------------------------------------------------

def _changes_heading(cmp: Comparison) -> str:
    """What the list of changes covers: everything for one agreement, the shared keys for two."""
    return "Changed from A to B:" if cmp.same_agreement else "Parameters of both agreements that differ:"


def _one_sided(cmp: Comparison) -> list[str]:
    out = []
    for side, codes in (("A", cmp.only_in_a), ("B", cmp.only_in_b)):
        if codes:
            out.append(f"only {side} has {cmp.agreement.rules.recipient} {', '.join(codes)} (– on the other side)")
    return out


def _signed(value: int | None) -> str:
    if value is None:
        return "–"
    return ("+" if value > 0 else "") + _kr(value).replace("-", "−")


def _pct(value: Fraction | None) -> str:
    d = decimal(value, 2)
    if d is None:
        return "–"
    return ("+" if d > 0 else "") + f"{d} %".replace("-", "−")


def _per_text(value: Fraction | None, signed: bool = False) -> str:
    d = decimal(value, 2)
    if d is None:
        return "–"
    text = f"{d:,.2f}".replace(",", " ").replace("-", "−")
    return ("+" if signed and d > 0 else "") + text


def _fit(text: str, width: int | None) -> str:
    """A line of the heading wrapped at words to ``width`` (continuations indented; dates and
    amounts whole), as it stands without a width."""
    from .display import wrap

    return "\n".join(wrap(text, width, rest="  ") or [text]) if width else text


def comparison_tables(cmp: Comparison, width: int | None = None) -> list[Any]:
    """Rich renderables: a heading, a summary per column, and one table per changed column.

    With ``width`` (the terminal's columns) every table is laid out to fit it without ever
    cutting or wrapping an amount: first the kronor per inhabitant are left out, then A and B,
    and a table that still does not fit is replaced by a one-line hint to use ``--format csv``.
    """
    from rich.text import Text

    out: list[Any] = []
    head = Text()
    head.append(heading(cmp) + "\n", style="bold")
    head.append("A: ", style="bold").append(scenario_label(cmp.a) + "\n")
    head.append("B: ", style="bold").append(scenario_label(cmp.b) + "\n")
    changes = _describe_changes(cmp)
    head.append(_changes_heading(cmp), style="bold")
    nothing = " nothing (same parameters and data)" if cmp.same_agreement else " none"
    head.append("".join(f"\n  {line}" for line in changes) if changes else nothing)
    head.append("\n" + _fit(source_line(cmp), width), style="dim")
    for note in (*adjustment_notes(cmp), *_one_sided(cmp)):
        head.append("\n" + _fit("Note: " + note, width))
    out.append(head)
    narrowed = False

    n = len(cmp.regions)
    totals = [cmp.total.cells[c] for c in cmp.columns]
    label: Col = ("Column", "left", "", [cmp.label(c) for c in cmp.columns], True)
    a_col: Col = ("A", "right", "", [_kr(t.a) for t in totals], False)
    b_col: Col = ("B", "right", "", [_kr(t.b) for t in totals], False)
    d_col: Col = ("B − A", "right", "", [_signed(t.diff) for t in totals], False)
    p_col: Col = ("%", "right", "", [_pct(t.percent) for t in totals], False)
    changed: Col = ("Changed", "right", "",
                     [f"{sum(1 for r in cmp.regions if r.cells[c].diff != 0)}/{n}" for c in cmp.columns], False)
    layouts = [(label, a_col, b_col, d_col, p_col, changed), (label, a_col, b_col, d_col, p_col),
               (label, d_col, p_col)]
    summary, used = fitting_table("Totals per column (kronor)", layouts, width, footer=False)
    narrowed |= used > 0
    out.append(summary if summary is not None else Text(f"Totals: too wide for {width} columns; use --format csv"))

    if cmp.identical:
        out.append(Text(_fit(f"A and B give the same amount to every {cmp.agreement.rules.recipient} in every "
                             "column: all differences are 0 kr.", width)))
        return out
    for c in cmp.changed_columns():
        cells = [r.cells[c] for r in cmp.regions]
        t = cmp.total.cells[c]
        lan: Col = (short_heading(cmp.agreement.rules), "left", cmp.total.label, [r.label for r in cmp.regions], True)
        ca: Col = ("A kr", "right", _kr(t.a), [_kr(x.a) for x in cells], False)
        cb: Col = ("B kr", "right", _kr(t.b), [_kr(x.b) for x in cells], False)
        cd: Col = ("B − A kr", "right", _signed(t.diff), [_signed(x.diff) for x in cells], False)
        cp: Col = ("%", "right", _pct(t.percent), [_pct(x.percent) for x in cells], False)
        ia: Col = ("A kr/inv", "right", _per_text(t.per_inhabitant_a), [_per_text(x.per_inhabitant_a) for x in cells],
                    False)
        ib: Col = ("B kr/inv", "right", _per_text(t.per_inhabitant_b), [_per_text(x.per_inhabitant_b) for x in cells],
                    False)
        layouts = [(lan, ca, cb, cd, cp, ia, ib), (lan, ca, cb, cd, cp), (lan, cd, cp)]
        table, used = fitting_table(cmp.label(c), layouts, width, footer=True)
        narrowed |= used > 0
        out.append(table if table is not None else Text(f"{cmp.label(c)}: too wide for {width} columns; "
                                                        "use --format csv"))
    if narrowed:
        out.append(Text(f"(Columns left out to fit {width} columns; --format csv has every figure.)", style="dim"))
    return out


# --- The figure -------------------------------------------------------------------------------

def sv_number(value: float | int | Fraction | Decimal, places: int = 2) -> str:
    """A number as Swedish text: space as thousands separator, decimal comma, minus sign ``−``.

    Trailing zero decimals are dropped: ``sv_number(-1234.5) == "−1 234,5"``, ``sv_number(2e9)
    == "2 000 000 000"``.
    """
    number = decimal(value, places) if isinstance(value, Fraction) else Decimal(str(value))
    text = f"{number:,.{places}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return text.replace(",", " ").replace(".", ",").replace("-", "−")


def _unit(values: Sequence[int]) -> tuple[int, str]:
    """A readable unit for the axis: kronor, thousands or millions of kronor."""
    largest = max((abs(v) for v in values), default=0)
    if largest >= 1_000_000:
        return 1_000_000, "Mkr"
    if largest >= 10_000:
        return 1_000, "tkr"
    return 1, "kr"


def _panels(cmp: Comparison) -> list[tuple[list[str], list[int | None]]]:
    """The columns to draw, each with its differences; columns with the very same differences per
    recipient (a line and the sum that only it changes) share one panel."""
    panels: dict[tuple[int | None, ...], list[str]] = {}
    for c in cmp.changed_columns() or cmp.columns:
        values = tuple(r.cells[c].diff for r in cmp.regions)  # None: a recipient of one side only
        panels.setdefault(values, []).append(c)
    return [(cols, list(values)) for values, cols in panels.items()]


def _wrap(text: str, width: int) -> str:
    import textwrap

    return "\n".join(textwrap.fill(line, width, break_long_words=False, break_on_hyphens=False)
                     for line in text.split("\n"))


def comparison_figure(cmp: Comparison) -> Figure:
    """A bar chart of B − A per recipient, one panel per changed column.

    Columns whose differences are the same for every recipient share one panel; when nothing
    changed, the compared columns show their zeros. Numbers are Swedish (``1 234,5``); the
    title names the agreement, both scenarios and the changes, and the last line the source (the
    agreement and the dates of its data, or the own files). Uses matplotlib's object API (no
    pyplot state), so it works with the Agg backend and inside notebooks.
    """
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    panels = _panels(cmp)
    panel_width = 3.4
    fig_width = panel_width * len(panels) + 2.4
    chars = max(60, int(fig_width * 13))  # characters per title line at 9 pt
    fig = Figure(figsize=(fig_width, 7.5), layout="constrained")
    axes = fig.subplots(1, len(panels), sharey=True, squeeze=False)[0]
    labels = [r.label for r in cmp.regions]
    positions = list(range(len(labels)))
    formatter = FuncFormatter(lambda x, _pos: sv_number(x))
    for ax, (cols, values) in zip(axes, panels, strict=True):
        drawn = [v or 0 for v in values]
        scale, unit = _unit(drawn)
        colors = ["#2b6cb0" if v >= 0 else "#c05621" for v in drawn]
        bars = ax.barh(positions, [v / scale for v in drawn], color=colors)  # floats for drawing only
        texts = ["– (one side only)" if v is None else _signed(v) if v else "0" for v in values]
        ax.bar_label(bars, labels=texts, fontsize=6, padding=2)
        ax.margins(x=0.3)
        ax.axvline(0, color="black", linewidth=0.8)
        title = cmp.label(cols[0]) + "".join(f"\n= {cmp.label(c)}" for c in cols[1:])
        ax.set_title(_wrap(title, 40), fontsize=8)
        ax.set_xlabel(f"B − A ({unit})")
        ax.xaxis.set_major_formatter(formatter)
        ax.grid(axis="x", alpha=0.3)
    axes[0].set_yticks(positions, labels, fontsize=8)
    axes[0].invert_yaxis()
    nothing = "nothing: every difference is 0 kr" if cmp.same_agreement else "none"
    changes = "; ".join(_describe_changes(cmp)) or nothing
    title = (f"{heading(cmp)}\n"
             f"A: {scenario_label(cmp.a)}\nB: {scenario_label(cmp.b)}\n{_changes_heading(cmp)} {changes}")
    fig.suptitle(_wrap(title, chars), fontsize=9)
    fig.supxlabel(_wrap(source_line(cmp), int(chars * 1.2)), fontsize=7, x=0.01, ha="left")
    return fig


PLOT_FORMATS = ("png", "svg", "pdf")


def save_plot(cmp: Comparison, path: str | Path, force: bool = False) -> Path:
    """Draw ``comparison_figure`` into ``path`` (.png, .svg or .pdf) atomically.

    Raises:
        ValueError: an unsupported file suffix.
        OutputExistsError: ``path`` exists and ``force`` is false (see ``atomic``).
    """
    from .atomic import atomic_write

    target = Path(path)
    fmt = target.suffix.lstrip(".").lower()
    if fmt not in PLOT_FORMATS:
        raise ValueError(f"{target}: the plot file must end in .png, .svg or .pdf")
    fig = comparison_figure(cmp)
    return atomic_write(target, lambda tmp: fig.savefig(tmp, format=fmt, dpi=120), force=force)
