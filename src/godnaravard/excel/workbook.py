"""The whole workbook: plan the sheets from the agreement, write each, and write the file atomically."""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING

from .. import __version__
from ..atomic import atomic_write
from ..check import reconcile
from .budget import write_budget
from .cells import FIRST, MAX_EXACT_KRONOR, ExportError, Formats, Sheet
from .context import INPUTS, PARAMETERS, PARTS, SIGNED, STATUS, Context, plan, text_columns
from .cover import write_cover
from .limits import check_size, fast_formulas
from .model import Model
from .parameters import write_parameters
from .parts import write_parts
from .per_capita import write_per_capita
from .printing import page_footer, page_header, setup_page
from .reconciliation import write_reconciliation
from .tables import PercentFormats, TableLayout, layout, write_table
from .underlag import input_columns, write_inputs

if TYPE_CHECKING:
    from xlsxwriter.workbook import Workbook

    from ..agreements import Agreement
    from ..api import Allocation

__all__ = ["SCENARIO_TAB", "export_workbook", "sheet_names", "write_workbook"]

#: The tab colour of every sheet of a scenario's workbook (the agreement as signed has none).
SCENARIO_TAB = "#C00000"


def sheet_names(agreement: Agreement | str | Path | None = None) -> dict[str, str]:
    """The sheets of the workbook for an agreement (default: the default agreement), in order.

    Each sheet's name maps to the line the cover's contents list gives it.
    """
    from ..agreements import Agreement, load_agreement

    ag = agreement if isinstance(agreement, Agreement) else load_agreement(agreement)
    return {p.name: p.description for p in plan(ag)}


def _check_exact(alloc: Allocation) -> None:
    """Refuse amounts that an Excel cell (15 significant digits) cannot hold to the krona."""
    params = alloc.scenario.parameters
    too_big = {
        k: v for k, v in params.as_dict().items() if params.kind(k) == "amount" and abs(int(v)) > MAX_EXACT_KRONOR
    }
    if too_big:
        shown = ", ".join(f"{k} = {v}" for k, v in too_big.items())
        raise ExportError(f"amounts above {MAX_EXACT_KRONOR} kr cannot be stored exactly in Excel: {shown}")


def write_workbook(
    allocation: Allocation,
    target: str | os.PathLike[str] | IO[bytes],
    *,
    created: datetime | None = None,
    name: str | None = None,
) -> None:
    """Write the workbook for ``allocation`` to ``target`` (a path or a binary file object).

    This writes in place and is not atomic; use ``export_workbook`` for files. ``created`` is
    the time shown on the cover (default: now, local time); ``name`` names a scenario (default:
    its own name, or its changes in words).
    """
    import xlsxwriter

    _check_exact(allocation)
    ag = allocation.scenario.agreement
    check_size(ag, allocation.result.inputs)
    sheets = plan(ag)
    ctx = Context(
        allocation=allocation,
        reconciliation=reconcile(allocation),
        created=created or datetime.now().astimezone(),
        sheets=sheets,
        name=name,
    )
    options = {
        "in_memory": True,
        "strings_to_numbers": False,
        "strings_to_formulas": False,
        "strings_to_urls": False,
    }
    wb = xlsxwriter.Workbook(target if not isinstance(target, os.PathLike) else os.fspath(target), options)
    try:
        formats = Formats.create(wb)
        status, words = ctx.status(), ctx.scenario_words()
        written = {p.name: Sheet(wb.add_worksheet(p.name), formats, status=status, scenario=words) for p in sheets}
        for s in written.values():
            fast_formulas(s.ws)
        res = allocation.result
        model = Model.build(ag, res, PARTS, INPUTS, input_columns(ag, res), len(text_columns(ag)[-1:]),
                            (SIGNED, STATUS))
        model.param_sheet = PARAMETERS
        model.param_rows = {k: FIRST + i for i, k in enumerate(allocation.scenario.parameters.as_dict())}
        layouts: dict[str, TableLayout] = {
            p.table.name: layout(ag, res, p.table, p.name)
            for p in sheets
            if p.kind == "table" and p.table is not None
        }
        pct = PercentFormats(wb, formats)
        for p in sheets:
            s = written[p.name]
            if p.kind == "cover":
                write_cover(s, ctx, model)
            elif p.kind == "table" and p.table is not None:
                write_table(s, ctx, layouts[p.table.name], model, pct)
            elif p.kind == "budget":
                write_budget(s, ctx, model)
            elif p.kind == "per_capita":
                write_per_capita(s, ctx, wb, layouts, model)
            elif p.kind == "parts":
                write_parts(s, ctx, model)
            elif p.kind == "parameters":
                write_parameters(s, ctx, wb, model)
            elif p.kind == "inputs":
                write_inputs(s, ctx)
            elif p.kind == "reconciliation":
                write_reconciliation(s, ctx, layouts, model)
        _finish(wb, ctx, written)
    finally:
        wb.close()


def _finish(wb: Workbook, ctx: Context, written: Mapping[str, Sheet]) -> None:
    """Every sheet's print setup (header, footer, a scenario's tab colour), the cover active, and the
    file's properties."""
    ag = ctx.agreement
    made = ctx.created.strftime("%Y-%m-%d %H:%M")
    header = page_header(ag.title)
    footer = page_footer(ag.title, f"godnaravard {__version__}, skapad {made}")
    for p in ctx.sheets:
        s = written[p.name]
        s.finish()
        setup_page(s, header, footer, None if ctx.baseline else SCENARIO_TAB)
        if p.kind == "cover":
            s.ws.activate()
    wb.set_properties(
        {
            "title": ctx.title(f"{ag.title} – fördelning"),
            "subject": ag.full_title,
            "author": f"godnaravard {__version__}",
            "comments": ctx.change_note() or ag.document,
            "created": ctx.created.replace(tzinfo=None),
        }
    )


def export_workbook(
    allocation: Allocation,
    path: str | os.PathLike[str],
    force: bool = False,
    *,
    created: datetime | None = None,
    name: str | None = None,
) -> Path:
    """Write the allocation as an Excel workbook at ``path``, atomically.

    Args:
        allocation: from ``godnaravard.allocate(...)``, under any agreement.
        path: the ``.xlsx`` file to create.
        force: replace ``path`` if it exists (otherwise ``OutputExistsError`` and the file is
            left untouched).
        created: the time shown on the cover (default: now).
        name: what a scenario is called in the workbook (default: its own name, or its changes
            in words); the agreement as signed has no scenario name.

    Returns:
        The path written.

    Raises:
        godnaravard.atomic.OutputExistsError: ``path`` exists and ``force`` is false.
        OSError: the file cannot be written; nothing is left behind.
        ExportError: an amount is too large to be stored exactly in Excel, or the definition is beyond what a
            workbook holds (``limits``).
    """
    _check_exact(allocation)
    check_size(allocation.scenario.agreement, allocation.result.inputs)
    return atomic_write(path, lambda tmp: write_workbook(allocation, tmp, created=created, name=name), force=force)
