"""BotApiServer: a local Telegram Bot API on 127.0.0.1 with a world tests can act in."""

from __future__ import annotations

import secrets
import socket
from collections.abc import Callable, Iterable
from typing import Any

from aiohttp import web

from .actors import UserActions
from .clock import Clock
from .core import Core, WebhookState
from .dispatch import build_app
from .faults import Hold
from .inspection import Inspection
from .membership import GroupActions
from .model import Chat, User
from .params import Params
from .webhook import WebhookPusher


class BotApiServer(UserActions, GroupActions, Inspection):
    """A faithful offline stand-in for api.telegram.org, driven from tests."""

    def __init__(
        self,
        bot_username: str = "lotse_test_bot",
        bot_name: str = "Lotse",
        privacy_mode: bool = True,
        callback_max_age: float = 15.0,
        webhook_retry_delay: float = 0.05,
    ) -> None:
        bot_id = 7_000_000_000 + secrets.randbelow(999_999_999)
        self.token = f"{bot_id}:{secrets.token_urlsafe(26)[:35]}"
        bot = User(bot_id, bot_name, username=bot_username, is_bot=True)
        self.core = Core(self.token, bot, privacy_mode, callback_max_age)
        self._cursors: dict[int, int] = {}
        self._pusher = WebhookPusher(self.core, retry_delay=webhook_retry_delay)
        self._runner: web.AppRunner | None = None
        self.port = 0

    async def start(self) -> None:
        """Listen on a free port of 127.0.0.1."""
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        # handler_cancellation ends an open long poll at once when the client goes away;
        # shutdown_timeout keeps stop() from waiting for it.
        self._runner = web.AppRunner(
            build_app(self.core), handler_cancellation=True, shutdown_timeout=1, access_log=None
        )
        await self._runner.setup()
        await web.SockSite(self._runner, sock).start()
        self._pusher.start()

    async def stop(self) -> None:
        """Stop serving and delivering webhooks."""
        await self._pusher.stop()
        # Answer open long polls now: aiohttp would otherwise wait for them before cancelling.
        self.core.updates.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> BotApiServer:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        """For ``ApplicationBuilder().base_url(...)`` (PTB appends the token)."""
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        """For ``ApplicationBuilder().base_file_url(...)``."""
        return f"http://127.0.0.1:{self.port}/file/bot"

    @property
    def bot(self) -> User:
        """The bot's own account."""
        return self.core.bot

    @property
    def clock(self) -> Clock:
        """The server's clock; ``clock.advance(hours=49)`` ages every message."""
        return self.core.clock

    @property
    def webhook(self) -> WebhookState | None:
        """The webhook the bot set (None in getUpdates mode), with its delivery log."""
        return self.core.webhook

    def application_builder(self) -> Any:
        """A python-telegram-bot ApplicationBuilder pointed at this server."""
        from telegram.ext import ApplicationBuilder

        return (
            ApplicationBuilder()
            .token(self.token)
            .base_url(self.base_url)
            .base_file_url(self.base_file_url)
        )

    # The world

    def add_user(
        self,
        first_name: str,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "de",
        is_bot: bool = False,
    ) -> User:
        """Create a Telegram user."""
        return self.core.world.add_user(first_name, last_name, username, language_code, is_bot)

    def private_chat(self, user: User) -> Chat:
        """The private chat between ``user`` and the bot."""
        return self.core.world.private_chat(user)

    def add_group(
        self,
        title: str,
        members: Iterable[User] = (),
        admins: Iterable[User] = (),
        creator: User | None = None,
        bot_status: str | None = "member",
    ) -> Chat:
        """Create a basic group (``bot_status`` None: the bot is not in it)."""
        return self.core.world.add_group(title, members, admins, creator, bot_status)

    def add_supergroup(
        self,
        title: str,
        members: Iterable[User] = (),
        admins: Iterable[User] = (),
        anonymous_admins: Iterable[User] = (),
        creator: User | None = None,
        username: str | None = None,
        is_forum: bool = False,
        bot_status: str | None = "member",
        bot_rights: dict[str, bool] | None = None,
    ) -> Chat:
        """Create a supergroup, a forum if ``is_forum``; the bot joins with ``bot_status``."""
        return self.core.world.add_supergroup(
            title, members, admins, anonymous_admins, creator, username, is_forum,
            bot_status, bot_rights,
        )  # fmt: skip

    def chat(self, chat_id: int) -> Chat:
        """A chat by id (KeyError if unknown)."""
        return self.core.world.chats[chat_id]

    # Faults

    def fail_next(
        self,
        method: str,
        status: int,
        description: str | None = None,
        retry_after: int | None = None,
        count: int = 1,
        migrate_to_chat_id: int | None = None,
    ) -> None:
        """The next ``count`` calls of ``method`` ("*" for any) fail with this error."""
        self.core.faults.fail_next(
            method, status, description, retry_after, count, migrate_to_chat_id
        )

    def drop_connection_next(
        self, method: str, count: int = 1, after_processing: bool = False
    ) -> None:
        """The next calls of ``method`` lose their connection (before or after taking effect)."""
        self.core.faults.drop_connection_next(method, count, after_processing)

    def hold_next(
        self, method: str, count: int = 1, when: Callable[[Params], bool] | None = None
    ) -> Hold:
        """Hold the next calls of ``method`` (whose parameters pass ``when``) before they take
        effect; a client that goes away meanwhile (a killed bot) cancels them.
        ``await hold.arrived.wait()``, then ``hold.release()``."""
        return self.core.faults.hold_next(method, count, when)

    def rate_limit(
        self,
        per_chat_per_second: float = 1.0,
        burst: int = 3,
        global_per_second: float | None = 30.0,
        global_burst: int | None = None,
    ) -> None:
        """Switch on flood limits; calls beyond them get 429 with retry_after."""
        self.core.flood.configure(per_chat_per_second, burst, global_per_second, global_burst)

    def rate_limit_off(self) -> None:
        """Switch flood limits off."""
        self.core.flood.off()
