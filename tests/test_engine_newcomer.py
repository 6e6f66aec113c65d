"""A newcomer's conversation through the engine, with fake networks and a real database."""

from __future__ import annotations

import aiosqlite

from bot.markdown import to_plain
from bot.messages import Attachment, Outgoing
from tests.fakes import World

ABH_OF = "Ausländerbehörde Kreis Offenbach"


def payloads(out: Outgoing, kind: str | None = None) -> list[str]:
    return [c.payload for c in out.choices if kind is None or c.kind == kind]


async def rows(world: World, sql: str) -> list[tuple[object, ...]]:
    async with aiosqlite.connect(world.db_path) as db, db.execute(sql) as cur:
        return [tuple(r) for r in await cur.fetchall()]


async def test_first_contact_welcomes_with_privacy_notice_then_language_and_region(
    world: World,
) -> None:
    replies = await world.say("u1", "/start", hint="en")
    assert len(replies) == 2
    welcome, region = replies
    assert "Privacy" in welcome.text and "90 days" in welcome.text and "/delete" in welcome.text
    assert len(payloads(welcome, "language")) == 12
    assert payloads(region, "region") == [
        "region:giessen",
        "region:kreis-offenbach",
        "region:odenwaldkreis",
        "region:-",
    ] or sorted(payloads(region, "region")) == sorted(
        ["region:giessen", "region:kreis-offenbach", "region:odenwaldkreis", "region:-"]
    )


async def test_first_question_is_welcomed_and_answered(world: World) -> None:
    replies = await world.say("u1", f"Wo ist die {ABH_OF}? Ich brauche einen Termin.")
    assert "Datenschutz" in replies[0].text  # welcome in the detected language (German)
    assert any(ABH_OF in r.text for r in replies[1:])


async def test_choosing_language_and_region_is_remembered(world: World) -> None:
    await world.say("u1", "/start", hint="de")
    replies = await world.say("u1", choice="lang:en")
    assert replies[0].text.startswith("Fine, from now on I answer in English")
    replies = await world.say("u1", choice="region:kreis-offenbach")
    assert "District of Offenbach" in replies[0].text or "Kreis Offenbach" in replies[0].text
    assert await rows(world, "SELECT language, language_chosen, region FROM chats") == [
        ("en", 1, "kreis-offenbach")
    ]


async def test_skipping_the_region_keeps_all_regions(world: World) -> None:
    await world.say("u1", "/start", hint="en")
    replies = await world.say("u1", choice="region:-")
    assert "all places" in replies[0].text
    assert await rows(world, "SELECT region, region_asked FROM chats") == [(None, 1)]


async def test_commands_work_in_the_users_language(world: World) -> None:
    await world.say("u1", "/start", hint="uk")
    help_reply = await world.say("u1", "/допомога")
    assert "/language" in help_reply[0].text and "/delete" in help_reply[0].text
    language = await world.say("u1", "/мова")
    assert len(payloads(language[0], "language")) == 12
    unknown = await world.say("u1", "/blabla")
    assert "/human" in unknown[0].text


async def test_an_answer_offers_related_entries_feedback_and_a_person(world: World) -> None:
    await world.say("u1", "/start", hint="de")
    answer = (await world.say("u1", ABH_OF))[-1]
    assert ABH_OF in answer.text
    options = payloads(answer, "option")
    assert options and all(p.startswith("o:") for p in options)
    assert len(payloads(answer, "feedback")) == 2
    assert any(p.startswith("human:") for p in payloads(answer, "action"))
    # Picking a related entry by its button answers it.
    related = await world.say("u1", choice=options[0])
    assert related and related[0].text != answer.text and related[0].text.startswith("**")


async def test_feedback_is_stored_per_entry_without_the_user(world: World) -> None:
    await world.say("u1", "/start", hint="de")
    answer = (await world.say("u1", ABH_OF))[-1]
    yes = next(p for p in payloads(answer, "feedback") if p.endswith(":y"))
    thanks = await world.say("u1", choice=yes)
    assert "Danke" in thanks[0].text
    assert await rows(world, "SELECT entry, helpful FROM feedback") == [("abh-kreis-offenbach", 1)]
    # The same button again is stale: the state is unchanged.
    again = await world.say("u1", choice=yes)
    assert "abgelaufen" in again[0].text
    assert len(await rows(world, "SELECT * FROM feedback")) == 1


async def test_forged_and_stale_buttons_change_nothing(world: World) -> None:
    await world.say("u1", "/start", hint="en")
    await world.say("u1", choice="lang:en")  # chosen: German questions get English replies
    first = (await world.say("u1", ABH_OF))[-1]
    old = payloads(first, "option")[0]
    await world.say("u1", ABH_OF)  # a newer answer makes the old buttons stale
    before = await rows(world, "SELECT offer_seq, offer FROM chats")
    for payload in (old, "o:999:0", "lang:xx", "region:berlin", "nonsense", "del:1:yes"):
        reply = await world.say("u1", choice=payload)
        assert reply[0].text.startswith("This button has expired")
    assert await rows(world, "SELECT offer_seq, offer FROM chats") == before
    assert await rows(world, "SELECT COUNT(*) FROM chats") == [(1,)]


async def test_a_number_picks_from_the_offered_options(world: World) -> None:
    await world.say("u1", "/start", hint="de")
    answer = (await world.say("u1", ABH_OF))[-1]
    titles = [c.label for c in answer.choices if c.kind == "option"]
    picked = await world.say("u1", "2")
    assert to_plain(picked[0].text).startswith(titles[1])


async def test_non_text_input_gets_a_helpful_reply(world: World) -> None:
    await world.say("u1", "/start", hint="en")
    photo = Attachment("photo", "telegram", "file-1", size=1000, mime="image/jpeg")
    for attachment, words in [
        (photo, "only read text"),
        (Attachment("sticker", "telegram", "s"), "only read text"),
        (Attachment("voice", "telegram", "v", mime="audio/ogg"), "only read text"),
        (Attachment("document", "telegram", "d", name="brief.pdf"), "only read text"),
        (Attachment("location", "telegram", "50.1,8.7"), "cannot read locations"),
    ]:
        reply = await world.say("u1", attachments=(attachment,))
        assert len(reply) == 1 and words in reply[0].text
    empty = await world.say("u1", "   ")
    assert "empty" in empty[0].text


async def test_a_huge_message_is_answered_and_kept_whole(world: World) -> None:
    await world.say("u1", "/start", hint="de")
    huge = f"{ABH_OF} Termin " + "bla " * 5000
    assert len(huge) > 20_000
    replies = await world.say("u1", huge)
    assert replies and "Anfang gelesen" in replies[0].text and len(replies) >= 2
    stored = await rows(world, "SELECT length(text) FROM messages WHERE direction = 'in'")
    assert stored == [(len(huge),)]


async def test_a_redelivered_message_is_answered_once(world: World) -> None:
    first = await world.say("u1", ABH_OF, msg_id="tg-42")
    again = await world.say("u1", ABH_OF, msg_id="tg-42")
    assert first and again == []
    assert await rows(world, "SELECT COUNT(*) FROM messages WHERE direction = 'in'") == [(1,)]


async def test_off_topic_twice_hands_over_to_a_person(world: World) -> None:
    await world.say("u1", "/start", hint="en")
    first = await world.say("u1", "xkq zzvv plorp")
    assert "did not understand" in first[0].text
    assert any(p.startswith("human:") for p in payloads(first[0]))
    second = await world.say("u1", "qwzx vbnm trrr")
    assert "could not find an answer twice" in second[0].text
    assert "number **1** in the queue" in second[0].text
    card = world.desk_posts()[-1]
    assert card.out.new_thread == "#1 · en" and "#1" in card.out.text
    assert await rows(world, "SELECT COUNT(*), language FROM unanswered") == [(2, "en")]


async def test_an_entry_that_always_needs_a_person_opens_a_handover(world: World) -> None:
    await world.say("u1", "/start", hint="de")
    await world.say("u1", choice="region:giessen")
    replies = await world.say("u1", "Sprechstunde für neu angekommene Frauen in Gießen")
    assert any("Warteschlange" in r.text for r in replies)
    assert "Thema braucht immer einen Menschen" in world.desk_posts()[-1].out.text


async def test_an_error_inside_apologises_in_the_users_language_and_offers_a_person(
    world: World,
) -> None:
    await world.say("u1", "/start", hint="de")
    holder = world.holder
    broken = holder()

    class Exploding:
        def decide(self, text: str, region: str | None, language: str | None) -> object:
            raise RuntimeError("boom")

    holder.replace(type(broken)(broken.knowledge, Exploding(), broken.commands))  # type: ignore[arg-type]
    try:
        replies = await world.say("u1", "Wo ist das Jobcenter?")
    finally:
        holder.replace(broken)
    assert len(replies) == 1
    assert replies[0].text.startswith("Entschuldigung")
    assert any(p.startswith("human:") for p in payloads(replies[0]))
    # The person button works after the apology.
    handed = await world.say("u1", choice=payloads(replies[0])[0])
    assert "Warteschlange" in handed[0].text
