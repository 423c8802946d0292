"""Options and error handling shared by the subcommands."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from ..core import AllocationError
from ..errors import InputError

__all__ = [
    "agreement_option", "csv_only", "data_options", "own_data", "scenario_options", "handle_errors", "fail",
    "overrides_from", "sep_option", "writing",
]

F = TypeVar("F", bound=Callable[..., Any])


def fail(message: str) -> NoReturn:
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
        fail(_cannot_write(path, exc))
    except Exception as exc:
        cause = _file_error(exc)
        if cause is None:
            raise
        fail(_cannot_write(path, cause))


def _file_error(exc: BaseException) -> OSError | None:
    """The ``OSError`` inside a writer library's own error (xlsxwriter's ``FileCreateError`` of a
    full disk is not an ``OSError``), or None when ``exc`` is no such error."""
    if not any(cls.__name__ == "XlsxFileError" for cls in type(exc).__mro__):
        return None
    for candidate in (*exc.args, exc.__cause__, exc.__context__):
        if isinstance(candidate, OSError):
            return candidate
    return OSError(0, str(exc) or type(exc).__name__)


def _cannot_write(path: Path, exc: OSError) -> str:
    """``cannot write PATH: REASON (nothing was written)``; a temporary file is named as its target."""
    where = Path(exc.filename) if isinstance(exc.filename, str) else path
    if where.name.startswith(f".{path.name}.") and where.name.endswith(".tmp"):
        where = path
    shown = f"{where}: " if where != path else ""
    return f"cannot write {path}: {shown}{exc.strerror or exc} (nothing was written)"


def _origin(kwargs: dict[str, Any]) -> str:
    """The scenario file a refused allocation's parameters came from, if any.

    An ``AllocationError`` is raised by the core, which knows values, not files; the command
    knows the file. (A value given with ``--set`` is on the command line the user just typed; the
    message names its key.)
    """
    scenario = kwargs.get("scenario")
    if not (isinstance(scenario, str) and (scenario.endswith(".toml") or Path(scenario).is_file())):
        return ""  # none, or an agreement's name (its own parameters)
    return f"{scenario} (with --set)" if kwargs.get("assignments") else scenario


def handle_errors(func: F) -> F:
    """Turn bad input into a one-line-per-problem message and exit code 2.

    At most ``MAX_PROBLEMS`` problems are listed (``InputError`` keeps no more), with a count of
    the rest. An allocation the core refuses names the scenario file its parameters came from.
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from . import notes  # a definition's stale details: one note on stderr (issue 18 §7)

        notes.listen()
        try:
            out = func(*args, **kwargs)
            notes.flush()
            return out
        except SystemExit as exc:
            if exc.code in (None, 0, 1):  # (a check's exit 1 is a result, not bad input)
                notes.flush()
            raise
        except InputError as exc:
            lines = [str(p) for p in exc.problems]
            if len(lines) == 1:
                fail(lines[0])
            fail(f"{exc.count} problems:\n  " + "\n  ".join(lines))
        except AllocationError as exc:
            origin = _origin(kwargs)
            fail(f"{origin}: {exc}" if origin else str(exc))
        finally:
            notes.stop()

    return wrapper  # type: ignore[return-value]  # functools.wraps: the wrapper has func's signature


def key_values(texts: tuple[str, ...], option: str, metavar: str = "KEY=VALUE") -> dict[str, str]:
    """Repeatable ``KEY=VALUE`` options into a dict (``keyvalue.parse_pairs``); a text without ``=``
    or a key given twice is a usage error (exit 2) naming ``option``."""
    if not texts:  # the usual case: no module to import
        return {}
    from ..keyvalue import KeyValueError, parse_pairs

    try:
        return parse_pairs(texts, option, metavar)
    except KeyValueError as exc:
        raise click.BadParameter(exc.message, param_hint=exc.option) from None


def overrides_from(assignments: tuple[str, ...]) -> dict[str, str]:
    """``--set KEY=VALUE`` options into a dict (parsed and validated by the scenario layer).

    A key given twice is refused (which value was meant cannot be told), as ``--vary`` does.
    """
    return key_values(assignments, "--set")


#: ``--agreement NAME|PATH`` (every command has it).
agreement_option = click.option(
    "--agreement", "agreement", metavar="NAME|PATH", default=None,
    help="A shipped agreement by name (see `godnaravard agreements`), or the folder or agreement.toml of "
         "your own. Default: the default shipped agreement.",
)


def own_data(data: tuple[str, ...], data_dates: tuple[str, ...]) -> dict[str, Any]:
    """``--data NAME=FILE`` and ``--data-date NAME=YYYY-MM-DD`` as the API's keywords ``data`` and
    ``data_dates`` (the slots and dates are checked by the scenario layer, which knows the agreement)."""
    files = key_values(data, "--data", "NAME=FILE")
    for name, path in files.items():
        if not name or not path:
            raise click.BadParameter(f"expected NAME=FILE, got {name}={path}", param_hint="--data")
    return {"data": {k: Path(v) for k, v in files.items()}, "data_dates": key_values(data_dates, "--data-date",
                                                                                     "NAME=YYYY-MM-DD")}


def data_options(func: F) -> F:
    """``--data NAME=FILE`` and ``--data-date NAME=YYYY-MM-DD`` (issue 17 §3, issue 18 §2)."""
    options = [
        click.option("--data", "data", metavar="NAME=FILE", multiple=True,
                     help="Your own file for a data slot of the agreement (repeatable), e.g. --data "
                          "population=befolkning.csv; --population FILE and --landsbygd FILE are short forms for "
                          "the recipients slot and the rural-key slot. "
                          "`godnaravard agreement show` lists the slots."),
        click.option("--data-date", "data_dates", metavar="NAME=YYYY-MM-DD", multiple=True,
                     help="The date of your own file for the slot NAME: every heading that names the data's "
                          "date follows it (without it they say 'egen fil', never the agreement's date)."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _separator(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """``--sep``: ``,``, ``;`` or a tab (``tab``, ``\\t``), as ``csvout.separator`` names them."""
    from ..csvout import separator

    try:
        return separator(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), ctx=ctx, param=param) from None


#: ``--sep`` of every CSV output (issue 18 §4): ``;`` for Swedish Excel, with decimal commas.
sep_option = click.option(
    "--sep", "sep", metavar="SEP", default=",", show_default=True, callback=_separator,
    help="The CSV separator: ',' , ';' (Swedish Excel: decimals with a decimal comma) or 'tab'.",
)


def csv_only(sep: str, writes_csv: bool) -> None:
    """``--sep`` other than ``,`` where no CSV is written is a usage error (exit 2), not ignored."""
    if sep != "," and not writes_csv:
        fail("--sep applies to CSV output only: add --format csv (or write a .csv file)")


def scenario_options(func: F) -> F:
    """``--agreement``, ``--scenario``, ``--set``, ``--population``, ``--landsbygd``, ``--data``, ``--data-date``."""
    options = [
        agreement_option,
        click.option("--scenario", "scenario", metavar="FILE|NAME", default=None,
                     help="Scenario TOML file (default: the agreement as signed)."),
        click.option("--set", "assignments", metavar="KEY=VALUE", multiple=True,
                     help="Change a parameter, e.g. --set ambulans.grundbelopp=1000000 (repeatable). "
                          "`godnaravard parameters` lists every key with its value and source."),
        click.option("--population", type=click.Path(path_type=Path), default=None,
                     help="Your own recipients file, replacing the agreement's recipients slot (whatever it is "
                          "named): its columns (as in the agreement's own file), or just the län and the "
                          "population, as SCB exports it."),
        click.option("--landsbygd", type=click.Path(path_type=Path), default=None,
                     help="Rural key, replacing the agreement's rural-key slot (whatever it is named): per "
                          "region (as data/landsbygd_weights.csv) or per kommun (kommun_code, kategori, "
                          "population)."),
    ]
    func = data_options(func)  # (listed after --landsbygd in --help)
    for option in reversed(options):
        func = option(func)
    return func
