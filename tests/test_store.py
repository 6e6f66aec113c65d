"""The same store tests against every store implementation: in place or threaded, file or memory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiosqlite
import pytest

from bot.messages import ChatRef, Outgoing
from bot.store.migrations import MIGRATIONS
from bot.store.sqlite import Database

NOW = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
DESK = ChatRef("matrix", "!desk")


@pytest.fixture(
    params=[("inline", "file"), ("inline", "memory"), ("threaded", "file"), ("threaded", "memory")],
    ids="-".join,
)
async def db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    mode, where = request.param
    database = Database(
        tmp_path / "s.sqlite3" if where == "file" else ":memory:", threaded=mode == "threaded"
    )
    await database.open()
    yield database
    await database.close()


async def test_migrations_set_the_schema_version(db: Database) -> None:
    async with db.db.execute("PRAGMA user_version") as cur:
        assert (await cur.fetchone())[0] == len(MIGRATIONS)  # type: ignore[index]


async def test_a_failed_transaction_changes_nothing(db: Database) -> None:
    with pytest.raises(RuntimeError):
        async with db.transaction() as tx:
            await tx.chats.create(ChatRef("t", "1"), "u", NOW)
            raise RuntimeError("boom")
    async with db.transaction() as tx:
        assert await tx.chats.get(ChatRef("t", "1")) is None


async def test_chats_round_trip(db: Database) -> None:
    async with db.transaction() as tx:
        chat = await tx.chats.create(ChatRef("t", "1"), "u", NOW)
        chat.language, chat.language_chosen, chat.region = "ar", True, "giessen"
        chat.offer_seq, chat.offer = 3, {"kind": "clarify", "ids": ["a", "b"]}
        await tx.chats.save(chat)
    async with db.transaction() as tx:
        again = await tx.chats.get(ChatRef("t", "1"))
    assert again == chat


async def test_processed_ids_are_answered_once(db: Database) -> None:
    async with db.transaction() as tx:
        assert await tx.outbox.first_time("t", "42", NOW) is True
        assert await tx.outbox.first_time("t", "42", NOW) is False
        assert await tx.outbox.first_time("m", "42", NOW) is True


async def test_queue_positions_and_claims(db: Database) -> None:
    async with db.transaction() as tx:
        a = await tx.chats.create(ChatRef("t", "a"), "a", NOW)
        b = await tx.chats.create(ChatRef("t", "b"), "b", NOW)
        ha = await tx.handovers.open(a.id, "asked", DESK, NOW)
        hb = await tx.handovers.open(b.id, "asked", DESK, NOW)
        assert (await tx.handovers.position(ha), await tx.handovers.position(hb)) == (1, 2)
        ha.state, ha.staff = "claimed", "matrix:@s"
        await tx.handovers.save(ha)
        assert await tx.handovers.position(hb) == 1
        await tx.handovers.set_thread(hb.id, "thread-9", "card-9")
        assert (await tx.handovers.by_thread(DESK, "thread-9")).id == hb.id  # type: ignore[union-attr]
        assert [h.id for h in await tx.handovers.due_reminders(NOW + timedelta(minutes=1))] == [
            hb.id
        ]


async def test_outbox_keeps_order_and_deleting_a_chat_removes_its_queue(db: Database) -> None:
    async with db.transaction() as tx:
        chat = await tx.chats.create(ChatRef("t", "1"), "u", NOW)
        for n in range(3):
            await tx.outbox.put(Outgoing(chat.ref, f"m{n}"), NOW, chat.id, None)
        await tx.outbox.put(Outgoing(DESK, "desk"), NOW, None, None)
        assert [i.lane for i in await tx.outbox.pending()] == ["t:1", "t:1", "t:1", "matrix:!desk"]
        await tx.chats.delete(chat.id)
        assert [i.lane for i in await tx.outbox.pending()] == ["matrix:!desk"]


async def test_purge_keeps_open_handovers_and_statistics(db: Database) -> None:
    async with db.transaction() as tx:
        old = await tx.chats.create(ChatRef("t", "old"), "o", NOW)
        waiting = await tx.chats.create(ChatRef("t", "wait"), "w", NOW)
        await tx.handovers.open(waiting.id, "asked", DESK, NOW)
        await tx.stats.feedback("abh", True, NOW.date())
        await tx.chats.add_message(old.id, "in", "hello", NOW)
        purged = await tx.stats.purge(NOW + timedelta(days=1), NOW + timedelta(days=1))
    assert purged["chats"] == 1
    async with db.transaction() as tx:
        assert await tx.chats.get(old.ref) is None
        assert await tx.chats.get(waiting.ref) is not None
        assert await tx.stats.feedback_since(NOW.date()) == [("abh", 1, 0)]


async def test_a_database_newer_than_the_code_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite3"
    async with aiosqlite.connect(path) as raw:
        await raw.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    with pytest.raises(RuntimeError, match="newer than this Lotse"):
        await Database(path).open()


async def test_backup_while_in_use_is_a_consistent_copy(tmp_path: Path) -> None:
    live = Database(tmp_path / "live.sqlite3")
    await live.open()
    async with live.transaction() as tx:
        await tx.chats.create(ChatRef("t", "1"), "u", NOW)
    await live.backup(tmp_path / "copy.sqlite3")
    with pytest.raises(FileExistsError):
        await live.backup(tmp_path / "copy.sqlite3")
    await live.close()
    copy = Database(tmp_path / "copy.sqlite3")
    await copy.open()
    async with copy.transaction() as tx:
        assert await tx.chats.get(ChatRef("t", "1")) is not None
    await copy.close()
