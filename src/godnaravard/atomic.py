"""Writing output files atomically: either the whole new file appears, or nothing changes.

Every command that writes a file goes through ``atomic_write``::

    from godnaravard.atomic import atomic_write, atomic_write_text

    atomic_write("out.xlsx", lambda tmp: build(tmp), force=False)   # writer fills a temp path
    atomic_write_text("out.csv", text, force=True)

The writer is given a temporary path in the target's own directory (so the final rename never
crosses a file system). When it returns, the file is flushed to disk (fsync) and renamed onto
the target in one step. If anything fails, the temporary file is removed and the target is left
as it was. An existing target is replaced only with ``force=True``; otherwise
``OutputExistsError`` is raised, and the target is not touched (also not when it appears while
the writer runs: without ``force`` the final step is a hard link, which never replaces a file).

No leftovers:

- While a file is being written, SIGTERM, SIGINT and SIGHUP remove the temporary files of the
  writes in progress before the signal takes its usual course (the process ends, or
  ``KeyboardInterrupt`` unwinds). The handlers are installed only for the duration of a write,
  only in the main thread, and only over the default handling of the signal (a program's own
  handler is left alone).
- ``kill -9`` cannot be caught; so every temporary file is named ``.NAME.PID-XXXXXXXX.tmp`` (the
  writing process's id), and a later write to the same target removes the temporaries of that
  target whose process no longer runs on this machine and that are older than the current
  process; temporaries of earlier versions (``.NAME.XXXXXXXX.tmp``) once they are more than an
  hour older than it. Nothing else in the folder is touched.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import signal
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

__all__ = ["OutputExistsError", "atomic_write", "atomic_write_bytes", "atomic_write_text"]


class OutputExistsError(FileExistsError):
    """The output file exists and ``force`` was not given."""

    def __init__(self, path: Path):
        self.path = path
        super().__init__(errno.EEXIST, "the file already exists; use --force to replace it", str(path))


#: When this process began writing files (the module's import): a temporary file older than
#: this is not one of this process's.
_STARTED = time.time()
#: A temporary file of an earlier version (without a process id) is stale after this long.
_LEGACY_AGE = 3600.0
_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGINT", "SIGHUP") if hasattr(signal, name))

_lock = threading.RLock()
_pending: dict[Path, None] = {}  # temporary files being written by this process, in order
_previous: dict[int, Any] = {}  # signal → the handling it had before ours
_writes = 0  # writes in progress that installed (or share) the handlers


def _remove_pending() -> None:
    for tmp in list(_pending):
        with contextlib.suppress(OSError):
            tmp.unlink()
        _pending.pop(tmp, None)


def _on_signal(signum: int, frame: Any) -> None:
    """Remove the temporaries of the writes in progress, then let the signal do what it did before."""
    _remove_pending()
    previous = _previous.pop(signum, signal.SIG_DFL)
    signal.signal(signum, previous)
    if callable(previous):  # Python's SIGINT handler: KeyboardInterrupt unwinds the write
        previous(signum, frame)
    else:  # the default: the process ends by the signal, as if we had never caught it
        os.kill(os.getpid(), signum)


@contextlib.contextmanager
def _cleanup_on_signals() -> Iterator[None]:
    """Install ``_on_signal`` for the duration of a write (main thread, default handling only)."""
    global _writes
    installed: list[int] = []
    if threading.current_thread() is threading.main_thread():
        with _lock:
            for signum in _SIGNALS:
                current = signal.getsignal(signum)
                if current is _on_signal:
                    continue
                if current is signal.SIG_DFL or current is signal.default_int_handler:
                    _previous[signum] = current
                    signal.signal(signum, _on_signal)
                    installed.append(signum)
            _writes += 1
    try:
        yield
    finally:
        if threading.current_thread() is threading.main_thread():
            with _lock:
                _writes -= 1
                if _writes == 0:
                    for signum, previous in list(_previous.items()):
                        if signal.getsignal(signum) is _on_signal:
                            signal.signal(signum, previous)
                        _previous.pop(signum, None)


def _running(pid: int) -> bool:
    """Whether a process with this id runs on this machine."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True  # another user's process (or a number that cannot be checked): keep its file
    except OSError:
        return True
    return True


def _remove_stale(parent: Path, name: str) -> None:
    """Remove the stale temporaries of ``name`` in ``parent`` (see the module's documentation)."""
    pattern = re.compile(rf"\.{re.escape(name)}\.(?:([0-9]{{1,10}})-)?[a-z0-9_]{{8}}\.tmp")
    try:
        entries = list(os.scandir(parent))
    except OSError:
        return
    for entry in entries:
        m = pattern.fullmatch(entry.name)
        if m is None:
            continue
        path = Path(entry.path)
        if path in _pending:
            continue
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if not entry.is_file(follow_symlinks=False):
            continue
        pid = m.group(1)
        stale = (
            info.st_mtime < _STARTED and not _running(int(pid))
            if pid is not None
            else info.st_mtime < _STARTED - _LEGACY_AGE
        )
        if stale:
            with contextlib.suppress(OSError):
                path.unlink()


def _current_umask() -> int:
    """The process umask (read by setting and restoring it; there is no read-only call)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _fsync_dir(directory: Path) -> None:
    """Flush a directory entry to disk where the platform allows it (best effort)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _check_target(path: Path, force: bool) -> None:
    """Refuse a target that exists (without ``force``), is a directory, a device, pipe or socket
    (never replaced, not even with ``force``), or has no directory."""
    if path.is_dir():
        raise IsADirectoryError(errno.EISDIR, "is a directory", str(path))
    if path.exists() and not path.is_file():
        # A device (/dev/full), pipe or socket: replacing it with a file would destroy it.
        raise OSError(errno.EINVAL, "is a device, pipe or socket, not a file; an output is written only as a "
                                    "regular file", str(path))
    if path.exists() or path.is_symlink():
        if not force:
            raise OutputExistsError(path)
    parent = path.parent
    if not parent.exists():
        raise FileNotFoundError(errno.ENOENT, "the directory does not exist", str(parent))
    if not parent.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, "is not a directory", str(parent))


def _publish(tmp: Path, path: Path, force: bool) -> None:
    """Move the finished temporary file onto the target (replace only with ``force``)."""
    if force:
        os.replace(tmp, path)
        return
    try:
        os.link(tmp, path)  # atomic, and fails rather than replace a file that appeared meanwhile
    except FileExistsError:
        raise OutputExistsError(path) from None
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK):
            raise
        # A file system without hard links: check once more, then rename.
        if path.exists() or path.is_symlink():
            raise OutputExistsError(path) from None
        os.replace(tmp, path)
        return
    tmp.unlink()


def atomic_write(path: str | os.PathLike[str], writer: Callable[[Path], None], force: bool = False) -> Path:
    """Create ``path`` by calling ``writer(tmp)`` on a temporary file, then renaming it into place.

    Args:
        path: the file to create.
        writer: writes the complete content to the path it is given (it may reopen or truncate
            it; the file exists and is empty when the writer is called).
        force: replace ``path`` if it exists. Without it an existing file raises
            ``OutputExistsError`` and is left untouched.

    Returns:
        The target path.

    Raises:
        OutputExistsError: ``path`` exists and ``force`` is false.
        OSError: the directory does not exist or is not writable, the disk is full, ...; any
            exception raised by ``writer`` propagates too. In every case the temporary file is
            removed and ``path`` is unchanged.
    """
    target = Path(path)
    _check_target(target, force)
    parent = target.parent
    _remove_stale(parent, target.name)
    with _cleanup_on_signals():
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.{os.getpid()}-", suffix=".tmp", dir=parent)
        tmp = Path(tmp_name)
        _pending[tmp] = None
        try:
            os.close(fd)
            writer(tmp)
            os.chmod(tmp, 0o666 & ~_current_umask())  # mkstemp makes it 0600; give it a normal file's mode
            with open(tmp, "rb+") as fh:
                os.fsync(fh.fileno())
            _publish(tmp, target, force)
        except BaseException:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise
        finally:
            _pending.pop(tmp, None)
    _fsync_dir(parent)
    return target


def _write(tmp: Path, data: bytes) -> None:
    """Write ``data`` to the temporary file (a writer for ``atomic_write``)."""
    tmp.write_bytes(data)


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes, force: bool = False) -> Path:
    """Write ``data`` to ``path`` atomically (see ``atomic_write``)."""
    return atomic_write(path, lambda tmp: _write(tmp, data), force=force)


def atomic_write_text(
    path: str | os.PathLike[str], text: str, force: bool = False, encoding: str = "utf-8"
) -> Path:
    """Write ``text`` to ``path`` atomically (see ``atomic_write``); newlines are written as given."""
    return atomic_write(path, lambda tmp: _write(tmp, text.encode(encoding)), force=force)
