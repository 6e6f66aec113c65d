"""The bot's update queue: ids, allowed_updates, confirmation by offset, long polling."""

from __future__ import annotations

import asyncio
from typing import Any

from .errors import conflict

# Update kinds a bot only gets when it asks for them in allowed_updates.
OPT_IN_KINDS = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


class Signal:
    """Wakes every waiter on each :meth:`fire`; cheap to create, safe to fire from sync code."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def fire(self) -> None:
        """Wake everyone currently waiting."""
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, seconds: float) -> bool:
        """Wait for the next :meth:`fire` at most ``seconds``; False if none came."""
        event = self._event
        try:
            await asyncio.wait_for(event.wait(), seconds)
        except TimeoutError:
            return False
        return True


class UpdateQueue:
    """Pending updates in order, as getUpdates and the webhook see them."""

    def __init__(self, first_id: int = 100_000_001) -> None:
        self.pending: list[dict[str, Any]] = []
        self.history: list[dict[str, Any]] = []  # every update ever queued, for inspection
        self.dropped: list[dict[str, Any]] = []  # updates filtered out by allowed_updates
        self.allowed: frozenset[str] | None = None  # None: the default set
        self.signal = Signal()
        self._next_id = first_id
        self._poll_generation = 0
        self.closed = False

    def accepts(self, kind: str) -> bool:
        """Whether an update of ``kind`` would be queued under the current allowed_updates."""
        if self.allowed is None:
            return kind not in OPT_IN_KINDS
        return kind in self.allowed

    def push(self, kind: str, payload: dict[str, Any]) -> dict[str, Any] | None:
        """Queue an update of ``kind``; returns it, or None if allowed_updates filters it."""
        update = {"update_id": self._next_id, kind: payload}
        if not self.accepts(kind):
            self.dropped.append(update)
            return None
        self._next_id += 1
        self.pending.append(update)
        self.history.append(update)
        self.signal.fire()
        return update

    def set_allowed(self, kinds: Any) -> None:
        """Apply an allowed_updates list; an empty list restores the default set."""
        if not isinstance(kinds, list):
            return
        names = frozenset(k for k in kinds if isinstance(k, str))
        self.allowed = names or None

    def confirm(self, offset: int | None) -> None:
        """Forget updates confirmed by ``offset`` (a negative one keeps only the last -offset)."""
        if offset is None:
            return
        if offset < 0:
            self.pending = self.pending[offset:]
        else:
            self.pending = [u for u in self.pending if u["update_id"] >= offset]

    def drop_all(self) -> None:
        """Forget every pending update (drop_pending_updates)."""
        self.pending.clear()

    def pop_first(self) -> None:
        """Forget the oldest pending update (after a successful webhook delivery)."""
        if self.pending:
            self.pending.pop(0)

    def close(self) -> None:
        """End open long polls now (the server is stopping) and answer new ones at once."""
        self.closed = True
        self.signal.fire()

    async def poll(self, limit: int, seconds: float) -> list[dict[str, Any]]:
        """Return up to ``limit`` updates, waiting up to ``seconds`` for the first one.

        A newer getUpdates call ends a waiting one with Telegram's 409 Conflict.
        """
        self._poll_generation += 1
        generation = self._poll_generation
        self.signal.fire()  # wake an older poller so it can see it was superseded
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while True:
            if self.pending or self.closed:
                return self.pending[:limit]
            remaining = deadline - loop.time()
            if remaining <= 0:
                return []
            await self.signal.wait(remaining)
            if generation != self._poll_generation:
                raise conflict(
                    "terminated by other getUpdates request; "
                    "make sure that only one bot instance is running"
                )
