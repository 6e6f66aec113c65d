"""Messages that are not questions: asking for a person, smalltalk, and off-topic, from examples."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz

from bot.matching.normalize import tokens

HANDOVER = "handover"
OFFTOPIC = "offtopic"
# Intents that are neither of those are smalltalk kinds (greeting, thanks and bye).
NOT_SMALLTALK = frozenset({HANDOVER, OFFTOPIC})
# A word this close in spelling to a smalltalk word counts as it ("tanks", "danje").
_WORD_FUZZ = 80.0
# Whole-message closeness to a person-request example, for the lexical path.
_HANDOVER_FUZZ = 78.0


@dataclass(frozen=True, slots=True)
class Examples:
    """All intent examples, flat, with their intent and language."""

    texts: tuple[str, ...]
    intents: tuple[str, ...]
    languages: tuple[str, ...]


def examples(intents: Mapping[str, Mapping[str, tuple[str, ...]]]) -> Examples:
    """Flatten the knowledge's intents section."""
    rows = [
        (text, name, lang)
        for name, by_lang in intents.items()
        for lang, texts in by_lang.items()
        for text in texts
    ]
    return Examples(tuple(r[0] for r in rows), tuple(r[1] for r in rows), tuple(r[2] for r in rows))


class IntentModel:
    """Finds smalltalk by its words and person requests by spelling; meaning comes from vectors."""

    def __init__(self, intents: Mapping[str, Mapping[str, tuple[str, ...]]]) -> None:
        self.examples = examples(intents)
        self._phrases: list[tuple[tuple[str, ...], str]] = []
        self._vocab: set[str] = set()
        self._handover: list[str] = []
        for text, name in zip(self.examples.texts, self.examples.intents, strict=True):
            words = tuple(tokens(text))
            if not words:
                continue
            if name == HANDOVER:
                self._handover.append(" ".join(words))
            elif name not in NOT_SMALLTALK:
                self._phrases.append((words, name))
                self._vocab.update(words)
        # Longest phrases first: "thank you very much" before "thank you".
        self._phrases.sort(key=lambda p: -len(p[0]))
        self._long_vocab = [w for w in self._vocab if len(w) >= 4]

    def _known(self, word: str) -> bool:
        if word in self._vocab:
            return True
        if len(word) < 4:
            return False
        return any(fuzz.ratio(word, v) >= _WORD_FUZZ for v in self._long_vocab)

    def smalltalk(self, text: str) -> str | None:
        """Return the smalltalk kind if the whole message is greetings, thanks or goodbyes."""
        words = tokens(text)
        if not words or not all(self._known(w) for w in words):
            return None
        joined = f" {' '.join(words)} "
        for phrase, name in self._phrases:
            if f" {' '.join(phrase)} " in joined:
                return name
        # Every word is a smalltalk word though no whole phrase matched
        # ("tanks a lot"): take the kind most of its words come from.
        votes: dict[str, int] = {}
        for phrase, name in self._phrases:
            votes[name] = votes.get(name, 0) + sum(1 for w in words if w in phrase)
        best = max(votes.items(), key=lambda kv: kv[1], default=None)
        return best[0] if best and best[1] > 0 else None

    def handover_spelling(self, text: str) -> bool:
        """Tell whether the message is spelled almost like a person-request example."""
        folded = " ".join(tokens(text))
        return bool(folded) and any(
            fuzz.ratio(folded, example) >= _HANDOVER_FUZZ for example in self._handover
        )

    def strip_smalltalk(self, text: str) -> str:
        """Remove leading or trailing smalltalk words so a question keeps its own words."""
        words = text.split()
        while words and all(self._known(t) for t in tokens(words[0]) or ["x"]):
            words.pop(0)
        while words and all(self._known(t) for t in tokens(words[-1]) or ["x"]):
            words.pop()
        return " ".join(words) or text

    def nearest(self, sims: np.ndarray) -> dict[str, float]:
        """Best cosine per intent, given cosines to every example (in example order)."""
        best: dict[str, float] = {}
        for name, sim in zip(self.examples.intents, sims.tolist(), strict=True):
            if sim > best.get(name, -1.0):
                best[name] = sim
        return best
