"""Delivery failures: rate limits, blocked users, moved chats, flaky networks."""

from __future__ import annotations

import aiosqlite

from bot.markdown import to_plain
from bot.transport import ChatMoved, RetryLater, TransientError, Unreachable
from tests.fakes import World


async def test_rate_limits_wait_and_keep_the_order(world: World) -> None:
    await world.say("u1", "/start", hint="en")
    world.telegram.failures = [RetryLater(0.05), RetryLater(0.05)]
    replies = await world.say("u1", "/help")
    assert len(replies) == 1 and "/language" in replies[0].text
    await world.say("u1", "/human")
    texts = [d.out.text for d in world.telegram.to("u1")]
    assert texts.index(replies[0].text) < len(texts) - 1  # help came before the queue notice


async def test_network_errors_back_off_and_retry(world: World) -> None:
    world.telegram.failures = [TransientError("reset"), TransientError("timeout")]
    replies = await world.say("u1", "/help", hint="en")
    assert len(replies) == 1
    assert world.telegram.attempts == 3


async def test_a_blocked_user_is_marked_inactive_without_retrying_and_staff_are_told(
    world: World,
) -> None:
    await world.say("u1", "/start", hint="en")
    await world.say("u1", "/human")
    thread = world.desk_posts()[-1].thread
    world.telegram.failures = [Unreachable("blocked")]
    attempts = world.telegram.attempts
    await world.staff("@sara:example.org", "Hallo?", thread=thread)
    assert world.telegram.attempts == attempts + 1  # the claim notice fails; the relay is dropped
    async with (
        aiosqlite.connect(world.db_path) as db,
        db.execute("SELECT active FROM chats") as cur,
    ):
        assert await cur.fetchall() == [(0,)]
    assert (
        "could not be delivered" in to_plain(world.desk_posts()[-1].out.text)
        or "nicht zugestellt" in world.desk_posts()[-1].out.text
    )
    # Writing again makes the chat active again.
    await world.say("u1", "hello again")
    async with (
        aiosqlite.connect(world.db_path) as db,
        db.execute("SELECT active FROM chats") as cur,
    ):
        assert await cur.fetchall() == [(1,)]


async def test_a_moved_desk_is_followed_and_remembered(world: World) -> None:
    await world.say("u1", "/start", hint="en")
    world.matrix.failures = [ChatMoved("!new-desk:example.org")]
    await world.say("u1", "/human")
    assert world.matrix.sent[-1].out.to.chat == "!new-desk:example.org"
    await world.restart()
    await world.say("u1", "more details")
    assert world.matrix.sent[-1].out.to.chat == "!new-desk:example.org"
