"""A message as the fake server stores it, and its Bot API ``Message`` form."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .model import Chat, User


@dataclass(eq=False)
class StoredMessage:
    """One message in a chat: who sent it, its content, its place (reply, topic)."""

    chat: Chat
    message_id: int
    date: int
    sender: User | None
    outgoing: bool = False  # sent by the bot under test
    sender_chat: Chat | None = None
    text: str | None = None
    entities: list[dict[str, Any]] = field(default_factory=list)
    caption: str | None = None
    caption_entities: list[dict[str, Any]] = field(default_factory=list)
    media: dict[str, Any] = field(default_factory=dict)  # e.g. {"photo": [...]}
    service: dict[str, Any] = field(default_factory=dict)  # e.g. {"new_chat_members": [...]}
    reply_to: StoredMessage | None = None
    explicit_reply: bool = False  # False: the implicit reply to a topic's first message
    thread_id: int | None = None
    is_topic_message: bool = False
    reply_markup: dict[str, Any] | None = None  # inline keyboards only: they stay on the message
    keyboard: dict[str, Any] | None = None  # reply keyboard / remove / force_reply sent with it
    edit_date: int | None = None
    forward_origin: dict[str, Any] | None = None
    link_preview_options: dict[str, Any] | None = None
    silent: bool = False
    protect_content: bool = False
    author_signature: str | None = None
    deleted: bool = False

    @property
    def kind(self) -> str:
        """``text``, a media kind (``photo``, ``document``...) or ``service``."""
        if self.text is not None:
            return "text"
        if self.media:
            return next(iter(self.media))
        return "service"

    @property
    def is_service(self) -> bool:
        """True for service messages (joins, topic created, migration...)."""
        return bool(self.service)

    @property
    def body(self) -> str | None:
        """The text, or the caption of a media message."""
        return self.text if self.text is not None else self.caption

    def button_data(self) -> list[str]:
        """All ``callback_data`` values of the inline keyboard."""
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [b["callback_data"] for row in rows for b in row if "callback_data" in b]

    def to_api(self, with_reply: bool = True) -> dict[str, Any]:
        """The Bot API ``Message`` object (a replied-to message is one level deep)."""
        out: dict[str, Any] = {"message_id": self.message_id}
        if self.thread_id is not None:
            out["message_thread_id"] = self.thread_id
        if self.sender is not None:
            out["from"] = self.sender.to_api()
        if self.sender_chat is not None:
            out["sender_chat"] = self.sender_chat.to_api()
        out["date"] = self.date
        out["chat"] = self.chat.to_api()
        if self.forward_origin is not None:
            out["forward_origin"] = self.forward_origin
        if self.is_topic_message:
            out["is_topic_message"] = True
        if with_reply and self.reply_to is not None and not self.reply_to.deleted:
            out["reply_to_message"] = self.reply_to.to_api(with_reply=False)
        if self.edit_date is not None:
            out["edit_date"] = self.edit_date
        if self.protect_content:
            out["has_protected_content"] = True
        if self.author_signature:
            out["author_signature"] = self.author_signature
        if self.text is not None:
            out["text"] = self.text
            if self.entities:
                out["entities"] = self.entities
        if self.link_preview_options is not None:
            out["link_preview_options"] = self.link_preview_options
        out.update(self.media)
        if self.caption is not None:
            out["caption"] = self.caption
            if self.caption_entities:
                out["caption_entities"] = self.caption_entities
        out.update(self.service)
        if self.reply_markup is not None:
            out["reply_markup"] = self.reply_markup
        return out

    def __repr__(self) -> str:
        who = "bot" if self.outgoing else (self.sender.first_name if self.sender else "-")
        return f"<Message {self.chat.id}/{self.message_id} {who} {self.kind} {self.body!r}>"
