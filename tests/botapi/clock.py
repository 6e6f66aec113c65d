"""A settable clock, so tests can age messages and callback queries without waiting."""

from __future__ import annotations

import time


class Clock:
    """Wall-clock time plus an offset that tests can move forward."""

    def __init__(self) -> None:
        self._offset = 0.0

    def now(self) -> float:
        """Current (fake) time in seconds since the epoch."""
        return time.time() + self._offset

    def stamp(self) -> int:
        """Current (fake) time as Telegram sends it: whole seconds."""
        return int(self.now())

    def advance(self, seconds: float = 0.0, *, hours: float = 0.0) -> None:
        """Move the clock forward by ``seconds`` plus ``hours``."""
        self._offset += seconds + hours * 3600.0
