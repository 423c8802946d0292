"""Sweden's 21 län: SCB's two-digit codes and names (Länsindelning, SCB: the current 21 län).

Used to validate input files (every län once, code and name agreeing). The names accepted for a
län are its short name as in bilaga 2, the region's name as in bilaga 3 of the agreement, SCB's
full name ("Södermanlands län") and a few other common forms; case, hyphens, the genitive s and
the marks on å/ä/ö/é are ignored (see ``_norm``).
"""

from __future__ import annotations

__all__ = ["LAN", "REGION_NAMES", "lookup"]

#: län code → short name as printed in bilaga 2.
LAN: dict[str, str] = {
    "01": "Stockholm",
    "03": "Uppsala",
    "04": "Sörmland",
    "05": "Östergötland",
    "06": "Jönköpings län",
    "07": "Kronoberg",
    "08": "Kalmar län",
    "09": "Gotland",
    "10": "Blekinge",
    "12": "Skåne",
    "13": "Halland",
    "14": "Västra Götaland",
    "17": "Värmland",
    "18": "Örebro län",
    "19": "Västmanland",
    "20": "Dalarna",
    "21": "Gävleborg",
    "22": "Västernorrland",
    "23": "Jämtland Härjedalen",
    "24": "Västerbotten",
    "25": "Norrbotten",
}

#: län code → region name as printed in bilaga 3.
REGION_NAMES: dict[str, str] = {
    code: ("Västra Götalandsregionen" if code == "14" else f"Region {name}") for code, name in LAN.items()
}


#: Other names in use for a län: SCB's full names (``Stockholms län``) are handled by the
#: normalisation below; these are the forms it cannot derive.
_ALIASES: dict[str, tuple[str, ...]] = {
    "04": ("Södermanland",),
    "06": ("Jönköping",),
    "08": ("Kalmar",),
    "18": ("Örebro",),
    "23": ("Jämtland", "Härjedalen"),
}

_FOLD = str.maketrans("åäöéèüæø", "aaoeeuao")


def _norm(text: str) -> str:
    """A län or region name reduced to a lookup key.

    Case, hyphens, the words 'Region', 'län' and '-regionen', a genitive 's', and the marks on
    å, ä, ö and é are ignored: 'Västra Götalandsregionen', 'Västra Götalands län' and
    'vastra gotaland' give the same key.
    """
    text = " ".join(text.casefold().replace("-", " ").replace("_", " ").split())
    text = text.removeprefix("region ")
    for suffix in (" län", " lan", "regionen"):
        if text.endswith(suffix):
            text = text[: -len(suffix)].strip()
    text = text.translate(_FOLD)
    return text.removesuffix("s")


_BY_NAME: dict[str, str] = {}
for _code, _name in LAN.items():
    for _variant in (_name, REGION_NAMES[_code], *_ALIASES.get(_code, ())):
        assert _BY_NAME.setdefault(_norm(_variant), _code) == _code, _variant


def lookup(text: str) -> str | None:
    """The län code for a code, a län name, a region name (see ``_norm``) or SCB's "01 Stockholms
    län", or ``None``."""
    text = text.strip()
    if text.isascii() and text.isdigit() and len(text) <= 2:
        code = text.zfill(2)
        return code if code in LAN else None
    head, _, rest = text.partition(" ")
    if head.isascii() and head.isdigit() and len(head) == 2 and rest:
        # SCB's exports name a län by its code and its name: "01 Stockholms län".
        found = lookup(head)
        return found if found is not None and _BY_NAME.get(_norm(rest)) == found else None
    return _BY_NAME.get(_norm(text))
