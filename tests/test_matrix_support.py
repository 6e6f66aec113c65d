"""Harness for the Matrix adapter tests (no tests here): Lotse on a real Synapse.

`Lotse` runs the real engine, SQLite store and courier with the real Matrix
adapter, and for Telegram either the real adapter against the local Bot API
server (tests/botapi) or a FakeTransport, as `bot.runner.run` wires them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

from nio import Event, ReactionEvent, RoomMessage

from adapters.matrix import MatrixTransport, create
from bot.brain import Brain, BrainHolder
from bot.courier import Courier
from bot.engine import Engine, utcnow
from bot.messages import Attachment, ChatRef
from bot.settings import Settings
from bot.store.sqlite import Database
from bot.transport import Transport
from tests.fakes import FakeTransport
from tests.synapse.admin import Account
from tests.synapse.homeserver import Homeserver
from tests.synapse.person import Person


def section(server: Homeserver, account: Account, **extra: Any) -> dict[str, Any]:
    """A `matrix:` config section for the bot account, password login."""
    return {
        "homeserver": server.base_url,
        "user_id": account.user_id,
        "password": account.password,
        "device_id": "LOTSEBOT",
        **extra,
    }


class Lotse:
    """The bot as `python -m bot run` builds it, in this process, on a database file."""

    def __init__(
        self,
        data: Path,
        brain: Brain,
        matrix: dict[str, Any],
        settings: Settings | None = None,
        telegram: dict[str, Any] | None = None,
    ) -> None:
        self.data = data
        self.holder = BrainHolder(brain)
        self.matrix_section = matrix
        self.settings = settings or Settings()
        # The real Telegram adapter when given its section (the local Bot API
        # server), else a FakeTransport that records what it is asked to send.
        self.telegram_section = telegram
        self.telegram: Transport = FakeTransport("telegram")
        self.matrix: MatrixTransport | None = None
        self._courier_task: asyncio.Task[None] | None = None

    def texts(self, key: str, language: str) -> str:
        return self.holder().knowledge.texts.get(key, language)

    def desk_chat(self, network: str) -> str | None:
        desk = self.settings.desk
        return desk.chat if desk is not None and desk.network == network else None

    async def start(self) -> Lotse:
        matrix = self.matrix_section
        self.matrix = create(matrix, self.desk_chat("matrix"), self.data / "matrix", self.texts)
        if self.telegram_section is not None:
            from adapters import telegram

            tg = telegram.create(
                self.telegram_section,
                self.desk_chat("telegram"),
                self.data / "telegram",
                self.texts,
            )
            tg.typing_after = 0.0  # no "typing..." calls in the way of the test
            self.telegram = tg
        self.db = Database(self.data / "lotse.sqlite3")
        await self.db.open()
        transports: dict[str, Transport] = {"matrix": self.matrix, "telegram": self.telegram}
        self.courier = Courier(self.db, transports, utcnow, self.settings.desk, backoff=0.05)
        self.engine = Engine(self.db, self.holder, self.settings, on_queued=self.courier.wake)
        self.courier.on_unreachable = self.engine.user_unreachable

        async def fetch(attachment: Attachment) -> bytes:
            return await transports[attachment.network].fetch(attachment)

        self._courier_task = asyncio.create_task(self.courier.run())
        await self.telegram.start(self.engine.handle, fetch)
        await self.matrix.start(self.engine.handle, fetch)
        return self

    async def stop(self) -> None:
        if self.matrix is not None:
            await self.matrix.stop()
        await self.telegram.stop()
        if self._courier_task is not None:
            self._courier_task.cancel()
            await asyncio.gather(self._courier_task, return_exceptions=True)
        await self.courier.stop()
        self.engine.close()
        await self.db.close()

    async def settle(self, within: float = 15.0) -> None:
        await asyncio.wait_for(self.courier.wait_idle(), within)

    @property
    def user_id(self) -> str:
        return str(self.matrix_section["user_id"])

    async def rows(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        async with self.db.db.execute(sql, args) as cur:
            return [tuple(r) for r in await cur.fetchall()]


def bot_says(bot_id: str, contains: str | None = None) -> Callable[[Event], bool]:
    """A message from the bot (optionally containing some text)."""

    def match(event: Event) -> bool:
        if not isinstance(event, RoomMessage) or event.sender != bot_id:
            return False
        body = event.source.get("content", {}).get("body", "")
        return contains is None or contains in body

    return match


def reaction_from(user_id: str) -> Callable[[Event], bool]:
    """A reaction event from `user_id`."""
    return lambda e: isinstance(e, ReactionEvent) and e.sender == user_id


async def replies(
    person: Person, room_id: str, bot_id: str, count: int, within: float = 15
) -> list[str]:
    """The bodies of the next `count` messages the bot sent into a room."""
    bodies = []
    for _ in range(count):
        event = await person.next_message(room_id, bot_says(bot_id), within=within)
        bodies.append(str(event.source["content"].get("body", "")))
    return bodies


def desk_settings(desk_room: str, *staff: Person, **extra: Any) -> Settings:
    """Engine settings with the Matrix desk and these staff members."""
    return Settings(
        desk=ChatRef("matrix", desk_room),
        staff=frozenset(f"matrix:{p.user_id}" for p in staff),
        **extra,
    )


def said(brain: Brain, key: str, language: str, **params: Any) -> str:
    """A bot text as the newcomer reads it in a message body (plain text)."""
    from bot.markdown import to_plain

    return to_plain(brain.knowledge.texts.get(key, language, **params))


async def quiet(person: Person, room_id: str, bot_id: str, seconds: float = 2.0) -> None:
    """Assert that the bot says nothing in a room for a while."""
    try:
        event = await person.next_message(room_id, bot_says(bot_id), within=seconds)
    except TimeoutError:
        return
    raise AssertionError(f"the bot said: {event.source['content'].get('body')!r}")


async def eventually(check: Callable[[], Any], within: float = 10.0) -> None:
    """Poll an async check until it returns true."""
    deadline = asyncio.get_running_loop().time() + within
    while not await check():
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError("condition not met")
        await asyncio.sleep(0.05)


MEGOLM = {"algorithm": "m.megolm.v1.aes-sha2"}


async def create_desk(
    staff: Person, bot_id: str, encrypted: bool = True, bot_level: int | None = None
) -> str:
    """A private staff room (encrypted by default) with the bot invited; returns its id."""
    from nio import RoomCreateResponse

    initial = [{"type": "m.room.encryption", "state_key": "", "content": MEGOLM}]
    # Room version 12: the creator has unlimited power and must not be listed.
    levels = {"users": {bot_id: bot_level}} if bot_level else None
    resp = await staff.client.room_create(
        name="Integrationsteam",
        invite=[bot_id],
        initial_state=initial if encrypted else (),
        power_level_override=levels,
    )
    assert isinstance(resp, RoomCreateResponse), resp
    await staff.sync_until(lambda: resp.room_id in staff.client.rooms)
    return str(resp.room_id)


async def send_thread_image(person: Person, room_id: str, root: str, data: bytes) -> str:
    """Post an image inside a thread (encrypted upload in encrypted rooms)."""
    from nio import UploadResponse

    from tests.synapse import media

    encrypted = person.room(room_id).encrypted
    upload, keys = await person.client.upload(
        lambda _a, _b: data,
        content_type="image/png",
        filename="antwort.png",
        encrypt=encrypted,
        filesize=len(data),
    )
    assert isinstance(upload, UploadResponse), upload
    content = media.image_content(upload.content_uri, keys, "image/png", "antwort.png", len(data))
    content["m.relates_to"] = {
        "rel_type": "m.thread",
        "event_id": root,
        "is_falling_back": True,
        "m.in_reply_to": {"event_id": root},
    }
    return await person.send(room_id, content)


def in_thread(root: str) -> Callable[[Event], bool]:
    """An event inside the thread rooted at `root`."""

    def match(event: Event) -> bool:
        relates = event.source.get("content", {}).get("m.relates_to") or {}
        return relates.get("rel_type") == "m.thread" and relates.get("event_id") == root

    return match


def both(*checks: Callable[[Event], bool]) -> Callable[[Event], bool]:
    """All checks hold."""
    return lambda event: all(check(event) for check in checks)
