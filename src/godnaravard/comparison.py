"""What-if comparisons: two allocations side by side, per region and column, and the difference.

``diff(a, b)`` compares two ``Allocation`` objects; ``compare(a, b)`` does the same for scenarios
(names, files or ``Scenario`` objects) and returns a pandas DataFrame. Amounts stay whole kronor
(``int``); the difference in percent and the kronor per inhabitant are exact ``Fraction`` values
here and become decimals or floats only when displayed (``decimal``, ``to_frame``).

Nothing heavy is imported at module level: pandas, rich and matplotlib only inside the functions
that need them.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .api import Allocation, allocate
from .scenario import Scenario

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

__all__ = [
    "COLUMNS",
    "COLUMN_TITLES",
    "RECORD_FIELDS",
    "Cell",
    "Comparison",
    "RegionComparison",
    "compare",
    "comparison_csv",
    "comparison_figure",
    "comparison_json",
    "comparison_tables",
    "decimal",
    "diff",
    "save_plot",
    "scenario_label",
]

#: The amount columns a comparison covers, as in ``allocate --format csv``.
COLUMNS: tuple[str, ...] = ("nara_vard", "landsbygd", "ambulans", "regioner_totalt", "kommuner")
COLUMN_TITLES: dict[str, str] = {
    "nara_vard": "Nära vård (bilaga 3)",
    "landsbygd": "Landsbygd (bilaga 4)",
    "ambulans": "Ambulans (bilaga 3)",
    "regioner_totalt": "Regioner totalt (bilaga 3)",
    "kommuner": "Kommuner via RSS (bilaga 2)",
}
#: The fields of one record of ``Comparison.to_records`` (and of ``diff --format csv``).
RECORD_FIELDS: tuple[str, ...] = (
    "lan_code", "lan", "region", "column", "population_a", "population_b",
    "a", "b", "diff", "diff_percent", "per_inhabitant_a", "per_inhabitant_b", "per_inhabitant_diff",
)
#: Decimal places shown for percentages and kronor per inhabitant.
PERCENT_PLACES = 4
PER_INHABITANT_PLACES = 4


def decimal(value: Fraction | int | None, places: int) -> Decimal | None:
    """An exact fraction rounded (half to even) to ``places`` decimals, for display only."""
    if value is None:
        return None
    scaled = round(Fraction(value) * 10**places)
    return Decimal(scaled).scaleb(-places)


def _per(amount: int, population: int) -> Fraction | None:
    return Fraction(amount, population) if population else None


@dataclass(frozen=True, slots=True)
class Cell:
    """One column of one region (or of the total) in A and in B."""

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
    """One region (or the total, with ``lan_code == ""``) in A and B, every column."""

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


def _region_cells(columns: Sequence[str], a: Mapping[str, Any], b: Mapping[str, Any]) -> dict[str, Cell]:
    return {
        c: Cell(c, int(a[c]), int(b[c]), int(a["population"]), int(b["population"])) for c in columns
    }


@dataclass(frozen=True, slots=True)
class Comparison:
    """Allocation A against allocation B, per region and column, with totals.

    Attributes:
        a, b: the two allocations (each with its scenario).
        columns: the compared columns (a subset of ``COLUMNS``, in that order).
        regions: one ``RegionComparison`` per län, in A's order.
        total: the column totals (``lan_code == ""``).
    """

    a: Allocation
    b: Allocation
    columns: tuple[str, ...]
    regions: tuple[RegionComparison, ...]
    total: RegionComparison

    @property
    def parameter_changes(self) -> dict[str, tuple[int | Fraction, int | Fraction]]:
        """The parameters that differ: ``{key: (value in A, value in B)}``."""
        return self.b.scenario.parameters.changed(self.a.scenario.parameters)

    @property
    def data_changes(self) -> dict[str, tuple[Path | None, Path | None]]:
        """The input files that differ (None: the shipped file): ``{"population": (A's, B's)}``."""
        out = {}
        for kind in ("population", "landsbygd"):
            pa, pb = getattr(self.a.scenario, kind), getattr(self.b.scenario, kind)
            if pa != pb:
                out[kind] = (pa, pb)
        return out

    @property
    def identical(self) -> bool:
        """True when no amount of any region differs in any compared column."""
        return all(cell.diff == 0 for r in self.regions for cell in r.cells.values())

    def changed_columns(self) -> tuple[str, ...]:
        """The compared columns in which at least one region's amount differs."""
        return tuple(c for c in self.columns if any(r.cells[c].diff for r in self.regions))

    def rows(self, totals: bool = False) -> tuple[RegionComparison, ...]:
        """The regions, followed by the total row when ``totals``."""
        return self.regions + ((self.total,) if totals else ())

    def to_records(self, totals: bool = False) -> list[dict[str, Any]]:
        """One record per region and column (long format): kronor as int, the rest as Fraction.

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

        Long format, one row per region and column; ``frame.pivot(index="lan", columns="column",
        values="diff")`` gives the differences as a region × column table.
        """
        import pandas as pd

        frame = pd.DataFrame.from_records(self.to_records(totals), columns=list(RECORD_FIELDS))
        for col in ("population_a", "population_b", "a", "b", "diff"):
            frame[col] = frame[col].astype("int64")
        for col in ("diff_percent", "per_inhabitant_a", "per_inhabitant_b", "per_inhabitant_diff"):
            frame[col] = [math.nan if v is None else float(v) for v in frame[col]]
            frame[col] = frame[col].astype("float64")
        return frame


def diff(a: Allocation, b: Allocation, columns: Iterable[str] | None = None) -> Comparison:
    """Compare two allocations per region (matched by län code) and column, with totals."""
    cols = tuple(c for c in COLUMNS if columns is None or c in set(columns))
    unknown = sorted(set(columns or ()) - set(COLUMNS))
    if unknown:
        raise ValueError(f"unknown column(s) {', '.join(unknown)}; known: {', '.join(COLUMNS)}")
    rows_b = {r.lan_code: r.as_dict() for r in b.rows}
    if set(rows_b) != {r.lan_code for r in a.rows}:
        raise ValueError("A and B do not cover the same län")
    regions = []
    for row in a.rows:
        ra, rb = row.as_dict(), rows_b[row.lan_code]
        regions.append(RegionComparison(
            lan_code=row.lan_code, lan=row.lan, region=row.region,
            population_a=row.population, population_b=int(rb["population"]),
            cells=_region_cells(cols, ra, rb),
        ))
    ta, tb = a.totals(), b.totals()
    total = RegionComparison("", "Totalt", "Totalt", ta["population"], tb["population"],
                             _region_cells(cols, ta, tb))
    return Comparison(a=a, b=b, columns=cols, regions=tuple(regions), total=total)


ScenarioLike = Allocation | Scenario | str | Path | None


def _allocation(x: ScenarioLike) -> Allocation:
    return x if isinstance(x, Allocation) else allocate(x)


def compare(a: ScenarioLike = None, b: ScenarioLike = None, *, totals: bool = False) -> pd.DataFrame:
    """Compare scenario A with scenario B: a DataFrame, one row per region and column.

    Args:
        a, b: each a ``Scenario`` (e.g. from ``scenario_from``), a shipped name (``"2024"``),
            the path of a scenario file, an ``Allocation``, or ``None`` for the 2024 baseline.
        totals: append the rows of column totals (``lan == "Totalt"``).

    Columns: ``lan_code, lan, region, column, population_a, population_b, a, b, diff`` (kronor,
    int64) and ``diff_percent, per_inhabitant_a, per_inhabitant_b, per_inhabitant_diff``
    (float64, for display; NaN where A is 0 kr).
    """
    return diff(_allocation(a), _allocation(b)).to_frame(totals=totals)


# --- Rendering ------------------------------------------------------------------------------

def scenario_label(sc: Scenario) -> str:
    """A scenario's name, its file and its ``--set`` overrides, for headings (data files: see
    ``Comparison.data_changes``)."""
    from_file = sc.origin not in (sc.name, "2024") and not sc.origin.startswith("scenario_from")
    parts = [f"{sc.name} ({sc.origin})" if from_file else sc.name]
    parts += [f"{k}={v}" for k, v in sc.overrides.items()]
    return ", ".join(parts)


def _text(value: Decimal | None) -> str:
    return "" if value is None else str(value)


def comparison_csv(cmp: Comparison) -> str:
    """One row per region and column, then the total rows; kronor as integers.

    ``diff_percent`` has 4 decimals, the kronor per inhabitant 4 decimals (empty where A is 0 kr).
    """
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(RECORD_FIELDS), lineterminator="\n")
    writer.writeheader()
    for rec in cmp.to_records(totals=True):
        rec["diff_percent"] = _text(decimal(rec["diff_percent"], PERCENT_PLACES))
        for k in ("per_inhabitant_a", "per_inhabitant_b", "per_inhabitant_diff"):
            rec[k] = _text(decimal(rec[k], PER_INHABITANT_PLACES))
        writer.writerow(rec)
    return buf.getvalue()


def _number(value: Fraction | None, places: int) -> float | None:
    d = decimal(value, places)
    return None if d is None else float(d)


def _param_json(value: int | Fraction) -> int | str:
    return value if isinstance(value, int) else str(value)


def _scenario_json(sc: Scenario) -> dict[str, Any]:
    return {
        "name": sc.name,
        "origin": sc.origin,
        "overrides": {k: _param_json(v) for k, v in sc.overrides.items()},
        "population": str(sc.population) if sc.population else None,
        "landsbygd": str(sc.landsbygd) if sc.landsbygd else None,
    }


def _row_json(r: RegionComparison, columns: Sequence[str]) -> dict[str, Any]:
    return {
        "lan_code": r.lan_code, "lan": r.lan, "region": r.region,
        "population_a": r.population_a, "population_b": r.population_b,
        "columns": {
            c: {
                "a": cell.a, "b": cell.b, "diff": cell.diff,
                "diff_percent": _number(cell.percent, PERCENT_PLACES),
                "per_inhabitant_a": _number(cell.per_inhabitant_a, PER_INHABITANT_PLACES),
                "per_inhabitant_b": _number(cell.per_inhabitant_b, PER_INHABITANT_PLACES),
                "per_inhabitant_diff": _number(cell.per_inhabitant_diff, PER_INHABITANT_PLACES),
            }
            for c in columns
            for cell in (r.cells[c],)
        },
    }


def comparison_json(cmp: Comparison) -> str:
    """The comparison as JSON: both scenarios, what changed, every region, the totals.

    Kronor are integers; percentages and kronor per inhabitant are numbers rounded to 4 decimals
    (null where A is 0 kr and B is not).
    """
    doc = {
        "a": _scenario_json(cmp.a.scenario),
        "b": _scenario_json(cmp.b.scenario),
        "parameter_changes": {
            k: {"a": _param_json(va), "b": _param_json(vb)} for k, (va, vb) in cmp.parameter_changes.items()
        },
        "data_changes": {
            k: {"a": str(pa) if pa else None, "b": str(pb) if pb else None}
            for k, (pa, pb) in cmp.data_changes.items()
        },
        "columns": list(cmp.columns),
        "identical": cmp.identical,
        "regions": [_row_json(r, cmp.columns) for r in cmp.regions],
        "totals": _row_json(cmp.total, cmp.columns),
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def _kr(value: int) -> str:
    from .render import kr

    return kr(value)


def _signed(value: int) -> str:
    return ("+" if value > 0 else "") + _kr(value).replace("-", "−")


def _pct(value: Fraction | None) -> str:
    d = decimal(value, 2)
    if d is None:
        return "–"
    return ("+" if d > 0 else "") + f"{d} %".replace("-", "−")


def _per_text(value: Fraction | None, signed: bool = False) -> str:
    d = decimal(value, 2)
    if d is None:
        return "–"
    text = f"{d:,.2f}".replace(",", " ").replace("-", "−")
    return ("+" if signed and d > 0 else "") + text


def _value(value: int | Fraction) -> str:
    return _kr(value) if isinstance(value, int) else str(value)


def _describe_changes(cmp: Comparison) -> list[str]:
    lines = []
    for key, (va, vb) in cmp.parameter_changes.items():
        lines.append(f"{key}: {_value(va)} → {_value(vb)}")
    for kind, (pa, pb) in cmp.data_changes.items():
        lines.append(f"{kind} data: {pa or 'shipped'} → {pb or 'shipped'}")
    return lines


def comparison_tables(cmp: Comparison) -> list[Any]:
    """Rich renderables: a heading, a summary per column, and one table per changed column."""
    from rich.table import Table
    from rich.text import Text

    out: list[Any] = []
    head = Text()
    head.append("A: ", style="bold").append(scenario_label(cmp.a.scenario) + "\n")
    head.append("B: ", style="bold").append(scenario_label(cmp.b.scenario) + "\n")
    changes = _describe_changes(cmp)
    head.append("Changed from A to B: ", style="bold")
    head.append("; ".join(changes) if changes else "nothing (same parameters and data)")
    out.append(head)

    summary = Table(title="Totals per column (kronor)", header_style="bold")
    for header, justify in (("Column", "left"), ("A", "right"), ("B", "right"), ("B − A", "right"),
                            ("%", "right"), ("Regions changed", "right")):
        summary.add_column(header, justify=justify)  # type: ignore[arg-type]
    for c in cmp.columns:
        cell = cmp.total.cells[c]
        n = sum(1 for r in cmp.regions if r.cells[c].diff)
        summary.add_row(COLUMN_TITLES[c], _kr(cell.a), _kr(cell.b), _signed(cell.diff), _pct(cell.percent),
                        f"{n} of {len(cmp.regions)}")
    out.append(summary)

    if cmp.identical:
        out.append(Text("A and B give the same amount to every region in every column: "
                        "all differences are 0 kr."))
        return out
    for c in cmp.changed_columns():
        table = Table(title=COLUMN_TITLES[c], show_footer=True, header_style="bold", footer_style="bold")
        total = cmp.total.cells[c]
        cols = (
            ("Län", "left", "Totalt"),
            ("A kr", "right", _kr(total.a)), ("B kr", "right", _kr(total.b)),
            ("B − A kr", "right", _signed(total.diff)), ("%", "right", _pct(total.percent)),
            ("A kr/inv", "right", _per_text(total.per_inhabitant_a)),
            ("B kr/inv", "right", _per_text(total.per_inhabitant_b)),
        )
        for header, justify, footer in cols:
            table.add_column(header, justify=justify, footer=footer)  # type: ignore[arg-type]
        for r in cmp.regions:
            cell = r.cells[c]
            table.add_row(f"{r.lan_code} {r.lan}", _kr(cell.a), _kr(cell.b), _signed(cell.diff),
                          _pct(cell.percent),
                          _per_text(cell.per_inhabitant_a), _per_text(cell.per_inhabitant_b))
        out.append(table)
    return out


def _unit(values: Sequence[int]) -> tuple[int, str]:
    """A readable unit for the axis: kronor, thousands or millions of kronor."""
    largest = max((abs(v) for v in values), default=0)
    if largest >= 1_000_000:
        return 1_000_000, "Mkr"
    if largest >= 10_000:
        return 1_000, "tkr"
    return 1, "kr"


def comparison_figure(cmp: Comparison) -> Figure:
    """A bar chart of B − A per region, one panel per changed column.

    When nothing changed, one panel per compared column shows the zeros. Uses matplotlib's
    object API (no pyplot state), so it works with the Agg backend and inside notebooks.
    """
    from matplotlib.figure import Figure

    columns = cmp.changed_columns() or cmp.columns
    fig = Figure(figsize=(3.2 * len(columns) + 2.2, 6.5), layout="constrained")
    axes = fig.subplots(1, len(columns), sharey=True, squeeze=False)[0]
    labels = [f"{r.lan_code} {r.lan}" for r in cmp.regions]
    positions = list(range(len(labels)))
    for ax, c in zip(axes, columns, strict=True):
        values = [r.cells[c].diff for r in cmp.regions]
        scale, unit = _unit(values)
        colors = ["#2b6cb0" if v >= 0 else "#c05621" for v in values]
        ax.barh(positions, [v / scale for v in values], color=colors)  # floats for drawing only
        ax.axvline(0, color="black", linewidth=0.8)
        ax.set_title(COLUMN_TITLES[c], fontsize=9)
        ax.set_xlabel(f"B − A ({unit})")
        ax.grid(axis="x", alpha=0.3)
    axes[0].set_yticks(positions, labels, fontsize=8)
    axes[0].invert_yaxis()
    changes = "; ".join(_describe_changes(cmp)) or "no changes: every difference is 0 kr"
    fig.suptitle(f"B − A per region (A: {cmp.a.scenario.name}, B: {cmp.b.scenario.name})\n{changes}",
                 fontsize=9)
    return fig


PLOT_FORMATS = ("png", "svg", "pdf")


def save_plot(cmp: Comparison, path: str | Path, force: bool = False) -> Path:
    """Draw ``comparison_figure`` into ``path`` (.png, .svg or .pdf) atomically.

    Raises:
        ValueError: an unsupported file suffix.
        OutputExistsError: ``path`` exists and ``force`` is false (see ``atomic``).
    """
    from .atomic import atomic_write

    target = Path(path)
    fmt = target.suffix.lstrip(".").lower()
    if fmt not in PLOT_FORMATS:
        raise ValueError(f"{target}: the plot file must end in .png, .svg or .pdf")
    fig = comparison_figure(cmp)
    return atomic_write(target, lambda tmp: fig.savefig(tmp, format=fmt, dpi=120), force=force)
