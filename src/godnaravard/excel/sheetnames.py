"""Sheet names valid for any definition (issue 17, §1): a table's label made a name Excel and LibreOffice accept.

Excel allows at most 31 characters, none of ``[]:*?/\\``, no apostrophe at the start or the end, and
compares names without regard to case; ``History`` is its own. A label is cleaned (those characters,
control characters and characters XML cannot carry become spaces), cut to 31 characters with no
apostrophe or space left at either end (also where it is cut), and given `` (2)``, `` (3)`` … on a
clash. Formulas always quote a sheet name (``cells.quote_sheet``), doubling any apostrophe inside.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["sheet_name"]

#: Characters Excel does not allow in a sheet name, and its longest sheet name.
_BAD_SHEET_CHARS = "[]:*?/\\"
_MAX_SHEET_NAME = 31


def _sheet_chars(label: str) -> str:
    """A label's characters that a sheet name may hold: ``[]:*?/\\``, control characters and characters XML
    cannot carry become spaces; runs of spaces one."""
    out = []
    for ch in label:
        code = ord(ch)
        bad = ch in _BAD_SHEET_CHARS or code < 32 or 0x7F <= code < 0xA0 or 0xD800 <= code < 0xE000 or code > 0xFFFD
        out.append(" " if bad else ch)
    return " ".join("".join(out).split())


def _trim(name: str, room: int) -> str:
    """``name`` cut to ``room`` characters, with no apostrophe or space at either end."""
    return name[:room].strip(" '")


def sheet_name(label: str, taken: Iterable[str]) -> str:
    """A valid, unused sheet name for ``label`` (issue 17, §1): no ``[]:*?/\\`` nor control characters, at most
    31 characters, no apostrophe at either end (also where the name is cut), not ``History``.

    Excel compares sheet names without regard to case; a clash gets `` (2)``, `` (3)`` … .
    """
    clean = _trim(_sheet_chars(label).strip(" '"), _MAX_SHEET_NAME) or "Tabell"
    used = {t.casefold() for t in taken}
    name, n = clean, 1
    while name.casefold() in used or name.casefold() == "history":
        n += 1
        suffix = f" ({n})"
        name = (_trim(clean, _MAX_SHEET_NAME - len(suffix)) or "Tabell") + suffix
    return name
