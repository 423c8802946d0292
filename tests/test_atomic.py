"""Atomic file writing: the whole new file or nothing; no clobbering without force; no temp files left."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from godnaravard.atomic import OutputExistsError, atomic_write, atomic_write_bytes, atomic_write_text


def _listing(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


def test_writes_a_new_file(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    assert atomic_write_text(target, "hej\n") == target
    assert target.read_text(encoding="utf-8") == "hej\n"
    assert _listing(tmp_path) == ["out.txt"]


def test_new_file_gets_the_mode_of_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        atomic_write_bytes(tmp_path / "out.bin", b"x")
    finally:
        os.umask(old)
    assert (tmp_path / "out.bin").stat().st_mode & 0o777 == 0o644


def test_writer_receives_an_empty_temp_file_in_the_target_directory(tmp_path: Path) -> None:
    seen: list[Path] = []

    def writer(tmp: Path) -> None:
        seen.append(tmp)
        assert tmp.parent == tmp_path
        assert tmp.exists() and tmp.stat().st_size == 0
        assert not (tmp_path / "out.txt").exists()  # nothing visible at the target yet
        tmp.write_text("data", encoding="utf-8")

    atomic_write(tmp_path / "out.txt", writer)
    assert (tmp_path / "out.txt").read_text(encoding="utf-8") == "data"
    assert not seen[0].exists()


def test_existing_file_is_not_replaced_without_force(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old", encoding="utf-8")
    called = []
    with pytest.raises(OutputExistsError) as info:
        atomic_write(target, lambda tmp: called.append(tmp))
    assert info.value.path == target
    assert isinstance(info.value, FileExistsError)
    assert "--force" in str(info.value)
    assert called == []  # refused before doing any work
    assert target.read_text(encoding="utf-8") == "old"
    assert _listing(tmp_path) == ["out.txt"]


def test_existing_file_is_replaced_with_force(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old", encoding="utf-8")
    atomic_write_text(target, "new", force=True)
    assert target.read_text(encoding="utf-8") == "new"
    assert _listing(tmp_path) == ["out.txt"]


def test_failing_writer_leaves_nothing_behind(tmp_path: Path) -> None:
    def writer(tmp: Path) -> None:
        tmp.write_text("half a file", encoding="utf-8")
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        atomic_write(tmp_path / "out.txt", writer)
    assert _listing(tmp_path) == []


def test_failing_writer_with_force_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old", encoding="utf-8")

    def writer(tmp: Path) -> None:
        tmp.write_text("half", encoding="utf-8")
        raise KeyboardInterrupt  # even an interrupt cleans up

    with pytest.raises(KeyboardInterrupt):
        atomic_write(target, writer, force=True)
    assert target.read_text(encoding="utf-8") == "old"
    assert _listing(tmp_path) == ["out.txt"]


def test_file_appearing_while_writing_is_not_clobbered(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"

    def writer(tmp: Path) -> None:
        tmp.write_text("mine", encoding="utf-8")
        target.write_text("someone else's", encoding="utf-8")  # a concurrent writer wins the race

    with pytest.raises(OutputExistsError):
        atomic_write(target, writer)
    assert target.read_text(encoding="utf-8") == "someone else's"
    assert _listing(tmp_path) == ["out.txt"]


def test_missing_directory_is_an_error_and_is_not_created(tmp_path: Path) -> None:
    target = tmp_path / "nope" / "out.txt"
    with pytest.raises(FileNotFoundError):
        atomic_write_text(target, "x")
    assert _listing(tmp_path) == []


def test_parent_that_is_a_file_is_an_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("I am a file", encoding="utf-8")
    with pytest.raises(NotADirectoryError):
        atomic_write_text(blocker / "out.txt", "x", force=True)
    assert blocker.read_text(encoding="utf-8") == "I am a file"
    assert _listing(tmp_path) == ["file"]


def test_target_that_is_a_directory_is_refused_even_with_force(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    with pytest.raises(IsADirectoryError):
        atomic_write_text(tmp_path / "out", "x", force=True)
    assert (tmp_path / "out").is_dir()
    assert _listing(tmp_path) == ["out"]


def test_relative_path_in_current_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    atomic_write_text("rel.txt", "x")
    assert (tmp_path / "rel.txt").read_text(encoding="utf-8") == "x"
    assert _listing(tmp_path) == ["rel.txt"]


def test_text_is_written_byte_for_byte(tmp_path: Path) -> None:
    atomic_write_text(tmp_path / "t.csv", "a,ö\r\nb,å\n")
    assert (tmp_path / "t.csv").read_bytes() == "a,ö\r\nb,å\n".encode()


def test_temporary_files_carry_the_process_id(tmp_path: Path) -> None:
    seen: list[Path] = []
    atomic_write(tmp_path / "out.txt", lambda tmp: seen.append(tmp))
    assert seen[0].name.startswith(f".out.txt.{os.getpid()}-") and seen[0].name.endswith(".tmp")


def test_stale_temporaries_of_the_target_are_removed_and_nothing_else(tmp_path: Path) -> None:
    import time

    import godnaravard.atomic as atomic

    old = time.time() - 2 * 3600
    dead = tmp_path / ".out.txt.999999999-abcdefgh.tmp"  # no such process
    alive = tmp_path / f".out.txt.{os.getppid()}-abcdefgh.tmp"  # a running process: still writing
    legacy = tmp_path / ".out.txt.abcdefgh.tmp"  # an earlier version's, two hours old
    fresh_legacy = tmp_path / ".out.txt.zyxwvuts.tmp"  # an earlier version's, just now
    foreign = [tmp_path / ".other.txt.999999999-abcdefgh.tmp", tmp_path / ".out.txt.tmp",
               tmp_path / "out.txt.999999999-abcdefgh.tmp", tmp_path / ".out.txt.999999999-abcdefgh.tmp.keep"]
    for path in (dead, alive, legacy, fresh_legacy, *foreign):
        path.write_bytes(b"x")
    for path in (dead, alive, legacy, *foreign):
        os.utime(path, (old, old))
    atomic_write_text(tmp_path / "out.txt", "new")
    assert not dead.exists() and not legacy.exists()
    assert alive.exists() and fresh_legacy.exists() and all(p.exists() for p in foreign)
    assert atomic._pending == {}


def test_a_device_or_pipe_is_never_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(OSError, match="is a device, pipe or socket"):
        atomic_write_text(fifo, "x", force=True)
    assert fifo.is_fifo()


def test_signal_handlers_are_installed_only_while_writing(tmp_path: Path) -> None:
    import signal

    from godnaravard.atomic import _on_signal

    before = signal.getsignal(signal.SIGTERM)
    during: list[object] = []
    atomic_write(tmp_path / "out.txt", lambda tmp: during.append(signal.getsignal(signal.SIGTERM)))
    assert during == [_on_signal] if before is signal.SIG_DFL else during == [before]
    assert signal.getsignal(signal.SIGTERM) is before
