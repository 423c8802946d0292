"""The rural key (landsbygdsnyckel): the weighted rural population of each region.

Avsnitt 12 (Beräkningsmodell): the money for primärvård i landsbygd (300 000 000 kr in God och
nära vård, avsnitt 1.2) is shared by "antal invånare i regionen som bor på landsbygd", where inhabitants of
glesa landsbygdskommuner weigh four times and of mycket glesa landsbygdskommuner six times as
much as inhabitants of tätortsnära landsbygd:

    W(region) = w_t · tätortsnära + w_g · glesa + w_m · mycket glesa inhabitants
    amount(region) = total · W(region) / Σ W            (rounded: see ``rounding``)

Where a region's inhabitants per category are unknown and only W at the reference weights is
known (the shipped key of God och nära vård, decoded from bilaga 4), W can be used only with weights
proportional to the reference weights; anything else is refused, never estimated.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

from .model import Inputs, RuralKey
from .rounding import AllocationError

__all__ = [
    "CATEGORIES",
    "MissingCategoriesError",
    "KommunRow",
    "weighted_rural_population",
    "rural_weights",
    "key_from_kommuner",
]

#: The three categories of landsbygdskommuner that carry a weight (avsnitt 12).
CATEGORIES: tuple[str, ...] = ("tatortsnara", "gles", "mycket_gles")
#: Categories of kommuner that carry no weight in the key.
UNWEIGHTED_CATEGORIES: tuple[str, ...] = ("ovrig",)


class MissingCategoriesError(AllocationError):
    """The weights differ from the reference weights, but some regions lack categories."""

    def __init__(self, codes: Iterable[str], weights: tuple[Fraction, ...], reference: tuple[Fraction, ...]):
        self.codes = tuple(codes)
        shown = "/".join(str(w) for w in weights)
        ref = "/".join(str(w) for w in reference)
        super().__init__(
            f"rural weights {shown} need inhabitants per category (tätortsnära, gles, mycket gles), "
            f"which are unknown for {len(self.codes)} region(s): {', '.join(self.codes)}; "
            f"only their weighted sum at the weights {ref} is known. Supply a per-kommun rural key "
            f"(kommun code, category, population) or keep weights proportional to {ref}."
        )


def _proportional(a: tuple[Fraction, ...], b: tuple[Fraction, ...]) -> bool:
    """True when ``a = c · b`` for some c > 0 (same shares of W for every region)."""
    return any(a) and all(x * sum(b) == y * sum(a) for x, y in zip(a, b, strict=True))


def weighted_rural_population(
    key: RuralKey, weights: tuple[Fraction, ...], reference: tuple[Fraction, ...]
) -> Fraction:
    """W for one region under ``weights`` (avsnitt 12), exactly.

    From the categories where known; otherwise from ``vagd_summa``, scaled when ``weights``
    are proportional to ``reference``. Raises ``MissingCategoriesError`` when neither works.
    """
    t, g, m = key.tatortsnara, key.gles, key.mycket_gles
    if t is not None and g is not None and m is not None:  # key.categories_known, spelled out for mypy
        return sum((w * n for w, n in zip(weights, (t, g, m), strict=True)), Fraction(0))
    if key.vagd_summa is None:
        raise AllocationError(f"rural key for {key.lan_code} has neither categories nor a weighted sum")
    if weights == reference:
        return Fraction(key.vagd_summa)
    if _proportional(weights, reference):
        return Fraction(key.vagd_summa) * sum(weights, Fraction(0)) / sum(reference, Fraction(0))
    raise MissingCategoriesError([key.lan_code], weights, reference)


def rural_weights(inputs: Inputs, weights: tuple[Fraction, ...]) -> dict[str, Fraction]:
    """W per län code under ``weights``, naming every region that cannot be keyed."""
    if not inputs.rural_key:
        raise AllocationError("this agreement shares money by the rural key, but no rural key was given")
    out: dict[str, Fraction] = {}
    lacking: list[str] = []
    by_code = {k.lan_code: k for k in inputs.rural_key}
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


@dataclass(frozen=True, slots=True)
class KommunRow:
    """One kommun of a per-kommun rural key: its code, category and population."""

    kommun_code: str
    kategori: str
    population: int

    @property
    def lan_code(self) -> str:
        """SCB's län code is the first two digits of the kommun code."""
        return self.kommun_code[:2]


def key_from_kommuner(rows: Iterable[KommunRow], lan_codes: Iterable[str]) -> tuple[RuralKey, ...]:
    """Sum kommun populations per region and category into a rural key with known categories.

    Every region in ``lan_codes`` gets a key (zero inhabitants where it has no rural kommun);
    a kommun whose län is not among ``lan_codes`` or whose category is unknown is refused.
    """
    codes = list(lan_codes)
    totals = {c: dict.fromkeys(CATEGORIES, 0) for c in codes}
    for row in rows:
        if row.lan_code not in totals:
            raise AllocationError(f"kommun {row.kommun_code} belongs to no known län")
        if row.kategori in CATEGORIES:
            totals[row.lan_code][row.kategori] += row.population
        elif row.kategori not in UNWEIGHTED_CATEGORIES:
            raise AllocationError(f"kommun {row.kommun_code} has unknown category {row.kategori!r}")
    return tuple(
        RuralKey(lan_code=c, tatortsnara=t["tatortsnara"], gles=t["gles"], mycket_gles=t["mycket_gles"])
        for c, t in totals.items()
    )
