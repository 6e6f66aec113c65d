"""/delete, retention with a fake clock, and what stays after personal data is gone."""

from __future__ import annotations

import aiosqlite

from bot.markdown import to_plain
from tests.fakes import World

PERSONAL_TABLES = ("chats", "messages", "handovers", "unanswered", "sent", "outbox")


async def count(world: World, table: str) -> int:
    async with (
        aiosqlite.connect(world.db_path) as db,
        db.execute(f"SELECT COUNT(*) FROM {table}") as cur,
    ):
        row = await cur.fetchone()
    return int(row[0]) if row else 0


async def test_delete_asks_first_and_no_keeps_everything(world: World) -> None:
    await world.say("u1", "/start", hint="en")
    ask = await world.say("u1", "/delete")
    assert "erase **all** your data" in ask[0].text
    no = next(c.payload for c in ask[0].choices if c.payload.endswith(":no"))
    assert "will not erase" in (await world.say("u1", choice=no))[0].text
    assert await count(world, "chats") == 1


async def test_delete_erases_everything_on_both_sides_and_confirms(world: World) -> None:
    await world.say("u1", "/start", hint="ar")
    await world.say("u1", "xkq zzvv plorp")  # an unanswered question is stored
    await world.say("u1", "/human")
    card = world.desk_posts()[-1]
    await world.staff("@sara:example.org", "Hallo", thread=card.thread)
    answer = await world.say("u2", "Jobcenter Gießen")  # another user's data stays
    yes_fb = [
        c.payload
        for c in answer[-1].choices
        if c.payload.startswith("fb:") and c.payload.endswith(":y")
    ]
    await world.say("u2", choice=yes_fb[0])

    ask = await world.say("u1", "/delete")
    yes = next(c.payload for c in ask[0].choices if c.payload.endswith(":yes"))
    done = await world.say("u1", choice=yes)
    assert "erased all your data" in done[-1].text or to_plain(done[-1].text)

    async with aiosqlite.connect(world.db_path) as db:
        for table in ("messages", "handovers", "unanswered"):
            async with db.execute(
                f"SELECT COUNT(*) FROM {table} WHERE chat_id NOT IN (SELECT id FROM chats WHERE chat = 'u2')"
            ) as cur:
                assert (await cur.fetchone()) == (0,), table
        async with db.execute("SELECT chat FROM chats") as cur:
            assert await cur.fetchall() == [("u2",)]
        async with db.execute("SELECT COUNT(*) FROM feedback") as cur:
            assert (await cur.fetchone()) == (1,)  # statistics without personal data stay
    # The bot's messages were deleted on the user's side and on the desk, and the thread too.
    deleted_user = {d.message_id for d in world.telegram.deleted}
    assert deleted_user >= {d.message_id for d in world.telegram.to("u1")[:-1]}
    deleted_desk = world.matrix.deleted
    assert any(d.thread == card.thread for d in deleted_desk)
    assert any(d.message_id == card.message_id for d in deleted_desk)
    assert (
        "erased their data" in world.desk_posts()[-1].out.text
        or "gelöscht" in world.desk_posts()[-1].out.text
    )
    # Writing again starts afresh, with the privacy notice.
    again = await world.say("u1", "hello", hint="en")
    assert "Privacy" in again[0].text


async def test_retention_purges_idle_chats_but_not_open_handovers_or_statistics(
    world: World,
) -> None:
    await world.say("idle", "/start", hint="en")
    answer = await world.say("idle", "Jobcenter Gießen")
    await world.say(
        "idle", choice=next(c.payload for c in answer[-1].choices if c.payload.endswith(":y"))
    )
    await world.say("waiting", "/start", hint="en")
    await world.say("waiting", "/human")
    world.clock.advance(days=89)
    await world.engine.tick()
    assert await count(world, "chats") == 2
    world.clock.advance(days=2)
    await world.engine.tick()
    await world.settle()
    async with aiosqlite.connect(world.db_path) as db, db.execute("SELECT chat FROM chats") as cur:
        assert await cur.fetchall() == [("waiting",)]
    assert await count(world, "feedback") == 1
    assert await count(world, "stats") > 0
    # Processed ids are forgotten after a week, but only after.
    assert await count(world, "processed") == 0
