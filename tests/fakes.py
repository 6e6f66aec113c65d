"""A fake adapter that records what it is asked to send, and a harness around the engine."""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.brain import Brain, BrainHolder
from bot.courier import Courier
from bot.engine import Engine
from bot.messages import Attachment, ChatRef, Deletion, Incoming, Outgoing, Sender, Sent
from bot.settings import Settings
from bot.store.sqlite import Database
from bot.transport import DeliveryError, Fetch, Inbox


class FakeClock:
    """A clock tests move by hand."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


@dataclass
class Delivered:
    """One message the fake network received from the bot."""

    out: Outgoing
    message_id: str
    thread: str | None


@dataclass
class FakeTransport:
    """Records sends; numbers messages per chat; opens threads when asked; raises on demand."""

    network: str
    forum: bool = True
    sent: list[Delivered] = field(default_factory=list)
    deleted: list[Deletion] = field(default_factory=list)
    failures: list[DeliveryError] = field(default_factory=list)
    attempts: int = 0
    files: dict[str, bytes] = field(default_factory=dict)
    fetched: list[Attachment] = field(default_factory=list)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1000))

    async def start(self, inbox: Inbox, fetch: Fetch) -> None:
        self.inbox, self.fetch_foreign = inbox, fetch

    async def stop(self) -> None:
        pass

    async def send(self, out: Outgoing) -> Sent:
        self.attempts += 1
        if self.failures:
            raise self.failures.pop(0)
        for a in out.attachments:
            if a.network != self.network:
                # A relay across networks: the bytes come from the other adapter.
                self.files[a.handle] = await self.fetch_foreign(a)
        message_id = str(next(self._ids))
        thread = out.thread
        if out.new_thread:
            thread = message_id if self.forum else None
        self.sent.append(Delivered(out, message_id, thread))
        return Sent(message_id, thread)

    async def delete(self, deletion: Deletion) -> bool:
        self.deleted.append(deletion)
        return True

    async def fetch(self, attachment: Attachment) -> bytes:
        self.fetched.append(attachment)
        return b"bytes of " + attachment.handle.encode()

    def to(self, chat: str) -> list[Delivered]:
        return [d for d in self.sent if d.out.to.chat == chat]


DESK = ChatRef("matrix", "!desk:example.org")
STAFF = frozenset({"matrix:@sara:example.org", "matrix:@omar:example.org"})


class World:
    """The engine with fake networks 'telegram' and 'matrix', a database and a fake clock."""

    def __init__(self, db_path: str, brain: Brain, settings: Settings | None = None) -> None:
        self.clock = FakeClock(datetime(2026, 6, 1, 8, 0, tzinfo=UTC))  # a Monday, 10:00 in Hessen
        self.settings = settings or Settings(desk=DESK, staff=STAFF)
        self.db_path = db_path
        self.holder = BrainHolder(brain)
        self.telegram = FakeTransport("telegram")
        self.matrix = FakeTransport("matrix")
        self._ids = itertools.count(1)
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> World:
        self.db = Database(self.db_path)
        await self.db.open()
        transports = {"telegram": self.telegram, "matrix": self.matrix}
        self.courier = Courier(self.db, transports, self.clock, self.settings.desk, backoff=0.01)
        self.engine = Engine(self.db, self.holder, self.settings, self.clock, self.courier.wake)
        self.courier.on_unreachable = self.engine.user_unreachable

        async def fetch(a: Attachment) -> bytes:
            return await transports[a.network].fetch(a)

        for t in transports.values():
            await t.start(self.engine.handle, fetch)
        self._task = asyncio.create_task(self.courier.run())
        return self

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        await self.courier.stop()
        self.engine.close()
        await self.db.close()

    async def restart(self) -> None:
        """Stop everything and start again on the same database file (a process restart)."""
        await self.stop()
        await self.start()

    def transport(self, network: str) -> FakeTransport:
        return self.telegram if network == "telegram" else self.matrix

    async def settle(self) -> None:
        await asyncio.wait_for(self.courier.wait_idle(), 10)

    async def deliver(self, msg: Incoming) -> None:
        await self.engine.handle(msg)
        await self.settle()

    async def say(
        self,
        user: str,
        text: str = "",
        *,
        network: str = "telegram",
        choice: str | None = None,
        attachments: tuple[Attachment, ...] = (),
        name: str = "Amal",
        hint: str | None = None,
        msg_id: str | None = None,
    ) -> list[Outgoing]:
        """A newcomer writes; return what the bot sent to that newcomer in reply."""
        t = self.transport(network)
        before = len(t.to(user))
        sender = Sender(network, user, user, name, hint)
        msg = Incoming(msg_id or f"m{next(self._ids)}", sender, text, attachments, choice)
        await self.deliver(msg)
        return [d.out for d in t.to(user)[before:]]

    async def staff(
        self,
        user: str,
        text: str = "",
        *,
        thread: str | None = None,
        reply_to: str | None = None,
        choice: str | None = None,
        name: str = "Sara Müller",
        attachments: tuple[Attachment, ...] = (),
        member: bool = False,
    ) -> list[Outgoing]:
        """A staff member writes in the desk; return what the bot then posted on the desk."""
        desk = self.settings.desk
        assert desk is not None
        t = self.transport(desk.network)
        before = len(t.to(desk.chat))
        sender = Sender(desk.network, desk.chat, user, name)
        msg = Incoming(
            f"d{next(self._ids)}",
            sender,
            text,
            attachments,
            choice,
            desk=True,
            thread=thread,
            reply_to=reply_to,
            desk_member=member,
        )
        await self.deliver(msg)
        return [d.out for d in t.to(desk.chat)[before:]]

    def desk_posts(self) -> list[Delivered]:
        desk = self.settings.desk
        assert desk is not None
        return self.transport(desk.network).to(desk.chat)


def db_file(tmp_path: Path) -> str:
    return str(tmp_path / "lotse.sqlite3")
