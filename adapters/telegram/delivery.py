"""Sending one outgoing message: text in parts, keyboard, files, forum topic or reply thread."""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from telegram import Bot, InlineKeyboardMarkup, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, TelegramError

from bot.messages import Attachment, Outgoing, Sent
from bot.transport import Rejected

from .attachments import CAPTIONED
from .buttons import ButtonSigner, keyboard
from .desk import DeskChat
from .errors import is_parse_error, is_thread_gone, translate
from .files import Files, Placement
from .render import Chunk, fits_caption, render

log = logging.getLogger(__name__)
Part = Callable[[Placement], Awaitable[int | None]]
# Sends that failed halfway are remembered this long (by the outbox's transaction id).
REMEMBERED = 512
_NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


@dataclass(slots=True)
class _Progress:
    """What a retried send already did: the topic it opened and the parts it sent."""

    opened: bool = False
    topic: int | None = None
    sent: list[int | None] = field(default_factory=list)


class Delivery:
    """Turns an Outgoing into Bot API calls; a retry resumes where a failed attempt stopped."""

    def __init__(self, bot: Bot, desk: DeskChat, signer: ButtonSigner, files: Files) -> None:
        self.bot = bot
        self.desk = desk
        self.signer = signer
        self.files = files
        self._progress: OrderedDict[str, _Progress] = OrderedDict()

    def _resume(self, txn: str) -> _Progress:
        if not txn:
            return _Progress()
        progress = self._progress.setdefault(txn, _Progress())
        self._progress.move_to_end(txn)
        while len(self._progress) > REMEMBERED:
            self._progress.popitem(last=False)
        return progress

    async def send(self, out: Outgoing) -> Sent:
        """Send ``out``; raise the core's delivery errors; never send a part twice."""
        progress = self._resume(out.txn)
        chat = int(out.to.chat)
        where = Placement(chat, int(out.thread) if out.thread else None)
        if out.reply_to and out.reply_to.isdigit():
            where.reply_to = int(out.reply_to)
        if out.new_thread:
            if not progress.opened:
                progress.topic = await self.desk.open_topic(self.bot, chat, out.new_thread)
                progress.opened = True
            where.thread = progress.topic or where.thread
        parts = self._parts(out, chat)
        if not parts:
            raise Rejected("an empty message")
        for index, part in enumerate(parts):
            if index < len(progress.sent):
                continue
            progress.sent.append(await self._attempt(where, part))
            # Only the first part replies; the rest follow it.
            where.reply_to = None
        self._progress.pop(out.txn, None)
        ids = [str(i) for i in progress.sent if i is not None]
        if not ids:
            raise Rejected("no part of the message could be sent")
        thread = str(where.thread) if where.thread is not None else None
        return Sent(ids[0], thread, tuple(ids[1:]))

    def _parts(self, out: Outgoing, chat: int) -> list[Part]:
        markup = keyboard(out.choices, chat, self.signer)
        chunks = render(out.text, out.language) if out.text.strip() else []
        files = list(out.attachments)
        caption = None
        if files and files[0].kind in CAPTIONED and markup is None and len(chunks) == 1:
            # A relayed photo of a letter arrives with its "Name (#3): ..." as the caption.
            caption = fits_caption(out.text, out.language)
        parts: list[Part] = []
        if caption is None:
            for n, chunk in enumerate(chunks):
                last = n == len(chunks) - 1
                parts.append(self._text_part(chunk, markup if last else None))
        for n, attachment in enumerate(files):
            parts.append(self._file_part(attachment, caption if n == 0 else None))
        return parts

    def _file_part(self, attachment: Attachment, caption: Chunk | None) -> Part:
        async def send_file(where: Placement) -> int | None:
            return await self.files.send(where, attachment, caption)

        return send_file

    def _text_part(self, chunk: Chunk, markup: InlineKeyboardMarkup | None) -> Part:
        async def send_text(where: Placement) -> int | None:
            try:
                sent = await self.bot.send_message(
                    where.chat,
                    chunk.html,
                    parse_mode=ParseMode.HTML,
                    reply_markup=markup,
                    message_thread_id=where.thread,
                    reply_parameters=where.reply(),
                    link_preview_options=_NO_PREVIEW,
                )
            except BadRequest as exc:
                if not is_parse_error(exc):
                    raise
                # Should never happen; a reply without formatting beats no reply.
                log.error("Telegram could not parse a reply's HTML; sending it as plain text")
                sent = await self.bot.send_message(
                    where.chat,
                    chunk.plain,
                    reply_markup=markup,
                    message_thread_id=where.thread,
                    reply_parameters=where.reply(),
                    link_preview_options=_NO_PREVIEW,
                )
            return sent.message_id

        return send_text

    async def _attempt(self, where: Placement, part: Part) -> int | None:
        try:
            return await part(where)
        except TelegramError as exc:
            if isinstance(exc, ChatMigrated):
                # The courier follows the move; incoming messages from there are desk ones.
                self.desk.moved(where.chat, exc.new_chat_id)
            if where.thread is None or not is_thread_gone(exc):
                raise translate(exc) from exc
        # Staff deleted or closed the topic: post in the group's main chat instead (not as
        # a reply either, which would lead back into the topic).
        log.warning("a desk topic is gone; posting outside it")
        where.thread = where.reply_to = None
        try:
            return await part(where)
        except TelegramError as exc:
            raise translate(exc) from exc
