"""The whole allocation: every rule applied to one set of inputs and parameters.

This is the pure core's entry point. It reads no files and imports nothing heavy: give it
validated ``Inputs`` and ``Parameters`` and it returns a ``Result`` with every column of bilaga
2, 3 and 4, the exact shares behind each krona, and the budget lines of avsnitt 11.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from .avsnitt11 import BudgetLine, budget_lines
from .bilaga2_kommuner import kommuner
from .bilaga3_ambulans import ambulans
from .bilaga3_nara_vard import nara_vard
from .bilaga4_landsbygd import landsbygd
from .column import Column
from .model import Inputs, Parameters, Region
from .rounding import ROUNDING_RULE

__all__ = ["RegionRow", "Result", "allocate", "OUTPUT_COLUMNS"]

#: The columns of ``allocate --format csv``, in order (amounts are whole kronor).
OUTPUT_COLUMNS: tuple[str, ...] = (
    "lan_code",
    "lan",
    "region",
    "population",
    "hsl_insatser",
    "nara_vard",
    "landsbygd",
    "nara_vard_befolkning",
    "ambulans",
    "regioner_totalt",
    "kommuner",
    "kommuner_insatser",
    "kommuner_befolkning",
)
#: The amount columns of ``OUTPUT_COLUMNS`` (those that sum to a budget line).
AMOUNT_COLUMNS: tuple[str, ...] = OUTPUT_COLUMNS[5:]


@dataclass(frozen=True, slots=True)
class RegionRow:
    """One line of the output: a region's inputs and every amount it receives."""

    lan_code: str
    lan: str
    region: str
    population: int
    hsl_insatser: int
    nara_vard: int
    landsbygd: int
    nara_vard_befolkning: int
    ambulans: int
    regioner_totalt: int
    kommuner: int
    kommuner_insatser: int
    kommuner_befolkning: int

    def as_dict(self) -> dict[str, str | int]:
        """The row as a dict in the order of ``OUTPUT_COLUMNS``."""
        return {c: getattr(self, c) for c in OUTPUT_COLUMNS}


@dataclass(frozen=True, slots=True)
class Result:
    """Everything one allocation produced.

    Attributes:
        inputs, parameters: what it was computed from.
        landsbygd: bilaga 4.
        nara_vard: bilaga 3 Nära vård (parts ``landsbygd`` and ``befolkning``).
        ambulans: bilaga 3 Ambulans (base amount plus part ``befolkning``).
        kommuner: bilaga 2 (parts ``insatser`` and ``befolkning``).
        budget: the budget lines of avsnitt 11.
    """

    inputs: Inputs
    parameters: Parameters
    landsbygd: Column
    nara_vard: Column
    ambulans: Column
    kommuner: Column
    budget: tuple[BudgetLine, ...]

    @property
    def columns(self) -> dict[str, Column]:
        """The four bilaga columns by name."""
        return {
            "nara_vard": self.nara_vard,
            "landsbygd": self.landsbygd,
            "ambulans": self.ambulans,
            "kommuner": self.kommuner,
        }

    def row(self, region: Region) -> RegionRow:
        """The output row of one region."""
        c = region.lan_code
        nv = self.nara_vard.amount(c)
        amb = self.ambulans.amount(c)
        return RegionRow(
            lan_code=c,
            lan=region.lan,
            region=region.region,
            population=region.population,
            hsl_insatser=region.hsl_insatser,
            nara_vard=nv,
            landsbygd=self.landsbygd.amount(c),
            nara_vard_befolkning=self.nara_vard.parts["befolkning"].amounts[c],
            ambulans=amb,
            regioner_totalt=nv + amb,
            kommuner=self.kommuner.amount(c),
            kommuner_insatser=self.kommuner.parts["insatser"].amounts[c],
            kommuner_befolkning=self.kommuner.parts["befolkning"].amounts[c],
        )

    @property
    def rows(self) -> tuple[RegionRow, ...]:
        """One row per region, in the order of the inputs."""
        return tuple(self.row(r) for r in self.inputs.regions)

    def totals(self) -> dict[str, int]:
        """The sum of every amount column (each equals its budget line)."""
        rows = self.rows
        return {c: sum(getattr(r, c) for r in rows) for c in AMOUNT_COLUMNS} | {
            "population": sum(r.population for r in rows),
            "hsl_insatser": sum(r.hsl_insatser for r in rows),
        }

    def budget_lines_by_column(self) -> dict[str, int]:
        """The budget line each amount column must sum to."""
        p = self.parameters.amount
        k = self.kommuner.split
        assert k is not None
        return {
            "nara_vard": p("regioner.nara_vard_total"),
            "landsbygd": p("regioner.landsbygd_total"),
            "nara_vard_befolkning": p("regioner.nara_vard_total") - p("regioner.landsbygd_total"),
            "ambulans": p("ambulans.total"),
            "regioner_totalt": p("regioner.nara_vard_total") + p("ambulans.total"),
            "kommuner": p("kommuner.total"),
            "kommuner_insatser": k.amounts["insatser"],
            "kommuner_befolkning": k.amounts["befolkning"],
        }

    def exact(self, column: str, lan_code: str) -> Fraction:
        """The exact (unrounded) amount of a bilaga column for one region."""
        return self.columns[column].exact(lan_code)


def allocate(inputs: Inputs, params: Parameters, rule: str = ROUNDING_RULE) -> Result:
    """Apply avsnitt 12's rules to ``inputs`` under ``params`` (bilaga 2, 3, 4 and avsnitt 11).

    ``rule`` names the rounding rule (``rounding.RULES``); only the reconciliation ever passes
    another one than the package's ``ROUNDING_RULE``, to compare.
    """
    rural = landsbygd(inputs, params, rule)
    return Result(
        inputs=inputs,
        parameters=params,
        landsbygd=rural,
        nara_vard=nara_vard(inputs, params, rural, rule),
        ambulans=ambulans(inputs, params, rule),
        kommuner=kommuner(inputs, params, rule),
        budget=budget_lines(params),
    )
