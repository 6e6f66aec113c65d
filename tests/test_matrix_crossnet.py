"""Across networks: a Matrix newcomer with a Telegram desk, a Telegram newcomer with a Matrix desk.

Both adapters are real: the Telegram one polls the local Bot API server
(tests/botapi) through python-telegram-bot, the Matrix one talks to the
session's Synapse, encrypted on the Matrix side. Files cross in both directions,
fetched by one adapter and uploaded by the other.
"""

from __future__ import annotations

from pathlib import Path

from nio import RoomEncryptedFile, RoomEncryptedImage

from bot.brain import Brain
from bot.messages import ChatRef
from bot.settings import Settings
from tests.botapi.actors import tiny_png as telegram_png
from tests.botapi.server import BotApiServer
from tests.synapse.homeserver import Homeserver
from tests.synapse.users import Users
from tests.test_matrix_support import (
    Lotse,
    bot_says,
    both,
    create_desk,
    desk_settings,
    in_thread,
    replies,
    said,
    section,
    send_thread_image,
)
from tests.test_synapse_harness import tiny_png
from tests.test_telegram_newcomer import button
from tests.test_telegram_world import section as telegram_section


async def test_a_matrix_newcomer_handed_to_a_telegram_desk(
    synapse: Homeserver,
    matrix_users: Users,
    botapi: BotApiServer,
    eval_brain: Brain,
    tmp_path: Path,
) -> None:
    sara = botapi.add_user("Sara", "Weber")
    desk = botapi.add_supergroup(
        "Lotse Team", admins=[sara], is_forum=True, bot_status="administrator"
    )
    account = await matrix_users.account("lotse")
    settings = Settings(
        desk=ChatRef("telegram", str(desk.id)), staff=frozenset({f"telegram:{sara.id}"})
    )
    matrix = section(synapse, account)
    bot = Lotse(tmp_path / "bot", eval_brain, matrix, settings, telegram_section(botapi))
    await bot.start()
    try:
        newcomer = await matrix_users.person("newcomer")
        room = await newcomer.create_dm(account.user_id, encrypted=True)
        await newcomer.wait_for_member(room, account.user_id)
        await newcomer.send_text(room, "/human")
        await replies(newcomer, room, account.user_id, 1)
        [topic] = await botapi.wait_for(lambda: list(desk.topics.values()), 15, "a topic")
        assert topic.name == "#1 · de"

        # A photo of a letter, decrypted from Matrix, arrives in the topic.
        letter = tiny_png()
        await newcomer.send_image(room, letter, filename="brief.png")
        [photo] = await botapi.wait_for(
            lambda: [m for m in botapi.bot_messages(desk, topic.thread_id) if m.media],
            15,
            "the photo",
        )
        assert "photo" in photo.media and botapi.file_bytes(photo) == letter

        card, claim = button(botapi, desk, "claim:1")
        botapi.press_button(sara, card, claim)
        await replies(newcomer, room, account.user_id, 1)
        botapi.send_text(sara, desk, "Bitte kommen Sie am Montag.", thread_id=topic.thread_id)
        assert await replies(newcomer, room, account.user_id, 1) == [
            "Sara: Bitte kommen Sie am Montag."
        ]
        botapi.send_document(
            sara, desk, b"%PDF-1.4 Antrag", "antrag.pdf", thread_id=topic.thread_id
        )
        assert await replies(newcomer, room, account.user_id, 1) == ["Sara:"]
        document = await newcomer.next_message(room, lambda e: isinstance(e, RoomEncryptedFile))
        assert document.source["content"]["body"] == "antrag.pdf"
        assert await newcomer.download(document) == b"%PDF-1.4 Antrag"
    finally:
        await bot.stop()


async def test_a_telegram_newcomer_handed_to_the_matrix_desk(
    synapse: Homeserver,
    matrix_users: Users,
    botapi: BotApiServer,
    eval_brain: Brain,
    tmp_path: Path,
) -> None:
    account = await matrix_users.account("lotse")
    sara = await matrix_users.person("sara")
    desk = await create_desk(sara, account.user_id, encrypted=True)
    matrix = section(synapse, account)
    bot = Lotse(
        tmp_path / "bot", eval_brain, matrix, desk_settings(desk, sara), telegram_section(botapi)
    )
    await bot.start()
    try:
        await sara.wait_for_member(desk, account.user_id)
        amal = botapi.add_user("Amal <b>", language_code="ar")
        chat = botapi.private_chat(amal)
        botapi.send_text(amal, None, "/human")
        card = await sara.next_message(desk, bot_says(account.user_id, "#1"), within=15)
        assert "(ar)" in card.source["content"]["body"]

        await sara.send_thread_reply(desk, card.event_id, "/claim")
        name = sara.user_id.split(":")[0][1:]
        claimed = said(eval_brain, "desk_claimed", "de", number=1, name=name)
        await sara.next_message(
            desk, both(bot_says(account.user_id, claimed), in_thread(card.event_id))
        )
        await sara.send_thread_reply(desk, card.event_id, "Marhaba, wie kann ich helfen?")
        [answer] = await botapi.wait_for(
            lambda: [m for m in botapi.bot_messages(chat) if "Marhaba" in (m.text or "")],
            15,
            "the staff answer",
        )
        assert answer.text == f"{name}: Marhaba, wie kann ich helfen?"

        letter = telegram_png(5, 4)
        botapi.send_photo(amal, None, letter, caption="Das ist der Brief")
        relay = await sara.next_message(
            desk, both(bot_says(account.user_id), in_thread(card.event_id)), within=15
        )
        assert relay.source["content"]["body"] == "Amal <b> (#1): Das ist der Brief"
        assert "Amal &lt;b&gt;" in relay.source["content"]["formatted_body"]
        image = await sara.next_message(
            desk, both(in_thread(card.event_id), lambda e: isinstance(e, RoomEncryptedImage))
        )
        assert await sara.download(image) == letter

        reply = tiny_png()
        await send_thread_image(sara, desk, card.event_id, reply)
        [photo] = await botapi.wait_for(
            lambda: [m for m in botapi.bot_messages(chat) if m.media], 15, "the photo"
        )
        assert botapi.file_bytes(photo) == reply
    finally:
        await bot.stop()
