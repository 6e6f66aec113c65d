"""Small frozen, network-neutral messages: what adapters hand in and what they send.

Adapters import this module (with :mod:`bot.markdown` and :mod:`bot.transport`)
and nothing else from the core.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any, Literal

AttachmentKind = Literal[
    "photo", "document", "voice", "audio", "video", "sticker", "location", "contact", "other"
]
ChoiceKind = Literal["option", "feedback", "action", "language", "region"]


@dataclass(frozen=True, slots=True)
class ChatRef:
    """A chat on one network: a Telegram chat id or a Matrix room id."""

    network: str
    chat: str

    def key(self) -> str:
        """Return ``network:chat``, the form used in the store and in logs."""
        return f"{self.network}:{self.chat}"


@dataclass(frozen=True, slots=True)
class Sender:
    """Who wrote: network, chat and user ids, an untrusted display name, a language hint."""

    network: str
    chat: str
    user: str
    name: str = ""
    language: str | None = None

    @property
    def chat_ref(self) -> ChatRef:
        """Return the chat this sender wrote in."""
        return ChatRef(self.network, self.chat)

    def key(self) -> str:
        """Return ``network:user``, the form staff lists are written in."""
        return f"{self.network}:{self.user}"


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file or other non-text part; ``handle`` is what its adapter needs to fetch or copy it."""

    kind: AttachmentKind
    network: str
    handle: str
    name: str | None = None
    size: int | None = None
    mime: str | None = None


@dataclass(frozen=True, slots=True)
class Choice:
    """A button (or numbered option): ``label`` is shown, ``payload`` comes back when chosen."""

    label: str
    payload: str
    kind: ChoiceKind = "option"


@dataclass(frozen=True, slots=True)
class Incoming:
    """One message or button press from a network, as the engine sees it."""

    id: str
    sender: Sender
    text: str = ""
    attachments: tuple[Attachment, ...] = ()
    choice: str | None = None
    # True when it arrived in the staff desk chat.
    desk: bool = False
    # Desk: the thread or forum topic it was written in, and the message it replies to.
    # With event="redacted": the id of the message the user took back.
    thread: str | None = None
    reply_to: str | None = None
    # The adapter vouches that the sender is a member of the desk (used only
    # when the configuration authorises staff by membership).
    desk_member: bool = False
    at: datetime | None = None
    # Something that happened in the chat rather than a message: "shared_room"
    # (a third person joined a one-to-one chat, so the bot stops relaying there),
    # "redacted" (the user deleted one of their messages; the stored copy goes too).
    event: str | None = None


@dataclass(frozen=True, slots=True)
class Outgoing:
    """A message to send: Markdown-subset text, choices, attachments to copy."""

    to: ChatRef
    text: str
    language: str = "de"
    choices: tuple[Choice, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    # Desk: post inside this thread/topic and as a reply to this message.
    thread: str | None = None
    reply_to: str | None = None
    # Desk: open a new thread (a forum topic on Telegram) with this title,
    # rooted at this message; the adapter returns its id in ``Sent.thread``.
    new_thread: str | None = None
    # A stable id for this send, so a retried send creates one message
    # (Matrix transaction ids); set by the outbox.
    txn: str = ""


@dataclass(frozen=True, slots=True)
class Deletion:
    """Ask an adapter to delete (or redact) a message the bot sent, or a whole desk thread."""

    to: ChatRef
    message_id: str | None = None
    thread: str | None = None
    sent_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Sent:
    """What the network gave back for a send: the message id and, for a new thread, its id."""

    message_id: str
    thread: str | None = None
    extra_ids: tuple[str, ...] = field(default=())


Action = Outgoing | Deletion


def _chat(data: dict[str, Any]) -> ChatRef:
    return ChatRef(str(data["network"]), str(data["chat"]))


def _fields(value: object) -> dict[str, Any]:
    # A shallow field copy: asdict's deep copy was a visible cost per message.
    return {f.name: getattr(value, f.name) for f in fields(value)}  # type: ignore[arg-type]


def dump(action: Action) -> str:
    """Serialise an outgoing action for the outbox."""
    data = _fields(action)
    data["to"] = _fields(action.to)
    if isinstance(action, Outgoing):
        data["type"] = "send"
        data["choices"] = [_fields(c) for c in action.choices]
        data["attachments"] = [_fields(a) for a in action.attachments]
    else:
        data["type"] = "delete"
        data["sent_at"] = action.sent_at.isoformat() if action.sent_at is not None else None
    return json.dumps(data, ensure_ascii=False)


def load(raw: str) -> Action:
    """Read back what :func:`dump` wrote."""
    data = json.loads(raw)
    kind = data.pop("type")
    to = _chat(data.pop("to"))
    if kind == "delete":
        sent_at = data.get("sent_at")
        return Deletion(
            to,
            data.get("message_id"),
            data.get("thread"),
            datetime.fromisoformat(sent_at) if sent_at else None,
        )
    data["choices"] = tuple(Choice(**c) for c in data.get("choices", ()))
    data["attachments"] = tuple(Attachment(**a) for a in data.get("attachments", ()))
    return Outgoing(to=to, **data)
