"""The core's inputs and parameters: plain, frozen, validated-elsewhere values.

The core does no I/O and trusts nothing it did not check itself: the loaders (``godnaravard.inputs``,
``godnaravard.agreements``) validate files with pydantic and build these objects;
``Parameters.validate`` checks what can be checked without the data (kinds, and each line's
parts against its total), and the line rule checks the rest (base amount × number of recipients).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import field
from fractions import Fraction
from types import MappingProxyType

from ..frozen import frozen
from .plan import plans
from .rounding import AllocationError
from .spec import TEXT_FIELDS, Rules

__all__ = ["Recipient", "RuralKey", "Parameters", "Inputs"]


@frozen
class Recipient:
    """One recipient of an agreement (a region, a län or a kommun) and the counts money is shared by
    (issue 17 §3, one recipient type).

    ``code`` is the recipient's code as in the data: SCB's two-digit län code for regions and län,
    SCB's four-digit code for kommuner. ``name`` is its own name (Region Stockholm, Upplands Väsby),
    ``lan`` the name of its län where it has one. ``counts`` holds every numeric column of the data
    file by name (God och nära vård's ``population`` and ``hsl_insatser`` as any other): no count
    is a field.
    """

    code: str
    name: str
    lan: str = ""
    counts: Mapping[str, int] = field(default_factory=dict, hash=False)

    def count(self, column: str) -> int:
        """The value of a numeric data column (``population``, ``hsl_insatser`` or another)."""
        try:
            return self.counts[column]
        except KeyError:
            raise AllocationError(f"{self.code} {self.name} has no value for {column!r}") from None

    def text(self, column: str) -> str:
        """A text column of the recipient (``TEXT_FIELDS``): a code column gives its code, a name
        column its name, ``lan`` the län's name."""
        what = TEXT_FIELDS[column]
        return self.code if what == "code" else self.name if what == "name" else self.lan


@frozen
class RuralKey:
    """The rural key of one recipient (avsnitt 12, bilaga 4 in God och nära vård).

    Either the ``inhabitants`` per category are known (by the category names the definition
    declares, issue 17 §3), and the weighted sum follows from any weights, or only the
    ``weighted_sum`` at the ``reference_weights`` is known, and it can be used only with those
    weights (or weights proportional to them, which give the same shares).
    """

    code: str
    inhabitants: Mapping[str, int] | None = field(default=None, hash=False)
    weighted_sum: int | None = None

    @property
    def categories_known(self) -> bool:
        """True when the inhabitants of every category are known."""
        return self.inhabitants is not None

    def inhabitants_of(self, category: str) -> int | None:
        """The inhabitants of one category, or None where they are unknown."""
        return None if self.inhabitants is None else self.inhabitants.get(category, 0)


@frozen
class Parameters:
    """Every number of an agreement that is not data: totals, base amounts, shares, weights.

    Keys are the dotted ``--set`` keys that the agreement's definition declares (``rules``);
    ``params["ambulans.grundbelopp"]``. The values and their sources live in the definition;
    there are no defaults in code, so every run states where its parameters come from.
    Amounts are ``int`` kronor; shares and weights are ``Fraction``.
    """

    values: Mapping[str, int | Fraction]
    rules: Rules

    def __post_init__(self) -> None:
        keys = tuple(self.rules.parameters)
        unknown = sorted(set(self.values) - set(keys))
        missing = [k for k in keys if k not in self.values]
        if unknown:
            raise AllocationError(f"unknown parameter: {', '.join(unknown)}")
        if missing:
            raise AllocationError(f"missing parameter: {', '.join(missing)}")
        # Freeze a copy in the definition's key order.
        object.__setattr__(self, "values", MappingProxyType({k: self.values[k] for k in keys}))
        self.validate()

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Parameters):
            return NotImplemented
        return dict(self.values) == dict(other.values) and self.rules == other.rules

    def __hash__(self) -> int:
        return hash(tuple(self.values.items()))

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

    def kind(self, key: str) -> str:
        """``amount``, ``share`` or ``weight``."""
        return self.rules.parameters[key]

    def as_dict(self) -> dict[str, int | Fraction]:
        """All parameters by dotted key, in the definition's order."""
        return dict(self.values)

    def with_values(self, changes: Mapping[str, int | Fraction]) -> Parameters:
        """A copy with some parameters changed (a what-if), validated again."""
        unknown = sorted(set(changes) - set(self.values))
        if unknown:
            raise AllocationError(f"unknown parameter: {', '.join(unknown)}")
        return Parameters({**self.values, **changes}, self.rules)

    def changed(self, base: Parameters) -> dict[str, tuple[int | Fraction, int | Fraction]]:
        """The keys whose values differ from ``base``: ``{key: (base value, this value)}``."""
        return {k: (base[k], v) for k, v in self.values.items() if k in base.values and base[k] != v}

    def weights(self, key: str) -> dict[str, Fraction]:
        """The weights of a rural key by category, in the key's order (avsnitt 12; issue 17 §3)."""
        spec = self.rules.keys[key]
        return {c: self.fraction(w) for c, w in zip(spec.categories, spec.weights, strict=True)}

    def validate(self) -> None:
        """Refuse values that make an allocation impossible, whatever the data."""
        problems: list[str] = []
        for key, value in self.values.items():
            kind = self.rules.parameters[key]
            if kind == "amount":
                if isinstance(value, bool) or not isinstance(value, int):
                    problems.append(f"{key} must be whole kronor, got {value!r}")
                elif value < 0:
                    problems.append(f"{key} cannot be negative, got {value}")
            elif kind == "share":
                if not isinstance(value, Fraction) or not 0 <= value <= 1:
                    problems.append(f"{key} must be a share between 0 and 1, got {value}")
            elif not isinstance(value, (int, Fraction)) or isinstance(value, bool) or value < 0:
                problems.append(f"{key} must be a weight ≥ 0, got {value}")
        if not problems:
            problems = self._line_problems()
        if problems:
            raise AllocationError("; ".join(problems))

    def _line_problems(self) -> list[str]:
        """Each line's refusals that depend on the parameters alone (carve-outs within the total,
        shares within 1, amounts in whole rounding units, rural weights not all zero): the
        ``parameters`` conditions of the line's plan (``core.plan``, issue 17 §3), in its order."""
        return [c.message(plan, self.values) for plan in plans(self.rules) for c in plan.of_stage("parameters")
                if not c.holds(plan, self.values)]


@frozen
class Inputs:
    """The data the allocation reads: recipients with their counts, and the rural key if any.

    ``reference_weights`` are the weights by category at which the weighted sums of the rural key
    were computed (the definition declares them with the key's data, issue 17 §3); empty when there
    is no rural key or it has no weighted sums.
    """

    recipients: tuple[Recipient, ...]
    rural_key: tuple[RuralKey, ...] = ()
    reference_weights: Mapping[str, Fraction] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        codes = [r.code for r in self.recipients]
        if len(set(codes)) != len(codes):
            raise AllocationError("a code appears twice in the recipients")
        if not codes:
            raise AllocationError("there are no recipients")
        if not self.rural_key:
            return
        key_codes = [k.code for k in self.rural_key]
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

    def recipient(self, code: str) -> Recipient:
        """The recipient with this code."""
        for r in self.recipients:
            if r.code == code:
                return r
        raise KeyError(code)
