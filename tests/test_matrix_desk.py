"""A handover through an end-to-end encrypted desk room on a real Synapse, and back."""

from __future__ import annotations

from pathlib import Path

from nio import RedactedEvent, RoomEncryptedImage, RoomMessage

from bot.brain import Brain
from tests.synapse.homeserver import Homeserver
from tests.synapse.users import Users
from tests.test_matrix_support import (
    Lotse,
    bot_says,
    both,
    create_desk,
    desk_settings,
    in_thread,
    reaction_from,
    replies,
    said,
    section,
    send_thread_image,
)
from tests.test_synapse_harness import tiny_png


async def test_a_full_handover_through_an_encrypted_desk_and_back(
    synapse: Homeserver, matrix_users: Users, eval_brain: Brain, tmp_path: Path
) -> None:
    account = await matrix_users.account("lotse")
    sara = await matrix_users.person("sara")
    desk = await create_desk(sara, account.user_id, encrypted=True)
    settings = desk_settings(desk, sara)
    bot = await Lotse(tmp_path / "bot", eval_brain, section(synapse, account), settings).start()
    try:
        await sara.wait_for_member(desk, account.user_id)
        newcomer = await matrix_users.person("newcomer")
        room = await newcomer.create_dm(account.user_id, encrypted=True)
        await newcomer.wait_for_member(room, account.user_id)

        await newcomer.send_text(room, "/human")
        card = await sara.next_message(desk, bot_says(account.user_id, "#1"), within=15)
        assert isinstance(card, RoomMessage) and card.decrypted  # the desk is encrypted
        assert "✋" in card.source["content"]["body"]
        seeded = await sara.next_message(desk, reaction_from(account.user_id))
        assert seeded.source["content"]["m.relates_to"]["event_id"] == card.event_id
        [queued] = await replies(newcomer, room, account.user_id, 1)
        assert queued == said(eval_brain, "handover_queued", "de", position=1)

        # A photo of a letter, from the newcomer to staff (encrypted both sides).
        letter = tiny_png()
        await newcomer.send_image(room, letter, filename="brief.png")
        relay = await sara.next_message(
            desk, both(bot_says(account.user_id), in_thread(card.event_id))
        )
        assert relay.source["content"]["body"].endswith("(#1)")  # who sent it, then the image
        image = await sara.next_message(
            desk, both(in_thread(card.event_id), lambda e: isinstance(e, RoomEncryptedImage))
        )
        assert await sara.download(image) == letter

        await sara.send_reaction(desk, card.event_id, "✋")  # claim by reaction
        name = sara.user_id.split(":")[0][1:]  # Sara's display name is her localpart
        claimed = said(eval_brain, "desk_claimed", "de", number=1, name=name)
        await sara.next_message(
            desk, both(bot_says(account.user_id, claimed), in_thread(card.event_id))
        )
        [taken] = await replies(newcomer, room, account.user_id, 1)
        assert taken == said(
            eval_brain, "handover_claimed", "de", name=sara.user_id.split(":")[0][1:]
        )

        await sara.send_thread_reply(desk, card.event_id, "Wir rufen Sie morgen um 10 Uhr an.")
        [relayed] = await replies(newcomer, room, account.user_id, 1)
        assert relayed.endswith(": Wir rufen Sie morgen um 10 Uhr an.")
        answer = tiny_png(5, 5)
        await send_thread_image(sara, desk, card.event_id, answer)
        assert await replies(newcomer, room, account.user_id, 1) == [f"{name}:"]
        got = await newcomer.next_message(room, lambda e: isinstance(e, RoomEncryptedImage))
        assert got.sender == account.user_id and await newcomer.download(got) == answer

        await sara.send_thread_reply(desk, card.event_id, "/note ruft zurück")
        note = await sara.next_message(
            desk, both(bot_says(account.user_id), in_thread(card.event_id))
        )
        assert note.source["content"]["body"] == said(eval_brain, "desk_note_saved", "de", number=1)
        await sara.send_thread_reply(desk, card.event_id, "/close")
        await sara.next_message(
            desk, bot_says(account.user_id, said(eval_brain, "desk_closed", "de", number=1))
        )
        [closed] = await replies(newcomer, room, account.user_id, 1)
        assert closed.startswith(said(eval_brain, "handover_closed", "de"))
        assert closed.split("\n")[-2].startswith("1. ")

        await newcomer.send_text(room, "1")  # "that helped", by number
        assert await replies(newcomer, room, account.user_id, 1) == [
            said(eval_brain, "feedback_thanks", "de")
        ]
        notes = await bot.rows("SELECT direction, text FROM messages WHERE direction != 'bot'")
        assert ("note", "ruft zurück") in notes
        assert ("staff", "Wir rufen Sie morgen um 10 Uhr an.") in notes
    finally:
        await bot.stop()


async def test_delete_during_a_handover_erases_the_desk_thread(
    synapse: Homeserver, matrix_users: Users, eval_brain: Brain, tmp_path: Path
) -> None:
    account = await matrix_users.account("lotse")
    sara = await matrix_users.person("sara")
    # As a moderator the bot may also redact staff replies in the thread.
    desk = await create_desk(sara, account.user_id, encrypted=True, bot_level=50)
    settings = desk_settings(desk, sara)
    bot = await Lotse(tmp_path / "bot", eval_brain, section(synapse, account), settings).start()
    try:
        await sara.wait_for_member(desk, account.user_id)
        newcomer = await matrix_users.person("newcomer")
        room = await newcomer.create_dm(account.user_id, encrypted=True)
        await newcomer.wait_for_member(room, account.user_id)
        await newcomer.send_text(room, "/human")
        await replies(newcomer, room, account.user_id, 1)
        card = await sara.next_message(desk, bot_says(account.user_id, "#1"), within=15)
        await newcomer.send_text(room, "Mein Name ist Amal, Aktenzeichen 4711")
        relay = await sara.next_message(
            desk, both(bot_says(account.user_id), in_thread(card.event_id))
        )
        reply = await sara.send_thread_reply(desk, card.event_id, "Hallo Amal!")
        claimed = await sara.next_message(
            desk, both(bot_says(account.user_id), in_thread(card.event_id))
        )
        await replies(newcomer, room, account.user_id, 2)  # claimed, then Sara's words

        await newcomer.send_text(room, "/delete")
        await replies(newcomer, room, account.user_id, 1)
        await newcomer.send_text(room, "1")
        deleted = said(eval_brain, "desk_user_deleted", "de", number=1)
        await sara.next_message(desk, bot_says(account.user_id, deleted), within=15)
        await bot.settle()

        history = await sara.history(desk, limit=100)
        ids = {card.event_id, relay.event_id, reply, claimed.event_id}
        thread = [e for e in history if e.event_id in ids]
        assert len(thread) == len(ids)  # the card, the newcomer's words, Sara's reply, claimed
        assert all(isinstance(e, RedactedEvent) for e in thread), [type(e) for e in thread]
    finally:
        await bot.stop()
