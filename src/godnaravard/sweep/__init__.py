"""Sweeps: an agreement's allocation for many scenarios at once, exact to the krona, in integer numpy.

A sweep varies parameters of an agreement over ranges or lists (``grid``), or reads one scenario
per row of a CSV file (``read_scenarios``), and allocates every scenario. Each row of the result
is what ``godnaravard.allocate`` gives for that scenario, bit for bit: the engine (``engine``)
applies the core's line rule to every budget line of the agreement (``core.line``) and its
rounding rule (``core.rounding``: largest remainders, ties to the larger exact share, then the
smaller key), but to arrays of scenarios instead of one scenario at a time. Any parameter of the
agreement may vary: amounts, shares and weights; the keys are the agreement's (``--set`` keys).

    >>> from godnaravard.agreements import load_agreement
    >>> from godnaravard.sweep import sweep
    >>> ag = load_agreement()
    >>> line = ag.rules.lines[0]
    >>> total = ag.parameters.amount(line.total)
    >>> frame = sweep({line.total: [total, total + 1]})
    >>> [int(frame[frame.scenario == s][line.name].sum()) - total for s in (1, 2)]
    [0, 1]

Sizes: ``sweep`` and ``run`` build the whole table in memory and refuse more than
``MAX_FRAME_ROWS`` rows (scenarios × recipients); ``write_sweep`` streams any sweep (up to
``MAX_SCENARIOS`` scenarios) to a CSV or Parquet file chunk by chunk in bounded memory, and
``iter_frames`` yields it as DataFrames, chunk by chunk. Scenarios beyond the fast integer path's
bounds go to the exact core, one by one; ``notify`` (or a ``SlowSweepWarning``) says how many
and about how long that takes, before it starts.

Modules: ``scenarios`` (what varies, parsed, counted and checked against the agreement),
``engine`` (the integer engine, with its overflow bounds proven in its docstring and checked at
run time; what fails them goes to the exact core), ``output`` (CSV and Parquet files, streamed).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from ..errors import InputError, Problem
from .engine import Engine, ScenarioError, SweepResult, collect, compute
from .output import (
    MAX_OUTPUT_BYTES,
    OutputTooLarge,
    ParquetOverflow,
    Written,
    defuse,
    write_csv,
    write_frame,
    write_stream,
)
from .scenarios import (
    MAX_FILE_BYTES,
    MAX_FILE_SCENARIOS,
    MAX_SCENARIOS,
    ScenarioSet,
    ValueRange,
    _spaced,
    agreement_of,
    grid,
    parse_spec,
    read_scenarios,
    scenarios_from_records,
)

if TYPE_CHECKING:
    import pandas as pd

    from ..agreements import Agreement
    from ..scenario import Scenario

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_FILE_SCENARIOS",
    "MAX_FRAME_ROWS",
    "MAX_OUTPUT_BYTES",
    "MAX_SCENARIOS",
    "Engine",
    "OutputTooLarge",
    "ParquetOverflow",
    "ScenarioError",
    "ScenarioSet",
    "SlowSweepWarning",
    "SweepResult",
    "ValueRange",
    "Written",
    "agreement_of",
    "compute",
    "defuse",
    "grid",
    "iter_frames",
    "parse_spec",
    "prepare",
    "read_scenarios",
    "run",
    "scenarios_from_records",
    "slow_path_notice",
    "sweep",
    "write_csv",
    "write_frame",
    "write_stream",
    "write_sweep",
]

#: ``sweep`` and ``run`` (in memory) refuse more rows (scenarios × recipients) than this: about
#: 1 GB as a DataFrame. ``write_sweep`` and ``iter_frames`` stream any sweep instead.
MAX_FRAME_ROWS = 10_000_000

Scenarios = str | Path | Sequence[Mapping[str, Any]] | ScenarioSet


class SlowSweepWarning(UserWarning):
    """Scenarios of a sweep go to the exact core, one by one (said before they are computed)."""


class Bar:
    """A rich progress bar on stderr over ``total`` scenarios: ``advance(k)``, then ``stop()``."""

    def __init__(self, total: int, label: str = "sweep"):
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self._bar = Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                             console=Console(stderr=True), transient=True)
        self._task = self._bar.add_task(label, total=total)
        self._bar.start()

    def advance(self, k: int) -> None:
        """``k`` more scenarios done."""
        self._bar.advance(self._task, k)

    def stop(self) -> None:
        """Remove the bar."""
        self._bar.stop()


def scenario_set(
    vary: Mapping[str, str | Iterable[Any]] | None, scenarios: Scenarios | None, agreement: Agreement,
    base: Mapping[str, int | Fraction] | None = None,
) -> ScenarioSet:
    """The scenarios of ``vary`` (a grid) or of ``scenarios`` (a file, records or a set), for
    ``agreement``; relative values (``+10%``) apply to ``base``, the base scenario's parameters."""
    if (vary is None) == (scenarios is None):
        raise InputError(Problem("sweep", "give either ranges to vary or scenarios, not both or neither"))
    if isinstance(scenarios, ScenarioSet):
        return scenarios
    if isinstance(scenarios, (str, Path)):
        return read_scenarios(scenarios, agreement, base)
    if scenarios is not None:
        return scenarios_from_records(scenarios, agreement=agreement, base=base)
    assert vary is not None
    return grid(vary, agreement=agreement, base=base)


def prepare(
    vary: Mapping[str, str | Iterable[Any]] | None = None,
    scenarios: Scenarios | None = None,
    *,
    scenario: Scenario | str | Path | None = None,
    overrides: Mapping[str, Any] | None = None,
    population: str | Path | None = None,
    landsbygd: str | Path | None = None,
    agreement: Agreement | str | Path | None = None,
    data: Mapping[str, str | Path] | None = None,
    data_dates: Mapping[str, Any] | None = None,
) -> tuple[Engine, Scenario]:
    """The ``Engine`` of a sweep (nothing computed per scenario yet) and the base scenario."""
    from ..api import load_agreement_inputs, resolve_scenario

    if (vary is None) == (scenarios is None):
        raise InputError(Problem("sweep", "give either ranges to vary or scenarios, not both or neither"))
    base = resolve_scenario(scenario, overrides, population, landsbygd, agreement, data, data_dates)
    sset = scenario_set(vary, scenarios, base.agreement, base.parameters.as_dict())
    return Engine(load_agreement_inputs(base), base.parameters, sset), base


def _duration(seconds: float) -> str:
    """``12 s``, ``4 min 10 s``, ``3 h 25 min``, ``2 days 3 h``."""
    s = round(seconds)
    if s < 60:
        return f"{max(seconds, 0.1):.1f} s" if seconds < 10 else f"{s} s"
    if s < 3600:
        return f"{s // 60} min {s % 60} s"
    if s < 86400:
        return f"{s // 3600} h {s % 3600 // 60} min"
    days = s // 86400
    return f"{days} day{'s' if days > 1 else ''} {s % 86400 // 3600} h"


def slow_path_notice(engine: Engine) -> tuple[str, float] | None:
    """Say how many scenarios leave the fast integer path and how long the exact core may take.

    Counts them without computing them (``Engine.survey``), times the core on the first few (which
    are kept, and which raise ``ScenarioError`` at once if the core refuses them), and returns the
    message and the estimated seconds; None when every scenario stays on the fast path.
    """
    survey = engine.survey()
    if not survey.core_scenarios:
        return None
    per = engine.probe(survey.first) or 0.0
    seconds = per * survey.core_scenarios
    count = survey.core_scenarios
    if count == engine.size:
        subject = "the scenario" if count == 1 else f"all {_spaced(count)} scenarios"
    else:
        subject = f"{_spaced(count)} of {_spaced(engine.size)} scenarios"
    exceed, go = ("exceeds", "goes") if count == 1 else ("exceed", "go")
    message = (f"{subject} {exceed} the int64 bounds of the fast integer path (very large totals, or shares "
               f"with very large denominators) and {go} to the exact Python core, one by one: about "
               f"{per * 1000:.1f} ms each, about {_duration(seconds)} in all")
    if seconds >= 10:
        message += " (Ctrl-C stops the sweep; an output file is then not written)"
    return message, seconds


def _announce(engine: Engine, notify: Callable[[str], None] | None) -> None:
    found = slow_path_notice(engine)
    if found is None:
        return
    if notify is not None:
        notify(found[0])
    else:
        warnings.warn(found[0], SlowSweepWarning, stacklevel=3)


def _frame_rows(engine: Engine) -> None:
    rows = engine.size * engine.n
    if rows > MAX_FRAME_ROWS:
        raise InputError(Problem("sweep", (
            f"{_spaced(engine.size)} scenarios × {engine.n} {engine.rules.recipients_word} = {_spaced(rows)} rows; a sweep "
            f"in memory (sweep, run) holds at most {_spaced(MAX_FRAME_ROWS)} rows: stream it to a file with "
            "write_sweep (or `godnaravard sweep --output`), or chunk by chunk with iter_frames")))


def run(
    vary: Mapping[str, str | Iterable[Any]] | None = None,
    scenarios: Scenarios | None = None,
    *,
    scenario: Scenario | str | Path | None = None,
    overrides: Mapping[str, Any] | None = None,
    population: str | Path | None = None,
    landsbygd: str | Path | None = None,
    agreement: Agreement | str | Path | None = None,
    data: Mapping[str, str | Path] | None = None,
    data_dates: Mapping[str, Any] | None = None,
    progress: bool = False,
    notify: Callable[[str], None] | None = None,
) -> SweepResult:
    """Like ``sweep`` but returns the ``SweepResult`` (arrays) instead of a DataFrame."""
    engine, base = prepare(vary, scenarios, scenario=scenario, overrides=overrides, population=population,
                           landsbygd=landsbygd, agreement=agreement, data=data, data_dates=data_dates)
    _frame_rows(engine)
    _announce(engine, notify)
    bar = Bar(engine.size) if progress else None
    try:
        result = collect(engine, bar.advance if bar else None)
    finally:
        if bar is not None:
            bar.stop()
    result.base = base
    return result


def sweep(
    vary: Mapping[str, str | Iterable[Any]] | None = None,
    scenarios: Scenarios | None = None,
    *,
    scenario: Scenario | str | Path | None = None,
    overrides: Mapping[str, Any] | None = None,
    population: str | Path | None = None,
    landsbygd: str | Path | None = None,
    agreement: Agreement | str | Path | None = None,
    data: Mapping[str, str | Path] | None = None,
    data_dates: Mapping[str, Any] | None = None,
    progress: bool = False,
    notify: Callable[[str], None] | None = None,
) -> pd.DataFrame:
    """Allocate many scenarios of an agreement at once; one row per scenario and recipient, in memory.

    Args:
        vary: ``{key: spec}`` with ``spec`` a range ``"start:stop:step"`` (stop included when it is
            a whole number of steps from start), a list ``"a,b,c"`` or an iterable of values. All
            combinations are swept; the first key varies slowest. The keys are the agreement's
            parameters (those of ``--set``). A relative value (``"+10%"``, ``"*1.1"``, a range
            ``"-10%:+10%:5%"``) applies to the base scenario's value.
        scenarios: instead of ``vary``, a CSV path (one column per key, one row per scenario,
            optional ``scenario`` id column), a list of ``{key: value}`` dicts or a ``ScenarioSet``.
        scenario, overrides, population, landsbygd, agreement, data, data_dates: the base every
            scenario starts from, as for ``godnaravard.allocate`` (default: the default agreement
            as signed).
        progress: show a progress bar on stderr.
        notify: called once with a message when scenarios leave the fast integer path (how many,
            and about how long the exact core takes for them), before they are computed; without
            it, a ``SlowSweepWarning`` says so.

    Returns:
        A DataFrame with the columns ``scenario``, the varied keys, ``lan_code``, ``region`` (the
        recipient's name) and the agreement's amount columns in the order of ``allocate --format
        csv`` (int64 kronor), equal to ``allocate`` row for row.

    Raises:
        InputError: a range, list, file or value is invalid (names where), or the table would have
            more than ``MAX_FRAME_ROWS`` rows (use ``write_sweep`` or ``iter_frames``).
        ScenarioError: the core refuses one of the scenarios (an ``AllocationError``).
    """
    return run(vary, scenarios, scenario=scenario, overrides=overrides, population=population,
               landsbygd=landsbygd, agreement=agreement, data=data, data_dates=data_dates, progress=progress,
               notify=notify).to_frame()


def iter_frames(
    vary: Mapping[str, str | Iterable[Any]] | None = None,
    scenarios: Scenarios | None = None,
    *,
    scenario: Scenario | str | Path | None = None,
    overrides: Mapping[str, Any] | None = None,
    population: str | Path | None = None,
    landsbygd: str | Path | None = None,
    agreement: Agreement | str | Path | None = None,
    data: Mapping[str, str | Path] | None = None,
    data_dates: Mapping[str, Any] | None = None,
    chunk_scenarios: int = 25_000,
    notify: Callable[[str], None] | None = None,
) -> Iterator[pd.DataFrame]:
    """``sweep`` chunk by chunk: DataFrames of ``chunk_scenarios`` scenarios each, in order, in
    bounded memory (for aggregating sweeps too large for one table)."""
    engine, _ = prepare(vary, scenarios, scenario=scenario, overrides=overrides, population=population,
                        landsbygd=landsbygd, agreement=agreement, data=data, data_dates=data_dates)
    _announce(engine, notify)
    for chunk in engine.chunks(chunk_scenarios):
        yield chunk.to_frame()


def write_sweep(
    output: str | Path | BinaryIO,
    vary: Mapping[str, str | Iterable[Any]] | None = None,
    scenarios: Scenarios | None = None,
    *,
    scenario: Scenario | str | Path | None = None,
    overrides: Mapping[str, Any] | None = None,
    population: str | Path | None = None,
    landsbygd: str | Path | None = None,
    agreement: Agreement | str | Path | None = None,
    data: Mapping[str, str | Path] | None = None,
    data_dates: Mapping[str, Any] | None = None,
    force: bool = False,
    progress: bool = False,
    notify: Callable[[str], None] | None = None,
    sep: str = ",",
) -> Written:
    """Sweep straight into a file (``.csv``, ``.parquet`` or ``.xlsx``, atomically) or a binary stream
    (CSV), chunk by chunk, in bounded memory: the same rows as ``sweep``, for up to ``MAX_SCENARIOS``
    (a workbook: up to Excel's 1 048 576 rows, the heading included; ``TooManyRows`` beyond).
    ``sep``: the CSV separator, ``,`` ``;`` (decimal commas) or a tab (``godnaravard.csvout``).

    ``force`` replaces an existing file and allows an output above ``MAX_OUTPUT_BYTES`` (1 GB,
    estimated before anything is written; ``OutputTooLarge`` otherwise).
    """
    engine, _ = prepare(vary, scenarios, scenario=scenario, overrides=overrides, population=population,
                        landsbygd=landsbygd, agreement=agreement, data=data, data_dates=data_dates)
    _announce(engine, notify)
    bar = Bar(engine.size) if progress else None
    try:
        if isinstance(output, (str, Path)):
            return write_stream(engine, output, force=force, progress=bar.advance if bar else None, sep=sep)
        return write_stream(engine, stream=output, force=force, progress=bar.advance if bar else None, sep=sep)
    finally:
        if bar is not None:
            bar.stop()
