"""What every matcher reads from a message before ranking: language, smalltalk, places, region."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from bot.knowledge import Knowledge
from bot.matching.intents import HANDOVER, OFFTOPIC, IntentModel
from bot.matching.keyboard import mashed
from bot.matching.language import Guess, LanguageIdentifier, supported
from bot.matching.normalize import tokens
from bot.matching.places import Mentions, PlaceFinder

# Without a chosen or recognisable language, the bot speaks German (it is the
# language every entry has) and asks the user to choose.
DEFAULT_LANGUAGE = "de"
# German title and keyword words this long are office words, not just German.
LOANWORD_MIN = 6
# Words this long from German titles, keywords and example questions are office
# words: a message of nothing else ("Ausländerbehörde Termin") tells no language.
OFFICE_WORD_MIN = 4


@dataclass(frozen=True, slots=True)
class Reading:
    """A message as the matcher sees it before any ranking."""

    text: str
    language: str
    certain: bool
    words: tuple[str, ...]
    smalltalk: str | None
    places: Mentions
    region: str | None  # the region to search: chosen, else the one named
    # What ranking sees: the words without place names (the region filter
    # handles places; "ساكن بغيسن" must not pull every Gießen entry up by
    # words), and the text to embed, without leading or trailing smalltalk.
    # The embedded text keeps its places: removing them cost 3 points of
    # top-1 on the dev set and 0.6 on Integreat (a sentence with a hole in
    # it reads worse than one that names a town).
    content: tuple[str, ...] = ()
    query: str = ""
    # The text itself reads as one of our languages (whatever was chosen):
    # "asdf" or "qwrtzp vbnm" do not, and never get a question back.
    recognised: bool = True


class Reader:
    """Turns raw text into a :class:`Reading`; shared by the lexical and the hybrid matcher."""

    def __init__(self, knowledge: Knowledge) -> None:
        self.knowledge = knowledge
        self.intents = IntentModel(knowledge.intents)
        hints: dict[str, list[str]] = {}
        for by_lang in knowledge.intents.values():
            for lang, texts in by_lang.items():
                if supported(lang):
                    hints.setdefault(lang, []).extend(texts)
        loanwords = {
            t
            for e in knowledge.entries
            for t in tokens(" ".join([e.title.get("de", ""), *e.keywords.get("de", ())]))
            if len(t) >= LOANWORD_MIN
        }
        self.languages = LanguageIdentifier(hints, loanwords)
        self.office_words = frozenset(
            t
            for e in knowledge.entries
            for text in (
                e.title.get("de", ""),
                *e.keywords.get("de", ()),
                *e.questions.get("de", ()),
            )
            for t in tokens(text)
            if len(t) >= OFFICE_WORD_MIN and t.isascii() and not t.isdigit()
        )
        self.places = PlaceFinder(knowledge.regions)
        # Regions as small integers (0: valid everywhere): comparing 100k
        # Python strings per message took milliseconds.
        names = sorted({e.region for e in knowledge.entries if e.region})
        self._region_code = {name: i + 1 for i, name in enumerate(names)}
        self.entry_regions = np.array(
            [self._region_code.get(e.region or "", 0) for e in knowledge.entries], dtype=np.int32
        )

    def read(self, text: str, region: str | None, language: str | None) -> Reading:
        """Read one message."""
        own = self.languages.identify(text)
        guess = Guess(language, True) if language and supported(language) else own
        text = personal(text)
        mentions = self.places.find(text)
        target = region
        if target is None and len(mentions.regions) == 1:
            target = next(iter(mentions.regions))
        words = tokens(text)
        certain = guess.certain
        if certain and not (language and supported(language)):
            certain = not self._only_office_words(words, mentions.positions)
        content = tuple(w for i, w in enumerate(words) if i not in mentions.positions)
        query = self.intents.strip_smalltalk(text)
        return Reading(
            text=text,
            language=guess.language or DEFAULT_LANGUAGE,
            certain=certain,
            words=tuple(words),
            smalltalk=self.intents.smalltalk(text),
            places=mentions,
            region=target,
            content=content or tuple(words),
            query=query,
            # Letters alone make "ывапролд" Russian; a keyboard run is no language.
            recognised=own.certain and not mashed(words),
        )

    def _only_office_words(self, words: list[str], places: frozenset[int]) -> bool:
        # "Ausländerbehörde Termin" or "Jobcenter Gießen" is German to any
        # newcomer: switching a Ukrainian user to German on it would be wrong.
        rest = [w for i, w in enumerate(words) if i not in places and not w.isdigit()]
        return all(w in self.office_words for w in rest)

    def allowed(self, region: str | None) -> np.ndarray:
        """Mask of entries valid in ``region`` (entries without a region are valid everywhere)."""
        if region is None:
            return np.ones(len(self.entry_regions), dtype=bool)
        code = self._region_code.get(region, -1)
        return (self.entry_regions == 0) | (self.entry_regions == code)


_PERSONAL = re.compile(
    r"\S+@\S+|https?://\S+|www\.\S+|\+?\d[\d /().-]{5,}\d",
)


def personal(text: str) -> str:
    """Blank out e-mail addresses, links and phone numbers: they say nothing about the topic."""
    return _PERSONAL.sub(" ", text)


__all__ = ["HANDOVER", "OFFTOPIC", "Reader", "Reading", "personal"]
