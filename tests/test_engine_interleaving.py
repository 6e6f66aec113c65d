"""Property: however messages of several users and staff interleave, replies reach only their own user."""

from __future__ import annotations

import asyncio
import functools
import re
import tempfile
from pathlib import Path

import aiosqlite
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.brain import Brain
from bot.knowledge import load
from bot.markdown import to_plain
from tests.fakes import World, db_file
from tests.kb import EVAL_KNOWLEDGE


@functools.cache
def brain() -> Brain:
    # Not a fixture: hypothesis would print its (huge) repr with every example.
    return Brain.build(load(EVAL_KNOWLEDGE))


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
            # Relays of a user's words land only in threads of that user's handovers.
            async with (
                aiosqlite.connect(world.db_path) as db,
                db.execute(
                    "SELECT h.desk_thread, c.chat FROM handovers h JOIN chats c ON c.id = h.chat_id"
                ) as cur,
            ):
                owner = {thread: chat for thread, chat in await cur.fetchall()}
            for d in world.desk_posts():
                if d.out.new_thread or d.thread is None:
                    continue
                for found in set(re.findall(r"ZZU\d+Q", to_plain(d.out.text))):
                    assert owner[d.thread] == USERS[int(found[3:-1])][1], (found, d.thread, owner)
        finally:
            await world.stop()


@settings(max_examples=25, deadline=None)
@given(plan=batches, staff_of=st.lists(st.integers(0, 1), min_size=3, max_size=3))
def test_replies_reach_only_their_own_user(
    plan: list[list[tuple[str, int, str]]], staff_of: list[int]
) -> None:
    asyncio.run(scenario(brain(), plan, staff_of))
