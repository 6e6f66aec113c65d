"""Groups, forums, members and commands on the local Bot API server, through PTB."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from telegram import BotCommand, BotCommandScopeAllPrivateChats, BotCommandScopeChat
from telegram.constants import ChatMemberStatus
from telegram.error import BadRequest
from telegram.ext import Application, ContextTypes, MessageHandler, filters

from tests.botapi import GROUP_ANONYMOUS_BOT, BotApiServer
from tests.botapi.ptb import polling

App = Application[Any, Any, Any, Any, Any, Any]


@pytest.fixture
async def app(botapi: BotApiServer) -> AsyncIterator[App]:
    application = botapi.application_builder().build()
    await application.initialize()
    yield application
    await application.shutdown()


async def test_forum_topic_and_message_into_it(botapi: BotApiServer, app: App) -> None:
    staff = botapi.add_user("Petra", username="petra_lk")
    desk = botapi.add_supergroup(
        "Beratung", members=[staff], is_forum=True, bot_status="administrator"
    )
    topic = await app.bot.create_forum_topic(desk.id, "Amina (ar)", icon_color=0xFFD67E)
    assert topic.name == "Amina (ar)" and topic.icon_color == 0xFFD67E
    opener = desk.messages[topic.message_thread_id]
    assert opener.service["forum_topic_created"]["name"] == "Amina (ar)"

    sent = await app.bot.send_message(
        desk.id, "Neue Anfrage", message_thread_id=topic.message_thread_id
    )
    assert sent.message_thread_id == topic.message_thread_id and sent.is_topic_message
    assert [m.text for m in botapi.messages_in(desk, topic.message_thread_id)] == [
        None,
        "Neue Anfrage",
    ]

    reply = botapi.send_text(staff, desk, "Ich übernehme", thread_id=topic.message_thread_id)
    update = botapi.updates[-1]["message"]
    assert update["message_thread_id"] == topic.message_thread_id
    assert update["reply_to_message"]["message_id"] == topic.message_thread_id  # implicit reply
    assert reply.is_topic_message

    with pytest.raises(BadRequest, match="Message thread not found"):
        await app.bot.send_message(desk.id, "x", message_thread_id=9999)
    await app.bot.close_forum_topic(desk.id, topic.message_thread_id)
    with pytest.raises(BadRequest, match="Topic_not_modified"):
        await app.bot.close_forum_topic(desk.id, topic.message_thread_id)
    await app.bot.delete_forum_topic(desk.id, topic.message_thread_id)
    with pytest.raises(BadRequest, match="Message thread not found"):
        await app.bot.send_message(desk.id, "x", message_thread_id=topic.message_thread_id)


async def test_topics_need_a_forum_and_rights(botapi: BotApiServer, app: App) -> None:
    plain = botapi.add_supergroup("Kein Forum", bot_status="administrator")
    with pytest.raises(BadRequest, match="The chat is not a forum"):
        await app.bot.create_forum_topic(plain.id, "x")
    forum = botapi.add_supergroup("Forum", is_forum=True, bot_status="member")
    with pytest.raises(BadRequest, match="Not enough rights to create a topic"):
        await app.bot.create_forum_topic(forum.id, "x")


async def test_anonymous_admin_posts_as_the_group(botapi: BotApiServer, app: App) -> None:
    boss = botapi.add_user("Chefin")
    group = botapi.add_supergroup("Team", anonymous_admins=[boss], bot_status="administrator")
    received = []

    async def keep(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        received.append(update.effective_message)  # type: ignore[attr-defined]

    app.add_handler(MessageHandler(filters.ALL, keep))
    async with polling(app):
        botapi.send_text(boss, group, "Bitte an alle")
        await botapi.wait_for(lambda: received, what="the anonymous message")
        member = await app.bot.get_chat_member(group.id, boss.id)
        admins = await app.bot.get_chat_administrators(group.id)
    message = received[0]
    assert message.from_user.id == GROUP_ANONYMOUS_BOT.id
    assert message.sender_chat.id == group.id
    assert member.status == ChatMemberStatus.ADMINISTRATOR and member.is_anonymous
    assert {a.user.id for a in admins} == {boss.id, botapi.bot.id}


async def test_members_join_and_leave(botapi: BotApiServer, app: App) -> None:
    anna = botapi.add_user("Anna")
    group = botapi.add_group("Nachbarn", admins=[anna])
    newcomer = botapi.add_user("Yusuf", language_code="tr")
    assert (await app.bot.get_chat_member(group.id, newcomer.id)).status == ChatMemberStatus.LEFT
    botapi.join(newcomer, group)
    assert (await app.bot.get_chat_member(group.id, newcomer.id)).status == ChatMemberStatus.MEMBER
    botapi.leave(newcomer, group, by=anna)
    assert (await app.bot.get_chat_member(group.id, newcomer.id)).status == ChatMemberStatus.BANNED
    joined, left = [u["message"] for u in botapi.updates[-2:]]
    assert joined["new_chat_members"][0]["id"] == newcomer.id
    assert left["left_chat_member"]["id"] == newcomer.id
    botapi.leave(botapi.bot, group)
    with pytest.raises(Exception, match="bot is not a member of the group chat"):
        await app.bot.send_message(group.id, "hallo?")
    assert list(botapi.updates[-1]) == ["update_id", "my_chat_member"]
    assert list(botapi.updates[-2]) == ["update_id", "message"]  # Yusuf's removal, not the bot's


async def test_commands_per_scope_and_language(botapi: BotApiServer, app: App) -> None:
    german = [BotCommand("start", "Anfangen"), BotCommand("hilfe", "Hilfe bekommen")]
    arabic = [BotCommand("start", "ابدأ")]
    await app.bot.set_my_commands(german)
    await app.bot.set_my_commands(arabic, language_code="ar")
    await app.bot.set_my_commands(
        [BotCommand("team", "Nur privat")], BotCommandScopeAllPrivateChats()
    )
    assert botapi.commands() == [("start", "Anfangen"), ("hilfe", "Hilfe bekommen")]
    assert botapi.commands(language="ar") == [("start", "ابدأ")]
    assert botapi.commands({"type": "all_private_chats"}) == [("team", "Nur privat")]
    assert [c.command for c in await app.bot.get_my_commands(language_code="ar")] == ["start"]
    assert await app.bot.get_my_commands(language_code="fa") == ()
    await app.bot.delete_my_commands(language_code="ar")
    assert botapi.commands(language="ar") == []
    with pytest.raises(BadRequest, match="Bot_command_invalid"):
        await app.bot.set_my_commands([BotCommand("Hilfe", "Großbuchstaben")])
    with pytest.raises(BadRequest, match="Chat not found"):
        await app.bot.set_my_commands(german, BotCommandScopeChat(-1))


async def test_chat_actions(botapi: BotApiServer, app: App) -> None:
    user = botapi.add_user("Lin")
    botapi.send_command(user, None, "start")
    await app.bot.send_chat_action(user.id, "typing")
    with pytest.raises(BadRequest, match="Wrong parameter action in request"):
        await app.bot.send_chat_action(user.id, "dancing")
    assert [(a.chat_id, a.action) for a in botapi.chat_actions] == [(user.id, "typing")]
