"""The live model: the agreement's rule as spreadsheet formulas, exact to the krona.

Every amount of the bilaga sheets is a formula over the parameters (each a defined name on the
sheet Parametrar: the ``--set`` key with its dots made underscores, ``ambulans_grundbelopp``, made
valid and unique by ``names``) and the data on Underlag, through the sheet Delbelopp, which shows
every step. The formulas apply the rule of ``core`` (``core.line``, ``core.rounding``): for each budget line

    rest      = total − n · base                         (n recipients)
    remaining = rest − Σ carved-out parts
    remaining is split between the share parts and the rest part, by largest remainders
    each part is shared by its key, by largest remainders, and rounded on its own
    line(recipient) = base + Σ parts(recipient)

How largest remainders is done exactly in a spreadsheet, whose numbers are binary doubles:

- Every weight is made an integer ``w_i`` (a count; the rural key's weighted population at
  integer weights; a share as ``ROUND(s × D) / D`` with the denominator ``D`` below), so that
  the exact share ``T × w_i / S`` (``S = Σ w``) of a part's amount ``T`` is a quotient of
  integers. A double holds every integer below 2⁵³ ≈ 9.0 · 10¹⁵ exactly; ``T × w_i`` alone can
  exceed it (Nära vård's population part: 2 120 000 000 × 2 455 914 ≈ 5.2 · 10¹⁵, near the bound
  already), so each part block takes ``T`` in two halves, ``T = T1 · B + T0`` with ``B = 10⁸``:

      a = T1 · w_i,        q_a = ⌊a / S⌋,        r_a = a − S · q_a        (0 ≤ r_a < S)
      b = r_a · B + T0 · w_i,        q_b = ⌊b / S⌋,        r_i = b − S · q_b
      q_i = q_a · B + q_b   (= ⌊T · w_i / S⌋),   r_i the remainder numerator

  Every intermediate is an integer below 2⁵³ while ``T ≤ 2⁵³``, ``T1 · max(w) + S ≤ 2⁵³`` and
  ``(S + max(w)) · B ≤ 2⁵³``, i.e. for any amount an Excel cell holds (below 10¹⁵ kr) with
  weights summing to less than about 9 · 10⁷ (Sweden's population is 1.06 · 10⁷). Each part's
  check cell says whether the bound holds, and the part shows errors, not figures, when it does
  not. The halves ``q_a``, ``r_a`` stand in two helper columns beside the printed area.
- Each floor ``⌊n / S⌋`` is ``INT(n / S)`` in floating point, which can land on the wrong side of
  an integer, so it is corrected by one where the remainder ``n − S · q`` (an exact integer)
  falls outside ``[0, S)``. ``MOD`` is not used: Excel's ``MOD`` fails for quotients of 2²⁷
  and more. (The split of a line between its share parts, whose weights are small after
  dividing by their greatest common divisor, is computed in one stage, with the bound
  ``remaining × max(w) + S ≤ 2⁵³`` checked.)
- The kronor left over, ``L = T − Σ q``, go one each to the ``L`` recipients of highest rank:
  larger remainder first, then the larger exact share (the larger weight, within one part),
  then the smaller code, as ``core.rounding`` ranks them. The rank is a ``SUMPRODUCT`` of
  comparisons, not ``COUNTIF``: a criterion string would compare codes as numbers in
  LibreOffice and round remainders to 15 digits in Excel.
- Shares and weights are read to six decimals: ``D = lcm(10⁶, the denominator of the value at
  export)``, so that both the exported value (``1/3`` too) and any value typed with up to six
  decimals are read exactly; the sheet Parametrar shows the fraction each one is read as.
- The rural key of God och nära vård gives most regions only their weighted rural population at
  the reference weights 1/4/6. Other weights are valid only in proportion to those (the tool
  refuses others, never estimates); the workbook then shows an error in its check cell and in
  the amounts rather than wrong figures.

A signed table may differ from the rule by kronor moved by hand (``rules.adjustments``: bilaga 3's
Ambulans krona). The amounts of the bilagor add them as ``+IF(som_undertecknad,k,0)``: only while
every parameter and every number of Underlag is the agreement's (``context.SIGNED``, computed on
Parametrar), so the workbook shows the signed figures as signed and the rule's after any change.
Delbelopp shows the rule alone.

Each formula carries the value the tool computed (``write_formula(..., value)``): the integer
arithmetic here is checked against the core's amounts as the workbook is written.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING

from ..core.columns import adjustment_of, resolve
from ..core.plan import LinePlan, PartPlan, plans
from ..frozen import frozen
from ..render import kr
from .cells import HEADER_ROW, OK, ExportError, range_ref, ref
from .context import rural_label
from .names import defined_names

if TYPE_CHECKING:
    from ..agreements import Agreement
    from ..core import Line, Part, Result
    from ..rural_layout import RuralLayout

__all__ = [
    "DECIMALS",
    "Model",
    "PartBlock",
    "amount_ok",
]

#: Shares and weights are read to this many decimals (and exactly as exported).
DECIMALS = 6
_SCALE = 10**DECIMALS
#: 2⁵³ as a formula: the integers a double holds exactly lie below it.
TWO53 = "POWER(2,53)"
#: A part's amount is taken in two halves, ``T = T1 · SPLIT + T0``, so that no product of an amount and a
#: weight exceeds 2⁵³ (see the module's docstring).
SPLIT = 10**8

#: The rural key's columns on Underlag are those its definition declares (``RuralLayout``, issue 17 §3).


def denominator(value: int | Fraction) -> int:
    """``D`` of a share or weight: 10⁶, or a multiple of it that also reads the exported value exactly."""
    return math.lcm(_SCALE, Fraction(value).denominator)


def amount_ok(name: str) -> str:
    """A formula condition: the amount parameter ``name`` is whole kronor, not negative."""
    return f"AND(ISNUMBER({name}),{name}>=0,{name}=INT({name}))"


def share_ok(name: str) -> str:
    """A formula condition: the share parameter ``name`` lies between 0 and 1."""
    return f"AND(ISNUMBER({name}),{name}>=0,{name}<=1)"


def weight_ok(name: str) -> str:
    """A formula condition: the weight parameter ``name`` is a number ≥ 0."""
    return f"AND(ISNUMBER({name}),{name}>=0)"


def _rank(values: Mapping[str, tuple[int, int]]) -> dict[str, int]:
    """Rank 1… by larger remainder, then larger weight, then smaller key (``core.rounding``'s ties)."""
    order = sorted(values, key=lambda k: (-values[k][0], -values[k][1], k))
    return {k: i + 1 for i, k in enumerate(order)}


def _apportion(total: int, weights: Mapping[str, int]) -> tuple[dict[str, int], dict[str, int], dict[str, int], int]:
    """Largest remainders in integers, as the formulas do it: floors, remainders, ranks, leftover."""
    s = sum(weights.values())
    if s == 0:
        zero = dict.fromkeys(weights, 0)
        return zero, dict(zero), {k: i + 1 for i, k in enumerate(sorted(weights))}, total
    q = {k: total * w // s for k, w in weights.items()}
    r = {k: total * w - s * q[k] for k, w in weights.items()}
    return q, r, _rank({k: (r[k], w) for k, w in weights.items()}), total - sum(q.values())


# --------------------------------------------------------------------------------------------
# Layout of the sheet Delbelopp


@frozen
class Columns:
    """The columns of Delbelopp: code, names, then the arithmetic of largest remainders."""

    names: int  # how many name columns follow the code

    @property
    def weight(self) -> int:
        return 1 + self.names

    @property
    def exact(self) -> int:
        return 2 + self.names

    @property
    def floor(self) -> int:
        return 3 + self.names

    @property
    def remainder(self) -> int:
        return 4 + self.names

    @property
    def rank(self) -> int:
        return 5 + self.names

    @property
    def amount(self) -> int:
        return 6 + self.names

    @property
    def adjustment(self) -> int:
        return 7 + self.names

    @property
    def high(self) -> int:
        """A helper column outside the printed area: the floor of the amount's high half."""
        return 9 + self.names

    @property
    def high_rest(self) -> int:
        """A helper column outside the printed area: the remainder of the amount's high half."""
        return 10 + self.names


@dataclass
class PartBlock:
    """One part's block on Delbelopp: its rows, and the integers its formulas compute."""

    line: Line
    part: Part
    label: str
    title_row: int
    header_row: int
    first: int
    last: int
    sum_row: int
    total_row: int
    left_row: int
    check_row: int
    total: int
    weights: dict[str, int]
    floors: dict[str, int]
    remainders: dict[str, int]
    ranks: dict[str, int]
    leftover: int
    step: PartPlan  # the part in the line's plan (``core.plan``): its key and unit

    @property
    def unit(self) -> int:
        """round_to (issue 17 §2): floors, remainders and the leftover count units of this many kronor."""
        return self.step.unit


@dataclass
class SplitRow:
    """One part of a line on the table of parts: how its amount is fixed."""

    line: Line
    part: Part
    step: PartPlan  # the part in the line's plan (``core.plan``): how its amount is fixed
    row: int
    kind: str  # carved | split | rest
    amount: int
    weight: int = 0
    unreduced: str = ""
    floor: int = 0
    remainder: int = 0
    rank: int = 0
    order: int = 0
    unit: int = 1  # round_to: the split is made in units of this many kronor (the plan's split unit)


@dataclass
class RuralBlock:
    """The rural key's weights on Delbelopp: as integers, against the reference weights."""

    key: str
    weights: tuple[str, ...]
    title_row: int
    rows: tuple[int, ...]  # one per category, in the key's order
    proportional_row: int
    known_row: int
    gcd_row: int
    check_row: int
    denominators: tuple[int, ...]  # one per weight (the key's categories, in order)
    common: int  # M: the common denominator of the weights
    numerators: tuple[int, ...]  # N_k = w_k · M
    reference: tuple[int, ...]  # R_k, the reference weights as integers
    proportional: bool
    all_known: bool
    gcd: int


@dataclass
class Model:
    """Where every figure of the live model stands, and its value: built before any sheet is written."""

    agreement: Agreement
    result: Result
    parts_sheet: str
    inputs_sheet: str
    input_columns: Mapping[str, int]
    cols: Columns
    codes: tuple[str, ...]
    line_rows: dict[str, int] = field(default_factory=dict)
    lines_header: int = 0
    parts_header: int = 0
    split_rows: dict[tuple[str, str], SplitRow] = field(default_factory=dict)
    blocks: dict[tuple[str, str], PartBlock] = field(default_factory=dict)
    rural: RuralBlock | None = None
    last_row: int = 0
    #: The sheet Parametrar: each parameter's row, the columns of its value and of its exact value.
    param_sheet: str = ""
    param_rows: dict[str, int] = field(default_factory=dict)
    param_value_col: int = 2
    param_exact_col: int = 4
    #: Every parameter's defined name (``names.defined_names``), by key.
    defined: dict[str, str] = field(default_factory=dict)
    #: Every line's plan (``core.plan``, issue 17 §3), by line name: the steps the formulas translate.
    steps: dict[str, LinePlan] = field(default_factory=dict)

    # -- building -----------------------------------------------------------------------------

    @classmethod
    def build(cls, agreement: Agreement, result: Result, parts_sheet: str, inputs_sheet: str,
              input_columns: Mapping[str, int], names: int, reserved: Sequence[str] = ()) -> Model:
        """Lay out Delbelopp for ``result`` and compute every integer its formulas will compute."""
        m = cls(agreement, result, parts_sheet, inputs_sheet, input_columns, Columns(names),
                tuple(r.code for r in result.inputs.recipients))
        m.defined = defined_names(agreement.parameters.as_dict(), reserved)
        rules = agreement.rules
        m.steps = {plan.name: plan for plan in plans(rules)}
        row = HEADER_ROW
        # The budget lines: base amounts, carved-out parts, what the shares divide.
        m.lines_header = row + 1
        row += 1
        for ln in rules.lines:
            row += 1
            m.line_rows[ln.name] = row
        # The parts: how each one's amount is fixed.
        row += 3
        m.parts_header = row + 1
        row += 1
        for ln in rules.lines:
            col = result.columns[ln.name]
            steps = m.steps[ln.name]
            for p in steps.carved:
                row += 1
                m.split_rows[(ln.name, p.name)] = SplitRow(ln, ln.part(p.name), p, row, "carved",
                                                           col.parts[p.name].total)
            if steps.split:
                m._split(ln, steps, row)
                row += len(steps.split)
            else:
                row += 1
                m.split_rows[(ln.name, steps.rest.name)] = SplitRow(ln, ln.part(steps.rest.name), steps.rest, row,
                                                                    "rest", col.parts[steps.rest.name].total)
        # The rural key, if a part is shared by it.
        rural_keys = [k for k in dict.fromkeys(p.key for ln in rules.lines for p in ln.parts)
                      if rules.keys[k].kind == "landsbygd"]
        if rural_keys and result.inputs.rural_key:
            row += 2
            m.rural = m._rural(rural_keys[0], row)
            row = m.rural.check_row
        # One block per part, recipient by recipient.
        for ln in rules.lines:
            for p in m.steps[ln.name].parts:
                row += 2
                block = m._block(ln, p, row)
                m.blocks[(ln.name, p.name)] = block
                row = block.check_row
        m.last_row = row
        return m

    def name(self, key: str) -> str:
        """The defined name of the parameter ``key`` (``names``: valid and unique for any definition)."""
        return self.defined[key]

    def _split(self, ln: Line, steps: LinePlan, row: int) -> None:
        """The share parts and the rest part of a line (the plan's split), by largest remainders in integers."""
        params = self.result.parameters
        parts = steps.split
        shares = steps.shares
        keys = {p.name: p.share for p in shares}
        dens = {name: denominator(params.fraction(key)) for name, key in keys.items()}
        common = math.lcm(*dens.values())
        unreduced: dict[str, int] = {}
        texts: dict[str, str] = {}
        for p in shares:
            d = dens[p.name]
            numerator = params.fraction(keys[p.name]) * d
            unreduced[p.name] = int(numerator) * (common // d)
            texts[p.name] = f"ROUND({self.name(keys[p.name])}*{d},0)*{common // d}"
        rest = steps.rest
        unreduced[rest.name] = common - sum(unreduced.values())
        texts[rest.name] = f"{common}-(" + "+".join(texts[p.name] for p in shares) + ")"
        g = math.gcd(*unreduced.values()) or 1
        weights = {p.name: unreduced[p.name] // g for p in parts}
        col = self.result.columns[ln.name]
        remaining = sum(col.parts[p.name].total for p in parts)
        unit = steps.split_unit
        q, r, ranks, left = _apportion(remaining // unit, weights)
        orders = {name: i + 1 for i, name in enumerate(sorted(weights))}
        for i, p in enumerate(parts):
            amount = unit * (q[p.name] + (1 if ranks[p.name] <= left else 0))
            if amount != col.parts[p.name].total:
                raise ExportError(f"the workbook's split of {ln.name} gives {p.name} {amount} kr, the tool "
                                  f"{col.parts[p.name].total} kr")
            self.split_rows[(ln.name, p.name)] = SplitRow(
                ln, ln.part(p.name), p, row + 1 + i, "split", amount, weights[p.name], texts[p.name], q[p.name], r[p.name],
                ranks[p.name], orders[p.name], unit)

    @property
    def rural_layout(self) -> RuralLayout:
        """How the definition lays out the rural key's data (its categories' columns, issue 17 §3)."""
        data = self.agreement.landsbygd
        assert data is not None and data.rural is not None
        return data.rural

    def _rural(self, key: str, row: int) -> RuralBlock:
        """The rural key's weights as integers, and whether they can be used with the data."""
        params = self.result.parameters
        spec = self.agreement.rules.keys[key]
        values = tuple(params.weights(key).values())
        dens = tuple(denominator(v) for v in values)
        common = math.lcm(*dens)
        numerators = tuple(int(v * common) for v in values)
        given = self.result.inputs.reference_weights
        ref_values = tuple(given.get(c, Fraction(1)) for c in spec.categories) if given else (Fraction(1),) * len(values)
        ref_common = math.lcm(*(Fraction(v).denominator for v in ref_values))
        reference = tuple(int(Fraction(v) * ref_common) for v in ref_values)
        total_n, total_r = sum(numerators), sum(reference)
        proportional = total_n > 0 and all(
            n * total_r == r * total_n for n, r in zip(numerators, reference, strict=True))
        all_known = all(k.categories_known for k in self.result.inputs.rural_key)
        title = row
        n = len(values)
        rows = tuple(row + 2 + i for i in range(n))
        return RuralBlock(
            key, spec.weights, title, rows, row + 2 + n, row + 3 + n, row + 4 + n, row + 5 + n,
            dens, common, numerators, reference, proportional, all_known,
            math.gcd(*numerators),
        )

    def reference_text(self) -> str:
        """The rural key's reference weights by category: "skogsbygd 1, fjällbygd 3" (a list of bare
        numbers with slashes reads as a fraction when there are two)."""
        data = self.agreement.landsbygd
        layout = data.rural if data is not None else None
        return ", ".join(f"{layout.label(c) if layout else c} {x}"
                         for c, x in self.result.inputs.reference_weights.items())

    def rural_messages(self) -> tuple[str, str, str]:
        """What the rural key's check cell says: proportional weights, known categories, or refused."""
        n = len(self.codes)
        ref_text = self.reference_text()
        known = sum(k.categories_known for k in self.result.inputs.rural_key)
        key = rural_label(self.agreement)
        return (
            f"{OK}: vikterna är proportionella mot referensvikterna {ref_text}",
            f"{OK}: invånarna per kategori är kända för alla mottagare",
            f"fel: {key} anger för {n - known} av {n} mottagare bara den viktade summan vid "
            f"referensvikterna {ref_text}; andra vikter än i den proportionen kräver invånare per kategori, "
            "och verktyget vägrar räkna med dem (beloppen visas som fel, inte som felaktiga tal)",
        )

    def rural_check_value(self) -> str:
        """The rural key's check cell as the workbook is written."""
        rb = self.rural
        assert rb is not None
        good_p, good_k, refuse = self.rural_messages()
        return good_p if rb.proportional else good_k if rb.all_known else refuse

    def _rural_weights(self) -> dict[str, int]:
        """Each region's integer weight under the rural key, as the formulas compute it."""
        rb = self.rural
        assert rb is not None
        cats = self.agreement.rules.keys[rb.key].categories
        out = {}
        for k in self.result.inputs.rural_key:
            counts = [k.inhabitants_of(c) or 0 for c in cats]  # unknown only where not used
            if rb.proportional:
                if k.categories_known:
                    out[k.code] = sum(r * n for r, n in zip(rb.reference, counts, strict=True))
                else:
                    out[k.code] = int(k.weighted_sum or 0)
            else:
                out[k.code] = sum(n * c for n, c in zip(rb.numerators, counts, strict=True)) // (rb.gcd or 1)
        return out

    def _block(self, ln: Line, p: PartPlan, row: int) -> PartBlock:
        """One part, recipient by recipient: weights, floors, remainders, ranks, amounts."""
        res = self.result
        key = self.agreement.rules.keys[p.key]
        if key.kind == "landsbygd":
            weights = self._rural_weights()
        else:
            weights = {r.code: r.count(key.column) for r in res.inputs.recipients}
        part = res.part(ln.name, p.name)
        total = part.total
        unit = p.unit
        q, r, ranks, left = _apportion(total // unit, weights)
        for code in self.codes:
            amount = unit * (q[code] + (1 if ranks[code] <= left else 0))
            if amount != part.amounts[code]:
                raise ExportError(f"the workbook's formulas give {ln.name}/{p.name} {code} {amount} kr, the tool "
                                  f"{part.amounts[code]} kr")
        n = len(self.codes)
        first = row + 2
        last = first + n - 1
        part_spec = ln.part(p.name)
        label = f"{ln.label or ln.name}: {part_spec.label or p.name}"
        return PartBlock(ln, part_spec, label, row, row + 1, first, last, last + 1, last + 2, last + 3, last + 4,
                         total, weights, q, r, ranks, left, p)

    # -- references ---------------------------------------------------------------------------

    def cell(self, row: int, col: int, *, absolute: bool = False, local: bool = False) -> str:
        """A cell of Delbelopp, from another sheet (or, with ``local``, from Delbelopp itself)."""
        return ref(row, col, abs_row=absolute, abs_col=absolute, sheet=None if local else self.parts_sheet)

    def input_cell(self, column: str, i: int, *, absolute: bool = False) -> str:
        """The data of recipient ``i`` (0-based) in ``column`` on Underlag."""
        from .cells import FIRST

        return ref(FIRST + i, self.input_columns[column], abs_row=absolute, abs_col=absolute,
                   sheet=self.inputs_sheet)

    def input_range(self, column: str) -> str:
        """Every recipient's data in ``column`` on Underlag."""
        from .cells import FIRST

        return range_ref(FIRST, FIRST + len(self.codes) - 1, self.input_columns[column], absolute=True,
                         sheet=self.inputs_sheet)

    def part_amount(self, line: str, part: str, i: int, *, local: bool = False) -> str:
        """Recipient ``i``'s rounded amount of one part."""
        b = self.blocks[(line, part)]
        return self.cell(b.first + i, self.cols.amount, local=local)

    def line_amount(self, line: str, i: int) -> tuple[str, int]:
        """Recipient ``i``'s amount of a whole line (base + parts), as an expression, and its value."""
        ln = self.agreement.rules.line(line)
        terms = [self.name(ln.base)] if ln.base else []
        terms += [self.part_amount(line, p.name, i) for p in ln.parts]
        return "+".join(terms), self.result.columns[line].amount(self.codes[i])

    def adjusted(self, column: str, code: str) -> int:
        """The kronor the agreement's adjustments (``rules.adjustments``) add to ``column`` for ``code``
        in the agreement as signed: a part's own, a line's parts', a sum's columns' (0 where none)."""
        rules = self.agreement.rules
        return adjustment_of(resolve(rules, column), rules.adjustments, code)

    def _adjustment_term(self, column: str, i: int) -> str:
        """``+IF(som_undertecknad,k,0)``: the signed table's kronor, added only while the workbook is the
        agreement as signed (``context.SIGNED``), else nothing; "" where no adjustment applies."""
        from .context import SIGNED

        k = self.adjusted(column, self.codes[i])
        return f"+IF({SIGNED},{k},0)" if k else ""

    def amount_expr(self, column: str, i: int) -> str:
        """Recipient ``i``'s amount in an amount column, as an expression over Delbelopp and the parameters:
        the rule's amount, plus the signed table's adjustment while the parameters and data are as signed
        (``_adjustment_term``; the agreement's published corrections by hand, ``rules.adjustments``)."""
        rules = self.agreement.rules
        spec = rules.column(column)
        behind = resolve(rules, spec)
        if behind.leaves == (spec,):  # a line (its base amount and every part) or one part
            terms = [self.name(str(rules.line(line).base)) for line in behind.bases]
            terms += [self.part_amount(line, part, i) for line, part in behind.parts]
            return "+".join(terms) + self._adjustment_term(column, i)
        return "+".join(f"({self.amount_expr(c, i)})" if rules.column(c).kind == "line"
                        else self.amount_expr(c, i) for c in spec.ref)

    def expected_total(self, column: str) -> str:
        """What an amount column must sum to: its line's total, its part's amount, or their sum."""
        spec = self.agreement.rules.column(column)
        if spec.kind == "line":
            return self.name(self.agreement.rules.line(spec.ref[0]).total)
        if spec.kind == "part":
            s = self.split_rows[(spec.ref[0], spec.ref[1])]
            return self.cell(s.row, self.cols.amount, absolute=True)
        return "+".join(self.expected_total(c) for c in spec.ref)

    def value_piece(self, key: str) -> tuple[str, str]:
        """A parameter's value inside a live text: kronor with the reader's thousands separator,
        a share or weight as the fraction the model reads it as; with the tool's text."""
        params = self.result.parameters
        value = params[key]
        info = self.agreement.parameter_info.get(key)
        if params.kind(key) == "amount":
            unit = info.unit if info else "kr"
            return f'FIXED({self.name(key)},0)&" {unit}"', f"{kr(int(value))} {unit}"
        exact = ref(self.param_rows[key], self.param_exact_col, abs_row=True, abs_col=True, sheet=self.param_sheet)
        return exact, str(Fraction(value))

    def rural_display(self, part: tuple[str, ...], i: int) -> str:
        """Recipient ``i``'s weighted rural population at the scenario's weights (the tool's W), for display."""
        rb = self.rural
        assert rb is not None
        b = self.blocks[(part[0], part[1])]
        c = self.cols
        weight = self.cell(b.first + i, c.weight)
        n_cells = [self.cell(row, c.floor, absolute=True) for row in rb.rows]
        p_cell = self.cell(rb.proportional_row, c.weight, absolute=True)
        gcd = self.cell(rb.gcd_row, c.weight, absolute=True)
        total_r = sum(rb.reference)
        return (f'IF({p_cell}="ja",{weight}*({"+".join(n_cells)})/({rb.common}*{total_r}),'
                f"{weight}*{gcd}/{rb.common})")
