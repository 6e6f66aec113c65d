"""Dense retrieval: every passage's vector, each entry's best passage of each kind.

Small bases are searched exactly. On large ones a query first scores every
passage in a low-dimensional projection (the base's own principal directions,
float32: a quarter of the work and memory), keeps the best entries, and scores
only their passages with the full vectors (stored as int8, a quarter of the memory).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from bot.matching.embedder import Embedder, Progress
from bot.matching.passages import Passage

# Keyword lists embed poorly (a bag of terms reads like any query); BM25 has them.
SCORED = ("title", "question", "answer")
# Above this many passages the two-stage search pays off; below it, exact is fast.
EXACT_UP_TO = 20_000
# Dimensions kept by the first stage, and how many entries it hands to the second.
LOW_DIM = 96
SHORTLIST = 64


@dataclass(frozen=True, slots=True)
class DenseHits:
    """Per kind, each entry's best passage cosine above that kind's chance level (NaN: none)."""

    kinds: dict[str, np.ndarray]  # kind -> (n_entries,) float32
    exact: np.ndarray  # (n_entries,) bool: scored with full vectors


def background(vectors: np.ndarray, probes: np.ndarray) -> float:
    """Mean cosine between unrelated probe queries and ``vectors``: the kind's chance level."""
    if len(vectors) == 0 or len(probes) == 0:
        return 0.0
    return float((np.asarray(vectors, dtype=np.float32) @ probes.T).mean())


class DenseIndex:
    """Passage vectors sorted by kind and entry, each kind with its chance level.

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
        self.n_entries = n_entries
        order = sorted(
            (i for i, p in enumerate(passages) if p.kind in SCORED),
            key=lambda i: (SCORED.index(passages[i].kind), passages[i].row),
        )
        self.rows = np.array([passages[i].row for i in order], dtype=np.int32)
        kind_ids = np.array([SCORED.index(passages[i].kind) for i in order], dtype=np.int8)
        full = np.ascontiguousarray(vectors[order], dtype=np.float32)
        self.chance: dict[str, float] = {}
        self.segments: list[tuple[str, int, int, np.ndarray, np.ndarray]] = []
        for k, kind in enumerate(SCORED):
            lo, hi = np.searchsorted(kind_ids, [k, k + 1])
            if hi <= lo:
                continue
            rows = self.rows[lo:hi]
            present = np.unique(rows)
            starts = np.searchsorted(rows, present).astype(np.int64) + lo
            self.chance[kind] = background(full[lo:hi], probes)
            self.segments.append((kind, int(lo), int(hi), present, starts))
        self.two_stage = len(order) > EXACT_UP_TO
        self.vectors: np.ndarray = full
        self.scale = np.ones(len(full), dtype=np.float32)
        if self.two_stage:
            # int8 with one scale per vector on large bases: a quarter of the
            # memory, cosines off by about 0.001, and only the shortlist's
            # vectors are ever turned back into float32.
            self.scale = np.abs(full).max(axis=1) / 127.0
            self.vectors = np.round(full / self.scale[:, None]).astype(np.int8)
            sample = full[:: max(1, len(full) // 20_000)]
            _, _, vt = np.linalg.svd(sample - sample.mean(0), full_matrices=False)
            self.basis = np.ascontiguousarray(vt[:LOW_DIM].T, dtype=np.float32)
            self.low = np.ascontiguousarray(full @ self.basis)
            # Passages of each entry, for the second stage.
            by_row = np.argsort(self.rows, kind="stable")
            self._by_row = by_row.astype(np.int32)
            self._row_start = np.searchsorted(self.rows[by_row], np.arange(n_entries + 1))

    @property
    def size(self) -> int:
        """Number of passage vectors."""
        return len(self.rows)

    @property
    def nbytes(self) -> int:
        """Bytes held by the vectors."""
        low = self.low.nbytes if self.two_stage else 0
        return int(self.vectors.nbytes + self.scale.nbytes + low + self.rows.nbytes)

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

    def _per_kind(self, sims: np.ndarray) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        for kind, _lo, _hi, present, starts in self.segments:
            best = np.full(self.n_entries, np.nan, dtype=np.float32)
            best[present] = np.maximum.reduceat(sims, starts) - self.chance[kind]
            out[kind] = best
        return out

    def search(
        self,
        query: np.ndarray,
        weights: dict[str, float],
        allowed: np.ndarray | None = None,
        also: np.ndarray | None = None,
    ) -> DenseHits:
        """Score entries by their best passage of each kind.

        ``weights`` rank entries for the shortlist of the first stage;
        ``also`` names entries to score exactly anyway (the lexical favourites).
        """
        if not self.two_stage:
            sims = self.vectors @ query
            return DenseHits(self._per_kind(sims), np.ones(self.n_entries, dtype=bool))
        rough = self._per_kind(self.low @ (self.basis.T @ query))
        total = sum(weights.get(k, 0.0) * np.nan_to_num(v, nan=0.0) for k, v in rough.items())
        score = np.asarray(total, dtype=np.float32)
        if allowed is not None:
            score = np.where(allowed, score, -np.inf)
        keep = np.argpartition(-score, min(SHORTLIST, len(score) - 1))[:SHORTLIST]
        if also is not None and len(also):
            keep = np.union1d(keep, also)
        exact = np.zeros(self.n_entries, dtype=bool)
        exact[keep] = True
        idx = np.concatenate(
            [self._by_row[self._row_start[r] : self._row_start[r + 1]] for r in keep]
        )
        sims = np.full(self.size, -np.inf, dtype=np.float32)
        sims[idx] = (self.vectors[idx].astype(np.float32) @ query) * self.scale[idx]
        kinds = self._per_kind(sims)
        for v in kinds.values():
            v[~exact] = np.nan
        return DenseHits(kinds, exact)
