"""Why a computed cell differs from the published one: the facts, the reason built from them,
and the reason's words in English (``godnaravard check``) and Swedish (the sheet Avstämning).

``check.reconcile`` gathers the facts behind each deviating cell (``PartFacts``, one per
separately rounded part; ``ComponentFacts``, one per column of a total that differs too);
``CellCheck.why`` turns them into one ``Reason`` (its ``kind`` and the facts that matter for
it). Both languages are written here, side by side and from that one ``Reason``, so that a
change of what is said is made once for both: ``english`` and ``swedish``.

The kinds of ``Reason`` (section 3 of the agreement: each part rounded to whole kronor by
largest remainder):

- ``"rounding"``: at most one balancing krona apart, another choice of who gets one;
- ``"data"``: further apart than a balancing krona can move a cell (other parameters or data);
- ``"sum"``: a total (a ``sum`` column) that differs with the columns it adds up.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import TYPE_CHECKING

from .core import ROUNDING_RULE
from .display import kr, kronor
from .frozen import frozen

if TYPE_CHECKING:
    from .agreements import Agreement

__all__ = ["ComponentFacts", "PartFacts", "Reason", "english", "och", "rule_name", "signed_kr", "swedish"]

#: The rounding rules of ``core.rounding.RULES`` as they are called in Swedish.
_RULE_NAMES = {
    "largest_remainder": "största rest",
    "sainte_lague": "Sainte-Laguës metod",
}


def signed_kr(value: int) -> str:
    """A difference in kronor with its sign: ``+1 kr``, ``-1 942 496 kr``, ``0 kr``."""
    sign = "+" if value > 0 else "-" if value < 0 else ""
    return f"{sign}{kr(abs(value))} kr"


def rule_name(rule: str) -> str:
    """A rounding rule's Swedish name (its key when it has none)."""
    return _RULE_NAMES.get(rule, rule)


@frozen
class PartFacts:
    """One separately rounded part behind a cell, for one recipient: how its krona was decided.

    ``line`` and ``part`` name the part in the definition (``Rules.line(line).part(part)``);
    ``exact`` is the recipient's exact share of the part, ``remainder`` what is left above its
    floor, ``rank`` the remainder's place (1 = first) among the ``recipients`` remainders, and
    ``balancing`` how many balancing kronor the part had to give after every floor;
    ``got_one`` says whether this recipient received one.
    """

    line: str
    part: str
    exact: Fraction
    remainder: Fraction
    rank: int
    recipients: int
    balancing: int
    got_one: bool


@frozen
class ComponentFacts:
    """A column that a ``sum`` column adds up whose own cell differs from the official table."""

    column: str
    computed: int
    official: int
    parts: tuple[PartFacts, ...]

    @property
    def deviation(self) -> int:
        """Computed minus official, in kronor."""
        return self.computed - self.official


@frozen
class Reason:
    """Why one cell (``column``) differs: its ``kind`` and the facts behind it.

    ``deviation`` is computed minus official, ``exact`` the computed cell before rounding.
    ``"rounding"`` and ``"data"`` carry ``parts`` (``"rounding"`` also ``alternatives``: the
    other rounding rules that give the official amount); ``"sum"`` carries ``summands`` (every
    column the total adds up), ``components`` (those whose cells differ) and ``official_is_sum``
    (whether the official total is the sum of its columns' official cells; None when the
    official tables do not print them all).
    """

    kind: str
    column: str
    deviation: int
    exact: Fraction
    computed: int
    official: int
    parts: tuple[PartFacts, ...] = ()
    alternatives: tuple[str, ...] = ()
    summands: tuple[str, ...] = ()
    components: tuple[ComponentFacts, ...] = ()
    official_is_sum: bool | None = None


# --------------------------------------------------------------------------------------------
# English


def _and(words: Sequence[str]) -> str:
    """``"A, B and C"``."""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _part_en(p: PartFacts) -> str:
    got = "a balancing krona" if p.got_one else "no balancing krona"
    return (
        f"{p.part} part: exact {kronor(p.exact)} kr, remainder {kronor(p.remainder)}, "
        f"rank {p.rank} of {p.recipients} among remainders with {p.balancing} "
        f"balancing krona(s) to give: {got}"
    )


def _sum_en(r: Reason, label: Callable[[str], str]) -> str:
    head = f"{label(r.column)} is the sum of {_and([label(c) for c in r.summands])}"
    parts = [
        f"{label(c.column)} differs from the official table by {signed_kr(c.deviation)} ("
        + "; ".join(_part_en(p) for p in c.parts)
        + "; see that cell)"
        for c in r.components
    ]
    if r.official_is_sum is None:
        parts.append("the official tables do not print every column it adds up")
    elif r.official_is_sum:
        parts.append("the official total is the sum of the official cells, so it differs with them")
    else:
        parts.append("the official total is not the sum of the official cells of its columns")
    return head + "; " + "; ".join(parts) + "."


def english(r: Reason, label: Callable[[str], str]) -> str:
    """The reason in English (``godnaravard check``); ``label`` names an output column."""
    if r.kind == "sum":
        return _sum_en(r, label)
    lines = [_part_en(p) for p in r.parts]
    if r.kind == "data":
        lines.append(
            f"the computed cell differs from the official table by {signed_kr(r.deviation)}, more than a balancing "
            "krona can move a cell: "
            "the parameters or the data differ from those of the official table, not the rounding"
        )
        return "; ".join(lines) + "."
    direction = "one more krona" if r.deviation < 0 else "one krona less"
    lines.append(
        f"the official table gives {direction} than the package's rule ({ROUNDING_RULE}); the column's "
        f"exact share is {kronor(r.exact)} kr, so both {kr(r.computed)} and {kr(r.official)} "
        "are within 1 kr of it"
    )
    lines += [f"the {rule} rule would give the official amount here" for rule in r.alternatives]
    return "; ".join(lines) + "."


# --------------------------------------------------------------------------------------------
# Swedish


def och(words: Sequence[str]) -> str:
    """``"A, B och C"``."""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " och " + words[-1]


def _lower_first(text: str) -> str:
    """A label inside a sentence: its first letter in lower case, unless it starts an acronym."""
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def _part_sv(ag: Agreement, p: PartFacts) -> str:
    """One separately rounded part: exact share, remainder, rank and whether it got a balancing krona."""
    line = ag.rules.line(p.line)
    part_label = line.part(p.part).label or p.part
    name = f"{line.label or p.line}, {_lower_first(part_label)}"
    balancing = "1 utjämningskrona" if p.balancing == 1 else f"{kr(p.balancing)} utjämningskronor"
    got = "fick en utjämningskrona" if p.got_one else "fick ingen utjämningskrona"
    return (
        f"{name}: exakt {kronor(p.exact, point=',')} kr, rest {kronor(p.remainder, point=',')}, plats {p.rank} "
        f"av {p.recipients} bland resterna med {balancing} att fördela: {got}"
    )


def _sum_sv(r: Reason, ag: Agreement, label: Callable[[str], str]) -> str:
    parts = [
        f"{label(c.column)} skiljer sig från den publicerade tabellen med {signed_kr(c.deviation)} ("
        + "; ".join(_part_sv(ag, p) for p in c.parts)
        + "; se den raden)"
        for c in r.components
    ]
    if r.official_is_sum is None:
        parts.append("tabellerna publicerar inte alla kolumner som totalen summerar")
    elif r.official_is_sum:
        parts.append("den publicerade totalen är summan av tabellens egna belopp, så den skiljer sig på samma sätt")
    else:
        parts.append("den publicerade totalen är inte summan av tabellens egna belopp i dess kolumner")
    return f"{label(r.column)} är summan av {och([label(c) for c in r.summands])}; " + "; ".join(parts) + "."


def swedish(r: Reason, ag: Agreement, label: Callable[[str], str]) -> str:
    """The reason in Swedish (the sheet Avstämning): ``ag`` names each part, ``label`` each column."""
    if r.kind == "sum":
        return _sum_sv(r, ag, label)
    lines = [_part_sv(ag, p) for p in r.parts]
    if r.kind == "data":
        lines.append(
            f"det beräknade beloppet skiljer sig från den publicerade tabellen med {signed_kr(r.deviation)}, mer än "
            "en utjämningskrona kan flytta ett belopp: parametrarna eller indata skiljer sig från tabellens, inte "
            "avrundningen"
        )
        return "; ".join(lines) + "."
    direction = "en krona mer" if r.deviation < 0 else "en krona mindre"
    lines.append(
        f"den publicerade tabellen ger {direction} än verktygets regel ({rule_name(ROUNDING_RULE)}); kolumnens exakta "
        f"belopp är {kronor(r.exact, point=',')} kr, så både {kr(r.computed)} och {kr(r.official)} ligger inom 1 kr "
        "från det"
    )
    lines += [f"med {rule_name(rule)} blir det den publicerade tabellens belopp" for rule in r.alternatives]
    return "; ".join(lines) + "."
