"""The main matcher: e5 meaning and BM25 words, fused by rank, with an honest abstention model."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bot.knowledge import Knowledge
from bot.matching.bm25 import BM25Index
from bot.matching.decision import Decision
from bot.matching.embedder import Embedder, Progress
from bot.matching.intents import HANDOVER, NOT_SMALLTALK, OFFTOPIC
from bot.matching.passages import base_passages
from bot.matching.semantic import DenseIndex
from bot.matching.signals import Reader, Reading

# Reciprocal-rank fusion: ranks, not scores, are added, because a cosine and
# a BM25 score live on different scales (adding them drowned cross-language
# matches, where BM25 finds nothing, in lexical noise). The lexical vote
# counts by the share of the message's words it found, so a single shared
# word does not reorder the dense ranking.
RRF_K = 20.0
LEXICAL_WEIGHT = 1.0
LEXICAL_MIN_FOUND = 0.1
# The decision constants below were calibrated together on one half of the
# dev questions (a fixed split by text hash; `bench/calibrate.py`) for a
# utility that costs a wrong answer twice what a right one gains, and checked
# on the other half.
# Above-chance cosine (see DenseIndex) an entry needs to be answered.
ANSWER_MIN = 0.06
# Across languages (the entry has no text in the message's language) cosines
# run lower; the dev fixture, translated into every language, cannot show by
# how much, so this floor comes from the purpose-built German/English test
# base, not from dev lines. The off-topic examples still guard it.
CROSS_ANSWER_MIN = 0.03
# Share of the message's information found in one entry's words that makes
# it answerable on words alone (a German office word inside any language).
LEXICAL_ANSWER = 0.6
# An intent wins over the best entry by this much above-chance cosine.
HANDOVER_MIN = 0.12
HANDOVER_MARGIN = 0.02
OFFTOPIC_MARGIN = 0.02
SMALLTALK_MIN = 0.09
SMALLTALK_MARGIN = 0.0
SMALLTALK_MAX_WORDS = 8
# A runner-up this close to the best makes it a clarify: within CLARIFY_GAP
# above-chance cosine, or within CLARIFY_RATIO of the fused score (when the
# two rankings disagree, the fused scores of the top two are close).
CLARIFY_GAP = 0.01
CLARIFY_RATIO = 0.8
CANDIDATES = 3


@dataclass(frozen=True, slots=True)
class Analysis:
    """Everything the decision is made from, for the benchmark and for tests."""

    reading: Reading
    ranked: tuple[int, ...]  # entry rows, best first (fused), region-filtered
    dense: np.ndarray
    found: np.ndarray
    fused: np.ndarray
    intents: dict[str, float]  # above-chance cosine per intent


class HybridMatcher:
    """Decides with meaning (e5) and words (BM25); see the module constants for the model."""

    def __init__(
        self,
        knowledge: Knowledge,
        embedder: Embedder,
        progress: Progress | None = None,
        *,
        lexical: BM25Index | None = None,
        dense: DenseIndex | None = None,
    ) -> None:
        self.knowledge = knowledge
        self.embedder = embedder
        self.reader = Reader(knowledge)
        self.lexical = lexical or BM25Index(knowledge.entries)
        examples = self.reader.intents.examples
        self.intent_vectors = embedder.embed(list(examples.texts), "query")
        self.dense = dense or DenseIndex.build(
            embedder,
            base_passages(knowledge.entries),
            len(knowledge.entries),
            self.intent_vectors,
            progress,
        )
        self.intent_chance = self.dense.chance.get("title", 0.0)

    def analyse(self, text: str, region: str | None, language: str | None) -> Analysis:
        """Read, retrieve and fuse, without deciding."""
        reading = self.reader.read(text, region, language)
        query = self.reader.intents.strip_smalltalk(text)
        vector = self.embedder.query(query)
        dense = self.dense.search(vector).scores
        hits = self.lexical.search(query)
        found = hits.found
        allowed = self.reader.allowed(reading.region)
        rows = np.flatnonzero(allowed)
        fused = np.zeros(len(dense), dtype=np.float64)
        if len(rows):
            d_order = rows[np.argsort(-dense[rows], kind="stable")]
            fused[d_order] += 1.0 / (RRF_K + np.arange(1, len(d_order) + 1))
            lex_rows = rows[found[rows] >= LEXICAL_MIN_FOUND]
            l_order = lex_rows[np.argsort(-hits.scores[lex_rows], kind="stable")]
            fused[l_order] += (
                LEXICAL_WEIGHT * found[l_order] / (RRF_K + np.arange(1, len(l_order) + 1))
            )
        top = rows[np.argsort(-fused[rows], kind="stable")][: max(CANDIDATES, 5)]
        sims = self.intent_vectors @ vector - self.intent_chance
        intents = self.reader.intents.nearest(sims)
        return Analysis(reading, tuple(int(r) for r in top), dense, found, fused, intents)

    def decide(self, text: str, region: str | None, language: str | None) -> Decision:
        """Decide what to do with a message; safe to call from a worker thread."""
        return self.judge(self.analyse(text, region, language))

    def judge(self, a: Analysis) -> Decision:
        """Turn an analysis into a decision."""
        r = a.reading
        lang, certain = r.language, r.certain
        ids = tuple(self.knowledge.entries[i].id for i in a.ranked[:CANDIDATES])

        def make(action: str, score: float, **kw: object) -> Decision:
            return Decision(action, None, kw.pop("cands", ()), lang, score, certain, **kw)  # type: ignore[arg-type]

        if not r.words:
            return make("none", 0.0)
        if r.smalltalk:
            return make("smalltalk", 1.0, intent=r.smalltalk)
        best = a.ranked[0] if a.ranked else None
        d1 = float(a.dense[best]) if best is not None else -1.0
        f1 = float(a.found[best]) if best is not None else 0.0
        handover = a.intents.get(HANDOVER, -1.0)
        offtopic = a.intents.get(OFFTOPIC, -1.0)
        talk = max(
            ((v, k) for k, v in a.intents.items() if k not in NOT_SMALLTALK),
            default=(-1.0, ""),
        )
        strong_words = f1 >= LEXICAL_ANSWER
        if handover >= HANDOVER_MIN and handover > d1 + HANDOVER_MARGIN and not strong_words:
            return make("handover", handover)
        if (
            len(r.words) <= SMALLTALK_MAX_WORDS
            and talk[0] >= SMALLTALK_MIN
            and talk[0] > max(d1, handover, offtopic) + SMALLTALK_MARGIN
            and not strong_words
        ):
            return make("smalltalk", talk[0], intent=talk[1])
        if best is None or (offtopic > d1 + OFFTOPIC_MARGIN and not strong_words):
            return make("none", max(offtopic, 0.0), cands=ids)
        entry = self.knowledge.entries[best]
        # Gibberish has no certain language: it never gets the lower floor.
        cross = certain and lang not in entry.answer
        floor = CROSS_ANSWER_MIN if cross else ANSWER_MIN
        if d1 < floor and not strong_words:
            return make("none", d1, cands=ids)
        if r.places.elsewhere and entry.region is not None:
            # The message is about a place the base does not cover.
            return make("none", d1, cands=ids)
        close = [
            i
            for i in a.ranked[1:CANDIDATES]
            if float(a.dense[i]) >= d1 - CLARIFY_GAP
            and float(a.fused[i]) >= CLARIFY_RATIO * float(a.fused[best])
        ]
        if close:
            chosen = (best, *close)
            return make("clarify", d1, cands=tuple(self.knowledge.entries[i].id for i in chosen))
        return Decision("answer", entry.id, ids, lang, d1, certain)
