"""Fast start: the light commands import nothing heavy (issue 7). No timing asserts, only imports."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

#: Packages only the commands that need them may import (export, diff charts, sweep, tables).
HEAVY = ("pandas", "numpy", "openpyxl", "xlsxwriter", "matplotlib", "rich", "pyarrow")


def imported_packages(*args: str, cwd: Path) -> tuple[set[str], subprocess.CompletedProcess[str]]:
    """Run ``python -X importtime -m godnaravard ARGS`` and return the top-level packages it imported."""
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "godnaravard", *args],
                          capture_output=True, text=True, cwd=cwd, check=False)
    names = set()
    for line in proc.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            name = line.rsplit("|", 1)[1].strip()
            if name != "package":  # the header line
                names.add(name.split(".")[0])
    return names, proc


@pytest.mark.parametrize(
    "args",
    [
        ("allocate", "--format", "csv"),
        ("allocate", "--format", "json"),
        ("allocate", "--format", "csv", "--set", "ambulans.grundbelopp=1000000"),
        ("--help",),
    ],
)
def test_light_commands_import_nothing_heavy(args: tuple[str, ...], tmp_path: Path) -> None:
    names, proc = imported_packages(*args, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "godnaravard" in names and "click" in names  # the probe sees the real imports
    assert sorted(names & set(HEAVY)) == []
    assert proc.stdout  # the command did its job


#: Modules ``allocate --format csv`` does without: pydantic's model layer (every file is validated
#: by pydantic-core, with the schemas pydantic's models would build: ``godnaravard.errors.record``)
#: and the package metadata it reads its plugins from, and what only other paths need (a
#: workbook's zip, a hint's close matches, JSON).
NOT_FOR_CSV = ("pydantic", "importlib.metadata", "email", "zipfile", "difflib", "json")


def imported_modules(*args: str, cwd: Path) -> tuple[set[str], subprocess.CompletedProcess[str]]:
    """Run ``python -X importtime -m godnaravard ARGS`` and return every module it imported."""
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "godnaravard", *args],
                          capture_output=True, text=True, cwd=cwd, check=False)
    names = {line.rsplit("|", 1)[1].strip() for line in proc.stderr.splitlines()
             if line.startswith("import time:") and "|" in line}
    return names - {"package"}, proc


def test_allocate_csv_validates_with_pydantic_core_alone(tmp_path: Path) -> None:
    modules, proc = imported_modules("allocate", "--format", "csv", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert {"pydantic_core", "godnaravard.agreements", "godnaravard.inputs"} <= modules  # the probe sees them
    assert sorted(m for m in modules if m in NOT_FOR_CSV or m.startswith(tuple(f"{n}." for n in NOT_FOR_CSV))) == []


def test_the_probe_detects_heavy_imports(tmp_path: Path) -> None:
    # The sweep command needs numpy and pandas; the same probe must see them there.
    names, proc = imported_packages("sweep", "--vary", "ambulans.grundbelopp=0", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert {"numpy", "pandas"} <= names


def test_importing_the_package_is_light() -> None:
    code = (
        "import sys, godnaravard, godnaravard.cli\n"
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r})))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"
