"""The staff desk on Telegram (a forum with topics, or a group with cards), and handovers
from Telegram to a desk on Matrix (faked at the engine level)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.brain import Brain
from bot.messages import Attachment
from tests.botapi.actors import tiny_png
from tests.botapi.messages import StoredMessage
from tests.botapi.model import Chat, User
from tests.botapi.server import BotApiServer
from tests.test_telegram_newcomer import button, labels, plain, say
from tests.test_telegram_world import TelegramWorld

HOSTILE = "</b><a href=x>*_["


def desk_group(botapi: BotApiServer, forum: bool, **people: Any) -> Chat:
    """The desk supergroup with the bot as an administrator."""
    return botapi.add_supergroup("Lotse Team", is_forum=forum, bot_status="administrator", **people)


async def staff_writes(
    tw: TelegramWorld,
    user: User,
    desk: Chat,
    text: str,
    thread: int | None = None,
    reply_to: StoredMessage | None = None,
) -> None:
    tw.botapi.send_text(user, desk, text, reply_to=reply_to, thread_id=thread)
    await tw.idle()


def unmarked(text: str | None) -> str:
    """Text without the direction marks and isolates the renderer adds."""
    return (text or "").translate(dict.fromkeys(map(ord, "\u200e\u200f\u2066\u2069")))


def last_text(botapi: BotApiServer, chat: Chat) -> str | None:
    return botapi.bot_messages(chat)[-1].body


async def test_a_full_handover_to_a_forum_topic_desk_and_back(
    botapi: BotApiServer, tmp_path: Path, eval_brain: Brain
) -> None:
    sara = botapi.add_user("Sara", "Müller")
    amal = botapi.add_user("Amal", language_code="ar")
    desk = desk_group(botapi, True, admins=[sara])
    user_chat = botapi.private_chat(amal)
    async with TelegramWorld(botapi, tmp_path, eval_brain, desk=desk, staff=(sara,)) as tw:
        await say(tw, amal, "/start")
        queued = await say(tw, amal, "/human")
        # (Arabic lines start with a right-to-left mark: see test_telegram_render.py.)
        assert unmarked(queued[-1].text) == plain(eval_brain, "handover_queued", "ar", position=1)
        # One topic per handover, named with its number and language; the card inside it.
        [topic] = desk.topics.values()
        assert topic.name == "#1 · ar"
        [card] = botapi.bot_messages(desk, topic.thread_id)
        assert "#1" in (card.text or "")
        claim_message, claim = button(botapi, desk, "claim:1")
        assert claim_message is card
        botapi.press_button(sara, card, claim)
        await tw.idle()
        assert unmarked(last_text(botapi, user_chat)) == plain(
            eval_brain, "handover_claimed", "ar", name="Sara"
        )
        assert last_text(botapi, desk) == plain(
            eval_brain, "desk_claimed", "de", number=1, name="Sara Müller"
        )
        # Staff write inside the topic; the newcomer reads it marked as from Sara.
        await staff_writes(tw, sara, desk, "Guten Tag, wie kann ich helfen?", topic.thread_id)
        answer = botapi.bot_messages(user_chat)[-1]
        assert answer.text == "Sara: Guten Tag, wie kann ich helfen?"
        assert answer.entities[0] == {"type": "bold", "offset": 0, "length": 5}
        # The newcomer answers with words and a photo of a letter; both land in the topic.
        await say(tw, amal, "عندي رسالة من المكتب")
        relayed = botapi.bot_messages(desk, topic.thread_id)[-1]
        assert relayed.text == "Amal (#1): عندي رسالة من المكتب"
        png = tiny_png(6, 4)
        botapi.send_photo(amal, None, png, caption="هذه هي")
        await tw.idle()
        photo = botapi.bot_messages(desk, topic.thread_id)[-1]
        assert "photo" in photo.media and botapi.file_bytes(photo) == png
        assert photo.caption == "Amal (#1): هذه هي"
        assert botapi.calls("copyMessage")
        # Staff send a document back; it is copied into the private chat.
        doc = botapi.send_document(
            sara, desk, b"%PDF-1.4 Antrag", "antrag.pdf", thread_id=topic.thread_id
        )
        await tw.idle()
        sent = botapi.bot_messages(user_chat)[-1]
        assert sent.media["document"]["file_id"] == doc.media["document"]["file_id"]
        assert sent.caption == "Sara:"
        # /close hands the chat back to the bot, which asks for feedback and answers again.
        await staff_writes(tw, sara, desk, "/close", topic.thread_id)
        closed = botapi.bot_messages(user_chat)[-1]
        assert unmarked(closed.text) == plain(eval_brain, "handover_closed", "ar")
        assert plain(eval_brain, "feedback_yes", "ar") in labels(closed)
        in_topic = len(botapi.messages_in(desk, topic.thread_id))
        again = await say(tw, amal, "تمديد الإقامة في أوفنباخ")
        assert any("أوفنباخ" in (m.text or "") for m in again)
        assert len(botapi.messages_in(desk, topic.thread_id)) == in_topic


async def test_a_card_desk_threads_replies_and_relays_only_staff(
    botapi: BotApiServer, tmp_path: Path, eval_brain: Brain
) -> None:
    sara, omar, chef = botapi.add_user("Sara"), botapi.add_user("Omar"), botapi.add_user("Chef")
    amal = botapi.add_user("Amal")
    desk = desk_group(botapi, False, admins=[sara], members=[omar], anonymous_admins=[chef])
    user_chat = botapi.private_chat(amal)
    async with TelegramWorld(botapi, tmp_path, eval_brain, desk=desk, staff=(sara,)) as tw:
        await say(tw, amal, "/start")
        await say(tw, amal, "/human")
        assert not desk.topics
        [card] = [m for m in botapi.bot_messages(desk) if m.button_data()]
        seen = len(botapi.bot_messages(user_chat))
        # A member who is not staff, an anonymous admin, and staff writing past the card:
        # none of it reaches the newcomer.
        await staff_writes(tw, omar, desk, "Ich übernehme", reply_to=card)
        await staff_writes(tw, chef, desk, "Anonym hier", reply_to=card)
        await staff_writes(tw, sara, desk, "Nur so in die Gruppe")
        assert len(botapi.bot_messages(user_chat)) == seen
        # Staff reply to the card: claimed and relayed.
        await staff_writes(tw, sara, desk, "Hallo Amal", reply_to=card)
        assert last_text(botapi, user_chat) == "Sara: Hallo Amal"
        # The bot's posts in the group reply to the card, so the thread stays together.
        await say(tw, amal, "Danke!")
        relayed = botapi.bot_messages(desk)[-1]
        assert relayed.text == "Amal (#1): Danke!" and relayed.reply_to is card
        # Replying to the relayed message works as well as replying to the card.
        await staff_writes(tw, sara, desk, "Gern", reply_to=relayed)
        assert last_text(botapi, user_chat) == "Sara: Gern"
        # A command for another bot in the same group is not ours.
        await staff_writes(tw, sara, desk, "/close@other_bot", reply_to=card)
        await staff_writes(tw, sara, desk, "/note ruft morgen an", reply_to=card)
        assert last_text(botapi, desk) == plain(eval_brain, "desk_note_saved", "de", number=1)
        assert len(botapi.bot_messages(user_chat)) == seen + 3


async def test_membership_authorises_members_but_never_anonymous_admins(
    botapi: BotApiServer, tmp_path: Path, eval_brain: Brain
) -> None:
    omar, chef, amal = botapi.add_user("Omar"), botapi.add_user("Chef"), botapi.add_user("Amal")
    desk = desk_group(botapi, True, members=[omar], anonymous_admins=[chef])
    async with TelegramWorld(botapi, tmp_path, eval_brain, desk=desk, by_membership=True) as tw:
        await say(tw, amal, "/human")
        [topic] = desk.topics.values()
        await staff_writes(tw, chef, desk, "Anonym", topic.thread_id)
        assert last_text(botapi, botapi.private_chat(amal)) != "Chef: Anonym"
        await staff_writes(tw, omar, desk, "Ich bin da", topic.thread_id)
        assert last_text(botapi, botapi.private_chat(amal)) == "Omar: Ich bin da"
        # Someone who left the group is no longer vouched for (once the cache expires).
        assert tw.transport.app is not None
        bot = tw.transport.app.bot
        botapi.leave(omar, desk)
        assert await tw.transport.desk.is_member(bot, omar.id)
        tw.transport.desk.member_ttl = 0.0
        assert not await tw.transport.desk.is_member(bot, omar.id)


async def test_hostile_names_and_texts_are_shown_literally_on_both_sides(
    botapi: BotApiServer, tmp_path: Path, eval_brain: Brain
) -> None:
    sara = botapi.add_user(HOSTILE, "<i>Müller")
    amal = botapi.add_user(HOSTILE, "&amp;")
    desk = desk_group(botapi, True, admins=[sara])
    user_chat = botapi.private_chat(amal)
    async with TelegramWorld(botapi, tmp_path, eval_brain, desk=desk, staff=(sara,)) as tw:
        await say(tw, amal, "/human")
        [topic] = desk.topics.values()
        await say(tw, amal, HOSTILE + " & <script>")
        relayed = botapi.bot_messages(desk, topic.thread_id)[-1]
        assert relayed.text == f"{HOSTILE} &amp; (#1): {HOSTILE} & <script>"
        assert [e["type"] for e in relayed.entities] == ["bold"]
        await staff_writes(tw, sara, desk, f"**{HOSTILE}** <b>", topic.thread_id)
        shown = botapi.bot_messages(user_chat)[-1]
        # The first word of the name labels staff; everything is literal, no link appears.
        assert shown.text == f"</b><a: **{HOSTILE}** <b>"
        assert all(e["type"] == "bold" for e in shown.entities)


async def test_a_telegram_newcomer_handed_to_a_matrix_desk(
    botapi: BotApiServer, tmp_path: Path, eval_brain: Brain
) -> None:
    amal = botapi.add_user("Amal", language_code="de")
    user_chat = botapi.private_chat(amal)
    async with TelegramWorld(botapi, tmp_path, eval_brain) as tw:
        await say(tw, amal, "/human")
        [card] = tw.world.desk_posts()
        assert card.out.new_thread == "#1 · de"
        posts = await tw.world.staff("@sara:example.org", "Hallo aus dem Team", thread=card.thread)
        assert plain(eval_brain, "desk_claimed", "de", number=1, name="Sara Müller") in (
            p.text for p in posts
        )
        assert last_text(botapi, user_chat) == "Sara: Hallo aus dem Team"
        # A photo from Telegram reaches Matrix as bytes fetched from Telegram.
        png = tiny_png(3, 3)
        botapi.send_photo(amal, None, png)
        await tw.idle()
        relayed = tw.world.desk_posts()[-1].out
        [photo] = relayed.attachments
        assert photo.network == "telegram" and photo.kind == "photo"
        assert tw.world.matrix.files[photo.handle] == png
        # A document from Matrix staff is uploaded to the newcomer's chat.
        letter = Attachment("document", "matrix", "mxc://example.org/brief", "brief.pdf", 20,
                            "application/pdf")  # fmt: skip
        await tw.world.staff("@sara:example.org", "Ihr Brief", thread=card.thread,
                             attachments=(letter,))  # fmt: skip
        sent = botapi.bot_messages(user_chat)[-1]
        assert sent.media["document"]["file_name"] == "brief.pdf"
        assert sent.caption == "Sara: Ihr Brief"
        assert botapi.file_bytes(sent) == b"bytes of mxc://example.org/brief"


async def test_a_topic_staff_deleted_or_closed_is_replaced_by_the_main_chat(
    botapi: BotApiServer, tmp_path: Path, eval_brain: Brain
) -> None:
    sara, amal, lena = botapi.add_user("Sara"), botapi.add_user("Amal"), botapi.add_user("Lena")
    rights = {"can_manage_topics": False}
    desk = botapi.add_supergroup(
        "Team", admins=[sara], is_forum=True, bot_status="administrator", bot_rights=rights
    )
    async with TelegramWorld(botapi, tmp_path, eval_brain, desk=desk, staff=(sara,)) as tw:
        # Without the right to manage topics the bot cannot open one: a card instead.
        await say(tw, amal, "/human")
        assert not desk.topics and any(m.button_data() for m in botapi.bot_messages(desk))
    desk = botapi.add_supergroup("Team 2", admins=[sara], is_forum=True, bot_status="administrator")
    async with TelegramWorld(botapi, tmp_path, eval_brain, desk=desk, staff=(sara,)) as tw:
        await say(tw, lena, "/human")
        [topic] = desk.topics.values()
        # Staff delete the topic (Telegram deletes its messages with it).
        topic.deleted = True
        for message in botapi.messages_in(desk, topic.thread_id):
            message.deleted = True
        await say(tw, lena, "Noch jemand da?")
        posted = botapi.bot_messages(desk)[-1]
        assert posted.text == "Lena (#2): Noch jemand da?" and posted.thread_id is None
        # Staff close a topic and take the bot's right to manage topics: the same.
        omar = botapi.add_user("Omar")
        await say(tw, omar, "/human")
        topic = desk.topics[max(desk.topics)]
        assert topic.name == "#3 · de"
        topic.closed = True
        bot_member = desk.member(botapi.bot.id)
        assert bot_member is not None
        bot_member.rights["can_manage_topics"] = False
        await say(tw, omar, "Ist zu?")
        posted = botapi.bot_messages(desk)[-1]
        assert posted.text == "Omar (#3): Ist zu?" and posted.thread_id is None
