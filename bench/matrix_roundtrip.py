"""DM round trip through Lotse on a real Synapse (plain and e2e), beside a bare nio echo bot.

    .venv/bin/python bench/matrix_roundtrip.py [-n 50]

Starts a throwaway homeserver with the test harness, runs Lotse as the runner
wires it (engine, SQLite, courier, Matrix adapter) on the fixture knowledge,
and times question -> answer seen by the newcomer. The same person then talks
to the bare echo bot of bench/matrix_echo.py, measured the same way.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

# Run as a script, Python puts bench/ first on sys.path; the harness lives in tests/.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.matrix_echo import EchoBot, cli, round_trips, summary
from bot.brain import Brain
from bot.knowledge import load
from tests.kb import EVAL_KNOWLEDGE
from tests.synapse.fixtures import start_homeserver
from tests.synapse.person import Person
from tests.synapse.users import Users
from tests.test_matrix_support import Lotse, bot_says, section

# Each is answered with exactly one message from the fixture knowledge.
QUESTIONS = ("Kita", "Arzt", "deutschkurs", "Kindergeld")


async def lotse_trips(person: Person, room_id: str, bot_id: str, count: int) -> list[float]:
    """Milliseconds from a question to its answer, for `count` questions."""
    times = []
    for number in range(count):
        started = time.perf_counter()
        await person.send_text(room_id, QUESTIONS[number % len(QUESTIONS)])
        await person.next_message(room_id, bot_says(bot_id), within=30)
        times.append((time.perf_counter() - started) * 1000)
    return times


async def open_dm(person: Person, bot_id: str, encrypted: bool) -> str:
    room_id = await person.create_dm(bot_id, encrypted=encrypted)
    await person.wait_for_member(room_id, bot_id, within=30)
    return room_id


async def bench(count: int, warmup: int, data: Path) -> None:
    started = time.perf_counter()
    server = start_homeserver(data / "synapse", report=print)
    print(f"homeserver ready after {time.perf_counter() - started:.1f} s (install check included)")
    brain = Brain.build(load(EVAL_KNOWLEDGE))
    echo: EchoBot | None = None
    lotse: Lotse | None = None
    try:
        async with Users(server, data / "stores") as users:
            account = await users.account("lotse")
            lotse = await Lotse(data / "lotse", brain, section(server, account)).start()
            echo = EchoBot(server.base_url, await users.account("echobot"), data / "echo-store")
            await echo.start()
            person = await users.person("newcomer")
            results = []
            for label, encrypted in (("plain", False), ("encrypted", True)):
                room_id = await open_dm(person, account.user_id, encrypted)
                await person.send_text(room_id, "Hallo")  # first contact: welcome, regions
                for _ in range(2):
                    await person.next_message(room_id, bot_says(account.user_id), within=30)
                await lotse_trips(person, room_id, account.user_id, warmup)
                times = await lotse_trips(person, room_id, account.user_id, count)
                results.append(summary(f"lotse {label}", times))
                echo_room = await open_dm(person, echo.account.user_id, encrypted)
                await round_trips(person, echo_room, echo.account.user_id, warmup)
                times = await round_trips(person, echo_room, echo.account.user_id, count)
                results.append(summary(f"echo {label}", times))
            print("\n".join(results))
            print(f"Synapse RSS {server.rss_bytes() / 2**20:.0f} MiB")
    finally:
        if lotse:
            await lotse.stop()
        if echo:
            await echo.stop()
        server.stop()


def main() -> None:
    cli(__doc__.splitlines()[0], "lotse-matrix-roundtrip-", bench)


if __name__ == "__main__":
    main()
