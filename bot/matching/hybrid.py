"""The main matcher: e5 meaning and BM25 words on one scale, with an honest abstention model."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from bot.knowledge import Knowledge
from bot.matching.bm25 import BM25Index, LexicalHits
from bot.matching.decision import Decision
from bot.matching.embedder import Embedder, Progress
from bot.matching.intents import HANDOVER, NOT_SMALLTALK, OFFTOPIC
from bot.matching.passages import base_passages
from bot.matching.semantic import DenseIndex
from bot.matching.signals import Reader, Reading
from bot.matching.verdict import (
    ANSWER_P,
    CLARIFY_P,
    QUESTION_P,
    Evidence,
    kind_probabilities,
    right_probability,
)

# How an entry's evidence adds up (see `bench/calibrate.py` for how these were
# fitted: on the knowledge bases' own example questions, each held out in
# turn, never on dev or test questions). An entry's score is its best answer
# chunk's cosine above chance, plus these shares of its best title and best
# example question, plus BM25 times LEXICAL / ln(entries): a rare German word
# matched (Belehrung, Fiktionsbescheinigung) counts whatever else the message
# says. Dividing by ln(entries), the largest idf a base can give, keeps words
# on one scale in small and large bases (measured: 64 entries wanted 0.007,
# 494 pages 0.004).
W_TITLE = 0.3
W_QUESTION = 0.3
LEXICAL = 0.03
WEIGHTS = {"answer": 1.0, "title": W_TITLE, "question": W_QUESTION}
# Entries the lexical side proposes that the dense shortlist must score too.
LEXICAL_SHORTLIST = 16
# Smalltalk is short: a long message with a greeting in it is a question.
SMALLTALK_MAX_WORDS = 8
# An intent also needs one of its examples this close (above-chance cosine):
# the kind model weighs evidence against each other, and in a base where
# nothing is close, the least far must not win by default. Set below the
# tenth percentile of held-out examples of each kind (bench/calibrate.py).
HANDOVER_MIN = 0.10
SMALLTALK_MIN = 0.07
CANDIDATES = 3


@dataclass(frozen=True, slots=True)
class Analysis:
    """Everything the decision is made from, for the benchmark and for tests."""

    reading: Reading
    ranked: tuple[int, ...]  # entry rows, best first, region-filtered
    score: np.ndarray  # (n_entries,) combined evidence; -inf outside the region
    meaning: np.ndarray  # (n_entries,) the dense part of the score alone
    dense: np.ndarray  # (n_entries,) best passage of any kind, above chance
    kinds: dict[str, np.ndarray]  # per kind, each entry's best passage above chance
    lexical: LexicalHits
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
        self.lexical_weight = LEXICAL / math.log(max(len(knowledge.entries), 2) + 1)

    def analyse(self, text: str, region: str | None, language: str | None) -> Analysis:
        """Read, retrieve and combine, without deciding."""
        reading = self.reader.read(text, region, language)
        query = self.lexical.spelled_out(reading.query, reading.language)
        return self.analyse_reading(reading, self.embedder.query(query))

    def analyse_reading(self, reading: Reading, vector: np.ndarray) -> Analysis:
        """Retrieve and combine for a reading whose query is already embedded."""
        allowed = self.reader.allowed(reading.region)
        hits = self.lexical.search(reading.content, reading.language)
        lex = np.where(allowed, hits.scores, 0.0)
        k = min(LEXICAL_SHORTLIST, len(lex) - 1)
        top_lex = np.argpartition(-lex, k)[: k + 1] if len(lex) > 1 else np.arange(len(lex))
        dense = self.dense.search(vector, WEIGHTS, allowed, top_lex[lex[top_lex] > 0])
        total = np.zeros(self.dense.n_entries, dtype=np.float32)
        best = np.full(self.dense.n_entries, -1.0, dtype=np.float32)
        for kind, values in dense.kinds.items():
            present = np.nan_to_num(values, nan=0.0)
            total += WEIGHTS[kind] * present
            best = np.fmax(best, values)
        inside = allowed & dense.exact
        meaning = np.where(inside, total, -np.inf).astype(np.float32)
        words = self.lexical_weight * hits.scores
        score = np.where(inside, total + words, -np.inf).astype(np.float32)
        rows = np.flatnonzero(np.isfinite(score))
        top = rows[np.argsort(-score[rows], kind="stable")][: max(CANDIDATES, 5)]
        sims = self.intent_vectors @ vector - self.intent_chance
        intents = self.reader.intents.nearest(sims)
        ranked = tuple(int(r) for r in top)
        return Analysis(reading, ranked, score, meaning, best, dense.kinds, hits, intents)

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
        if not a.ranked:
            return make("none", 0.0)
        best = a.ranked[0]
        entry = self.knowledge.entries[best]
        evidence = self.evidence(a)
        kinds = kind_probabilities(evidence)
        kind = max(kinds, key=kinds.__getitem__)
        talk = max(
            ((v, k) for k, v in a.intents.items() if k not in NOT_SMALLTALK),
            default=(0.0, "greeting"),
        )
        if kind == "handover" and evidence.handover >= HANDOVER_MIN:
            return make("handover", kinds[kind])
        if (
            kind == "smalltalk"
            # Gibberish sits near short greetings in vector space; smalltalk
            # that no greeting word confirms needs text in a known language.
            and r.recognised
            and len(r.words) <= SMALLTALK_MAX_WORDS
            and evidence.smalltalk >= SMALLTALK_MIN
        ):
            return make("smalltalk", kinds[kind], intent=talk[1])
        if kinds["question"] < QUESTION_P:
            return make("none", kinds["question"], cands=ids)
        if r.places.elsewhere and entry.region is not None:
            # The message is about a place the base does not cover.
            return make("none", evidence.best, cands=ids)
        right = right_probability(evidence)
        if right >= ANSWER_P:
            return Decision("answer", entry.id, ids, lang, right, certain)
        # A question back needs something to go on: text in a recognisable
        # language, or a word the base knows ("Ausländerbehörde" alone).
        if right >= CLARIFY_P and (r.recognised or evidence.mass > 0):
            return make("clarify", right, cands=ids)
        return make("none", right, cands=ids)

    def evidence(self, a: Analysis) -> Evidence:
        """The numbers the decision model reads from an analysis."""
        best = a.ranked[0]
        second = float(a.score[a.ranked[1]]) if len(a.ranked) > 1 else float(a.score[best]) - 1
        others = np.delete(a.meaning, best)
        rival = float(others.max()) if len(others) else -1.0
        words = np.where(np.isfinite(a.score), a.lexical.scores, -1.0)
        return Evidence(
            best=float(a.score[best]),
            lead=float(a.score[best]) - second,
            cosine=float(a.dense[best]),
            handover=a.intents.get(HANDOVER, -1.0),
            offtopic=a.intents.get(OFFTOPIC, -1.0),
            smalltalk=max(
                (v for k, v in a.intents.items() if k not in NOT_SMALLTALK), default=-1.0
            ),
            mass=float(a.lexical.mass[best]),
            cross=a.reading.language not in self.knowledge.entries[best].answer,
            meaning_agrees=float(a.meaning[best]) >= rival,
            words_agree=bool(words[best] > 0 and words[best] >= words.max()),
            meaning_lead=float(a.meaning[best]) - rival,
        )
