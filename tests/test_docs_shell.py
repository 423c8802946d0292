"""The shell blocks of README.md and docs/*.md that the documentation tests cannot run.

A ```console block runs in the suite (``conftest.py``). A plain ``` block shows what a developer
types into a shell (a pip install, pytest itself, the benchmark) or the repository's layout: it
cannot run inside the suite, so this checks that what it names exists, and that every such block
is one of the kinds checked here. Nothing in the docs can drift unnoticed.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def plain_blocks() -> list[tuple[str, int, list[str]]]:
    """(page, line, lines) of every fenced block without a language."""
    found = []
    for page in PAGES:
        lines = page.read_text(encoding="utf-8").splitlines()
        i = 0
        while i < len(lines):
            if lines[i].startswith("```"):
                j = next(k for k in range(i + 1, len(lines)) if lines[k].startswith("```"))
                if lines[i] == "```":
                    found.append((page.name, i + 1, lines[i + 1: j]))
                i = j + 1
            else:
                i += 1
    return found


def _test_command() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.search(r"<!-- test-command -->\s*```\s*\n(.*?)\n```", text, re.S).group(1).strip()  # type: ignore[union-attr]


def _extras() -> dict[str, list[str]]:
    with (ROOT / "pyproject.toml").open("rb") as fh:
        return tomllib.load(fh)["project"]["optional-dependencies"]


def _check_command(line: str) -> None:
    command = line.split("#")[0].strip()
    if command.startswith("python3 -m venv .venv && .venv/bin/pip install"):
        assert command in (_test_command(), "python3 -m venv .venv && .venv/bin/pip install . && "
                                            ".venv/bin/godnaravard allocate"), command
    elif "benchmarks/run.py" in command:
        assert (ROOT / "benchmarks" / "run.py").is_file()
        if "--quick" in line:
            assert '"--quick"' in (ROOT / "benchmarks" / "run.py").read_text(encoding="utf-8")
    elif command.startswith("GODNARAVARD_HYPOTHESIS_PROFILE=ci"):
        assert "GODNARAVARD_HYPOTHESIS_PROFILE" in (ROOT / "tests" / "conftest.py").read_text(encoding="utf-8")
        for path in command.split()[4:]:
            assert (ROOT / path).exists(), path
    elif command.startswith("pip install"):
        for extra in re.findall(r'\.\[(\w+)\]', line):
            assert extra in _extras(), extra
    elif command.startswith("jupyter lab "):
        assert (ROOT / command.split()[-1]).is_dir()
    else:
        raise AssertionError(f"a shell line the docs tests do not check: {line!r}")


def _check_layout(lines: list[str]) -> None:
    """Every path of a layout tree exists: top-level names, and indented names below their parent."""
    parent = ROOT
    for line in lines:
        if not line.strip() or line.startswith(" " * 20):  # a continued description
            continue
        names, indented = line.split("  ")[0].strip(), line.startswith("  ")
        for name in (n.strip() for n in names.split(",")):
            base = parent if indented else ROOT
            assert (base / name).exists(), f"{name} (under {base.relative_to(ROOT) if base != ROOT else '.'})"
            if not indented and name.endswith("/"):
                parent = ROOT / name


def test_every_plain_block_is_a_checked_kind_and_names_what_exists() -> None:
    blocks = plain_blocks()
    assert blocks  # the two commands of the README at least
    for page, line, lines in blocks:
        if lines and lines[0].split()[0].endswith("/"):
            _check_layout(lines)
        else:
            for text in lines:
                _check_command(text)
        assert lines, f"{page}:{line}: an empty block"
