"""The ``godnaravard`` command line: a thin layer over the API.

Subcommands live in their own modules and are imported only when called, so that a fast
command (``allocate --format csv``) does not pay for the imports of a heavy one (``export``).
"""

from __future__ import annotations

import importlib
import io
import os
import sys
from typing import Any

import click

from .. import __version__

__all__ = ["main", "run", "COMMANDS"]

#: command name → (module, attribute, one-line help). Help is listed here so that
#: ``godnaravard --help`` does not import every command.
COMMANDS: dict[str, tuple[str, str, str]] = {
    "allocate": ("godnaravard.cli.allocate", "allocate_cmd", "Allocate an agreement and print its table (CSV, JSON)."),
    "check": ("godnaravard.cli.check", "check_cmd", "Reconcile every cell with the agreement's official tables."),
    "export": ("godnaravard.cli.export", "export_cmd", "Write the allocation as an Excel workbook (.xlsx)."),
    "diff": ("godnaravard.cli.diff", "diff_cmd", "Compare two scenarios or agreements per recipient and column."),
    "explain": ("godnaravard.cli.explain", "explain_cmd", "How one recipient's amounts arise, step by step."),
    "sweep": ("godnaravard.cli.sweep", "sweep_cmd", "Allocate a grid or file of scenarios at once (CSV/Parquet)."),
    "parameters": ("godnaravard.cli.agreements", "parameters_cmd", "List an agreement's parameter keys (for --set)."),
    "agreements": ("godnaravard.cli.agreements", "agreements_cmd", "List the shipped agreements."),
    "agreement": ("godnaravard.cli.agreements", "agreement_group", "Start (new) or validate (show) an agreement."),
}


class LazyGroup(click.Group):
    """A click group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module, attr, _ = COMMANDS[cmd_name]
        return getattr(importlib.import_module(module), attr)

    def main(self, args: Any = None, prog_name: str | None = None, complete_var: str | None = None,
             standalone_mode: bool = True, **extra: Any) -> Any:
        """Run as click does, but report every error in the one style of this tool.

        A usage error (an unknown option, a missing argument, a bad choice) is one line,
        ``godnaravard: error: …`` with a pointer to ``--help``, and exit code 2, like bad input.
        """
        try:
            rv = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.UsageError as exc:
            where = f"; see '{exc.ctx.command_path} --help'" if exc.ctx is not None else ""
            click.echo(f"godnaravard: error: {exc.format_message().rstrip('.')}{where}", err=True)
            sys.exit(2)
        except click.ClickException as exc:
            click.echo(f"godnaravard: error: {exc.format_message()}", err=True)
            sys.exit(2)
        except click.Abort:
            click.echo("godnaravard: error: interrupted", err=True)
            sys.exit(130)
        if not standalone_mode:
            return rv
        sys.exit(rv if isinstance(rv, int) else 0)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("Commands"):
            formatter.write_dl([(name, help_) for name, (_, _, help_) in COMMANDS.items()])


@click.group("godnaravard", cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="godnaravard")
def main(**_: Any) -> None:
    """State grants to regions and kommuner (God och nära vård and its sister agreements), exact to the krona.

    Exit codes: 0 success, 1 a check that found deviations, 2 bad input or usage.
    """


def _say(line: str) -> None:
    """One line on stderr, even when stderr itself cannot be written to (then nothing)."""
    try:
        if sys.stderr is not None:
            sys.stderr.write(f"godnaravard: error: {line}\n")
            sys.stderr.flush()
    except (OSError, ValueError):
        pass


def _write_failed(exc: OSError) -> str:
    """An ``OSError`` that escaped a command: almost always its output (stdout) could not be written."""
    import errno

    reason = exc.strerror or str(exc) or type(exc).__name__
    if exc.filename is None or exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO):
        return f"cannot write the output: {reason} (the output is incomplete)"
    return f"{exc.filename}: {reason}"


def _crash_report(exc: BaseException) -> str:
    """Save the traceback of an unexpected error to a file, and say where (one line)."""
    import tempfile
    import traceback

    kind = type(exc).__name__
    try:
        fd, path = tempfile.mkstemp(prefix="godnaravard-crash-", suffix=".txt")
        with os.fdopen(fd, "w", encoding="utf-8", errors="replace") as fh:
            fh.write(f"godnaravard {__version__}\ncommand: {' '.join(sys.argv)}\n\n")
            traceback.print_exception(exc, file=fh)
    except Exception:  # noqa: BLE001 - no report then, but still one line and no traceback
        return f"an unexpected internal error ({kind}); the report could not be saved"
    return (
        f"an unexpected internal error ({kind}); this is a bug in godnaravard, not in your input. "
        f"The details are saved in {path} (please include it in a report)"
    )


def _buffered_stdout() -> None:
    """Make sure a short write to standard output is retried, so that a full disk is an error.

    Under ``python -u`` or ``PYTHONUNBUFFERED``, ``sys.stdout`` writes straight to the file
    descriptor, and when the disk fills up halfway through a write, the rest is dropped without
    an error. A buffered writer retries the rest and then fails with the disk's error.
    """
    out = sys.stdout
    raw = getattr(out, "buffer", None)
    if isinstance(out, io.TextIOWrapper) and isinstance(raw, io.RawIOBase):
        sys.stdout = io.TextIOWrapper(
            io.BufferedWriter(raw), encoding=out.encoding, errors=out.errors, line_buffering=out.line_buffering
        )


def _quiet_unraisable(unraisable: Any) -> None:
    """An error in a finaliser (a writer library's file closed during garbage collection on a
    full disk) is not shown: the failure it belongs to is already reported, in one line."""


def run() -> None:
    """The console script: run ``main``, then leave at once.

    Once the command has finished and its output is flushed, there is nothing left to clean up
    (every output file is written and closed atomically inside the command), so the process ends
    with ``os._exit`` instead of letting the interpreter tear down every imported module one by
    one, which takes longer than the allocation itself. ``main`` stays an ordinary click command
    for tests and embedding. A reader that stops early (``| head``) is not an error.

    No traceback ever reaches the screen: an output that cannot be written (a full disk,
    ``> /dev/full``) is one line and exit code 2, also when it fails only as the output is
    flushed at the end; a ``RecursionError`` or ``MemoryError`` is one line; and any other
    unexpected exception is one line naming a saved report
    (``$TMPDIR/godnaravard-crash-*.txt``) with the traceback, and exit code 2.
    """
    code: Any = 0
    reported = False  # an output error was reported (a second one, at the final flush, is the same)
    if sys.stdout is None:  # started with its standard output closed (>&-): the output would vanish
        _say("standard output is closed: the output has nowhere to go (nothing was done)")
        os._exit(2)
    _buffered_stdout()
    sys.unraisablehook = _quiet_unraisable
    try:
        main()
    except SystemExit as exc:
        code = exc.code
    except BrokenPipeError:
        code = 0
    except OSError as exc:
        _say(_write_failed(exc))
        code, reported = 2, True
    except RecursionError:
        _say("the input nests or chains too deeply to be followed (a recursion limit was reached)")
        code = 2
    except MemoryError:
        _say("out of memory: the input is too large for the memory available")
        code = 2
    except KeyboardInterrupt:
        _say("interrupted")
        code = 130
    except Exception as exc:  # noqa: BLE001 - the last resort: one line and a saved report
        _say(_crash_report(exc))
        code = 2
    if code is None:
        code = 0
    elif not isinstance(code, int):
        _say(str(code))
        code = 2
    try:
        if sys.stdout is not None:
            sys.stdout.flush()
    except BrokenPipeError:
        pass
    except OSError as exc:
        if not reported:
            _say(_write_failed(exc))
        code = 2
    except ValueError:  # stdout closed
        pass
    try:
        if sys.stderr is not None:
            sys.stderr.flush()
    except (OSError, ValueError):
        pass
    os._exit(code)
