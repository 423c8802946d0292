"""The core's inputs and parameters: plain, frozen, validated-elsewhere values.

The core does no I/O and trusts nothing it did not check itself: the loaders (``godnaravard.data``)
validate files with pydantic and build these objects; ``Parameters.validate`` checks what can be
checked without the data, and the rules check the rest (e.g. base amount × number of regions).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from types import MappingProxyType

from .rounding import AllocationError

__all__ = [
    "Region",
    "RuralKey",
    "Parameters",
    "Inputs",
    "PARAMETER_KEYS",
    "AMOUNT_KEYS",
    "SHARE_KEYS",
    "WEIGHT_KEYS",
]


@dataclass(frozen=True, slots=True)
class Region:
    """One län/region and the counts the agreement distributes by (bilaga 2 and 3)."""

    lan_code: str
    lan: str
    region: str
    population: int
    hsl_insatser: int


@dataclass(frozen=True, slots=True)
class RuralKey:
    """The rural key of one region (avsnitt 12, bilaga 4).

    Either the inhabitants per category are known (``tatortsnara``, ``gles``, ``mycket_gles``),
    and the weighted sum follows from any weights, or only the weighted sum ``vagd_summa`` at
    the ``reference_weights`` is known, and it can be used only with those weights (or weights
    proportional to them, which give the same shares).
    """

    lan_code: str
    tatortsnara: int | None = None
    gles: int | None = None
    mycket_gles: int | None = None
    vagd_summa: int | None = None

    @property
    def categories_known(self) -> bool:
        """True when the inhabitants of all three categories are known."""
        return None not in (self.tatortsnara, self.gles, self.mycket_gles)


#: The parameters that are amounts in whole kronor, with the same keys as ``--set``.
AMOUNT_KEYS: tuple[str, ...] = (
    "regioner.nara_vard_total",
    "regioner.landsbygd_total",
    "ambulans.total",
    "ambulans.grundbelopp",
    "kommuner.total",
    "skr.centrala_utvecklingsomraden",
    "skr.ambulans",
    "sallsynta.csd",
    "sallsynta.region_stockholm",
    "sallsynta.skr",
    "kvalitetsregister.staten",
    "kvalitetsregister.regionerna_grundanslag",
    "kvalitetsregister.regionerna_stodfunktion",
    "antibiotika.region_uppsala",
    "lakemedel.skr",
)
#: Shares in [0, 1].
SHARE_KEYS: tuple[str, ...] = ("kommuner.andel_insatser",)
#: Rural weights, rationals ≥ 0.
WEIGHT_KEYS: tuple[str, ...] = (
    "landsbygd.vikt.tatortsnara",
    "landsbygd.vikt.gles",
    "landsbygd.vikt.mycket_gles",
)
PARAMETER_KEYS: tuple[str, ...] = AMOUNT_KEYS + SHARE_KEYS + WEIGHT_KEYS


@dataclass(frozen=True, slots=True)
class Parameters:
    """Every number of the agreement that is not data: totals, base amount, share, weights.

    Keys are the dotted ``--set`` keys (``PARAMETER_KEYS``); ``params["ambulans.grundbelopp"]``.
    The 2024 values and their sources live in the scenario file ``data/scenarios/2024.toml``;
    there are no defaults in code, so every run states where its parameters come from.
    Amounts are ``int`` kronor; the share and the weights are ``Fraction``.
    """

    values: Mapping[str, int | Fraction]

    def __post_init__(self) -> None:
        unknown = sorted(set(self.values) - set(PARAMETER_KEYS))
        missing = [k for k in PARAMETER_KEYS if k not in self.values]
        if unknown:
            raise AllocationError(f"unknown parameter: {', '.join(unknown)}")
        if missing:
            raise AllocationError(f"missing parameter: {', '.join(missing)}")
        # Freeze a copy in the canonical key order.
        object.__setattr__(self, "values", MappingProxyType({k: self.values[k] for k in PARAMETER_KEYS}))
        self.validate()

    def __getitem__(self, key: str) -> int | Fraction:
        if key not in self.values:
            raise AllocationError(f"unknown parameter: {key}")
        return self.values[key]

    def amount(self, key: str) -> int:
        """An amount parameter in whole kronor."""
        value = self[key]
        assert isinstance(value, int)
        return value

    def fraction(self, key: str) -> Fraction:
        """A share or weight parameter as an exact fraction."""
        return Fraction(self[key])

    def as_dict(self) -> dict[str, int | Fraction]:
        """All parameters by dotted key, in the order of ``PARAMETER_KEYS``."""
        return dict(self.values)

    def with_values(self, changes: Mapping[str, int | Fraction]) -> Parameters:
        """A copy with some parameters changed (a what-if), validated again."""
        unknown = sorted(set(changes) - set(PARAMETER_KEYS))
        if unknown:
            raise AllocationError(f"unknown parameter: {', '.join(unknown)}")
        return Parameters({**self.values, **changes})

    def changed(self, base: Parameters) -> dict[str, tuple[int | Fraction, int | Fraction]]:
        """The keys whose values differ from ``base``: ``{key: (base value, this value)}``."""
        return {k: (base[k], v) for k, v in self.values.items() if base[k] != v}

    @property
    def weights(self) -> tuple[Fraction, Fraction, Fraction]:
        """The rural weights (tätortsnära, gles, mycket gles), avsnitt 12."""
        return tuple(self.fraction(k) for k in WEIGHT_KEYS)  # type: ignore[return-value]

    def validate(self) -> None:
        """Refuse values that make any allocation impossible, whatever the data."""
        problems: list[str] = []
        for key, value in self.values.items():
            if key in AMOUNT_KEYS:
                if isinstance(value, bool) or not isinstance(value, int):
                    problems.append(f"{key} must be whole kronor, got {value!r}")
                elif value < 0:
                    problems.append(f"{key} cannot be negative, got {value}")
            elif key in SHARE_KEYS:
                if not isinstance(value, Fraction) or not 0 <= value <= 1:
                    problems.append(f"{key} must be a share between 0 and 1, got {value}")
            elif not isinstance(value, (int, Fraction)) or isinstance(value, bool) or value < 0:
                problems.append(f"{key} must be a weight ≥ 0, got {value}")
        if not problems:
            landsbygd = self.amount("regioner.landsbygd_total")
            nara_vard = self.amount("regioner.nara_vard_total")
            if landsbygd > nara_vard:
                problems.append(
                    f"regioner.landsbygd_total ({landsbygd}) is larger than "
                    f"regioner.nara_vard_total ({nara_vard}), of which it is a part"
                )
            if landsbygd > 0 and not any(self.weights):
                problems.append(
                    "every landsbygd.vikt.* is zero while regioner.landsbygd_total is positive: "
                    "the rural part cannot be shared"
                )
        if problems:
            raise AllocationError("; ".join(problems))


@dataclass(frozen=True, slots=True)
class Inputs:
    """The data the allocation reads: regions with their counts, and the rural key.

    ``reference_weights`` are the weights at which the ``vagd_summa`` of the rural key were
    computed (1, 4, 6 for the shipped 2024 key).
    """

    regions: tuple[Region, ...]
    rural_key: tuple[RuralKey, ...]
    reference_weights: tuple[Fraction, Fraction, Fraction] = field(
        default=(Fraction(1), Fraction(4), Fraction(6))
    )

    def __post_init__(self) -> None:
        codes = [r.lan_code for r in self.regions]
        if len(set(codes)) != len(codes):
            raise AllocationError("a län code appears twice in the regions")
        if not codes:
            raise AllocationError("there are no regions")
        key_codes = [k.lan_code for k in self.rural_key]
        if len(set(key_codes)) != len(key_codes):
            raise AllocationError("a län code appears twice in the rural key")
        if set(key_codes) != set(codes):
            missing = sorted(set(codes) - set(key_codes))
            extra = sorted(set(key_codes) - set(codes))
            parts = []
            if missing:
                parts.append(f"no rural key for {', '.join(missing)}")
            if extra:
                parts.append(f"rural key for unknown län {', '.join(extra)}")
            raise AllocationError("; ".join(parts))

    def region(self, lan_code: str) -> Region:
        """The region with this län code."""
        for r in self.regions:
            if r.lan_code == lan_code:
                return r
        raise KeyError(lan_code)
