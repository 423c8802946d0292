"""The workbook's defined names: one valid, unique name per parameter key, for any definition (issue 17, §1).

Every parameter is a defined name on the sheet Parametrar that the live model's formulas read. A
definition may use any text as a parameter key, and Excel and LibreOffice accept only some names,
so the key is mapped to a name by a fixed rule, in the definition's order of the parameters:

1. Letters with accents lose them (``å`` → ``a``, ``ö`` → ``o``); every character other than
   ``A–Z``, ``a–z``, ``0–9`` and ``_`` becomes ``_`` (``ambulans.grundbelopp`` →
   ``ambulans_grundbelopp``). An empty key becomes ``_``.
2. A name that starts with a digit, that reads as a cell (``A1`` … ``XFD1048576``, and any one to
   three letters followed by digits, ``abc123``), as an R1C1 reference (``R``, ``C``, ``RC``,
   ``R1C1``, ``R2``, ``C3``) or as a truth value (``TRUE``, ``FALSE``, in any case) gets a leading
   ``_`` (``_A1``, ``_TRUE``).
3. At most 255 characters (Excel's limit): a longer name is cut.
4. Names are unique without regard to case, as Excel and LibreOffice compare them: the first key
   (in the definition's order) whose name is free keeps it; a later key with the same name
   (``svf_total`` after ``svf.total``, ``Svf.total``) gets the first free suffix ``_2``, ``_3``, …,
   never the plain name of another key nor one of the workbook's own names (``som_undertecknad``,
   ``arbetsbokens_status``). A key whose plain name no other key shares always keeps it.

The cover and Parametrar name every key whose name is not simply its plain form
(``changed_names``). The rule is linear in the number of keys (a counter per name, not a search).
"""

from __future__ import annotations

import re
import unicodedata
import warnings
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from .cells import ExportError

if TYPE_CHECKING:
    from xlsxwriter.workbook import Workbook

__all__ = [
    "MAX_NAME", "define", "defined_names", "looks_like_reference", "plain_name", "renamed", "renamed_note", "valid_name",
]

#: The longest defined name Excel accepts.
MAX_NAME = 255

_A1 = re.compile(r"[A-Za-z]{1,3}[0-9]+")
_R1C1 = re.compile(r"[Rr][0-9]*(?:[Cc][0-9]*)?|[Cc][0-9]*")
_VALID = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_TRUTH = ("TRUE", "FALSE")


def looks_like_reference(name: str) -> bool:
    """True for a name Excel or LibreOffice would read as a cell, an R1C1 reference or a truth value."""
    return bool(_A1.fullmatch(name) or _R1C1.fullmatch(name)) or name.upper() in _TRUTH


def valid_name(name: str) -> bool:
    """True for a name this module may give: ASCII letters, digits and ``_``, not a reference, ≤ 255 characters."""
    return 0 < len(name) <= MAX_NAME and bool(_VALID.fullmatch(name)) and not looks_like_reference(name)


def _ascii(key: str) -> str:
    """Rule 1: accents dropped, every other character outside ``[A-Za-z0-9_]`` made ``_``."""
    out = []
    for ch in unicodedata.normalize("NFKD", key):
        if unicodedata.combining(ch):
            continue
        out.append(ch if ch.isascii() and (ch.isalnum() or ch == "_") else "_")
    return "".join(out) or "_"


def plain_name(key: str) -> str:
    """The name of ``key`` by rules 1–3, before uniqueness (``ambulans.grundbelopp`` → ``ambulans_grundbelopp``)."""
    name = _ascii(key)
    if name[0].isdigit() or looks_like_reference(name):
        name = "_" + name
    return name[:MAX_NAME]


def _with_suffix(base: str, n: int) -> str:
    suffix = f"_{n}"
    return base[: MAX_NAME - len(suffix)] + suffix


def defined_names(keys: Iterable[str], reserved: Iterable[str] = ()) -> dict[str, str]:
    """Every key's defined name, unique without regard to case and apart from the ``reserved`` names (rule 4)."""
    keys = list(dict.fromkeys(keys))
    plain = {k: plain_name(k) for k in keys}
    claimed = {n.upper() for n in plain.values()} | {r.upper() for r in reserved}
    taken = {r.upper() for r in reserved}
    counters: dict[str, int] = {}
    names: dict[str, str] = {}
    for key in keys:
        name = plain[key]
        if name.upper() in taken:
            base = name.upper()
            n = counters.get(base, 1)
            while True:
                n += 1
                name = _with_suffix(plain[key], n)
                if name.upper() not in claimed:
                    break
            counters[base] = n
            claimed.add(name.upper())
        taken.add(name.upper())
        names[key] = name
    return names


def renamed(names: Mapping[str, str]) -> dict[str, str]:
    """The keys whose name is not their key with its dots made underscores (what Parametrar lists)."""
    return {k: n for k, n in names.items() if n != k.replace(".", "_")}


#: How many renamed keys the note on Parametrar lists by name.
_LISTED = 10


def renamed_note(names: Mapping[str, str]) -> str:
    """A sentence for Parametrar naming the keys whose name differs from that rule ("" when none does)."""
    other = renamed(names)
    if not other:
        return ""
    shown = [f"{k} → {n}" for k, n in list(other.items())[:_LISTED]]
    more = len(other) - len(shown)
    rest = f" och {more} till (se Namnhanteraren)" if more else ""
    return (" Namn som inte följer den regeln (ogiltiga eller upptagna som namn i Excel): "
            + "; ".join(shown) + rest + ".")


def define(wb: Workbook, name: str, formula: str) -> None:
    """Define ``name`` in ``wb``; a name xlsxwriter refuses (it only warns) is an error, never a silent gap."""
    if not valid_name(name):
        raise ExportError(f"the workbook cannot define the name {name!r}: not a valid name")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        status = wb.define_name(name, formula)
    if status == -1:
        raise ExportError(f"the workbook cannot define the name {name!r}")
