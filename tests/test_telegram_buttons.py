"""Signed button data: within 64 bytes; forged, foreign and stale presses change nothing."""

from __future__ import annotations

from pathlib import Path

from adapters.telegram.buttons import EXPIRED, MAX_DATA, TAG_LENGTH, ButtonSigner, keyboard
from bot.brain import Brain
from bot.markdown import to_plain
from bot.messages import Choice
from tests.botapi.server import BotApiServer
from tests.test_telegram_newcomer import button, labels, press, say, texts
from tests.test_telegram_world import TelegramWorld


def test_signed_data_verifies_only_for_its_chat_and_secret() -> None:
    signer = ButtonSigner(b"one secret of enough length")
    data = signer.sign(42, "o:3:1")
    assert data is not None and len(data.encode()) <= MAX_DATA
    assert signer.verify(42, data) == "o:3:1"
    assert signer.verify(43, data) == EXPIRED  # shown in another chat
    assert ButtonSigner(b"another secret, rotated").verify(42, data) == EXPIRED
    assert signer.verify(42, data[:TAG_LENGTH] + "o:3:2") == EXPIRED  # payload changed
    assert signer.verify(42, "ä" * 20) == EXPIRED
    assert signer.verify(42, None) == EXPIRED


def test_payloads_too_long_for_telegram_are_left_out() -> None:
    signer = ButtonSigner(b"one secret of enough length")
    fits = "region:" + "x" * (MAX_DATA - TAG_LENGTH - len("region:"))
    too_long = fits + "y"
    markup = keyboard([Choice("A", fits, "region"), Choice("B", too_long, "region")], -100, signer)
    assert markup is not None
    assert [b.text for row in markup.inline_keyboard for b in row] == ["A"]


async def test_forged_and_stale_buttons_expire_and_change_nothing(
    botapi: BotApiServer, tmp_path: Path, eval_brain: Brain
) -> None:
    karim = botapi.add_user("Karim", language_code="uk")
    chat = botapi.private_chat(karim)
    expired = texts(eval_brain, "button_expired", "uk")
    async with TelegramWorld(botapi, tmp_path, eval_brain) as tw:
        await say(tw, karim, "/start")
        # A modified client sends data no button carried: a language switch, unsigned.
        message, _ = button(botapi, chat, "lang:*")
        before = len(botapi.bot_messages(chat))
        botapi.press_button(karim, message, "lang:de", forged=True)
        await tw.idle()
        [reply] = botapi.bot_messages(chat)[before:]
        assert reply.text == expired
        # Nothing changed: the chat still speaks the app's language.
        [help_text] = await say(tw, karim, "/help")
        assert help_text.text == to_plain(texts(eval_brain, "help", "uk"))
        assert help_text.text != to_plain(texts(eval_brain, "help", "de"))
        # A stale button: an offer replaced by a newer one (the signature is fine).
        # Karim picks Ukrainian, so German office words do not change his language;
        # the question names each region's office, so it is always a close call.
        await say(tw, karim, "/language")
        await press(tw, karim, "lang:uk")
        await say(tw, karim, "Ausländerbehörde Termin")
        old_question, old_data = button(botapi, chat, "o:*:0")
        await say(tw, karim, "Ausländerbehörde Termin")
        botapi.press_button(karim, old_question, old_data, forged=True)
        await tw.idle()
        assert botapi.bot_messages(chat)[-1].text == expired
        # Every press was answered, so no button keeps spinning.
        assert len(botapi.answered_callbacks) == 3
        assert botapi.core.callbacks and all(q.answered for q in botapi.core.callbacks.values())


async def test_buttons_signed_with_an_old_secret_expire(
    botapi: BotApiServer, tmp_path: Path, eval_brain: Brain
) -> None:
    lena = botapi.add_user("Lena", language_code="de")
    db = str(tmp_path / "lotse.sqlite3")
    async with TelegramWorld(botapi, tmp_path, eval_brain, db=db) as tw:
        await say(tw, lena, "/start")
    rotated = {"button_secret": "a-brand-new-secret-after-rotation"}
    async with TelegramWorld(botapi, tmp_path, eval_brain, db=db, extra=rotated) as tw:
        [answer] = await press(tw, lena, "lang:en")
        assert answer.text == texts(eval_brain, "button_expired", "de")
        assert labels(answer) == []
