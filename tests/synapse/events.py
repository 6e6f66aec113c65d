"""Predicates and accessors for nio events and rooms, as tests and Persons use them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nio import Event, MatrixRoom, RoomMessage

Predicate = Callable[[Event], bool]


def from_user(user_id: str, body: str | None = None) -> Predicate:
    """Match a message event from `user_id`, optionally with exactly this body."""

    def match(event: Event) -> bool:
        if not isinstance(event, RoomMessage) or event.sender != user_id:
            return False
        return body is None or getattr(event, "body", None) == body

    return match


def relation(event: Event) -> dict[str, Any]:
    """The event's m.relates_to (empty when it has none)."""
    relates: dict[str, Any] = event.source.get("content", {}).get("m.relates_to") or {}
    return relates


def joined_members(room: MatrixRoom) -> set[str]:
    """Joined user IDs: nio's room.users also holds invited users (flagged `invited`)."""
    return {user_id for user_id, user in room.users.items() if not user.invited}
