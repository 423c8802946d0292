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
"""

from __future__ import annotations

import difflib
import json
import math
import re
import textwrap
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from . import core
from .api import Allocation
from .core.landsbygd import CATEGORIES, weighted_rural_population
from .core.line import part_totals
from .lan import lookup

__all__ = [
    "Explanation",
    "LineSteps",
    "PartStep",
    "Source",
    "SumStep",
    "UnknownRecipientError",
    "explain",
    "explanation_json",
    "explanation_text",
    "find_recipient",
]


class UnknownRecipientError(KeyError):
    """The text names no recipient of the agreement; the message says why and what would do."""

    def __init__(self, text: str, message: str):
        super().__init__(text)
        self.text = text
        self.message = message

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True, slots=True)
class Source:
    """One input or parameter: its value, what it is, and where it comes from."""

    key: str
    label: str
    value: int | Fraction
    source: str
    how: str = ""


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
class SumStep:
    """An output column that adds up other amount columns (``kind = "sum"``)."""

    column: str
    label: str
    sum_of: tuple[str, ...]
    amounts: tuple[int, ...]
    amount: int


@dataclass(frozen=True, slots=True)
class Explanation:
    """How one recipient's amounts arise, step by step, under one scenario."""

    lan_code: str
    lan: str
    region: str
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


# --- Finding the recipient ------------------------------------------------------------------

def _recipients_text(regions: tuple[core.Region, ...]) -> str:
    return ", ".join(f"{r.lan_code} {r.lan}" for r in regions)


def find_recipient(alloc: Allocation, text: str) -> str:
    """The code of the recipient that ``text`` names: a code (``14``) or a län or region name.

    Raises:
        UnknownRecipientError: ``text`` names no recipient; the message says whether it is a
            län that is not among the agreement's recipients, or suggests the nearest names.
    """
    from .lan import LAN, REGION_NAMES

    ag = alloc.agreement
    regions = alloc.result.inputs.regions
    codes = {r.lan_code for r in regions}
    listing = f"{len(regions)} recipients of {ag.title}: {_recipients_text(regions)}"
    stripped = text.strip()
    code = lookup(stripped)
    if code is None:
        folded = stripped.casefold()
        code = next((r.lan_code for r in regions
                     if folded in (r.lan_code.casefold(), r.lan.casefold(), r.region.casefold())), None)
    if code in codes:
        return code  # type: ignore[return-value]
    if code is not None:
        notes = "".join(f" {n}" for n in ag.notes if f"({code})" in n or LAN.get(code, "\0") in n)
        name = f"{code} {LAN.get(code, stripped)} ({REGION_NAMES.get(code, stripped)})"
        raise UnknownRecipientError(text, f"{name} is not among the {listing}.{notes}")
    hint = ""
    near = _nearest(stripped, [(r.lan_code, (r.lan_code, r.lan, r.region)) for r in regions])
    if near:
        hint = f" (did you mean {_either(near)}?)"
    else:
        others = _nearest(stripped, [(c, (n, REGION_NAMES[c])) for c, n in LAN.items() if c not in codes])
        if others:
            hint = f" ({_either(others)}, the nearest name, is not among the recipients)"
    raise UnknownRecipientError(text, f"unknown {ag.rules.recipient} {text!r}{hint}; give a code or a name "
                                      f"of one of the {listing}")


def _either(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


def _nearest(text: str, candidates: list[tuple[str, tuple[str, ...]]]) -> list[str]:
    """The names closest to ``text`` (difflib), at most one per recipient, best first."""
    names: dict[str, tuple[str, str]] = {}
    for code, forms in candidates:
        for form in forms:
            names.setdefault(form.casefold(), (code, form))
    folded = text.casefold()
    scored = sorted(((difflib.SequenceMatcher(None, folded, n).ratio(), n) for n in names), reverse=True)
    out: dict[str, str] = {}
    for ratio, match in scored:
        if ratio < 0.6 or ratio < scored[0][0] - 0.1:
            break
        code, form = names[match]
        out.setdefault(code, form)
    return list(out.values())[:3]


# --- Sources --------------------------------------------------------------------------------

def _shown_path(path: Path) -> str:
    """A shipped file relative to the data folder (``data/...``), any other file as given."""
    from .resources import data_dir

    try:
        return "data/" + path.resolve().relative_to(data_dir()).as_posix()
    except (ValueError, OSError, FileNotFoundError):
        return str(path)


def _data_source(alloc: Allocation, name: str) -> str:
    """Where a data file comes from: the scenario's own file, or the agreement's with its provenance."""
    sc = alloc.scenario
    df = sc.agreement.data[name]
    own = sc.own_files().get(name)
    if own is not None:
        return f"{own}: own file, in place of the agreement's {df.label} ({_shown_path(df.path)})"
    title = f"{df.title}; " if df.title else ""
    return f"{_shown_path(df.path)}: {df.label} ({df.date.isoformat()}); {title}{df.source}"


def _rural_how(key: core.RuralKey, weights: tuple[Fraction, ...], reference: tuple[Fraction, ...],
               section: str) -> str:
    """How the recipient's weighted rural population W arises from the rural key."""
    where = f" ({section})" if section else ""
    if key.categories_known:
        counts = (key.tatortsnara, key.gles, key.mycket_gles)
        terms = " + ".join(f"{_num(Fraction(w))} × {_kr(n or 0)} {c.replace('_', ' ')}"
                           for w, n, c in zip(weights, counts, CATEGORIES, strict=True))
        return f"W = {terms} inhabitants{where}"
    ref = "/".join(_num(x) for x in reference)
    given = _kr(key.vagd_summa or 0)
    if tuple(weights) == tuple(reference):
        return (f"W = {given}, the weighted sum at the reference weights {ref}; "
                f"the inhabitants per category are not known{where}")
    shown = "/".join(_num(Fraction(x)) for x in weights)
    return (f"W = {given} × {_num(sum(weights, Fraction(0)))}/{_num(sum(reference, Fraction(0)))}: the weighted "
            f"sum at the reference weights {ref}, scaled to the proportional weights {shown}; "
            f"the inhabitants per category are not known{where}")


def _weight_name(rules: core.Rules, key: core.Key) -> tuple[str, str]:
    """The name of a key's weight in formulas (a data column, or W) and its label."""
    if key.kind == "landsbygd":
        return "W", key.label
    label = rules.column(key.column).label if key.column in rules.column_names else key.label
    return key.column, label


def _used_keys(rules: core.Rules) -> list[core.Key]:
    """The keys the lines share by: data columns first (the recipients' file), then the rural key."""
    names = list(dict.fromkeys(p.key for line in rules.lines for p in line.parts))
    return sorted((rules.keys[n] for n in names), key=lambda k: k.kind == "landsbygd")


def _sources(alloc: Allocation, code: str) -> tuple[tuple[Source, ...], tuple[Source, ...]]:
    sc, res = alloc.scenario, alloc.result
    rules = res.rules
    region = res.inputs.region(code)
    n = len(res.inputs.regions)
    inputs: list[Source] = []
    for key in _used_keys(rules):
        name, label = _weight_name(rules, key)
        if key.kind == "landsbygd":
            rural_file = sc.agreement.landsbygd
            src = _data_source(alloc, rural_file.name) if rural_file else ""
            weights = res.parameters.weights(key.name)
            rural = {k.lan_code: k for k in res.inputs.rural_key}[code]
            w = weighted_rural_population(rural, weights, res.inputs.reference_weights)  # type: ignore[arg-type]
            line_name, part_name = next((ln.name, p.name) for ln in rules.lines for p in ln.parts if p.key == key.name)
            w_all = res.part(line_name, part_name).weights
            inputs.append(Source(f"{key.name}.W", f"W, {label}", w, src,
                                 _rural_how(rural, weights, res.inputs.reference_weights, key.section)))
            inputs.append(Source(f"{key.name}.W.sum", f"Σ W, {n} recipients", sum(w_all.values(), Fraction(0)), src))
        else:
            src = _data_source(alloc, sc.agreement.recipients.name)
            inputs.append(Source(name, label, region.count(key.column), src))
            inputs.append(Source(f"{name}.sum", f"Σ {name}, {n} recipients",
                                 sum(r.count(key.column) for r in res.inputs.regions), src))
    used: list[str] = []
    for line in rules.lines:
        used += [line.total, *([line.base] if line.base else [])]
        used += [p.amount or p.share for p in line.parts if p.amount or p.share]  # type: ignore[misc]
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
        names.append(p.amount)  # type: ignore[arg-type]
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
                factor = f"(1 − {' − '.join(shares)})"  # type: ignore[arg-type]
                value = 1 - sum((params.fraction(s) for s in shares), Fraction(0))  # type: ignore[arg-type]
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
    n = len(res.inputs.regions)
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
            floor = math.floor(exact)
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
                exact=exact, floor=floor, remainder=exact - floor, rank=ap.rank(code),
                recipients=len(ap.exact), balancing_kronor=ap.leftover,
                received_balancing_krona=ap.adjustment(code) > 0, amount=ap.amounts[code],
            ))
        lcol = columns.get((line.name,))
        base = col.base_per_region
        out.append(LineSteps(
            line=line.name, label=line.label or line.name, section=line.section,
            column=lcol.name if lcol else "", column_label=lcol.label if lcol else "",
            total_parameter=line.total, total=col.total, base_parameter=line.base or "",
            base_per_region=base,
            base_how=f"{line.base} = {_kr(base)} kr to each of the {n} recipients" if line.base else "",
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

    ``region`` is a code or a län or region name of one of the agreement's recipients.

    Raises:
        UnknownRecipientError (a ``KeyError``): ``region`` names no recipient of the allocation.
        AssertionError: never, unless the steps disagree with the allocation (a bug).
    """
    code = find_recipient(alloc, region)
    row = next(r for r in alloc.rows if r["lan_code"] == code)
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
    r = alloc.result.inputs.region(code)
    return Explanation(code, r.lan, r.region, alloc, inputs, params, lines, sums, row)


# --- Numbers --------------------------------------------------------------------------------

def _kr(value: int | Fraction) -> str:
    from .render import kr

    return kr(int(value))


def _frac(value: Fraction | int) -> str:
    return str(Fraction(value))


def _decimal(value: Fraction, places: int = 4) -> str:
    """An exact fraction rounded half to even to ``places`` decimals, for display only."""
    scaled = round(Fraction(value) * 10**places)
    sign = "-" if scaled < 0 else ""
    digits = str(abs(scaled)).rjust(places + 1, "0")
    return f"{sign}{digits[:-places]}.{digits[-places:]}" if places else f"{sign}{digits}"


def _mixed(value: Fraction) -> str:
    """``37 812 509 + 3 065 459/4 902 449``: the whole kronor and the exact remainder."""
    whole = math.floor(value)
    rest = value - whole
    if rest == 0:
        return f"{_kr(whole)}"
    return f"{_kr(whole)} + {_kr(rest.numerator)}/{_kr(rest.denominator)}"


def _num(value: Fraction | int) -> str:
    value = Fraction(value)
    return _kr(value) if value.denominator == 1 else f"{_kr(value.numerator)}/{_kr(value.denominator)}"


def _approx(value: Fraction, places: int = 4) -> str:
    """A decimal with spaces between thousands, for reading (the exact value is shown beside it)."""
    whole, _, decimals = _decimal(value, places).partition(".")
    return f"{_kr(int(whole))}.{decimals}" if decimals else _kr(int(whole))


def _value(value: int | Fraction) -> int | str:
    return value if isinstance(value, int) else _frac(value)


# --- JSON -----------------------------------------------------------------------------------

def _part_json(p: PartStep) -> dict[str, Any]:
    return {
        "part": p.part, "label": p.label, "section": p.section, "column": p.column or None,
        "kind": p.kind, "parameter": p.parameter or None, "formula": p.formula,
        "total": p.total, "total_how": p.total_how,
        "key": p.key, "key_label": p.key_label, "weight_name": p.weight_name, "weight_label": p.weight_label,
        "weight": _frac(p.weight), "weight_sum": _frac(p.weight_sum),
        "share": _frac(p.share), "share_percent": _decimal(p.share * 100, 6),
        "exact": _frac(p.exact), "exact_decimal": _decimal(p.exact), "floor": p.floor,
        "remainder": _frac(p.remainder), "remainder_decimal": _decimal(p.remainder),
        "rank": p.rank, "recipients": p.recipients, "balancing_kronor": p.balancing_kronor,
        "received_balancing_krona": p.received_balancing_krona, "amount": p.amount,
    }


def explanation_json(e: Explanation) -> str:
    """The explanation for machines: fractions as ``"num/den"`` strings, kronor as integers.

    ``lines[l]["amount"] == base_per_region + Σ parts[].amount``, equal to ``allocate``'s column
    ``lines[l]["column"]`` (and each part's amount to its ``column``, if any);
    ``sums[c]["amount"] == Σ`` the amounts of ``sum_of``.
    """
    from .render import scenario_title

    alloc = e.allocation
    sc, ag = alloc.scenario, alloc.agreement
    own = sc.own_files()
    doc = {
        "title": scenario_title(alloc),
        "agreement": {"name": ag.name, "title": ag.title, "path": str(ag.path)},
        "lan_code": e.lan_code, "lan": e.lan, "region": e.region,
        "scenario": {
            "name": sc.name, "origin": sc.origin, "as_signed": alloc.as_signed,
            "changes": {k: [_frac(a), _frac(b)] for k, (a, b) in sc.changes().items()},
            "own_files": {k: str(v) for k, v in own.items()},
        },
        "data": {
            d.name: {"file": str(own.get(d.name, d.path)), "own": d.name in own, "label": d.label,
                     "date": None if d.name in own else d.date.isoformat(), "source": _data_source(alloc, d.name)}
            for d in (ag.recipients, *([ag.landsbygd] if ag.landsbygd else []))
        },
        "rounding_rule": next(iter(next(iter(alloc.result.columns.values())).parts.values())).rule,
        "inputs": {s.key: {"label": s.label, "value": _value(s.value), "source": s.source}
                   | ({"how": s.how} if s.how else {}) for s in e.inputs},
        "parameters": {s.key: {"label": s.label, "value": _value(s.value), "source": s.source}
                       for s in e.parameters},
        "lines": {
            ln.line: {
                "label": ln.label, "section": ln.section, "column": ln.column or None,
                "column_label": ln.column_label or None, "total_parameter": ln.total_parameter,
                "total": ln.total, "base_parameter": ln.base_parameter or None,
                "base_per_region": ln.base_per_region, "base_how": ln.base_how, "recipients": ln.recipients,
                "parts": [_part_json(p) for p in ln.parts],
                "adjustments": [{"part": a.part, "table": a.table or None, "source": a.source, "kronor": a.kronor,
                                 "rule": a.rule, "signed": a.signed} for a in ln.adjustments],
                **({"adjustment_not_applied": ln.not_applied} if ln.not_applied else {}),
                "amount": ln.amount,
            }
            for ln in e.lines
        },
        "sums": {s.column: {"label": s.label, "sum_of": list(s.sum_of), "amount": s.amount} for s in e.sums},
        "allocate": {c: e.row[c] for c in alloc.result.rules.amount_columns},
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


# --- Text -----------------------------------------------------------------------------------

#: Spaces that must not break a line: between digit groups of a number, and before "kr".
_KEEP = re.compile(r"(?<=\d) (?=\d{3}(?!\d))| (?=kr\b)| (?=%)")
_NBSP = "\ue000"


def _wrap(line: str, hang: int | None, width: int | None) -> list[str]:
    """One line, wrapped at ``width`` (None: not wrapped) with continuation lines indented ``hang``."""
    if width is None or len(line) <= width:
        return [line]
    indent = len(line) - len(line.lstrip(" "))
    hang = indent + 4 if hang is None else hang
    if hang > width // 2:
        hang = indent + 4
    wrapper = textwrap.TextWrapper(
        width=width, initial_indent=" " * indent, subsequent_indent=" " * hang,
        break_long_words=False, break_on_hyphens=False,
    )
    kept = _KEEP.sub(_NBSP, line.lstrip(" "))
    return [w.replace(_NBSP, " ") for w in wrapper.wrap(kept)] or [line]


class _Text:
    """Lines of text, each wrapped with a hanging indent when a width is given."""

    def __init__(self, width: int | None):
        self.width = width
        self.lines: list[str] = []

    def add(self, line: str = "", hang: int | None = None) -> None:
        self.lines += _wrap(line, hang, self.width) if line else [""]

    def row(self, indent: int, label: str, text: str, label_width: int = 13) -> None:
        """``label`` in a column of its own, ``text`` beside it (continued under itself)."""
        head = " " * indent + label.ljust(label_width)
        self.add(head + text, hang=len(head))

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def _part_text(out: _Text, p: PartStep, n: int) -> None:
    column = f" [{p.column}]" if p.column else ""
    out.add(f"  {n}. {p.label}{column}", hang=7)
    if p.section:
        out.row(7, "section", p.section)
    out.row(7, "formula", p.formula)
    out.row(7, "part total", p.total_how)
    by = f" ({p.weight_label})" if p.weight_label != p.key_label else ""
    out.row(7, "key", f"{p.key_label}: {p.weight_name}{by}")
    reduced = "" if p.weight_sum == p.share.denominator else f" = {_num(p.share)}"
    out.row(7, "share", f"{p.weight_name} / Σ {p.weight_name} = {_num(p.weight)} / {_num(p.weight_sum)}"
                        f"{reduced} = {_decimal(p.share * 100, 6)} %")
    out.row(7, "exact", f"{_kr(p.total)} × share = {_mixed(p.exact)} kr ≈ {_approx(p.exact)} kr")
    if p.received_balancing_krona:
        got = f"rank {p.rank} of {p.recipients} → receives one of the {p.balancing_kronor} balancing kronor"
    elif p.balancing_kronor:
        got = (f"rank {p.rank} of {p.recipients}; the {p.balancing_kronor} balancing kronor go to ranks "
               f"1–{p.balancing_kronor} → none here")
    else:
        got = f"rank {p.rank} of {p.recipients}; the floors already sum to the total → no balancing krona"
    out.row(7, "rounding", f"floor {_kr(p.floor)} kr, remainder {_decimal(p.remainder)}; {got}")
    out.row(7, "amount", f"{_kr(p.amount)} kr")


def _adjustments_text(out: _Text, ln: LineSteps, n: int) -> int:
    """The signed table's adjustments of a line, each a numbered step after the parts."""
    from .signed import minus

    for a in ln.adjustments:
        n += 1
        table = a.table_label or "the signed table"
        out.add(f"  {n}. adjustment  {table} as signed: {minus(a.kronor)} kr by hand", hang=7)
        out.row(7, "rule", f"{_kr(a.rule)} kr")
        out.row(7, "signed", f"{_kr(a.rule)} {'−' if a.kronor < 0 else '+'} {_kr(abs(a.kronor))} = {_kr(a.signed)} kr")
        out.row(7, "source", a.source)
    return n


def _header(out: _Text, e: Explanation) -> None:
    from .render import scenario_title

    alloc = e.allocation
    sc, ag = alloc.scenario, alloc.agreement
    out.add(scenario_title(alloc))
    if not sc.is_baseline:
        name = f": {sc.name}" if sc.name != ag.title else ""
        origin = f" ({sc.origin})" if sc.origin and sc.origin not in (sc.name, ag.name) else ""
        if alloc.as_signed:
            out.add(f"  This is a scenario{name}{origin} whose data and parameters are the agreement's own: "
                    "the agreement as signed")
        else:
            out.add(f"  This is a scenario{name}{origin}, not the agreement's own figures")
        changes = sc.changes()
        if changes:
            out.add("  changed from the agreement: "
                    + ", ".join(f"{k} {_num(a)} → {_num(b)}" for k, (a, b) in changes.items()))
        for name, path in sc.own_files().items():
            out.add(f"  own file for {ag.data[name].label}: {path}")
    for note in ag.notes:
        out.add(f"  Note: {note}")
    out.add("")
    out.add(f"{e.lan} ({e.lan_code}, {e.region}), step by step")


def explanation_text(e: Explanation, width: int | None = None) -> str:
    """The explanation for reading: data and parameters with sources, then every line step by step.

    ``width``: wrap long lines at this many characters (None: do not wrap).
    """
    alloc = e.allocation
    rules = alloc.result.rules
    rule = next(iter(next(iter(alloc.result.columns.values())).parts.values())).rule
    out = _Text(width)
    _header(out, e)

    out.add("")
    out.add("Data")
    shown: set[str] = set()
    for s in e.inputs:
        if s.source not in shown:
            shown.add(s.source)
            out.add(f"  from {s.source}", hang=6)
        value = _num(Fraction(s.value))
        out.add(f"    {s.label}: {value}", hang=8)
        if s.how:
            out.add(f"      {s.how}", hang=8)

    out.add("")
    out.add("Parameters")
    params = alloc.result.parameters
    for s in e.parameters:
        unit = " kr" if params.kind(s.key) == "amount" else ""
        out.add(f"  {s.key} = {_num(s.value)}{unit}", hang=6)
        if s.label != s.key:
            out.add(f"      {s.label}", hang=8)
        out.add(f"      source: {s.source}", hang=14)

    out.add("")
    out.add(f"Rounding: each part is rounded on its own by {rule.replace('_', ' ')}s: every recipient gets "
            "the floor of its exact share, and the kronor left over go one each to the largest "
            "remainders (ties: larger share, then lower code).", hang=2)

    for ln in e.lines:
        out.add("")
        heading = ln.column_label or ln.label
        out.add(f"{heading} [{ln.column or ln.line}]" + (f" – {ln.section}" if ln.section else ""), hang=2)
        out.add(f"  total  {ln.total_parameter} = {_kr(ln.total)} kr", hang=9)
        n = 0
        if ln.base_parameter:
            n += 1
            out.add(f"  {n}. base amount  {ln.base_how}", hang=7)
        for p in ln.parts:
            n += 1
            _part_text(out, p, n)
        n = _adjustments_text(out, ln, n)
        terms = [_kr(ln.base_per_region)] if ln.base_parameter else []
        terms += [_kr(p.amount) for p in ln.parts]
        sum_text = " + ".join(terms)
        for a in ln.adjustments:
            sum_text += f" {'−' if a.kronor < 0 else '+'} {_kr(abs(a.kronor))}"
        sum_text = f"{sum_text} = " if len(terms) + len(ln.adjustments) > 1 else ""
        out.add(f"  {ln.column or ln.line} = {sum_text}{_kr(ln.amount)} kr", hang=4)
        if ln.not_applied:
            out.add(f"  {ln.not_applied} as signed adjusts this figure by hand; that adjustment does not apply "
                    "here (this is not the agreement as signed): the rule's figure stands", hang=4)

    for s in e.sums:
        out.add("")
        out.add(s.label)
        out.add(f"  {s.column} = {' + '.join(s.sum_of)} = {' + '.join(_kr(a) for a in s.amounts)} "
                f"= {_kr(s.amount)} kr", hang=4)

    out.add("")
    out.add("Result (the row of `godnaravard allocate`)")
    names = rules.amount_columns
    label_width = max(len(rules.column(c).label) for c in names)
    amount_width = max(len(_kr(int(e.row[c]))) for c in names)
    for c in names:
        out.add(f"  {rules.column(c).label:<{label_width}}  {_kr(int(e.row[c])):>{amount_width}} kr  {c}")
    return out.text()
