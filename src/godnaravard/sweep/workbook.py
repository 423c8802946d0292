"""``sweep --output FILE.xlsx``: a sweep as a workbook, within Excel's row limit (issue 18 §4).

The sheet *Sweep* holds the rows of the sweep's CSV (the same columns and values): the scenario
id, the varied parameters (amounts as numbers, shares and weights as their exact text such as
``1/4``), the code and the name of the recipient, and every amount column in whole kronor as
numbers with a thousands separator (``excel.plain``). The sheet *Om tabellen* names the agreement,
the base scenario and what varied.

A sheet holds at most 1 048 576 rows, the heading included: a larger sweep is refused before
anything is computed or written (``xlsx_problem``), with the advice to write CSV or Parquet,
which hold any number of rows. Chunks are written as they are computed, in bounded memory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from ..csvout import Value
from ..excel.plain import Column, check_size, write_plain
from .results import Cells

if TYPE_CHECKING:
    from .engine import Engine

__all__ = ["SWEEP_SHEET", "sweep_columns", "write_xlsx", "xlsx_problem"]

#: The sheet that holds the sweep.
SWEEP_SHEET = "Sweep"


def sweep_columns(engine: Engine) -> list[Column]:
    """The columns of the sheet, as the CSV's, each with the kind of its cells."""
    sset, rules = engine.sset, engine.rules
    columns = [Column("scenario", "text" if sset.labels is not None else "integer")]
    columns += [Column(k, "kronor" if rules.parameters[k] == "amount" else "text") for k in sset.keys]
    columns += [Column(rules.recipient_column("code")), Column(rules.recipient_column("name"))]
    columns += [Column(c, "kronor") for c in rules.amount_columns]
    return columns


def xlsx_problem(engine: Engine, where: str | Path) -> str | None:
    """Why this sweep cannot be one sheet of a workbook (too many rows or columns), or None."""
    rows = engine.size * engine.n
    scenarios = f"{engine.size:,}".replace(",", " ")
    problem = check_size(where, rows, len(sweep_columns(engine)),
                         what=f"this sweep ({scenarios} scenarios × {engine.n} {engine.rules.recipients_word})")
    if problem is None:
        return None
    return (problem + "; write CSV (--output FILE.csv) or Parquet (--output FILE.parquet) "
            "instead, which hold any number of rows (nothing was written)")


def _rows(cells: list[Cells]) -> Iterator[list[Value]]:
    """A chunk's cells row by row: text from its categories, numbers as Python ints."""
    columns: list[list[Value]] = []
    for c in cells:
        if c.categories is not None:
            columns.append([c.categories[i] for i in c.values.tolist()])
        else:
            columns.append([int(v) for v in c.values.tolist()])
    for row in zip(*columns, strict=True):
        yield list(row)


def write_xlsx(engine: Engine, path: Path, *, force: bool, chunks: Iterator[object],
               title: str, about: list[tuple[str, str]],
               progress: Callable[[int], None] | None = None) -> tuple[int, int, int]:
    """Write the sweep's ``chunks`` (``SweepResult``\\ s in order) to the workbook ``path``, atomically:
    the rows written, the file's size in bytes, and the scenarios the exact core computed.

    Raises:
        ExportError: more rows than a sheet holds (checked first), or an amount beyond what a cell
            holds exactly (the file does not appear).
    """
    from ..excel import ExportError
    from .results import SweepResult

    problem = xlsx_problem(engine, path)
    if problem is not None:
        raise ExportError(problem)
    done = {"rows": 0, "core": 0}

    def rows() -> Iterator[list[Value]]:
        for chunk in chunks:
            assert isinstance(chunk, SweepResult)
            yield from _rows(chunk.cells())
            done["rows"] += chunk.count * engine.n
            done["core"] += chunk.core_scenarios
            if progress is not None:
                progress(chunk.count - chunk.core_scenarios)

    written = write_plain(path, SWEEP_SHEET, sweep_columns(engine), rows(), title=title, about=about,
                          count=engine.size * engine.n, force=force)
    return done["rows"], written.stat().st_size, done["core"]
