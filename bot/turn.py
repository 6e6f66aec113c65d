"""One message being handled: its transaction, the time, the brain, and what to send."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from bot.brain import Brain
from bot.knowledge import Knowledge
from bot.messages import Action
from bot.settings import Settings
from bot.store.sqlite import Tx


@dataclass(slots=True)
class Turn:
    """Context shared by the newcomer and desk flows while one message is handled."""

    tx: Tx
    now: datetime
    brain: Brain
    settings: Settings
    # Written in one statement each when the turn ends (fewer round trips).
    outbox: list[tuple[Action, int | None, int | None]] = field(default_factory=list)
    counters: list[tuple[date, str, str, int]] = field(default_factory=list)

    @property
    def knowledge(self) -> Knowledge:
        """Return the knowledge base in use."""
        return self.brain.knowledge

    def t(self, key: str, language: str, **params: object) -> str:
        """Return one of the bot's texts."""
        return self.brain.knowledge.texts.get(key, language, **params)

    async def send(
        self, action: Action, chat_id: int | None = None, handover_id: int | None = None
    ) -> None:
        """Queue an action in the outbox; it is delivered after the transaction commits."""
        self.outbox.append((action, chat_id, handover_id))

    def count(self, metric: str, key: str = "", by: int = 1) -> None:
        """Add to today's counter of ``metric`` (kept without personal data)."""
        self.counters.append((self.now.date(), metric, key, by))

    async def flush(self) -> dict[str, int]:
        """Write what the turn queued (call inside the transaction, at its end); return lanes."""
        await self.tx.outbox.put_many(self.outbox, self.now)
        await self.tx.stats.bump_many(self.counters)
        lanes: dict[str, int] = {}
        for action, _chat, _handover in self.outbox:
            lanes[action.to.key()] = lanes.get(action.to.key(), 0) + 1
        self.outbox, self.counters = [], []
        return lanes
