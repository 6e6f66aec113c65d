"""The lexical matcher: BM25 over folded, typo-tolerant words; the fallback without the model."""

from __future__ import annotations

import numpy as np

from bot.knowledge import Knowledge
from bot.matching.bm25 import BM25Index, unseen_idf
from bot.matching.decision import Decision
from bot.matching.signals import Reader

THRESHOLD = 0.45  # share of the message's information that one entry must contain
# Or this much rarity (idf) matched: one rare office word ("Belehrung") in a
# message otherwise written in a language the base does not have.
STRONG = 4.0
CLOSE = 0.85  # a runner-up this close to the best BM25 score makes it a clarify
CANDIDATES = 3


class LexicalMatcher:
    """Words in common, weighted by rarity: works in the languages the base is written in."""

    def __init__(self, knowledge: Knowledge) -> None:
        self.knowledge = knowledge
        self.reader = Reader(knowledge)
        self.index = BM25Index(knowledge.entries)

    def decide(self, text: str, region: str | None, language: str | None) -> Decision:
        """Decide by lexical overlap; see :class:`bot.matching.decision.Matcher`."""
        r = self.reader.read(text, region, language)
        lang, certain = r.language, r.certain
        if not r.words:
            return Decision("none", None, (), lang, 0.0, certain)
        if r.smalltalk:
            return Decision("smalltalk", None, (), lang, 1.0, certain, intent=r.smalltalk)
        if self.reader.intents.handover_spelling(text):
            return Decision("handover", None, (), lang, 1.0, certain)
        hits = self.index.search(r.content, lang)
        information = hits.query_mass + hits.unknown * unseen_idf(self.index.size)
        found = hits.mass / max(information, 1e-9)
        enough = (found >= THRESHOLD) | (hits.mass >= STRONG)
        rows = np.flatnonzero(self.reader.allowed(r.region) & (hits.scores > 0))
        ranked = rows[np.argsort(-hits.scores[rows], kind="stable")][:CANDIDATES]
        ids = tuple(self.knowledge.entries[i].id for i in ranked)
        if not len(ranked) or not enough[ranked[0]]:
            best = float(found[ranked[0]]) if len(ranked) else 0.0
            return Decision("none", None, ids, lang, best, certain)
        best_row = int(ranked[0])
        entry = self.knowledge.entries[best_row]
        score = float(found[best_row])
        if r.places.elsewhere and entry.region is not None:
            return Decision("none", None, ids, lang, score, certain)
        top = float(hits.scores[best_row])
        close = [int(i) for i in ranked[1:] if hits.scores[i] >= CLOSE * top and enough[i]]
        if close:
            chosen = tuple(self.knowledge.entries[i].id for i in (best_row, *close))
            return Decision("clarify", None, chosen, lang, score, certain)
        return Decision("answer", entry.id, ids, lang, score, certain)
