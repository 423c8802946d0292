"""Reading a table file into rows of text, remembering where each row stood in the file.

This layer only turns bytes into cells; ``inputs`` validates them. Row numbers are the line
numbers a user sees in an editor or spreadsheet (the header is row 1).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError, Problem

__all__ = ["Table", "read_table"]


@dataclass(frozen=True, slots=True)
class Table:
    """A table read from a file: its header and its rows, each with its row number in the file."""

    file: str
    header: tuple[str, ...]
    rows: tuple[tuple[int, dict[str, str]], ...]


def _decode(raw: bytes, name: str) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if b"\x00" in raw[:4096]:
        raise InputError(Problem(name, "this is not a text (CSV) file: it contains binary data"))
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        try:
            text = raw.decode("cp1252")
        except UnicodeDecodeError:
            raise InputError(
                Problem(name, f"the file is neither UTF-8 nor Windows-1252 text (byte {exc.start})", row=line)
            ) from None
        return text


def _dialect(text: str) -> str:
    first = text.split("\n", 1)[0]
    return ";" if first.count(";") > first.count(",") else ","


def read_table(path: str | Path) -> Table:
    """Read a CSV file (``,`` or ``;`` separated, UTF-8 with or without BOM, or Windows-1252)."""
    p = Path(path)
    name = str(path)
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        raise InputError(Problem(name, "the file does not exist")) from None
    except IsADirectoryError:
        raise InputError(Problem(name, "this is a folder, not a file")) from None
    except OSError as exc:
        raise InputError(Problem(name, f"the file cannot be read: {exc.strerror}")) from None
    text = _decode(raw, name)
    if not text.strip():
        raise InputError(Problem(name, "the file is empty"))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_dialect(text))
    lines = [(reader.line_num, row) for row in reader]
    # Skip leading comment lines ('# ...') before the header.
    while lines and (not any(c.strip() for c in lines[0][1]) or lines[0][1][0].lstrip().startswith("#")):
        lines.pop(0)
    if not lines:
        raise InputError(Problem(name, "the file is empty"))
    header_line, header = lines[0]
    header_t = tuple(h.strip() for h in header)
    problems = []
    rows: list[tuple[int, dict[str, str]]] = []
    for line_no, cells in lines[1:]:
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > len(header_t):
            problems.append(
                Problem(name, f"{len(cells)} cells but the header has {len(header_t)} columns", row=line_no)
            )
            continue
        cells = cells + [""] * (len(header_t) - len(cells))
        rows.append((line_no, {h: c.strip() for h, c in zip(header_t, cells, strict=True)}))
    if problems:
        raise InputError(problems)
    if not rows:
        raise InputError(Problem(name, "the file has a header but no data rows", row=header_line))
    return Table(file=name, header=header_t, rows=tuple(rows))
