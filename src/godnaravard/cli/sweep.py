"""``godnaravard sweep``: an agreement's allocation for a grid (or a file) of scenarios, exact to the krona."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import BinaryIO

import click

from ..errors import Problem
from .common import (
    csv_only,
    fail,
    handle_errors,
    key_values,
    overrides_from,
    own_data,
    scenario_options,
    sep_option,
    writing,
)

__all__ = ["sweep_cmd"]

#: Show a progress bar (on a terminal) from this many scenarios on.
PROGRESS_FROM = 20_000
_FORMATS = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet", ".xlsx": "xlsx"}


def _vary(specs: tuple[str, ...]) -> dict[str, str]:
    """``--vary KEY=SPEC`` options into ``{key: spec}``; a key given twice is refused, as by ``--set``."""
    return key_values(specs, "--vary", "KEY=SPEC")


def _check_usage(vary: tuple[str, ...], scenarios_file: Path | None, output: Path | None, force: bool) -> None:
    """Usage errors before any work: --vary or --scenarios, the output's name and existence, and the
    extras the sweep needs (numpy and pandas; pyarrow for Parquet)."""
    if bool(vary) == (scenarios_file is not None):
        fail("give --vary KEY=SPEC (one or more) or --scenarios FILE.csv, not both")
    if output is not None:
        if output.suffix.lower() not in _FORMATS:
            fail(f"{output}: unknown output format; the file name must end in .csv, .parquet or .xlsx")
        if output.exists() and not force:
            fail(f"{output} already exists; use --force to replace it (the file was left unchanged)")
        if _FORMATS[output.suffix.lower()] == "parquet":
            try:
                import pyarrow  # noqa: F401
            except ImportError:
                fail("Parquet output needs pyarrow: pip install 'godnaravard[parquet]'")

    try:
        import numpy  # noqa: F401
        import pandas  # noqa: F401
    except ImportError as exc:
        fail(f"sweep needs numpy and pandas ({exc.name} is not installed), an extra of the lean install: "
             "pip install 'godnaravard[sweep]'")


@click.command("sweep")
@scenario_options
@click.option("--vary", "vary", metavar="KEY=SPEC", multiple=True,
              help="Vary a parameter of the agreement: a range start:stop:step (stop included when a whole "
                   "number of steps away), a list a,b,c (decimals with a point, or 1/4, 25%), or one value; "
                   "relative to the base scenario: +10%, -2.5%, *1.1, or a range -10%:+10%:5%. "
                   "Repeat to sweep every combination (the first --vary varies slowest). "
                   "`godnaravard parameters` lists the keys.")
@click.option("--scenarios", "scenarios_file", metavar="FILE.csv", type=click.Path(path_type=Path),
              default=None,
              help="Scenarios from a CSV file: one column per parameter key, one row per scenario, "
                   "optional column 'scenario' with ids. Instead of --vary. At most 100 000 scenarios "
                   "and 16 MiB.")
@click.option("--output", "-o", metavar="FILE", type=click.Path(path_type=Path), default=None,
              help="Write to FILE.csv, FILE.parquet or FILE.xlsx (by extension; atomically; a workbook holds at "
                   "most 1 048 575 rows below its heading). Default: CSV on stdout.")
@sep_option
@click.option("--force", is_flag=True,
              help="Replace the output file if it exists, and write more than 1 GB (without it, a sweep whose "
                   "output is estimated above 1 GB is refused before anything is written).")
@handle_errors
def sweep_cmd(agreement: str | None, scenario: str | None, assignments: tuple[str, ...], population: Path | None,
              landsbygd: Path | None, data: tuple[str, ...], data_dates: tuple[str, ...], vary: tuple[str, ...],
              scenarios_file: Path | None, output: Path | None, sep: str, force: bool) -> None:
    """Allocate many scenarios at once: one row per scenario and recipient.

    Columns: scenario (id), the varied parameters, code and name (lan_code, region; kommun_code,
    kommun), and the amount columns of 'allocate --format csv' in whole kronor, equal to what
    'allocate --set ...' prints for that scenario. The keys are the agreement's parameters ('godnaravard
    parameters' lists them). --agreement, --scenario, --set, --population and --landsbygd give
    the base every scenario starts from; --vary overrides --set for its key.

    Up to 10 000 000 scenarios, written chunk by chunk in bounded memory. An output estimated
    above 1 GB needs --force. Scenarios beyond the fast integer path (totals of trillions of
    kronor) are computed one by one by the exact core: a note says how many, and how long.
    CSV text cells that would start a formula are written with a leading apostrophe; --sep ';'
    writes CSV for Swedish Excel. FILE.xlsx writes a workbook (kronor as numbers), refused before
    any work when the sweep has more rows than an Excel sheet holds.

    \b
    Example (the default agreement):
      godnaravard sweep --vary ambulans.grundbelopp=0:2000000:10000 \\
          --vary kommuner.andel_insatser=0,1/4,1/2,3/4,1 --output sweep.parquet
    """
    _check_usage(vary, scenarios_file, output, force)
    csv_only(sep, output is None or _FORMATS[output.suffix.lower()] == "csv")
    from ..api import load_agreement_inputs, resolve_scenario
    from ..render import scenario_title
    from ..sweep import Bar, Engine, grid, read_scenarios, slow_path_notice, write_stream
    from ..sweep.output import ParquetOverflow, TooManyRows, parquet_problem
    from ..sweep.workbook import xlsx_problem

    base = resolve_scenario(scenario, overrides_from(assignments), population, landsbygd, agreement,
                            **own_data(data, data_dates))
    ag = base.agreement
    # Counted before anything is built: a grid by the product of its value counts, a file by its size.
    values = base.parameters.as_dict()  # relative values (+10%) apply to the base scenario's
    sset = (read_scenarios(scenarios_file, ag, values) if scenarios_file is not None
            else grid(_vary(vary), agreement=ag, base=values))
    for note in sset.notes:
        click.echo(f"godnaravard: note: {note}", err=True)
    engine = Engine(load_agreement_inputs(base), base.parameters, sset)
    if output is not None and _FORMATS[output.suffix.lower()] == "parquet":
        problem = parquet_problem(engine)
        if problem:
            raise ParquetOverflow(Problem(str(output), problem + " (nothing was written)"))
    if output is not None and _FORMATS[output.suffix.lower()] == "xlsx":
        problem = xlsx_problem(engine, output)
        if problem:
            raise TooManyRows(Problem(str(output), problem))
    # Before the slow scenarios are computed: how many leave the fast path, and how long they take.
    slow = slow_path_notice(engine)
    if slow is not None:
        click.echo(f"godnaravard: note: {slow[0]}", err=True)
    terminal = sys.stderr.isatty()
    bar = Bar(sset.size) if terminal and (sset.size >= PROGRESS_FROM or (slow and slow[1] >= 2)) else None
    try:
        if output is None:
            buffer: BinaryIO | None = getattr(sys.stdout, "buffer", None)
            # click 8.2 serves get_binary_stream through a deprecating module __getattr__ typed as object:
            stdout = buffer or click.get_binary_stream("stdout")  # type: ignore[operator]  # see above
            try:
                write_stream(engine, stream=stdout, force=force, progress=bar.advance if bar else None, sep=sep)
                stdout.flush()
            except BrokenPipeError:
                raise
            except OSError as exc:
                fail(f"cannot write to standard output: {exc.strerror or exc}")
            return
        with writing(output):
            written = write_stream(engine, output, force=force, progress=bar.advance if bar else None, sep=sep,
                                   title=scenario_title(base))
    finally:
        if bar is not None:
            bar.stop()
    # The base's title: the agreement's, and the scenario with its changes and own files, if any.
    from ..terminal import terminal_text

    title = terminal_text(scenario_title(base))
    click.echo(f"{title}: sweep of {sset.size} scenarios × {engine.n} {ag.rules.recipients_word} "
               f"= {written.rows} rows → {output}", err=True)
