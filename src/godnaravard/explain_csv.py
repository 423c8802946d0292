"""``explain RECIPIENT --format csv``: the steps of one recipient, one row per part of a budget line.

The rows carry what the text and JSON formats show for each part (issue 18 §4): the part's
total, the key and the recipient's weight in it, its share in per cent, the exact amount, the
floor, the remainder and its rank, whether it received a balancing krona, and the amount; a
line with a base amount per recipient has a row for it first (its part empty). Whole
numbers are written as they are; other exact values rounded half to even (``display``) to
``PLACES`` decimals, with a decimal comma with ``--sep ';'`` (``csvout``). The first two columns
are the definition's code and name columns (``lan_code, region``; ``kommun_code, kommun``).
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from .csvout import Value, table
from .display import rounded
from .explain import Explanation

__all__ = ["EXPLAIN_CSV_FIELDS", "PLACES", "explanation_csv"]

#: Decimals of the exact values that are not whole.
PLACES = 6

#: The columns of ``explain --format csv`` (for an agreement whose recipients are regions).
EXPLAIN_CSV_FIELDS = (
    "lan_code", "region", "line", "part", "label", "total", "key", "weight", "weight_sum", "share_percent",
    "exact", "floor", "remainder", "rank", "recipients", "balancing_kronor", "received_balancing_krona", "amount",
)


def _number(value: Fraction | int) -> int | Decimal:
    """A whole number as an int, any other exact value rounded to ``PLACES`` decimals."""
    value = Fraction(value)
    return int(value) if value.denominator == 1 else rounded(value, PLACES)


def explanation_csv(e: Explanation, sep: str = ",") -> str:
    """One row per part of every budget line of the recipient (see the module's docstring)."""
    rows: list[list[Value]] = []
    for ln in e.lines:
        if ln.base_parameter:  # the base amount every recipient gets before the parts: a row of its own
            rows.append([e.code, e.name, ln.line, "", f"grundbelopp ({ln.base_parameter})",
                         *([None] * 12), ln.base_per_region])
        for p in ln.parts:
            rows.append([
                e.code, e.name, ln.line, p.part, p.label, p.total, p.key, _number(p.weight),
                _number(p.weight_sum), _number(p.share * 100), _number(p.exact), p.floor, _number(p.remainder),
                p.rank, p.recipients, p.balancing_kronor, "yes" if p.received_balancing_krona else "", p.amount,
            ])
    rules = e.allocation.agreement.rules
    fields = (rules.recipient_column("code"), rules.recipient_column("name"), *EXPLAIN_CSV_FIELDS[2:])
    return table(fields, rows, sep)
