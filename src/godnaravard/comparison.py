"""What-if comparisons: two allocations of one agreement side by side, per recipient and column.

``diff(a, b)`` compares two ``Allocation`` objects; ``compare(a, b)`` does the same for scenarios
(an agreement's name or alias, scenario files or ``Scenario`` objects) and returns a pandas
DataFrame. Both sides must apply the same agreement: the columns, their headings and the
recipients come from its definition. Amounts stay whole kronor (``int``); the difference in
percent and the kronor per inhabitant are exact ``Fraction`` values here and become decimals or
floats only when displayed (``decimal``, ``to_frame``).

Nothing heavy is imported at module level: pandas, rich and matplotlib only inside the functions
that need them.

Rendering (CSV, JSON, terminal tables, the figure) is ``comparison_render``; its functions are
also importable from here (``from godnaravard.comparison import comparison_csv``), loaded on
first use.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .agreements import DEFINITION, Agreement, load_agreement
from .api import Allocation, allocate
from .display import decimal
from .errors import InputError, Problem
from .scenario import Scenario, baseline, load_scenario

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "RECORD_FIELDS",
    "Cell",
    "Comparison",
    "RegionComparison",
    "comparable_columns",
    "compare",
    "decimal",
    "default_columns",
    "diff",
    "named_agreement",
    "resolve_side",
]

#: The fields of one record of ``Comparison.to_records`` (and of ``diff --format csv``).
RECORD_FIELDS: tuple[str, ...] = (
    "lan_code", "lan", "region", "column", "population_a", "population_b",
    "a", "b", "diff", "diff_percent", "per_inhabitant_a", "per_inhabitant_b", "per_inhabitant_diff",
)
#: Decimal places shown for percentages and kronor per inhabitant.
PERCENT_PLACES = 4
PER_INHABITANT_PLACES = 4
#: The name of the row of totals.
TOTAL = "Totalt"


def _per(amount: int, population: int) -> Fraction | None:
    return Fraction(amount, population) if population else None


# --- Columns of an agreement -----------------------------------------------------------------

def comparable_columns(agreement: Agreement) -> tuple[str, ...]:
    """Every amount column of the agreement (``--column`` may name any of them), in its order."""
    return agreement.rules.amount_columns


def default_columns(agreement: Agreement) -> tuple[str, ...]:
    """The amount columns of the agreement's overview table (every amount column if it has none)."""
    amounts = set(comparable_columns(agreement))
    try:
        overview = agreement.table("overview").columns
    except KeyError:
        return comparable_columns(agreement)
    return tuple(c for c in overview if c in amounts) or comparable_columns(agreement)


def _columns(agreement: Agreement, columns: Iterable[str] | None) -> tuple[str, ...]:
    if columns is None:
        return default_columns(agreement)
    wanted = list(columns)
    known = comparable_columns(agreement)
    unknown = [c for c in dict.fromkeys(wanted) if c not in known]
    if unknown:
        raise ValueError(f"unknown column(s) {', '.join(unknown)} for the agreement {agreement.name}; "
                         f"the amount columns are: {', '.join(known)}")
    if not wanted:
        return default_columns(agreement)
    return tuple(c for c in known if c in set(wanted))


# --- The comparison --------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Cell:
    """One column of one recipient (or of the total) in A and in B."""

    column: str
    a: int
    b: int
    population_a: int
    population_b: int

    @property
    def diff(self) -> int:
        """B − A in kronor."""
        return self.b - self.a

    @property
    def percent(self) -> Fraction | None:
        """(B − A) / A × 100, exactly; 0 when both are 0, None when only A is 0."""
        if self.a == 0:
            return Fraction(0) if self.b == 0 else None
        return Fraction(100 * self.diff, self.a)

    @property
    def per_inhabitant_a(self) -> Fraction | None:
        """A's kronor per inhabitant (A's population)."""
        return _per(self.a, self.population_a)

    @property
    def per_inhabitant_b(self) -> Fraction | None:
        """B's kronor per inhabitant (B's population)."""
        return _per(self.b, self.population_b)

    @property
    def per_inhabitant_diff(self) -> Fraction | None:
        """The change of kronor per inhabitant from A to B."""
        pa, pb = self.per_inhabitant_a, self.per_inhabitant_b
        return None if pa is None or pb is None else pb - pa


@dataclass(frozen=True, slots=True)
class RegionComparison:
    """One recipient (or the total, with ``lan_code == ""``) in A and B, every column."""

    lan_code: str
    lan: str
    region: str
    population_a: int
    population_b: int
    cells: Mapping[str, Cell]

    @property
    def is_total(self) -> bool:
        """True for the row of totals."""
        return self.lan_code == ""

    @property
    def label(self) -> str:
        """``"09 Gotland"``, or ``"Totalt"`` for the total row."""
        return self.lan if self.is_total else f"{self.lan_code} {self.lan}"


@dataclass(frozen=True, slots=True)
class Comparison:
    """Allocation A against allocation B of one agreement, per recipient and column, with totals.

    Attributes:
        a, b: the two allocations (each with its scenario).
        columns: the compared amount columns, in the agreement's order.
        regions: one ``RegionComparison`` per recipient, in A's order.
        total: the column totals (``lan_code == ""``).
    """

    a: Allocation
    b: Allocation
    columns: tuple[str, ...]
    regions: tuple[RegionComparison, ...]
    total: RegionComparison

    @property
    def agreement(self) -> Agreement:
        """The agreement both sides apply."""
        return self.a.agreement

    def label(self, column: str) -> str:
        """The agreement's heading of a column."""
        return self.agreement.label(column)

    @property
    def parameter_changes(self) -> dict[str, tuple[int | Fraction, int | Fraction]]:
        """The parameters that differ: ``{key: (value in A, value in B)}``."""
        return self.b.scenario.parameters.changed(self.a.scenario.parameters)

    @property
    def data_changes(self) -> dict[str, tuple[Path | None, Path | None]]:
        """The input files that differ (None: the agreement's own file): ``{"population": (A's, B's)}``."""
        own_a, own_b = self.a.scenario.own_files(), self.b.scenario.own_files()
        out = {}
        for name in (*own_a, *(n for n in own_b if n not in own_a)):
            pa, pb = own_a.get(name), own_b.get(name)
            if pa != pb:
                out[name] = (pa, pb)
        return out

    @property
    def identical(self) -> bool:
        """True when no amount of any recipient differs in any compared column."""
        return all(cell.diff == 0 for r in self.regions for cell in r.cells.values())

    def changed_columns(self) -> tuple[str, ...]:
        """The compared columns in which at least one recipient's amount differs."""
        return tuple(c for c in self.columns if any(r.cells[c].diff for r in self.regions))

    def rows(self, totals: bool = False) -> tuple[RegionComparison, ...]:
        """The recipients, followed by the total row when ``totals``."""
        return self.regions + ((self.total,) if totals else ())

    def to_records(self, totals: bool = False) -> list[dict[str, Any]]:
        """One record per recipient and column (long format): kronor as int, the rest as Fraction.

        With ``totals`` the records of the total row follow (``lan_code == ""``, ``lan == "Totalt"``).
        """
        out = []
        for r in self.rows(totals):
            for c in self.columns:
                cell = r.cells[c]
                out.append({
                    "lan_code": r.lan_code, "lan": r.lan, "region": r.region, "column": c,
                    "population_a": r.population_a, "population_b": r.population_b,
                    "a": cell.a, "b": cell.b, "diff": cell.diff, "diff_percent": cell.percent,
                    "per_inhabitant_a": cell.per_inhabitant_a, "per_inhabitant_b": cell.per_inhabitant_b,
                    "per_inhabitant_diff": cell.per_inhabitant_diff,
                })
        return out

    def to_frame(self, totals: bool = False) -> pd.DataFrame:
        """A pandas DataFrame of ``to_records``: kronor int64, percent and per inhabitant float64.

        Long format, one row per recipient and column; ``frame.pivot(index="lan", columns="column",
        values="diff")`` gives the differences as a recipient × column table.
        """
        try:
            import pandas as pd
        except ImportError:
            raise ImportError("to_frame() and compare() need pandas: pip install 'godnaravard[sweep]'") from None

        frame = pd.DataFrame.from_records(self.to_records(totals), columns=list(RECORD_FIELDS))
        for col in ("population_a", "population_b", "a", "b", "diff"):
            frame[col] = frame[col].astype("int64")
        for col in ("diff_percent", "per_inhabitant_a", "per_inhabitant_b", "per_inhabitant_diff"):
            frame[col] = [math.nan if v is None else float(v) for v in frame[col]]
            frame[col] = frame[col].astype("float64")
        return frame


def _same_agreement(a: Agreement, b: Agreement) -> bool:
    return a is b or a.path == b.path


def diff(a: Allocation, b: Allocation, columns: Iterable[str] | None = None) -> Comparison:
    """Compare two allocations of one agreement per recipient (matched by code) and column.

    Args:
        columns: amount columns of the agreement (default: those of its overview table).

    Raises:
        ValueError: A and B apply different agreements, cover different recipients, or a column
            is not an amount column of the agreement.
    """
    ag = a.agreement
    if not _same_agreement(ag, b.agreement):
        raise ValueError(
            f"A applies the agreement {ag.name} ({ag.title}) and B the agreement {b.agreement.name} "
            f"({b.agreement.title}): diff compares two scenarios of one agreement (the same recipients "
            f"and columns); give both sides the same agreement"
        )
    cols = _columns(ag, columns)
    regions_a = a.result.inputs.regions
    regions_b = {r.lan_code: r for r in b.result.inputs.regions}
    codes_a = [r.lan_code for r in regions_a]
    if set(codes_a) != set(regions_b):
        only_a = sorted(set(codes_a) - set(regions_b))
        only_b = sorted(set(regions_b) - set(codes_a))
        detail = "; ".join(x for x in (f"only in A: {', '.join(only_a)}" if only_a else "",
                                       f"only in B: {', '.join(only_b)}" if only_b else "") if x)
        raise ValueError(f"A and B do not cover the same recipients ({detail})")
    res_a, res_b = a.result, b.result
    regions = []
    sums = {c: [0, 0] for c in cols}
    for ra in regions_a:
        rb = regions_b[ra.lan_code]
        cells = {}
        for c in cols:
            va, vb = res_a.amount(c, ra.lan_code), res_b.amount(c, ra.lan_code)
            sums[c][0] += va
            sums[c][1] += vb
            cells[c] = Cell(c, va, vb, ra.population, rb.population)
        regions.append(RegionComparison(ra.lan_code, ra.lan, ra.region, ra.population, rb.population, cells))
    pop_a = sum(r.population for r in regions_a)
    pop_b = sum(r.population for r in regions_b.values())
    total = RegionComparison("", TOTAL, TOTAL, pop_a, pop_b,
                             {c: Cell(c, sa, sb, pop_a, pop_b) for c, (sa, sb) in sums.items()})
    return Comparison(a=a, b=b, columns=cols, regions=tuple(regions), total=total)


# --- Resolving A and B -------------------------------------------------------------------------

ScenarioLike = Allocation | Scenario | str | Path | None


def named_agreement(ref: str | Path) -> Agreement | None:
    """The agreement ``ref`` names (its name, an alias, or the path of its folder or definition).

    None when ``ref`` is something else (a scenario file, or nothing that exists).
    """
    path = Path(ref)
    is_definition = path.is_dir() or path.name == DEFINITION
    if not is_definition and (not isinstance(ref, str) or ref.endswith(".toml")):
        return None
    try:
        ag = load_agreement(ref)
    except InputError:
        return None
    return ag if is_definition or ref in (ag.name, *ag.aliases) else None


def _agreement(ref: Agreement | str | Path | None) -> Agreement | None:
    return ref if isinstance(ref, Agreement) or ref is None else load_agreement(ref)


def resolve_side(
    ref: Scenario | str | Path | None,
    agreement: Agreement | str | Path | None = None,
    default: Agreement | None = None,
) -> Scenario:
    """One side of a comparison as a scenario.

    ``ref`` is a ``Scenario``, an agreement (name, alias, folder: its baseline, the agreement as
    signed) or a scenario file; ``None`` is the baseline of ``agreement``, else of ``default``,
    else of the default agreement. A scenario file that names no agreement is read under
    ``agreement``, else ``default``.

    Raises:
        InputError: ``ref`` names another agreement than ``agreement``, or a bad scenario file.
    """
    if isinstance(ref, Scenario):
        return ref
    chosen = _agreement(agreement)
    if ref is None:
        return baseline(chosen or default)
    if chosen is not None and isinstance(ref, str) and ref in (chosen.name, *chosen.aliases):
        return baseline(chosen)
    named = named_agreement(ref)
    if named is not None:
        if chosen is not None and not _same_agreement(named, chosen):
            raise InputError(Problem(str(ref), f"this is the agreement {named.name}, but --agreement is {chosen.name}"))
        return baseline(named)
    return load_scenario(ref, chosen or default)


def _allocation(x: Allocation | Scenario) -> Allocation:
    return x if isinstance(x, Allocation) else allocate(x)


def compare(
    a: ScenarioLike = None,
    b: ScenarioLike = None,
    *,
    totals: bool = False,
    agreement: Agreement | str | Path | None = None,
    columns: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Compare scenario A with scenario B of one agreement: a DataFrame, one row per recipient and column.

    Args:
        a, b: each a ``Scenario`` (e.g. from ``scenario_from``), an agreement's name or alias (the
            agreement as signed), the path of a scenario file, an ``Allocation``, or ``None`` for
            the agreement as signed. The side given decides the agreement of a ``None`` side.
        totals: append the rows of column totals (``lan == "Totalt"``).
        agreement: the agreement both sides apply (default: the one A or B names, else the
            default agreement).
        columns: amount columns of the agreement (default: those of its overview table).

    Columns: ``lan_code, lan, region, column, population_a, population_b, a, b, diff`` (kronor,
    int64) and ``diff_percent, per_inhabitant_a, per_inhabitant_b, per_inhabitant_diff``
    (float64, for display; NaN where A is 0 kr).

    Raises:
        ValueError: A and B apply different agreements, or an unknown column.
        InputError: a bad scenario, or a side naming another agreement than ``agreement``.
    """
    side_a = a if isinstance(a, Allocation) else (resolve_side(a, agreement) if a is not None else None)
    ag_a = side_a.agreement if side_a is not None else None
    side_b = b if isinstance(b, Allocation) else resolve_side(b, agreement, ag_a)
    if side_a is None:
        side_a = resolve_side(None, agreement, side_b.agreement)
    return diff(_allocation(side_a), _allocation(side_b), columns).to_frame(totals=totals)


#: The renderers of ``comparison_render``, importable from here as before the split (PEP 562:
#: loaded on first access, so computing a comparison never imports its rendering).
_RENDERERS: tuple[str, ...] = (
    "PLOT_FORMATS", "comparison_csv", "comparison_figure", "comparison_json", "comparison_tables", "save_plot",
    "scenario_label", "source_line", "sv_number",
)
__all__ += [name for name in _RENDERERS if name != "PLOT_FORMATS"]


def __getattr__(name: str) -> Any:
    """A renderer of ``comparison_render`` by its old name (``comparison.comparison_csv`` …)."""
    if name in _RENDERERS:
        from . import comparison_render

        return getattr(comparison_render, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
