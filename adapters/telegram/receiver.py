"""The one handler for every update: hand it to the engine, then let Telegram know."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Coroutine
from typing import Any

from telegram import Bot, CallbackQuery, Chat, Message, Update
from telegram.constants import ChatAction
from telegram.error import TelegramError

from bot.transport import Inbox

from .buttons import EXPIRED, ButtonSigner, after_press
from .desk import DeskChat
from .handoff import HandoffQueue
from .incoming import Converter

log = logging.getLogger(__name__)
# "typing…" shows for five seconds; it is renewed while the engine still works.
TYPING_EVERY = 4.5


class Receiver:
    """Converts updates, shows "typing" while the engine works, answers button presses."""

    def __init__(
        self,
        bot: Bot,
        desk: DeskChat,
        signer: ButtonSigner,
        queue: HandoffQueue,
        inbox: Inbox,
        typing_after: float = 0.3,
    ) -> None:
        self.bot = bot
        self.desk = desk
        self.signer = signer
        self.queue = queue
        self.inbox = inbox
        self.convert = Converter(bot, desk, signer)
        # Only a slow turn shows "typing": a quick reply would arrive before the action
        # and leave "typing…" hanging for five seconds after it.
        self.typing_after = typing_after
        self._background: set[asyncio.Task[None]] = set()

    async def __call__(self, update: object, context: object = None) -> None:
        """PTB's handler callback; marks the update handled unless the handler was cancelled."""
        try:
            if isinstance(update, Update):
                await self._receive(update)
        except asyncio.CancelledError:
            raise  # not handled: Telegram must deliver it again
        except Exception:
            # No message text here: it may hold personal data.
            log.exception("could not hand a Telegram update to the engine")
        self.queue.done(update)

    async def _receive(self, update: Update) -> None:
        if update.callback_query is not None:
            await self._press(update.callback_query)
        elif update.message is not None:
            await self._message(update.message)

    async def _message(self, msg: Message) -> None:
        if msg.migrate_to_chat_id:
            self.desk.moved(msg.chat.id, msg.migrate_to_chat_id)
        if msg.migrate_from_chat_id:
            self.desk.moved(msg.migrate_from_chat_id, msg.chat.id)
        incoming = await self.convert.message(msg)
        if incoming is None:
            return
        async with self._typing(msg.chat):
            await self.inbox(incoming)

    async def _press(self, query: CallbackQuery) -> None:
        incoming = None
        try:
            incoming = await self.convert.press(query)
            if incoming is not None:
                async with self._typing(query.message.chat if query.message else None):
                    await self.inbox(incoming)
        finally:
            # Always answered, or the button keeps spinning in the user's app.
            self._later(query.answer())
        msg = query.message
        if incoming is not None and isinstance(msg, Message) and msg.chat.type == Chat.PRIVATE:
            payload = incoming.choice or EXPIRED
            left = after_press(msg.reply_markup, payload, msg.chat.id, self.signer)
            self._later(msg.edit_reply_markup(left))

    @contextlib.asynccontextmanager
    async def _typing(self, chat: Chat | None) -> AsyncIterator[None]:
        if chat is None or chat.type != Chat.PRIVATE:
            yield
            return
        task = asyncio.create_task(self._keep_typing(chat.id))
        try:
            yield
        finally:
            task.cancel()

    async def _keep_typing(self, chat_id: int) -> None:
        await asyncio.sleep(self.typing_after)
        while True:
            self._later(self.bot.send_chat_action(chat_id, ChatAction.TYPING))
            await asyncio.sleep(TYPING_EVERY)

    def _later(self, call: Coroutine[Any, Any, Any]) -> None:
        """Run a best-effort call without holding up the next update."""

        async def quietly() -> None:
            try:
                await call
            except TelegramError as exc:
                log.debug("a best-effort Telegram call failed: %s", type(exc).__name__)

        task = asyncio.create_task(quietly())
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def drain(self) -> None:
        """Wait for best-effort calls still under way (at shutdown)."""
        if self._background:
            await asyncio.wait(set(self._background), timeout=5)
