"""Reading a file that a user names: only regular files, within a size cap, with one clear error.

``read_file`` is the one way the tool reads a user's file (input tables, scenario files,
agreement definitions, official tables): a folder, device, pipe or socket is refused as what it
is before it is opened, a file above its size cap by its size, and every other failure is an
``InputError`` naming the file. ``read_toml`` reads a TOML file through it, with exact decimals.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

from .errors import InputError, Problem

__all__ = ["not_readable", "read_file", "read_toml", "shown_path"]


def _kind_of(mode: int) -> str:
    """What a file that is not a regular file is, for a message."""
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _a(what: str) -> str:
    """``what`` with its article: "a data file", "an official table"."""
    return f"{'an' if what[:1] in 'aeiou' else 'a'} {what}"


def _not_regular(mode: int, what: str) -> str:
    return f"this is {_kind_of(mode)}, not {_a('regular file' if what == 'file' else what)} (only regular files are read)"


def _open_regular(path: Path) -> int:
    """Open ``path`` for reading without blocking (a pipe swapped in after ``stat`` never hangs)."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    return os.open(path, flags)


def _spaced(n: int) -> str:
    """``10485760`` → ``"10 485 760"``."""
    return f"{n:,}".replace(",", " ")


def _too_big(what: str, size: int, limit: int, limit_name: str | None) -> str:
    return f"the {what} is {_spaced(size)} bytes; {limit_name or 'a ' + what} is at most {_spaced(limit)} bytes"


def _too_many_rows(name: str, max_rows: int, what: str = "file") -> InputError:
    """The error for a table with more than ``max_rows`` rows (CSV and workbooks alike)."""
    return InputError(
        Problem(name, f"the {what} has more than {_spaced(max_rows)} rows; an input table of this kind has at most "
                      f"{_spaced(max_rows)}")
    )


def _stat_regular(p: Path, label: str, what: str, hint: str = "") -> os.stat_result:
    """``stat`` of a regular file, or an ``InputError`` saying truly what ``p`` is instead: it does
    not exist, it is a folder, a device, a named pipe (FIFO) or a socket."""
    try:
        info = os.stat(p)
    except FileNotFoundError:
        raise InputError(Problem(label, f"the {what} does not exist{hint}")) from None
    except NotADirectoryError:
        raise InputError(
            Problem(label, f"the {what} does not exist (a part of its path is a file, not a folder)")
        ) from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError(Problem(label, f"this is a folder, not {_a(what)}"))
    if not stat.S_ISREG(info.st_mode):
        raise InputError(Problem(label, _not_regular(info.st_mode, what)))
    return info


def not_readable(path: str | Path, what: str = "file") -> str | None:
    """Why ``path`` is not a regular file to read (``"this is a folder, not a data file"``,
    ``"the data file does not exist"`` …), or ``None`` when it is one: the reason ``read_file``
    would give, for a definition that names the file before anything reads it."""
    try:
        _stat_regular(Path(path), str(path), what)
    except InputError as exc:
        return exc.problems[0].message
    except PermissionError:
        return f"the {what} cannot be read: permission denied"
    except (OSError, ValueError) as exc:
        return f"the {what} cannot be read: {getattr(exc, 'strerror', None) or exc}"
    return None


def read_file(
    path: str | Path,
    label: str | None = None,
    max_bytes: int | None = None,
    what: str = "file",
    hint: str = "",
    limit_name: str | None = None,
) -> bytes:
    """The bytes of a regular file, or an ``InputError`` saying why it is not read.

    The file is checked (``stat``) before it is opened: a folder, device (``/dev/zero``), named
    pipe or socket is refused as what it is, and a file larger than ``max_bytes`` by its size,
    so that nothing is read from it. It is opened without blocking and checked again
    (``fstat``), and at most ``max_bytes + 1`` bytes are read. ``what`` names the file in
    messages ("scenario file"), ``hint`` is added when it does not exist, ``limit_name`` says
    what the size limit is for ("an input table of this kind").
    """
    label = str(path) if label is None else label
    p = Path(path)
    try:
        info = _stat_regular(p, label, what, hint)
        if max_bytes is not None and info.st_size > max_bytes:
            raise InputError(Problem(label, _too_big(what, info.st_size, max_bytes, limit_name)))
        fd = _open_regular(p)
        with os.fdopen(fd, "rb") as fh:
            mode = os.fstat(fd).st_mode
            if not stat.S_ISREG(mode):
                raise InputError(Problem(label, _not_regular(mode, what)))
            data = fh.read() if max_bytes is None else fh.read(max_bytes + 1)
        if max_bytes is not None and len(data) > max_bytes:
            raise InputError(Problem(label, _too_big(what, len(data), max_bytes, limit_name) + " (it grew while read)"))
        return data
    except InputError:
        raise
    except PermissionError:
        raise InputError(Problem(label, f"the {what} cannot be read: permission denied")) from None
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise InputError(Problem(label, f"the {what} cannot be read: {reason}")) from None



def read_toml(path: str | Path, label: str, max_bytes: int, what: str, hint: str = "",
              limit_name: str | None = None) -> dict[str, Any]:
    """A TOML file (a scenario file, an agreement's definition), read by ``read_file`` with its size
    cap, its shape checked before it is parsed (``toml_guard``: dotted keys, key lengths, number of
    keys, nesting), its decimals as ``decimal.Decimal`` (exact, never a binary float); every
    failure is an ``InputError`` naming ``label``."""
    import tomllib
    from decimal import Decimal

    from .toml_guard import shape_problem

    raw = read_file(path, label, max_bytes, what=what, hint=hint, limit_name=limit_name)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(Problem(label, f"the {what} is not UTF-8 text")) from None
    shape = shape_problem(text)
    if shape is not None:
        raise InputError(Problem(label, f"not read: {shape[1]} (the {what} is refused before it is parsed)",
                                 row=shape[0]))
    try:
        return tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(Problem(label, f"not valid TOML: {exc}")) from None
    except RecursionError:
        raise InputError(Problem(label, "not valid TOML: it nests too deeply")) from None



def shown_path(path: Path) -> str:
    """A path as a message shows it: relative to the working folder when it lies inside it."""
    try:
        return str(path.relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
