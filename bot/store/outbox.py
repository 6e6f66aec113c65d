"""The outbox (what still has to be sent), sent message ids, and processed incoming ids."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime

from bot.messages import Action, ChatRef, Outgoing, dump
from bot.store.inline import Connection
from bot.store.query import fetch_all, fetch_one
from bot.store.records import OutboxItem, moment, stamp


def _with_txn(action: Action) -> Action:
    """Give a send its transaction id, stored with it (a retry reuses it)."""
    if isinstance(action, Outgoing) and not action.txn:
        # Outbox row ids come back once the table is empty, so they cannot be
        # transaction ids: Matrix would take a new message for a retry of an
        # old one and post nothing.
        return replace(action, txn=f"lotse-{uuid.uuid4().hex}")
    return action


class Outbox:
    """Queries on ``outbox``, ``sent`` and ``processed`` inside one transaction."""

    def __init__(self, db: Connection) -> None:
        self.db = db

    async def first_time(self, network: str, message_id: str, now: datetime) -> bool:
        """Record an incoming id; False when it was handled before (a redelivery)."""
        cur = await self.db.execute(
            "INSERT OR IGNORE INTO processed (network, message_id, at) VALUES (?, ?, ?)",
            (network, message_id, stamp(now)),
        )
        return cur.rowcount == 1

    async def put(
        self, action: Action, now: datetime, chat_id: int | None, handover_id: int | None
    ) -> int:
        """Queue an action for delivery; it is sent after the transaction commits."""
        kind = "send" if isinstance(action, Outgoing) else "delete"
        action = _with_txn(action)
        cur = await self.db.execute(
            "INSERT INTO outbox (lane, chat_id, handover_id, kind, action, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (action.to.key(), chat_id, handover_id, kind, dump(action), stamp(now)),
        )
        return cur.lastrowid or 0

    async def put_many(
        self, actions: list[tuple[Action, int | None, int | None]], now: datetime
    ) -> None:
        """Queue several actions, in order, in one statement."""
        if not actions:
            return
        rows = [
            (
                a.to.key(),
                chat_id,
                handover_id,
                "send" if isinstance(a, Outgoing) else "delete",
                dump(_with_txn(a)),
                stamp(now),
            )
            for a, chat_id, handover_id in actions
        ]
        await self.db.executemany(
            "INSERT INTO outbox (lane, chat_id, handover_id, kind, action, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            rows,
        )

    async def pending(self, limit: int = 1000) -> list[OutboxItem]:
        """Return queued actions, oldest first."""
        rows = await fetch_all(
            self.db,
            "SELECT id, lane, chat_id, handover_id, kind, action, attempts FROM outbox"
            " ORDER BY id LIMIT ?",
            (limit,),
        )
        return [OutboxItem(*tuple(r)) for r in rows]

    async def lanes(self) -> list[str]:
        """Return the destinations that have queued actions."""
        return [str(r[0]) for r in await fetch_all(self.db, "SELECT DISTINCT lane FROM outbox")]

    async def next_in_lane(self, lane: str, after: int) -> OutboxItem | None:
        """Return the oldest queued action of a destination after ``after``, if any."""
        row = await fetch_one(
            self.db,
            "SELECT id, lane, chat_id, handover_id, kind, action, attempts FROM outbox"
            " WHERE lane = ? AND id > ? ORDER BY id LIMIT 1",
            (lane, after),
        )
        return OutboxItem(*tuple(row)) if row else None

    async def done(self, item_id: int) -> None:
        """Forget a delivered (or given-up) action."""
        await self.db.execute("DELETE FROM outbox WHERE id = ?", (item_id,))

    async def drop_lane(self, lane: str) -> int:
        """Forget every queued action for a chat that cannot be reached."""
        cur = await self.db.execute("DELETE FROM outbox WHERE lane = ?", (lane,))
        return cur.rowcount

    async def attempted(self, item_id: int) -> None:
        """Count a failed attempt."""
        await self.db.execute("UPDATE outbox SET attempts = attempts + 1 WHERE id = ?", (item_id,))

    async def track(
        self,
        to: ChatRef,
        message_id: str,
        chat_id: int | None,
        handover_id: int | None,
        kind: str,
        now: datetime,
    ) -> None:
        """Remember a message the bot sent (to route replies to it and to delete it later)."""
        await self.db.execute(
            "INSERT OR REPLACE INTO sent"
            " (network, chat, message_id, chat_id, handover_id, kind, at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (to.network, to.chat, message_id, chat_id, handover_id, kind, stamp(now)),
        )

    async def handover_of(self, to: ChatRef, message_id: str) -> int | None:
        """Return the handover a desk message belongs to."""
        row = await fetch_one(
            self.db,
            "SELECT handover_id FROM sent WHERE network = ? AND chat = ? AND message_id = ?",
            (to.network, to.chat, message_id),
        )
        return int(row[0]) if row and row[0] is not None else None

    async def sent_for_chat(self, chat_id: int) -> list[tuple[ChatRef, str, datetime]]:
        """Return every message the bot sent to or about a chat (user side and desk)."""
        rows = await fetch_all(
            self.db,
            "SELECT network, chat, message_id, at FROM sent WHERE chat_id = ? ORDER BY at",
            (chat_id,),
        )
        return [(ChatRef(r[0], r[1]), r[2], moment(r[3])) for r in rows]  # type: ignore[misc]

    async def forget_sent(self, to: ChatRef, message_id: str) -> None:
        """Forget a sent message (it was deleted)."""
        await self.db.execute(
            "DELETE FROM sent WHERE network = ? AND chat = ? AND message_id = ?",
            (to.network, to.chat, message_id),
        )
