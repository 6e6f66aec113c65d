"""A BM25 index over entries with typo-tolerant term lookup, fast on large bases."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from rapidfuzz import fuzz, process

from bot.entry import Entry
from bot.matching.normalize import latin, tokens

# Field weights: a word in a title or keyword says more than one in an answer.
WEIGHTS = {"title": 3.0, "keywords": 3.0, "questions": 2.0, "answer": 1.0}
K1, B = 1.2, 0.75
# Only words this long are corrected: short words have too many neighbours.
FUZZY_MIN = 5
FUZZY_SCORE = 84.0
# Common function words of our Latin-script languages would otherwise make
# any text "found" a little; their idf is low anyway, this keeps it at zero.
_STOP_SHARE = 0.25


def entry_fields(entry: Entry) -> Iterable[tuple[str, str]]:
    """Yield ``(field, text)`` for every searchable text of an entry."""
    for text in entry.title.values():
        yield "title", text
    for words in entry.keywords.values():
        yield "keywords", " ".join(words)
    for qs in entry.questions.values():
        for q in qs:
            yield "questions", q
    for text in entry.answer.values():
        yield "answer", text


def entry_terms(entry: Entry) -> dict[str, float]:
    """Return an entry's terms with their field-weighted counts."""
    terms: dict[str, float] = {}
    for name, text in entry_fields(entry):
        for t in tokens(text):
            terms[t] = terms.get(t, 0.0) + WEIGHTS[name]
    return terms


@dataclass(frozen=True, slots=True)
class LexicalHits:
    """Per-entry BM25 scores and the share of the query's information found."""

    scores: np.ndarray  # shape (n_entries,)
    found: np.ndarray  # shape (n_entries,), 0..1
    known: float  # share of query information that exists anywhere in the base


class BM25Index:
    """Inverted index: term -> (entry rows, saturated weights)."""

    def __init__(self, entries: Sequence[Entry]) -> None:
        self._build([entry_terms(e) for e in entries])

    @classmethod
    def from_terms(cls, per_entry: Sequence[dict[str, float]]) -> BM25Index:
        """Build from weighted terms per entry (the benchmark reuses them across copies)."""
        index = cls.__new__(cls)
        index._build(per_entry)
        return index

    def _build(self, per_entry: Sequence[dict[str, float]]) -> None:
        self.size = len(per_entry)
        lengths = np.array([sum(t.values()) for t in per_entry] or [0.0])
        avg = float(lengths.mean()) or 1.0
        postings: dict[str, tuple[list[int], list[float]]] = {}
        for row, terms in enumerate(per_entry):
            norm = K1 * (1 - B + B * lengths[row] / avg)
            for term, tf in terms.items():
                rows, weights = postings.setdefault(term, ([], []))
                rows.append(row)
                weights.append(tf * (K1 + 1) / (tf + norm))
        n = max(self.size, 1)
        self.postings = {
            t: (np.array(r, dtype=np.int32), np.array(w, dtype=np.float32))
            for t, (r, w) in postings.items()
        }
        self.idf = {
            t: 0.0
            if len(r) > _STOP_SHARE * n and n >= 8
            else math.log(1 + (n - len(r) + 0.5) / (len(r) + 0.5))
            for t, (r, _w) in postings.items()
        }
        self.unseen_idf = math.log(1 + (n + 0.5) / 0.5)
        # Typos rarely hit the first letter; bucketing by it keeps correction
        # fast on a base with hundreds of thousands of terms.
        self._long_terms: dict[str, list[str]] = {}
        for t in self.postings:
            if len(t) >= FUZZY_MIN:
                self._long_terms.setdefault(t[0], []).append(t)
        self._correct = lru_cache(maxsize=4096)(self._nearest)

    def _nearest(self, word: str) -> str | None:
        bucket = self._long_terms.get(word[0])
        if not bucket:
            return None
        hit = process.extractOne(word, bucket, scorer=fuzz.ratio, score_cutoff=FUZZY_SCORE)
        return hit[0] if hit else None

    def resolve(self, word: str) -> str | None:
        """Return the base's term for ``word``: itself, its Latin spelling or a near spelling."""
        if word in self.postings:
            return word
        if len(word) < FUZZY_MIN:
            return None
        spelled = latin(word)
        if spelled != word and spelled in self.postings:
            return spelled
        return self._correct(spelled)

    def search(self, text: str) -> LexicalHits:
        """Score every entry against ``text``."""
        query = list(dict.fromkeys(tokens(text)))
        scores = np.zeros(self.size, dtype=np.float32)
        found = np.zeros(self.size, dtype=np.float32)
        total = known = 0.0
        for word in query:
            term = self.resolve(word)
            if term is None:
                total += self.unseen_idf
                continue
            idf = self.idf[term]
            total += idf
            known += idf
            if idf <= 0:
                continue
            rows, weights = self.postings[term]
            scores[rows] += idf * weights
            found[rows] += idf
        if total > 0:
            found /= total
        return LexicalHits(scores, found, known / total if total else 0.0)
