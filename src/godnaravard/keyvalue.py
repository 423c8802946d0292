"""``KEY=VALUE`` options (``--set``, ``--vary``): the one parser, with one wording for its errors.

>>> parse_pairs(["a.b = 1", "c=x=y"], "--set")
{'a.b': '1', 'c': 'x=y'}
>>> parse_pairs(["a=1", "a=2"], "--set")
Traceback (most recent call last):
...
godnaravard.keyvalue.KeyValueError: a is given twice (a=1 and a=2); give each key once
>>> parse_pairs(["novalue"], "--vary", "KEY=SPEC")
Traceback (most recent call last):
...
godnaravard.keyvalue.KeyValueError: expected KEY=SPEC, got 'novalue'

The key and the value are stripped of surrounding spaces; the value is everything after the
first ``=``. A key given twice is refused, because which value was meant cannot be told. What a
value means is for the caller (the scenario layer for ``--set``, the sweep for ``--vary``): a
relative change such as ``+10%`` or ``*1.1`` (``godnaravard.relative``) is passed on as written.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["KeyValueError", "parse_pairs"]


class KeyValueError(ValueError):
    """A ``KEY=VALUE`` option that cannot be read; ``option`` names it (``--set``)."""

    def __init__(self, option: str, message: str):
        super().__init__(message)
        self.option = option
        self.message = message


def parse_pairs(texts: Iterable[str], option: str, metavar: str = "KEY=VALUE") -> dict[str, str]:
    """``KEY=VALUE`` texts (the values of the repeatable ``option``) into ``{key: value}``, in order."""
    out: dict[str, str] = {}
    for text in texts:
        if "=" not in text:
            raise KeyValueError(option, f"expected {metavar}, got {text!r}")
        key, _, value = text.partition("=")
        key, value = key.strip(), value.strip()
        if key in out:
            raise KeyValueError(option, f"{key} is given twice ({key}={out[key]} and {key}={value}); give each key once")
        out[key] = value
    return out
