"""``godnaravard explain LAN``: how one region's amounts arise, step by step, with sources."""

from __future__ import annotations

from pathlib import Path

import click

from .common import fail, handle_errors, overrides_from, scenario_options

__all__ = ["explain_cmd"]


@click.command("explain")
@click.argument("lan", metavar="LAN")
@scenario_options
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text: for reading; json: every step with exact fractions, for machines.")
@handle_errors
def explain_cmd(lan: str, agreement: str | None, scenario: str | None, assignments: tuple[str, ...], population: Path | None,
                landsbygd: Path | None, fmt: str) -> None:
    """Show step by step how a region's amounts arise: inputs with sources, shares, rounding.

    LAN is a län code (14) or a name ("Västra Götaland", "Region Skåne"). For every part of
    bilaga 2, 3 and 4: the part's total, the region's share as an exact fraction and in percent,
    the exact amount, the floor, the remainder and its rank, and whether the region received a
    balancing krona. The steps end in the same figures as `godnaravard allocate`.
    """
    from ..api import allocate
    from ..explain import explain, explanation_json, explanation_text, find_lan, known_lan

    if find_lan(lan) is None:
        fail(f"unknown län {lan!r}; give a code or a name: {known_lan()}")
    alloc = allocate(scenario, overrides_from(assignments), population=population, landsbygd=landsbygd,
                     agreement=agreement)
    e = explain(alloc, lan)
    click.echo(explanation_json(e) if fmt == "json" else explanation_text(e), nl=False)
