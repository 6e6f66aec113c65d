"""Language identification for short messages: Unicode-script rules, then py3langid."""

from __future__ import annotations

import threading
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from bot.languages import LANGUAGES
from bot.matching.normalize import tokens

# Letters that only one of our languages uses within its script.
_PASHTO = set("ټډړښږځڅګڼېۍ")
_UKRAINIAN = set("іїєґ")
_RUSSIAN = set("ыэъё")
_TURKISH = set("ığİ")
_KURMANJI = set("êîû")
# py3langid has no Tigrinya; Ethiopic script decides it (Amharic is not ours).
_SCRIPT_LANGS = {
    "ARABIC": ("ar", "fa", "ps"),
    "CYRILLIC": ("uk", "ru"),
    "LATIN": ("de", "en", "tr", "ku", "so", "fr"),
}
# Letters in a non-Latin script that decide the script (one short word's worth).
_FOREIGN_LETTERS = 3
# With German office words left out, this many words still tell the language.
_MIN_REST = 3
# A guess this sure, from this many words, is taken without asking.
SURE = 0.9
SURE_LONG = 0.6
LONG_WORDS = 3


@dataclass(frozen=True, slots=True)
class Guess:
    """The language of a text and whether it was clear enough to act on."""

    language: str | None
    certain: bool
    scores: tuple[tuple[str, float], ...] = ()


def _script(ch: str) -> str | None:
    if not ch.isalpha():
        return None
    try:
        name = unicodedata.name(ch)
    except ValueError:
        return None
    return name.split(" ", 1)[0]


def scripts(text: str) -> Counter[str]:
    """Count letters per Unicode script (ARABIC, CYRILLIC, LATIN, ETHIOPIC, ...)."""
    return Counter(s for s in map(_script, text) if s)


class LanguageIdentifier:
    """Tells which of Lotse's languages a message is in.

    ``hints`` maps language to known words (from intent examples): on one- or
    two-word messages a word list beats character statistics.
    """

    def __init__(
        self,
        hints: Mapping[str, Iterable[str]] | None = None,
        loanwords: Iterable[str] = (),
    ) -> None:
        from py3langid.langid import MODEL_FILE
        from py3langid.langid import LanguageIdentifier as _Langid

        self._models: dict[tuple[str, ...], _Langid] = {}
        base = _Langid.from_model_file(MODEL_FILE, norm_probs=True)
        full_ptc, full_pc, classes = base._full_model
        for langs in _SCRIPT_LANGS.values():
            # One copy of the ~90 MB tables, shared: loading the model per
            # script kept four (300 MB). Restricting copies only our columns.
            model = _Langid(
                full_ptc,
                full_pc,
                classes,
                base.tk_nextmove,
                base.tk_output,
                norm_probs=True,
                tk_row=base.tk_row,
            )
            model.set_languages(list(langs))
            model._full_model = (model.nb_ptc, model.nb_pc, model.nb_classes)
            self._models[langs] = model
        del base, full_ptc, full_pc
        # The model keeps no per-call state, but set_languages swaps arrays:
        # guard anyway so worker threads never see a half-set model.
        self._lock = threading.Lock()
        # German office words ("Jobcenter", "Duldung") inside Turkish or
        # Somali text pull n-gram statistics towards German.
        self._loanwords = frozenset(loanwords)
        self._hints: dict[str, set[str]] = {}
        for lang, words in (hints or {}).items():
            for word in words:
                for token in tokens(word):
                    self._hints.setdefault(token, set()).add(lang)

    def _hinted(self, words: list[str], allowed: tuple[str, ...]) -> dict[str, float]:
        votes: dict[str, float] = {}
        for word in words:
            langs = self._hints.get(word, set()) & set(allowed)
            for lang in langs:
                votes[lang] = votes.get(lang, 0.0) + 1.0 / len(langs)
        return votes

    def identify(self, text: str) -> Guess:
        """Guess the language of ``text``; ``certain`` is False when too short to tell."""
        counts = scripts(text)
        if not counts:
            return Guess(None, False)
        script = counts.most_common(1)[0][0]
        others = [(n, s) for s, n in counts.items() if s != "LATIN"]
        if script == "LATIN" and others and max(others)[0] >= _FOREIGN_LETTERS:
            # German office words are written in Latin letters inside Arabic,
            # Cyrillic or Ethiopic text; the other script tells the language.
            script = max(others)[1]
        letters = set(text.lower())
        if script == "ETHIOPIC":
            return Guess("ti", True, (("ti", 1.0),))
        allowed = _SCRIPT_LANGS.get(script)
        if allowed is None:
            return Guess(None, False)
        words = tokens(text)
        if script == "ARABIC" and letters & _PASHTO:
            return Guess("ps", True, (("ps", 1.0),))
        if script == "CYRILLIC":
            uk, ru = bool(letters & _UKRAINIAN), bool(letters & _RUSSIAN)
            if uk != ru:
                lang = "uk" if uk else "ru"
                return Guess(lang, True, ((lang, 1.0),))
        sample = text
        if script == "LATIN" and self._loanwords:
            rest = [w for w in text.split() if not set(tokens(w)) & self._loanwords]
            if len(rest) >= _MIN_REST and len(rest) < len(text.split()):
                sample = " ".join(rest)
        with self._lock:
            ranked = self._models[allowed].rank(sample)
        scores = dict(ranked)
        if script == "LATIN":
            # Dotless i and soft g are Turkish only; ê î û are Kurmanji, not Turkish.
            if letters & _TURKISH:
                scores["tr"] = scores.get("tr", 0.0) + 0.5
            if letters & _KURMANJI:
                scores["ku"] = scores.get("ku", 0.0) + 0.5
        votes = self._hinted(words, allowed)
        if votes:
            # Known words outweigh n-gram statistics when the text is a word or two.
            weight = 1.0 / max(len(words), 1)
            for lang, vote in votes.items():
                scores[lang] = scores.get(lang, 0.0) + weight * vote
        total = sum(scores.values()) or 1.0
        best = sorted(((v / total, k) for k, v in scores.items()), reverse=True)
        conf, lang = best[0]
        certain = conf >= SURE or (len(words) >= LONG_WORDS and conf >= SURE_LONG)
        ranked_votes = sorted(votes.values(), reverse=True)
        if ranked_votes and votes.get(lang) == ranked_votes[0]:
            # A word only one language uses ("merhaba") settles it; a word
            # several share ("ok") does not.
            certain = certain or len(ranked_votes) == 1 or ranked_votes[0] > ranked_votes[1]
        return Guess(lang, certain, tuple((k, round(v, 4)) for v, k in best[:3]))


def supported(code: str | None) -> bool:
    """Tell whether ``code`` is one of Lotse's languages."""
    return code in LANGUAGES
