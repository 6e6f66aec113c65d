"""Dense retrieval: every passage's vector, scored against a query, best passage per entry."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from bot.matching.embedder import Embedder, Progress
from bot.matching.passages import Passage

# Keyword lists embed poorly (a bag of terms reads like any query); BM25 has them.
SCORED = ("title", "question", "answer")


@dataclass(frozen=True, slots=True)
class DenseHits:
    """Per-entry best passage score, above chance for that kind of passage."""

    scores: np.ndarray  # (n_entries,), cosine minus the kind's background
    cosine: np.ndarray  # (n_entries,), the raw cosine of that best passage


def background(vectors: np.ndarray, probes: np.ndarray) -> float:
    """Mean cosine between unrelated probe queries and ``vectors``: the kind's chance level."""
    if len(vectors) == 0 or len(probes) == 0:
        return 0.0
    return float((vectors @ probes.T).mean())


class DenseIndex:
    """Passage vectors by kind, grouped by entry, each kind with its chance level.

    Question-to-question cosines run higher than question-to-answer ones for
    any pair of texts; subtracting each kind's chance level (measured with
    probe texts that are about nothing in the base) puts them on one scale.
    An entry scores the mean over its kinds of its best passage of that kind:
    one lucky passage among dozens (twelve languages, long pages) must agree
    with the entry's title and questions to win.
    """

    def __init__(
        self,
        passages: Sequence[Passage],
        vectors: np.ndarray,
        n_entries: int,
        probes: np.ndarray,
    ) -> None:
        self.n_entries = n_entries
        self.kinds: list[_KindIndex] = []
        self.chance: dict[str, float] = {}
        for kind in SCORED:
            idx = sorted(
                (i for i, p in enumerate(passages) if p.kind == kind), key=lambda i: passages[i].row
            )
            if not idx:
                continue
            part = _KindIndex(
                np.array([passages[i].row for i in idx], dtype=np.int64),
                np.ascontiguousarray(vectors[idx], dtype=np.float32),
            )
            self.chance[kind] = background(part.vectors, probes)
            part.chance = self.chance[kind]
            self.kinds.append(part)

    @property
    def size(self) -> int:
        """Number of passage vectors."""
        return sum(len(k.rows) for k in self.kinds)

    @classmethod
    def build(
        cls,
        embedder: Embedder,
        passages: Sequence[Passage],
        n_entries: int,
        probes: np.ndarray,
        progress: Progress | None = None,
    ) -> DenseIndex:
        """Embed (or read from the cache) every scored passage and build the index."""
        passages = [p for p in passages if p.kind in SCORED]
        vectors = np.zeros((len(passages), probes.shape[1]), dtype=np.float32)
        for role in ("query", "passage"):
            idx = [i for i, p in enumerate(passages) if p.role == role]
            if idx:
                vectors[idx] = embedder.embed([passages[i].text for i in idx], role, progress)
        return cls(passages, vectors, n_entries, probes)

    def search(self, query: np.ndarray) -> DenseHits:
        """Score every entry by the mean over kinds of its best passage of each kind."""
        total = np.zeros(self.n_entries, dtype=np.float32)
        count = np.zeros(self.n_entries, dtype=np.float32)
        cosine = np.full(self.n_entries, -1.0, dtype=np.float32)
        for part in self.kinds:
            sims = part.vectors @ query
            best = np.maximum.reduceat(sims, part.starts)
            total[part.present] += best - part.chance
            count[part.present] += 1
            np.maximum.at(cosine, part.present, best)
        scores = np.where(count > 0, total / np.maximum(count, 1), -1.0).astype(np.float32)
        return DenseHits(scores, cosine)


class _KindIndex:
    """The passages of one kind: vectors sorted by entry row."""

    def __init__(self, rows: np.ndarray, vectors: np.ndarray) -> None:
        self.rows = rows
        self.vectors = vectors
        self.chance = 0.0
        self.present = np.unique(rows)
        self.starts = np.searchsorted(rows, self.present)
