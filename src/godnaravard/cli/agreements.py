"""``godnaravard agreements``, ``godnaravard agreement new|show`` and ``godnaravard parameters``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .common import agreement_option, csv_only, fail, handle_errors, sep_option

__all__ = ["agreements_cmd", "agreement_group", "parameters_cmd"]

_FORMAT = click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
                       show_default=True, help="table: for reading; csv and json: for programs.")


def _kr(value: int) -> str:
    from ..render import kr

    return kr(value)


@click.command("agreements")
@_FORMAT
@sep_option
@handle_errors
def agreements_cmd(fmt: str, sep: str) -> None:
    """List the shipped agreements: name, title, budget lines and the dates of their data.

    Use a name with --agreement on any command; `godnaravard agreement new DIR --from NAME`
    starts a new agreement from one of them.
    """
    csv_only(sep, fmt == "csv")
    from ..agreements import default_agreement, shipped_agreements

    found = [a.describe() | {"default": a.name == default_agreement()} for a in shipped_agreements()]
    if fmt == "json":
        click.echo(json.dumps(found, ensure_ascii=False, indent=2))
        return
    if fmt == "csv":
        from ..csvout import table as csv_table

        rows = ([a["name"], a["title"], a["total"], "; ".join(f"{k} {v}" for k, v in a["data"].items()),
                 "yes" if a["default"] else ""] for a in found)
        click.echo(csv_table(["name", "title", "total_kr", "data_dates", "default"], rows, sep), nl=False)
        return
    from rich.table import Table
    from rich.text import Text

    from ..render import console
    from ..terminal import terminal_text

    table = Table(title="Avtal som levereras med godnaravard", header_style="bold")
    table.add_column("Namn", no_wrap=True)
    table.add_column("Titel och data", min_width=20)
    table.add_column("Fördelas, kr", justify="right", no_wrap=True)
    for a in found:
        name = a["name"] + ("\n(standard)" if a["default"] else "")
        if a["aliases"]:
            name += "\nalias: " + ", ".join(a["aliases"])
        data = "\n".join(f"{k} per {v}" for k, v in a["data"].items())
        table.add_row(name, Text.assemble(terminal_text(a["title"]), "\n", (terminal_text(data), "dim")),
                      _kr(a["total"]))
    console().print(table)


@click.group("agreement")
def agreement_group() -> None:
    """Start, inspect or validate an agreement's definition (see docs/agreements.md)."""


@agreement_group.command("new")
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--from", "source", metavar="NAME|PATH", default=None,
              help="The agreement to copy (default: the default shipped agreement).")
@click.option("--with-official", is_flag=True,
              help="Also copy its official (published) tables, to reconcile a variant of the same agreement.")
@handle_errors
def agreement_new(folder: Path, source: str | None, with_official: bool) -> None:
    """Copy an agreement's definition and data into FOLDER, ready to edit.

    FOLDER must not exist, and its name (the copy's name) must not be a shipped agreement's name
    or alias. The copy holds agreement.toml (comments kept) and every data file inside the source's
    folder; a file outside it is left referenced by its absolute path, and listed. The published
    tables belong to the agreement copied, so they are left out unless --with-official. Edit the
    copy (docs/agreements.md), then run any command with --agreement FOLDER.
    """
    from ..agreements import load_agreement
    from ..agreements.copy import CopyTerminated, new_agreement
    from ..agreements.stale import printable

    ag = load_agreement(source)
    try:
        report = new_agreement(ag, folder, with_official)
    except CopyTerminated:  # (the temporary folder is removed; a complete copy is renamed whole or not at all)
        done = "was written before it" if (folder / "agreement.toml").is_file() else "was not written"
        click.echo(f"godnaravard: error: terminated; {folder} {done}", err=True)
        sys.exit(143)
    except OSError as exc:
        fail(f"{folder}: {exc.strerror or exc} (nothing was written)")
    lines = [f"{report.definition}: a copy of {ag.name}; edit it, then: godnaravard allocate --agreement {folder}"]
    for key, where, why in report.referenced:  # (text from a definition: printable, never a control sequence)
        lines.append(printable(f"  not copied, left referenced: {key} = {where} ({why})"))
    click.echo("\n".join(lines))


@agreement_group.command("show")
@click.argument("ref", metavar="NAME|PATH", required=False)
@handle_errors
def agreement_show(ref: str | None) -> None:
    """Validate an agreement's definition and data, allocate it once, and summarise it.

    Every problem of the definition is listed at once, each with the file and the key path.
    """
    from ..agreements.stale import stale_details
    from ..api import allocate
    from ..terminal import terminal_text
    from .notes import stop

    stop()  # (the details are listed below, not noted on stderr)
    alloc = allocate(agreement=ref)
    ag = alloc.agreement
    lines = [f"{ag.title} ({ag.name})", f"  definition: {ag.path}", f"  dokument:   {ag.document}"]
    if ag.signed:
        lines.append(f"  undertecknat: {ag.signed_text}")
    for d in ag.data.values():
        kind = f"{d.kind}: {', '.join(d.counts)}" if d.counts and d.kind != "rural_key" else d.kind
        lines.append(f"  data {d.name} ({kind}): {d.path} ({d.label}, per {d.date.isoformat()})")
    from ..inputs.unused import unused_lines

    lines += unused_lines(ag)  # issue 17 §2: the data files' columns the agreement ignores
    lines.append(f"  mottagare: {len(alloc.rows)}")
    for line in ag.rules.lines:  # the line's own sum (it may have no line column, only part columns)
        shared = sum(alloc.result.columns[line.name].amounts.values())
        lines.append(f"  {line.label}: {_kr(shared)} kr fördelat, "
                     f"budget {_kr(ag.parameters.amount(line.total))} kr")
    lines.extend(f"  not: {n}" for n in ag.notes)
    details = stale_details(ag)
    lines.extend(f"warning: {d.text}" for d in details)
    lines.append("OK: the definition is valid and every line sums exactly to its budget"
                 + (f" ({len(details)} warning{'s' if len(details) > 1 else ''} above)" if details else ""))
    click.echo(terminal_text("\n".join(_wrapped(lines))))


def _wrapped(lines: list[str]) -> list[str]:
    """``agreement show``'s lines wrapped at the terminal's width, each continuation indented under
    its line; words, paths and amounts (``2 420 000 000``) stay whole."""
    from ..display import wrap
    from ..render import console

    width = max(40, console().width)
    out: list[str] = []
    for line in lines:
        out += wrap(line, width, rest=" " * (len(line) - len(line.lstrip()) + 2)) or [line]
    return out


@click.command("parameters")
@agreement_option
@_FORMAT
@sep_option
@handle_errors
def parameters_cmd(agreement: str | None, fmt: str, sep: str) -> None:
    """List every parameter key of an agreement with its value, unit and source.

    These are the keys of --set KEY=VALUE, of --vary in sweep and of a scenario file's
    [parameters] table.
    """
    csv_only(sep, fmt == "csv")
    from ..agreements import load_agreement

    ag = load_agreement(agreement)
    rows = [
        {"key": k, "value": v if isinstance(v, int) else str(v), "unit": info.unit, "kind": info.kind,
         "label": info.label, "source": info.source}
        for k, v in ag.parameters.as_dict().items()
        for info in (ag.parameter_info[k],)
    ]
    if fmt == "json":
        click.echo(json.dumps({"agreement": ag.name, "parameters": rows}, ensure_ascii=False, indent=2))
        return
    if fmt == "csv":
        from ..csvout import table as csv_table

        click.echo(csv_table(list(rows[0]), ([r[k] for k in r] for r in rows), sep), nl=False)
        return
    from ..parameters_render import parameter_lines
    from ..render import console
    from ..terminal import terminal_text

    click.echo(terminal_text("\n".join(parameter_lines(ag, console().width))))
