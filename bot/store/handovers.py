"""Handovers to staff: the queue, claims and the desk threads they live in."""

from __future__ import annotations

from datetime import datetime

from bot.messages import ChatRef
from bot.store.inline import Connection
from bot.store.query import fetch_all, fetch_one
from bot.store.records import HandoverRecord, stamp

OPEN = ("queued", "claimed")


class Handovers:
    """Queries on ``handovers`` inside one transaction."""

    def __init__(self, db: Connection) -> None:
        self.db = db

    async def _one(self, sql: str, args: tuple[object, ...]) -> HandoverRecord | None:
        row = await fetch_one(self.db, sql, args)
        return HandoverRecord.from_row(row) if row else None

    async def _many(self, sql: str, args: tuple[object, ...]) -> list[HandoverRecord]:
        rows = await fetch_all(self.db, sql, args)
        return [HandoverRecord.from_row(r) for r in rows]

    async def open(self, chat_id: int, reason: str, desk: ChatRef, now: datetime) -> HandoverRecord:
        """Put a chat in the queue for staff."""
        cur = await self.db.execute(
            "INSERT INTO handovers (chat_id, reason, state, opened_at, desk_network, desk_chat)"
            " VALUES (?, ?, 'queued', ?, ?, ?)",
            (chat_id, reason, stamp(now), desk.network, desk.chat),
        )
        return HandoverRecord(cur.lastrowid or 0, chat_id, reason, "queued", now, desk)

    async def get(self, number: int) -> HandoverRecord | None:
        """Return the handover staff know as ``#number``."""
        return await self._one("SELECT * FROM handovers WHERE id = ?", (number,))

    async def current(self, chat_id: int) -> HandoverRecord | None:
        """Return the chat's open handover, if any."""
        return await self._one(
            "SELECT * FROM handovers WHERE chat_id = ? AND state IN (?, ?)"
            " ORDER BY id DESC LIMIT 1",
            (chat_id, *OPEN),
        )

    async def by_thread(self, desk: ChatRef, thread: str) -> HandoverRecord | None:
        """Return the handover whose desk thread (or forum topic) this is."""
        return await self._one(
            "SELECT * FROM handovers WHERE desk_network = ? AND desk_chat = ? AND desk_thread = ?"
            " ORDER BY id DESC LIMIT 1",
            (desk.network, desk.chat, thread),
        )

    async def save(self, h: HandoverRecord) -> None:
        """Write back a changed handover."""
        await self.db.execute(
            "UPDATE handovers SET state=?, claimed_at=?, closed_at=?, reminded_at=?, staff=?,"
            " staff_name=?, desk_thread=?, desk_card=?, desk_chat=? WHERE id=?",
            (
                h.state,
                stamp(h.claimed_at) if h.claimed_at else None,
                stamp(h.closed_at) if h.closed_at else None,
                stamp(h.reminded_at) if h.reminded_at else None,
                h.staff,
                h.staff_name,
                h.desk_thread,
                h.desk_card,
                h.desk.chat,
                h.id,
            ),
        )

    async def set_thread(self, number: int, thread: str | None, card: str) -> None:
        """Remember where a handover's card landed on the desk."""
        await self.db.execute(
            "UPDATE handovers SET desk_thread = COALESCE(?, desk_thread),"
            " desk_card = COALESCE(desk_card, ?) WHERE id = ?",
            (thread, card, number),
        )

    async def position(self, h: HandoverRecord) -> int:
        """Return the place of a queued handover in the queue (1 = next)."""
        row = await fetch_one(
            self.db,
            "SELECT COUNT(*) FROM handovers WHERE state = 'queued' AND id <= ?",
            (h.id,),
        )
        return int(row[0]) if row else 1

    async def open_ones(self) -> list[HandoverRecord]:
        """Return every queued or claimed handover, oldest first."""
        return await self._many("SELECT * FROM handovers WHERE state IN (?, ?) ORDER BY id", OPEN)

    async def due_reminders(self, opened_before: datetime) -> list[HandoverRecord]:
        """Return queued handovers waiting since before a moment and not reminded since."""
        limit = stamp(opened_before)
        return await self._many(
            "SELECT * FROM handovers WHERE state = 'queued' AND opened_at < ?"
            " AND (reminded_at IS NULL OR reminded_at < ?) ORDER BY id",
            (limit, limit),
        )

    async def move_desk(self, old: ChatRef, new_chat: str) -> None:
        """Follow a desk that got a new id (a Telegram group upgraded to a supergroup)."""
        await self.db.execute(
            "UPDATE handovers SET desk_chat = ? WHERE desk_network = ? AND desk_chat = ?",
            (new_chat, old.network, old.chat),
        )
