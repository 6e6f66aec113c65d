"""The local Bot API server with python-telegram-bot's real HTTP stack: getMe, polling, offsets."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest
from telegram import Bot, Update
from telegram.error import Conflict, InvalidToken, NetworkError
from telegram.ext import ContextTypes, MessageHandler, filters

from tests.botapi import BotApiServer
from tests.botapi.ptb import polling


def make_bot(server: BotApiServer, token: str | None = None) -> Bot:
    return Bot(token or server.token, base_url=server.base_url, base_file_url=server.base_file_url)


async def test_initialize_calls_get_me(botapi: BotApiServer) -> None:
    app = botapi.application_builder().build()
    await app.initialize()
    try:
        assert app.bot.id == botapi.bot.id
        assert app.bot.username == "lotse_test_bot"
        assert app.bot.can_read_all_group_messages is False
    finally:
        await app.shutdown()
    assert [r.method for r in botapi.request_log] == ["getMe"]


async def test_polling_delivers_text_and_reply_lands_in_chat(botapi: BotApiServer) -> None:
    seen: list[str] = []

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None and update.message.text is not None
        seen.append(update.message.text)
        await update.message.reply_text(f"Du schriebst: {update.message.text}")

    app = botapi.application_builder().build()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    amina = botapi.add_user("Amina", "K.", username="amina", language_code="ar")
    async with polling(app):
        botapi.send_text(amina, None, "Wo ist das Jobcenter?")
        reply = await botapi.next_bot_message(botapi.private_chat(amina))
    assert seen == ["Wo ist das Jobcenter?"]
    assert reply.text == "Du schriebst: Wo ist das Jobcenter?"
    assert reply.sender is botapi.bot
    methods = [r.method for r in botapi.request_log]
    assert methods[:3] == ["getMe", "deleteWebhook", "getUpdates"]


async def test_restarted_application_does_not_get_confirmed_updates_again(
    botapi: BotApiServer,
) -> None:
    texts: list[str] = []

    async def collect(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None and update.message.text is not None
        texts.append(update.message.text)

    user = botapi.add_user("Oleh", language_code="uk")
    for round_text in ("erste", "zweite"):
        app = botapi.application_builder().build()
        app.add_handler(MessageHandler(filters.TEXT, collect))
        async with polling(app):
            botapi.send_text(user, None, round_text)
            await botapi.wait_for(lambda t=round_text: t in texts, what=round_text)  # type: ignore[misc]
    assert texts == ["erste", "zweite"]
    assert botapi.core.updates.pending == []


async def test_get_updates_offset_limit_and_negative_offset(botapi: BotApiServer) -> None:
    user = botapi.add_user("Sara")
    for n in range(5):
        botapi.send_text(user, None, f"m{n}")
    async with make_bot(botapi) as bot:
        first = await bot.get_updates(limit=2)
        assert [u.message.text for u in first if u.message] == ["m0", "m1"]
        rest = await bot.get_updates(offset=first[-1].update_id + 1)
        assert [u.message.text for u in rest if u.message] == ["m2", "m3", "m4"]
        again = await bot.get_updates()  # nothing confirmed m2..m4 yet
        assert len(again) == 3
        last = await bot.get_updates(offset=-1)
        assert [u.message.text for u in last if u.message] == ["m4"]
        assert len(await bot.get_updates()) == 1


async def test_long_poll_returns_as_soon_as_an_update_arrives(botapi: BotApiServer) -> None:
    user = botapi.add_user("Jamal")
    async with make_bot(botapi) as bot:
        poll = asyncio.create_task(bot.get_updates(timeout=10))
        await asyncio.sleep(0.2)
        assert not poll.done()
        started = time.monotonic()
        botapi.send_text(user, None, "hallo")
        updates = await asyncio.wait_for(poll, 2)
        assert time.monotonic() - started < 0.5
        assert updates[0].message is not None and updates[0].message.text == "hallo"


async def test_allowed_updates_filters_later_updates(botapi: BotApiServer) -> None:
    user = botapi.add_user("Lena")
    async with make_bot(botapi) as bot:
        await bot.get_updates(allowed_updates=["callback_query"])
        botapi.send_text(user, None, "not wanted")
        assert await bot.get_updates() == ()
        await bot.get_updates(allowed_updates=[])  # back to the default set
        botapi.send_text(user, None, "wanted")
        assert [u.message.text for u in await bot.get_updates() if u.message] == ["wanted"]


async def test_second_poller_terminates_the_first_with_conflict(botapi: BotApiServer) -> None:
    async with make_bot(botapi) as first, make_bot(botapi) as second:
        waiting = asyncio.create_task(first.get_updates(timeout=5))
        await asyncio.sleep(0.1)
        later = asyncio.create_task(second.get_updates(timeout=0))
        with pytest.raises(Conflict, match="terminated by other getUpdates request"):
            await asyncio.wait_for(waiting, 2)
        assert await later == ()


async def test_wrong_token_and_unknown_method(botapi: BotApiServer) -> None:
    wrong = f"{botapi.bot.id}:{'x' * 35}"
    async with httpx.AsyncClient() as client:
        garbage = await client.get(f"{botapi.base_url}nonsense/getMe")
        assert garbage.status_code == 404
        assert garbage.json() == {"ok": False, "error_code": 404, "description": "Not Found"}
        unknown = await client.post(f"{botapi.base_url}{botapi.token}/sendTelepathy")
        assert unknown.status_code == 404
        cased = await client.get(f"{botapi.base_url}{botapi.token}/GETME")
        assert cased.json()["result"]["id"] == botapi.bot.id
    with pytest.raises(InvalidToken, match="was rejected by the server"):
        async with make_bot(botapi, token=wrong):
            pass
    async with httpx.AsyncClient() as client:
        refused = await client.get(f"{botapi.base_url}{wrong}/getMe")
    assert refused.status_code == 401
    assert refused.json()["description"] == "Unauthorized"


async def test_shutdown_is_fast_with_an_open_long_poll() -> None:
    server = BotApiServer()
    await server.start()
    bot = make_bot(server)
    await bot.initialize()
    poll = asyncio.create_task(bot.get_updates(timeout=30, read_timeout=40))
    await asyncio.sleep(0.2)
    started = time.monotonic()
    await server.stop()
    assert time.monotonic() - started < 2.0
    assert await asyncio.wait_for(poll, 2) == ()  # the open poll is answered, empty
    with pytest.raises(NetworkError):
        await bot.get_updates(timeout=0)  # and nobody listens any more
    await bot.shutdown()


async def test_application_stops_fast_while_long_polling(botapi: BotApiServer) -> None:
    app = botapi.application_builder().build()
    started = 0.0
    async with polling(app, poll_timeout=30):
        await botapi.wait_for(lambda: botapi.calls("getUpdates"), what="a long poll")
        await asyncio.sleep(0.1)
        started = time.monotonic()
    assert time.monotonic() - started < 2.0
