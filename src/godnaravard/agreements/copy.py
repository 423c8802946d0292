"""A new agreement from an existing one: ``copy_agreement`` (``godnaravard agreement new``).

Issue 17 §1 ("Names", ``agreement new``): the copy's definition is the source's own text edited by
a TOML editor that keeps its comments, literal strings and inline tables (tomlkit), never by
regular expressions; the result is checked to parse to exactly the edited definition. Only files
inside the source's folder are copied (a shipped agreement's folder is the package's data
folder): an absolute path, a ``..`` or a symlink that leads out, a folder, a device or a file
over the input cap is left referenced by its absolute path, and the report says so. Files are
written with the user's normal permissions (never the modes of the files copied). The copy is
built in a temporary folder beside the target and renamed into place: it appears whole or not at
all; SIGTERM removes the temporary folder, and the next run removes one left by SIGKILL.
"""

from __future__ import annotations

import os
import signal
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

from ..errors import InputError, Problem
from ..frozen import frozen
from .load import DEFINITION, MAX_DEFINITION_BYTES, _shipped_names, is_shipped
from .model import Agreement

__all__ = ["CopyReport", "CopyTerminated", "clean_leftovers", "copy_agreement", "new_agreement", "new_name"]

#: The marker in a temporary folder's name: ``.TARGET.godnaravard-new-PID-RANDOM``.
_TMP_MARK = ".godnaravard-new-"
#: The budget's keys that name official (published) files.
_BUDGET_FILES = ("by_chapter", "by_recipient", "stated_totals")


class CopyTerminated(BaseException):
    """SIGTERM arrived while a copy was being written (the temporary folder is removed)."""


@frozen
class CopyReport:
    """What ``copy_agreement`` did: the new definition, the files copied (as the copy names them)
    and the files left referenced: ``(key, absolute path, why)``."""

    definition: Path
    copied: tuple[str, ...]
    referenced: tuple[tuple[str, str, str], ...]


def new_name(target: Path) -> str:
    """The agreement name a new folder gives its copy: its name, lower case, safe characters only."""
    out = []
    for ch in target.name.casefold():
        out.append(ch if ch.isascii() and (ch.isalnum() or ch in "_.-") else "-")
    name = "-".join(part for part in "".join(out).split("-") if part).strip("._-")
    return name or "new-agreement"


def _check_target(target: Path) -> str:
    """Refuse a target that exists, a missing parent folder, or a name that is a shipped agreement's
    (the copy would be confused with it: issue 17 "Names"). The new name otherwise."""
    if os.path.lexists(target):
        raise InputError(Problem(str(target), "already exists; choose a new folder (nothing was written)"))
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        raise InputError(Problem(str(target), f"the folder {parent} does not exist (nothing was written)"))
    name = new_name(target)
    shipped = _shipped_names()
    if name in shipped:
        canonical = shipped[name]
        what = "the name" if canonical == name else f"an alias of {canonical}"
        raise InputError(Problem(str(target), f"{name!r} is {what}, a shipped agreement: a copy of that name "
                                              "would be confused with it; choose another folder name "
                                              f"(e.g. {name}-copy)"))
    return name


def _source_text(source: Agreement) -> str:
    """The source definition's text, read by the bounded reader."""
    from ..files import read_file

    label = str(source.path)
    raw = read_file(source.path, label, MAX_DEFINITION_BYTES, what="definition")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(Problem(label, "the definition is not UTF-8 text")) from None


def _parsed(source: Agreement) -> Any:
    """The source definition as an editable TOML document (comments, strings and layout kept)."""
    import tomlkit
    from tomlkit.exceptions import TOMLKitError

    try:
        return tomlkit.parse(_source_text(source))
    except (TOMLKitError, RecursionError, ValueError) as exc:
        raise InputError(Problem(str(source.path), f"the definition cannot be edited as TOML: {exc}; nothing was "
                                                   "written")) from None


def _mend_inline_dates(node: Any) -> None:
    """Put back the space tomlkit drops after a date that ends an inline table (``{ date = YYYY-MM-DD }``
    would be written ``{ date = YYYY-MM-DD}``): the copy keeps the source's layout. Whitespace only."""
    from tomlkit.items import Date, DateTime, InlineTable, Time, Whitespace

    if isinstance(node, InlineTable):
        body = node.value.body
        if body and isinstance(body[0][1], Whitespace) and isinstance(body[-1][1], (Date, DateTime, Time)):
            body.append((None, Whitespace(" ")))
    children = list(node.values()) if isinstance(node, dict) else list(node) if isinstance(node, list) else []
    for child in children:
        _mend_inline_dates(child)


def _references(doc: Any, with_official: bool) -> Iterator[tuple[str, Any, str]]:
    """Every file the definition names: ``(key path, the table that holds it, key)``."""
    for name, spec in (doc.get("data") or {}).items():
        if isinstance(spec, dict) and isinstance(spec.get("file"), str):
            yield f"data.{name}.file", spec, "file"
    if not with_official:
        return
    for i, table in enumerate(doc.get("tables") or []):
        if isinstance(table, dict) and isinstance(table.get("official"), str):
            yield f"tables.{table.get('name', i)}.official", table, "official"
    budget = doc.get("budget")
    if isinstance(budget, dict):
        for key in _BUDGET_FILES:
            if isinstance(budget.get(key), str):
                yield f"budget.{key}", budget, key


def _drop_official(doc: Any) -> None:
    """Remove every reference to the source's official tables (they belong to the source)."""
    for table in doc.get("tables") or []:
        if isinstance(table, dict):
            for key in [k for k in table if str(k).startswith("official")]:
                del table[key]
    budget = doc.get("budget")
    if isinstance(budget, dict):
        for key in [k for k in budget if k in _BUDGET_FILES or str(k).startswith("official")]:
            del budget[key]


def _stamp_official_year(doc: Any, year: Any) -> None:
    """Record, where the copy keeps the source's official tables, the year they belong to
    (``official_year``), so that a copy for another year is told they are stale (issue 18 §7)."""
    holders = [t for t in doc.get("tables") or [] if isinstance(t, dict) and t.get("official")]
    budget = doc.get("budget")
    if isinstance(budget, dict) and any(budget.get(k) for k in _BUDGET_FILES):
        holders.append(budget)
    for holder in holders:
        if "official_year" not in holder and isinstance(year, int):
            holder["official_year"] = year


@dataclass(slots=True)
class _Plan:
    """Where each file the copy names goes: copied to a new relative name, or left referenced."""

    root: Path  # files inside it are copied
    folder: Path  # the source definition's folder (resolved)
    definition: Path  # the source definition (resolved)
    copies: dict[Path, str]  # resolved source → relative name in the copy
    taken: set[str]
    referenced: list[tuple[str, str, str]]
    uses: dict[Path, list[tuple[str, Any, str]]]  # resolved source → (key, holder, field) that name it


def _within(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root)
    except ValueError:
        return False
    return True


def _copy_name(plan: _Plan, written: str, resolved: Path) -> str:
    """The relative name in the copy: the path as written when it stays in the folder, else the
    file's name; never the definition's own name, never a name taken twice."""
    norm = os.path.normpath(written)
    if os.path.isabs(norm) or norm.split(os.sep)[0] == os.pardir or not _within(resolved, plan.folder):
        norm = resolved.relative_to(plan.folder).as_posix() if _within(resolved, plan.folder) else resolved.name
    name = Path(norm).as_posix()
    stem, suffix = os.path.splitext(name)
    n = 1
    while name.casefold() in plan.taken or name.casefold() == DEFINITION:
        n += 1
        name = f"{stem}-{n}{suffix}"
    plan.taken.add(name.casefold())
    return name


def _leave(plan: _Plan, key: str, full: Path, why: str) -> str:
    """Leave a file referenced (by its absolute path, so that the copy still finds it)."""
    shown = str(full if full.is_absolute() else full.absolute())
    plan.referenced.append((key, shown, why))
    return shown


def _place(plan: _Plan, key: str, written: str) -> str:
    """Decide one reference: the value the copy writes for it."""
    p = Path(written)
    full = p if p.is_absolute() else plan.folder / p
    if p.is_absolute():
        return _leave(plan, key, full, "an absolute path: only files inside the source's folder are copied")
    try:
        resolved = full.resolve()
    except (OSError, RuntimeError):
        return _leave(plan, key, full, "the path cannot be followed (a symlink loop)")
    if not _within(resolved, plan.root):
        how = "a symlink that leads" if _within(Path(os.path.normpath(full)), plan.root) else "a path that leads"
        return _leave(plan, key, full, f"{how} out of the source's folder: only files inside it are copied")
    if resolved == plan.definition:
        return _leave(plan, key, full, "it is the source's definition itself")
    if resolved not in plan.copies:
        plan.copies[resolved] = _copy_name(plan, written, resolved)
    return plan.copies[resolved]


def _planned(source: Agreement, doc: Any, with_official: bool) -> _Plan:
    """Plan every file of the copy and rewrite the references in ``doc``."""
    from ..resources import data_dir

    folder = source.path.parent.resolve()
    root = data_dir().resolve() if is_shipped(source) else folder
    plan = _Plan(root, folder, source.path.resolve(), {}, {DEFINITION}, [], {})
    for key, holder, field in list(_references(doc, with_official)):
        value = _place(plan, key, holder[field])
        holder[field] = value
        for src, name in plan.copies.items():
            if name == value:
                plan.uses.setdefault(src, []).append((key, holder, field))
    return plan


@contextmanager
def _terminable() -> Iterator[None]:
    """While copying, SIGTERM raises ``CopyTerminated`` (so that the temporary folder is removed)."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: FrameType | None) -> None:
        raise CopyTerminated()

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def clean_leftovers(parent: Path) -> list[Path]:
    """Remove temporary folders of earlier copies into ``parent`` whose process is gone (killed by
    SIGKILL or a power cut); only folders named as this module names them. The folders removed."""
    import shutil

    removed: list[Path] = []
    try:
        entries = list(os.scandir(parent))
    except OSError:
        return removed
    for entry in entries:
        head, mark, tail = entry.name.rpartition(_TMP_MARK)
        pid_text = tail.split("-", 1)[0]
        if not (mark and head.startswith(".") and pid_text.isdigit()) or entry.is_symlink() or not entry.is_dir():
            continue
        if not _alive(int(pid_text)):
            shutil.rmtree(entry.path, ignore_errors=True)
            removed.append(Path(entry.path))
    return removed


def _copy_file(src: Path, dst: Path, key: str, plan: _Plan) -> bool:
    """Copy one regular file through the bounded reader; False (left referenced) when it is not one."""
    from ..files import read_file
    from ..tables import MAX_BYTES

    try:
        data = read_file(src, str(src), MAX_BYTES, what="file", limit_name="a data file")
    except InputError as exc:
        reason = exc.problems[0].message if exc.problems else "it cannot be read"
        _leave(plan, key, src, reason)
        return False
    dst.parent.mkdir(parents=True, exist_ok=True)
    with open(dst, "xb") as fh:  # a new file: the user's normal permissions (umask), never the source's
        fh.write(data)
    return True


def _write(tmp: Path, plan: _Plan, doc: Any) -> list[str]:
    """Write the copied files and the definition into ``tmp``; the names copied. A file that turns
    out not to be copyable (a folder, a device, too large) is left referenced instead."""
    import tomlkit

    copied = []
    for src, name in plan.copies.items():
        uses = plan.uses[src]
        if _copy_file(src, tmp / name, uses[0][0], plan):
            copied.append(name)
        else:
            for _key, holder, field in uses:
                holder[field] = plan.referenced[-1][1]

    text = tomlkit.dumps(doc)
    if tomllib.loads(text) != doc.unwrap():  # the editor wrote what was meant, or nothing is written
        raise InputError(Problem(DEFINITION, "the edited copy does not read back as edited (a limit of the TOML "
                                             "editor); nothing was written: copy the folder by hand"))
    with open(tmp / DEFINITION, "x", encoding="utf-8", newline="") as fh:
        fh.write(text)
    return copied


def copy_agreement(source: Agreement, target: Path, with_official: bool = False) -> Path:
    """Copy ``source``'s definition and its data files into the new folder ``target``: the new
    definition's path (``new_agreement`` also says which files were copied and which left referenced)."""
    return new_agreement(source, target, with_official).definition


def new_agreement(source: Agreement, target: Path, with_official: bool = False) -> CopyReport:
    """Copy ``source``'s definition and its data files into the new folder ``target``.

    The copy's name is the folder's (``new_name``; a shipped name or alias is refused) and its
    aliases are dropped, so that it never shadows the original. The official tables are the
    published figures of *that* agreement: they are left out (and the definition's references to
    them removed) unless ``with_official``, when they are kept and stamped with the year they
    belong to (``official_year``). See the module's docstring for what is copied.
    """
    import shutil
    import tempfile


    name = _check_target(target)
    parent = target.parent if str(target.parent) else Path(".")
    clean_leftovers(parent)
    doc = _parsed(source)
    _mend_inline_dates(doc)
    if not with_official:
        _drop_official(doc)
    else:
        _stamp_official_year(doc, doc.get("year"))
    plan = _planned(source, doc, with_official)
    doc["name"] = name
    if "aliases" in doc:
        del doc["aliases"]
    with _terminable():
        # (the target's name cut short: a long name must not make the temporary one too long)
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name[:64]}{_TMP_MARK}{os.getpid()}-", dir=parent))
        try:
            copied = _write(tmp, plan, doc)
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o777 & ~umask)  # (mkdtemp makes it private)
            if os.path.lexists(target):
                raise InputError(Problem(str(target), "already exists; choose a new folder (nothing was written)"))
            os.rename(tmp, target)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    return CopyReport(target / DEFINITION, tuple(copied), tuple(plan.referenced))
