"""Newcomers in one-to-one rooms on a real Synapse: answers, numbered choices, privacy."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from nio import RedactedEvent, RoomCreateResponse, RoomMessage

from bot.brain import Brain
from tests.synapse.homeserver import Homeserver
from tests.synapse.users import Users
from tests.test_matrix_support import Lotse, bot_says, eventually, quiet, replies, said, section


@pytest.fixture
async def lotse(
    synapse: Homeserver, matrix_users: Users, eval_brain: Brain, tmp_path: Path
) -> AsyncIterator[Lotse]:
    account = await matrix_users.account("lotse")
    bot = await Lotse(tmp_path / "bot", eval_brain, section(synapse, account)).start()
    yield bot
    await bot.stop()


async def test_a_newcomer_writing_ukrainian_in_an_encrypted_dm_is_answered_in_ukrainian(
    lotse: Lotse, matrix_users: Users, eval_brain: Brain
) -> None:
    newcomer = await matrix_users.person("newcomer")
    room = await newcomer.create_dm(lotse.user_id, encrypted=True)
    await newcomer.wait_for_member(room, lotse.user_id)

    await newcomer.send_text(room, "/почати")  # "/start", in Ukrainian
    welcome, regions = await replies(newcomer, room, lotse.user_id, 2)
    assert welcome.startswith(said(eval_brain, "welcome", "uk", days=90))
    assert "6. Українська" in welcome.split("\n")
    assert regions.split("\n")[-1].startswith("16. ")  # numbered on after the 12 languages

    await newcomer.send_text(room, "6")  # Українська, by its number
    [confirmed] = await replies(newcomer, room, lotse.user_id, 1)
    assert confirmed == said(eval_brain, "language_set", "uk")

    await newcomer.send_text(room, "Як записатися на інтеграційний курс?")
    answer = await newcomer.next_message(room, bot_says(lotse.user_id), within=15)
    assert isinstance(answer, RoomMessage) and answer.decrypted
    content = answer.source["content"]
    assert content["msgtype"] == "m.notice"
    title = eval_brain.knowledge.by_id["integrationskurs"].title["uk"]
    assert content["body"].startswith(title)
    assert content["formatted_body"].startswith(f"<p><strong>{title}</strong></p>")
    assert "<script" not in content["formatted_body"]


async def test_clarify_by_number_then_feedback_by_reaction(
    lotse: Lotse, matrix_users: Users, eval_brain: Brain
) -> None:
    newcomer = await matrix_users.person("newcomer")
    room = await newcomer.create_dm(lotse.user_id)  # a plain (unencrypted) DM
    await newcomer.wait_for_member(room, lotse.user_id)
    await newcomer.send_text(room, "/start")
    await replies(newcomer, room, lotse.user_id, 2)
    await newcomer.send_text(room, "English")  # a language by its label
    assert await replies(newcomer, room, lotse.user_id, 1) == [
        said(eval_brain, "language_set", "en")
    ]
    await newcomer.send_text(room, "16")  # the region list is still numbered 13-16
    assert await replies(newcomer, room, lotse.user_id, 1) == [
        said(eval_brain, "region_skipped", "en")
    ]

    await newcomer.send_text(room, "jobcenter")
    [clarify] = await replies(newcomer, room, lotse.user_id, 1)
    options = dict(re.findall(r"^(\d+)\. (.+)$", clarify, re.M))
    assert len(options) >= 2, clarify  # numbered from 1 again: the user wrote meanwhile
    await newcomer.send_text(room, "2")
    answer = await newcomer.next_message(room, bot_says(lotse.user_id), within=15)
    assert answer.source["content"]["body"].startswith(options["2"])

    await newcomer.send_reaction(room, answer.event_id, "👍")
    assert await replies(newcomer, room, lotse.user_id, 1) == [
        said(eval_brain, "feedback_thanks", "en")
    ]
    assert await lotse.rows("SELECT helpful FROM feedback") == [(1,)]


async def test_only_one_to_one_rooms_and_a_third_person_stops_the_relay(
    lotse: Lotse, matrix_users: Users, eval_brain: Brain
) -> None:
    newcomer = await matrix_users.person("newcomer")
    friend = await matrix_users.person("friend")
    operator = await matrix_users.admin()

    # Invited into a group (two people invited at once): the bot looks, and leaves.
    created = await newcomer.client.room_create(invite=[lotse.user_id, friend.user_id])
    assert isinstance(created, RoomCreateResponse), created
    group = created.room_id

    room = await newcomer.create_dm(lotse.user_id, encrypted=True)
    await newcomer.wait_for_member(room, lotse.user_id)
    await newcomer.send_text(room, "Hallo")
    await replies(newcomer, room, lotse.user_id, 2)

    async def left() -> bool:
        return (await operator.memberships(group)).get(lotse.user_id) == "leave"

    await eventually(left)
    assert await lotse.rows("SELECT count(*) FROM chats WHERE chat = ?", group) == [(0,)]

    await newcomer.client.room_invite(room, friend.user_id)
    await friend.accept_invite(room)
    [notice] = await replies(newcomer, room, lotse.user_id, 1)
    assert notice == said(eval_brain, "shared_room", "de")

    await newcomer.send_text(room, "Wo ist das Jobcenter?")
    await quiet(newcomer, room, lotse.user_id)
    stored = await lotse.rows("SELECT text FROM messages WHERE direction = 'in'")
    assert ("Wo ist das Jobcenter?",) not in stored


async def test_a_redaction_deletes_the_copy_and_delete_redacts_the_bots_messages(
    lotse: Lotse, matrix_users: Users, eval_brain: Brain
) -> None:
    newcomer = await matrix_users.person("newcomer")
    room = await newcomer.create_dm(lotse.user_id, encrypted=True)
    await newcomer.wait_for_member(room, lotse.user_id)
    await newcomer.send_text(room, "Hallo")
    await replies(newcomer, room, lotse.user_id, 2)
    question = await newcomer.send_text(room, "Mein Aktenzeichen ist 123-456, Kita?")
    await replies(newcomer, room, lotse.user_id, 1)
    assert await lotse.rows("SELECT count(*) FROM messages WHERE source = ?", question) == [(1,)]

    await newcomer.client.room_redact(room, question)

    async def forgotten() -> bool:
        rows = await lotse.rows("SELECT count(*) FROM messages WHERE source = ?", question)
        return rows == [(0,)]

    await eventually(forgotten)

    await newcomer.send_text(room, "/delete")
    [confirm] = await replies(newcomer, room, lotse.user_id, 1)
    yes = said(eval_brain, "delete_yes", "de")
    assert f"1. {yes}" in confirm.split("\n")
    await newcomer.send_text(room, "1")
    done = await newcomer.next_message(
        room, bot_says(lotse.user_id, said(eval_brain, "delete_done", "de")), within=15
    )
    await lotse.settle()

    history = await newcomer.history(room, limit=100)
    from_bot = [e for e in history if e.sender == lotse.user_id and e.event_id != done.event_id]
    kept = ("m.room.member", "m.room.redaction")
    messages = [e for e in from_bot if e.source.get("type") not in kept]
    assert len(messages) >= 4
    assert all(isinstance(e, RedactedEvent) for e in messages), [type(e) for e in messages]
    assert await lotse.rows("SELECT count(*) FROM chats") == [(0,)]
