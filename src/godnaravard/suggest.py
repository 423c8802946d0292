""""Did you mean …?": the one suggestion for a name the user gave that is not known (issue 18 §5).

A parameter key (``--set``, a scenario file, ``sweep --vary`` and its scenario files) or a column
name (``diff --column``) that is not known is compared with every known name *and* its labels
(the Swedish label of a parameter, the heading of a column), word by word: names are split into
words at dots, underscores, spaces and other punctuation, case and accents are ignored
(``nära`` is ``nara``), and a word matches another that is spelt nearly alike (``grundbelop``,
``grundbelopp``). A candidate scores by the share of the given words it matches, so that every
word counts, not only the last:

>>> keys = ["ambulans.total", "regioner.nara_vard_total", "regioner.landsbygd_total", "kommuner.total"]
>>> suggest("nara_vard.total", keys), suggest("landsbygd.total", keys)
(['regioner.nara_vard_total'], ['regioner.landsbygd_total'])
>>> suggest("ambulans.totl", keys)
['ambulans.total']
>>> suggest("avsnitt 5", keys, {"ambulans.total": ["Regionerna, ambulanssjukvård (avsnitt 5), totalt"]})
['ambulans.total']
>>> suggest("xyz", keys)
[]

Several equally good candidates are all given (at most ``LIMIT``), best first; ``either`` writes
them as ``a, b or c``. ``difflib`` is imported only when there is something to suggest.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping

__all__ = ["LIMIT", "MAX_TEXT", "did_you_mean", "either", "suggest"]

#: At most this many suggestions.
LIMIT = 3
#: A word matches another whose similarity (difflib's ratio) is at least this.
WORD_MATCH = 0.8
#: A candidate is suggested from this score on (the share of the given words it matches, or the
#: similarity of the whole names).
CUTOFF = 0.6
#: A match through a label counts a little less than one through the name itself.
LABEL_WEIGHT = 0.9
#: Only this many characters of what was given are compared (a hostile header cell of a megabyte
#: is no misspelt key, and comparing all of it word by word would take minutes).
MAX_TEXT = 200
_WORD = re.compile(r"[^\W_]+")


def _words(text: str) -> tuple[str, ...]:
    """``text`` as words: casefolded, accents removed, split at anything that is not a letter or digit."""
    plain = "".join(ch for ch in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(ch))
    return tuple(_WORD.findall(plain))


def _ratio(a: str, b: str) -> float:
    import difflib

    return 1.0 if a == b else difflib.SequenceMatcher(None, a, b).ratio()


def _word_score(given: tuple[str, ...], form: tuple[str, ...]) -> tuple[float, float]:
    """The share of the given words that ``form`` matches (each weighted by its similarity), and the
    share of ``form``'s words that are matched (to prefer the candidate with fewer words besides)."""
    if not given or not form:
        return 0.0, 0.0
    best = [max((r for w in form if (r := _ratio(g, w)) >= WORD_MATCH), default=0.0) for g in given]
    matched = sum(1 for w in form if any(_ratio(g, w) >= WORD_MATCH for g in given))
    return sum(best) / len(given), matched / len(form)


def _score(text: str, given: tuple[str, ...], name: str, labels: Iterable[str]) -> tuple[float, float, float]:
    """How well ``name`` (or one of its labels) fits what was given: (score, precision, whole-name ratio)."""
    whole = _ratio("".join(given), "".join(_words(name)))
    coverage, precision = _word_score(given, _words(name))
    score = max(coverage, whole)
    for label in labels:
        cov, prec = _word_score(given, _words(label))
        if cov * LABEL_WEIGHT > score:
            score, precision = cov * LABEL_WEIGHT, prec
    return score, precision, whole


def suggest(text: str, names: Iterable[str], labels: Mapping[str, Iterable[str]] | None = None) -> list[str]:
    """The known names nearest to ``text``, best first (none when nothing is near enough).

    ``labels`` gives, per name, texts that describe it (a parameter's label, a column's heading),
    searched as well. The best candidates are given, and those nearly as good (within 0.05), at
    most ``LIMIT``.
    """
    given = _words(text[:MAX_TEXT])
    if not given:
        return []
    scored = sorted(
        ((_score(text, given, name, (labels or {}).get(name, ())), i, name) for i, name in enumerate(names)),
        key=lambda t: (-t[0][0], -t[0][1], -t[0][2], t[1]),
    )
    if not scored or scored[0][0][0] < CUTOFF:
        return []
    top = scored[0][0][0]
    return [name for (score, _, _), _, name in scored if score >= max(CUTOFF, top - 0.05)][:LIMIT]


def either(names: list[str]) -> str:
    """``a``, ``a or b``, ``a, b or c``."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


def did_you_mean(text: str, names: Iterable[str], labels: Mapping[str, Iterable[str]] | None = None) -> str:
    """`` (did you mean a or b?)`` for the names ``suggest`` finds, or nothing."""
    near = suggest(text, names, labels)
    return f" (did you mean {either(near)}?)" if near else ""
