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
# "Look until the lane is empty" (a sweep does not know how many items there are).
SWEEP = 1 << 30


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
        # Items announced per lane and not yet looked at: a worker only asks
        # the database for more when something was announced (fewer queries).
        self._announced: dict[str, int] = {}
        self._busy: set[str] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._moved: dict[str, str] = {}
        self._stopped = False

    def wake(self, lanes: Mapping[str, int] | None = None) -> None:
        """Announce new items (how many per lane), or with None: look at the whole outbox."""
        if lanes is None:
            self._wake.set()
            return
        for lane, count in lanes.items():
            self._announced[lane] = self._announced.get(lane, 0) + count
            self._start(lane)

    def _start(self, lane: str) -> None:
        # After stop() nothing new is sent; the outbox keeps it for the next start.
        if lane not in self._busy and not self._stopped:
            self._busy.add(lane)
            task = asyncio.create_task(self._lane(lane), name=f"courier:{lane}")
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def run(self) -> None:
        """Deliver until cancelled; sweeps the whole outbox at start and when asked."""
        async with self.db.transaction() as tx:
            self._moved.update(await tx.stats.moved())
        while True:
            self._wake.clear()
            async with self.db.read() as tx:
                lanes = await tx.outbox.lanes()
            self.wake({lane: SWEEP for lane in lanes})
            await self._wake.wait()

    async def stop(self) -> None:
        """Cancel sends under way; what was not sent stays in the outbox for the next start."""
        self._stopped = True
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _lane(self, lane: str) -> None:
        last = 0
        try:
            while (expected := self._announced.get(lane, 0)) > 0:
                # Read each item fresh: a /delete may have removed queued ones.
                async with self.db.read() as tx:
                    item = await tx.outbox.next_in_lane(lane, last)
                if item is None:
                    # Nothing (left) there; keep what was announced meanwhile.
                    self._announced[lane] -= expected
                    continue
                await self._deliver(item)
                last = item.id
                self._announced[lane] = max(0, self._announced[lane] - 1)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("delivery to a chat failed unexpectedly; it is retried later")
            await asyncio.sleep(self.backoff)
        finally:
            self._busy.discard(lane)
            if self._announced.get(lane, 0) > 0:
                self._start(lane)  # announced while this worker was finishing
            else:
                self._announced.pop(lane, None)

    async def wait_idle(self) -> None:
        """Wait until the outbox is empty and no send is under way (wrap in a timeout)."""
        while True:
            self.wake()
            await asyncio.sleep(0)
            async with self.db.read() as tx:
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
        async with self.db.read() as tx:
            h = await tx.handovers.get(item.handover_id)
        if h is None or out.to.chat != self._route(h.desk).chat:
            return out
        return replace(
            out, thread=out.thread or h.desk_thread, reply_to=out.reply_to or h.desk_card
        )

    async def _deliver(self, item: OutboxItem) -> None:
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
        # Not one transaction, to save round trips: the item is forgotten first,
        # so a crash in between can cost the bookkeeping, never a second send.
        async with self.db.read() as tx:
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
