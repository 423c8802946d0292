"""Behaviour is unchanged: every command's output for every shipped agreement, byte for byte.

The expected files in ``tests/golden/`` are written by ``python tests/golden/regenerate.py``
(see docs/development.md); this test produces the same outputs in process and compares them.
A difference is either a regression or an intended change of an output: then regenerate the
files and review the ``git diff``.
"""

from __future__ import annotations

import difflib

import pytest

from tests.golden.regenerate import HERE, outputs

_EXPECTED = sorted(str(p.relative_to(HERE)) for p in HERE.glob("**/*")
                   if p.is_file() and p.suffix in (".table", ".csv", ".json", ".txt"))


@pytest.fixture(scope="module")
def actual() -> dict[str, str]:
    """Every output, produced once for this module (a few seconds)."""
    return outputs()


def test_every_golden_file_is_produced_and_no_other(actual: dict[str, str]) -> None:
    assert sorted(actual) == _EXPECTED


@pytest.mark.parametrize("rel", _EXPECTED)
def test_output_is_byte_identical(rel: str, actual: dict[str, str]) -> None:
    expected = (HERE / rel).read_bytes().decode("utf-8")
    now = actual.get(rel)
    assert now is not None, f"{rel} is no longer produced"
    if now != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(True), now.splitlines(True),
                                            f"golden/{rel}", "now", n=2))
        pytest.fail(f"{rel} differs (python tests/golden/regenerate.py rewrites it):\n{diff[:4000]}")


def test_golden_outputs_are_results_not_errors(actual: dict[str, str]) -> None:
    """Every baseline command succeeds (exit 0): no error message is frozen as expected output."""
    failed = [rel for rel, text in actual.items() if text.startswith("exit ") and not text.startswith("exit 0\n")]
    assert failed == []
    assert len(_EXPECTED) > 30
