"""Turning one Matrix event (as raw JSON, decrypted) into the engine's ``Incoming``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot.messages import Attachment, Incoming, Sender

from .media import NETWORK, attachment_of
from .menus import Menus

TEXT_TYPES = ("m.text", "m.emote")


@dataclass(frozen=True, slots=True)
class Where:
    """The room an event came from, as far as conversion needs it."""

    room_id: str
    desk: bool
    # Display name of a member (untrusted; for showing only).
    name: Callable[[str], str]
    # Desk: whether the member has the desk's staff power level.
    member: Callable[[str], bool]


def strip_reply_fallback(body: str) -> str:
    """Drop the quoted "> <@user> ..." lines older clients put before a reply."""
    if not body.startswith("> "):
        return body
    lines = body.split("\n")
    for index, line in enumerate(lines):
        if not line.startswith(">"):
            return "\n".join(lines[index + 1 if line == "" else index :])
    return ""


def _relation(content: dict[str, Any]) -> dict[str, Any]:
    relates = content.get("m.relates_to")
    return relates if isinstance(relates, dict) else {}


def _reply_to(relates: dict[str, Any]) -> str | None:
    reply = relates.get("m.in_reply_to")
    if isinstance(reply, dict) and isinstance(reply.get("event_id"), str):
        return str(reply["event_id"])
    return None


def _message(content: dict[str, Any], event_type: str) -> tuple[str, tuple[Attachment, ...]] | None:
    """The text and attachments of a message; None for what the bot ignores (notices)."""
    msgtype = content.get("msgtype")
    raw_body = content.get("body")
    body = raw_body if isinstance(raw_body, str) else ""
    if event_type == "m.room.message" and msgtype in TEXT_TYPES:
        return body, ()
    if event_type == "m.room.message" and msgtype == "m.notice":
        # Notices are for bots to ignore: no loops between bots.
        return None
    attachment = attachment_of(content, event_type)
    if attachment is None:
        return None
    filename = content.get("filename")
    # Matrix 1.10 captions: a body different from the file name is the caption.
    caption = body if isinstance(filename, str) and body and body != filename else ""
    return caption, (attachment,)


def convert(source: dict[str, Any], where: Where, menus: Menus) -> Incoming | None:
    """The Incoming for one event, or None when it means nothing to the engine."""
    event_type = source.get("type")
    content = source.get("content")
    event_id, sender = source.get("event_id"), source.get("sender")
    if (
        not isinstance(content, dict)
        or not isinstance(event_id, str)
        or not isinstance(sender, str)
    ):
        return None
    ts = source.get("origin_server_ts")
    at = datetime.fromtimestamp(ts / 1000, UTC) if isinstance(ts, int) else None
    who = Sender(NETWORK, where.room_id, sender, where.name(sender))
    member = where.desk and where.member(sender)
    relates = _relation(content)
    if relates.get("rel_type") == "m.replace":
        return None  # an edit: the original was handled already
    thread = relates.get("event_id") if relates.get("rel_type") == "m.thread" else None
    reply_to = _reply_to(relates)
    base: dict[str, Any] = {
        "desk": where.desk,
        "desk_member": member,
        "at": at,
    }
    if event_type == "m.reaction":
        target, key = relates.get("event_id"), relates.get("key")
        if relates.get("rel_type") != "m.annotation" or not isinstance(target, str):
            return None
        choice = menus.pick_reaction(target, key) if isinstance(key, str) else None
        if choice is None:
            return None
        # A reaction on a desk card counts as written in the card's thread.
        anchor = target if where.desk else None
        return Incoming(event_id, who, choice=choice, thread=anchor, reply_to=anchor, **base)
    if event_type == "m.room.redaction":
        redacts = content.get("redacts") or source.get("redacts")
        if where.desk or not isinstance(redacts, str):
            return None
        return Incoming(event_id, who, event="redacted", reply_to=redacts, at=at)
    if event_type not in ("m.room.message", "m.sticker"):
        return None
    message = _message(content, event_type)
    if message is None:
        return None
    text, attachments = message
    if reply_to is not None and not relates.get("is_falling_back"):
        text = strip_reply_fallback(text)
    choice = None
    if not where.desk and not attachments:
        choice = menus.pick_text(where.room_id, text)
    return Incoming(
        event_id,
        who,
        text,
        attachments,
        choice,
        thread=thread if isinstance(thread, str) else None,
        reply_to=reply_to,
        **base,
    )
