"""The ``godnaravard`` command line: a thin layer over the API.

Subcommands live in their own modules and are imported only when called, so that a fast
command (``allocate --format csv``) does not pay for the imports of a heavy one (``export``).
"""

from __future__ import annotations

import importlib
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
    "diff": ("godnaravard.cli.diff", "diff_cmd", "Compare two scenarios per region and column."),
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
            sys.exit(1)
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


def run() -> None:
    """The console script: run ``main``, then leave at once.

    Once the command has finished and its output is flushed, there is nothing left to clean up
    (every output file is written and closed atomically inside the command), so the process ends
    with ``os._exit`` instead of letting the interpreter tear down every imported module one by
    one, which takes longer than the allocation itself. ``main`` stays an ordinary click command
    for tests and embedding. A reader that stops early (``| head``) is not an error.
    """
    code: Any = 0
    try:
        main()
    except SystemExit as exc:
        code = exc.code
    except BrokenPipeError:
        code = 0
    if code is None:
        code = 0
    elif not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (BrokenPipeError, ValueError):
            pass
    os._exit(code)
