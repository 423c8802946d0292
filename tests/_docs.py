"""The evaluators behind the documentation tests (see the repository's ``conftest.py``)."""

from __future__ import annotations

import os
import shlex
import shutil
import tempfile
from pathlib import Path
from typing import Any

from sybil import Example

__all__ = ["console_evaluator", "file_evaluator", "setup_document", "teardown_document"]

#: Terminal width the examples are shown at.
WIDTH = "100"


def setup_document(namespace: dict[str, Any]) -> None:
    """Each document runs in a fresh temporary folder (with the repository's ``data/`` and
    ``examples/`` linked into it, as if run from a clone), at a fixed terminal width."""
    folder = Path(tempfile.mkdtemp(prefix="godnaravard-docs-"))
    # The examples are written as run from a clone of the repository: its data/ and examples/ are there.
    for name in ("data", "examples"):
        (folder / name).symlink_to(Path(__file__).resolve().parents[1] / name, target_is_directory=True)
    namespace["_folder"] = folder
    namespace["_cwd"] = os.getcwd()
    namespace["_columns"] = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = WIDTH
    os.chdir(folder)


def teardown_document(namespace: dict[str, Any]) -> None:
    os.chdir(namespace["_cwd"])
    if namespace["_columns"] is None:
        os.environ.pop("COLUMNS", None)
    else:
        os.environ["COLUMNS"] = namespace["_columns"]
    shutil.rmtree(namespace["_folder"], ignore_errors=True)


def file_evaluator(example: Example) -> str | None:
    """A block whose first line is ``# file: NAME`` is written to NAME (the rest is shown only)."""
    text: str = example.parsed
    first, _, rest = text.partition("\n")
    if first.startswith("# file: "):
        path = Path(first.removeprefix("# file: ").strip())
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(rest, encoding="utf-8")
    return None


def _commands(text: str) -> list[tuple[str, list[str]]]:
    """``$ command`` lines with the output lines shown after each."""
    out: list[tuple[str, list[str]]] = []
    for line in text.splitlines():
        if line.startswith("$ "):
            out.append((line[2:], []))
        elif out:
            out[-1][1].append(line)
        elif line.strip():
            raise AssertionError(f"output before the first $ command: {line!r}")
    return out


def _matches(expected: list[str], actual: list[str]) -> bool:
    """Line by line, trailing spaces ignored; a line ``...`` matches any run of lines."""
    if not expected:
        return not actual
    if expected[0] == "...":
        return any(_matches(expected[1:], actual[i:]) for i in range(len(actual) + 1))
    return bool(actual) and expected[0].rstrip() == actual[0].rstrip() and _matches(expected[1:], actual[1:])


def _run(command: str) -> str:
    from click.testing import CliRunner

    from godnaravard.cli import main

    words = shlex.split(command)
    if words[0] == "cd":
        os.chdir(words[1])
        return ""
    if words[0] == "mkdir":
        Path(words[-1]).mkdir(parents=True, exist_ok=True)
        return ""
    if words[0] == "cp":
        shutil.copyfile(words[1], words[2])
        return ""
    if words[0] != "godnaravard":
        raise AssertionError(f"the docs may run only godnaravard, cd, mkdir and cp: {command!r}")
    result = CliRunner().invoke(main, words[1:], catch_exceptions=False)
    code = "" if result.exit_code == 0 else f"[exit code {result.exit_code}]\n"
    return result.output + code


def console_evaluator(example: Example) -> str | None:
    """Run each ``$ godnaravard ...`` line and compare its output with the lines shown."""
    for command, expected in _commands(example.parsed):
        while expected and not expected[-1].strip():
            expected.pop()
        actual = _run(command).rstrip("\n").splitlines()
        if not _matches(expected, actual):
            shown = "\n".join(actual)
            return f"$ {command}\n--- the docs show:\n" + "\n".join(expected) + f"\n--- it printed:\n{shown}\n"
    return None
