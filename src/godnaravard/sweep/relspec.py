"""Relative values in a sweep (issue 18 §3): ``--vary kommuner.total=-10%,+0%,+10%`` and ranges of them.

A relative value (``+10%``, ``-2.5%``, ``*1.1``; ``godnaravard.relative``) applies to the value the
*base scenario* of the sweep has (the agreement's, or that of ``--scenario`` and ``--set``), as it
does in ``--set``. A range of relative values ``-10%:+10%:5%`` (or ``*0.9:*1.1:0.05``) runs over
the factors 0.9, 0.95, …, 1.1 of that value, both ends relative in the same form, the step in
that form too (``5%`` or ``+5%``; ``0.05`` or ``*0.05``); each value is the base value times its
factor, an amount rounded half up to whole kronor, as ``--set`` rounds. Such a range is listed
(rounded values make no arithmetic range), so it is counted before any value is built and refused
above ``MAX_RELATIVE_VALUES`` values (a range of percentages needs far fewer; an absolute range
``start:stop:step`` takes up to ``MAX_SCENARIOS``).
"""

from __future__ import annotations

import re
from fractions import Fraction

from ..errors import InputError, Problem
from ..relative import factor_of, is_relative, scaled

__all__ = ["MAX_RELATIVE_VALUES", "is_relative_range", "relative_note", "relative_range"]

Value = int | Fraction
#: A range of relative values has at most this many values (each is computed and kept).
MAX_RELATIVE_VALUES = 100_000
_PERCENT_STEP = re.compile(r"\+?\s*([0-9]+(?:\.[0-9]+)?)\s*%")
_TIMES_STEP = re.compile(r"[*×]?\s*([0-9]+(?:\.[0-9]+)?(?:\s*/\s*[0-9]+)?)")


def is_relative_range(parts: list[str]) -> bool:
    """True for a range ``start:stop:step`` with a relative start or stop."""
    return is_relative(parts[0]) or is_relative(parts[1])


def _spaced(number: int) -> str:
    return f"{number:,}".replace(",", " ")


def _form(text: str) -> str:
    return "percent" if text.strip().endswith("%") else "times"


def _step(key: str, spec: str, step: str, form: str, source: str) -> Fraction:
    """The step of a relative range as a factor, in the form of its ends; refused unless positive."""
    pattern = _PERCENT_STEP if form == "percent" else _TIMES_STEP
    found = pattern.fullmatch(step.strip())
    example = "5%" if form == "percent" else "0.05"
    if found is None:
        raise InputError(Problem(source, f"the step of {spec!r}: a range of relative changes steps in the form of its "
                                         f"ends, e.g. {example}", column=key))
    try:
        value = Fraction(found.group(1).replace(" ", ""))
    except ZeroDivisionError:
        raise InputError(Problem(source, f"the step of {spec!r}: division by zero", column=key)) from None
    value = value / 100 if form == "percent" else value
    if value <= 0:
        raise InputError(Problem(source, f"the step of {spec!r} must be positive", column=key))
    return value


def relative_range(key: str, kind: str, spec: str, base: Value, source: str, limit: int) -> tuple[Value, ...]:
    """The values of a relative range ``spec`` of ``key`` (of ``kind``) around ``base``: at most ``limit``."""
    start_text, stop_text, step_text = spec.split(":")
    if not (is_relative(start_text) and is_relative(stop_text)) or _form(start_text) != _form(stop_text):
        raise InputError(Problem(source, f"the range {spec!r} mixes forms: both ends are new values (0:100:10) "
                                         "or both are changes of the same form (-10%:+10%:5%, *0.9:*1.1:0.05)",
                                 column=key))
    try:
        start, _ = factor_of(key, kind, start_text)
        stop, _ = factor_of(key, kind, stop_text)
    except ValueError as exc:
        raise InputError(Problem(source, str(exc), column=key)) from None
    step = _step(key, spec, step_text, _form(start_text), source)
    if stop < start:
        raise InputError(Problem(source, f"the range {spec!r} ends before it starts", column=key))
    count = int((stop - start) // step) + 1
    most = min(limit, MAX_RELATIVE_VALUES)
    if count > most:
        raise InputError(Problem(source, f"the range {spec!r} has {_spaced(count)} values; a range of relative "
                                         f"values has at most {_spaced(most)} (an absolute range "
                                         "start:stop:step takes more)", column=key))
    try:
        return tuple(scaled(key, kind, base, start + i * step).value for i in range(count))
    except ValueError as exc:
        raise InputError(Problem(source, str(exc), column=key)) from None


def relative_note(key: str, kind: str, spec: str, base: Value) -> str | None:
    """What a sweep says of a key varied by relative values: relative to which value, and whether
    amounts were rounded (None when ``spec`` has no relative value)."""
    items = spec.split(":") if ":" in spec else spec.split(",")
    if not any(is_relative(item) for item in items):
        return None
    from ..display import exact_text

    note = f"{key}={spec} is relative to {exact_text(base)}, the base scenario's value"
    if kind == "amount":
        note += "; amounts that are not whole kronor are rounded half up"
    return note
