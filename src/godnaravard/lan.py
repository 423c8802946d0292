"""Sweden's 21 län: SCB's two-digit codes and names (Länsindelning, SCB; unchanged since 2007).

Used to validate input files (every län once, code and name agreeing). The names accepted for a
län are its short name as in bilaga 2 and the region's name as in bilaga 3 of the agreement.
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


def _norm(text: str) -> str:
    text = text.casefold().replace("-", " ").strip()
    for prefix in ("region ",):
        if text.startswith(prefix):
            text = text[len(prefix):]
    for suffix in (" län", "s län", "regionen"):
        if text.endswith(suffix):
            text = text[: -len(suffix)]
    return " ".join(text.split())


_BY_NAME: dict[str, str] = {}
for _code, _name in LAN.items():
    for _variant in (_name, REGION_NAMES[_code], _code):
        _BY_NAME[_norm(_variant)] = _code
_BY_NAME[_norm("Jönköping")] = "06"
_BY_NAME[_norm("Kalmar")] = "08"
_BY_NAME[_norm("Örebro")] = "18"
_BY_NAME[_norm("Jämtland")] = "23"
_BY_NAME[_norm("Södermanland")] = "04"
_BY_NAME[_norm("Västra Götalands")] = "14"


def lookup(text: str) -> str | None:
    """The län code for a code, a län name or a region name (case and 'Region'/'län' ignored)."""
    text = text.strip()
    if text.isdigit() and len(text) <= 2:
        code = text.zfill(2)
        return code if code in LAN else None
    return _BY_NAME.get(_norm(text))
