"""Fault injection: planned errors, flood limits with retry_after, dropped connections."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import Bot
from telegram.error import BadRequest, NetworkError, RetryAfter
from telegram.ext import AIORateLimiter

from tests.botapi import BotApiServer, User


@pytest.fixture
async def bot(botapi: BotApiServer) -> AsyncIterator[Bot]:
    async with Bot(botapi.token, base_url=botapi.base_url) as client:
        yield client


@pytest.fixture
def user(botapi: BotApiServer) -> User:
    person = botapi.add_user("Hodan", language_code="so")
    botapi.send_command(person, None, "start")
    return person


async def test_planned_429_becomes_retry_after(botapi: BotApiServer, bot: Bot, user: User) -> None:
    botapi.fail_next("sendMessage", 429, retry_after=7)
    with pytest.raises(RetryAfter, match="Retry in 7 seconds"):
        await bot.send_message(user.id, "eins")
    assert botapi.request_log[-1].description == "Too Many Requests: retry after 7"
    assert (await bot.send_message(user.id, "zwei")).text == "zwei"
    assert [m.text for m in botapi.bot_messages(botapi.private_chat(user))] == ["zwei"]


async def test_planned_error_with_own_description(
    botapi: BotApiServer, bot: Bot, user: User
) -> None:
    botapi.fail_next("sendmessage", 400, "chat not found", count=2)
    for _ in range(2):
        with pytest.raises(BadRequest, match="Chat not found"):
            await bot.send_message(user.id, "x")
    assert [r.status for r in botapi.calls("sendMessage")] == [400, 400]


async def test_flood_limit_per_chat(botapi: BotApiServer, bot: Bot, user: User) -> None:
    botapi.rate_limit(per_chat_per_second=1, burst=2)
    await bot.send_message(user.id, "1")
    await bot.send_message(user.id, "2")
    with pytest.raises(RetryAfter, match="Retry in 1 seconds"):
        await bot.send_message(user.id, "3")
    other = botapi.add_user("Other")
    botapi.send_command(other, None, "start")
    assert await bot.send_message(other.id, "anderer Chat")  # separate bucket
    botapi.rate_limit_off()
    assert await bot.send_message(user.id, "3")


async def test_ai_rate_limiter_gets_through_a_storm_in_order(
    botapi: BotApiServer, user: User
) -> None:
    botapi.rate_limit(per_chat_per_second=10, burst=3)
    app = botapi.application_builder().rate_limiter(AIORateLimiter(max_retries=3)).build()
    async with app:
        for n in range(6):
            await app.bot.send_message(user.id, f"Teil {n}")
    texts = [m.text for m in botapi.bot_messages(botapi.private_chat(user))]
    assert texts == [f"Teil {n}" for n in range(6)]
    statuses = [r.status for r in botapi.calls("sendMessage")]
    assert statuses == [200, 200, 200, 429, 200, 200, 200]


async def test_dropped_connection_is_a_network_error(
    botapi: BotApiServer, bot: Bot, user: User
) -> None:
    botapi.drop_connection_next("sendMessage")
    with pytest.raises(NetworkError):
        await bot.send_message(user.id, "verloren")
    assert botapi.bot_messages(botapi.private_chat(user)) == []
    botapi.drop_connection_next("sendMessage", after_processing=True)
    with pytest.raises(NetworkError):
        await bot.send_message(user.id, "angekommen, Antwort verloren")
    assert [m.text for m in botapi.bot_messages(botapi.private_chat(user))] == [
        "angekommen, Antwort verloren"
    ]
    assert (await bot.send_message(user.id, "wieder gut")).text == "wieder gut"
