"""The Telegram adapter: PTB's Application and updater in the bot's own event loop."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.error import Conflict, InvalidToken, NetworkError, TelegramError
from telegram.ext import Application, ApplicationBuilder, TypeHandler

from bot.messages import Attachment, Deletion, Outgoing, Sent
from bot.transport import ConfigError, Fetch, Inbox, Texts

from . import deletion, menu
from .buttons import ButtonSigner
from .delivery import Delivery
from .desk import DeskChat
from .files import Files
from .handoff import HandoffQueue
from .options import TelegramOptions
from .receiver import Receiver

log = logging.getLogger(__name__)
# Edited messages, membership changes and the rest are not asked for.
ALLOWED_UPDATES = ["message", "callback_query"]
START_ATTEMPTS = 5


class TelegramTransport:
    """Newcomers in private chats and the staff desk group, through the Bot API."""

    network = "telegram"

    def __init__(self, options: TelegramOptions, data_dir: Path, texts: Texts) -> None:
        self.options = options
        self.texts = texts
        self.signer = ButtonSigner(options.button_secret)
        self.desk = DeskChat(options.desk_chat, data_dir / "desk.json")
        self.queue = HandoffQueue()
        self.app: Application[Any, Any, Any, Any, Any, Any] | None = None
        self._menu: asyncio.Task[None] | None = None
        # Seconds before "typing…" is shown (tests set 0 to see it).
        self.typing_after = 0.3
        # The clock the engine stamps ``Deletion.sent_at`` with (tests pass their fake one).
        self.clock: Callable[[], datetime] = lambda: datetime.now(UTC)

    def _build(self) -> Application[Any, Any, Any, Any, Any, Any]:
        o = self.options
        builder = (
            ApplicationBuilder()
            .token(o.token)
            .base_url(o.api_url)
            .update_queue(self.queue)
            .concurrent_updates(False)
            .job_queue(None)
            .connect_timeout(10)
            .read_timeout(20)
            .write_timeout(60)
            .pool_timeout(10)
            .get_updates_connect_timeout(10)
            .get_updates_read_timeout(10)
        )
        if o.file_url:
            builder = builder.base_file_url(o.file_url)
        return builder.build()

    async def start(self, inbox: Inbox, fetch: Fetch) -> None:
        """Connect, register the menu, and start polling (or the webhook server)."""
        self.app = app = self._build()
        self.files = Files(app.bot, fetch)
        self.delivery = Delivery(app.bot, self.desk, self.signer, self.files)
        self.receiver = Receiver(
            app.bot, self.desk, self.signer, self.queue, inbox, self.typing_after
        )
        app.add_handler(TypeHandler(Update, self.receiver))
        await self._initialize(app)
        await self.desk.check(app.bot)
        self._menu = asyncio.create_task(menu.publish(app.bot, self.texts, self.desk.current))
        await app.start()
        assert app.updater is not None
        hook = self.options.webhook
        if hook is not None:
            await app.updater.start_webhook(
                listen=hook.listen,
                port=hook.port,
                url_path=hook.path,
                webhook_url=hook.url,
                secret_token=hook.secret_token,
                allowed_updates=ALLOWED_UPDATES,
                drop_pending_updates=False,
                bootstrap_retries=START_ATTEMPTS,
            )
        else:
            await app.updater.start_polling(
                poll_interval=0.0,
                timeout=self.options.poll_timeout,
                allowed_updates=ALLOWED_UPDATES,
                drop_pending_updates=False,
                bootstrap_retries=START_ATTEMPTS,
                error_callback=_polling_error,
            )

    async def _initialize(self, app: Application[Any, Any, Any, Any, Any, Any]) -> None:
        delay = 1.0
        for attempt in range(1, START_ATTEMPTS + 1):
            try:
                await app.initialize()
                return
            except InvalidToken:
                await app.bot.request.shutdown()  # getMe's connection; nothing else is open
                self.app = None
                raise ConfigError(
                    "telegram.token: Telegram does not accept this token; copy it again "
                    "from @BotFather"
                ) from None
            except NetworkError as exc:
                if attempt == START_ATTEMPTS:
                    await app.bot.request.shutdown()
                    self.app = None
                    raise
                log.warning("cannot reach Telegram (%s); trying again", type(exc).__name__)
                await asyncio.sleep(delay)
                delay *= 2

    async def stop(self) -> None:
        """Stop fetching updates, finish the update in hand, and close connections."""
        app = self.app
        if app is None:
            return
        if self._menu is not None:
            self._menu.cancel()
            await asyncio.gather(self._menu, return_exceptions=True)
        if app.updater is not None and app.updater.running:
            await app.updater.stop()
        if app.running:
            await app.stop()
        await self.receiver.drain()
        await app.shutdown()
        self.app = None

    async def send(self, out: Outgoing) -> Sent:
        """Send one message (see :class:`Delivery`)."""
        return await self.delivery.send(out)

    async def delete(self, d: Deletion) -> bool:
        """Delete a message the bot sent, or a desk topic; False where Telegram refuses."""
        assert self.app is not None
        return await deletion.delete(self.app.bot, self.desk, d, self.clock)

    async def fetch(self, attachment: Attachment) -> bytes:
        """Download a file a Telegram user sent."""
        return await self.files.fetch(attachment)


def _polling_error(exc: TelegramError) -> None:
    # PTB retries by itself; only the kind of error is logged (never a URL with the token).
    if isinstance(exc, Conflict):
        log.error("another program is fetching updates with this bot's token; stop it")
    else:
        log.warning("fetching updates from Telegram failed (%s); retrying", type(exc).__name__)
