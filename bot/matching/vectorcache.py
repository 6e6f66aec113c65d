"""An on-disk cache of text embeddings, keyed by a hash of model, role and text."""

from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

ENV = "LOTSE_CACHE_DIR"


def cache_dir() -> Path:
    """Cache folder: ``$LOTSE_CACHE_DIR``, else ``$XDG_CACHE_HOME/lotse`` or ``~/.cache/lotse``."""
    explicit = os.environ.get(ENV)
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "lotse"


def text_key(model: str, role: str, text: str) -> bytes:
    """Return the cache key of one text embedded by ``model`` as ``role`` (query/passage)."""
    return hashlib.sha256(f"{model}\0{role}\0{text}".encode()).digest()


class VectorCache:
    """Float32 vectors by key in one SQLite file; a cache that cannot be opened is skipped."""

    def __init__(self, path: Path | None, dim: int) -> None:
        self.dim = dim
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(path, check_same_thread=False)
            db.execute("CREATE TABLE IF NOT EXISTS vectors (key BLOB PRIMARY KEY, vec BLOB)")
            db.commit()
            self._db = db
        except (OSError, sqlite3.Error) as exc:
            # A read-only home must not stop the bot: it only embeds again.
            log.warning("embedding cache at %s unavailable (%s); embedding without it", path, exc)

    def get_many(self, keys: Sequence[bytes]) -> dict[bytes, np.ndarray]:
        """Return the cached vectors among ``keys``."""
        if self._db is None or not keys:
            return {}
        found: dict[bytes, np.ndarray] = {}
        with self._lock:
            for start in range(0, len(keys), 500):
                chunk = list(keys[start : start + 500])
                marks = ",".join("?" * len(chunk))
                rows = self._db.execute(
                    f"SELECT key, vec FROM vectors WHERE key IN ({marks})",  # noqa: S608
                    chunk,
                ).fetchall()
                for key, blob in rows:
                    vec = np.frombuffer(blob, dtype=np.float32)
                    if vec.shape == (self.dim,):
                        found[bytes(key)] = vec
        return found

    def put_many(self, items: Sequence[tuple[bytes, np.ndarray]]) -> None:
        """Store vectors; errors (disk full) are logged, never raised."""
        if self._db is None or not items:
            return
        rows = [(k, np.asarray(v, dtype=np.float32).tobytes()) for k, v in items]
        with self._lock:
            try:
                self._db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?)", rows)
                self._db.commit()
            except sqlite3.Error as exc:
                log.warning("could not write the embedding cache: %s", exc)

    def close(self) -> None:
        """Close the file."""
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None
