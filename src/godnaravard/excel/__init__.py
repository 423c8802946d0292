"""The allocation as an Excel workbook (``godnaravard export``), with the agreement's own Swedish headings.

    >>> import godnaravard
    >>> from godnaravard.excel import export_workbook
    >>> export_workbook(godnaravard.allocate(), "fordelning.xlsx")     # doctest: +SKIP

Every sheet, title, heading, date and label comes from the agreement's definition
(``godnaravard.agreements``); ``sheet_names(agreement)`` lists the sheets:

- Översikt: the agreement (title, document, signing), the allocation shown, its input files,
  the reconciliation in one line, when and with which version the workbook was made, contents;
- one sheet per table of the agreement (the bilagor), under its headings (``tables``);
- the budget table, when the agreement has budget items (``budget``);
- Per invånare: the overview's amounts in kronor per inhabitant, with a native chart
  (``per_capita``);
- Delbelopp: every separately rounded part with its exact share and balancing krona (``parts``);
- Parametrar: every parameter with its label, value, unit, source and ``--set`` key
  (``parameters``);
- Underlag: the inputs per recipient with their sources, readable back as input (``underlag``);
- Avstämning: the reconciliation of ``godnaravard check`` (``check.reconcile``) in Swedish: every
  published amount against the computed one, column sums, stated totals, the budget table's rows
  (``reconciliation``).

A scenario that is not the agreement as signed says so on the cover and in the title of every
sheet ("Scenario: NAME – inte den överenskomna fördelningen"), naming its own input files.

How the figures are written:

- Amounts are numbers, never text, in whole kronor, with a thousands-separated format. Excel
  stores numbers as doubles, which hold every whole krona below 2**53 exactly; amounts beyond
  ``MAX_EXACT_KRONOR`` are refused rather than written inexactly.
- Totals and derived cells (row totals, shares, deviations) are live formulas (``=SUM(...)``)
  that also carry the value the tool computed, so the workbook shows the right figures in Excel
  and LibreOffice and when read without recalculation (pandas, ``openpyxl(data_only=True)``).
- Shares and per-inhabitant figures are floats: they are for display only; every krona comes
  from the exact core.
- Every text is written with ``write_string``: a name from an input file that starts with ``=``,
  ``+``, ``-`` or ``@`` stays text and can never become a formula; xlsxwriter's automatic
  conversion of strings to numbers, formulas or links is switched off.

The file is written atomically (``godnaravard.atomic``): an existing file is replaced only with
``force=True``, and a failed export leaves nothing behind.
"""

from __future__ import annotations

from .cells import HEADER_ROW, MAX_EXACT_KRONOR, ExportError
from .reconciliation import CHECK_HEADER_ROW
from .workbook import export_workbook, sheet_names, write_workbook

__all__ = [
    "CHECK_HEADER_ROW",
    "HEADER_ROW",
    "MAX_EXACT_KRONOR",
    "ExportError",
    "export_workbook",
    "sheet_names",
    "write_workbook",
]
