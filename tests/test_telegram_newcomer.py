"""Newcomers on Telegram: answers, buttons, commands menu, typing, /delete, odd input.

The real adapter polls the local Bot API server through python-telegram-bot; the real
engine answers from the fixture knowledge base.
"""

from __future__ import annotations

from fnmatch import fnmatchcase
from pathlib import Path

from adapters.telegram.bidi import LRI, PDI, RLM
from adapters.telegram.buttons import TAG_LENGTH
from bot.brain import Brain
from bot.languages import LANGUAGES
from bot.markdown import to_plain
from tests.botapi.messages import StoredMessage
from tests.botapi.model import Chat, User
from tests.botapi.server import BotApiServer
from tests.test_telegram_world import TelegramWorld


def texts(brain: Brain, key: str, language: str, **params: object) -> str:
    return brain.knowledge.texts.get(key, language, **params)


def plain(brain: Brain, key: str, language: str, **params: object) -> str:
    """A bot text as Telegram shows it (bold and links become entities)."""
    return to_plain(texts(brain, key, language, **params))


def button(botapi: BotApiServer, chat: Chat, payload: str) -> tuple[StoredMessage, str]:
    """The newest bot message with a button for ``payload`` (``*`` matches any sequence
    number), and that button's data."""
    for message in reversed(botapi.bot_messages(chat)):
        for data in message.button_data():
            if fnmatchcase(data[TAG_LENGTH:], payload):
                return message, data
    raise AssertionError(f"no button {payload!r} in chat {chat.id}")


def labels(message: StoredMessage) -> list[str]:
    markup = message.reply_markup or {}
    return [b["text"] for row in markup.get("inline_keyboard", []) for b in row]


async def press(tw: TelegramWorld, user: User, payload: str) -> list[StoredMessage]:
    """``user`` presses the newest button for ``payload``; returns the bot's new messages."""
    chat = tw.botapi.private_chat(user)
    message, data = button(tw.botapi, chat, payload)
    before = len(tw.botapi.bot_messages(chat))
    tw.botapi.press_button(user, message, data)
    await tw.idle()
    return tw.botapi.bot_messages(chat)[before:]


async def say(tw: TelegramWorld, user: User, text: str) -> list[StoredMessage]:
    """``user`` writes ``text``; returns the bot's new messages in that chat."""
    chat = tw.botapi.private_chat(user)
    before = len(tw.botapi.bot_messages(chat))
    tw.botapi.send_text(user, None, text)
    await tw.idle()
    return tw.botapi.bot_messages(chat)[before:]


async def test_a_newcomer_asking_in_arabic_gets_an_escaped_right_to_left_answer(
    botapi: BotApiServer, tmp_path: Path, eval_brain: Brain
) -> None:
    amina = botapi.add_user("أمينة", language_code="ar")
    chat = botapi.private_chat(amina)
    async with TelegramWorld(botapi, tmp_path, eval_brain) as tw:
        replies = await say(tw, amina, "تمديد الإقامة في أوفنباخ")
        title = "مكتب شؤون الأجانب في مقاطعة أوفنباخ"
        answer = next(m for m in replies if m.text and title in m.text)
        # Each Arabic line starts with a right-to-left mark; the title is bold.
        assert answer.text is not None and answer.text.startswith(RLM + title)
        assert {"type": "bold", "offset": 1, "length": len(title)} in answer.entities
        body = next(line for line in answer.text.split("\n") if "Kreishaus" in line)
        assert body.startswith(RLM)
        # The phone number keeps its digit groups in order inside the Arabic line, and
        # the e-mail address stays one tappable entity.
        phone = next(line for line in answer.text.split("\n") if "6074" in line)
        assert phone.startswith(RLM) and phone.endswith(f"{LRI}+49 6074 000-101{PDI}")
        email = next(e for e in answer.entities if e["type"] == "email")
        start = email["offset"]  # UTF-16 units; the same as indexes in this BMP-only text
        assert answer.text[start : start + email["length"]] == "auslaenderbehoerde@example.org"
        # What went over the wire was HTML with the bold title, not Markdown.
        sent = next(r for r in botapi.calls("sendMessage") if title in str(r.params.get("text")))
        assert sent.params["parse_mode"] == "HTML"
        assert f"<b>{title}</b>" in sent.params["text"] and "**" not in sent.params["text"]
        # Related entries are numbered buttons; feedback buttons sit side by side.
        shown = labels(answer)
        assert shown[0].startswith("1. ") and shown[1].startswith("2. ")
        assert texts(eval_brain, "feedback_yes", "ar") in shown
        assert any(a.chat_id == chat.id and a.action == "typing" for a in botapi.chat_actions)
        assert not botapi.calls("sendMessage")[0].params.get("text", "").startswith("**")


async def test_clarify_and_feedback_buttons(
    botapi: BotApiServer, tmp_path: Path, eval_brain: Brain
) -> None:
    karim = botapi.add_user("Karim", language_code="de")
    chat = botapi.private_chat(karim)
    async with TelegramWorld(botapi, tmp_path, eval_brain) as tw:
        # Without a region, each region's foreigners' authority fits: a real close call.
        botapi.send_command(karim, None, "start")
        await tw.idle()
        await press(tw, karim, "region:-")
        [question] = await say(tw, karim, "Ausländerbehörde")
        assert question.text == texts(eval_brain, "did_you_mean", "de")
        options = labels(question)
        assert options[0].startswith("1. ") and options[1].startswith("2. ")
        assert all("Ausländerbehörde" in option for option in options[:2])
        [answer] = await press(tw, karim, "o:1:1")
        assert answer.text is not None and answer.text.startswith(options[1].removeprefix("2. "))
        # The clarify keyboard is gone: its options are stale now.
        await botapi.wait_for(lambda: not question.reply_markup, what="keyboard removed")
        assert len(botapi.answered_callbacks) == 2  # region and option presses
        [thanks] = await press(tw, karim, "fb:2:y")
        assert thanks.text == texts(eval_brain, "feedback_thanks", "de")
        # Only the feedback buttons leave the answer; its related entries stay offered.
        await botapi.wait_for(
            lambda: texts(eval_brain, "feedback_yes", "de") not in labels(answer),
            what="feedback buttons removed",
        )
        assert labels(answer) and labels(answer)[0].startswith("1. ")
        # A number typed instead of pressing picks the related entry.
        [related] = await say(tw, karim, "1")
        first_title = labels(answer)[0].removeprefix("1. ")
        assert related.text is not None and related.text.startswith(first_title)
        assert chat.id == karim.id


async def press_region_first(tw: TelegramWorld, user: User) -> None:
    """A first /start, then the Kreis Offenbach region button."""
    tw.botapi.send_command(user, None, "start")
    await tw.idle()
    await press(tw, user, "region:kreis-offenbach")


async def test_the_command_menu_is_registered_in_every_language(
    botapi: BotApiServer, tmp_path: Path, eval_brain: Brain
) -> None:
    async with TelegramWorld(botapi, tmp_path, eval_brain):
        scope = {"type": "all_private_chats"}
        await botapi.wait_for(lambda: botapi.commands(scope, "fr"), what="menu")
        await botapi.wait_for(lambda: len(botapi.calls("setMyCommands")) == 13, what="13 menus")
        names = ["start", "language", "region", "help", "human", "delete"]
        for language in LANGUAGES:
            menu = botapi.commands(scope, language)
            assert [name for name, _ in menu] == names
            assert menu[0][1] == texts(eval_brain, "cmd_start", language)
        assert botapi.commands(scope, "")[4][1] == texts(eval_brain, "cmd_human", "en")
        assert botapi.commands(scope, "de")[5][1] == "Alle meine Daten löschen"


async def test_delete_erases_the_bots_messages_where_telegram_allows(
    botapi: BotApiServer, tmp_path: Path, eval_brain: Brain
) -> None:
    old, new, third = botapi.add_user("Alt"), botapi.add_user("Neu"), botapi.add_user("Drei")
    async with TelegramWorld(botapi, tmp_path, eval_brain) as tw:
        await say(tw, old, "Jobcenter")
        await say(tw, third, "Jobcenter")
        botapi.clock.advance(hours=49)
        await say(tw, new, "Jobcenter")
        done = texts(eval_brain, "delete_done", "de")
        for user in (old, new):
            await say(tw, user, "/delete")
            await press(tw, user, "del:*:yes")
            assert botapi.bot_messages(botapi.private_chat(user))[-1].text == done
        # Two days later Telegram refuses to delete; the newer chat is emptied.
        assert len(botapi.bot_messages(botapi.private_chat(old))) > 3
        assert [m.text for m in botapi.bot_messages(botapi.private_chat(new))] == [done]
        refused = [r for r in botapi.calls("deleteMessage") if r.status != 200]
        assert refused and all(int(r.params["chat_id"]) == old.id for r in refused)
        # When the engine's own stamps say two days, Telegram is not even asked: only the
        # question "delete everything?" (sent after the clock moved) is deleted.
        tw.world.clock.advance(hours=49)
        asked = len(botapi.calls("deleteMessage"))
        await say(tw, third, "/delete")
        await press(tw, third, "del:*:yes")
        assert botapi.bot_messages(botapi.private_chat(third))[-1].text == done
        [latest] = botapi.calls("deleteMessage")[asked:]
        assert latest.status == 200 and int(latest.params["chat_id"]) == third.id


async def test_stickers_locations_and_voice_get_a_helpful_reply(
    botapi: BotApiServer, tmp_path: Path, eval_brain: Brain
) -> None:
    lena = botapi.add_user("Lena")
    chat = botapi.private_chat(lena)
    async with TelegramWorld(botapi, tmp_path, eval_brain) as tw:
        botapi.send_command(lena, None, "start")
        await tw.idle()
        for act, key in (
            (lambda: botapi.send_sticker(lena, None), "attachment_outside_handover"),
            (lambda: botapi.send_location(lena, None, 50.0, 8.7), "location_received"),
            (lambda: botapi.send_voice(lena, None), "attachment_outside_handover"),
        ):
            before = len(botapi.bot_messages(chat))
            act()
            await tw.idle()
            [reply] = botapi.bot_messages(chat)[before:]
            assert reply.text == texts(eval_brain, key, "de")
