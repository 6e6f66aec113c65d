"""Delivering the outbox: in order per chat, with waits, back-off and followed chat moves."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import replace
from datetime import datetime
from typing import TypeVar

from bot import messages
from bot.messages import ChatRef, Deletion, Outgoing, Sent
from bot.store.records import OutboxItem
from bot.store.sqlite import Database
from bot.transport import ChatMoved, Rejected, RetryLater, Transport, Unreachable

log = logging.getLogger(__name__)
T = TypeVar("T")
MAX_ATTEMPTS = 8
MAX_BACKOFF = 60.0


class GaveUp(Exception):
    """An item was dropped; the reason has been logged."""


class Courier:
    """Sends queued actions through the transports; one worker per destination chat."""

    def __init__(
        self,
        db: Database,
        transports: Mapping[str, Transport],
        clock: Callable[[], datetime],
        desk: ChatRef | None = None,
        backoff: float = 1.0,
        on_unreachable: Callable[[ChatRef], Awaitable[None]] | None = None,
    ) -> None:
        self.db = db
        self.transports = transports
        self.clock = clock
        self.desk = desk
        self.backoff = backoff
        # Called with a newcomer's chat that cannot be reached any more.
        self.on_unreachable = on_unreachable
        self._wake = asyncio.Event()
        self._busy: set[str] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._moved: dict[str, str] = {}

    def wake(self) -> None:
        """Tell the courier there may be something new in the outbox."""
        self._wake.set()

    async def run(self) -> None:
        """Deliver until cancelled."""
        async with self.db.transaction() as tx:
            self._moved.update(await tx.stats.moved())
        while True:
            self._wake.clear()
            await self._dispatch()
            await self._wake.wait()

    async def _dispatch(self) -> None:
        async with self.db.transaction() as tx:
            items = await tx.outbox.pending()
        lanes: dict[str, list[OutboxItem]] = {}
        for item in items:
            lanes.setdefault(item.lane, []).append(item)
        for lane, queued in lanes.items():
            if lane not in self._busy:
                self._busy.add(lane)
                task = asyncio.create_task(self._lane(lane, queued), name=f"courier:{lane}")
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)

    async def stop(self) -> None:
        """Cancel sends under way; what was not sent stays in the outbox for the next start."""
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _lane(self, lane: str, items: list[OutboxItem]) -> None:
        try:
            for item in items:
                await self._deliver(item)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("delivery to a chat failed unexpectedly; it is retried later")
            await asyncio.sleep(self.backoff)
        finally:
            self._busy.discard(lane)
            self.wake()

    async def wait_idle(self) -> None:
        """Wait until the outbox is empty and no send is under way (wrap in a timeout)."""
        while True:
            self.wake()
            await asyncio.sleep(0)
            async with self.db.transaction() as tx:
                left = await tx.outbox.pending(limit=1)
            if not left and not self._busy:
                return
            await asyncio.sleep(0.005)

    def _route(self, to: ChatRef) -> ChatRef:
        moved = self._moved.get(to.key())
        return ChatRef(to.network, moved) if moved else to

    async def _resolve(self, out: Outgoing, item: OutboxItem) -> Outgoing:
        out = replace(out, to=self._route(out.to), txn=out.txn or f"lotse-{item.id}")
        if item.handover_id is None or out.new_thread or self.desk is None:
            return out
        if out.to.network != self.desk.network:
            return out
        async with self.db.transaction() as tx:
            h = await tx.handovers.get(item.handover_id)
        if h is None or out.to.chat != self._route(h.desk).chat:
            return out
        return replace(
            out, thread=out.thread or h.desk_thread, reply_to=out.reply_to or h.desk_card
        )

    async def _deliver(self, item: OutboxItem) -> None:
        async with self.db.transaction() as tx:
            if not await tx.outbox.exists(item.id):
                return  # removed meanwhile (the user erased their data)
        action = messages.load(item.action)
        transport = self.transports.get(action.to.network)
        if transport is None:
            log.error("no adapter for network %s; dropping a message", action.to.network)
            await self._finish(item)
            return
        try:
            if isinstance(action, Outgoing):
                out = await self._resolve(action, item)
                sent = await self._attempt(
                    item, out.to, lambda to: transport.send(replace(out, to=to))
                )
                await self._sent(item, out, sent)
            else:
                target = self._route(action.to)
                await self._attempt(
                    item, target, lambda to: transport.delete(replace(action, to=to))
                )
                await self._deleted(item, action)
        except GaveUp:
            await self._finish(item)

    async def _attempt(
        self, item: OutboxItem, to: ChatRef, send: Callable[[ChatRef], Awaitable[T]]
    ) -> T:
        delay = self.backoff
        attempts = 0
        while True:
            try:
                return await send(to)
            except RetryLater as wait:
                # Waiting in place keeps later messages of this chat behind this one.
                await asyncio.sleep(wait.seconds)
            except ChatMoved as moved:
                await self._record_move(to, moved.new_chat)
                to = ChatRef(to.network, moved.new_chat)
            except Unreachable:
                await self._unreachable(item, to)
                raise GaveUp from None
            except Rejected as refused:
                log.warning("%s refused a message for good: %s", to.network, refused)
                raise GaveUp from None
            except Exception as exc:
                attempts += 1
                if attempts >= MAX_ATTEMPTS:
                    log.error(
                        "giving up a message to %s after %d attempts: %r", to.network, attempts, exc
                    )
                    raise GaveUp from None
                log.warning("sending on %s failed (%r); retrying in %.0f s", to.network, exc, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, MAX_BACKOFF)

    async def _finish(self, item: OutboxItem) -> None:
        async with self.db.transaction() as tx:
            await tx.outbox.done(item.id)

    async def _sent(self, item: OutboxItem, out: Outgoing, sent: Sent) -> None:
        kind = "desk" if self.desk is not None and out.to.network == self.desk.network else "user"
        async with self.db.transaction() as tx:
            await tx.outbox.done(item.id)
            now = self.clock()
            for message_id in (sent.message_id, *sent.extra_ids):
                await tx.outbox.track(out.to, message_id, item.chat_id, item.handover_id, kind, now)
            if out.new_thread and item.handover_id is not None:
                await tx.handovers.set_thread(item.handover_id, sent.thread, sent.message_id)

    async def _deleted(self, item: OutboxItem, deletion: Deletion) -> None:
        async with self.db.transaction() as tx:
            await tx.outbox.done(item.id)
            if deletion.message_id:
                await tx.outbox.forget_sent(deletion.to, deletion.message_id)

    async def _record_move(self, old: ChatRef, new_chat: str) -> None:
        log.info("a chat on %s moved to a new id; following it", old.network)
        self._moved[old.key()] = new_chat
        async with self.db.transaction() as tx:
            await tx.stats.set_setting(f"moved:{old.key()}", new_chat)
            await tx.handovers.move_desk(old, new_chat)

    async def _unreachable(self, item: OutboxItem, to: ChatRef) -> None:
        log.info("a chat on %s cannot be reached; it is marked inactive", to.network)
        async with self.db.transaction() as tx:
            await tx.chats.set_inactive(to)
            await tx.outbox.drop_lane(item.lane)
        if to != self.desk and self.on_unreachable is not None:
            await self.on_unreachable(to)
