"""Test helpers that act as Telegram users: write, press buttons, block, join, migrate."""

from __future__ import annotations

import itertools
import struct
import zlib
from typing import Any

from .core import CallbackQuery, Core
from .files import image_size
from .messages import StoredMessage
from .model import GROUP_ANONYMOUS_BOT, Chat, Member, User
from .textutil import clean_entities, find_entities, sort_entities

_query_ids = itertools.count(4_382_000_000_000_000_001)


def tiny_png(width: int = 1, height: int = 1) -> bytes:
    """A valid grey PNG of the given size, for photo uploads in tests."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"".join(b"\x00" + b"\x80" * width for _ in range(height)))
    chunks = chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + chunks


class UserActions:
    """Mixin for :class:`BotApiServer`: every method is something a person does."""

    core: Core

    def _post(
        self,
        user: User,
        chat: Chat | None,
        reply_to: StoredMessage | None = None,
        thread_id: int | None = None,
        **content: Any,
    ) -> StoredMessage:
        """Store a message from ``user`` and queue its update if the bot can see it."""
        chat = chat or self.core.world.private_chat(user)
        fields: dict[str, Any] = {}
        if chat.migrated_to is not None:
            raise ValueError(f"chat {chat.id} was migrated to {chat.migrated_to}")
        if chat.type == "private":
            if chat.peer is not user:
                raise ValueError(f"{user.first_name} is not the user of private chat {chat.id}")
            if chat.blocked:
                raise RuntimeError("the user blocked the bot; call unblock_bot(user) first")
            chat.started = True
        else:
            member = chat.member(user.id)
            if member is None or not member.present:
                raise ValueError(f"{user.first_name} is not a member of {chat.title!r}")
            if member.is_admin and member.is_anonymous:
                user = GROUP_ANONYMOUS_BOT
                fields.update(sender_chat=chat, author_signature=member.custom_title)
        opener = None
        if thread_id is None and reply_to is not None:
            thread_id = reply_to.thread_id
        if thread_id is not None:
            topic = chat.topics.get(thread_id)
            if topic is None or topic.deleted:
                raise ValueError(f"no topic {thread_id} in {chat.title!r}")
            opener = chat.messages.get(thread_id)
        message = self.core.new_message(
            chat,
            user,
            reply_to=reply_to or opener,
            explicit_reply=reply_to is not None,
            thread_id=thread_id,
            is_topic_message=thread_id is not None,
            **fields,
            **content,
        )
        self.core.deliver(message)
        return message

    def send_text(
        self,
        user: User,
        chat: Chat | None,
        text: str,
        reply_to: StoredMessage | None = None,
        thread_id: int | None = None,
        entities: list[dict[str, Any]] | None = None,
    ) -> StoredMessage:
        """``user`` writes ``text`` (chat None: the private chat with the bot)."""
        marked = clean_entities(entities or [], text)
        found = find_entities(text, marked)
        return self._post(
            user, chat, reply_to, thread_id, text=text, entities=sort_entities(marked + found)
        )

    def send_command(
        self,
        user: User,
        chat: Chat | None,
        command: str,
        args: str = "",
        reply_to: StoredMessage | None = None,
        thread_id: int | None = None,
        mention_bot: bool = False,
    ) -> StoredMessage:
        """``user`` sends ``/command args`` (``/command@botname`` with ``mention_bot``)."""
        text = "/" + command.removeprefix("/")
        if mention_bot:
            text += "@" + (self.core.bot.username or "")
        if args:
            text += " " + args
        return self.send_text(user, chat, text, reply_to, thread_id)

    def send_photo(
        self,
        user: User,
        chat: Chat | None,
        data: bytes | None = None,
        caption: str | None = None,
        reply_to: StoredMessage | None = None,
        thread_id: int | None = None,
    ) -> StoredMessage:
        """``user`` sends a photo (a small PNG unless ``data`` is given)."""
        data = data or tiny_png(4, 3)
        width, height = image_size(data) or (0, 0)
        stored = self.core.files.add("photo", data, width=width, height=height)
        return self._post(
            user, chat, reply_to, thread_id, media={"photo": [stored.photo_size()]},
            **self._caption(caption),
        )  # fmt: skip

    def send_document(
        self,
        user: User,
        chat: Chat | None,
        data: bytes,
        file_name: str = "document.pdf",
        mime_type: str | None = "application/pdf",
        caption: str | None = None,
        reply_to: StoredMessage | None = None,
        thread_id: int | None = None,
    ) -> StoredMessage:
        """``user`` sends a file."""
        stored = self.core.files.add("document", data, file_name=file_name, mime_type=mime_type)
        return self._post(
            user, chat, reply_to, thread_id, media={"document": stored.document()},
            **self._caption(caption),
        )  # fmt: skip

    def send_sticker(self, user: User, chat: Chat | None, emoji: str = "👍") -> StoredMessage:
        """``user`` sends a (static WebP) sticker."""
        stored = self.core.files.add("sticker", b"RIFF\x00\x00\x00\x00WEBP", width=512, height=512)
        sticker = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
            "file_size": len(stored.data),
        }
        return self._post(user, chat, media={"sticker": sticker})

    def send_voice(
        self, user: User, chat: Chat | None, data: bytes = b"OggS\x00voice", duration: int = 3
    ) -> StoredMessage:
        """``user`` sends a voice message."""
        stored = self.core.files.add("voice", data, mime_type="audio/ogg", duration=duration)
        voice = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "duration": duration,
            "mime_type": "audio/ogg",
            "file_size": len(data),
        }
        return self._post(user, chat, media={"voice": voice})

    def send_location(
        self, user: User, chat: Chat | None, latitude: float, longitude: float
    ) -> StoredMessage:
        """``user`` shares a location."""
        location = {"latitude": latitude, "longitude": longitude}
        return self._post(user, chat, media={"location": location})

    def _caption(self, caption: str | None) -> dict[str, Any]:
        """Caption fields with detected entities."""
        if caption is None:
            return {}
        return {"caption": caption, "caption_entities": find_entities(caption, [])}

    def press_button(
        self, user: User, message: StoredMessage, data: str, forged: bool = False
    ) -> str:
        """``user`` presses the inline button with ``data``; returns the callback query id.

        ``forged``: a modified client sends ``data`` that no button of the message carries.
        """
        if message.deleted or (not forged and data not in message.button_data()):
            raise ValueError(f"no button with data {data!r} on {message!r}")
        query_id = str(next(_query_ids))
        self.core.callbacks[query_id] = CallbackQuery(
            query_id, user, message, data, self.core.clock.now()
        )
        payload = {
            "id": query_id,
            "from": user.to_api(),
            "message": message.to_api(),
            "chat_instance": str(abs(message.chat.id * 7919) % 10**18),
            "data": data,
        }
        self.core.updates.push("callback_query", payload)
        self.core.notify()
        return query_id

    def edit_text(self, user: User, message: StoredMessage, text: str) -> StoredMessage:
        """``user`` edits their own message; the bot gets an ``edited_message``."""
        if message.outgoing or message.text is None:
            raise ValueError(f"{message!r} is not a text message of {user.first_name}")
        message.text = text
        message.entities = find_entities(text, [])
        message.edit_date = self.core.clock.stamp()
        self.core.deliver(message, kind="edited_message")
        return message

    def _set_bot_status(self, user: User, status: str) -> None:
        """Change the bot's status in a private chat and tell the bot (my_chat_member)."""
        chat = self.core.world.private_chat(user)
        old = chat.members[self.core.bot.id]
        new = Member(self.core.bot, status)
        chat.members[self.core.bot.id] = new
        chat.blocked = status == "kicked"
        self.core.member_update(chat, user, old, new)

    def block_bot(self, user: User) -> None:
        """``user`` blocks the bot: sends to them fail with 403 from now on."""
        self._set_bot_status(user, "kicked")

    def unblock_bot(self, user: User) -> None:
        """``user`` unblocks (restarts) the bot."""
        self._set_bot_status(user, "member")
