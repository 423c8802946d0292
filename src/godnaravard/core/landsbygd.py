"""The rural key (landsbygdsnyckel): the weighted rural population of each region.

Avsnitt 12 (Beräkningsmodell) of God och nära vård: the money for primärvård i landsbygd (300 000 000 kr in God och
nära vård, avsnitt 1.2) is shared by "antal invånare i regionen som bor på landsbygd", where inhabitants of
glesa landsbygdskommuner weigh four times and of mycket glesa landsbygdskommuner six times as
much as inhabitants of tätortsnära landsbygd:

    W(region) = Σ over the categories c of w_c · inhabitants of category c
    amount(region) = total · W(region) / Σ W            (rounded: see ``rounding``)

Where a region's inhabitants per category are unknown and only W at the reference weights is
known (the shipped key of God och nära vård, decoded from bilaga 4), W can be used only with weights
proportional to the reference weights; anything else is refused, never estimated.

The categories, their weight parameters and the reference weights are the definition's (issue 17
§3 "The rural key declared"): nothing here names a category.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction

from ..frozen import frozen
from .model import Inputs, RuralKey
from .rounding import AllocationError

__all__ = [
    "MissingCategoriesError",
    "KommunRow",
    "weighted_rural_population",
    "rural_weights",
    "key_from_kommuner",
]


def _shown(weights: Mapping[str, Fraction]) -> str:
    """Weights by category, named: "skog 1, fjall 3" (bare numbers with slashes
    read as a fraction when there are two)."""
    return ", ".join(f"{c.replace('_', ' ')} {w}" for c, w in weights.items())


class MissingCategoriesError(AllocationError):
    """The weights differ from the reference weights, but some recipients lack categories."""

    def __init__(self, codes: Iterable[str], weights: Mapping[str, Fraction], reference: Mapping[str, Fraction]):
        self.codes = tuple(codes)
        ref = _shown(reference)
        super().__init__(
            f"rural weights {_shown(weights)} need inhabitants per category, which are unknown for "
            f"{len(self.codes)} of the recipients: {', '.join(self.codes)}; only their weighted sum at the "
            f"weights {ref} is known. Supply a per-kommun rural key (kommun code, category, population) "
            f"or keep the weights proportional to {ref}."
        )


def _proportional(a: Mapping[str, Fraction], b: Mapping[str, Fraction]) -> bool:
    """True when ``a = c · b`` for some c > 0 (same shares of W for every recipient)."""
    if set(a) != set(b) or not any(a.values()):
        return False
    sa, sb = sum(a.values(), Fraction(0)), sum(b.values(), Fraction(0))
    return all(a[k] * sb == b[k] * sa for k in a)


def weighted_rural_population(
    key: RuralKey, weights: Mapping[str, Fraction], reference: Mapping[str, Fraction]
) -> Fraction:
    """W for one recipient under ``weights`` (by category; avsnitt 12), exactly.

    From the inhabitants per category where known; otherwise from the weighted sum, scaled when
    ``weights`` are proportional to ``reference``. Raises ``MissingCategoriesError`` when neither works.
    """
    if key.inhabitants is not None:
        return sum((w * key.inhabitants.get(c, 0) for c, w in weights.items()), Fraction(0))
    if not any(weights.values()):  # every weight zero: W is zero however it is made up (the part must be 0 kr)
        return Fraction(0)
    if key.weighted_sum is None:
        raise AllocationError(f"rural key for {key.code} has neither categories nor a weighted sum")
    if dict(weights) == dict(reference):
        return Fraction(key.weighted_sum)
    if _proportional(weights, reference):
        return Fraction(key.weighted_sum) * sum(weights.values(), Fraction(0)) / sum(reference.values(), Fraction(0))
    raise MissingCategoriesError([key.code], weights, reference)


def rural_weights(inputs: Inputs, weights: Mapping[str, Fraction]) -> dict[str, Fraction]:
    """W per recipient code under ``weights``, naming every recipient that cannot be keyed."""
    if not inputs.rural_key:
        raise AllocationError("this agreement shares money by the rural key, but no rural key was given")
    out: dict[str, Fraction] = {}
    lacking: list[str] = []
    by_code = {k.code: k for k in inputs.rural_key}
    for region in inputs.recipients:
        try:
            out[region.code] = weighted_rural_population(
                by_code[region.code], weights, inputs.reference_weights
            )
        except MissingCategoriesError:
            lacking.append(f"{region.code} {region.lan}")
    if lacking:
        raise MissingCategoriesError(lacking, weights, inputs.reference_weights)
    return out


@frozen
class KommunRow:
    """One kommun of a per-kommun rural key: its code, category and population."""

    kommun_code: str
    kategori: str
    population: int

    @property
    def lan_code(self) -> str:
        """SCB's län code is the first two digits of the kommun code."""
        return self.kommun_code[:2]


def key_from_kommuner(
    rows: Iterable[KommunRow], lan_codes: Iterable[str], categories: Sequence[str], unweighted: Sequence[str] = ()
) -> tuple[RuralKey, ...]:
    """Sum kommun populations per region and category into a rural key with known categories.

    ``categories`` are the key's (declared by the definition, issue 17 §3), ``unweighted`` the
    categories of kommuner that carry no weight. Every region in ``lan_codes`` gets a key (zero
    inhabitants where it has no rural kommun); a kommun whose län is not among ``lan_codes`` or
    whose category is neither is refused.
    """
    totals = {c: dict.fromkeys(categories, 0) for c in lan_codes}
    for row in rows:
        if row.lan_code not in totals:
            raise AllocationError(f"kommun {row.kommun_code} belongs to no known län")
        if row.kategori in categories:
            totals[row.lan_code][row.kategori] += row.population
        elif row.kategori not in unweighted:
            raise AllocationError(f"kommun {row.kommun_code} has unknown category {row.kategori!r}")
    return tuple(RuralKey(code=c, inhabitants=t) for c, t in totals.items())
