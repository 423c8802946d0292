"""Explaining one recipient's amounts step by step, from the inputs to the kronor of ``allocate``.

The explanation walks the agreement's definition (``Rules``): for every budget line, its total
and where that comes from, the base amount per recipient if any, and each separately rounded
part: the part's amount (carved out of the line, a share of what is left, or the rest), the key
it is shared by with the recipient's weight and the sum of all weights, the share as an exact
fraction, the exact amount, and the rounding step (floor, remainder, rank among the remainders,
how many balancing kronor the part had to give, and whether this recipient received one). Then
the line's amount, and the output columns that add up other columns.

Every input names its data file (the agreement's own, with its date and source, or the
scenario's own file), every parameter its source; every heading and label comes from the
agreement's definition. The figures are read from the same ``Result`` that ``allocate`` prints,
and ``explain`` checks that the steps add up to that row before returning.

This module computes the steps (an ``Explanation``); ``explain_render`` writes them as text and
JSON (``explanation_text``, ``explanation_json``, still importable from here).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from fractions import Fraction
from pathlib import Path
from typing import Any

from . import core
from .api import Allocation
from .core.landsbygd import weighted_rural_population
from .core.line import part_totals
from .display import exact_text, fixed, kr
from .frozen import frozen
from .recipient_names import UnknownRecipientError, find_recipient

__all__ = [
    "Explanation",
    "LineSteps",
    "PartStep",
    "Source",
    "SumStep",
    "UnknownRecipientError",
    "data_source",
    "explain",
    "find_recipient",
]

#: The renderers, in ``explain_render``, under their old import path (``explain.explanation_text``).
_RENDERERS = ("explanation_json", "explanation_text")
__all__ += list(_RENDERERS)


def __getattr__(name: str) -> Any:
    """A renderer of ``explain_render`` by its old name (``explain.explanation_text`` …)."""
    if name in _RENDERERS:
        from . import explain_render

        return getattr(explain_render, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@frozen
class Source:
    """One input or parameter: its value, what it is, and where it comes from."""

    key: str
    label: str
    value: int | Fraction
    source: str
    how: str = ""


@frozen
class PartStep:
    """One separately rounded part of a budget line, for one recipient.

    ``amount == floor + (1 if received_balancing_krona else 0)``; ``exact == total * share``;
    ``share == weight / weight_sum``.

    ``kind`` says how the part's amount arises: ``carved`` (a fixed amount, ``parameter``, taken
    out of the line), ``share`` (the share ``parameter`` of what is left) or ``rest``.
    """

    line: str
    part: str
    label: str
    section: str
    column: str
    kind: str
    parameter: str
    formula: str
    total: int
    total_how: str
    key: str
    key_label: str
    weight_name: str
    weight_label: str
    weight: Fraction
    weight_sum: Fraction
    share: Fraction
    exact: Fraction
    floor: int
    remainder: Fraction
    rank: int
    recipients: int
    balancing_kronor: int
    received_balancing_krona: bool
    amount: int
    unit: int = 1  # round_to (issue 17 §2): floor, remainder and balancing kronor count units of this many kronor


@frozen
class AdjustmentStep:
    """A signed table's correction by hand of one part for this recipient (``signed.AdjustedCell``):
    the kronor added to the rule's figure of the line, where it stands and why."""

    part: str
    table: str
    table_label: str
    source: str
    kronor: int
    rule: int
    signed: int


@frozen
class LineSteps:
    """A budget line for one recipient: total, base amount per recipient, parts, amount.

    ``amount`` is the figure as it stands: ``base_per_region + Σ parts[].amount + Σ
    adjustments[].kronor`` (the parts are the rule's; ``adjustments`` the signed table's
    corrections, applied to the agreement as signed only). ``not_applied`` names, in a what-if,
    the signed table whose adjustment of this recipient does not apply.
    """

    line: str
    label: str
    section: str
    column: str
    column_label: str
    total_parameter: str
    total: int
    base_parameter: str
    base_per_region: int
    base_how: str
    recipients: int
    parts: tuple[PartStep, ...]
    amount: int
    adjustments: tuple[AdjustmentStep, ...] = ()
    not_applied: str = ""


@frozen
class SumStep:
    """An output column that adds up other amount columns (``kind = "sum"``)."""

    column: str
    label: str
    sum_of: tuple[str, ...]
    amounts: tuple[int, ...]
    amount: int


@frozen
class Explanation:
    """How one recipient's amounts arise, step by step, under one scenario."""

    code: str
    lan: str
    name: str
    allocation: Allocation
    inputs: tuple[Source, ...]
    parameters: tuple[Source, ...]
    lines: tuple[LineSteps, ...]
    sums: tuple[SumStep, ...]
    row: core.Row

    def line(self, name: str) -> LineSteps:
        """The steps of one budget line by its name in the definition."""
        for ln in self.lines:
            if ln.line == name:
                return ln
        raise KeyError(name)

    def part(self, line: str, part: str) -> PartStep:
        """The steps of one part of a budget line."""
        for p in self.line(line).parts:
            if p.part == part:
                return p
        raise KeyError(f"{line}/{part}")


# --- Sources --------------------------------------------------------------------------------

def _shown_path(path: Path) -> str:
    """A shipped file relative to the data folder (``data/...``), any other file as given."""
    from .resources import data_dir

    try:
        return "data/" + path.resolve().relative_to(data_dir()).as_posix()
    except (ValueError, OSError, FileNotFoundError):
        return str(path)


def data_source(alloc: Allocation, name: str) -> str:
    """Where a data file comes from: the scenario's own file, or the agreement's with its provenance."""
    sc = alloc.scenario
    df = sc.agreement.data[name]
    if name in sc.own_files():
        from .own_data import own_file_text

        return f"{own_file_text(sc, name)}: own file, in place of the agreement's {_shown_path(df.path)}"
    title = f"{df.title}; " if df.title and df.title != df.label else ""  # a slot without a title has its label as title
    return f"{_shown_path(df.path)}: {df.label} ({df.date.isoformat()}); {title}{df.source}"


def _rural_how(key: core.RuralKey, weights: Mapping[str, Fraction], reference: Mapping[str, Fraction],
               section: str, labels: Mapping[str, str], reference_source: str = "") -> str:
    """How the recipient's weighted rural population W arises from the rural key (its categories,
    labelled as the definition declares them, issue 17 §3); a weighted sum cites where it and its
    reference weights come from (``reference_source``), else the key's section."""
    where = f" ({section})" if section else ""
    if key.inhabitants is None and reference_source:
        where = f" ({reference_source})"
    if key.inhabitants is not None:
        terms = " + ".join(f"{_num(Fraction(w))} × {_kr(key.inhabitants.get(c, 0))} {labels.get(c, c.replace('_', ' '))}"
                           for c, w in weights.items())
        return f"W = {terms} inhabitants{where}"
    def named(ws: Mapping[str, Fraction]) -> str:  # "tätortsnära 1, glesa 4": two bare numbers read as a fraction
        return ", ".join(f"{labels.get(c, c.replace('_', ' '))} {_num(Fraction(w))}" for c, w in ws.items())

    given = _kr(key.weighted_sum or 0)
    if dict(weights) == dict(reference):
        return (f"W = {given}, the weighted sum at the reference weights {named(reference)}; "
                f"the inhabitants per category are not known{where}")
    factor = sum(weights.values(), Fraction(0)) / sum(reference.values(), Fraction(0))
    return (f"W = {given} × {_num(factor)}: the weighted sum at the reference weights {named(reference)}, "
            f"scaled to the proportional weights {named(weights)}; the inhabitants per category are not known{where}")


def _weight_name(rules: core.Rules, key: core.Key) -> tuple[str, str]:
    """The name of a key's weight in formulas (a data column, or W) and its label."""
    if key.kind == "landsbygd":
        return "W", key.label
    label = rules.column(key.column).label if key.column in rules.column_names else key.label
    return key.column, label or key.column


def _used_keys(rules: core.Rules) -> list[core.Key]:
    """The keys the lines share by: data columns first (the recipients' file), then the rural key."""
    names = list(dict.fromkeys(p.key for line in rules.lines for p in line.parts))
    return sorted((rules.keys[n] for n in names), key=lambda k: k.kind == "landsbygd")


def _sources(alloc: Allocation, code: str) -> tuple[tuple[Source, ...], tuple[Source, ...]]:
    sc, res = alloc.scenario, alloc.result
    rules = res.rules
    region = res.inputs.recipient(code)
    n = len(res.inputs.recipients)
    inputs: list[Source] = []
    for key in _used_keys(rules):
        name, label = _weight_name(rules, key)
        if key.kind == "landsbygd":
            rural_file = sc.agreement.landsbygd
            src = data_source(alloc, rural_file.name) if rural_file else ""
            weights = res.parameters.weights(key.name)
            rural = {k.code: k for k in res.inputs.rural_key}[code]
            w = weighted_rural_population(rural, weights, res.inputs.reference_weights)
            layout = rural_file.rural if rural_file else None
            line_name, part_name = next((ln.name, p.name) for ln in rules.lines for p in ln.parts if p.key == key.name)
            w_all = res.part(line_name, part_name).weights
            inputs.append(Source(f"{key.name}.W", f"W, {label}", w, src,
                                 _rural_how(rural, weights, res.inputs.reference_weights, key.section,
                                            {c: layout.label(c) for c in key.categories} if layout else {},
                                            layout.reference_source if layout else "")))
            inputs.append(Source(f"{key.name}.W.sum", f"Σ W, {n} {rules.recipients_word}",
                                 sum(w_all.values(), Fraction(0)), src))
        else:
            src = data_source(alloc, sc.agreement.count_source(key.column).name)
            inputs.append(Source(name, label, region.count(key.column), src))
            inputs.append(Source(f"{name}.sum", f"Σ {name}, {n} {rules.recipients_word}",
                                 sum(r.count(key.column) for r in res.inputs.recipients), src))
    used: list[str] = []
    for line in rules.lines:
        used += [line.total, *([line.base] if line.base else [])]
        used += [param for p in line.parts if (param := p.amount or p.share)]
    for key in _used_keys(rules):
        used += list(key.weights)
    info = sc.agreement.parameter_info
    params = tuple(
        Source(k, info[k].label if k in info else k, v, sc.sources.get(k, ""))
        for k, v in res.parameters.as_dict().items() if k in set(used)
    )
    return tuple(inputs), params


# --- Steps ----------------------------------------------------------------------------------

def _paren(expr: str) -> str:
    return f"({expr})" if (" − " in expr or " + " in expr) else expr


def _part_totals_how(line: core.Line, params: core.Parameters, n: int) -> tuple[dict[str, str], dict[str, str]]:
    """Per part: how its amount arises from the parameters (text), and the formula of the part."""
    base, totals, split = part_totals(line, params, n)
    total = params.amount(line.total)
    names, values = [line.total], [_kr(total)]
    if line.base:
        names.append(f"{n} × {line.base}")
        values.append(f"{n} × {_kr(base)}")
    carved = [p for p in line.parts if p.amount]
    for p in carved:
        names.append(p.amount or "")  # (never empty: carved parts have an amount)
        values.append(_kr(totals[p.name]))
    rest = " − ".join(names)
    remaining = total - n * base - sum(totals[p.name] for p in carved)
    shares = [p.share for p in line.parts if p.share]
    how: dict[str, str] = {}
    formula: dict[str, str] = {}
    for p in line.parts:
        if p.amount:
            expr = p.amount
            how[p.name] = f"carved out: {p.amount} = {_kr(totals[p.name])} kr"
        elif split is not None:
            if p.share:
                factor, value = p.share, params.fraction(p.share)
            else:
                factor = f"(1 − {' − '.join(shares)})"
                value = 1 - sum((params.fraction(s) for s in shares), Fraction(0))
            expr = f"{_paren(rest)} × {factor}"
            shown_rest = f"({' − '.join(values)}) = {_kr(remaining)}; " if len(names) > 1 else ""
            exact = split.exact[p.name]
            kind = "share" if p.share else "the rest"
            text = f"{kind}: {expr} = {shown_rest}{_kr(remaining)} × {_num(value)}"
            if exact.denominator == 1:
                how[p.name] = f"{text} = {_kr(split.amounts[p.name])} kr"
            else:
                how[p.name] = (f"{text} = {_approx(exact)} kr, rounded to whole kronor together with the "
                               f"line's other parts: {_kr(split.amounts[p.name])} kr")
        else:
            expr = _paren(rest)
            if len(names) > 1:
                how[p.name] = f"the rest: {rest} = {' − '.join(values)} = {_kr(remaining)} kr"
            else:
                how[p.name] = f"the whole line: {line.total} = {_kr(total)} kr"
        formula[p.name] = expr
    return how, formula


def _part_columns(rules: core.Rules) -> dict[tuple[str, ...], core.ColumnSpec]:
    return {c.ref: c for c in rules.columns if c.kind in ("line", "part")}


def _lines(alloc: Allocation, code: str) -> tuple[LineSteps, ...]:
    res = alloc.result
    rules, params = res.rules, res.parameters
    n = len(res.inputs.recipients)
    columns = _part_columns(rules)
    out = []
    for line in rules.lines:
        col = res.columns[line.name]
        how, formula = _part_totals_how(line, params, n)
        steps = []
        for p in line.parts:
            ap = col.parts[p.name]
            key = rules.keys[p.key]
            wname, wlabel = _weight_name(rules, key)
            weight_sum = sum(ap.weights.values(), Fraction(0))
            exact = ap.exact[code]
            floor = ap.unit * math.floor(ap.in_units(code))
            pcol = columns.get((line.name, p.name))
            steps.append(PartStep(
                line=line.name, part=p.name, label=p.label or p.name, section=p.section,
                column=pcol.name if pcol else "",
                kind="carved" if p.amount else "share" if p.share else "rest",
                parameter=p.amount or p.share or "",
                formula=f"{formula[p.name]} × {wname} / Σ {wname}",
                total=ap.total, total_how=how[p.name], key=key.name, key_label=key.label or key.name,
                weight_name=wname, weight_label=wlabel, weight=ap.weights[code], weight_sum=weight_sum,
                share=ap.weights[code] / weight_sum if weight_sum else Fraction(0),
                exact=exact, floor=floor, remainder=ap.remainder(code), rank=ap.rank(code),
                recipients=len(ap.exact), balancing_kronor=ap.leftover,
                received_balancing_krona=ap.adjustment(code) > 0, amount=ap.amounts[code], unit=ap.unit,
            ))
        lcol = columns.get((line.name,))
        base = col.base_per_region
        out.append(LineSteps(
            line=line.name, label=line.label or line.name, section=line.section,
            column=lcol.name if lcol else "", column_label=lcol.label if lcol else "",
            total_parameter=line.total, total=col.total, base_parameter=line.base or "",
            base_per_region=base,
            base_how=f"{line.base} = {_kr(base)} kr to each of the {n} {res.rules.recipients_word}" if line.base else "",
            recipients=n, parts=tuple(steps), amount=col.amount(code) + res.adjustment(lcol.name, code) if lcol
            else col.amount(code), adjustments=_adjustment_steps(alloc, line.name, code),
            not_applied=_not_applied(alloc, line.name, code),
        ))
    return tuple(out)


def _adjustment_steps(alloc: Allocation, line: str, code: str) -> tuple[AdjustmentStep, ...]:
    """The applied adjustments of one line for one recipient (the signed table's kronor by hand)."""
    from .signed import adjusted_cells

    return tuple(
        AdjustmentStep(c.part, c.table, c.table_label, c.source, c.kronor, c.rule, c.signed)
        for c in adjusted_cells(alloc.result, alloc.agreement) if c.line == line and c.code == code
    )


def _not_applied(alloc: Allocation, line: str, code: str) -> str:
    """In a what-if: the label of the signed table whose adjustment of this line and recipient
    does not apply ("" when none would apply, or when it applies)."""
    ag = alloc.agreement
    if alloc.as_signed:
        return ""
    for adj in ag.rules.adjustments:
        if adj.line == line and code in adj.kronor:
            return ag.table(adj.table).label if adj.table else "the signed table"
    return ""


def _sums(alloc: Allocation, row: core.Row) -> tuple[SumStep, ...]:
    return tuple(
        SumStep(c.name, c.label, tuple(c.ref), tuple(int(row[r]) for r in c.ref), int(row[c.name]))
        for c in alloc.result.rules.columns if c.kind == "sum"
    )


def explain(alloc: Allocation, region: str) -> Explanation:
    """Every step from the inputs to one recipient's amounts in ``alloc``.

    ``region`` is a code or a name of one of the agreement's recipients (``recipient_names``).

    Raises:
        UnknownRecipientError (a ``KeyError``): ``region`` names no recipient of the allocation.
        AssertionError: never, unless the steps disagree with the allocation (a bug).
    """
    code = find_recipient(alloc, region)
    # The row of the recipient (rows follow the inputs; its code column may be kommun_code: issue 17).
    row = alloc.rows[next(i for i, r in enumerate(alloc.result.inputs.recipients) if r.code == code)]
    lines = _lines(alloc, code)
    res = alloc.result
    for ln in lines:
        steps_sum = ln.base_per_region + sum(p.amount for p in ln.parts) + sum(a.kronor for a in ln.adjustments)
        assert ln.amount == steps_sum, ln.line
        if ln.column:
            assert row[ln.column] == steps_sum, ln.column
        for p in ln.parts:
            added = sum(a.kronor for a in ln.adjustments if a.part == p.part)
            assert not p.column or row[p.column] == p.amount + added == res.amount(p.column, code), p.column
    sums = _sums(alloc, row)
    for s in sums:
        assert s.amount == sum(s.amounts), s.column
    inputs, params = _sources(alloc, code)
    r = alloc.result.inputs.recipient(code)
    return Explanation(code, r.lan, r.name, alloc, inputs, params, lines, sums, row)


# --- Numbers in the steps' texts (``display``) ----------------------------------------------

def _kr(value: int | Fraction) -> str:
    """Whole kronor (``display.kr``) of a value that is whole."""
    return kr(int(value))


def _num(value: Fraction | int) -> str:
    """An exact value as written: ``3 065 459/4 902 449`` (``display.exact_text``)."""
    return exact_text(value)


def _approx(value: Fraction, places: int = 4) -> str:
    """A decimal with spaces between thousands, for reading (the exact value is shown beside it)."""
    return fixed(value, places, thousands=" ")
