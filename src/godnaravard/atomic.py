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
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

__all__ = ["OutputExistsError", "atomic_write", "atomic_write_bytes", "atomic_write_text"]


class OutputExistsError(FileExistsError):
    """The output file exists and ``force`` was not given."""

    def __init__(self, path: Path):
        self.path = path
        super().__init__(errno.EEXIST, "the file already exists; use --force to replace it", str(path))


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
    """Refuse a target that exists (without ``force``), is a directory, or has no directory."""
    if path.is_dir():
        raise IsADirectoryError(errno.EISDIR, "is a directory", str(path))
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
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        writer(tmp)
        os.chmod(tmp, 0o666 & ~_current_umask())  # mkstemp makes it 0600; give it a normal file's mode
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        _publish(tmp, target, force)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    _fsync_dir(parent)
    return target


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes, force: bool = False) -> Path:
    """Write ``data`` to ``path`` atomically (see ``atomic_write``)."""
    return atomic_write(path, lambda tmp: tmp.write_bytes(data), force=force)


def atomic_write_text(
    path: str | os.PathLike[str], text: str, force: bool = False, encoding: str = "utf-8"
) -> Path:
    """Write ``text`` to ``path`` atomically (see ``atomic_write``); newlines are written as given."""
    return atomic_write(path, lambda tmp: tmp.write_bytes(text.encode(encoding)), force=force)
