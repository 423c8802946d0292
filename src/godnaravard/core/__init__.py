"""The pure core of godnaravard: the agreement's rules as functions of validated inputs.

No I/O, no pandas, no floats: integers and ``fractions.Fraction`` from input to rounded kronor.
One module per rule:

- ``bilaga2_kommuner``: the kommuner per län (avsnitt 12, bilaga 2)
- ``bilaga3_nara_vard``: the regions' nära vård, rural part included (avsnitt 12, bilaga 3)
- ``bilaga3_ambulans``: the regions' ambulance money (avsnitt 12, bilaga 3)
- ``bilaga4_landsbygd``: the rural key (avsnitt 12, bilaga 4)
- ``avsnitt11``: the budget lines and totals (avsnitt 1.2, 11, 13.1)
- ``rounding``: the one rounding rule, declared and argued
"""

from .allocate import AMOUNT_COLUMNS, OUTPUT_COLUMNS, RegionRow, Result, allocate
from .avsnitt11 import BudgetLine, budget_lines, derived_totals
from .bilaga4_landsbygd import CATEGORIES, KommunRow, MissingCategoriesError, key_from_kommuner
from .column import Column
from .model import AMOUNT_KEYS, PARAMETER_KEYS, SHARE_KEYS, WEIGHT_KEYS, Inputs, Parameters, Region, RuralKey
from .rounding import ROUNDING_RULE, RULES, AllocationError, Apportionment, apportion

__all__ = [
    "AMOUNT_COLUMNS",
    "AMOUNT_KEYS",
    "CATEGORIES",
    "OUTPUT_COLUMNS",
    "PARAMETER_KEYS",
    "ROUNDING_RULE",
    "RULES",
    "SHARE_KEYS",
    "WEIGHT_KEYS",
    "AllocationError",
    "Apportionment",
    "BudgetLine",
    "Column",
    "Inputs",
    "KommunRow",
    "MissingCategoriesError",
    "Parameters",
    "Region",
    "RegionRow",
    "Result",
    "RuralKey",
    "allocate",
    "apportion",
    "budget_lines",
    "derived_totals",
    "key_from_kommuner",
]
