"""Avsnitt 11: every budget line of the agreement, who receives it, who pays it, and the totals.

Avsnitt 11.1 lists the total per chapter (the state's and the regions' own money); 11.2 lists the
state's money per recipient; 1.2 and 13.1 state the same totals in prose. This module builds the
budget lines from the scenario's parameters and derives every total the agreement states, so
that ``godnaravard check`` can audit the agreement's own arithmetic against its printed figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .model import Parameters

__all__ = ["BudgetLine", "budget_lines", "derived_totals"]

Payer = Literal["staten", "regionerna"]
Group = Literal["regionerna", "kommunerna", "skr"]


@dataclass(frozen=True, slots=True)
class BudgetLine:
    """One line of avsnitt 11: an amount, its chapter, recipient and payer.

    ``parameter`` is the scenario key the amount comes from; ``allocated_in`` names the bilaga
    that splits the line per region or län, if any. ``group`` is the recipient group of 13.1.
    """

    chapter: str
    item: str
    recipient: str
    group: Group
    payer: Payer
    parameter: str
    amount: int
    allocated_in: str = ""


# (chapter, item, recipient, group, payer, parameter, allocated_in), in the order of 11.2.
_LINES: tuple[tuple[str, str, str, Group, Payer, str, str], ...] = (
    ("4", "Fortsatt stöd till centrala utvecklingsområden", "Regionerna", "regionerna", "staten",
     "regioner.nara_vard_total", "Bilaga 3 (Nära vård), därav bilaga 4"),
    ("4", "Fortsatt stöd till centrala utvecklingsområden", "Kommunerna via RSS", "kommunerna", "staten",
     "kommuner.total", "Bilaga 2"),
    ("4", "Fortsatt stöd till centrala utvecklingsområden", "SKR", "skr", "staten",
     "skr.centrala_utvecklingsomraden", ""),
    ("5", "Förstärkning av ambulanssjukvården", "Regionerna", "regionerna", "staten",
     "ambulans.total", "Bilaga 3 (Ambulans)"),
    ("5", "Förstärkning av ambulanssjukvården", "SKR", "skr", "staten", "skr.ambulans", ""),
    ("6", "Sjukvårdsregionala CSD", "Regionerna via SKR", "regionerna", "staten", "sallsynta.csd", ""),
    ("6", "Samordning och stöd", "Region Stockholm via SKR", "regionerna", "staten",
     "sallsynta.region_stockholm", ""),
    ("6", "Samordning och stöd", "SKR", "skr", "staten", "sallsynta.skr", ""),
    ("7", "Nationella kvalitetsregister (7.2 statens medel)", "Regionerna via SKR", "regionerna", "staten",
     "kvalitetsregister.staten", ""),
    ("8", "Insatser för att förbättra antibiotikaanvändningen", "Region Uppsala via SKR", "regionerna",
     "staten", "antibiotika.region_uppsala", ""),
    ("9", "Strukturerad information om läkemedel för förbättrad patientsäkerhet", "SKR", "skr", "staten",
     "lakemedel.skr", ""),
    ("7", "Nationella kvalitetsregister (7.1 i: grundanslag, sex RCO)", "Regionerna via SKR", "regionerna",
     "regionerna", "kvalitetsregister.regionerna_grundanslag", ""),
    ("7", "Nationella kvalitetsregister (7.1 ii: stödfunktionen vid SKR)", "SKR", "skr", "regionerna",
     "kvalitetsregister.regionerna_stodfunktion", ""),
)


def budget_lines(params: Parameters) -> tuple[BudgetLine, ...]:
    """Every budget line of avsnitt 11.1 and 11.2 with the scenario's amounts."""
    return tuple(
        BudgetLine(chapter=c, item=i, recipient=r, group=g, payer=p, parameter=k, amount=params.amount(k),
                   allocated_in=a)
        for c, i, r, g, p, k, a in _LINES
    )


def derived_totals(params: Parameters) -> dict[str, int]:
    """Every total the agreement's text states (1.2, 11.1, 11.2, 13.1), derived from the lines.

    Keys match the ``id`` column of the reference file ``official_2024/stated_totals.csv``.
    """
    lines = budget_lines(params)
    p = params.amount

    def total(*, chapter: str | None = None, payer: str | None = None, group: str | None = None) -> int:
        return sum(
            ln.amount for ln in lines
            if (chapter is None or ln.chapter == chapter)
            and (payer is None or ln.payer == payer)
            and (group is None or ln.group == group)
        )

    state = total(payer="staten")
    regions_own = total(payer="regionerna")
    grand = state + regions_own
    skr_state = total(payer="staten", group="skr")
    return {
        "s1_2_total": grand,
        "s1_2_avsnitt4": total(chapter="4"),
        "s1_2_avsnitt4_regioner": p("regioner.nara_vard_total"),
        "s1_2_avsnitt4_kommuner": p("kommuner.total"),
        "s1_2_landsbygd": p("regioner.landsbygd_total"),
        "s1_2_ambulans": p("ambulans.total"),
        "s1_2_sallsynta": total(chapter="6"),
        "s1_2_sallsynta_csd": p("sallsynta.csd"),
        "s1_2_sallsynta_ovrigt": p("sallsynta.region_stockholm") + p("sallsynta.skr"),
        "s1_2_kvalitetsregister": total(chapter="7"),
        "s1_2_kvalitetsregister_staten": total(chapter="7", payer="staten"),
        "s1_2_kvalitetsregister_regionerna": total(chapter="7", payer="regionerna"),
        "s1_2_antibiotika": total(chapter="8"),
        "s1_2_lakemedel": total(chapter="9"),
        "s1_2_skr": skr_state,
        "s11_1_regionernas_andel": regions_own,
        "s11_1_statens_andel": state,
        "s11_1_total": grand,
        "s11_1_kvalitetsregister_grundanslag": p("kvalitetsregister.regionerna_grundanslag"),
        "s11_1_kvalitetsregister_stodfunktion": p("kvalitetsregister.regionerna_stodfunktion"),
        "s11_2_skr": skr_state,
        "s11_2_total": state,
        "s13_1_total": grand,
        "s13_1_regionerna": total(payer="staten", group="regionerna"),
        "s13_1_kommunerna": total(payer="staten", group="kommunerna"),
        "s13_1_skr": skr_state,
    }
