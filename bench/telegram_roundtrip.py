"""Round trip through the Telegram adapter: a user's message -> the bot's reply.

    .venv/bin/python bench/telegram_roundtrip.py [-n 200] [--users 20]

The real adapter (python-telegram-bot polling over HTTP), the real engine, courier and
SQLite, and the local Bot API server of the test suite, all in one process on
127.0.0.1. Times (1) one user at a time, send -> reply seen at the server, for a
command and for a question the matcher answers, and (2) many users writing at once.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

# Run as a script, Python puts bench/ first on sys.path; the harness lives in tests/.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.brain import Brain
from bot.knowledge import load
from tests.botapi.model import User
from tests.botapi.server import BotApiServer
from tests.kb import EVAL_KNOWLEDGE
from tests.test_telegram_world import TelegramWorld

QUESTIONS = ("Kindergeld", "Wohngeld", "Rundfunkbeitrag", "Basiskonto")


def describe(label: str, seconds: list[float]) -> str:
    ms = sorted(s * 1000 for s in seconds)
    p95 = ms[max(0, round(0.95 * len(ms)) - 1)]
    return (
        f"{label:<34} n={len(ms):<4} median {statistics.median(ms):6.1f} ms"
        f"   p95 {p95:6.1f} ms   max {ms[-1]:6.1f} ms"
    )


async def round_trip(botapi: BotApiServer, user: User, text: str) -> float:
    chat = botapi.private_chat(user)
    before = len(botapi.bot_messages(chat))
    start = time.perf_counter()
    botapi.send_text(user, None, text)
    await botapi.wait_for(lambda: len(botapi.bot_messages(chat)) > before, 10, "a reply")
    return time.perf_counter() - start


async def sequential(botapi: BotApiServer, user: User, n: int) -> tuple[list[float], list[float]]:
    commands, questions = [], []
    for i in range(n):
        commands.append(await round_trip(botapi, user, "/help"))
        questions.append(await round_trip(botapi, user, QUESTIONS[i % len(QUESTIONS)]))
    return commands, questions


async def crowd(botapi: BotApiServer, tw: TelegramWorld, users: int, each: int) -> None:
    people = [botapi.add_user(f"Crowd{n}") for n in range(users)]
    for person in people:
        await round_trip(botapi, person, "/start")  # first contact out of the way
    await tw.idle()
    latencies: list[float] = []

    async def one(person: User) -> None:
        for i in range(each):
            latencies.append(await round_trip(botapi, person, QUESTIONS[i % len(QUESTIONS)]))

    start = time.perf_counter()
    await asyncio.gather(*(one(p) for p in people))
    elapsed = time.perf_counter() - start
    print(describe(f"{users} users at once, question", latencies))
    print(f"{'':<34} {users * each / elapsed:.0f} questions answered per second")


async def main(n: int, users: int) -> None:
    logging.basicConfig(level=logging.WARNING)
    brain = await asyncio.to_thread(Brain.build, load(EVAL_KNOWLEDGE))
    with tempfile.TemporaryDirectory() as tmp:
        async with BotApiServer() as botapi, TelegramWorld(botapi, Path(tmp), brain) as tw:
            tw.transport.typing_after = 0.3  # as in production
            lena = botapi.add_user("Lena")
            await round_trip(botapi, lena, "/start")
            await tw.idle()
            await sequential(botapi, lena, 10)  # warm-up
            commands, questions = await sequential(botapi, lena, n)
            print(describe("one user, /help", commands))
            print(describe("one user, question (matcher)", questions))
            await crowd(botapi, tw, users, max(1, n // users))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-n", type=int, default=200, help="messages per kind")
    parser.add_argument("--users", type=int, default=20, help="users writing at once")
    args = parser.parse_args()
    asyncio.run(main(args.n, args.users))
