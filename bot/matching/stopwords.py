"""Function words of the languages whose text covers only part of a base."""

from __future__ import annotations

from functools import lru_cache

from bot.matching.normalize import tokens

try:
    from stop_words import get_stop_words
except ImportError:  # pragma: no cover - a missing list only costs precision
    get_stop_words = None

# German and English are left to the base itself: every entry has text in
# them, so a word in more than a quarter of the entries already counts for
# nothing. The other languages cover a part of the entries only, which makes
# "что" or "را" look rare and lets them pull towards whatever entries have a
# translation. The python-stop-words lists are conservative (no "дом", "iş"),
# unlike stopwords-iso's. Pashto, Kurmanji, Somali and Tigrinya have none.
_LISTED = ("ar", "fa", "ru", "uk", "tr", "fr")


@lru_cache(maxsize=16)
def stopwords(lang: str) -> frozenset[str]:
    """Return the folded single-word function words of ``lang`` (empty if it has no list)."""
    if get_stop_words is None or lang not in _LISTED:
        return frozenset()
    out: set[str] = set()
    for phrase in get_stop_words(lang):
        words = tokens(phrase)
        if len(words) == 1:
            out.add(words[0])
    return frozenset(out)
