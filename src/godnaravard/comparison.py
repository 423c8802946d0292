"""What-if comparisons: two allocations of one agreement side by side, per recipient and column.

``diff(a, b)`` compares two ``Allocation`` objects; ``compare(a, b)`` does the same for scenarios
(an agreement's name or alias, scenario files or ``Scenario`` objects) and returns a pandas
DataFrame. Both sides must apply the same agreement: the columns, their headings and the
recipients come from its definition. Amounts stay whole kronor (``int``); the difference in
percent and the kronor per inhabitant are exact ``Fraction`` values here and become decimals or
floats only when displayed (``decimal``, ``to_frame``).

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

from .agreements import DEFINITION, Agreement, load_agreement
from .api import Allocation, allocate
from .errors import InputError, Problem
from .render import Col, fitting_table
from .scenario import Scenario, baseline, load_scenario

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

__all__ = [
    "RECORD_FIELDS",
    "Cell",
    "Comparison",
    "RegionComparison",
    "comparable_columns",
    "compare",
    "comparison_csv",
    "comparison_figure",
    "comparison_json",
    "comparison_tables",
    "decimal",
    "default_columns",
    "diff",
    "named_agreement",
    "resolve_side",
    "save_plot",
    "scenario_label",
    "source_line",
    "sv_number",
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


def decimal(value: Fraction | int | None, places: int) -> Decimal | None:
    """An exact fraction rounded (half to even) to ``places`` decimals, for display only."""
    if value is None:
        return None
    scaled = round(Fraction(value) * 10**places)
    return Decimal(scaled).scaleb(-places)


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


# --- Text shared by every rendering -------------------------------------------------------------

def _from_file(sc: Scenario) -> bool:
    ag = sc.agreement
    return sc.origin not in (ag.name, *ag.aliases, "") and not sc.origin.startswith("scenario_from")


def scenario_label(alloc: Allocation) -> str:
    """A side's title: the agreement's title as signed, else the scenario, its changes and own files
    (``render.scenario_title``), followed by the scenario file it was read from."""
    from .render import scenario_title

    title = scenario_title(alloc)
    return f"{title} [fil {alloc.scenario.origin}]" if _from_file(alloc.scenario) else title


def source_line(cmp: Comparison) -> str:
    """``Source: TITLE; data: LABEL (DATE), …``, naming any own file of A or B as well."""
    ag = cmp.agreement
    own = {"A": cmp.a.scenario.own_files(), "B": cmp.b.scenario.own_files()}
    parts = []
    for d in ag.data.values():
        text = f"{d.label} ({d.date.isoformat()})"
        replaced = [f"{side}: own file {files[d.name]}" for side, files in own.items() if d.name in files]
        if replaced:
            text += " [" + "; ".join(replaced) + "]"
        parts.append(text)
    return f"Source: {ag.title}; data: " + ", ".join(parts)


def _kr(value: int) -> str:
    from .render import kr

    return kr(value)


def _value(value: int | Fraction) -> str:
    return _kr(value) if isinstance(value, int) else str(value)


def _describe_changes(cmp: Comparison) -> list[str]:
    lines = []
    for key, (va, vb) in cmp.parameter_changes.items():
        lines.append(f"{key}: {_value(va)} → {_value(vb)}")
    for name, (pa, pb) in cmp.data_changes.items():
        lines.append(f"{name} data: {pa or 'the agreement’s own file'} → {pb or 'the agreement’s own file'}")
    return lines


# --- CSV and JSON ---------------------------------------------------------------------------

def _text(value: Decimal | None) -> str:
    return "" if value is None else str(value)


def comparison_csv(cmp: Comparison) -> str:
    """One row per recipient and column, then the total rows; kronor as integers.

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


def _scenario_json(alloc: Allocation) -> dict[str, Any]:
    sc = alloc.scenario
    return {
        "name": sc.name,
        "title": scenario_label(alloc),
        "origin": sc.origin,
        "as_signed": sc.is_baseline,
        "changes": {k: [_param_json(va), _param_json(vb)] for k, (va, vb) in sc.changes().items()},
        "own_files": {k: str(v) for k, v in sc.own_files().items()},
        "overrides": {k: _param_json(v) for k, v in sc.overrides.items()},
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
    """The comparison as JSON: the agreement, both scenarios, what changed, every recipient, the totals.

    Each side says whether it is the agreement as signed and lists its ``changes`` (parameters,
    ``[the agreement's value, this value]``) and ``own_files`` relative to the agreement as signed;
    ``parameter_changes`` and ``data_changes`` are the differences from A to B. Kronor are
    integers; percentages and kronor per inhabitant are numbers rounded to 4 decimals (null where
    A is 0 kr and B is not).
    """
    ag = cmp.agreement
    doc = {
        "agreement": {"name": ag.name, "title": ag.title, "path": str(ag.path),
                      "data": {d.name: {"label": d.label, "date": d.date.isoformat()} for d in ag.data.values()}},
        "source": source_line(cmp),
        "a": _scenario_json(cmp.a),
        "b": _scenario_json(cmp.b),
        "parameter_changes": {
            k: {"a": _param_json(va), "b": _param_json(vb)} for k, (va, vb) in cmp.parameter_changes.items()
        },
        "data_changes": {
            k: {"a": str(pa) if pa else None, "b": str(pb) if pb else None}
            for k, (pa, pb) in cmp.data_changes.items()
        },
        "columns": list(cmp.columns),
        "labels": {c: cmp.label(c) for c in cmp.columns},
        "identical": cmp.identical,
        "regions": [_row_json(r, cmp.columns) for r in cmp.regions],
        "totals": _row_json(cmp.total, cmp.columns),
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


# --- Terminal tables --------------------------------------------------------------------------

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


def comparison_tables(cmp: Comparison, width: int | None = None) -> list[Any]:
    """Rich renderables: a heading, a summary per column, and one table per changed column.

    With ``width`` (the terminal's columns) every table is laid out to fit it without ever
    cutting or wrapping an amount: first the kronor per inhabitant are left out, then A and B,
    and a table that still does not fit is replaced by a one-line hint to use ``--format csv``.
    """
    from rich.text import Text

    out: list[Any] = []
    head = Text()
    head.append(f"{cmp.agreement.title}: B − A per {cmp.agreement.rules.recipient}\n", style="bold")
    head.append("A: ", style="bold").append(scenario_label(cmp.a) + "\n")
    head.append("B: ", style="bold").append(scenario_label(cmp.b) + "\n")
    changes = _describe_changes(cmp)
    head.append("Changed from A to B:", style="bold")
    head.append("".join(f"\n  {line}" for line in changes) if changes else " nothing (same parameters and data)")
    head.append("\n" + source_line(cmp), style="dim")
    out.append(head)
    narrowed = False

    n = len(cmp.regions)
    totals = [cmp.total.cells[c] for c in cmp.columns]
    label: Col = ("Column", "left", "", [cmp.label(c) for c in cmp.columns], True)
    a_col: Col = ("A", "right", "", [_kr(t.a) for t in totals], False)
    b_col: Col = ("B", "right", "", [_kr(t.b) for t in totals], False)
    d_col: Col = ("B − A", "right", "", [_signed(t.diff) for t in totals], False)
    p_col: Col = ("%", "right", "", [_pct(t.percent) for t in totals], False)
    changed: Col = ("Changed", "right", "",
                     [f"{sum(1 for r in cmp.regions if r.cells[c].diff)}/{n}" for c in cmp.columns], False)
    layouts = [(label, a_col, b_col, d_col, p_col, changed), (label, a_col, b_col, d_col, p_col),
               (label, d_col, p_col)]
    summary, used = fitting_table("Totals per column (kronor)", layouts, width, footer=False)
    narrowed |= used > 0
    out.append(summary if summary is not None else Text(f"Totals: too wide for {width} columns; use --format csv"))

    if cmp.identical:
        out.append(Text(f"A and B give the same amount to every {cmp.agreement.rules.recipient} in every column: "
                        "all differences are 0 kr."))
        return out
    for c in cmp.changed_columns():
        cells = [r.cells[c] for r in cmp.regions]
        t = cmp.total.cells[c]
        lan: Col = ("Län", "left", cmp.total.label, [r.label for r in cmp.regions], True)
        ca: Col = ("A kr", "right", _kr(t.a), [_kr(x.a) for x in cells], False)
        cb: Col = ("B kr", "right", _kr(t.b), [_kr(x.b) for x in cells], False)
        cd: Col = ("B − A kr", "right", _signed(t.diff), [_signed(x.diff) for x in cells], False)
        cp: Col = ("%", "right", _pct(t.percent), [_pct(x.percent) for x in cells], False)
        ia: Col = ("A kr/inv", "right", _per_text(t.per_inhabitant_a), [_per_text(x.per_inhabitant_a) for x in cells],
                    False)
        ib: Col = ("B kr/inv", "right", _per_text(t.per_inhabitant_b), [_per_text(x.per_inhabitant_b) for x in cells],
                    False)
        layouts = [(lan, ca, cb, cd, cp, ia, ib), (lan, ca, cb, cd, cp), (lan, cd, cp)]
        table, used = fitting_table(cmp.label(c), layouts, width, footer=True)
        narrowed |= used > 0
        out.append(table if table is not None else Text(f"{cmp.label(c)}: too wide for {width} columns; "
                                                        "use --format csv"))
    if narrowed:
        out.append(Text(f"(Columns left out to fit {width} columns; --format csv has every figure.)", style="dim"))
    return out


# --- The figure -------------------------------------------------------------------------------

def sv_number(value: float | int | Fraction | Decimal, places: int = 2) -> str:
    """A number as Swedish text: space as thousands separator, decimal comma, minus sign ``−``.

    Trailing zero decimals are dropped: ``sv_number(-1234.5) == "−1 234,5"``, ``sv_number(2e9)
    == "2 000 000 000"``.
    """
    number = decimal(value, places) if isinstance(value, Fraction) else Decimal(str(value))
    text = f"{number:,.{places}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return text.replace(",", " ").replace(".", ",").replace("-", "−")


def _unit(values: Sequence[int]) -> tuple[int, str]:
    """A readable unit for the axis: kronor, thousands or millions of kronor."""
    largest = max((abs(v) for v in values), default=0)
    if largest >= 1_000_000:
        return 1_000_000, "Mkr"
    if largest >= 10_000:
        return 1_000, "tkr"
    return 1, "kr"


def _panels(cmp: Comparison) -> list[tuple[list[str], list[int]]]:
    """The columns to draw, each with its differences; columns with the very same differences per
    recipient (a line and the sum that only it changes) share one panel."""
    panels: dict[tuple[int, ...], list[str]] = {}
    for c in cmp.changed_columns() or cmp.columns:
        values = tuple(r.cells[c].diff for r in cmp.regions)
        panels.setdefault(values, []).append(c)
    return [(cols, list(values)) for values, cols in panels.items()]


def _wrap(text: str, width: int) -> str:
    import textwrap

    return "\n".join(textwrap.fill(line, width, break_long_words=False, break_on_hyphens=False)
                     for line in text.split("\n"))


def comparison_figure(cmp: Comparison) -> Figure:
    """A bar chart of B − A per recipient, one panel per changed column.

    Columns whose differences are the same for every recipient share one panel; when nothing
    changed, the compared columns show their zeros. Numbers are Swedish (``1 234,5``); the
    title names the agreement, both scenarios and the changes, and the last line the source (the
    agreement and the dates of its data, or the own files). Uses matplotlib's object API (no
    pyplot state), so it works with the Agg backend and inside notebooks.
    """
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    panels = _panels(cmp)
    panel_width = 3.4
    fig_width = panel_width * len(panels) + 2.4
    chars = max(60, int(fig_width * 13))  # characters per title line at 9 pt
    fig = Figure(figsize=(fig_width, 7.5), layout="constrained")
    axes = fig.subplots(1, len(panels), sharey=True, squeeze=False)[0]
    labels = [r.label for r in cmp.regions]
    positions = list(range(len(labels)))
    formatter = FuncFormatter(lambda x, _pos: sv_number(x))
    for ax, (cols, values) in zip(axes, panels, strict=True):
        scale, unit = _unit(values)
        colors = ["#2b6cb0" if v >= 0 else "#c05621" for v in values]
        bars = ax.barh(positions, [v / scale for v in values], color=colors)  # floats for drawing only
        ax.bar_label(bars, labels=[_signed(v) if v else "0" for v in values], fontsize=6, padding=2)
        ax.margins(x=0.3)
        ax.axvline(0, color="black", linewidth=0.8)
        title = cmp.label(cols[0]) + "".join(f"\n= {cmp.label(c)}" for c in cols[1:])
        ax.set_title(_wrap(title, 40), fontsize=8)
        ax.set_xlabel(f"B − A ({unit})")
        ax.xaxis.set_major_formatter(formatter)
        ax.grid(axis="x", alpha=0.3)
    axes[0].set_yticks(positions, labels, fontsize=8)
    axes[0].invert_yaxis()
    changes = "; ".join(_describe_changes(cmp)) or "nothing: every difference is 0 kr"
    title = (f"{cmp.agreement.title}: B − A per {cmp.agreement.rules.recipient}\n"
             f"A: {scenario_label(cmp.a)}\nB: {scenario_label(cmp.b)}\nChanged from A to B: {changes}")
    fig.suptitle(_wrap(title, chars), fontsize=9)
    fig.supxlabel(_wrap(source_line(cmp), int(chars * 1.2)), fontsize=7, x=0.01, ha="left")
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
