"""Explaining one region's amounts step by step, from the inputs to the kronor of ``allocate``.

For every column (bilaga 4 landsbygd, bilaga 3 nära vård and ambulans, bilaga 2 kommuner) and
every separately rounded part of it, an ``Explanation`` holds: the part's budget and how it
arises from the parameters, the region's weight (population, HSL insatser, weighted rural
population) and the sum of all weights, the share as an exact fraction, the exact amount, and the
rounding step of avsnitt 12's tables (floor, remainder, rank among the remainders, how many
balancing kronor the part had to give, and whether this region received one). Every input and
parameter carries its source: ``data/sources.toml`` for shipped data, the scenario for parameters.

The figures are read from the same ``Result`` that ``allocate`` prints, and ``explain`` checks
that the steps add up to that row before returning.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from . import core
from .api import Allocation
from .core.bilaga4_landsbygd import weighted_rural_population
from .inputs import LANDSBYGD_FILE, POPULATION_FILE
from .lan import LAN, lookup
from .resources import source_of

__all__ = ["ColumnSteps", "Explanation", "PartStep", "Source", "explain", "explanation_json",
           "explanation_text", "find_lan", "known_lan"]


@dataclass(frozen=True, slots=True)
class Source:
    """One input or parameter: its value and where it comes from."""

    key: str
    label: str
    value: int | Fraction
    source: str
    how: str = ""


@dataclass(frozen=True, slots=True)
class PartStep:
    """One separately rounded part of a column, for one region (avsnitt 12 and the rounding rule).

    ``amount == floor + (1 if received_balancing_krona else 0)``; ``exact == total * share``;
    ``share == weight / weight_sum``.
    """

    column: str
    part: str
    formula: str
    total: int
    total_how: str
    weight_key: str
    weight: Fraction
    weight_sum: Fraction
    share: Fraction
    exact: Fraction
    floor: int
    remainder: Fraction
    rank: int
    recipients: int
    balancing_kronor: int
    received_balancing_krona: bool
    amount: int


@dataclass(frozen=True, slots=True)
class ColumnSteps:
    """A column of a bilaga for one region: a base amount per region plus its parts."""

    column: str
    title: str
    base_per_region: int
    base_how: str
    parts: tuple[PartStep, ...]
    amount: int


@dataclass(frozen=True, slots=True)
class Explanation:
    """How one region's amounts arise, step by step, under one scenario."""

    lan_code: str
    lan: str
    region: str
    allocation: Allocation
    inputs: tuple[Source, ...]
    parameters: tuple[Source, ...]
    columns: tuple[ColumnSteps, ...]
    row: core.RegionRow

    def column(self, name: str) -> ColumnSteps:
        """The steps of one column by its name (``nara_vard``, ``landsbygd``, ``ambulans``, ``kommuner``)."""
        for c in self.columns:
            if c.column == name:
                return c
        raise KeyError(name)


def find_lan(text: str) -> str | None:
    """The län code for a code (``14``) or a name (``Västra Götaland``, ``Region Skåne``)."""
    return lookup(text)


# --- Sources --------------------------------------------------------------------------------

def _file_source(shipped_name: str, path: Path | None, origin: str) -> str:
    """Where a data file comes from: its provenance entry if shipped, else the file given."""
    if path is None:
        entry = source_of(shipped_name)
        return (f"data/{shipped_name}: {entry['title']}; {entry['document']}, {entry['table']} "
                f"({entry['date']})")
    return f"file {path} (given by scenario {origin} or on the command line)"


def _rural_how(key: core.RuralKey, params: core.Parameters, reference: tuple[Fraction, ...]) -> str:
    """How the region's weighted rural population W arises (avsnitt 12, bilaga 4)."""
    w = params.weights
    if key.categories_known:
        return (f"W = {w[0]} × {_kr(key.tatortsnara or 0)} tätortsnära + {w[1]} × {_kr(key.gles or 0)} "
                f"glesa + {w[2]} × {_kr(key.mycket_gles or 0)} mycket glesa inhabitants (avsnitt 12)")
    ref = "/".join(str(x) for x in reference)
    given = _kr(key.vagd_summa or 0)
    if w == reference:
        return (f"W = {given}, the weighted sum at the weights {ref}; "
                "the inhabitants per category are not known")
    return (f"W = {given} × {sum(w)}/{sum(reference)}: the weighted sum at the weights {ref}, scaled to the "
            f"proportional weights {'/'.join(str(x) for x in w)}; the inhabitants per category are not known")


# --- Steps ----------------------------------------------------------------------------------

def _part(column: str, name: str, part: core.Apportionment, code: str, formula: str, total_how: str,
          weight_key: str) -> PartStep:
    """The rounding facts of one part for one region, read from the apportionment itself."""
    weight_sum = sum(part.weights.values(), Fraction(0))
    exact = part.exact[code]
    floor = math.floor(exact)
    return PartStep(
        column=column, part=name, formula=formula, total=part.total, total_how=total_how,
        weight_key=weight_key, weight=part.weights[code], weight_sum=weight_sum,
        share=part.weights[code] / weight_sum if weight_sum else Fraction(0),
        exact=exact, floor=floor, remainder=exact - floor, rank=part.rank(code),
        recipients=len(part.exact), balancing_kronor=part.leftover,
        received_balancing_krona=part.adjustment(code) > 0, amount=part.amounts[code],
    )


def _kr(value: int | Fraction) -> str:
    from .render import kr

    return kr(int(value))


def _columns(res: core.Result, code: str) -> tuple[ColumnSteps, ...]:
    p = res.parameters
    n = len(res.inputs.regions)
    land = res.landsbygd.parts["landsbygd"]
    nv_total, land_total = p.amount("regioner.nara_vard_total"), p.amount("regioner.landsbygd_total")
    amb_total, base = p.amount("ambulans.total"), p.amount("ambulans.grundbelopp")
    k_total, share = p.amount("kommuner.total"), p.fraction("kommuner.andel_insatser")
    split = res.kommuner.split
    assert split is not None

    def split_how(half: str, a: Fraction) -> str:
        exact = split.exact[half]
        how = f"kommuner.total × {a} = {_kr(k_total)} × {a}"
        if exact.denominator == 1:
            return f"{how} = {_kr(split.amounts[half])} kr"
        return (f"{how} = {float(exact):,.4f} kr, rounded with the other half to whole kronor: "
                f"{_kr(split.amounts[half])} kr").replace(",", " ")

    land_step = _part("landsbygd", "landsbygd", land, code, "regioner.landsbygd_total × W / ΣW",
                      f"regioner.landsbygd_total = {_kr(land_total)} kr", "landsbygd.W")
    nv_pop = _part("nara_vard", "befolkning", res.nara_vard.parts["befolkning"], code,
                   "(regioner.nara_vard_total − regioner.landsbygd_total) × population / Σ population",
                   f"regioner.nara_vard_total − regioner.landsbygd_total = {_kr(nv_total)} − "
                   f"{_kr(land_total)} = {_kr(nv_total - land_total)} kr", "population")
    amb = _part("ambulans", "befolkning", res.ambulans.parts["befolkning"], code,
                f"(ambulans.total − {n} × ambulans.grundbelopp) × population / Σ population",
                f"ambulans.total − {n} regions × ambulans.grundbelopp = {_kr(amb_total)} − {n} × {_kr(base)}"
                f" = {_kr(amb_total - n * base)} kr", "population")
    k_ins = _part("kommuner", "insatser", res.kommuner.parts["insatser"], code,
                  "kommuner.total × kommuner.andel_insatser × HSL insatser / Σ HSL insatser",
                  split_how("insatser", share), "hsl_insatser")
    k_pop = _part("kommuner", "befolkning", res.kommuner.parts["befolkning"], code,
                  "kommuner.total × (1 − kommuner.andel_insatser) × population / Σ population",
                  split_how("befolkning", 1 - share), "population")
    nv_land = _part("nara_vard", "landsbygd", land, code, land_step.formula, land_step.total_how,
                    "landsbygd.W")

    def column(name: str, title: str, parts: tuple[PartStep, ...], base_amount: int = 0,
               base_how: str = "") -> ColumnSteps:
        return ColumnSteps(name, title, base_amount, base_how, parts, res.columns[name].amount(code))

    return (
        column("landsbygd", "Bilaga 4: primärvård i landsbygd", (land_step,)),
        column("nara_vard", "Bilaga 3: Nära vård (the rural part of bilaga 4 included)", (nv_land, nv_pop)),
        column("ambulans", "Bilaga 3: Ambulans", (amb,), base,
               f"ambulans.grundbelopp = {_kr(base)} kr per region"),
        column("kommuner", "Bilaga 2: Kommuner in the län (via RSS)", (k_ins, k_pop)),
    )


def _sources(alloc: Allocation, code: str) -> tuple[tuple[Source, ...], tuple[Source, ...]]:
    sc, res = alloc.scenario, alloc.result
    region = res.inputs.region(code)
    pop_src = _file_source(POPULATION_FILE, sc.population, sc.origin)
    land_src = _file_source(LANDSBYGD_FILE, sc.landsbygd, sc.origin)
    key = {k.lan_code: k for k in res.inputs.rural_key}[code]
    w = weighted_rural_population(key, res.parameters.weights, res.inputs.reference_weights)
    w_sum = res.landsbygd.parts["landsbygd"].weights
    inputs = (
        Source("population", "population 1 November 2023 (bilaga 2 and 3)", region.population, pop_src),
        Source("population.sum", f"Σ population, {len(res.inputs.regions)} län", sum(r.population for r in
               res.inputs.regions), pop_src),
        Source("hsl_insatser", "individuals with kommunal HSL insatser (bilaga 2)", region.hsl_insatser,
               pop_src),
        Source("hsl_insatser.sum", f"Σ HSL insatser, {len(res.inputs.regions)} län",
               sum(r.hsl_insatser for r in res.inputs.regions), pop_src),
        Source("landsbygd.W", "weighted rural population W (avsnitt 12, bilaga 4)", w, land_src,
               _rural_how(key, res.parameters, res.inputs.reference_weights)),
        Source("landsbygd.W.sum", f"ΣW, {len(res.inputs.regions)} regions", sum(w_sum.values(), Fraction(0)),
               land_src),
    )
    used = ("regioner.nara_vard_total", "regioner.landsbygd_total", *core.WEIGHT_KEYS, "ambulans.total",
            "ambulans.grundbelopp", "kommuner.total", "kommuner.andel_insatser")
    params = tuple(Source(k, k, res.parameters[k], sc.sources.get(k, "")) for k in used)
    return inputs, params


def explain(alloc: Allocation, lan: str) -> Explanation:
    """Every step from the inputs to one region's amounts in ``alloc`` (a code or a name).

    Raises:
        KeyError: ``lan`` is not a län code or name known to the allocation.
        AssertionError: never, unless the steps disagree with the allocation (a bug).
    """
    code = lookup(lan)
    if code is None or code not in {r.lan_code for r in alloc.rows}:
        raise KeyError(lan)
    row = next(r for r in alloc.rows if r.lan_code == code)
    columns = _columns(alloc.result, code)
    for col in columns:
        steps_sum = col.base_per_region + sum(p.amount for p in col.parts)
        assert col.amount == steps_sum == getattr(row, col.column), col.column
    inputs, params = _sources(alloc, code)
    return Explanation(code, row.lan, row.region, alloc, inputs, params, columns, row)


# --- Rendering ------------------------------------------------------------------------------

def _frac(value: Fraction | int) -> str:
    return str(Fraction(value))


def _decimal(value: Fraction, places: int = 4) -> str:
    from .comparison import decimal

    return str(decimal(value, places))


def _part_json(p: PartStep) -> dict[str, Any]:
    return {
        "part": p.part, "formula": p.formula, "total": p.total, "total_how": p.total_how,
        "weight_key": p.weight_key, "weight": _frac(p.weight), "weight_sum": _frac(p.weight_sum),
        "share": _frac(p.share), "share_percent": float(_decimal(p.share * 100, 6)),
        "exact": _frac(p.exact), "exact_decimal": _decimal(p.exact), "floor": p.floor,
        "remainder": _frac(p.remainder), "remainder_decimal": _decimal(p.remainder),
        "rank": p.rank, "recipients": p.recipients, "balancing_kronor": p.balancing_kronor,
        "received_balancing_krona": p.received_balancing_krona, "amount": p.amount,
    }


def explanation_json(e: Explanation) -> str:
    """The explanation for machines: fractions as ``"num/den"`` strings, kronor as integers.

    ``columns[c]["amount"] == base_per_region + Σ parts[].amount == allocate[c]`` for every column.
    """
    sc = e.allocation.scenario
    cols: dict[str, Any] = {
        c.column: {
            "title": c.title, "base_per_region": c.base_per_region, "base_how": c.base_how,
            "parts": [_part_json(p) for p in c.parts], "amount": c.amount,
        }
        for c in e.columns
    }
    cols["regioner_totalt"] = {"title": "Bilaga 3: Totalt (Nära vård + Ambulans)",
                               "sum_of": ["nara_vard", "ambulans"], "amount": e.row.regioner_totalt}
    doc = {
        "lan_code": e.lan_code, "lan": e.lan, "region": e.region,
        "scenario": {"name": sc.name, "origin": sc.origin,
                     "changes_from_2024": {k: [_frac(a), _frac(b)] for k, (a, b) in sc.changes().items()}},
        "rounding_rule": e.allocation.result.landsbygd.parts["landsbygd"].rule,
        "inputs": {s.key: {"label": s.label, "value": s.value if isinstance(s.value, int) else _frac(s.value),
                           "source": s.source} | ({"how": s.how} if s.how else {}) for s in e.inputs},
        "parameters": {s.key: {"value": s.value if isinstance(s.value, int) else _frac(s.value),
                               "source": s.source} for s in e.parameters},
        "columns": cols,
        "allocate": {k: v for k, v in e.row.as_dict().items() if k in core.AMOUNT_COLUMNS},
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def _mixed(value: Fraction) -> str:
    """``37 812 509 + 4 280 409/4 902 449`` : the whole kronor and the exact remainder."""
    whole = math.floor(value)
    rest = value - whole
    if rest == 0:
        return f"{_kr(whole)}"
    return f"{_kr(whole)} + {_kr(rest.numerator)}/{_kr(rest.denominator)}"


def _num(value: Fraction) -> str:
    return _kr(value) if value.denominator == 1 else f"{_kr(value.numerator)}/{_kr(value.denominator)}"


def _approx(value: Fraction, places: int = 4) -> str:
    """A decimal with spaces between thousands, for reading (exact value shown beside it)."""
    whole, _, decimals = _decimal(value, places).partition(".")
    return f"{_kr(int(whole))}.{decimals}" if decimals else _kr(int(whole))


_WEIGHT_NAMES = {"population": "population", "hsl_insatser": "HSL insatser", "landsbygd.W": "W"}


def _part_text(p: PartStep, n: int) -> list[str]:
    name = _WEIGHT_NAMES[p.weight_key]
    if p.received_balancing_krona:
        got = f"rank {p.rank} of {p.recipients} → receives one of the {p.balancing_kronor} balancing kronor"
    elif p.balancing_kronor:
        got = (f"rank {p.rank} of {p.recipients}; the {p.balancing_kronor} balancing kronor go to ranks "
               f"1–{p.balancing_kronor} → none here")
    else:
        got = f"rank {p.rank} of {p.recipients}; the floors already sum to the total → no balancing krona"
    reduced = "" if p.weight_sum == p.share.denominator else f" = {_num(p.share)}"
    return [
        f"  {n}. {p.part} part = {p.formula}",
        f"       part total   {p.total_how}",
        (f"       share        {name} / Σ {name} = {_num(p.weight)} / {_num(p.weight_sum)}{reduced} "
         f"= {_decimal(p.share * 100, 6)} %"),
        f"       exact        {_kr(p.total)} × share = {_mixed(p.exact)} kr ≈ {_approx(p.exact)} kr",
        f"       rounding     floor {_kr(p.floor)} kr, remainder {_decimal(p.remainder)}; {got}",
        f"       amount       {_kr(p.amount)} kr",
    ]


def explanation_text(e: Explanation) -> str:
    """The explanation for reading: inputs with sources, then every column step by step."""
    sc = e.allocation.scenario
    rule = e.allocation.result.landsbygd.parts["landsbygd"].rule
    out = [f"{e.lan} (län {e.lan_code}, {e.region}) under scenario {sc.name}"]
    changes = sc.changes()
    if changes:
        out.append("  changed from 2024: " + ", ".join(f"{k} {a} → {b}" for k, (a, b) in changes.items()))
    out += ["", "Inputs"]
    shown: set[str] = set()
    for s in e.inputs:
        if s.source not in shown:
            shown.add(s.source)
            out.append(f"  from {s.source}")
        value = _kr(s.value) if Fraction(s.value).denominator == 1 else _num(Fraction(s.value))
        out.append(f"    {s.label}: {value}")
        if s.how:
            out.append(f"      ({s.how})")
    out += ["", "Parameters"]
    for s in e.parameters:
        value = _kr(s.value) if isinstance(s.value, int) else str(s.value)
        out.append(f"  {s.key} = {value}")
        out.append(f"      source: {s.source}")
    out += ["", (f"Rounding: each part is rounded on its own by {rule.replace('_', ' ')}s: every region gets "
                 "the floor of its exact share, and the kronor left over go one each to the largest "
                 "remainders (ties: larger share, then lower län code).")]
    for col in e.columns:
        out += ["", col.title]
        n = 0
        if col.base_per_region:
            n += 1
            out.append(f"  {n}. base amount  {col.base_how}")
        for p in col.parts:
            n += 1
            if col.column == "nara_vard" and p.part == "landsbygd":
                out.append(f"  {n}. landsbygd part = bilaga 4 above: {_kr(p.amount)} kr")
                continue
            out += _part_text(p, n)
        terms = [_kr(col.base_per_region)] if col.base_per_region else []
        terms += [_kr(p.amount) for p in col.parts]
        sum_text = f"{' + '.join(terms)} = " if len(terms) > 1 else ""
        out.append(f"  {col.column} = {sum_text}{_kr(col.amount)} kr")
    out += ["", "Bilaga 3: Totalt", (f"  regioner_totalt = nara_vard + ambulans = {_kr(e.row.nara_vard)} + "
                                      f"{_kr(e.row.ambulans)} = {_kr(e.row.regioner_totalt)} kr")]
    out += ["", "Result (the row of `godnaravard allocate`)"]
    for c in ("nara_vard", "landsbygd", "ambulans", "regioner_totalt", "kommuner"):
        out.append(f"  {c:<16} {_kr(getattr(e.row, c)):>15} kr")
    return "\n".join(out) + "\n"


def known_lan() -> str:
    """The län codes and names, for an error message."""
    return ", ".join(f"{c} {n}" for c, n in LAN.items())
