"""``godnaravard sweep``: an agreement's allocation for a grid (or a file) of scenarios, exact to the krona."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..errors import InputError, Problem
from .common import fail, handle_errors, overrides_from, scenario_options, writing

__all__ = ["sweep_cmd"]

#: Show a progress bar (on a terminal) from this many scenarios on.
PROGRESS_FROM = 20_000
_FORMATS = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet"}


def _vary(specs: tuple[str, ...]) -> dict[str, str]:
    """``--vary KEY=SPEC`` options into ``{key: spec}``; a key given twice is refused."""
    out: dict[str, str] = {}
    for text in specs:
        if "=" not in text:
            raise click.BadParameter(f"expected KEY=SPEC, got {text!r}", param_hint="--vary")
        key, _, spec = text.partition("=")
        key = key.strip()
        if key in out:
            raise InputError(Problem("--vary", "this key is varied twice; give all its values in one --vary",
                                     column=key))
        out[key] = spec.strip()
    return out


@click.command("sweep")
@scenario_options
@click.option("--vary", "vary", metavar="KEY=SPEC", multiple=True,
              help="Vary a parameter of the agreement: a range start:stop:step (stop included when a whole "
                   "number of steps away), a list a,b,c (decimals with a point, or 1/4, 25%), or one value. "
                   "Repeat to sweep every combination (the first --vary varies slowest). "
                   "`godnaravard parameters` lists the keys.")
@click.option("--scenarios", "scenarios_file", metavar="FILE.csv", type=click.Path(path_type=Path),
              default=None,
              help="Scenarios from a CSV file: one column per parameter key, one row per scenario, "
                   "optional column 'scenario' with ids. Instead of --vary.")
@click.option("--output", "-o", metavar="FILE", type=click.Path(path_type=Path), default=None,
              help="Write to FILE.csv or FILE.parquet (by extension; atomically). Default: CSV on stdout.")
@click.option("--force", is_flag=True, help="Replace the output file if it exists.")
@handle_errors
def sweep_cmd(agreement: str | None, scenario: str | None, assignments: tuple[str, ...], population: Path | None,
              landsbygd: Path | None, vary: tuple[str, ...], scenarios_file: Path | None,
              output: Path | None, force: bool) -> None:
    """Allocate many scenarios at once: one row per scenario and recipient.

    Columns: scenario (id), the varied parameters, lan_code, region, and the agreement's
    amount columns of 'allocate --format csv' in whole kronor, equal to what 'allocate --set
    ...' prints for that scenario. The keys are the agreement's parameters ('godnaravard
    parameters' lists them). --agreement, --scenario, --set, --population and --landsbygd give
    the base every scenario starts from; --vary overrides --set for its key.

    \b
    Example (the default agreement):
      godnaravard sweep --vary ambulans.grundbelopp=0:2000000:10000 \\
          --vary kommuner.andel_insatser=0,1/4,1/2,3/4,1 --output sweep.parquet
    """
    if bool(vary) == (scenarios_file is not None):
        fail("give --vary KEY=SPEC (one or more) or --scenarios FILE.csv, not both")
    if output is not None:
        if output.suffix.lower() not in _FORMATS:
            fail(f"{output}: unknown output format; the file name must end in .csv or .parquet")
        if output.exists() and not force:
            fail(f"{output}: the file already exists; use --force to replace it")
        if _FORMATS[output.suffix.lower()] == "parquet":
            try:
                import pyarrow  # noqa: F401
            except ImportError:
                fail("Parquet output needs pyarrow: pip install 'godnaravard[parquet]'")

    try:
        import numpy  # noqa: F401
        import pandas  # noqa: F401
    except ImportError as exc:
        fail(f"sweep needs numpy and pandas ({exc.name} is not installed), an extra of the lean install: "
             "pip install 'godnaravard[sweep]'")
    from ..api import resolve_scenario
    from ..render import scenario_title
    from ..sweep import grid, read_scenarios, run

    base = resolve_scenario(scenario, overrides_from(assignments), population, landsbygd, agreement)
    ag = base.agreement
    sset = read_scenarios(scenarios_file, ag) if scenarios_file is not None else grid(_vary(vary), agreement=ag)
    progress = sys.stderr.isatty() and sset.size >= PROGRESS_FROM
    result = run(scenarios=sset, scenario=base, progress=progress)
    frame = result.to_frame()
    if output is None:
        from ..sweep import write_csv

        stdout = click.get_binary_stream("stdout")
        write_csv(frame, stdout)
        stdout.flush()
        return
    from ..sweep import write_frame

    with writing(output):
        if progress:
            from rich.console import Console

            with Console(stderr=True).status(f"writing {output}"):
                write_frame(frame, output, force=force)
        else:
            write_frame(frame, output, force=force)
    # The base's title: the agreement's, and the scenario with its changes and own files, if any.
    title = scenario_title(base)
    click.echo(f"{title}: sweep of {sset.size} scenarios × {len(result.lan_codes)} {ag.rules.recipient}s "
               f"= {len(frame)} rows → {output}", err=True)
