"""What-if comparisons: two allocations side by side, per recipient and column.

``diff(a, b)`` compares two ``Allocation`` objects; ``compare(a, b)`` does the same for scenarios
(an agreement's name or alias, scenario files or ``Scenario`` objects) and returns a pandas
DataFrame. The sides may apply one agreement or two (this year's and next year's): recipients
are matched by code (one present on one side only is listed with the other side empty), columns
by name or by an explicit ``A=B`` pair, and between two agreements the recipient's total over
every budget line (``totalt``) is always compared. Amounts stay whole kronor (``int``); the difference in
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
from dataclasses import field
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .agreements import DEFINITION, Agreement, load_agreement
from .api import Allocation, allocate
from .core import Recipient
from .display import decimal
from .errors import InputError, Problem
from .frozen import frozen
from .recipient_names import short_name
from .scenario import Scenario, baseline, load_scenario

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "RECORD_FIELDS",
    "TOTALT",
    "Cell",
    "Comparison",
    "RecipientComparison",
    "comparable_columns",
    "compare",
    "decimal",
    "default_columns",
    "diff",
    "named_agreement",
    "resolve_side",
]

#: The fields of one record of ``Comparison.to_records`` (and of ``diff --format csv``) for an
#: agreement with regions; a kommun agreement names the first and third ``kommun_code`` and ``kommun``.
RECORD_FIELDS: tuple[str, ...] = (
    "lan_code", "lan", "region", "column", "population_a", "population_b",
    "a", "b", "diff", "diff_percent", "per_inhabitant_a", "per_inhabitant_b", "per_inhabitant_diff",
)
#: Decimal places shown for percentages and kronor per inhabitant.
PERCENT_PLACES = 4
PER_INHABITANT_PLACES = 4
#: The name of the row of totals.
TOTAL = "Totalt"
#: The compared column that holds a recipient's total over every budget line (with any adjustment).
TOTALT = "totalt"
#: Its heading.
TOTALT_LABEL = "Totalt, alla budgetposter"


def _per(amount: int | None, population: int | None) -> Fraction | None:
    return Fraction(amount, population) if amount is not None and population else None


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


# --- The comparison --------------------------------------------------------------------------

@frozen
class Cell:
    """One column of one recipient (or of the total) in A and in B."""

    column: str
    a: int | None
    b: int | None
    population_a: int | None
    population_b: int | None

    @property
    def diff(self) -> int | None:
        """B − A in kronor; None for a recipient present on one side only."""
        return None if self.a is None or self.b is None else self.b - self.a

    @property
    def percent(self) -> Fraction | None:
        """(B − A) / A × 100, exactly; 0 when both are 0, None when only A is 0 or a side is absent."""
        if self.a is None or self.b is None:
            return None
        if self.a == 0:
            return Fraction(0) if self.b == 0 else None
        return Fraction(100 * (self.b - self.a), self.a)

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


@frozen
class RecipientComparison:
    """One recipient (or the total, with ``code == ""``) in A and B, every column.

    ``code``, ``lan`` and ``name`` are the recipient's (``core.Recipient``), ``short`` the name a
    list shows (``recipient_names.short_name``: the län's for a region, the kommun's own for a
    kommun). A recipient present on one side only has ``None`` as the other side's population and
    amounts.
    """

    code: str
    lan: str
    name: str
    population_a: int | None
    population_b: int | None
    cells: Mapping[str, Cell]
    short: str = ""

    @property
    def side(self) -> str:
        """``"a"`` or ``"b"`` for a recipient present on that side only, else ``""``."""
        if self.population_b is None:
            return "a"
        return "b" if self.population_a is None else ""

    @property
    def is_total(self) -> bool:
        """True for the row of totals."""
        return self.code == ""

    @property
    def label(self) -> str:
        """``"09 Gotland"`` (``"2305 Bräcke"``), or ``"Totalt"`` for the total row."""
        return self.lan if self.is_total else f"{self.code} {self.short or self.lan}"


@frozen
class Comparison:
    """Allocation A against allocation B, per recipient and column, with totals.

    Attributes:
        a, b: the two allocations (each with its scenario and agreement).
        columns: the compared columns' names: an amount column of both agreements, ``A=B`` for a
            pair of differently named columns, ``totalt`` for every budget line together.
        regions: one ``RecipientComparison`` per recipient, A's in A's order, then those only in B.
        total: the column totals (``code == ""``), each side over its own recipients.
        pairs: for every compared column, the column of A and the column of B it compares.
    """

    a: Allocation
    b: Allocation
    columns: tuple[str, ...]
    regions: tuple[RecipientComparison, ...]
    total: RecipientComparison
    pairs: Mapping[str, tuple[str, str]] = field(default_factory=dict)

    @property
    def agreement(self) -> Agreement:
        """A's agreement (the one both sides apply, when they apply one)."""
        return self.a.agreement

    @property
    def agreement_b(self) -> Agreement:
        """B's agreement."""
        return self.b.agreement

    @property
    def same_agreement(self) -> bool:
        """True when both sides apply one agreement."""
        return _same_agreement(self.a.agreement, self.b.agreement)

    def pair(self, column: str) -> tuple[str, str]:
        """The column of A and the column of B that ``column`` compares."""
        return self.pairs.get(column, (column, column))

    def label(self, column: str) -> str:
        """The agreement's heading of a column (``A-heading → B-heading`` for a pair that differs)."""
        col_a, col_b = self.pair(column)
        la = _label(self.a.agreement, col_a)
        lb = _label(self.b.agreement, col_b)
        return la if la == lb else f"{la} → {lb}"

    @property
    def only_in_a(self) -> tuple[str, ...]:
        """The codes of the recipients that only A has."""
        return tuple(r.code for r in self.regions if r.side == "a")

    @property
    def only_in_b(self) -> tuple[str, ...]:
        """The codes of the recipients that only B has."""
        return tuple(r.code for r in self.regions if r.side == "b")

    @property
    def parameter_changes(self) -> dict[str, tuple[int | Fraction, int | Fraction]]:
        """The parameters that differ: ``{key: (value in A, value in B)}`` (keys of both agreements)."""
        pa, pb = self.a.scenario.parameters, self.b.scenario.parameters
        if self.same_agreement:
            return pb.changed(pa)
        da, db = pa.as_dict(), pb.as_dict()
        return {k: (da[k], db[k]) for k in da if k in db and da[k] != db[k]}

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
        """The compared columns in which at least one recipient's amount differs (or is one-sided)."""
        return tuple(c for c in self.columns if any(r.cells[c].diff != 0 for r in self.regions))

    def rows(self, totals: bool = False) -> tuple[RecipientComparison, ...]:
        """The recipients, followed by the total row when ``totals``."""
        return self.regions + ((self.total,) if totals else ())

    @property
    def record_fields(self) -> tuple[str, ...]:
        """The fields of one record (``to_records``, ``diff --format csv``): ``RECORD_FIELDS``, the
        code and name fields named as A's definition names its columns (``kommun_code``, ``kommun``)."""
        rules = self.agreement.rules
        return (rules.recipient_column("code"), "lan", rules.recipient_column("name"), *RECORD_FIELDS[3:])

    def to_records(self, totals: bool = False) -> list[dict[str, Any]]:
        """One record per recipient and column (long format): kronor as int, the rest as Fraction.

        With ``totals`` the records of the total row follow (code ``""``, ``lan == "Totalt"``).
        A recipient present on one side only has ``None`` for the other side and the differences.
        The code and name fields are named as the definition names them (``record_fields``).
        """
        code, _, name = self.record_fields[:3]
        out = []
        for r in self.rows(totals):
            for c in self.columns:
                cell = r.cells[c]
                out.append({
                    code: r.code, "lan": r.lan, name: r.name, "column": c,
                    "population_a": r.population_a, "population_b": r.population_b,
                    "a": cell.a, "b": cell.b, "diff": cell.diff, "diff_percent": cell.percent,
                    "per_inhabitant_a": cell.per_inhabitant_a, "per_inhabitant_b": cell.per_inhabitant_b,
                    "per_inhabitant_diff": cell.per_inhabitant_diff,
                })
        return out

    def to_frame(self, totals: bool = False) -> pd.DataFrame:
        """A pandas DataFrame of ``to_records``: kronor int64, percent and per inhabitant float64.

        Long format, one row per recipient and column; ``frame.pivot(index="lan", columns="column",
        values="diff")`` gives the differences as a recipient × column table. Where a recipient is
        on one side only, the kronor columns are pandas' nullable ``Int64`` (``<NA>`` for the absent side).
        """
        try:
            import pandas as pd
        except ImportError:
            raise ImportError("to_frame() and compare() need pandas: pip install 'godnaravard[sweep]'") from None

        frame = pd.DataFrame.from_records(self.to_records(totals), columns=list(self.record_fields))
        for col in ("population_a", "population_b", "a", "b", "diff"):
            frame[col] = frame[col].astype("Int64" if frame[col].isna().any() else "int64")
        for col in ("diff_percent", "per_inhabitant_a", "per_inhabitant_b", "per_inhabitant_diff"):
            frame[col] = [math.nan if v is None else float(v) for v in frame[col]]
            frame[col] = frame[col].astype("float64")
        return frame


def _same_agreement(a: Agreement, b: Agreement) -> bool:
    return a is b or a.path == b.path


def _label(ag: Agreement, column: str) -> str:
    return TOTALT_LABEL if column == TOTALT and column not in comparable_columns(ag) else ag.label(column)


def totalt(alloc: Allocation, code: str) -> int:
    """A recipient's kronor over every budget line of its agreement, with any adjustment applied
    (the sum of the agreement's budget lines for that recipient, as ``allocate`` shows them)."""
    res = alloc.result
    rule = sum(res.columns[ln.name].amount(code) for ln in res.rules.lines)
    return rule + sum(adj.added(code) for adj in res.adjustments)


def _amount(alloc: Allocation, column: str, code: str) -> int:
    if column == TOTALT and column not in comparable_columns(alloc.agreement):
        return totalt(alloc, code)
    return alloc.result.amount(column, code)


def _column_problem(message: str) -> InputError:
    return InputError(Problem("--column", message))


def _near(column: str, ag: Agreement, known: Iterable[str]) -> str:
    """`` (did you mean …?)`` for an unknown column: its names and headings searched (``suggest``)."""
    from .suggest import did_you_mean

    names = [*known, TOTALT]
    return did_you_mean(column, names, {c: (ag.label(c),) for c in known})


def _pairs(a: Agreement, b: Agreement, columns: Iterable[str] | None) -> dict[str, tuple[str, str]]:
    """The compared columns: ``{name: (column of A, column of B)}``, in order.

    One agreement: as before, its overview's amount columns by default, else the named ones in
    the agreement's order. Two: the amount columns both have (A's overview order) by default, else
    the named ones; an ``A=B`` pair compares differently named columns; ``totalt`` comes last, always.
    """
    same = _same_agreement(a, b)
    wanted = list(dict.fromkeys(columns or ()))
    known_a, known_b = comparable_columns(a), comparable_columns(b)
    if not wanted:
        names = default_columns(a) if same else tuple(c for c in default_columns(a) if c in known_b)
        return _with_totalt({c: (c, c) for c in names}, same)
    plain = [c for c in wanted if "=" not in c]
    bad = [c for c in plain if c not in known_a and c != TOTALT]
    if bad:
        raise _column_problem(f"unknown column {', '.join(repr(c) for c in bad)}{_near(bad[0], a, known_a)} for the "
                              f"agreement {a.name}; "
                              f"the amount columns are: {', '.join(known_a)}")
    bad_b = [c for c in plain if c not in known_b and c != TOTALT]
    if bad_b:
        raise _column_problem(f"column {', '.join(repr(c) for c in bad_b)} is not an amount column of B's agreement "
                              f"{b.name}; give the pair as A=B (B's amount columns are: {', '.join(known_b)})")
    out = {c: (c, c) for c in known_a if c in plain}
    if TOTALT in plain:
        out[TOTALT] = (TOTALT, TOTALT)
    for text in (c for c in wanted if "=" in c):
        col_a, _, col_b = (part.strip() for part in text.partition("="))
        for col, ag, known in ((col_a, a, known_a), (col_b, b, known_b)):
            if col not in known and col != TOTALT:
                raise _column_problem(f"{text!r}: unknown column {col!r}{_near(col, ag, known)} for the agreement "
                                      f"{ag.name}; "
                                      f"the amount columns are: {', '.join(known)}")
        out[col_a if col_a == col_b else f"{col_a}={col_b}"] = (col_a, col_b)
    return _with_totalt(out, same)


def _with_totalt(pairs: dict[str, tuple[str, str]], same: bool) -> dict[str, tuple[str, str]]:
    """Between two agreements the total over every budget line is always compared, last."""
    if not same and TOTALT not in pairs:
        pairs[TOTALT] = (TOTALT, TOTALT)
    return pairs


def _region_row(ra: Recipient | None, rb: Recipient | None, pairs: Mapping[str, tuple[str, str]],
                a: Allocation, b: Allocation) -> RecipientComparison:
    """One recipient in A and in B (either may be absent)."""
    col_a, col_b = a.agreement.inhabitants_column, b.agreement.inhabitants_column
    pop_a = ra.counts.get(col_a, 0) if ra is not None and col_a else None
    pop_b = rb.counts.get(col_b, 0) if rb is not None and col_b else None
    cells = {
        name: Cell(name, _amount(a, ca, ra.code) if ra is not None else None,
                   _amount(b, cb, rb.code) if rb is not None else None, pop_a, pop_b)
        for name, (ca, cb) in pairs.items()
    }
    first = ra if ra is not None else rb
    assert first is not None
    short = short_name(a.agreement.rules, first)
    return RecipientComparison(first.code, first.lan, first.name, pop_a, pop_b, cells, short)


def diff(a: Allocation, b: Allocation, columns: Iterable[str] | None = None) -> Comparison:
    """Compare two allocations per recipient (matched by code) and column.

    A and B may apply one agreement or two (avsnitt by avsnitt, this year's against next year's).
    A recipient on one side only is listed (A's recipients first, in A's order, then B's).

    Args:
        columns: amount columns (default: those of A's overview table, that B has too), or
            ``"A=B"`` pairs of a column of A and one of B; ``totalt`` is every budget line together,
            always compared when the agreements differ.

    Raises:
        InputError (a ``ValueError``): a column is not an amount column of the agreement(s).
    """
    pairs = _pairs(a.agreement, b.agreement, columns)
    regions_a = a.result.inputs.recipients
    regions_b = {r.code: r for r in b.result.inputs.recipients}
    codes_a = {r.code for r in regions_a}
    rows = [_region_row(ra, regions_b.get(ra.code), pairs, a, b) for ra in regions_a]
    rows += [_region_row(None, rb, pairs, a, b) for code, rb in regions_b.items() if code not in codes_a]
    sums = {}
    for name, (ca, cb) in pairs.items():
        sa = sum(_amount(a, ca, r.code) for r in regions_a)
        sb = sum(_amount(b, cb, r.code) for r in regions_b.values())
        sums[name] = (sa, sb)
    col_a, col_b = a.agreement.inhabitants_column, b.agreement.inhabitants_column
    pop_a = sum(r.counts.get(col_a, 0) for r in regions_a) if col_a else None
    pop_b = sum(r.counts.get(col_b, 0) for r in regions_b.values()) if col_b else None
    total = RecipientComparison("", TOTAL, TOTAL, pop_a, pop_b,
                             {c: Cell(c, sa, sb, pop_a, pop_b) for c, (sa, sb) in sums.items()})
    return Comparison(a=a, b=b, columns=tuple(pairs), regions=tuple(rows), total=total, pairs=pairs)


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
    """Compare scenario A with scenario B (of one agreement or two): a DataFrame, one row per recipient and column.

    Args:
        a, b: each a ``Scenario`` (e.g. from ``scenario_from``), an agreement's name or alias (the
            agreement as signed), the path of a scenario file, an ``Allocation``, or ``None`` for
            the agreement as signed. The side given decides the agreement of a ``None`` side.
        totals: append the rows of column totals (``lan == "Totalt"``).
        agreement: the agreement of a side given as a scenario file that names none (default:
            the one A or B names, else the default agreement).
        columns: amount columns (default: those of A's overview table that B has too), ``"A=B"``
            pairs of a column of A and one of B, or ``totalt`` (every budget line; always compared
            between two agreements).

    Columns: ``lan_code, lan, region, column, population_a, population_b, a, b, diff`` (kronor,
    int64) and ``diff_percent, per_inhabitant_a, per_inhabitant_b, per_inhabitant_diff``
    (float64, for display; NaN where A is 0 kr).

    Raises:
        InputError: a bad scenario, a side naming another agreement than ``agreement``, or an
            unknown column (``InputError`` is a ``ValueError``).
        AllocationError: a side's parameters cannot be applied to its data.
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
    "PLOT_FORMATS", "adjustment_notes", "heading", "comparison_csv", "comparison_figure", "comparison_json",
    "comparison_tables", "save_plot",
    "scenario_label", "source_line", "sv_number",
)
__all__ += [name for name in _RENDERERS if name != "PLOT_FORMATS"]


def __getattr__(name: str) -> Any:
    """A renderer of ``comparison_render`` by its old name (``comparison.comparison_csv`` …)."""
    if name in _RENDERERS:
        from . import comparison_render

        return getattr(comparison_render, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
