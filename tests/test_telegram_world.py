"""Harness for the Telegram adapter tests (no tests here): the real engine, courier and SQLite,
the real adapter polling the local Bot API server, and a fake Matrix network beside it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from adapters.telegram import TelegramTransport, create
from bot.brain import Brain
from bot.messages import ChatRef
from bot.settings import Settings
from tests.botapi.model import Chat, User
from tests.botapi.server import BotApiServer
from tests.fakes import DESK, STAFF, World, db_file

BUTTON_SECRET = "a-test-secret-for-signing-buttons"


def section(botapi: BotApiServer, **extra: Any) -> dict[str, Any]:
    """A ``telegram:`` config section pointing at the local server."""
    return {
        "token": botapi.token,
        "button_secret": BUTTON_SECRET,
        "api_url": botapi.base_url,
        "poll_timeout": 1,
        **extra,
    }


class TelegramWorld:
    """The engine with the real Telegram adapter; the desk on Telegram or on a fake Matrix."""

    def __init__(
        self,
        botapi: BotApiServer,
        tmp_path: Path,
        brain: Brain,
        *,
        desk: Chat | None = None,
        staff: tuple[User, ...] = (),
        by_membership: bool = False,
        extra: dict[str, Any] | None = None,
        db: str | None = None,
    ) -> None:
        self.botapi = botapi
        if desk is not None:
            settings = Settings(
                desk=ChatRef("telegram", str(desk.id)),
                staff=frozenset(f"telegram:{u.id}" for u in staff),
                staff_by_membership=by_membership,
            )
        else:
            settings = Settings(desk=DESK, staff=STAFF)
        self.world = World(db or db_file(tmp_path), brain, settings)

        def texts(key: str, language: str) -> str:
            return brain.knowledge.texts.get(key, language)

        self.texts = texts
        self.transport: TelegramTransport = create(
            section(botapi, **(extra or {})),
            str(desk.id) if desk is not None else None,
            tmp_path / "telegram",
            texts,
        )
        self.transport.typing_after = 0.0
        self.transport.clock = self.world.clock

    async def __aenter__(self) -> TelegramWorld:
        self.world.telegram = self.transport  # type: ignore[assignment]
        await self.world.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.transport.stop()
        await self.world.stop()

    async def idle(self) -> None:
        """Wait until every update was fetched, handled and confirmed, and the outbox is empty."""
        await self.botapi.wait_for(lambda: not self.botapi.core.updates.pending, 10, "confirmed")
        assert self.transport.queue.in_hand == 0
        await self.world.settle()
