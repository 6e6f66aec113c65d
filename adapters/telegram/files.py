"""Photos and documents: copied within Telegram, uploaded from other networks, downloaded."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from telegram import Bot, InlineKeyboardMarkup, InputFile, ReplyParameters
from telegram.constants import ParseMode
from telegram.error import BadRequest

from bot.messages import Attachment
from bot.transport import Fetch, Rejected

from .attachments import CAPTIONED, NETWORK, read_handle
from .errors import guarded, is_parse_error
from .render import Chunk

log = logging.getLogger(__name__)
# The Bot API takes uploads up to 50 MB and lets bots download files up to 20 MB.
UPLOAD_LIMIT = 50 * 1024 * 1024
_PHOTO_TYPES = ("image/jpeg", "image/png", "image/webp", "image/gif")


@dataclass(slots=True)
class Placement:
    """Where the parts of one outgoing message go: chat, forum topic, replied-to message."""

    chat: int
    thread: int | None = None
    reply_to: int | None = None

    def reply(self) -> ReplyParameters | None:
        """Reply parameters that still send when the replied-to message is gone."""
        if self.reply_to is None:
            return None
        return ReplyParameters(self.reply_to, allow_sending_without_reply=True)


class Files:
    """Sends attachments to a chat and fetches the ones Telegram users sent."""

    def __init__(self, bot: Bot, fetch_foreign: Fetch) -> None:
        self.bot = bot
        self.fetch_foreign = fetch_foreign

    async def send(
        self,
        where: Placement,
        attachment: Attachment,
        caption: Chunk | None = None,
        markup: InlineKeyboardMarkup | None = None,
    ) -> int | None:
        """Send one attachment (with our caption, if any); None if it cannot be sent at all."""
        try:
            return await self._send(where, attachment, caption, markup, plain=False)
        except BadRequest as exc:
            if caption is None or not is_parse_error(exc):
                raise
            return await self._send(where, attachment, caption, markup, plain=True)

    async def _send(
        self,
        where: Placement,
        a: Attachment,
        caption: Chunk | None,
        markup: InlineKeyboardMarkup | None,
        plain: bool,
    ) -> int | None:
        text = None if caption is None else (caption.plain if plain else caption.html)
        mode = ParseMode.HTML if caption is not None and not plain else None
        if a.network == NETWORK:
            chat, message_id, file_id = read_handle(a.handle)
            try:
                copied = await self.bot.copy_message(
                    where.chat,
                    chat,
                    message_id,
                    # The sender's own caption is already part of the relayed text.
                    caption=text if text is not None else ("" if a.kind in CAPTIONED else None),
                    parse_mode=mode,
                    reply_markup=markup,
                    message_thread_id=where.thread,
                    reply_parameters=where.reply(),
                )
                return copied.message_id
            except BadRequest as exc:
                if "not found" not in str(exc.message).lower() or not file_id:
                    raise
                # The user deleted the message; the file itself is still there.
                log.info("the message to copy is gone; sending its file instead")
            return await self._upload(where, a, file_id, text, mode, markup)
        data = await self.fetch_foreign(a)
        if len(data) > UPLOAD_LIMIT:
            log.warning("a %s from %s is too large for Telegram; left out", a.kind, a.network)
            return None
        upload = InputFile(data, filename=a.name or ("photo.jpg" if a.kind == "photo" else "file"))
        return await self._upload(where, a, upload, text, mode, markup)

    async def _upload(
        self,
        where: Placement,
        a: Attachment,
        content: str | InputFile,
        caption: str | None,
        mode: str | None,
        markup: InlineKeyboardMarkup | None,
    ) -> int | None:
        # The same placement and caption whether it goes as a photo or a file.
        common: dict[str, Any] = {
            "caption": caption,
            "parse_mode": mode,
            "reply_markup": markup,
            "message_thread_id": where.thread,
            "reply_parameters": where.reply(),
        }
        if a.kind == "photo" and (a.mime or "image/jpeg") in _PHOTO_TYPES:
            try:
                photo = await self.bot.send_photo(where.chat, content, **common)
                return photo.message_id
            except BadRequest as exc:
                if is_parse_error(exc) or isinstance(content, str):
                    raise
                # Too large or odd dimensions for a photo: it still goes as a file.
                log.info("Telegram refused a photo (%s); sending it as a file", exc.message)
        if a.kind not in ("photo", "document") and isinstance(content, str):
            # A sticker, voice message, location ... whose original message was deleted.
            log.warning("a %s could not be copied and is left out", a.kind)
            return None
        document = await self.bot.send_document(where.chat, content, **common)
        return document.message_id

    async def fetch(self, attachment: Attachment) -> bytes:
        """Download a file a Telegram user sent (for staff on another network)."""
        if attachment.network != NETWORK:
            raise Rejected("not a Telegram attachment")
        _chat, _message, file_id = read_handle(attachment.handle)
        if not file_id:
            raise Rejected(f"a {attachment.kind} has no file to download")
        file = await guarded(self.bot.get_file(file_id))
        return bytes(await guarded(file.download_as_bytearray()))
