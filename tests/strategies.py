"""Hypothesis strategies shared by the property tests (``tests/core/`` and ``tests/test_sweep.py``).

One module, so that a property test and the sweep's comparison with the core draw from the same
kinds of data: amounts and shares for what-ifs of the signed agreement, counts for 21 regions,
totals and weights for the rounding rule, and whole scenarios at scale (1–21 regions with every
count, rural key and parameter, drawn from one block of bytes per case).
"""

from __future__ import annotations

from fractions import Fraction

from hypothesis import strategies as st

from godnaravard.agreements import load_agreement
from godnaravard.core import ColumnSpec, Inputs, Key, Line, Parameters, Part, Recipient, Rules, RuralKey
from godnaravard.core.spec import ParameterKind
from godnaravard.lan import LAN

# --------------------------------------------------------------------------- what-ifs (core.allocate)

amounts = st.integers(min_value=0, max_value=10**11)
shares = st.fractions(min_value=0, max_value=1, max_denominator=1000)


@st.composite
def what_if(draw: st.DrawFn, base: Parameters) -> Parameters:
    """Random parameters that are possible for 21 regions."""
    nara = draw(amounts)
    amb = draw(amounts)
    return base.with_values(
        {
            "regioner.nara_vard_total": nara,
            "regioner.landsbygd_total": draw(st.integers(min_value=0, max_value=nara)),
            "ambulans.total": amb,
            "ambulans.grundbelopp": draw(st.integers(min_value=0, max_value=amb // 21)),
            "kommuner.total": draw(amounts),
            "kommuner.andel_insatser": draw(shares),
        }
    )


#: Populations of 21 regions, not all zero.
populations = st.lists(st.integers(min_value=0, max_value=3_000_000), min_size=21, max_size=21).filter(
    lambda ps: sum(ps) > 0
)


# --------------------------------------------------------------------------- the rounding rule

#: Totals in kronor and lists of integer weights, not all zero (``core.rounding``).
totals = st.integers(min_value=0, max_value=10**12)
weight_lists = st.lists(st.integers(min_value=0, max_value=10**8), min_size=1, max_size=25).filter(
    lambda ws: sum(ws) > 0
)


# --------------------------------------------------------------------------- the sweep against the core

#: Small counts for 21 regions, not all zero: equal remainders (ties) come up often.
small_counts = st.lists(st.integers(0, 6), min_size=21, max_size=21).filter(lambda xs: sum(xs) > 0)


# --------------------------------------------------------------------------- whole scenarios at scale

#: The 2024 agreement's rules: the properties hold for every agreement; this one has every kind of
#: part (carved out, shared, the rest), a base amount and the rural key.
RULES = load_agreement("god-och-nara-vard-2024").rules
AMOUNT_KEYS = tuple(k for k, kind in RULES.parameters.items() if kind == "amount")

REFERENCE = {"tatortsnara": Fraction(1), "gles": Fraction(4), "mycket_gles": Fraction(6)}
MAX_COUNT = 10**7
MAX_AMOUNT = 10**11
#: Bytes per generated case: enough for 21 regions and every parameter (unused bytes are ignored;
#: reading past the end gives zeros).
CASE_BYTES = 768


class Source:
    """Numbers read from one block of bytes that hypothesis draws per case.

    One draw per case instead of a hundred keeps 10 000 cases per test within seconds, not
    minutes. The reading is biased towards the edges (zero, small, the maximum) so that empty
    regions, tiny counts and exact boundaries (base amount × regions = total) come up often;
    shrinking the bytes towards zero shrinks every number towards zero.
    """

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def take(self, k: int) -> int:
        """The next ``k`` bytes as an unsigned integer."""
        chunk = self.data[self.pos : self.pos + k]
        self.pos += k
        return int.from_bytes(chunk, "big")

    def number(self, maximum: int, width: int) -> int:
        """0 … maximum: zero about 1 time in 5, a small number 1 in 8, the maximum 1 in 32."""
        kind = self.take(1)
        if kind < 52:
            return 0
        if kind < 84:
            return min(maximum, self.take(1) % 16)
        if kind < 92:
            return maximum
        return self.take(width) % (maximum + 1)

    def count(self, maximum: int = MAX_COUNT) -> int:
        return self.number(maximum, 4)

    def amount(self, maximum: int = MAX_AMOUNT) -> int:
        return self.number(maximum, 5)

    def fraction(self) -> Fraction:
        """A weight ≥ 0 such as 0, 4, 9/2 or 333/7."""
        return Fraction(self.count(1000), 1 + self.take(1) % 100)

    def choice(self, n: int) -> int:
        return self.take(2) % n


def weighted(key: RuralKey, weights: tuple[Fraction, ...]) -> Fraction:
    """W of one region under ``weights`` (in the order of ``REFERENCE``; where the key allows them), avsnitt 12."""
    if key.inhabitants is not None:
        return sum((w * key.inhabitants[c] for w, c in zip(weights, REFERENCE, strict=True)), Fraction(0))
    assert key.weighted_sum is not None
    return key.weighted_sum * sum(weights) / sum(REFERENCE.values())


def build_inputs(n: int, src: Source) -> Inputs:
    """``n`` regions with real län codes in a random order, counts and rural keys."""
    codes = list(LAN)
    for i in range(len(codes) - 1, 0, -1):  # Fisher–Yates
        j = src.choice(i + 1)
        codes[i], codes[j] = codes[j], codes[i]
    codes = codes[:n]
    pops = [src.count() for _ in codes]
    hsl = [src.count(10**6) for _ in codes]
    pops[0] = pops[0] or 1 + src.count()  # the counts must not all be zero
    hsl[0] = hsl[0] or 1 + src.count(10**6)
    recipients = tuple(
        Recipient(code=c, name=f"Region {LAN[c]}", lan=LAN[c], counts={"population": p, "hsl_insatser": h})
        for c, p, h in zip(codes, pops, hsl, strict=True)
    )
    mode = src.take(1) % 3  # 0: every region's categories known (any weights), 1: none, 2: mixed
    key = tuple(
        RuralKey(c, {"tatortsnara": src.count(), "gles": src.count(), "mycket_gles": src.count()})
        if mode == 0 or (mode == 2 and src.take(1) % 2)
        else RuralKey(c, weighted_sum=src.count())
        for c in codes
    )
    return Inputs(recipients=recipients, rural_key=key, reference_weights=REFERENCE)


def build_parameters(inputs: Inputs, src: Source) -> Parameters:
    """Every parameter, within what the agreement's rules can apply to ``inputs``."""
    n = len(inputs.recipients)
    if all(k.categories_known for k in inputs.rural_key) and src.take(1) % 2:
        weights = (src.fraction(), src.fraction(), src.fraction())  # any weights: categories are known
    else:
        c = Fraction(1 + src.count(1000), 1 + src.take(1) % 100)  # proportional to the reference weights
        weights = tuple(c * w for w in REFERENCE.values())
    values: dict[str, int | Fraction] = {k: src.amount() for k in AMOUNT_KEYS}
    values["regioner.landsbygd_total"] = src.amount(values["regioner.nara_vard_total"])  # type: ignore[arg-type]
    values["ambulans.grundbelopp"] = src.amount(values["ambulans.total"] // n)  # type: ignore[operator]
    if not any(weights) or sum(weighted(k, weights) for k in inputs.rural_key) == 0:
        values["regioner.landsbygd_total"] = 0  # nothing to share the rural part by
    denominator = 1 + src.take(2) % 1000
    values["kommuner.andel_insatser"] = Fraction(src.number(denominator, 2), denominator)
    for name, w in zip(("tatortsnara", "gles", "mycket_gles"), weights, strict=True):
        values[f"landsbygd.vikt.{name}"] = w
    return Parameters(values, RULES)


def build(n: int, data: bytes) -> tuple[Inputs, Parameters]:
    src = Source(data)
    inputs = build_inputs(n, src)
    return inputs, build_parameters(inputs, src)


#: Inputs for 1–21 regions and parameters that can be applied to them.
scenarios = st.builds(build, st.integers(1, 21), st.binary(min_size=CASE_BYTES, max_size=CASE_BYTES))


# --------------------------------------------------------------------------- line shapes (core.plan)

#: The keys a drawn line's parts are shared by: two data columns and the rural key (issue 17 §3).
LINE_KEYS = {
    "pop": Key("pop", "column", column="population"),
    "hsl": Key("hsl", "column", column="hsl_insatser"),
    "rural": Key("rural", "landsbygd", weights=("w.a", "w.b", "w.c"), categories=("tatortsnara", "gles", "mycket_gles")),
}


@st.composite
def line_rules(draw: st.DrawFn) -> Rules:
    """A one-line agreement of any shape ``core.plan`` knows: an optional base amount, 0–3 carved
    parts, 0–3 share parts and the rest, in any order, each part in the line's rounding unit or a
    multiple of it of its own (as the definition's checks allow), shared by any of ``LINE_KEYS``."""
    unit = draw(st.sampled_from([1, 1, 10, 1000]))
    part_units = st.sampled_from([0, 0, unit, 2 * unit, 5 * unit, 50 * unit])
    keys = st.sampled_from(sorted(LINE_KEYS))
    parameters: dict[str, ParameterKind] = {"l.total": "amount", "w.a": "weight", "w.b": "weight", "w.c": "weight"}
    base = draw(st.booleans())
    if base:
        parameters["l.base"] = "amount"
    parts = []
    for i in range(draw(st.integers(0, 3))):
        parameters[f"l.c{i}"] = "amount"
        parts.append(Part(f"c{i}", draw(keys), amount=f"l.c{i}", round_to=draw(part_units)))
    for i in range(draw(st.integers(0, 3))):
        parameters[f"l.s{i}"] = "share"
        parts.append(Part(f"s{i}", draw(keys), share=f"l.s{i}", round_to=draw(part_units)))
    parts.append(Part("rest", draw(keys), round_to=draw(part_units)))
    line = Line("l", "l.total", tuple(draw(st.permutations(parts))), base="l.base" if base else None, round_to=unit)
    columns = (ColumnSpec("lan_code", "code"), ColumnSpec("region", "text"), ColumnSpec("l", "line", ("l",)))
    return Rules(parameters, LINE_KEYS, (line,), columns)


@st.composite
def line_values(draw: st.DrawFn, rules: Rules) -> dict[str, int | Fraction]:
    """Values for every parameter of ``line_rules``: amounts in the line's unit or not, often
    too large together, shares that may add up to more than 1, rural weights that may all be 0."""
    unit = rules.lines[0].round_to
    scale = st.sampled_from([1, unit, unit, 7])
    values: dict[str, int | Fraction] = {}
    for key, kind in rules.parameters.items():
        if kind == "amount":
            values[key] = draw(st.integers(0, 3000)) * draw(scale)
        elif kind == "share":
            values[key] = draw(st.fractions(0, 1, max_denominator=12))
        else:
            values[key] = Fraction(draw(st.sampled_from([0, 0, 1, 4, 6])))
    return values
