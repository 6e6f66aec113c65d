"""The admin report: unanswered questions masked and grouped, feedback, handovers, languages."""

from bot import report
from tests.fakes import World


async def test_report_groups_unanswered_questions_with_personal_data_masked(world: World) -> None:
    await world.say("u1", "/start", hint="en")
    await world.say("u1", "xkq zzvv +49 170 1234567 amal@example.com")
    await world.say("u2", "/start", hint="en")
    await world.say("u2", "XKQ zzvv +49 170 7654321 omar@example.com?")
    await world.say("u1", "/human")
    answer = await world.say("u2", "Jobcenter Gießen")
    await world.say(
        "u2", choice=next(c.payload for c in answer[-1].choices if c.payload.endswith(":n"))
    )
    await world.staff("@sara:example.org", choice="claim:1")
    text = await report.build(world.db, 30, world.clock())
    assert "Questions the bot could not answer: 2" in text
    assert "xkq zzvv [phone] [email]" in text
    assert "1234567" not in text and "amal@" not in text
    feedback = next(line.split() for line in text.splitlines() if "jobcenter-giessen" in line)
    assert feedback == ["jobcenter-giessen", "0", "/", "1"]
    handovers = text.split("Handovers per day")[1].splitlines()[1].split()
    assert handovers[1:5] == ["1", "opened", "1", "claimed"]
    assert "en " in text.split("Questions per language:")[1]
