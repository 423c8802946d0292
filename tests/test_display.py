"""Display rounding of exact values (``godnaravard.display``)."""

from __future__ import annotations

import doctest
from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from godnaravard import display

fractions = st.fractions(max_denominator=10**9).filter(lambda f: abs(f) < 10**15)
places = st.integers(min_value=0, max_value=6)


def test_the_examples_in_the_docstring() -> None:
    failed, attempted = doctest.testmod(display)
    assert attempted > 0 and failed == 0


@given(fractions, places)
def test_rounded_is_the_nearest_decimal_with_ties_to_even(value: Fraction, n: int) -> None:
    d = display.rounded(value, n)
    assert d.as_tuple().exponent == -n
    error = abs(Fraction(d) - value)
    step = Fraction(1, 10**n)
    assert error <= step / 2
    if error == step / 2:  # a tie: the last digit is even
        assert int(d.scaleb(n)) % 2 == 0


@given(fractions, places)
def test_fixed_is_the_rounded_value_as_text(value: Fraction, n: int) -> None:
    text = display.fixed(value, n, thousands=" ", point=",")
    assert Decimal(text.replace(" ", "").replace(",", ".")) == display.rounded(value, n)


def test_decimal_passes_none_through() -> None:
    assert display.decimal(None, 2) is None
    assert display.decimal(Fraction(1, 8), 2) == Decimal("0.12")
    assert display.decimal(3, 1) == Decimal("3.0")


def test_wrap_keeps_amounts_and_dates_whole() -> None:
    from godnaravard.display import wrap

    text = "Befolkning 1 nov 2023 och 2 420 000 000 kr, " * 6
    for width in (20, 30, 45, 80):
        lines = wrap(text, width, rest="  ")
        assert all(len(line) <= width for line in lines)
        joined = " ".join(line.strip() for line in lines)
        assert joined.count("1 nov 2023") == 6 and joined.count("2 420 000 000 kr") == 6
    assert wrap("", 80) == []
    assert wrap("/a/very/long/path/that/cannot/break", 10) == ["/a/very/long/path/that/cannot/break"]
