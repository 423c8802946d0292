"""A rural key declared in the definition (issue 17 §3 "The rural key declared"): checked and built.

``[keys.NAME]`` with ``categories = { CATEGORY = "WEIGHT PARAMETER", ... }`` and ``data = "SLOT"``
declares a rural key (avsnitt 12 in God och nära vård): its categories, in order, each with its
weight. The data slot ``[data.SLOT]`` declares how its file holds them: ``category_columns`` (the
column of each category's inhabitants), ``category_labels``, the optional ``weighted_sum`` column
with the ``reference_weights`` it was computed at (and ``reference_source``), the ``unweighted``
categories of a per-kommun file and an optional ``status`` column. This module checks that the two
agree and builds the core's ``Key`` and the slot's ``RuralLayout``; ``docs/agreements.md`` explains
every key.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Mapping
from fractions import Fraction
from typing import Any

from ..core import Key
from ..errors import listing
from ..rural_layout import RuralLayout, Status
from .values import parse_value, shown_value

__all__ = ["rural_key", "rural_layouts"]

#: The fields of a data slot that only a rural key's data may have.
_RURAL_FIELDS = ("category_columns", "category_labels", "weighted_sum", "reference_weights", "reference_source",
                 "unweighted", "status", "category_spellings")

Need = Callable[[str, str | None, str | None], None]
ProblemAt = Callable[[str, str], None]


def rural_key(name: str, k: Any, spec_data: Mapping[str, Any], need: Need, problem: ProblemAt) -> Key:
    """``[keys.NAME]`` of a rural key: each weight is a weight parameter, its data slot exists."""
    categories = dict(k.categories or {})
    for category, weight in categories.items():
        need(f"keys.{name}.categories.{category}", weight, "weight")
    slot = k.data or _default_slot(spec_data)
    if not slot:
        rural = [n for n, d in spec_data.items() if d.kind == "rural_key"]
        problem(f"keys.{name}", "the rural key names no data slot (data = \"SLOT\") and the definition has "
                                f"{len(rural) or 'no'} data slot{'s' if len(rural) != 1 else ''} of kind = \"rural_key\""
                                + (f" ({listing(rural)}): name one" if rural else ""))
    elif slot not in spec_data:
        problem(f"keys.{name}.data", f"the rural key reads the data slot {shown_value(slot)}, but there is no "
                                     f"[data.{slot}]" + (f"; the data slots are {listing(spec_data)}" if spec_data else ""))
    elif spec_data[slot].kind != "rural_key":
        kind = shown_value(spec_data[slot].kind)
        problem(f"keys.{name}.data", f"the rural key reads the data slot {shown_value(slot)}, whose kind is {kind}; "
                                     "a rural key's data slot has kind = \"rural_key\"")
    return Key(name, "landsbygd", weights=tuple(categories.values()), label=k.label, section=k.section,
               categories=tuple(categories), data=slot)


def _default_slot(spec_data: Mapping[str, Any]) -> str:
    """The data slot of a rural key that names none: the one slot of ``kind = "rural_key"`` (by kind,
    never by name: issue 17 §3), else "" (none, or several: the key must name one)."""
    rural = [n for n, d in spec_data.items() if d.kind == "rural_key"]
    return rural[0] if len(rural) == 1 else ""


def rural_layouts(keys: Mapping[str, Key], spec_data: Mapping[str, Any], problem: ProblemAt,
                  taken: Collection[str] = ()) -> dict[str, RuralLayout]:
    """The layout of each data slot a rural key reads, checked against the keys (by slot); ``taken``
    are the recipients' columns, which the rural key's columns must not reuse (the workbook's
    Underlag holds both)."""
    rural = [k for k in keys.values() if k.kind == "landsbygd"]
    slots = list(dict.fromkeys(k.data for k in rural))
    if len(slots) > 1:
        problem(f"keys.{rural[-1].name}.data", "an agreement's rural keys read one data slot; these read "
                                               f"{listing(slots)}")
    for k in rural[1:]:
        if set(k.categories) != set(rural[0].categories):
            problem(f"keys.{k.name}.categories", f"the rural keys of one data slot have the same categories: "
                                                 f"{listing(rural[0].categories)} (keys.{rural[0].name})")
    for slot, d in spec_data.items():
        given = [f for f in _RURAL_FIELDS if getattr(d, f) not in (None, "", [], {})]
        if given and slot not in slots:
            problem(f"data.{slot}.{given[0]}", f"{given[0]} belongs to the data slot of a rural key, and no key "
                                               f"reads data.{slot}")
    out: dict[str, RuralLayout] = {}
    if rural and slots[0] in spec_data:
        out[slots[0]] = layout = _layout(rural[0], spec_data[slots[0]], problem)
        both = [c for c in (*layout.count_columns, layout.weighted_sum) if c in taken]
        if both:
            problem(f"data.{slots[0]}.category_columns", f"{listing(both)} is a column of the recipients' file too; "
                                                         "name the rural key's columns otherwise")
    return out


def _layout(key: Key, d: Any, problem: ProblemAt) -> RuralLayout:
    """One rural data slot's layout: every category of ``key`` has a column, a label at most, a
    reference weight where the file has a weighted sum; no column is used twice."""
    where = f"data.{key.data}"
    cats = key.categories
    columns = dict(d.category_columns or {})
    if d.category_columns is None:
        problem(where, f"the rural key {key.name} reads this slot, but it declares no category_columns "
                       f"(the column of each category's inhabitants: {listing(cats)})")
    else:
        _same_categories(f"{where}.category_columns", "has no column", columns, cats, problem)
    for c in d.category_labels:
        if c not in cats:
            problem(f"{where}.category_labels.{c}", f"unknown category {shown_value(c)}; the categories of "
                                                    f"keys.{key.name} are {listing(cats)}")
    named = [*columns.values(), *([d.weighted_sum] if d.weighted_sum else []),
             *([d.status.column] if d.status else []), "lan_code", "region"]
    for column, n in Counter(named).items():
        if n > 1:
            problem(f"{where}.category_columns", f"the column {shown_value(column)} is named {n} times "
                                                 "(categories, weighted_sum, status, lan_code and region each "
                                                 "have a column of their own)")
    for c in d.unweighted:
        if c in cats:
            problem(f"{where}.unweighted", f"{c} is a weighted category of keys.{key.name}; unweighted lists "
                                           "the categories of a per-kommun file that carry no weight")
    for spelling, c in d.category_spellings.items():
        if c not in cats and c not in d.unweighted:
            problem(f"{where}.category_spellings", f"{shown_value(spelling)} spells {shown_value(c)}, which is "
                                                   f"neither a category ({listing(cats)}) nor unweighted")
    reference = _reference(key, d, where, problem)
    status = Status(d.status.column, d.status.known, d.status.weighted_sum) if d.status else None
    return RuralLayout(cats, {c: columns.get(c, "") for c in cats}, dict(d.category_labels), d.weighted_sum,
                       reference, d.reference_source, tuple(d.unweighted), status,
                       dict(d.category_spellings))


def _same_categories(key: str, what: str, given: Mapping[str, Any], cats: tuple[str, ...], problem: ProblemAt) -> None:
    """``given`` has exactly the categories ``cats``: naming each missing one and each unknown one."""
    missing = [c for c in cats if c not in given]
    unknown = [c for c in given if c not in cats]
    if missing:
        problem(key, f"the category {listing(missing)} {what} (the categories are {listing(cats)})")
    if unknown:
        problem(key, f"unknown category {listing(unknown)}; the categories are {listing(cats)}")


def _reference(key: Key, d: Any, where: str, problem: ProblemAt) -> dict[str, Fraction]:
    """The reference weights by category: required with a weighted sum, one weight ≥ 0 per category."""
    if d.weighted_sum and not d.reference_weights:
        problem(f"{where}.weighted_sum", "a weighted sum is computed at some weights: give them as "
                                         "reference_weights = { CATEGORY = WEIGHT, ... }, one per category")
        return {}
    if not d.reference_weights:
        return {}
    _same_categories(f"{where}.reference_weights", "has no reference weight", d.reference_weights, key.categories,
                     problem)
    out: dict[str, Fraction] = {}
    for c, value in d.reference_weights.items():
        try:
            w = parse_value(f"the reference weight of {c}", value, "weight")
        except ValueError as exc:
            problem(f"{where}.reference_weights.{c}", str(exc))
            continue
        if w < 0:
            problem(f"{where}.reference_weights.{c}", f"a weight is ≥ 0, got {w}")
        out[c] = Fraction(w)
    if out and not any(out.values()):
        problem(f"{where}.reference_weights", "every reference weight is zero: a weighted sum at them is zero")
    return {c: out[c] for c in key.categories if c in out}
