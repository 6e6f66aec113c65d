"""Webhook mode: the server POSTs updates with the secret header and retries until 2xx."""

from __future__ import annotations

import json
import socket
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from telegram import Bot
from telegram.error import Conflict

from tests.botapi import BotApiServer


class Receiver:
    """The bot's side of a webhook: answers with queued statuses, records what came."""

    def __init__(self) -> None:
        self.received: list[tuple[str | None, dict[str, Any]]] = []
        self.statuses: list[int] = []
        self.reply: dict[str, Any] | None = None
        self.url = ""

    async def handle(self, request: web.Request) -> web.Response:
        secret = request.headers.get("X-Telegram-Bot-Api-Secret-Token")
        self.received.append((secret, await request.json()))
        status = self.statuses.pop(0) if self.statuses else 200
        if status == 200 and self.reply is not None:
            return web.json_response(self.reply)
        return web.Response(status=status)


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    hook = Receiver()
    app = web.Application()
    app.router.add_post("/hook", hook.handle)
    runner = web.AppRunner(app, shutdown_timeout=1)
    await runner.setup()
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    hook.url = f"http://127.0.0.1:{sock.getsockname()[1]}/hook"
    await web.SockSite(runner, sock).start()
    yield hook
    await runner.cleanup()


async def test_webhook_delivery_with_secret_and_retry(
    botapi: BotApiServer, receiver: Receiver
) -> None:
    user = botapi.add_user("Mariam", language_code="ps")
    async with Bot(botapi.token, base_url=botapi.base_url) as bot:
        assert await bot.set_webhook(receiver.url, secret_token="s3cr3t-token")
        with pytest.raises(
            Conflict,
            match=r"^Conflict: can't use getUpdates method while webhook is active; use",
        ):
            await bot.get_updates()
        receiver.statuses = [500]
        botapi.send_text(user, None, "Hallo Webhook")
        await botapi.wait_for(lambda: len(receiver.received) == 2, what="retried delivery")
        await botapi.wait_for(lambda: not botapi.core.updates.pending, what="confirmation")
        info = await bot.get_webhook_info()
        assert info.url == receiver.url and info.pending_update_count == 0
        assert (
            info.last_error_message == "Wrong response from the webhook: 500 Internal Server Error"
        )
        assert await bot.delete_webhook()
        assert await bot.get_updates() == ()
    (first_secret, first), (second_secret, second) = receiver.received
    assert first_secret == second_secret == "s3cr3t-token"
    assert first == second and first["message"]["text"] == "Hallo Webhook"
    assert botapi.webhook is None


async def test_webhook_answer_can_call_a_method(botapi: BotApiServer, receiver: Receiver) -> None:
    user = botapi.add_user("Ali", language_code="ku")
    receiver.reply = {"method": "sendMessage", "chat_id": user.id, "text": "Antwort im Webhook"}
    async with Bot(botapi.token, base_url=botapi.base_url) as bot:
        await bot.set_webhook(receiver.url, drop_pending_updates=True)
        botapi.send_text(user, None, "Frage")
        reply = await botapi.next_bot_message(botapi.private_chat(user))
    assert reply.text == "Antwort im Webhook"
    assert botapi.calls("sendMessage")[0].via == "webhook-reply"
    assert json.loads(json.dumps(receiver.received[0][1]))["message"]["text"] == "Frage"
