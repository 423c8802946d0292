"""The golden outputs: the exact bytes of every command for every shipped agreement.

``tests/test_golden.py`` compares what the commands print today with the files in this folder;
after an intended change of an output, rewrite them with one command from the checkout::

    python tests/golden/regenerate.py

and review ``git diff tests/golden``. Everything time-dependent is pinned: the workbook's
creation time (``CREATED``) and the terminal width (``COLUMNS=80``). Commands run in an empty folder;
the package's data folder is written as ``<data>``, so the files do not depend on where the
checkout lives. The workbook is compared by its cells (value and formula, read with openpyxl),
not by its bytes, which hold a timestamp of their own.
"""

from __future__ import annotations

import json
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from unittest import mock

HERE = Path(__file__).resolve().parent
if __name__ == "__main__":  # run as a script: make ``tests._cli`` importable
    sys.path.insert(0, str(HERE.parent.parent))

from click.testing import Result  # noqa: E402

from tests._cli import invoke  # noqa: E402

#: The creation time shown on the workbook's cover.
CREATED = datetime(2000, 1, 1, 12, 0, tzinfo=UTC)
ENV = {"COLUMNS": "80"}


class _PinnedDatetime(datetime):
    """``datetime`` whose ``now()`` is ``CREATED`` (the workbook's default creation time)."""

    @classmethod
    def now(cls, tz: object = None) -> _PinnedDatetime:  # type: ignore[override]  # pinned, tz ignored
        return cls.fromtimestamp(CREATED.timestamp(), CREATED.tzinfo)


@contextmanager
def _pinned_time() -> Iterator[None]:
    with mock.patch("godnaravard.excel.workbook.datetime", _PinnedDatetime):
        yield


def _neutral(text: str) -> str:
    """``text`` with the data folder's path written as ``<data>``."""
    from godnaravard.resources import data_dir

    return text.replace(str(data_dir()), "<data>")


#: The working folder of every command: an empty one outside the checkout, so that no path is
#: shown relative to it (messages show paths inside the working folder relative to it).
_CWD = Path(".")


def _invoke(*args: str) -> Result:
    return invoke(*args, env=ENV, cwd=_CWD)


def _run(*args: str) -> str:
    """The output of ``godnaravard ARGS`` (stdout and stderr) with its exit code on the first line."""
    result = _invoke(*args)
    return _neutral(f"exit {result.exit_code}\n{result.output}")


def _recipients(name: str) -> tuple[str, str]:
    """The first and the last recipient of the agreement ``name`` as signed."""
    rows = json.loads(_invoke("allocate", "--agreement", name, "--format", "json").stdout)["rows"]
    return rows[0]["lan_code"], rows[-1]["lan_code"]


def _one_change(name: str) -> str:
    """One ``--set`` for ``diff``: the first amount parameter, one million kronor more."""
    params = json.loads(_invoke("parameters", "--agreement", name, "--format", "json").stdout)["parameters"]
    first = next(p for p in params if p["kind"] == "amount")
    return f"{first['key']}={first['value'] + 1_000_000}"


def _cell_text(value: object) -> str:
    return "" if value is None else repr(value)


def workbook_text(path: Path) -> str:
    """Every non-empty cell of the workbook at ``path``: its formula (if any) and its cached value."""
    import openpyxl

    formulas = openpyxl.load_workbook(path)
    values = openpyxl.load_workbook(path, data_only=True)
    lines: list[str] = []
    for ws in formulas.worksheets:
        cached = values[ws.title]
        lines.append(f"## {ws.title}")
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is None:
                    continue
                value = cached[cell.coordinate].value
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    lines.append(f"{cell.coordinate}\t{cell.value}\t{_cell_text(value)}")
                else:
                    lines.append(f"{cell.coordinate}\t{_cell_text(value)}")
    for name, defined in sorted(formulas.defined_names.items()):
        lines.append(f"name {name}\t{defined.attr_text}")
    return "\n".join(lines) + "\n"


def _workbook(name: str) -> str:
    with tempfile.TemporaryDirectory() as tmp, _pinned_time():
        target = Path(tmp) / "golden.xlsx"
        status = _invoke("export", "--agreement", name, "--output", str(target))
        if status.exit_code != 0:
            return _run("export", "--agreement", name, "--output", str(target))
        return _neutral(workbook_text(target))


def _agreement_outputs(name: str) -> dict[str, str]:
    ag = ("--agreement", name)
    out: dict[str, str] = {}
    for fmt in ("table", "csv", "json"):
        out[f"allocate.{fmt}"] = _run("allocate", *ag, "--format", fmt)
        out[f"parameters.{fmt}"] = _run("parameters", *ag, "--format", fmt)
    for fmt in ("table", "json"):
        out[f"check.{fmt}"] = _run("check", *ag, "--format", fmt)
        for code in _recipients(name):
            out[f"explain-{code}.{fmt}"] = _run("explain", *ag, code, "--format", fmt)
    change = _one_change(name)
    for fmt in ("csv", "json"):
        out[f"diff.{fmt}"] = _run("diff", name, *ag, "--set", change, "--format", fmt)
    out["workbook.txt"] = _workbook(name)
    return {f"{name}/{file}": text for file, text in out.items()}


def outputs() -> dict[str, str]:
    """Every golden file: its path below ``tests/golden`` and its text."""
    from godnaravard.agreements import shipped_agreements

    global _CWD
    out: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="godnaravard-golden-") as tmp:
        _CWD = Path(tmp)
        for fmt in ("table", "csv", "json"):
            out[f"agreements.{fmt}"] = _run("agreements", "--format", fmt)
        for agreement in shipped_agreements():
            out.update(_agreement_outputs(agreement.name))
    return out


def main() -> None:
    """Rewrite every golden file (and remove those no longer produced)."""
    wanted = outputs()
    for old in HERE.glob("**/*"):
        if old.is_file() and old.suffix in (".table", ".csv", ".json", ".txt") and \
                str(old.relative_to(HERE)) not in wanted:
            old.unlink()
    for rel, text in wanted.items():
        path = HERE / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="")
    print(f"wrote {len(wanted)} golden files in {HERE}")


if __name__ == "__main__":
    main()
