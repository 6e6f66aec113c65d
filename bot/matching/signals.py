"""What every matcher reads from a message before ranking: language, smalltalk, places, region."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bot.knowledge import Knowledge
from bot.matching.intents import HANDOVER, OFFTOPIC, IntentModel
from bot.matching.language import Guess, LanguageIdentifier, supported
from bot.matching.normalize import tokens
from bot.matching.places import Mentions, PlaceFinder

# Without a chosen or recognisable language, the bot speaks German (it is the
# language every entry has) and asks the user to choose.
DEFAULT_LANGUAGE = "de"
# German title and keyword words this long are office words, not just German.
LOANWORD_MIN = 6


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
        self.places = PlaceFinder(knowledge.regions)
        self.entry_regions = np.array([e.region or "" for e in knowledge.entries], dtype=object)

    def read(self, text: str, region: str | None, language: str | None) -> Reading:
        """Read one message."""
        if language and supported(language):
            guess = Guess(language, True)
        else:
            guess = self.languages.identify(text)
        mentions = self.places.find(text)
        target = region
        if target is None and len(mentions.regions) == 1:
            target = next(iter(mentions.regions))
        return Reading(
            text=text,
            language=guess.language or DEFAULT_LANGUAGE,
            certain=guess.certain,
            words=tuple(tokens(text)),
            smalltalk=self.intents.smalltalk(text),
            places=mentions,
            region=target,
        )

    def allowed(self, region: str | None) -> np.ndarray:
        """Mask of entries valid in ``region`` (entries without a region are valid everywhere)."""
        if region is None:
            return np.ones(len(self.entry_regions), dtype=bool)
        return (self.entry_regions == "") | (self.entry_regions == region)


__all__ = ["HANDOVER", "OFFTOPIC", "Reader", "Reading"]
