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

Modules: ``scenarios`` (what varies, parsed and checked against the agreement), ``engine`` (the
integer engine, with its overflow bounds proven in its docstring and checked at run time; what
fails them goes to the exact core), ``output`` (CSV and Parquet files).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError, Problem
from .engine import ScenarioError, SweepResult, compute
from .output import write_csv, write_frame
from .scenarios import MAX_SCENARIOS, ScenarioSet, agreement_of, grid, parse_spec, read_scenarios, scenarios_from_records

if TYPE_CHECKING:
    import pandas as pd

    from ..agreements import Agreement
    from ..scenario import Scenario

__all__ = [
    "MAX_SCENARIOS",
    "ScenarioError",
    "ScenarioSet",
    "SweepResult",
    "agreement_of",
    "compute",
    "grid",
    "parse_spec",
    "read_scenarios",
    "run",
    "scenarios_from_records",
    "sweep",
    "write_csv",
    "write_frame",
]

Scenarios = str | Path | Sequence[Mapping[str, Any]] | ScenarioSet


def _progress_bar(total: int) -> tuple[Callable[[int], None], Callable[[], None]]:
    """A rich progress bar on stderr: an ``advance(n)`` callback and a ``stop()``."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    bar = Progress(TextColumn("sweep"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                   console=Console(stderr=True), transient=True)
    task = bar.add_task("sweep", total=total)
    bar.start()
    return (lambda k: bar.advance(task, k)), bar.stop


def scenario_set(
    vary: Mapping[str, str | Iterable[Any]] | None, scenarios: Scenarios | None, agreement: Agreement
) -> ScenarioSet:
    """The scenarios of ``vary`` (a grid) or of ``scenarios`` (a file, records or a set), for ``agreement``."""
    if (vary is None) == (scenarios is None):
        raise InputError(Problem("sweep", "give either ranges to vary or scenarios, not both or neither"))
    if isinstance(scenarios, ScenarioSet):
        return scenarios
    if isinstance(scenarios, (str, Path)):
        return read_scenarios(scenarios, agreement)
    if scenarios is not None:
        return scenarios_from_records(scenarios, agreement=agreement)
    assert vary is not None
    return grid(vary, agreement=agreement)


def run(
    vary: Mapping[str, str | Iterable[Any]] | None = None,
    scenarios: Scenarios | None = None,
    *,
    scenario: Scenario | str | Path | None = None,
    overrides: Mapping[str, Any] | None = None,
    population: str | Path | None = None,
    landsbygd: str | Path | None = None,
    agreement: Agreement | str | Path | None = None,
    progress: bool = False,
) -> SweepResult:
    """Like ``sweep`` but returns the ``SweepResult`` (arrays) instead of a DataFrame."""
    from ..api import load_agreement_inputs, resolve_scenario

    if (vary is None) == (scenarios is None):
        raise InputError(Problem("sweep", "give either ranges to vary or scenarios, not both or neither"))
    base = resolve_scenario(scenario, overrides, population, landsbygd, agreement)
    sset = scenario_set(vary, scenarios, base.agreement)
    inputs = load_agreement_inputs(base)
    advance, stop = _progress_bar(sset.size) if progress else (None, None)
    try:
        result = compute(inputs, base.parameters, sset, advance)
    finally:
        if stop is not None:
            stop()
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
    progress: bool = False,
) -> pd.DataFrame:
    """Allocate many scenarios of an agreement at once; one row per scenario and recipient.

    Args:
        vary: ``{key: spec}`` with ``spec`` a range ``"start:stop:step"`` (stop included when it is
            a whole number of steps from start), a list ``"a,b,c"`` or an iterable of values. All
            combinations are swept; the first key varies slowest. The keys are the agreement's
            parameters (those of ``--set``).
        scenarios: instead of ``vary``, a CSV path (one column per key, one row per scenario,
            optional ``scenario`` id column), a list of ``{key: value}`` dicts or a ``ScenarioSet``.
        scenario, overrides, population, landsbygd, agreement: the base every scenario starts
            from, as for ``godnaravard.allocate`` (default: the default agreement as signed).
        progress: show a progress bar on stderr.

    Returns:
        A DataFrame with the columns ``scenario``, the varied keys, ``lan_code``, ``region`` (the
        recipient's name) and the agreement's amount columns in the order of ``allocate --format
        csv`` (int64 kronor), equal to ``allocate`` row for row.

    Raises:
        InputError: a range, list, file or value is invalid (names where).
        ScenarioError: the core refuses one of the scenarios (an ``AllocationError``).
    """
    return run(vary, scenarios, scenario=scenario, overrides=overrides, population=population,
               landsbygd=landsbygd, agreement=agreement, progress=progress).to_frame()
