"""The rules of one agreement as plain values: budget lines, their parts, keys and output columns.

An agreement is data (``data/agreements/NAME/agreement.toml``, read and validated by
``godnaravard.agreements``); this module holds the pure shape the core computes with. Nothing here
names a year, a region or a budget line: those come from the definition.

A *budget line* (``Line``) is a total in kronor (a parameter) that is shared among the
recipients:

1. an optional *base amount* per recipient comes off the top (avsnitt 12 for the ambulance money:
   "ett grundbelopp på 500 000 kronor per region");
2. *carved-out parts* take a fixed amount each (avsnitt 1.2: 300 miljoner of nära vård "för
   primärvården i landsbygd");
3. what is left is split between *share parts* (each a share parameter) and the one *rest part*
   (avsnitt 12 for the kommuner: "hälften ... utifrån antalet individer ... den andra hälften
   utifrån befolkningsandel");
4. each part is shared by its *key* and rounded to whole kronor on its own (``rounding``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import field
from types import MappingProxyType
from typing import Literal

from ..frozen import frozen

__all__ = [
    "Adjustment",
    "BudgetItem",
    "ColumnSpec",
    "Key",
    "Line",
    "ParameterKind",
    "Part",
    "Rules",
    "StatedTotal",
]

ParameterKind = Literal["amount", "share", "weight"]
ColumnKind = Literal["code", "text", "count", "line", "part", "sum"]

#: The text columns of a recipients file and the ``Recipient`` field each holds (issue 17 §3): the
#: code columns (``lan_code`` for regions and län, ``kommun_code`` for kommuner), the name columns
#: (``region``, ``kommun``) and the län's name (``lan``). A definition's ``code`` and ``text``
#: columns are these.
TEXT_FIELDS: Mapping[str, str] = MappingProxyType({
    "lan_code": "code", "lan": "lan", "region": "name", "kommun_code": "code", "kommun": "name",
})
#: The recipient words of a definition (``recipients``) and their plurals, for messages that count
#: recipients ("8 kommuner").
RECIPIENT_PLURALS: Mapping[str, str] = MappingProxyType({"region": "regions", "län": "län", "kommun": "kommuner"})


@frozen
class Key:
    """What a part is shared by.

    ``kind="column"``: a numeric column of the recipients' data file (``column``), e.g. the
    population or the HSL insatser. ``kind="landsbygd"``: a rural key (avsnitt 12 in God och nära
    vård), the weighted rural population of the ``categories`` the definition declares, under the
    weight parameters named in ``weights`` (parallel to ``categories``), read from the data slot
    ``data`` (issue 17 §3: no category is named in code).
    """

    name: str
    kind: Literal["column", "landsbygd"]
    column: str = ""
    weights: tuple[str, ...] = ()
    label: str = ""
    section: str = ""
    categories: tuple[str, ...] = ()
    data: str = ""

    def __post_init__(self) -> None:
        if len(self.categories) != len(self.weights):
            raise ValueError(f"key {self.name}: one weight per category, got {len(self.weights)} weights for "
                             f"the categories {self.categories}")


@frozen
class Part:
    """One separately rounded part of a budget line.

    Exactly one of: ``amount`` (a parameter: fixed kronor carved out of the line), ``share`` (a
    parameter: a share of what is left after the carve-outs), or neither (the rest part).

    ``round_to``: the rounding unit of this part in kronor (issue 17 §2: tables published in
    thousands): its amounts are whole multiples of it; 0 takes the line's (``core.plan``).
    """

    name: str
    key: str
    amount: str | None = None
    share: str | None = None
    label: str = ""
    section: str = ""
    round_to: int = 0

    @property
    def is_rest(self) -> bool:
        """True for the part that receives what the other parts leave."""
        return self.amount is None and self.share is None


@frozen
class Line:
    """A budget line shared among the recipients: total, optional base amount, parts.

    ``round_to`` is the line's rounding unit in kronor (1: whole kronor; 1000: the table is
    published in thousands, issue 17 §2): every part without a unit of its own is rounded in it,
    so the total, the base amount and every carved-out amount must be whole multiples of it. The
    units of the parts and of the split are derived once, in the line's plan (``core.plan``).
    """

    name: str
    total: str
    parts: tuple[Part, ...]
    base: str | None = None
    label: str = ""
    section: str = ""
    round_to: int = 1

    def part(self, name: str) -> Part:
        """The part called ``name``."""
        for p in self.parts:
            if p.name == name:
                return p
        raise KeyError(f"line {self.name} has no part {name!r}")


@frozen
class ColumnSpec:
    """One column of the output (``allocate --format csv`` and every table).

    ``kind``: ``code`` (the recipient's code), ``text`` or ``count`` (a column of the data file),
    ``line`` (a budget line's amount, base included), ``part`` (one part of a line: ``ref`` is
    ``(line, part)``) or ``sum`` (the sum of other amount columns named in ``ref``).
    """

    name: str
    kind: ColumnKind
    ref: tuple[str, ...] = ()
    label: str = ""
    short: str = ""

    @property
    def is_amount(self) -> bool:
        """True for the columns in kronor that sum to a budget line."""
        return self.kind in ("line", "part", "sum")


@frozen
class BudgetItem:
    """One line of the agreement's budget table (avsnitt 11 of God och nära vård): amount, recipient, payer."""

    chapter: str
    item: str
    recipient: str
    group: str
    payer: str
    parameter: str
    allocated_in: str = ""


@frozen
class StatedTotal:
    """A total the agreement's text states, and how it follows from the items.

    The derived value is the sum of: the ``parameters``, the budget items matching ``items``
    (``{"chapter": "4", "payer": "staten"}``; an empty filter matches nothing unless
    ``all_items``), and the totals of the output ``columns``. The figure as printed is reference
    data (the agreement's official tables), read by ``check`` only, never used to compute.
    """

    id: str
    parameters: tuple[str, ...] = ()
    items: Mapping[str, str] = field(default_factory=dict)
    all_items: bool = False
    columns: tuple[str, ...] = ()


@frozen
class Adjustment:
    """A published correction of the rule's figures: kronor moved by hand between recipients.

    The signed table of an agreement may differ from what its own rule gives, by a krona moved
    from one recipient to another (bilaga 3 of God och nära vård, Ambulans: Sörmland −1 kr,
    Västra Götaland +1 kr). The agreement as signed is those figures; the rule stays the rule. An
    adjustment names the budget ``line`` and the ``part`` it changes, the kronor added to the
    rule's amount per recipient code (they sum to 0, so the part keeps its sum), the ``table``
    that prints the adjusted figures and the ``source`` where they stand.
    """

    line: str
    part: str
    kronor: Mapping[str, int] = field(hash=False)
    table: str = ""
    source: str = ""

    def added(self, code: str) -> int:
        """The kronor this adjustment adds to one recipient's amount (0 where it names none)."""
        return self.kronor.get(code, 0)


@frozen
class Rules:
    """Everything the core needs to know about an agreement, and nothing about files.

    Attributes:
        parameters: every parameter key with its kind (amounts in whole kronor, shares in [0, 1],
            weights ≥ 0).
        keys: the keys parts are shared by, by name.
        lines: the budget lines shared among the recipients.
        columns: the output columns, in order.
        budget: the fixed sums and shared lines of the budget table (may be empty).
        stated_totals: totals the text states (may be empty).
        recipient: what the recipients are called in messages ("region", "län", "kommun").
        adjustments: the corrections by hand in the signed tables (applied only to the
            agreement as signed: ``allocate(..., adjustments=rules.adjustments)``).
    """

    parameters: Mapping[str, ParameterKind]
    keys: Mapping[str, Key]
    lines: tuple[Line, ...]
    columns: tuple[ColumnSpec, ...]
    budget: tuple[BudgetItem, ...] = ()
    stated_totals: tuple[StatedTotal, ...] = ()
    recipient: str = "region"
    adjustments: tuple[Adjustment, ...] = ()

    def line(self, name: str) -> Line:
        """The budget line called ``name``."""
        for ln in self.lines:
            if ln.name == name:
                return ln
        raise KeyError(f"no budget line {name!r}")

    def column(self, name: str) -> ColumnSpec:
        """The output column called ``name``."""
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"no column {name!r}")

    @property
    def column_names(self) -> tuple[str, ...]:
        """Every output column name, in order."""
        return tuple(c.name for c in self.columns)

    @property
    def amount_columns(self) -> tuple[str, ...]:
        """The output columns in kronor, in order."""
        return tuple(c.name for c in self.columns if c.is_amount)

    @property
    def count_columns(self) -> tuple[str, ...]:
        """The data columns that are counts (population, HSL insatser, …), in order."""
        return tuple(c.name for c in self.columns if c.kind == "count")

    def keys_of_kind(self, kind: str) -> tuple[Key, ...]:
        """The keys of one kind (``column`` or ``landsbygd``)."""
        return tuple(k for k in self.keys.values() if k.kind == kind)

    @property
    def recipients_word(self) -> str:
        """The recipient word in the plural, for a count of them: ``21 regions``, ``8 kommuner``."""
        return RECIPIENT_PLURALS.get(self.recipient, self.recipient)

    def recipient_column(self, what: str) -> str:
        """The name of the definition's column that holds a recipient's ``code``, ``name`` or
        ``lan`` (``TEXT_FIELDS``), as its output names it: ``lan_code`` and ``region``, or
        ``kommun_code`` and ``kommun`` (issue 17 §3). A definition without one has the data's."""
        for c in self.columns:
            holds = "code" if c.kind == "code" else TEXT_FIELDS.get(c.ref[0] if c.ref else c.name)
            if c.kind in ("code", "text") and holds == what:
                return c.name
        kommun = self.recipient == "kommun"
        return {"code": "kommun_code" if kommun else "lan_code", "name": "kommun" if kommun else "region"}.get(what, what)
