"""The two core additions the Matrix adapter needed: unique transaction ids, redactions."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bot import messages
from bot.messages import ChatRef, Incoming, Outgoing, Sender
from bot.privacy import mask
from bot.store.sqlite import Database
from tests.fakes import World

NOW = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)


async def test_outbox_transaction_ids_are_never_reused(tmp_path: Path) -> None:
    db = Database(tmp_path / "lotse.sqlite3")
    await db.open()
    ids, txns = [], []
    for _ in range(2):
        async with db.transaction() as tx:
            await tx.outbox.put(Outgoing(ChatRef("matrix", "!room:x"), "Hallo"), NOW, None, None)
        async with db.transaction() as tx:
            [item] = await tx.outbox.pending()
            action = messages.load(item.action)
            assert isinstance(action, Outgoing)
            ids.append(item.id)
            txns.append(action.txn)
            await tx.outbox.done(item.id)
    await db.close()
    # SQLite hands out the same row id once the table is empty: a transaction id
    # built from it would make Matrix return the old event instead of posting.
    assert ids[0] == ids[1]
    assert txns[0] != txns[1] and all(t.startswith("lotse-") for t in txns)


async def test_every_send_of_the_engine_has_its_own_transaction_id(world: World) -> None:
    # Two turns, the outbox drained in between (so SQLite reuses its row ids).
    await world.say("!amal:x", "/start", network="matrix")
    await world.say("!amal:x", "/help", network="matrix")
    sent = [d.out.txn for d in world.matrix.sent]
    assert len(sent) >= 3 and len(set(sent)) == len(sent)
    assert all(t.startswith("lotse-") and len(t) > 20 for t in sent)


async def _stored(world: World, chat: str) -> list[tuple[str, str | None]]:
    async with world.db.db.execute(
        "SELECT m.text, m.source FROM messages m JOIN chats c ON c.id = m.chat_id"
        " WHERE c.chat = ? AND m.direction = 'in' ORDER BY m.id",
        (chat,),
    ) as cur:
        return [(str(r[0]), r[1]) for r in await cur.fetchall()]


async def test_a_redaction_deletes_the_stored_message_and_its_unanswered_copy(
    world: World,
) -> None:
    chat = "!amal:x"
    await world.say(chat, "/start", network="matrix")
    await world.say(chat, "Wo ist Zimmer 4711?", network="matrix", msg_id="$keep")
    await world.say(chat, "Ich heiße Amal, Zimmer 0815", network="matrix", msg_id="$gone")
    assert [s for _t, s in await _stored(world, chat)] == ["$keep", "$gone"]
    async with world.db.transaction() as tx:
        record = await tx.chats.get(ChatRef("matrix", chat))
        assert record is not None
        # As the engine keeps questions it could not answer (masked).
        for text in ("Wo ist Zimmer 4711?", "Ich heiße Amal, Zimmer 0815"):
            await tx.stats.unanswered(record.id, mask(text), "de", None, world.clock())
    before = len(world.matrix.sent)
    async with world.db.db.execute("SELECT text FROM unanswered ORDER BY id") as cur:
        kept = [r[0] for r in await cur.fetchall() if "Amal" not in r[0]]

    sender = Sender("matrix", chat, chat, "Amal")
    await world.deliver(Incoming("$redaction", sender, event="redacted", reply_to="$gone"))

    assert await _stored(world, chat) == [("Wo ist Zimmer 4711?", "$keep")]
    async with world.db.db.execute("SELECT text FROM unanswered ORDER BY id") as cur:
        assert [r[0] for r in await cur.fetchall()] == kept
    assert "Wo ist Zimmer [number]?" in kept
    assert len(world.matrix.sent) == before  # taking a message back needs no answer


async def test_a_redaction_in_an_unknown_chat_creates_nothing(world: World) -> None:
    sender = Sender("matrix", "!new:x", "@new:x", "New")
    await world.deliver(Incoming("$r", sender, event="redacted", reply_to="$whatever"))
    async with world.db.db.execute("SELECT count(*) FROM chats") as cur:
        assert (await cur.fetchone())[0] == 0  # type: ignore[index]
    assert world.matrix.sent == []
