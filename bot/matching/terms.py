"""Index terms: folded words reduced to their stem by the Snowball stemmer of their language.

Exact words miss inflected forms ("iznimi"/"izni", "садочка"/"садок",
"الإقامة"/"إقامة", "Fiktionsbescheinigungen"); Snowball (PyStemmer, C, kept by the
Snowball project) covers de en fr ru tr ar fa. Ukrainian shares most noun and
verb endings with Russian, so it borrows the Russian stemmer; Pashto, Kurmanji,
Somali and Tigrinya have none and keep whole words. A Latin-script word in
Arabic, Cyrillic or Ethiopic text is a German office word, stemmed as German.
"""

from __future__ import annotations

import threading
from functools import lru_cache

from bot.matching.normalize import tokens

try:
    import Stemmer as _Stemmer  # PyStemmer
except ImportError:  # pragma: no cover - a missing stemmer only costs recall
    _Stemmer = None

_ALGORITHMS = {
    "de": "german",
    "en": "english",
    "fr": "french",
    "ru": "russian",
    "uk": "russian",
    "tr": "turkish",
    "ar": "arabic",
    "fa": "persian",
}
_LATIN_LANGS = frozenset({"de", "en", "fr", "tr", "ku", "so"})
# Stems shorter than this are too ambiguous; the whole word is kept instead.
_MIN_STEM = 3
_lock = threading.Lock()
_stemmers: dict[str, object] = {}


def _stemmer(lang: str) -> object | None:
    algorithm = _ALGORITHMS.get(lang)
    if algorithm is None or _Stemmer is None:
        return None
    if lang not in _stemmers:
        _stemmers[lang] = _Stemmer.Stemmer(algorithm)
    return _stemmers[lang]


def is_latin(word: str) -> bool:
    """Tell whether a folded word is written in (ASCII) Latin letters and digits."""
    return word.isascii()


@lru_cache(maxsize=65536)
def stem(word: str, lang: str) -> str:
    """Return the stem of one folded word written in ``lang`` (German for Latin words elsewhere)."""
    if is_latin(word) and lang not in _LATIN_LANGS:
        lang = "de"
    # One stemmer object must not be used by two threads at once.
    with _lock:
        stemmer = _stemmer(lang)
        if stemmer is None:
            return word
        out: str = stemmer.stemWord(word)  # type: ignore[attr-defined]
    return out if len(out) >= _MIN_STEM else word


def terms(text: str, lang: str) -> list[str]:
    """Return the stems of the words of ``text`` written in ``lang``."""
    return [stem(w, lang) for w in tokens(text)]
