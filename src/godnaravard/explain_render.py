"""``explain`` for reading and for machines: the steps of an ``explain.Explanation`` as text
wrapped to the terminal and as JSON with exact fractions. Nothing is computed here: every figure
and every text of a step comes from the ``Explanation``; only the layout is this module's.
"""

from __future__ import annotations

import json
import math
import re
import textwrap
from fractions import Fraction
from typing import Any

from .display import exact_text, fixed, kr
from .explain import Explanation, LineSteps, PartStep, data_source

__all__ = ["explanation_json", "explanation_text"]


# --- Numbers --------------------------------------------------------------------------------

def _kr(value: int | Fraction) -> str:
    return kr(int(value))


def _frac(value: Fraction | int) -> str:
    return str(Fraction(value))


def _decimal(value: Fraction, places: int = 4) -> str:
    """An exact fraction rounded half to even to ``places`` decimals, for display only (``display.fixed``)."""
    return fixed(value, places)


def _mixed(value: Fraction) -> str:
    """``37 812 509 + 3 065 459/4 902 449``: the whole kronor and the exact remainder."""
    whole = math.floor(value)
    rest = value - whole
    if rest == 0:
        return f"{_kr(whole)}"
    return f"{_kr(whole)} + {_kr(rest.numerator)}/{_kr(rest.denominator)}"


def _num(value: Fraction | int) -> str:
    return exact_text(value)


def _approx(value: Fraction, places: int = 4) -> str:
    """A decimal with spaces between thousands, for reading (the exact value is shown beside it)."""
    return fixed(value, places, thousands=" ")


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
        **({"unit": p.unit} if p.unit > 1 else {}),
    }


def _recipient_fields(e: Explanation) -> dict[str, str]:
    """The recipient's code, län and name under the definition's column names (issue 17 §3):
    ``lan_code``, ``lan``, ``region`` for regions, ``kommun_code``, ``lan``, ``kommun`` for kommuner."""
    rules = e.allocation.agreement.rules
    return {rules.recipient_column("code"): e.code, "lan": e.lan, rules.recipient_column("name"): e.name}


def _heading(e: Explanation) -> str:
    """``Stockholm (01, Region Stockholm)`` for a region, ``Bräcke (2305, Jämtland Härjedalen)`` for a
    kommun: the short name first (``recipient_names.short_name``), then the code and the other name."""
    if e.allocation.agreement.rules.recipient == "kommun":
        return f"{e.name} ({e.code}, {e.lan})" if e.lan else f"{e.name} ({e.code})"
    return f"{e.lan} ({e.code}, {e.name})" if e.lan else f"{e.name} ({e.code})"


def explanation_json(e: Explanation) -> str:
    """The explanation for machines: fractions as ``"num/den"`` strings, kronor as integers.

    ``lines[l]["amount"] == base_per_region + Σ parts[].amount``, equal to ``allocate``'s column
    ``lines[l]["column"]`` (and each part's amount to its ``column``, if any);
    ``sums[c]["amount"] == Σ`` the amounts of ``sum_of``.
    """
    from .own_data import own_date
    from .render import scenario_title

    alloc = e.allocation
    sc, ag = alloc.scenario, alloc.agreement
    own = sc.own_files()
    doc = {
        "title": scenario_title(alloc),
        "agreement": {"name": ag.name, "title": ag.title, "path": str(ag.path)},
        **_recipient_fields(e),
        "scenario": {
            "name": sc.name, "origin": sc.origin, "as_signed": alloc.as_signed,
            "changes": {k: [_frac(a), _frac(b)] for k, (a, b) in sc.changes().items()},
            "own_files": {k: str(v) for k, v in own.items()},
        },
        "data": {
            d.name: {"file": str(own.get(d.name, d.path)), "own": d.name in own,
                     "label": "egen fil" if d.name in own else d.label,
                     "date": own_date(sc, d.name) if d.name in own else d.date.isoformat(),
                     "source": data_source(alloc, d.name)}
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
    by = f" ({p.weight_label})" if p.weight_label not in (p.key_label, p.weight_name) else ""
    out.row(7, "key", f"{p.key_label}: {p.weight_name}{by}")
    reduced = "" if p.weight_sum == p.share.denominator else f" = {_num(p.share)}"
    out.row(7, "share", f"{p.weight_name} / Σ {p.weight_name} = {_num(p.weight)} / {_num(p.weight_sum)}"
                        f"{reduced} = {_decimal(p.share * 100, 6)} %")
    out.row(7, "exact", f"{_kr(p.total)} × share = {_mixed(p.exact)} kr ≈ {_approx(p.exact)} kr")
    kronor, krona = ("kronor", "krona") if p.unit == 1 else (f"units of {_kr(p.unit)} kr", "unit")
    if p.received_balancing_krona:
        got = f"rank {p.rank} of {p.recipients} → receives one of the {p.balancing_kronor} balancing {kronor}"
    elif p.balancing_kronor:
        got = (f"rank {p.rank} of {p.recipients}; the {p.balancing_kronor} balancing {kronor} go to ranks "
               f"1–{p.balancing_kronor} → none here")
    else:
        got = f"rank {p.rank} of {p.recipients}; the floors already sum to the total → no balancing {krona}"
    unit = "" if p.unit == 1 else f"in units of {_kr(p.unit)} kr: "  # round_to, issue 17 §2
    out.row(7, "rounding", f"{unit}floor {_kr(p.floor)} kr, remainder {_decimal(p.remainder)}; {got}")
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
    from .own_data import own_file_text
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
        for name in sc.own_files():
            out.add(f"  own file for {name}: {own_file_text(sc, name)}")
    for note in ag.notes:
        out.add(f"  Note: {note}")
    out.add("")
    out.add(f"{_heading(e)}, step by step")


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

    for step in e.sums:
        out.add("")
        out.add(step.label)
        out.add(f"  {step.column} = {' + '.join(step.sum_of)} = {' + '.join(_kr(a) for a in step.amounts)} "
                f"= {_kr(step.amount)} kr", hang=4)

    out.add("")
    out.add("Result (the row of `godnaravard allocate`)")
    names = rules.amount_columns
    label_width = max(len(rules.column(c).label) for c in names)
    amount_width = max(len(_kr(int(e.row[c]))) for c in names)
    for c in names:
        out.add(f"  {rules.column(c).label:<{label_width}}  {_kr(int(e.row[c])):>{amount_width}} kr  {c}")
    return out.text()
