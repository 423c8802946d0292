"""One budget line shared among the recipients: base amount, carved-out parts, shares, the rest.

The rule every line of an agreement follows (see ``spec``), as in avsnitt 12 of God och nära
vård:

    rest      = total − n · base                         (base: "grundbelopp ... per region")
    carved    = the fixed amounts of the carved-out parts ("varav 300 miljoner ... landsbygd")
    remaining = rest − Σ carved
    remaining is split into whole kronor between the share parts (share s_i) and the rest part
    (1 − Σ s_i), by the package's rounding rule ("hälften ... den andra hälften ...")
    each part = its amount shared by its key, rounded on its own (``rounding``)
    line(recipient) = base + Σ parts(recipient)

With a rounding unit (``round_to``, issue 17 §2) a part is rounded in whole multiples of its
unit (``Line.unit``), and the split of what remains between the share parts and the rest is made
in the least common multiple of their units (``Line.split_unit``), so every amount stays a
multiple of its unit and every sum stays exact.

Each part sums exactly to its own amount, so the line sums exactly to its total.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

from .column import Column
from .landsbygd import rural_weights
from .model import Inputs, Parameters
from .rounding import ROUNDING_RULE, AllocationError, Apportionment, apportion
from .spec import Line

__all__ = ["key_weights", "part_totals", "allocate_line"]

#: How messages count recipients ("× 21 regions", "× 290 kommuner").
_PLURAL = {"region": "regions", "län": "län", "kommun": "kommuner"}


def key_weights(inputs: Inputs, params: Parameters, key: str) -> dict[str, Fraction | int]:
    """Each recipient's weight under a key: a data column, or the rural key's W (avsnitt 12)."""
    spec = params.rules.keys[key]
    if spec.kind == "landsbygd":
        return dict(rural_weights(inputs, params.weights(key)))
    return {r.code: r.count(spec.column) for r in inputs.recipients}


def part_totals(line: Line, params: Parameters, recipients: int) -> tuple[int, dict[str, int], Apportionment | None]:
    """The base amount and each part's amount in whole kronor, and how shares split the rest.

    Raises ``AllocationError`` when the base amounts or the carved-out parts exceed the total.
    """
    total = params.amount(line.total)
    base = params.amount(line.base) if line.base else 0
    rest = total - recipients * base
    if rest < 0:
        raise AllocationError(
            f"{line.base} {base} kr × {recipients} {_PLURAL.get(params.rules.recipient, params.rules.recipient)} "
            f"= {recipients * base} kr "
            f"is more than {line.total} {total} kr"
        )
    amounts: dict[str, int] = {p.name: params.amount(p.amount) for p in line.parts if p.amount}
    remaining = rest - sum(amounts.values())
    if remaining < 0:
        names = " + ".join(p.amount for p in line.parts if p.amount)
        raise AllocationError(f"{names} ({sum(amounts.values())}) is more than what {line.total} leaves ({rest})")
    shares: dict[str, Fraction] = {p.name: params.fraction(p.share) for p in line.parts if p.share}
    rest_part = next(p.name for p in line.parts if p.is_rest)
    unit = line.split_unit
    if remaining % unit:
        raise AllocationError(_not_whole_units(line, remaining, unit, recipients, base))
    split = None
    if shares:
        split = apportion(remaining, {**shares, rest_part: 1 - sum(shares.values(), Fraction(0))}, unit=unit)
        amounts |= dict(split.amounts)
    else:
        amounts[rest_part] = remaining
    return base, {p.name: amounts[p.name] for p in line.parts}, split


def _not_whole_units(line: Line, remaining: int, unit: int, recipients: int, base: int) -> str:
    """Why what a line leaves for its shares and rest cannot be rounded in its unit (``round_to``)."""
    what = f"{line.total}" + (f" − {recipients} × {line.base}" if line.base else "")
    what += "".join(f" − {p.amount}" for p in line.parts if p.amount)
    return (f"line {line.name}: {what} leaves {remaining} kr, not a whole multiple of its rounding unit "
            f"round_to = {unit} kr" + (f" (the base amount is {base} kr)" if line.base else ""))


def allocate_line(
    line: Line,
    inputs: Inputs,
    params: Parameters,
    rule: str = ROUNDING_RULE,
    weights: Mapping[str, Mapping[str, Fraction | int]] | None = None,
) -> Column:
    """Share one budget line among ``inputs.recipients`` (see the module docstring).

    ``weights`` may hold the key weights already computed, by key name, to share them between lines.
    """
    base, totals, split = part_totals(line, params, len(inputs.recipients))
    parts = {}
    for p in line.parts:
        w = weights[p.key] if weights and p.key in weights else key_weights(inputs, params, p.key)
        parts[p.name] = apportion(totals[p.name], w, rule, unit=line.unit(p))
    return Column(name=line.name, total=params.amount(line.total), parts=parts, base_per_region=base, split=split)
