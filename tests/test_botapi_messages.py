"""Sending, editing and deleting through PTB's Bot: Telegram's semantics and error texts."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, ReplyParameters
from telegram.error import BadRequest, ChatMigrated, Forbidden
from telegram.ext import CallbackQueryHandler, ContextTypes

from tests.botapi import BotApiServer, User
from tests.botapi.ptb import polling


@pytest.fixture
async def bot(botapi: BotApiServer) -> AsyncIterator[Bot]:
    async with Bot(botapi.token, base_url=botapi.base_url) as client:
        yield client


@pytest.fixture
def amina(botapi: BotApiServer) -> User:
    user = botapi.add_user("Amina", username="amina", language_code="ar")
    botapi.send_command(user, None, "start")
    return user


async def test_html_becomes_entities_with_utf16_offsets(
    botapi: BotApiServer, bot: Bot, amina: User
) -> None:
    sent = await bot.send_message(
        amina.id,
        "😀 <b>Termin</b> &amp; <a href='https://example.org'>Info</a> <i>ä</i>",
        parse_mode="HTML",
    )
    assert sent.text == "😀 Termin & Info ä"
    assert [(e.type, e.offset, e.length) for e in sent.entities] == [
        ("bold", 3, 6),
        ("text_link", 12, 4),
        ("italic", 17, 1),
    ]
    assert sent.entities[1].url == "https://example.org/"
    stored = botapi.bot_messages(botapi.private_chat(amina))[-1]
    assert stored.text == sent.text and stored.message_id == sent.message_id


@pytest.mark.parametrize(
    ("html", "error"),
    [
        ("<b>offen", 'Can\'t find end tag corresponding to start tag "b"'),
        ("a <p>b</p>", 'Unsupported start tag "p" at byte offset 2'),
        ("ä <b>x</i>", 'Unmatched end tag at byte offset 7, expected "</b>", found "</i>"'),
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ('<span class="x">s</span>', 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
    ],
)
async def test_html_errors_are_telegrams(
    botapi: BotApiServer, bot: Bot, amina: User, html: str, error: str
) -> None:
    with pytest.raises(BadRequest) as raised:
        await bot.send_message(amina.id, html, parse_mode="HTML")
    description = f"Bad Request: can't parse entities: {error}"
    assert botapi.request_log[-1].description == description
    assert raised.value.message == description.removeprefix("Bad Request: ").capitalize()


async def test_text_limits_count_utf16_after_parsing(bot: Bot, amina: User) -> None:
    fits = "<b>" + "x" * 4096 + "</b>"  # tags do not count
    assert len((await bot.send_message(amina.id, fits, parse_mode="HTML")).text or "") == 4096
    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(amina.id, "😀" * 2049)  # 4098 UTF-16 code units
    with pytest.raises(BadRequest, match="Message text is empty"):
        await bot.send_message(amina.id, "  \n ")


async def test_callback_button_flow(botapi: BotApiServer, amina: User) -> None:
    answered: list[str] = []

    async def on_press(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query  # type: ignore[attr-defined]
        answered.append(query.data)
        await query.answer("Danke!")
        await query.edit_message_text(f"Gewählt: {query.data}")

    app = botapi.application_builder().build()
    app.add_handler(CallbackQueryHandler(on_press))
    async with polling(app):
        keyboard = InlineKeyboardMarkup(
            [[InlineKeyboardButton("Ja", callback_data="yes")],
             [InlineKeyboardButton("Web", url="https://wir.hessen.de")]]
        )  # fmt: skip
        await app.bot.send_message(amina.id, "Passt das?", reply_markup=keyboard)
        chat = botapi.private_chat(amina)
        question = await botapi.next_bot_message(chat)
        assert question.button_data() == ["yes"]
        botapi.press_button(amina, question, "yes")
        await botapi.wait_for(lambda: question.text == "Gewählt: yes", what="edit")
    assert answered == ["yes"]
    assert [(a.data, a.text, a.show_alert) for a in botapi.answered_callbacks] == [
        ("yes", "Danke!", False)
    ]
    assert question.reply_markup is None  # editMessageText without markup drops the keyboard
    assert question.edit_date is not None


async def test_callback_answer_too_late_or_twice(
    botapi: BotApiServer, bot: Bot, amina: User
) -> None:
    button = InlineKeyboardMarkup([[InlineKeyboardButton("A", callback_data="a")]])
    await bot.send_message(amina.id, "?", reply_markup=button)
    message = botapi.bot_messages(botapi.private_chat(amina))[-1]
    fresh = botapi.press_button(amina, message, "a")
    assert await bot.answer_callback_query(fresh)
    too_old = "Query is too old and response timeout expired or query id is invalid"
    with pytest.raises(BadRequest, match=too_old):
        await bot.answer_callback_query(fresh)
    stale = botapi.press_button(amina, message, "a")
    botapi.clock.advance(20)
    with pytest.raises(BadRequest, match=too_old):
        await bot.answer_callback_query(stale)
    long_one = botapi.press_button(amina, message, "a")
    with pytest.raises(BadRequest, match="Message_too_long"):
        await bot.answer_callback_query(long_one, text="x" * 201)


async def test_callback_data_over_64_bytes_is_button_data_invalid(bot: Bot, amina: User) -> None:
    ok = InlineKeyboardMarkup([[InlineKeyboardButton("ok", callback_data="x" * 64)]])
    await bot.send_message(amina.id, "ok", reply_markup=ok)
    too_long = InlineKeyboardMarkup([[InlineKeyboardButton("no", callback_data="x" * 65)]])
    with pytest.raises(BadRequest, match="Button_data_invalid"):
        await bot.send_message(amina.id, "no", reply_markup=too_long)
    umlauts = InlineKeyboardMarkup([[InlineKeyboardButton("no", callback_data="ü" * 33)]])
    with pytest.raises(BadRequest, match="Button_data_invalid"):  # 66 bytes
        await bot.send_message(amina.id, "no", reply_markup=umlauts)


async def test_edit_not_modified_and_not_found(botapi: BotApiServer, bot: Bot, amina: User) -> None:
    sent = await bot.send_message(amina.id, "Hallo")
    with pytest.raises(BadRequest, match="Message is not modified: specified new message content"):
        await bot.edit_message_text("Hallo", amina.id, sent.message_id)
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("neu", amina.id, 999)
    user_message = botapi.send_text(amina, None, "meins")
    with pytest.raises(BadRequest, match="Message can't be edited"):
        await bot.edit_message_text("neu", amina.id, user_message.message_id)


async def test_reply_parameters_and_missing_reply(
    botapi: BotApiServer, bot: Bot, amina: User
) -> None:
    question = botapi.send_text(amina, None, "Frage")
    answer = await bot.send_message(
        amina.id, "Antwort", reply_parameters=ReplyParameters(question.message_id)
    )
    assert answer.reply_to_message is not None
    assert answer.reply_to_message.text == "Frage"
    with pytest.raises(BadRequest, match="Message to be replied not found"):
        await bot.send_message(amina.id, "x", reply_parameters=ReplyParameters(12345))
    loose = await bot.send_message(
        amina.id, "x", reply_parameters=ReplyParameters(12345, allow_sending_without_reply=True)
    )
    assert loose.reply_to_message is None


async def test_blocked_user_gives_forbidden(botapi: BotApiServer, bot: Bot, amina: User) -> None:
    stranger = botapi.add_user("Nie", language_code="fa")
    with pytest.raises(
        Forbidden, match=r"^Forbidden: bot can't initiate conversation with a user$"
    ):
        await bot.send_message(stranger.id, "Hallo")
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(424242, "Hallo")
    botapi.block_bot(amina)
    with pytest.raises(Forbidden, match=r"^Forbidden: bot was blocked by the user$"):
        await bot.send_message(amina.id, "Hallo")
    kinds = [next(k for k in u if k != "update_id") for u in botapi.updates]
    assert kinds[-1] == "my_chat_member"
    botapi.unblock_bot(amina)
    assert (await bot.send_message(amina.id, "wieder da")).text == "wieder da"


async def test_migrated_group_raises_chat_migrated(botapi: BotApiServer, bot: Bot) -> None:
    staff = botapi.add_user("Petra", language_code="de")
    group = botapi.add_group("Ausländerbehörde", admins=[staff])
    await bot.send_message(group.id, "vorher")
    supergroup = botapi.migrate_to_supergroup(group)
    with pytest.raises(ChatMigrated) as raised:
        await bot.send_message(group.id, "nachher")
    assert raised.value.new_chat_id == supergroup.id
    assert (await bot.send_message(supergroup.id, "nachher")).chat.type == "supergroup"
    service = [u["message"] for u in botapi.updates if "message" in u]
    assert service[-2]["migrate_to_chat_id"] == supergroup.id
    assert service[-1]["migrate_from_chat_id"] == group.id


async def test_delete_message_refused_after_48_hours(
    botapi: BotApiServer, bot: Bot, amina: User
) -> None:
    recent = await bot.send_message(amina.id, "gleich weg")
    assert await bot.delete_message(amina.id, recent.message_id)
    with pytest.raises(BadRequest, match="Message to delete not found"):
        await bot.delete_message(amina.id, recent.message_id)
    old = await bot.send_message(amina.id, "alt")
    from_user = botapi.send_text(amina, None, "von Amina")
    botapi.clock.advance(hours=47.9)
    assert await bot.delete_message(amina.id, from_user.message_id)  # incoming, private chat
    botapi.clock.advance(hours=0.2)
    with pytest.raises(BadRequest, match="Message can't be deleted"):
        await bot.delete_message(amina.id, old.message_id)
    assert not botapi.private_chat(amina).messages[old.message_id].deleted


async def test_group_privacy_mode(botapi: BotApiServer, bot: Bot) -> None:
    anna, ben = botapi.add_user("Anna"), botapi.add_user("Ben")
    group = botapi.add_supergroup("Hilfe", members=[anna, ben])
    mine = await bot.send_message(group.id, "Ich bin der Bot")
    botapi.send_text(anna, group, "Plaudern unter uns")
    botapi.send_command(ben, group, "hilfe", mention_bot=True)
    botapi.send_text(anna, group, "Danke", reply_to=group.messages[mine.message_id])
    botapi.send_text(ben, group, "/other@someone_else_bot x")
    seen = [u["message"]["text"] for u in botapi.updates if "message" in u]
    assert seen == ["/hilfe@lotse_test_bot", "Danke"]
