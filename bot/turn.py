"""One message being handled: its transaction, the time, the brain, and what to send."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

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
    queued: int = field(default=0)

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
        await self.tx.outbox.put(action, self.now, chat_id, handover_id)
        self.queued += 1
