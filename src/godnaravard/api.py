"""The Python API: one path from scenario and data to a result, shared by the CLI.

    >>> import godnaravard
    >>> result = godnaravard.allocate(overrides={"ambulans.grundbelopp": 1_000_000})
    >>> result.totals()["ambulans"]
    46000000
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import core
from .inputs import load_inputs
from .scenario import Scenario, load_scenario, with_overrides

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Allocation", "allocate", "resolve_scenario"]


@dataclass(frozen=True, slots=True)
class Allocation:
    """The result of one allocation together with the scenario it was computed under.

    ``rows`` has one ``RegionRow`` per län; ``result`` is the core's ``Result`` with every exact
    share and balancing krona; ``scenario`` says where each parameter came from.
    """

    scenario: Scenario
    result: core.Result

    @property
    def rows(self) -> tuple[core.RegionRow, ...]:
        """One row per län, in the order of the population file."""
        return self.result.rows

    def totals(self) -> dict[str, int]:
        """The sum of every amount column."""
        return self.result.totals()

    def to_records(self) -> list[dict[str, str | int]]:
        """The rows as dicts with the columns of ``allocate --format csv``."""
        return [r.as_dict() for r in self.rows]

    def to_frame(self) -> pd.DataFrame:
        """A pandas DataFrame: one row per län, the columns of ``allocate --format csv``."""
        import pandas as pd

        frame = pd.DataFrame.from_records(self.to_records(), columns=list(core.OUTPUT_COLUMNS))
        for col in core.OUTPUT_COLUMNS[3:]:
            frame[col] = frame[col].astype("int64")
        return frame


def resolve_scenario(
    scenario: Scenario | str | Path | None = None,
    overrides: Mapping[str, Any] | None = None,
    population: str | Path | None = None,
    landsbygd: str | Path | None = None,
) -> Scenario:
    """A scenario object from a name, a path or an object, with overrides and data files applied."""
    sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    sc = with_overrides(sc, overrides)
    if population is not None or landsbygd is not None:
        from dataclasses import replace

        sc = replace(
            sc,
            population=Path(population) if population is not None else sc.population,
            landsbygd=Path(landsbygd) if landsbygd is not None else sc.landsbygd,
        )
    return sc


def allocate(
    scenario: Scenario | str | Path | None = None,
    overrides: Mapping[str, Any] | None = None,
    *,
    population: str | Path | None = None,
    landsbygd: str | Path | None = None,
) -> Allocation:
    """Allocate every budget line of the agreement under a scenario.

    Args:
        scenario: ``None`` or ``"2024"`` for the baseline, a path to a scenario TOML file, or a
            ``Scenario``.
        overrides: parameter changes with the same keys as ``--set``, e.g.
            ``{"ambulans.grundbelopp": 1_000_000, "kommuner.andel_insatser": "1/4"}``.
        population, landsbygd: input files replacing the scenario's (or the shipped) data.

    Raises:
        InputError: a file, scenario or override is invalid (names the file, row, column).
        AllocationError: the parameters cannot be applied to the data (e.g. base amount × number
            of regions above the ambulance total, or rural weights that need unknown categories).
    """
    sc = resolve_scenario(scenario, overrides, population, landsbygd)
    inputs = load_inputs(sc.population, sc.landsbygd)
    return Allocation(scenario=sc, result=core.allocate(inputs, sc.parameters))
