"""Property: however messages of several users and staff interleave, replies reach only their own user."""

from __future__ import annotations

import asyncio
import re
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.brain import Brain
from bot.markdown import to_plain
from tests.fakes import World, db_file

USERS = [("telegram", "t1"), ("telegram", "t2"), ("matrix", "@m3:example.org")]
STAFF = ["@sara:example.org", "@omar:example.org"]

user_action = st.tuples(
    st.just("user"),
    st.integers(0, len(USERS) - 1),
    st.sampled_from(["ask", "human", "chat", "help"]),
)
staff_action = st.tuples(
    st.just("staff"),
    st.integers(0, len(USERS) - 1),
    st.sampled_from(["reply", "claim", "close"]),
)
batches = st.lists(
    st.lists(st.one_of(user_action, staff_action), min_size=1, max_size=4), min_size=1, max_size=6
)


def tag(i: int) -> str:
    return f"ZZU{i}Q"


async def scenario(
    brain: Brain, plan: list[list[tuple[str, int, str]]], staff_of: list[int]
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        world = await World(db_file(Path(tmp)), brain).start()
        counter = 0
        try:
            for batch in plan:
                jobs = []
                for who, i, what in batch:
                    counter += 1
                    network, user = USERS[i]
                    if who == "user":
                        text = {
                            "ask": f"Jobcenter Gießen {tag(i)}",
                            "human": "/human",
                            "chat": f"meine Frage {tag(i)} nummer {counter}",
                            "help": "/help",
                        }[what]
                        jobs.append(world.say(user, text, network=network, msg_id=f"x{counter}"))
                    else:
                        # Staff act in the thread of this user's latest card, if there is one.
                        cards = [
                            d
                            for d in world.desk_posts()
                            if d.out.new_thread
                            and tag(i)
                            in "".join(
                                to_plain(x.out.text)
                                for x in world.desk_posts()
                                if x.thread == d.thread
                            )
                        ]
                        thread = cards[-1].thread if cards else None
                        staff = STAFF[staff_of[i] % len(STAFF)]
                        text = {
                            "reply": f"Antwort an {tag(i)}",
                            "claim": "/claim",
                            "close": "/close",
                        }[what]
                        jobs.append(world.staff(staff, text, thread=thread))
                await asyncio.gather(*jobs)
            await world.settle()
            for i, (network, user) in enumerate(USERS):
                for delivered in world.transport(network).to(user):
                    others = set(re.findall(r"ZZU\d+Q", to_plain(delivered.out.text))) - {tag(i)}
                    assert not others, (user, delivered.out.text)
            # Relays of a user's words land only in that user's desk thread.
            threads: dict[str, set[str | None]] = {}
            for d in world.desk_posts():
                for found in re.findall(r"ZZU\d+Q", to_plain(d.out.text)):
                    if not d.out.new_thread:
                        threads.setdefault(found, set()).add(d.thread)
            for found, seen in threads.items():
                assert len(seen) <= 2 and len(seen - {None}) <= 1, (found, seen)
        finally:
            await world.stop()


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(plan=batches, staff_of=st.lists(st.integers(0, 1), min_size=3, max_size=3))
def test_replies_reach_only_their_own_user(
    eval_brain: Brain, plan: list[list[tuple[str, int, str]]], staff_of: list[int]
) -> None:
    asyncio.run(scenario(eval_brain, plan, staff_of))
