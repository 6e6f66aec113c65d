"""A plain lexical matcher: BM25 over folded words of titles, keywords, questions and answers."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from bot.entry import Entry
from bot.knowledge import Knowledge
from bot.matching.decision import Decision
from bot.matching.normalize import fold, tokens

# Field weights: a word in a title or keyword says more than one in an answer.
WEIGHTS = {"title": 3.0, "keywords": 3.0, "questions": 2.0, "answer": 1.0}
K1, B = 1.2, 0.75
THRESHOLD = 0.45  # share of the query's information that must be found
CLOSE = 0.85  # a runner-up this close to the best makes the decision a clarify


@dataclass(frozen=True, slots=True)
class _Doc:
    entry: Entry
    terms: dict[str, float]
    length: float


def _entry_terms(entry: Entry) -> dict[str, float]:
    terms: dict[str, float] = {}
    for lang_text in entry.title.values():
        for t in tokens(lang_text):
            terms[t] = terms.get(t, 0.0) + WEIGHTS["title"]
    for words in entry.keywords.values():
        for t in tokens(" ".join(words)):
            terms[t] = terms.get(t, 0.0) + WEIGHTS["keywords"]
    for qs in entry.questions.values():
        for t in tokens(" ".join(qs)):
            terms[t] = terms.get(t, 0.0) + WEIGHTS["questions"]
    for text in entry.answer.values():
        for t in tokens(text):
            terms[t] = terms.get(t, 0.0) + WEIGHTS["answer"]
    return terms


class LexicalMatcher:
    """The first, honest matcher: words in common, weighted by rarity."""

    def __init__(self, knowledge: Knowledge) -> None:
        self.knowledge = knowledge
        self.docs = [
            _Doc(e, t, sum(t.values())) for e in knowledge.entries for t in [_entry_terms(e)]
        ]
        self.avg_length = sum(d.length for d in self.docs) / max(len(self.docs), 1)
        df: Counter[str] = Counter()
        for d in self.docs:
            df.update(d.terms.keys())
        n = len(self.docs)
        self.idf = {t: math.log(1 + (n - c + 0.5) / (c + 0.5)) for t, c in df.items()}
        self.unseen_idf = math.log(1 + (n + 0.5) / 0.5)
        self.intents = {
            name: {fold(p) for phrases in by_lang.values() for p in phrases}
            for name, by_lang in knowledge.intents.items()
        }

    def _intent(self, text: str) -> str | None:
        folded = " ".join(tokens(text))
        for name, phrases in self.intents.items():
            if folded in phrases or any(" ".join(tokens(p)) == folded for p in phrases):
                return name
        return None

    def _score(self, doc: _Doc, query: list[str]) -> tuple[float, float]:
        score = found = 0.0
        for term in query:
            tf = doc.terms.get(term, 0.0)
            if not tf:
                continue
            idf = self.idf[term]
            norm = tf * (K1 + 1) / (tf + K1 * (1 - B + B * doc.length / self.avg_length))
            score += idf * norm
            found += idf
        return score, found

    def decide(self, text: str, region: str | None, language: str | None) -> Decision:
        """Decide by lexical overlap; see :class:`bot.matching.decision.Matcher`."""
        # This matcher cannot tell languages apart: without a chosen language
        # it says so, and the conversation keeps the language it knows.
        lang = language or "de"
        certain = language is not None
        intent = self._intent(text)
        if intent == "handover":
            return Decision("handover", None, (), lang, 1.0, certain)
        if intent is not None:
            return Decision("smalltalk", None, (), lang, 1.0, certain, intent=intent)
        query = list(dict.fromkeys(tokens(text)))
        if not query:
            return Decision("none", None, (), lang, 0.0, certain)
        total = sum(self.idf.get(t, self.unseen_idf) for t in query)
        ranked = []
        for doc in self.docs:
            if region and doc.entry.region not in (None, region):
                continue
            score, found = self._score(doc, query)
            if score > 0:
                ranked.append((score, found / total, doc.entry.id))
        ranked.sort(reverse=True)
        if not ranked or ranked[0][1] < THRESHOLD:
            top = tuple(r[2] for r in ranked[:3])
            return Decision("none", None, top, lang, ranked[0][1] if ranked else 0.0, certain)
        best = ranked[0]
        close = [r for r in ranked[1:3] if r[0] >= CLOSE * best[0] and r[1] >= THRESHOLD]
        if close:
            ids = (best[2], *(r[2] for r in close))
            return Decision("clarify", None, ids, lang, best[1], certain)
        return Decision("answer", best[2], tuple(r[2] for r in ranked[:3]), lang, best[1], certain)
