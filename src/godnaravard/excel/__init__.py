"""The allocation as an Excel workbook (``godnaravard export``), with the agreement's own Swedish headings.

    >>> import godnaravard
    >>> from godnaravard.excel import export_workbook
    >>> export_workbook(godnaravard.allocate(), "fordelning.xlsx")     # doctest: +SKIP

Every sheet, title, heading, date and label comes from the agreement's definition
(``godnaravard.agreements``); ``sheet_names(agreement)`` lists the sheets:

- Översikt: the agreement (title, document, signing), the allocation shown, its input files,
  the reconciliation in one line, that the workbook recomputes and that the exact figures are
  the tool's, the model's checks, when and with which version the workbook was made, contents
  (``cover``);
- one sheet per table of the agreement (the bilagor), as signed where the definition gives the
  signed table's layout (``TableSpec.printed``): its columns, headings, shares and footnotes; a
  krona the signed table moved by hand (``rules.adjustments``) carries a comment and a live
  footnote (``tables``);
- the budget table, per avsnitt and per payer and recipient, with subtotals and the totals the
  agreement states, when the agreement has budget items (``budget``);
- Per invånare: the overview's amounts in kronor per inhabitant, a chart per column with the
  national average as a line, and for a scenario the change per recipient (``per_capita``);
- Delbelopp: the live model's arithmetic, step by step (``parts``, ``model``);
- Parametrar: every parameter, its value a defined name the model reads, each input cell
  validated with a Swedish input message; below, whether the workbook is the agreement as signed
  (``som_undertecknad``) and the status every title row shows (``arbetsbokens_status``:
  "Enligt överenskommelsen" or "Ändrad i arbetsboken: …", ``parameters``, ``Context.status``);
- Underlag: the inputs per recipient with their sources, readable back as input (``underlag``);
- Avstämning: the reconciliation of ``godnaravard check`` (``check.reconcile``) in Swedish
  (``reconciliation``).

Every sheet's title row ends in the live status: "Enligt överenskommelsen" only while every
parameter and every number of Underlag equals the signed value, else "Ändrad i arbetsboken: "
and the labels of what changed, so a change made in the workbook is named too. A scenario that
is not the agreement as signed also says so on every sheet ("Scenario: NAME – inte den
överenskomna fördelningen") under the title, with a red tab and a banner on the cover, naming
its own input files; page headers name the agreement and the sheet only (``printing``).

How the figures are written:

- The workbook is a live model (``model``): every parameter is a defined name (its key with
  underscores, ``ambulans_grundbelopp``), and every amount of the bilagor is a formula over the
  parameters and Underlag that applies the tool's rule (largest remainders, the same ties)
  exactly, in integers, plus the signed table's adjustment only while ``som_undertecknad`` holds
  (every parameter and every number of Underlag as signed). Every formula carries the value
  the tool computed, so the workbook shows the tool's figures in Excel and LibreOffice and when
  read without recalculation (pandas, ``openpyxl(data_only=True)``); changing a parameter
  recomputes every amount, total and chart, and a check cell per budget line says whether it
  still sums exactly.
- Amounts are numbers, never text, in whole kronor, formatted ``#,##0``. Excel stores numbers
  as doubles, which hold every whole krona below 2**53 exactly; amounts beyond
  ``MAX_EXACT_KRONOR`` are refused rather than written inexactly.
- Shares and per-inhabitant figures are floats: they are for display only; every krona comes
  from integer arithmetic.
- Every text is written with ``write_string``: a name from an input file that starts with ``=``,
  ``+``, ``-`` or ``@`` stays text and can never become a formula (nor part of one);
  xlsxwriter's automatic conversion of strings to numbers, formulas or links is switched off.

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
