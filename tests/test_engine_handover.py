"""Handover to the staff desk and back, across networks, restart-safe."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import aiosqlite
import pytest

from bot.brain import Brain
from bot.markdown import parse, to_plain
from bot.messages import Attachment, ChatRef
from bot.settings import Settings
from tests.fakes import DESK, STAFF, World, db_file

SARA, OMAR = "@sara:example.org", "@omar:example.org"


def jobcenter_title(world: World) -> str:
    """The Arabic title of the Gießen Jobcenter entry (the newcomers here write Arabic)."""
    return world.holder().knowledge.by_id["jobcenter-giessen"].title["ar"]


async def ask_for_person(world: World, user: str = "u1", network: str = "telegram") -> str:
    """Bring a newcomer into the queue; return the desk thread of the card."""
    await world.say(user, "/start", hint="ar", network=network)
    await world.say(user, "/human", network=network)
    card = world.desk_posts()[-1]
    assert card.out.new_thread is not None
    assert card.thread is not None
    return card.thread


async def test_a_telegram_newcomer_reaches_a_matrix_desk_and_back(world: World) -> None:
    await world.say("u1", "/start", hint="ar")
    await world.say("u1", "وصلتني رسالة من الجوب سنتر في غيسن")
    queued = await world.say("u1", "/human")
    assert "**1**" in queued[0].text  # place in the queue
    card = world.desk_posts()[-1]
    assert card.out.to == DESK and card.out.language == "de"
    assert "#1" in card.out.text and "العربية (ar)" in to_plain(card.out.text)
    assert "وصلتني رسالة من الجوب سنتر في غيسن" in to_plain(card.out.text)  # the last questions
    assert [c.payload for c in card.out.choices] == ["claim:1"]

    claimed = await world.staff(SARA, choice="claim:1")
    assert "#1 übernommen von Sara Müller" in to_plain(claimed[0].text)
    told = world.telegram.to("u1")[-1].out
    assert "**Sara**" in told.text  # first name only, by default

    await world.staff(SARA, "Hallo, wie kann ich helfen?", thread=card.thread)
    relayed = world.telegram.to("u1")[-1].out
    assert to_plain(relayed.text) == "Sara: Hallo, wie kann ich helfen?"

    await world.say("u1", "شكرا، عندي رسالة")
    to_desk = world.desk_posts()[-1]
    assert to_desk.thread == card.thread and "عندي رسالة" in to_plain(to_desk.out.text)

    await world.staff(SARA, "/close", thread=card.thread)
    closing = world.telegram.to("u1")[-1].out
    assert [c.kind for c in closing.choices] == ["feedback", "feedback"]
    helped = next(c.payload for c in closing.choices if c.payload.endswith(":y"))
    await world.say("u1", choice=helped)
    back = await world.say("u1", "أين الجوب سنتر في غيسن؟")
    assert back and jobcenter_title(world) in to_plain(back[0].text)  # the bot answers again


async def test_a_matrix_newcomer_reaches_a_telegram_desk(tmp_path: Path, eval_brain: Brain) -> None:
    desk = ChatRef("telegram", "-100777")
    settings = Settings(desk=desk, staff=frozenset({"telegram:501"}))
    world = await World(db_file(tmp_path), eval_brain, settings).start()
    try:
        await world.say("@amal:example.org", "/start", network="matrix", hint="uk")
        await world.say("@amal:example.org", "/human", network="matrix")
        card = world.telegram.to("-100777")[-1]
        await world.staff("501", "Добрий день!", thread=card.thread, name="Olena")
        assert to_plain(world.matrix.to("@amal:example.org")[-1].out.text) == "Olena: Добрий день!"
    finally:
        await world.stop()


async def test_the_first_claim_wins_and_the_second_is_told(world: World) -> None:
    thread = await ask_for_person(world)
    await world.staff(SARA, choice="claim:1")
    second = await world.staff(OMAR, choice="claim:1", name="Omar")
    assert "schon Sara Müller" in second[0].text
    # Omar's reply in the thread is not relayed while Sara has it.
    before = len(world.telegram.to("u1"))
    await world.staff(OMAR, "Ich mache das", thread=thread, name="Omar")
    assert len(world.telegram.to("u1")) == before


async def test_replying_to_the_card_without_a_thread_is_routed_too(
    tmp_path: Path, eval_brain: Brain
) -> None:
    world = await World(db_file(tmp_path), eval_brain).start()
    world.matrix.forum = False  # a desk without threads: staff reply to the card
    try:
        await world.say("u1", "/start", hint="en")
        await world.say("u1", "/human")
        card = world.desk_posts()[-1]
        assert card.thread is None
        await world.staff(SARA, "Hi there", reply_to=card.message_id)
        assert to_plain(world.telegram.to("u1")[-1].out.text) == "Sara: Hi there"
        # Later desk messages for #1 reply to its card.
        await world.say("u1", "thanks")
        assert world.desk_posts()[-1].out.reply_to == card.message_id
    finally:
        await world.stop()


async def test_photos_of_letters_go_to_staff_and_back(world: World) -> None:
    thread = await ask_for_person(world)
    letter = Attachment("photo", "telegram", "tg-file-9", size=120_000, mime="image/jpeg")
    await world.say("u1", "هذه الرسالة", attachments=(letter,))
    post = world.desk_posts()[-1]
    assert post.out.attachments == (letter,)
    assert world.matrix.files["tg-file-9"] == b"bytes of tg-file-9"  # fetched from Telegram
    form = Attachment("document", "matrix", "mxc://example.org/form", name="Antrag.pdf")
    await world.staff(SARA, "Bitte ausfüllen", thread=thread, attachments=(form,))
    assert world.telegram.to("u1")[-1].out.attachments == (form,)


async def test_notes_stay_internal_and_release_requeues(world: World) -> None:
    thread = await ask_for_person(world)
    await world.staff(SARA, "/claim", thread=thread)
    before = len(world.telegram.to("u1"))
    posted = await world.staff(SARA, "/note 1 hat Termin am Montag", thread=thread)
    assert "Notiz zu #1" in posted[0].text
    assert len(world.telegram.to("u1")) == before
    await world.staff(SARA, "/release 1")
    assert world.telegram.to("u1")[-1].out.text == world.holder().knowledge.texts.get(
        "handover_released", "ar"
    )
    queue = await world.staff(OMAR, "/queue", name="Omar")
    assert "#1" in queue[0].text and "wartet" in queue[0].text


async def test_unclaimed_handovers_are_reminded(world: World) -> None:
    await ask_for_person(world)
    await world.engine.tick()
    await world.settle()
    assert not any("⏰" in d.out.text for d in world.desk_posts())
    world.clock.advance(minutes=16)
    await world.engine.tick()
    await world.settle()
    reminders = [d for d in world.desk_posts() if "⏰" in d.out.text]
    assert len(reminders) == 1 and "#1" in reminders[0].out.text
    await world.engine.tick()
    await world.settle()
    assert len([d for d in world.desk_posts() if "⏰" in d.out.text]) == 1


async def test_outside_office_hours_the_user_is_told_when_staff_are_back(
    tmp_path: Path, eval_brain: Brain
) -> None:
    settings = Settings(desk=DESK, staff=STAFF, desk_hours="Mo-Fr 09:00-16:00; PH off")
    world = await World(db_file(tmp_path), eval_brain, settings).start()
    try:
        world.clock.advance(days=3)  # Thursday 4 June 2026, 10:00: Fronleichnam, a Hessian holiday
        await world.say("u1", "/start", hint="en")
        replies = await world.say("u1", "/human")
        assert "back **Friday at 09:00**" in replies[0].text
        assert "kept" in replies[0].text
    finally:
        await world.stop()


async def test_only_staff_are_relayed_and_names_are_escaped(world: World) -> None:
    thread = await ask_for_person(world)
    before = len(world.telegram.to("u1"))
    await world.staff("@stranger:example.org", "Ich bin auch Team!", thread=thread, name="Mallory")
    await world.staff("@stranger:example.org", choice="claim:1", name="Mallory")
    assert len(world.telegram.to("u1")) == before
    assert await world.staff(SARA, "/queue") != []
    # A hostile display name is escaped on the desk and towards the user.
    await world.say("u1", "hello", name="</b>**[x](https://evil.example)**")
    post = world.desk_posts()[-1]
    assert to_plain(post.out.text).startswith("</b>**[x](https://evil.example)** (#1):")
    await world.staff(SARA, "ok", thread=thread, name="**Sara** [x](https://evil)")
    relayed = world.telegram.to("u1")[-1].out.text
    assert to_plain(relayed) == "**Sara**: ok"  # the name is shown literally, not as bold
    links = [
        span.url
        for block in parse(relayed)
        for line in getattr(block, "lines", ())
        for span in line
    ]
    assert not any(links)


async def test_membership_authorises_staff_only_when_configured(
    tmp_path: Path, eval_brain: Brain
) -> None:
    settings = Settings(desk=DESK, staff=frozenset(), staff_by_membership=True)
    world = await World(db_file(tmp_path), eval_brain, settings).start()
    try:
        thread = await ask_for_person(world)
        await world.staff("@member:example.org", "Hallo", thread=thread, member=True)
        assert to_plain(world.telegram.to("u1")[-1].out.text) == "Sara: Hallo"
        before = len(world.telegram.to("u1"))
        await world.staff("@guest:example.org", "Hallo", thread=thread, member=False)
        assert len(world.telegram.to("u1")) == before
    finally:
        await world.stop()


STEPS = ["queued", "claimed", "replied", "closed"]


@pytest.mark.parametrize("crash_after", STEPS)
async def test_a_restart_at_each_step_of_a_handover_loses_nothing(
    tmp_path: Path, eval_brain: Brain, crash_after: str
) -> None:
    world = await World(db_file(tmp_path), eval_brain).start()
    try:
        thread = await ask_for_person(world)
        steps = {
            "claimed": lambda: world.staff(SARA, choice="claim:1"),
            "replied": lambda: world.staff(SARA, "Erste Antwort", thread=thread),
            "closed": lambda: world.staff(SARA, "/close", thread=thread),
        }
        for step in STEPS[1:]:
            if STEPS.index(step) > STEPS.index(crash_after):
                break
            await steps[step]()
        sent_before = len(world.telegram.sent) + len(world.matrix.sent)
        await world.restart()
        await world.settle()
        # Nothing is sent twice after the restart.
        assert len(world.telegram.sent) + len(world.matrix.sent) == sent_before
        # The conversation goes on where it was.
        if crash_after == "queued":
            await world.staff(SARA, choice="claim:1")
        if crash_after in ("queued", "claimed", "replied"):
            await world.staff(SARA, "Nach dem Neustart", thread=thread)
            assert to_plain(world.telegram.to("u1")[-1].out.text) == "Sara: Nach dem Neustart"
            await world.say("u1", "رسالة بعد إعادة التشغيل")
            assert "إعادة التشغيل" in world.desk_posts()[-1].out.text
            assert world.desk_posts()[-1].thread == thread
        else:
            back = await world.say("u1", "أين الجوب سنتر في غيسن؟")
            assert back and jobcenter_title(world) in to_plain(back[0].text)
    finally:
        await world.stop()


async def test_unsent_messages_survive_a_crash_and_are_sent_once(
    tmp_path: Path, eval_brain: Brain
) -> None:
    world = await World(db_file(tmp_path), eval_brain).start()
    try:
        thread = await ask_for_person(world)
        await world.staff(SARA, choice="claim:1")
        # The bot stops delivering (as if killed right after committing).
        world._task.cancel()  # type: ignore[union-attr]
        await world.courier.stop()
        crash_msg = _staff_msg(thread)
        await world.engine.handle(crash_msg)
        async with (
            aiosqlite.connect(world.db_path) as db,
            db.execute("SELECT COUNT(*) FROM outbox") as cur,
        ):
            assert (await cur.fetchone()) == (1,)
        await world.engine.handle(crash_msg)  # redelivered after the crash: not queued again
        world.engine.close()
        await world.db.close()
        world._task = None
        await world.start()
        await world.settle()
        relayed = [d for d in world.telegram.to("u1") if "Während des Absturzes" in d.out.text]
        assert len(relayed) == 1
    finally:
        await world.stop()


def _staff_msg(thread: str):  # type: ignore[no-untyped-def]
    from bot.messages import Incoming, Sender

    return Incoming(
        "crash-1",
        Sender("matrix", DESK.chat, SARA, "Sara"),
        "Während des Absturzes",
        desk=True,
        thread=thread,
    )


async def test_settings_are_frozen() -> None:
    with pytest.raises(AttributeError):
        replace(Settings(), desk=None).desk = DESK  # type: ignore[misc]


async def test_a_third_person_in_a_newcomers_chat_is_explained_and_staff_are_told(
    world: World,
) -> None:
    from bot.messages import Incoming, Sender

    await ask_for_person(world, "@amal:example.org", network="matrix")
    sender = Sender("matrix", "@amal:example.org", "@amal:example.org", "Amal")
    await world.deliver(Incoming("ev-1", sender, event="shared_room"))
    told = world.matrix.to("@amal:example.org")[-1].out
    assert told.text == world.holder().knowledge.texts.get("shared_room", "ar")
    assert (
        "#1" in world.desk_posts()[-1].out.text
        and "dritte Person" in world.desk_posts()[-1].out.text
    )
