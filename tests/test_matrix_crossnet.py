"""Across networks: a Matrix newcomer with a Telegram desk, a Telegram newcomer with a Matrix desk.

The Telegram side is the FakeTransport from tests/fakes.py (it fetches foreign
files through the runner's Fetch, as the real adapter does); the Matrix side is
the real adapter on a real Synapse, encrypted on both ends.
"""

from __future__ import annotations

import itertools
from pathlib import Path

from nio import RoomEncryptedImage

from bot.brain import Brain
from bot.messages import Attachment, ChatRef, Incoming, Sender
from bot.settings import Settings
from tests.synapse.homeserver import Homeserver
from tests.synapse.users import Users
from tests.test_matrix_support import (
    Lotse,
    bot_says,
    both,
    create_desk,
    desk_settings,
    eventually,
    in_thread,
    replies,
    said,
    section,
    send_thread_image,
)
from tests.test_synapse_harness import tiny_png

TELEGRAM_DESK = ChatRef("telegram", "-100200300")
_ids = itertools.count(1)


async def telegram_says(bot: Lotse, sender: Sender, text: str = "", **kw: object) -> None:
    """Hand the engine a Telegram update, as the Telegram adapter would."""
    await bot.engine.handle(Incoming(f"u{next(_ids)}", sender, text, **kw))  # type: ignore[arg-type]
    await bot.settle()


async def test_a_matrix_newcomer_handed_to_a_telegram_desk(
    synapse: Homeserver, matrix_users: Users, eval_brain: Brain, tmp_path: Path
) -> None:
    account = await matrix_users.account("lotse")
    settings = Settings(desk=TELEGRAM_DESK, staff=frozenset({"telegram:42"}))
    bot = await Lotse(tmp_path / "bot", eval_brain, section(synapse, account), settings).start()
    try:
        newcomer = await matrix_users.person("newcomer")
        room = await newcomer.create_dm(account.user_id, encrypted=True)
        await newcomer.wait_for_member(room, account.user_id)
        await newcomer.send_text(room, "/human")
        await replies(newcomer, room, account.user_id, 1)
        [card] = bot.telegram.to(TELEGRAM_DESK.chat)
        assert card.out.new_thread and card.thread

        letter = tiny_png()
        await newcomer.send_image(room, letter, filename="brief.png")

        async def relayed() -> bool:
            return any(d.out.attachments for d in bot.telegram.to(TELEGRAM_DESK.chat))

        await eventually(relayed)
        [photo] = [a for d in bot.telegram.to(TELEGRAM_DESK.chat) for a in d.out.attachments]
        assert (photo.network, photo.kind, photo.name) == ("matrix", "photo", "brief.png")
        assert bot.telegram.files[photo.handle] == letter  # fetched and decrypted from Matrix

        staff = Sender("telegram", TELEGRAM_DESK.chat, "42", "Sara Weber")
        await telegram_says(bot, staff, "/claim", desk=True, thread=card.thread)
        await replies(newcomer, room, account.user_id, 1)
        await telegram_says(
            bot, staff, "Bitte kommen Sie am Montag.", desk=True, thread=card.thread
        )
        [relay] = await replies(newcomer, room, account.user_id, 1)
        assert relay == "Sara: Bitte kommen Sie am Montag."
        scan = Attachment("photo", "telegram", "tg-scan-1", "scan.png", None, "image/png")
        await telegram_says(bot, staff, attachments=(scan,), desk=True, thread=card.thread)
        assert await replies(newcomer, room, account.user_id, 1) == ["Sara:"]
        image = await newcomer.next_message(room, lambda e: isinstance(e, RoomEncryptedImage))
        assert await newcomer.download(image) == b"bytes of tg-scan-1"
    finally:
        await bot.stop()


async def test_a_telegram_newcomer_handed_to_the_matrix_desk(
    synapse: Homeserver, matrix_users: Users, eval_brain: Brain, tmp_path: Path
) -> None:
    account = await matrix_users.account("lotse")
    sara = await matrix_users.person("sara")
    desk = await create_desk(sara, account.user_id, encrypted=True)
    settings = desk_settings(desk, sara)
    bot = await Lotse(tmp_path / "bot", eval_brain, section(synapse, account), settings).start()
    try:
        await sara.wait_for_member(desk, account.user_id)
        amal = Sender("telegram", "777", "777", "Amal <b>", "ar")
        await telegram_says(bot, amal, "/human")
        card = await sara.next_message(desk, bot_says(account.user_id, "#1"), within=15)
        assert "(ar)" in card.source["content"]["body"]

        await sara.send_thread_reply(desk, card.event_id, "/claim")
        name = sara.user_id.split(":")[0][1:]
        claimed = said(eval_brain, "desk_claimed", "de", number=1, name=name)
        await sara.next_message(
            desk, both(bot_says(account.user_id, claimed), in_thread(card.event_id))
        )
        await sara.send_thread_reply(desk, card.event_id, "Marhaba, wie kann ich helfen?")

        async def answered() -> bool:
            return any("Marhaba" in d.out.text for d in bot.telegram.to("777"))

        await eventually(answered)

        letter = Attachment("photo", "telegram", "tg-letter", "brief.jpg", 2048, "image/jpeg")
        await telegram_says(bot, amal, "Das ist der Brief", attachments=(letter,))
        relay = await sara.next_message(
            desk, both(bot_says(account.user_id), in_thread(card.event_id))
        )
        body = relay.source["content"]["body"]
        assert body == "Amal <b> (#1): Das ist der Brief"
        assert "&lt;b&gt;" in relay.source["content"]["formatted_body"]
        image = await sara.next_message(
            desk, both(in_thread(card.event_id), lambda e: isinstance(e, RoomEncryptedImage))
        )
        assert await sara.download(image) == b"bytes of tg-letter"

        answer = tiny_png()
        await send_thread_image(sara, desk, card.event_id, answer)

        async def copied() -> bool:
            return any(d.out.attachments for d in bot.telegram.to("777"))

        await eventually(copied)
        [sent] = [a for d in bot.telegram.to("777") for a in d.out.attachments]
        assert sent.network == "matrix" and bot.telegram.files[sent.handle] == answer
    finally:
        await bot.stop()
