"""Large synthetic bases for the latency and memory benchmark.

Entries are copies of real ones (the eval fixture and the Integreat pages),
each copy with its own id, a region drawn from four, and two made-up place
words added to its German title so copies are not lexically identical. Their
vectors are the template's vectors plus small Gaussian noise, renormalised:
embedding 100k entries for real would take hours, and query cost does not
depend on the vectors' values, only on how many there are.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from bot.knowledge import Knowledge, load
from bot.matching.bm25 import BM25Index, entry_terms
from bot.matching.embedder import Embedder
from bot.matching.hybrid import HybridMatcher
from bot.matching.intents import examples
from bot.matching.normalize import tokens
from bot.matching.passages import entry_passages
from bot.matching.semantic import SCORED, DenseIndex

REGIONS = ("kreis-offenbach", "giessen", "odenwaldkreis", None)
_SYLLABLES = ("ber", "stadt", "lin", "au", "dorf", "heim", "bach", "tal", "hof", "kir", "mo")


def _place(rng: random.Random) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(3))


class _Terms(Sequence[dict[str, float]]):
    """Each copy's weighted terms, made when the index asks (10k dicts at once cost 300 MB)."""

    def __init__(self, tmpl_terms: list[dict[str, float]], places: list[str]) -> None:
        self.tmpl, self.places = tmpl_terms, places

    def __len__(self) -> int:
        return len(self.places)

    def __getitem__(self, n):  # type: ignore[no-untyped-def, override]
        own = dict(self.tmpl[n % len(self.tmpl)])
        for word in tokens(self.places[n]):
            own[word] = own.get(word, 0.0) + 3.0
        return own


def synthetic_matcher(templates: list[Knowledge], size: int, embedder: Embedder) -> HybridMatcher:
    """Build a hybrid matcher over ``size`` perturbed copies of the templates' entries."""
    rng = random.Random(size)
    base = [e for k in templates for e in k.entries]
    tmpl_passages = [[p for p in entry_passages(0, e) if p.kind in SCORED] for e in base]
    flat = [p for ps in tmpl_passages for p in ps]
    vecs = np.zeros((len(flat), 384), dtype=np.float32)
    for role in ("query", "passage"):
        idx = [i for i, p in enumerate(flat) if p.role == role]
        vecs[idx] = embedder.embed([flat[i].text for i in idx], role)
    offsets = np.cumsum([0] + [len(ps) for ps in tmpl_passages])
    tmpl_terms = [entry_terms(e) for e in base]
    total = sum(len(tmpl_passages[n % len(base)]) for n in range(size))
    # One array filled in place: thousands of small blocks fragment the heap.
    vectors = np.empty((total, 384), dtype=np.float32)
    entries, passages, places = [], [], []
    at = 0
    for n in range(size):
        t = n % len(base)
        src = base[t]
        place = f"{_place(rng)} {_place(rng)}"
        places.append(place)
        title = dict(src.title)
        title["de"] = f"{title['de']} {place}"
        region = rng.choice(REGIONS)
        entries.append(
            dataclasses.replace(src, id=f"{src.id}-{n}", region=region, title=title, related=())
        )
        block = vecs[offsets[t] : offsets[t + 1]]
        noisy = block + np.random.default_rng(n).normal(0, 0.02, block.shape).astype(np.float32)
        vectors[at : at + len(block)] = noisy / np.linalg.norm(noisy, axis=1, keepdims=True)
        at += len(block)
        passages.extend(dataclasses.replace(p, row=n) for p in tmpl_passages[t])
    k0 = templates[0]
    knowledge = Knowledge(k0.root, tuple(entries), k0.texts, k0.regions, k0.intents, k0.commands)
    probes = embedder.embed(list(examples(knowledge.intents).texts), "query")
    dense = DenseIndex(passages, vectors, size, probes)
    del passages, vectors
    lexical = BM25Index.from_terms(_Terms(tmpl_terms, places))
    return HybridMatcher(knowledge, embedder, None, lexical=lexical, dense=dense)


def templates(shared: Path) -> list[Knowledge]:
    """The real bases the synthetic ones are copied from."""
    return [load(shared / "eval/knowledge"), load(shared / "eval/integreat/knowledge")]
