"""Rows of the store as small dataclasses, and the time format they are stored in."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from bot.messages import ChatRef


def stamp(moment: datetime) -> str:
    """Store a moment as sortable UTC text (fixed width, so text order is time order)."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def moment(text: str | None) -> datetime | None:
    """Read back what :func:`stamp` wrote (fromisoformat is much faster than strptime)."""
    return datetime.fromisoformat(text) if text else None


@dataclass(slots=True)
class ChatRecord:
    """A newcomer's chat with the bot: language, region and where the conversation stands."""

    id: int
    network: str
    chat: str
    user: str
    created_at: datetime
    last_active_at: datetime
    language: str | None = None
    language_chosen: bool = False
    region: str | None = None
    region_asked: bool = False
    state: str = "bot"  # bot | handover
    active: bool = True
    misses: int = 0
    offer_seq: int = 0
    # What the user may pick by button or number: {"kind", "ids", "entry"}.
    offer: dict[str, Any] = field(default_factory=dict)

    @property
    def ref(self) -> ChatRef:
        """Return where to send replies."""
        return ChatRef(self.network, self.chat)

    @staticmethod
    def from_row(row: Any) -> ChatRecord:
        """Build from a ``SELECT * FROM chats`` row."""
        return ChatRecord(
            id=row["id"],
            network=row["network"],
            chat=row["chat"],
            user=row["user"],
            created_at=moment(row["created_at"]),  # type: ignore[arg-type]
            last_active_at=moment(row["last_active_at"]),  # type: ignore[arg-type]
            language=row["language"],
            language_chosen=bool(row["language_chosen"]),
            region=row["region"],
            region_asked=bool(row["region_asked"]),
            state=row["state"],
            active=bool(row["active"]),
            misses=row["misses"],
            offer_seq=row["offer_seq"],
            offer=json.loads(row["offer"]),
        )


@dataclass(slots=True)
class HandoverRecord:
    """A period in which staff, not the bot, look after a chat; ``id`` is the number staff see."""

    id: int
    chat_id: int
    reason: str
    state: str  # queued | claimed | closed
    opened_at: datetime
    desk: ChatRef
    claimed_at: datetime | None = None
    closed_at: datetime | None = None
    reminded_at: datetime | None = None
    staff: str | None = None
    staff_name: str | None = None
    desk_thread: str | None = None
    desk_card: str | None = None

    @staticmethod
    def from_row(row: Any) -> HandoverRecord:
        """Build from a ``SELECT * FROM handovers`` row."""
        return HandoverRecord(
            id=row["id"],
            chat_id=row["chat_id"],
            reason=row["reason"],
            state=row["state"],
            opened_at=moment(row["opened_at"]),  # type: ignore[arg-type]
            desk=ChatRef(row["desk_network"], row["desk_chat"]),
            claimed_at=moment(row["claimed_at"]),
            closed_at=moment(row["closed_at"]),
            reminded_at=moment(row["reminded_at"]),
            staff=row["staff"],
            staff_name=row["staff_name"],
            desk_thread=row["desk_thread"],
            desk_card=row["desk_card"],
        )


@dataclass(frozen=True, slots=True)
class MessageRecord:
    """One stored message of a conversation (kept for the desk card and the report)."""

    direction: str  # in | bot | staff | note
    text: str
    at: datetime
    entry: str | None = None
    author: str | None = None


@dataclass(frozen=True, slots=True)
class OutboxItem:
    """An action waiting to be delivered, in the order it was queued."""

    id: int
    lane: str
    chat_id: int | None
    handover_id: int | None
    kind: str
    action: str
    attempts: int
