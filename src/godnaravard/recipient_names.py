"""How the recipients of an agreement are named, and found by what a user types (issue 17 §3).

``explain`` names its recipient so: ``14``, ``Västra Götaland`` or ``Region Skåne`` for regions and
län, ``2305`` or ``Bräcke`` for kommuner. What the recipients are called, and which names a list of
them shows, come from the definition (``Rules.recipient``): the län's name for a region or a län,
the kommun's own name for a kommun. A text that names no recipient gets a message that lists the
recipients and says whether it names a län or kommun that is not among them, or the nearest names.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence

from . import core
from .api import Allocation
from .lan import LAN, REGION_NAMES, lookup
from .suggest import either

__all__ = ["UnknownRecipientError", "find_recipient", "short_heading", "short_name"]


class UnknownRecipientError(KeyError):
    """The text names no recipient of the agreement; the message says why and what would do."""

    def __init__(self, text: str, message: str):
        super().__init__(text)
        self.text = text
        self.message = message

    def __str__(self) -> str:
        return self.message


def short_name(rules: core.Rules, recipient: core.Recipient) -> str:
    """The name a list of recipients shows: the län's (``Stockholm``) for a region or a län, the
    kommun's own (``Bräcke``) for a kommun."""
    return recipient.name if rules.recipient == "kommun" else recipient.lan or recipient.name


def short_heading(rules: core.Rules) -> str:
    """The heading of a column of short names (``short_name``): the label of the definition's
    column that holds them (``Län``, ``Kommun``), else ``Län`` or ``Kommun``."""
    kommun = rules.recipient == "kommun"
    column = rules.recipient_column("name" if kommun else "lan")
    label = rules.column(column).label if column in rules.column_names else ""
    return label or ("Kommun" if kommun else "Län")


def _others(rules: core.Rules) -> Mapping[str, tuple[str, ...]]:
    """Every recipient of the definition's kind in Sweden, by code, with its names: the 21 län
    (name and region name) or SCB's 290 kommuner."""
    if rules.recipient == "kommun":
        from .inputs.cells import _kommun_names

        return {code: (name,) for code, name in _kommun_names().items()}
    return {code: (name, REGION_NAMES[code]) for code, name in LAN.items()}


def _code_of(rules: core.Rules, recipients: Sequence[core.Recipient], text: str) -> str | None:
    """The code ``text`` names: a recipient's code or one of its names, else (regions and län) a
    län by SCB's code or name, else (kommuner) one of SCB's kommun codes or names, else None."""
    folded = text.casefold()
    code = next((r.code for r in recipients
                 if folded and folded in (r.code.casefold(), r.lan.casefold(), r.name.casefold())), None)
    if code is not None:
        return code
    if rules.recipient != "kommun":
        return lookup(text)
    return next((c for c, names in _others(rules).items() if folded in (c, *(n.casefold() for n in names))), None)


def find_recipient(alloc: Allocation, text: str) -> str:
    """The code of the recipient that ``text`` names: a code (``14``, ``2305``) or a name.

    Raises:
        UnknownRecipientError: ``text`` names no recipient; the message says whether it is a
            län or kommun that is not among the agreement's recipients, or suggests the nearest names.
    """
    ag = alloc.agreement
    rules = ag.rules
    recipients = alloc.result.inputs.recipients
    codes = {r.code for r in recipients}
    shown = ", ".join(f"{r.code} {short_name(rules, r)}" for r in recipients)
    listing = f"{len(recipients)} {rules.recipients_word} of {ag.title}: {shown}"
    stripped = text.strip()
    code = _code_of(rules, recipients, stripped)
    if code in codes:
        return code
    others = _others(rules)
    if code is not None:
        notes = "".join(f" {n}" for n in ag.notes if f"({code})" in n or LAN.get(code, "\0") in n)
        forms = others.get(code, (stripped,))
        name = f"{code} {forms[0]}" + (f" ({forms[1]})" if len(forms) > 1 else "")
        raise UnknownRecipientError(text, f"{name} is not among the {listing}.{notes}")
    hint = ""
    near = _nearest(stripped, [(r.code, (r.code, r.lan, r.name)) for r in recipients])
    if near:
        hint = f" (did you mean {either(near)}?)"
    else:
        outside = _nearest(stripped, [(c, names) for c, names in others.items() if c not in codes])
        if outside:
            what = "the nearest name, is" if len(outside) == 1 else "the nearest names, are"
            hint = f" ({either(outside)}, {what} not among the {rules.recipients_word})"
    raise UnknownRecipientError(text, f"unknown {rules.recipient} {text!r}{hint}; give a code or a name "
                                      f"of one of the {listing}")


def _nearest(text: str, candidates: list[tuple[str, tuple[str, ...]]]) -> list[str]:
    """The names closest to ``text`` (difflib), at most one per recipient, best first."""
    names: dict[str, tuple[str, str]] = {}
    for code, forms in candidates:
        for form in forms:
            if form:
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
