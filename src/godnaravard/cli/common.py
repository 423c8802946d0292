"""Options and error handling shared by the subcommands."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click

from ..core import AllocationError
from ..errors import InputError

__all__ = ["agreement_option", "scenario_options", "handle_errors", "fail", "overrides_from", "writing"]

F = TypeVar("F", bound=Callable[..., Any])


def fail(message: str) -> None:
    """Print a clear error (no traceback) and exit with code 2."""
    click.echo(f"godnaravard: error: {message}", err=True)
    sys.exit(2)


@contextmanager
def writing(path: Path) -> Iterator[None]:
    """Turn a failed (atomic) write of ``path`` into one line on stderr and exit code 2.

    The writers in ``godnaravard.atomic`` leave nothing behind when they fail and never replace
    an existing file without ``force``; this only says so.
    """
    from ..atomic import OutputExistsError

    try:
        yield
    except OutputExistsError:
        fail(f"{path} already exists; use --force to replace it (the file was left unchanged)")
    except OSError as exc:
        where = exc.filename or path
        fail(f"cannot write {path}: {where}: {exc.strerror or exc} (nothing was written)")


def handle_errors(func: F) -> F:
    """Turn bad input into a one-line-per-problem message and exit code 2."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except InputError as exc:
            lines = [str(p) for p in exc.problems]
            if len(lines) == 1:
                fail(lines[0])
            fail(f"{len(lines)} problems:\n  " + "\n  ".join(lines))
        except AllocationError as exc:
            fail(str(exc))

    return wrapper  # type: ignore[return-value]


def overrides_from(assignments: tuple[str, ...]) -> dict[str, str]:
    """``--set KEY=VALUE`` options into a dict (parsed and validated by the scenario layer)."""
    out: dict[str, str] = {}
    for text in assignments:
        if "=" not in text:
            raise click.BadParameter(f"expected KEY=VALUE, got {text!r}", param_hint="--set")
        key, _, value = text.partition("=")
        out[key.strip()] = value.strip()
    return out


#: ``--agreement NAME|PATH`` (every command has it).
agreement_option = click.option(
    "--agreement", "agreement", metavar="NAME|PATH", default=None,
    help="A shipped agreement by name (see `godnaravard agreements`), or the folder or agreement.toml of "
         "your own. Default: the default shipped agreement.",
)


def scenario_options(func: F) -> F:
    """``--agreement``, ``--scenario``, ``--set``, ``--population``, ``--landsbygd``."""
    options = [
        agreement_option,
        click.option("--scenario", "scenario", metavar="FILE|NAME", default=None,
                     help="Scenario TOML file (default: the agreement as signed)."),
        click.option("--set", "assignments", metavar="KEY=VALUE", multiple=True,
                     help="Change a parameter, e.g. --set ambulans.grundbelopp=1000000 (repeatable). "
                          "`godnaravard parameters` lists every key with its value and source."),
        click.option("--population", type=click.Path(path_type=Path), default=None,
                     help="Your own population file, replacing the agreement's: its columns (as in the "
                          "agreement's own file), or just the län and the population, as SCB exports it."),
        click.option("--landsbygd", type=click.Path(path_type=Path), default=None,
                     help="Rural key: per region (as data/landsbygd_weights.csv) or per kommun "
                          "(kommun_code, kategori, population)."),
    ]
    for option in reversed(options):
        func = option(func)
    return func
