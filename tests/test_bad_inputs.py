"""The bad-input corpus (``tests/bad_inputs/cases.toml``) run through the command line (in process;
one case also as a real process).

Each case must exit with code 2, print no traceback and nothing on stdout, write no file, and
print a message naming the file, the row and the column it is about, with the case's substrings.
``export --output existing.xlsx --force`` must leave an existing workbook byte for byte as it was.
"""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path
from typing import Any

import pytest
from _cli import invoke, run
from click.testing import Result

CORPUS = Path(__file__).parent / "bad_inputs"
CASES: list[dict[str, Any]] = tomllib.loads((CORPUS / "cases.toml").read_text(encoding="utf-8"))["case"]


def _prepare(case: dict[str, Any], where: Path) -> list[str]:
    """Put the case's file into ``where`` and return the scenario options for the command."""
    if case["option"] == "set":
        return [arg for kv in case["set"] for arg in ("--set", kv)]
    file = case["file"]
    source = CORPUS / file.split("#")[0]
    if case.get("make") == "folder":
        (where / file).mkdir()
    elif source.is_file():
        shutil.copy(source, where / source.name)
    return [f"--{case['option']}", file]


def _check_message(case: dict[str, Any], proc: Result) -> None:
    err = proc.stderr
    assert proc.exit_code == 2, (proc.exit_code, err)
    assert "Traceback" not in err, err
    assert proc.stdout == "" or proc.stdout.startswith("Usage"), proc.stdout
    assert err.startswith("godnaravard: error: "), err
    if case["option"] != "set":
        name = case["file"]
        lines = [ln for ln in err.splitlines() if not ln.rstrip().endswith("problems:")]
        for line in lines:  # every problem names the file
            assert name.split("#")[0] in line, (name, line)
    if "row" in case:
        assert f"row {case['row']}" in err, err
    if "column" in case:
        assert f"column '{case['column']}'" in err, err
    for text in case.get("expect", []):
        assert text in err, (text, err)


def test_corpus_is_large_and_complete() -> None:
    """At least 25 cases, unique ids, and every corpus file used by a case."""
    assert len(CASES) >= 25
    assert len({c["id"] for c in CASES}) == len(CASES)
    used = {c["file"].split("#")[0] for c in CASES if "file" in c}
    files = {p.name for p in CORPUS.iterdir() if p.suffix in (".csv", ".xlsx", ".xls")}
    assert files - used == set(), "corpus files without a case"
    assert all(c["option"] in ("population", "landsbygd", "set") for c in CASES)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_allocate_refuses(case: dict[str, Any], tmp_path: Path) -> None:
    """``allocate --format csv`` with the bad input: exit 2, a located message, nothing written."""
    options = _prepare(case, tmp_path)
    before = sorted(p.name for p in tmp_path.iterdir())
    proc = invoke("allocate", "--format", "csv", *options, cwd=tmp_path)
    _check_message(case, proc)
    assert sorted(p.name for p in tmp_path.iterdir()) == before


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_export_leaves_existing_output_alone(case: dict[str, Any], tmp_path: Path) -> None:
    """``export --output existing.xlsx --force`` with the bad input: the old workbook is untouched."""
    options = _prepare(case, tmp_path)
    existing = tmp_path / "existing.xlsx"
    existing.write_bytes(b"an earlier export that must survive")
    before = sorted(p.name for p in tmp_path.iterdir())
    proc = invoke("export", "--output", "existing.xlsx", "--force", *options, cwd=tmp_path)
    _check_message(case, proc)
    assert existing.read_bytes() == b"an earlier export that must survive"
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_check_command_refuses_bad_input(tmp_path: Path) -> None:
    """``check`` treats bad input as bad input (2), not as a deviation (1)."""
    shutil.copy(CORPUS / "negative_count.csv", tmp_path)
    proc = run("check", "--population", "negative_count.csv", cwd=tmp_path)  # a real process, once
    assert proc.returncode == 2
    assert "negative_count.csv, row 5, column 'population'" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_usage_error_is_exit_2(tmp_path: Path) -> None:
    """A malformed option is a usage error: exit 2, click's message, no traceback."""
    proc = invoke("allocate", "--set", "no-equals-sign", cwd=tmp_path)
    assert proc.exit_code == 2
    assert "expected KEY=VALUE" in proc.stderr
    assert "Traceback" not in proc.stderr
