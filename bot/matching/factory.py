"""Build the matcher the bot uses for a knowledge base: hybrid when the model runs, else lexical."""

from __future__ import annotations

import ctypes
import logging
import threading

from bot.knowledge import Knowledge
from bot.matching.decision import Matcher
from bot.matching.embedder import Embedder, ModelUnavailable, Progress, stderr_progress
from bot.matching.lexical import LexicalMatcher

log = logging.getLogger(__name__)

_lock = threading.Lock()
_embedder: Embedder | None = None
_unavailable: str | None = None


def _limit_blas_threads() -> None:
    # numpy's OpenBLAS threads and the model's OpenMP threads fighting over
    # two cores made a query 5-10 times slower; our matrix products are small
    # enough for one BLAS thread.
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return
    threadpool_limits(limits=1, user_api="blas")


def shared_embedder() -> Embedder | None:
    """Return the process's one model, loaded on first use; None (said once) if it cannot run."""
    global _embedder, _unavailable
    with _lock:
        if _embedder is None and _unavailable is None:
            _limit_blas_threads()
            try:
                _embedder = Embedder()
            except ModelUnavailable as exc:
                _unavailable = str(exc)
                log.warning("semantic matching is off (%s); Lotse matches by words only", exc)
        return _embedder


def trim_heap() -> None:
    """Give freed heap memory back to the system (glibc only; a no-op elsewhere).

    Building the indexes makes and drops many small objects; glibc keeps the
    freed heap, so a 10k-entry base held ~100 MB it no longer used.
    """
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        return


def build_matcher(
    knowledge: Knowledge,
    *,
    semantic: bool | None = None,
    embedder: Embedder | None = None,
    progress: Progress | None = stderr_progress,
) -> Matcher:
    """Return the best matcher available on this machine for ``knowledge``.

    ``semantic=False`` forces the lexical matcher; ``None`` uses the model when
    it can run. ``progress`` reports first-time embedding of a base (stderr by
    default; pass None for silence).
    """
    if semantic is False:
        return LexicalMatcher(knowledge)
    model = embedder or shared_embedder()
    if model is None:
        return LexicalMatcher(knowledge)
    from bot.matching.hybrid import HybridMatcher

    matcher = HybridMatcher(knowledge, model, progress)
    trim_heap()
    return matcher
