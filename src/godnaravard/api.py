"""The Python API: one path from scenario and data to a result, shared by the CLI.

    >>> import godnaravard
    >>> result = godnaravard.allocate(overrides={"ambulans.grundbelopp": 1_000_000})
    >>> result.totals()["ambulans"]
    46000000
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import core
from .agreements import Agreement
from .frozen import frozen
from .scenario import Scenario, load_scenario, with_overrides
from .scenario_inputs import read_inputs

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Allocation", "allocate", "load_agreement_inputs", "resolve_scenario"]


@frozen
class Allocation:
    """The result of one allocation together with the scenario it was computed under.

    ``rows`` has one row (a dict by column name) per recipient; ``result`` is the core's
    ``Result`` with every exact share and balancing krona; ``scenario`` says where each parameter
    came from and which agreement it applies; ``notes`` say how the inputs were read, where that
    is worth saying (an own file that gave only some columns). ``as_signed``: the agreement's own
    parameters and data (``Scenario.as_signed``), so the signed tables' adjustments were applied
    (``result.adjustments``); otherwise the figures are the rule's alone.
    """

    scenario: Scenario
    result: core.Result
    notes: tuple[str, ...] = ()
    as_signed: bool = False

    @property
    def agreement(self) -> Agreement:
        """The agreement allocated."""
        return self.scenario.agreement

    @property
    def columns(self) -> tuple[str, ...]:
        """The output columns, in order (those of ``allocate --format csv``)."""
        return self.result.rules.column_names

    @property
    def rows(self) -> tuple[core.Row, ...]:
        """One row per recipient, in the order of the data file."""
        return self.result.rows

    def totals(self) -> dict[str, int]:
        """The sum of every amount column."""
        return self.result.totals()

    def to_records(self) -> list[dict[str, str | int]]:
        """The rows as dicts with the columns of ``allocate --format csv``."""
        return [dict(r) for r in self.rows]

    def to_frame(self) -> pd.DataFrame:
        """A pandas DataFrame: one row per recipient, the columns of ``allocate --format csv``."""
        try:
            import pandas as pd
        except ImportError:
            raise ImportError("to_frame() needs pandas: pip install 'godnaravard[sweep]'") from None

        rules = self.result.rules
        frame = pd.DataFrame.from_records(self.to_records(), columns=list(rules.column_names))
        for col in (*rules.count_columns, *rules.amount_columns):
            frame[col] = frame[col].astype("int64")
        return frame


def resolve_scenario(
    scenario: Scenario | str | Path | None = None,
    overrides: Mapping[str, Any] | None = None,
    population: str | Path | None = None,
    landsbygd: str | Path | None = None,
    agreement: Agreement | str | Path | None = None,
    data: Mapping[str, str | Path] | None = None,
    data_dates: Mapping[str, Any] | None = None,
) -> Scenario:
    """A scenario object from a name, a path or an object, with overrides and data files applied.

    ``population`` and ``landsbygd`` are short forms of ``data`` (own files by data slot) for the
    agreement's recipients slot and its rural-key slot, whatever they are named;
    ``data_dates`` dates own files. The scenario's headings follow its own files' dates
    (``Scenario.labelled``, issue 18 §2).
    """
    sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario, agreement)
    sc = with_overrides(sc, overrides)
    if population is not None or landsbygd is not None or data or data_dates:
        from .own_data import merged_files

        sc = sc.with_data(merged_files(sc.agreement, population, landsbygd, data), data_dates)
    return sc.labelled()


def load_agreement_inputs(sc: Scenario) -> core.Inputs:
    """The scenario's inputs: its own files where given, else the agreement's data."""
    return read_inputs(sc)[0]


def allocate(
    scenario: Scenario | str | Path | None = None,
    overrides: Mapping[str, Any] | None = None,
    *,
    population: str | Path | None = None,
    landsbygd: str | Path | None = None,
    agreement: Agreement | str | Path | None = None,
    data: Mapping[str, str | Path] | None = None,
    data_dates: Mapping[str, Any] | None = None,
) -> Allocation:
    """Allocate every budget line of an agreement under a scenario.

    Args:
        scenario: ``None`` for the agreement as signed, an agreement's name or alias, a path to a
            scenario TOML file, or a ``Scenario``.
        overrides: parameter changes with the same keys as ``--set``, e.g.
            ``{"ambulans.grundbelopp": 1_000_000, "kommuner.andel_insatser": "1/4"}``.
        population, landsbygd: input files replacing the scenario's (or the agreement's) data;
            short forms of ``data={SLOT: path}`` for the agreement's recipients slot
            (``kind = "recipients"``) and its rural-key slot (``kind = "rural_key"``), whatever
            they are named; ``landsbygd`` for an agreement without a rural key is an ``InputError``.
        data: own data files by data slot (``godnaravard.own_data.data_slots``), e.g.
            ``{"population": "befolkning.csv"}``: the slots are the names of the agreement's
            ``[data.NAME]``; an unknown slot is an ``InputError`` naming the slots.
        data_dates: the dates of own files by slot (``"YYYY-MM-DD"`` or ``datetime.date``): every
            heading derived from the data's date follows it; an own file without one is headed as
            the user's own ("Befolkning (egen fil)").
        agreement: the agreement by name, alias or path (default: the default agreement), when
            ``scenario`` does not name one.

    Raises:
        InputError: a file, scenario or override is invalid (names the file, row, column).
        AllocationError: the parameters cannot be applied to the data (e.g. base amount × number
            of regions above the ambulance total, or rural weights that need unknown categories).
            When the agreement's own parameters and data fail, the definition itself is wrong:
            that is an ``InputError`` naming the definition file.
    """
    sc = resolve_scenario(scenario, overrides, population, landsbygd, agreement, data, data_dates)
    inputs, notes = read_inputs(sc)
    signed = sc.signed_with(inputs)
    adjustments = sc.agreement.rules.adjustments if signed else ()
    if adjustments:
        _check_recipients(sc.agreement, inputs)
    try:
        result = core.allocate(inputs, sc.parameters, adjustments=adjustments)
    except core.AllocationError as exc:
        if not (sc.is_baseline or signed):
            raise
        from .agreements import shown_path
        from .errors import InputError, Problem

        key = "adjustments" if "adjustment" in str(exc) else "parameters"
        raise InputError(Problem(shown_path(sc.agreement.path), str(exc), key=key)) from None
    notes = (*(c.describe() for c in sc.relative.values()), *notes)  # how each relative change arose
    return Allocation(scenario=sc, result=result, notes=notes, as_signed=signed)


def _check_recipients(ag: Agreement, inputs: core.Inputs) -> None:
    """Each adjustment names recipients of the agreement's data (checked where the data is known);
    an unknown code is a problem of the definition, named by its key path."""
    from .agreements import shown_path
    from .errors import InputError, Problem

    codes = {r.code for r in inputs.recipients}
    problems = [
        Problem(shown_path(ag.path), f"unknown {ag.rules.recipient} code {code!r}: the data file "
                                     f"{ag.recipients.path.name} has no such recipient",
                key=f"adjustments[{i}].kronor.{code}")
        for i, adj in enumerate(ag.rules.adjustments) for code in adj.kronor if code not in codes
    ]
    if problems:
        raise InputError(problems)
