"""Dense retrieval: every passage's vector, scored against a query, best passage per entry."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from bot.matching.embedder import Embedder, Progress
from bot.matching.passages import KINDS, Passage


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
    """Passage vectors grouped by entry, with a chance level per passage kind.

    Question-to-question cosines run higher than question-to-answer ones for
    any pair of texts; subtracting each kind's chance level (measured with
    probe texts that are about nothing in the base) puts them on one scale.
    """

    def __init__(
        self,
        passages: Sequence[Passage],
        vectors: np.ndarray,
        n_entries: int,
        probes: np.ndarray,
    ) -> None:
        order = sorted(range(len(passages)), key=lambda i: passages[i].row)
        self.rows = np.array([passages[i].row for i in order], dtype=np.int64)
        self.vectors = np.ascontiguousarray(vectors[order], dtype=np.float32)
        kinds = np.array([KINDS.index(passages[i].kind) for i in order], dtype=np.int64)
        self.chance = {
            kind: background(self.vectors[kinds == k], probes) for k, kind in enumerate(KINDS)
        }
        self.offset = np.array([self.chance[KINDS[k]] for k in kinds], dtype=np.float32)
        self.n_entries = n_entries
        # reduceat needs each entry's first passage; entries without any
        # passage (impossible for valid entries) would break it, so map them.
        self.has = np.zeros(n_entries, dtype=bool)
        self.has[self.rows] = True
        present = np.flatnonzero(self.has)
        self.starts = np.searchsorted(self.rows, present)
        self.present = present

    @classmethod
    def build(
        cls,
        embedder: Embedder,
        passages: Sequence[Passage],
        n_entries: int,
        probes: np.ndarray,
        progress: Progress | None = None,
    ) -> DenseIndex:
        """Embed (or read from the cache) every passage and build the index."""
        vectors = np.zeros((len(passages), probes.shape[1]), dtype=np.float32)
        for role in ("query", "passage"):
            idx = [i for i, p in enumerate(passages) if p.role == role]
            if idx:
                vectors[idx] = embedder.embed([passages[i].text for i in idx], role, progress)
        return cls(passages, vectors, n_entries, probes)

    def search(self, query: np.ndarray) -> DenseHits:
        """Score every entry by its best passage."""
        scores = np.full(self.n_entries, -1.0, dtype=np.float32)
        cosine = np.full(self.n_entries, -1.0, dtype=np.float32)
        if len(self.rows) == 0:
            return DenseHits(scores, cosine)
        sims = self.vectors @ query
        adjusted = sims - self.offset
        best = np.maximum.reduceat(adjusted, self.starts)
        scores[self.present] = best
        # The raw cosine of the passage that won, for the off-topic floor.
        cosine[self.present] = np.maximum.reduceat(sims, self.starts)
        return DenseHits(scores, cosine)
