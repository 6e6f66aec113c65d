"""Newcomer chats and their messages."""

from __future__ import annotations

import json
from datetime import datetime

from bot.messages import Attachment, ChatRef
from bot.privacy import mask
from bot.store.inline import Connection
from bot.store.query import fetch_all, fetch_one
from bot.store.records import ChatRecord, MessageRecord, moment, stamp


class Chats:
    """Queries on ``chats`` and ``messages`` inside one transaction."""

    def __init__(self, db: Connection) -> None:
        self.db = db

    async def get(self, ref: ChatRef) -> ChatRecord | None:
        """Return the chat on ``ref``, if the bot knows it."""
        row = await fetch_one(
            self.db,
            "SELECT * FROM chats WHERE network = ? AND chat = ?",
            (ref.network, ref.chat),
        )
        return ChatRecord.from_row(row) if row else None

    async def by_id(self, chat_id: int) -> ChatRecord | None:
        """Return the chat with this id."""
        row = await fetch_one(self.db, "SELECT * FROM chats WHERE id = ?", (chat_id,))
        return ChatRecord.from_row(row) if row else None

    async def create(self, ref: ChatRef, user: str, now: datetime) -> ChatRecord:
        """Start knowing a chat."""
        cur = await self.db.execute(
            "INSERT INTO chats (network, chat, user, created_at, last_active_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (ref.network, ref.chat, user, stamp(now), stamp(now)),
        )
        return ChatRecord(cur.lastrowid or 0, ref.network, ref.chat, user, now, now)

    async def save(self, chat: ChatRecord) -> None:
        """Write back a changed chat."""
        await self.db.execute(
            "UPDATE chats SET language=?, language_chosen=?, region=?, region_asked=?, state=?,"
            " active=?, misses=?, offer_seq=?, offer=?, last_active_at=? WHERE id=?",
            (
                chat.language,
                int(chat.language_chosen),
                chat.region,
                int(chat.region_asked),
                chat.state,
                int(chat.active),
                chat.misses,
                chat.offer_seq,
                json.dumps(chat.offer),
                stamp(chat.last_active_at),
                chat.id,
            ),
        )

    async def set_inactive(self, ref: ChatRef) -> None:
        """Remember that a chat cannot be reached (the user blocked the bot)."""
        await self.db.execute(
            "UPDATE chats SET active = 0 WHERE network = ? AND chat = ?", (ref.network, ref.chat)
        )

    async def delete(self, chat_id: int) -> None:
        """Erase a chat and, by cascade, everything stored about it."""
        await self.db.execute("DELETE FROM chats WHERE id = ?", (chat_id,))

    async def add_message(
        self,
        chat_id: int,
        direction: str,
        text: str,
        now: datetime,
        *,
        handover_id: int | None = None,
        entry: str | None = None,
        author: str | None = None,
        attachments: tuple[Attachment, ...] = (),
        source: str | None = None,
    ) -> None:
        """Store one message of a conversation (``source``: its id on the network)."""
        files = json.dumps([{"kind": a.kind, "name": a.name, "size": a.size} for a in attachments])
        await self.db.execute(
            "INSERT INTO messages (chat_id, handover_id, direction, author, text, entry,"
            " attachments, at, source) VALUES (?,?,?,?,?,?,?,?,?)",
            (chat_id, handover_id, direction, author, text, entry, files, stamp(now), source),
        )

    async def forget_message(self, chat_id: int, source: str) -> int:
        """Delete a message the user took back, and its masked copy among unanswered questions."""
        rows = await fetch_all(
            self.db, "SELECT text FROM messages WHERE chat_id = ? AND source = ?", (chat_id, source)
        )
        for text in (str(row[0]) for row in rows):
            await self.db.execute(
                "DELETE FROM unanswered WHERE chat_id = ? AND text = ?",
                (chat_id, mask(text.strip())),
            )
        cur = await self.db.execute(
            "DELETE FROM messages WHERE chat_id = ? AND source = ?", (chat_id, source)
        )
        return cur.rowcount

    async def recent(self, chat_id: int, limit: int) -> list[MessageRecord]:
        """Return the last ``limit`` messages of a chat, oldest first."""
        rows = await fetch_all(
            self.db,
            "SELECT direction, text, at, entry, author FROM messages WHERE chat_id = ?"
            " ORDER BY id DESC LIMIT ?",
            (chat_id, limit),
        )
        return [
            MessageRecord(r["direction"], r["text"], moment(r["at"]), r["entry"], r["author"])  # type: ignore[arg-type]
            for r in reversed(list(rows))
        ]
