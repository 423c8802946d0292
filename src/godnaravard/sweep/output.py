"""Writing a sweep: CSV or Parquet, streamed chunk by chunk (bounded memory) and atomically.

``write_stream`` runs an ``Engine`` chunk by chunk and writes each chunk as it comes: CSV text
appended to the file (or to a stream such as stdout), or one Parquet row group per chunk
(``pyarrow.parquet.ParquetWriter``). A file is written through ``atomic.atomic_write``: into a
temporary file next to the target, renamed into place only when complete, removed on any
failure (and, by ``atomic``, on SIGTERM and SIGINT). The output is the same, byte for byte in
CSV and cell for cell in Parquet, whatever the chunk size.

Rules of the output (see docs/sweeps.md, "Limits"):

- **Size.** Before anything is written, the size of the whole output is estimated from the first
  (small) chunk, rendered: its bytes per row × all rows. Above ``MAX_OUTPUT_BYTES`` (1 GB) the
  sweep is refused unless ``force`` is given (``OutputTooLarge``); stdout included.
- **Formulas.** A CSV text cell (a scenario id, a code, a region name, a fraction, a column name)
  that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (or the full-width
  ``＝ ＋ － ＠``) is written with a leading apostrophe, ``'=HYPERLINK(…)``, so a spreadsheet shows
  it as text instead of running it (``csvout.defuse``, the rule of every CSV output). Numbers
  (amounts, ids 1, 2, …) are never changed. Parquet holds types, not formulas: its text is
  written as it is; a workbook's text is written as text (``excel.plain``).
- **Separator.** ``,`` by default; ``;`` or a tab with ``sep`` (``--sep``), as every CSV output.
- **Workbook.** ``.xlsx`` writes one sheet (``sweep.workbook``), refused beyond Excel's
  1 048 576 rows before anything is computed.
- **Parquet holds int64.** An amount beyond 2**63 − 1 kr cannot be stored in Parquet's integer
  column: ``ParquetOverflow``, naming the scenario and column, before the file appears. CSV
  holds whole numbers of any size.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, overload

import numpy as np

from ..csvout import FORMULA_START, defuse, quote
from ..errors import InputError, Problem
from ..frozen import frozen
from .bounds import INT64_MAX
from .engine import Engine
from .results import Cells, SweepResult
from .scenarios import ValueRange, _spaced

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "CHUNK_ROWS",
    "FORMULA_START",
    "MAX_OUTPUT_BYTES",
    "OutputTooLarge",
    "ParquetOverflow",
    "TooManyRows",
    "Written",
    "defuse",
    "output_format",
    "parquet_problem",
    "write_csv",
    "write_frame",
    "write_stream",
]

INT64_MIN = -(2**63)
#: Without ``force``, a sweep refuses to write more than this (an estimate made before writing).
MAX_OUTPUT_BYTES = 1_000_000_000
#: Rows (scenarios × recipients) per chunk: one Parquet row group, one block of CSV text.
CHUNK_ROWS = 1 << 19
#: Rows of the first chunk, rendered first to estimate the size of the whole output.
FIRST_ROWS = 1 << 14
_FORMATS = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet", ".xlsx": "xlsx"}


class OutputTooLarge(InputError):
    """The estimated output exceeds ``MAX_OUTPUT_BYTES`` and ``force`` was not given."""


class ParquetOverflow(InputError):
    """An amount or a varied value does not fit Parquet's int64 column."""


class TooManyRows(InputError):
    """A workbook was asked for, and the sweep has more rows than an Excel sheet holds."""


def output_format(path: str | Path) -> str:
    """``"csv"``, ``"parquet"`` or ``"xlsx"`` by the file's extension; an ``InputError`` otherwise."""
    fmt = _FORMATS.get(Path(path).suffix.lower())
    if fmt is None:
        raise InputError(Problem(str(path), "unknown output format; the file name must end in .csv, .parquet "
                                            "or .xlsx"))
    return fmt


def _need_pyarrow(path: str | Path) -> None:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        message = "Parquet output needs pyarrow: pip install 'godnaravard[parquet]'"
        raise InputError(Problem(str(path), message)) from None


def _human(size: float) -> str:
    for unit in ("bytes", "kB", "MB", "GB", "TB"):
        if size < 1000 or unit == "TB":
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1000
    return f"{size:.1f} TB"  # pragma: no cover


def _too_large(engine: Engine, where: str, fmt: str, rows: int, per_row: float) -> OutputTooLarge:
    estimate = per_row * rows
    return OutputTooLarge(Problem(where, (
        f"this sweep would write about {_human(estimate)} ({_spaced(engine.size)} scenarios × {engine.n} "
        f"{engine.rules.recipients_word} = {_spaced(rows)} rows of about {per_row:.0f} bytes as {fmt.upper()}), "
        f"more than {_human(MAX_OUTPUT_BYTES)}; add --force to write it anyway (nothing was written)")))


def parquet_problem(engine: Engine) -> str | None:
    """Why this sweep cannot go to Parquet before it is computed (a varied amount beyond int64), or None."""
    sset = engine.sset
    for key in sset.keys:
        if engine.rules.parameters[key] != "amount":
            continue
        levels = sset.levels[key]
        largest = levels.last if isinstance(levels, ValueRange) else max(levels)
        if largest > INT64_MAX:
            return (f"{key} = {largest} does not fit Parquet's 64-bit integers (at most {INT64_MAX}); "
                    "write CSV instead (--output FILE.csv), which holds whole numbers of any size")
    return None


# --------------------------------------------------------------------------- one chunk


def _int64(cells: Cells, result: SweepResult, where: str) -> np.ndarray:
    """An object column (Python ints) as int64, or ``ParquetOverflow`` naming the first value too large."""
    values = cells.values
    if values.dtype != object:
        return values
    big = np.flatnonzero([v > INT64_MAX for v in values])
    if len(big):
        i = int(big[0])
        n = len(result.codes)
        label = result.scenarios.label(result.offset + i // n)
        raise ParquetOverflow(Problem(where, (
            f"scenario {label}, {result.codes[i % n]}: {cells.name} = {values[i]} kr does not fit Parquet's "
            f"64-bit integers (at most {INT64_MAX}); write CSV instead (--output FILE.csv), which holds whole "
            "numbers of any size (nothing was written)")))
    return values.astype(np.int64)


def _arrow_table(result: SweepResult, where: str) -> Any:
    """A chunk as a pyarrow Table: text as dictionary columns, numbers as int64 (no pandas metadata)."""
    import pyarrow as pa

    arrays, names = [], []
    for cells in result.cells():
        names.append(cells.name)
        if cells.categories is not None:
            arrays.append(pa.DictionaryArray.from_arrays(cells.values, pa.array(cells.categories, pa.string())))
        else:
            arrays.append(pa.array(_int64(cells, result, where), pa.int64()))
    return pa.Table.from_arrays(arrays, names=names)


def _quote(text: str, sep: str = ",") -> str:
    """A CSV text cell: defused, then quoted when it holds ``sep``, a quote or a line break
    (``csvout.quote``)."""
    return quote(text, sep)


@overload
def _render(names: list[str], cells: list[Cells], header: bool, fh: None = None, sep: str = ",") -> bytes: ...
@overload
def _render(names: list[str], cells: list[Cells], header: bool, fh: BinaryIO, sep: str = ",") -> int: ...
def _render(names: list[str], cells: list[Cells], header: bool, fh: BinaryIO | None = None,
            sep: str = ",") -> bytes | int:
    """CSV lines (``\\n``) of ``cells`` (text already through ``_quote``), with a header line of
    ``names`` if ``header``: the bytes, or written to ``fh`` (then the number of bytes).

    pyarrow writes numbers and text that needs no quotes (fast); anything else (quoted text,
    whole numbers beyond int64) is joined in Python, with the same text for the same values.
    """
    head = (sep.join(_quote(n, sep) for n in names) + "\n").encode("utf-8") if header else b""
    texts = [t for c in cells if c.categories is not None for t in c.categories]
    simple = not any(t.startswith('"') for t in texts) and all(c.values.dtype != object for c in cells)
    if simple and _has_arrow_csv():
        import pyarrow as pa
        import pyarrow.csv as pa_csv

        # Text as plain strings (the CSV writer formats them faster than dictionary columns).
        table = pa.Table.from_arrays(
            [pa.array(c.categories, pa.string()).take(pa.array(c.values))
             if c.categories is not None else pa.array(c.values) for c in cells],
            names=[f"c{j}" for j in range(len(cells))])
        options = pa_csv.WriteOptions(include_header=False, quoting_style="none", delimiter=sep)
        if fh is None:
            buffer = io.BytesIO()
            buffer.write(head)
            pa_csv.write_csv(table, buffer, options)
            return buffer.getvalue()
        counting = _Counting(fh)
        counting.write(head)
        pa_csv.write_csv(table, counting, options)
        return counting.count
    columns = []
    for c in cells:
        if c.categories is not None:
            columns.append([c.categories[i] for i in c.values.tolist()])
        else:
            columns.append([str(v) for v in c.values.tolist()])
    lines = [sep.join(row) for row in zip(*columns, strict=True)]
    data = head + ("\n".join(lines) + "\n" if lines else "").encode("utf-8")
    if fh is None:
        return data
    fh.write(data)
    return len(data)


@overload
def _csv_chunk(result: SweepResult, header: bool, fh: None = None, sep: str = ",") -> bytes: ...
@overload
def _csv_chunk(result: SweepResult, header: bool, fh: BinaryIO, sep: str = ",") -> int: ...
def _csv_chunk(result: SweepResult, header: bool, fh: BinaryIO | None = None, sep: str = ",") -> bytes | int:
    """A chunk as CSV text (formulas defused), with the header line if ``header``: the bytes, or
    written to ``fh`` (then the number of bytes)."""
    cells = [Cells(c.name, c.values, [_quote(t, sep) for t in c.categories]) if c.categories is not None else c
             for c in result.cells()]
    return _render([c.name for c in cells], cells, header, fh, sep)


class _Counting(io.RawIOBase):
    """A write-only stream that passes everything to ``fh`` and counts the bytes."""

    def __init__(self, fh: BinaryIO):
        self._fh = fh
        self.count = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self._fh.write(data)
        size = memoryview(data).nbytes
        self.count += size
        return size


def _has_arrow_csv() -> bool:
    try:
        import pyarrow.csv  # noqa: F401
    except ImportError:
        return False
    return True


# --------------------------------------------------------------------------- streaming


@frozen
class Written:
    """What ``write_stream`` wrote: scenarios, rows, bytes, and the scenarios the core computed."""

    scenarios: int
    rows: int
    bytes: int
    core_scenarios: int


def _chunks(engine: Engine, chunk_rows: int, progress: Callable[[int], None] | None) -> Any:
    """The engine's chunks: a small first one (for the size estimate), then ``chunk_rows`` rows each."""
    per = max(1, chunk_rows // max(1, engine.n))
    first = min(per, max(1, FIRST_ROWS // max(1, engine.n)))
    yield from engine.chunks(first, progress, stop=first)
    yield from engine.chunks(per, progress, start=first)


def _check_size(engine: Engine, where: str, fmt: str, first: bytes | int, rows: int, force: bool) -> None:
    size = first if isinstance(first, int) else len(first)
    total_rows = engine.size * engine.n
    if rows and not force and size / rows * total_rows > MAX_OUTPUT_BYTES:
        raise _too_large(engine, where, fmt, total_rows, size / rows)


def _stream_csv(engine: Engine, fh: BinaryIO, where: str, force: bool, chunk_rows: int,
                progress: Callable[[int], None] | None, sep: str = ",") -> Written:
    written = rows = core = 0
    for i, chunk in enumerate(_chunks(engine, chunk_rows, progress)):
        if i == 0:  # rendered first, to estimate the size of the whole output before writing
            data = _csv_chunk(chunk, header=True, sep=sep)
            assert isinstance(data, bytes)
            _check_size(engine, where, "csv", data, chunk.count * engine.n, force)
            fh.write(data)
            written += len(data)
        else:
            written += _csv_chunk(chunk, header=False, fh=fh, sep=sep)
        rows += chunk.count * engine.n
        core += chunk.core_scenarios
        if progress is not None:
            progress(chunk.count - chunk.core_scenarios)
    return Written(engine.size, rows, written, core)


def _stream_parquet(engine: Engine, path: Path, where: str, force: bool, chunk_rows: int,
                    progress: Callable[[int], None] | None) -> Written:
    import pyarrow.parquet as pq

    writer = None
    rows = core = 0
    try:
        for i, chunk in enumerate(_chunks(engine, chunk_rows, progress)):
            table = _arrow_table(chunk, where)
            if i == 0:
                sample = io.BytesIO()
                pq.write_table(table, sample)
                _check_size(engine, where, "parquet", sample.tell(), table.num_rows, force)
                writer = pq.ParquetWriter(path, table.schema)
            assert writer is not None
            writer.write_table(table, row_group_size=max(1, table.num_rows))
            rows += table.num_rows
            core += chunk.core_scenarios
            if progress is not None:
                progress(chunk.count - chunk.core_scenarios)
    finally:
        if writer is not None:
            writer.close()
    return Written(engine.size, rows, path.stat().st_size, core)


def write_stream(
    engine: Engine,
    path: str | Path | None = None,
    *,
    stream: BinaryIO | None = None,
    force: bool = False,
    chunk_rows: int = CHUNK_ROWS,
    progress: Callable[[int], None] | None = None,
    sep: str = ",",
    title: str = "",
) -> Written:
    """Run ``engine`` and write its sweep chunk by chunk: to ``path`` (CSV, Parquet or a workbook
    by extension, atomically) or, as CSV, to the binary ``stream`` (stdout).

    ``force`` replaces an existing file and allows more than ``MAX_OUTPUT_BYTES``. ``progress(k)``
    is called as scenarios are written (and as the core computes slow ones). ``sep`` is the CSV
    separator (``csvout``); ``title`` heads a workbook's sheet *Om tabellen*.

    Raises:
        OutputTooLarge: the estimate exceeds ``MAX_OUTPUT_BYTES`` and ``force`` is false (nothing
            was written).
        ParquetOverflow: a value does not fit Parquet's int64 (the file does not appear).
        TooManyRows: a workbook would have more rows than an Excel sheet holds (nothing was written).
        OutputExistsError, OSError: from ``atomic_write``; ``ScenarioError``: a refused scenario.
    """
    if (path is None) == (stream is None):
        raise ValueError("give a path or a stream")
    if path is None:
        assert stream is not None
        return _stream_csv(engine, stream, "standard output", force, chunk_rows, progress, sep)
    from ..atomic import atomic_write

    target = Path(path)
    fmt = output_format(target)
    where = str(path)
    done: list[Written] = []
    if fmt == "xlsx":
        return _write_xlsx(engine, target, force, chunk_rows, progress, title)
    if fmt == "parquet":
        _need_pyarrow(path)
        problem = parquet_problem(engine)
        if problem:
            raise ParquetOverflow(Problem(where, problem + " (nothing was written)"))

        def writer(tmp: Path) -> None:
            done.append(_stream_parquet(engine, tmp, where, force, chunk_rows, progress))
    else:

        def writer(tmp: Path) -> None:
            with open(tmp, "wb") as fh:
                done.append(_stream_csv(engine, fh, where, force, chunk_rows, progress, sep))

    atomic_write(target, writer, force=force)
    return done[0]


def _write_xlsx(engine: Engine, target: Path, force: bool, chunk_rows: int,
                progress: Callable[[int], None] | None, title: str) -> Written:
    """The sweep as a workbook (``sweep.workbook``): refused beyond Excel's rows before anything is computed."""
    from ..excel import ExportError
    from .workbook import write_xlsx, xlsx_problem

    problem = xlsx_problem(engine, target)
    if problem is not None:
        raise TooManyRows(Problem(str(target), problem))
    about = [("Varierat", ", ".join(engine.sset.keys) or "(scenarier ur fil)"),
             ("Scenarier", f"{engine.size:,}".replace(",", " ")),
             ("Rader", f"{engine.size * engine.n:,} (scenarier × mottagare)".replace(",", " "))]
    try:
        rows, size, core = write_xlsx(engine, target, force=force, chunks=_chunks(engine, chunk_rows, None),
                                      title=title or "godnaravard sweep", about=about, progress=progress)
    except ExportError as exc:
        raise InputError(Problem(str(target), f"{exc} (nothing was written)")) from None
    return Written(engine.size, rows, size, core)


# --------------------------------------------------------------------------- DataFrames (in memory)


def write_frame(frame: pd.DataFrame, path: str | Path, force: bool = False, sep: str = ",") -> Path:
    """Write a sweep DataFrame atomically: CSV for ``.csv`` (separated by ``sep``), Parquet for
    ``.parquet``/``.pq`` (needs pyarrow). A workbook is written by ``write_sweep`` (``write_stream``).

    CSV text cells that would start a formula are defused (``defuse``); Parquet refuses amounts
    beyond int64 (``ParquetOverflow``).
    """
    from ..atomic import atomic_write

    target = Path(path)
    fmt = output_format(target)
    if fmt == "csv":
        return atomic_write(target, lambda tmp: _write_csv(frame, tmp, sep), force=force)
    if fmt == "xlsx":
        raise InputError(Problem(str(path), "a DataFrame is written as .csv or .parquet; for a workbook, "
                                            "write the sweep with write_sweep(PATH.xlsx, …)"))
    _need_pyarrow(path)
    for name in frame.columns:
        col = frame[name]
        if col.dtype == object and any(isinstance(v, int) and not INT64_MIN <= v <= INT64_MAX for v in col):
            raise ParquetOverflow(Problem(str(path), (
                f"{name} has a value beyond Parquet's 64-bit integers (at most {INT64_MAX}); write CSV instead, "
                "which holds whole numbers of any size (nothing was written)")))
    return atomic_write(target, lambda tmp: frame.to_parquet(tmp, index=False, engine="pyarrow"), force=force)



def _write_csv(frame: pd.DataFrame, path: Path, sep: str = ",") -> None:
    """``write_csv`` into a file."""
    with open(path, "wb") as fh:
        write_csv(frame, fh, sep)


def _frame_cells(frame: pd.DataFrame, sep: str = ",") -> list[Cells]:
    """A DataFrame's columns as ``Cells``: categoricals and text as codes into quoted categories,
    integers (int64, or Python ints in an object column) as numbers."""
    import pandas as pd

    cells = []
    for name in frame.columns:
        col = frame[name]
        if isinstance(col.dtype, pd.CategoricalDtype):
            codes = col.cat.codes.to_numpy()
            categories = [_quote(str(c), sep) for c in col.cat.categories]
            if (codes < 0).any():  # missing values: an empty cell
                codes = np.where(codes < 0, len(categories), codes)
                categories.append("")
            cells.append(Cells(str(name), codes, categories))
        elif pd.api.types.is_integer_dtype(col.dtype) and col.dtype != object:
            cells.append(Cells(str(name), col.to_numpy(dtype=np.int64)))
        elif col.dtype == object and all(isinstance(v, int) and not isinstance(v, bool) for v in col):
            cells.append(Cells(str(name), col.to_numpy(dtype=object)))
        else:
            codes, uniques = pd.factorize(col, use_na_sentinel=False)
            cells.append(Cells(str(name), codes, [_quote("" if pd.isna(u) else str(u), sep) for u in uniques]))
    return cells


def write_csv(frame: pd.DataFrame, fh: BinaryIO, sep: str = ",") -> None:
    """CSV with a header, ``\\n`` line ends, no index, values as in ``allocate --format csv``.

    Text cells (and column names) that would start a formula get a leading ``'`` (``defuse``);
    text with the separator ``sep`` (``,``, ``;`` or a tab), a quote or a line break is quoted.
    With pyarrow installed and no text that needs quoting, pyarrow writes it (fast); otherwise it
    is joined in Python, with the same text.
    Streamed sweeps (``write_stream``) write the same bytes, chunk by chunk.
    """
    cells = _frame_cells(frame, sep)
    fh.write(_render([c.name for c in cells], cells, header=True, sep=sep))
