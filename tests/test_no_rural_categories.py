"""No rural key category is written into the code (issue 17 §3 "The rural key declared").

The categories of a rural key, their weights, columns, labels and reference weights are the
definition's (``[keys.NAME] categories`` and ``[data.NAME] category_columns``, ``docs/agreements.md``):
``src/godnaravard`` names none of God och nära vård's, in code, comments and docstrings alike.
"""

from __future__ import annotations

import re

from test_no_year_literals import lines_of_the_package

#: God och nära vård's categories, its per-region file's weighted-sum column and its unweighted category.
NAMES = re.compile(r"tatortsnara|mycket_gles|vagd_summa|ovrig|gles_inv", re.IGNORECASE)


def test_no_rural_category_in_the_package() -> None:
    found = lines_of_the_package(NAMES)
    assert not found, "\n".join(found)


def test_the_pattern_finds_the_names() -> None:
    assert NAMES.search('"landsbygd.vikt.tatortsnara"') and NAMES.search("k.vagd_summa") and NAMES.search("'ovrig'")
    assert NAMES.search("MYCKET_GLES") and not NAMES.search("tätortsnära, glesa, mycket glesa")
