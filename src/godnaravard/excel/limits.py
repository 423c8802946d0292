"""What a workbook can hold, checked before a sheet is written, and Excel's own limits on every cell (issue 17, §1).

The export is linear in the size of the definition (every sheet writes a bounded number of cells
per budget line, part, parameter, column and recipient), within a stated cap:

- at most ``MAX_LINES`` budget lines and ``MAX_PARTS`` parts in all (each part a block on
  Delbelopp; the cover checks every line and part in one formula, and Excel allows 255 arguments);
- at most ``MAX_PARAMETERS`` parameters (whether the workbook is as signed is one condition over
  all of them);
- at most ``MAX_COLUMNS`` output columns and ``MAX_RECIPIENTS`` recipients.

A definition beyond a cap is refused with one line naming what is too many, never written with a
column or a name missing. Beyond the caps, each cell is held to Excel's limits as it is written:
a formula of at most 8 192 characters (``FORMULA_CHARS``; long labels or keys in a live note can
exceed it) and a cell inside the grid of 16 384 columns and 1 048 576 rows; a workbook that would
break either is refused (``ExportError``), never written with a dropped column or a formula Excel
rejects.

xlsxwriter rewrites every formula with some thirty regular expressions looking for Excel's newer
functions (``FILTER``, ``XLOOKUP`` …); ``fast_formulas`` makes one search for all of them first, so
a formula without any (every formula of this workbook) costs one pass instead of thirty.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from .cells import MAX_COLS, MAX_ROWS, ExportError, check_cell

if TYPE_CHECKING:
    from xlsxwriter.worksheet import Worksheet

    from ..agreements import Agreement
    from ..core import Inputs

__all__ = [
    "FORMULA_CHARS", "MAX_COLS", "MAX_COLUMNS", "MAX_LINES", "MAX_PARAMETERS", "MAX_PARTS", "MAX_RECIPIENTS",
    "MAX_ROWS", "check_cell", "check_size", "fast_formulas",
]

MAX_LINES = 50
MAX_PARTS = 200
MAX_PARAMETERS = 200
MAX_COLUMNS = 200
MAX_RECIPIENTS = 600
#: Excel's longest formula (its columns and rows, ``MAX_COLS`` and ``MAX_ROWS``, are in ``cells``).
FORMULA_CHARS = 8192

#: The functions xlsxwriter rewrites with a prefix (``_xlfn.``), in its ``_prepare_formula``.
_NEWER = re.compile(
    r"ANCHORARRAY|BYCOL|BYROW|CHOOSECOLS|CHOOSEROWS|DROP|EXPAND|FILTER|HSTACK|LAMBDA|MAKEARRAY|MAP|RANDARRAY|"
    r"REDUCE|SCAN|SINGLE|SEQUENCE|SORT|SORTBY|SWITCH|TAKE|TEXTSPLIT|TOCOL|TOROW|UNIQUE|VSTACK|WRAPCOLS|"
    r"WRAPROWS|XLOOKUP|_xlfn\."
)


def check_size(ag: Agreement, inputs: Inputs) -> None:
    """Refuse a definition beyond the workbook's caps, with one line naming what is too many."""
    rules = ag.rules
    counts = (
        ("budget lines", len(rules.lines), MAX_LINES),
        ("parameters", len(ag.parameters.as_dict()), MAX_PARAMETERS),
        ("parts of budget lines", sum(len(ln.parts) for ln in rules.lines), MAX_PARTS),
        ("output columns", len(rules.columns), MAX_COLUMNS),
        ("recipients", len(inputs.recipients), MAX_RECIPIENTS),
    )
    for what, n, cap in counts:
        if n > cap:
            raise ExportError(f"the workbook holds at most {cap} {what}; {ag.name} has {n} "
                              "(allocate and check have no such cap)")


def fast_formulas(ws: Worksheet) -> None:
    """Check every formula of ``ws`` against Excel's length, and skip xlsxwriter's rewriting where it has nothing
    to rewrite (the same result: the formula without its ``=``)."""
    slow: Callable[..., str] = ws._prepare_formula
    name = ws.get_name()

    def prepare(formula: str, expand_future_functions: bool = False) -> str:
        if len(formula) > FORMULA_CHARS:
            raise ExportError(f"sheet {name!r} would need a formula of {len(formula)} characters; Excel allows "
                              f"{FORMULA_CHARS} (shorter labels or keys, or fewer lines, parameters or recipients)")
        if expand_future_functions or ws.use_future_functions or _NEWER.search(formula) or formula[-1:] == "}":
            return slow(formula, expand_future_functions)
        return formula[1:] if formula.startswith("=") else formula  # what xlsxwriter returns for these

    ws._prepare_formula = prepare  # a faster equivalent, on this worksheet only
