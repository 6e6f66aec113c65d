"""Engine benchmark: throughput and latency through the engine, the courier and SQLite.

1,000 simulated users on two fake networks send questions, button presses
and handover requests; staff close handovers on the desk. Each message goes
through Engine.handle (matching in its worker thread, one BEGIN IMMEDIATE
transaction, the outbox) and the courier (delivery and its bookkeeping) into
a fake adapter, on a real SQLite file in WAL mode.

Prints:
- saturation throughput: as many messages as the engine takes, 50 senders at once;
- latency at an offered load (default 500 messages/s, Poisson arrivals): from
  handing a message in until its first reply reached the adapter, median/p95
  (questions and button presses of users not waiting for staff, so that every
  measured message has a reply to its sender);
- database size per 10,000 messages.

    .venv/bin/python -m bench.engine [--users 1000] [--messages 10000] [--rate 500]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from bot.brain import Brain
from bot.knowledge import load
from bot.matching.lexical import LexicalMatcher
from bot.messages import Incoming, Outgoing, Sender, Sent
from tests.fakes import STAFF, FakeTransport, World
from tests.kb import EVAL_KNOWLEDGE

QUESTIONS = [
    "Wo ist das Jobcenter?",
    "Ausländerbehörde Termin",
    "where do i register my address",
    "Kindergeld beantragen",
    "Integrationskurs Kosten",
    "Wohngeld",
    "Hallo",
    "danke",
    "wie wird das wetter morgen",
    "Krankenversicherung Karte",
    "Kita Platz",
    "Schwimmkurs Frauen",
]


class Traffic:
    """Random messages of many users and a few staff."""

    def __init__(self, world: World, users: int, seed: int = 7) -> None:
        self.world, self.users, self.rng, self.n = world, users, random.Random(seed), 0
        # Users waiting for staff: their words go to the desk, not back to them.
        self.handed_over: set[str] = set()
        self.answered = QUESTIONS

    def next(self, replies_only: bool = False) -> Incoming:
        """A random message; with ``replies_only``, one that the sender gets a reply to."""
        self.n += 1
        rng, n = self.rng, self.rng.randrange(self.users)
        while replies_only and f"user{n}" in self.handed_over:
            n = rng.randrange(self.users)
        network = "telegram" if n % 2 else "matrix"
        sender = Sender(
            network, f"user{n}", f"user{n}", "Amal", rng.choice(["de", "en", "ar", "uk"])
        )
        roll = rng.random()
        if replies_only:
            roll = 0.10 + roll * 0.90 if roll >= 0.03 else 0.5
        if roll < 0.03:
            self.handed_over.add(sender.user)
            return Incoming(f"b{self.n}", sender, "/human")
        if roll < 0.10:
            return Incoming(f"b{self.n}", sender, choice=f"lang:{rng.choice(['de', 'en', 'ar'])}")
        if replies_only:
            return Incoming(f"b{self.n}", sender, rng.choice(self.answered))
        if roll < 0.13:
            desk = self.world.settings.desk
            assert desk is not None
            staff = Sender(desk.network, desk.chat, sorted(STAFF)[self.n % 2], "Sara")
            return Incoming(f"b{self.n}", staff, f"/close {rng.randrange(1, 50)}", desk=True)
        return Incoming(f"b{self.n}", sender, rng.choice(QUESTIONS))


def watch_deliveries(
    transport: FakeTransport, arrivals: dict[str, list[asyncio.Future[float]]]
) -> None:
    """Resolve the oldest waiting future of a chat when the bot's reply reaches the adapter."""
    send = transport.send

    async def timed(out: Outgoing) -> Sent:
        sent = await send(out)
        waiting = arrivals.get(out.to.chat)
        while waiting:
            future = waiting.pop(0)
            if not future.done():
                future.set_result(time.perf_counter())
        return sent

    transport.send = timed  # type: ignore[method-assign]


async def saturation(world: World, traffic: Traffic, messages: int, senders: int) -> float:
    async def sender(quota: int) -> None:
        for _ in range(quota):
            await world.engine.handle(traffic.next())

    start = time.perf_counter()
    await asyncio.gather(*(sender(messages // senders) for _ in range(senders)))
    await world.settle()
    return (messages // senders * senders) / (time.perf_counter() - start)


async def prepare_replies_only(world: World, traffic: Traffic) -> None:
    """Leave out users in a handover and questions the matcher would not answer."""
    async with world.db.read() as tx:
        rows = await tx.chats.db.execute_fetchall("SELECT chat FROM chats WHERE state = 'handover'")
    traffic.handed_over = {str(r[0]) for r in rows}
    matcher = world.holder().matcher
    traffic.answered = [
        q
        for q in QUESTIONS
        if matcher.decide(q, None, None).action in ("answer", "clarify", "smalltalk")
    ]


async def offered_load(world: World, traffic: Traffic, messages: int, rate: float) -> list[float]:
    arrivals: dict[str, list[asyncio.Future[float]]] = defaultdict(list)
    watch_deliveries(world.telegram, arrivals)
    watch_deliveries(world.matrix, arrivals)
    loop = asyncio.get_running_loop()
    latencies: list[float] = []
    tasks = []

    async def one(msg: Incoming, start: float) -> None:
        future: asyncio.Future[float] = loop.create_future()
        arrivals[msg.sender.chat].append(future)
        await world.engine.handle(msg)
        latencies.append(await asyncio.wait_for(future, 30) - start)

    next_at = time.perf_counter()
    for _ in range(messages):
        next_at += traffic.rng.expovariate(rate)
        delay = next_at - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(traffic.next(replies_only=True), time.perf_counter())))
    await asyncio.gather(*tasks)
    return latencies


async def run(users: int, messages: int, rate: float, matcher: str) -> None:
    knowledge = load(EVAL_KNOWLEDGE)
    brain = Brain.build(knowledge, LexicalMatcher(knowledge) if matcher == "lexical" else None)
    with tempfile.TemporaryDirectory() as tmp:
        world = await World(str(Path(tmp) / "bench.sqlite3"), brain).start()
        traffic = Traffic(world, users)
        await saturation(world, traffic, 2000, 50)  # warm-up: first contacts, caches
        throughput = await saturation(world, traffic, messages, 50)
        await prepare_replies_only(world, traffic)
        latencies = sorted(await offered_load(world, traffic, messages, rate))
        await world.settle()
        size = await asyncio.to_thread(
            lambda: sum(p.stat().st_size for p in Path(tmp).glob("bench.sqlite3*"))
        )
        await world.stop()
    p95 = latencies[int(0.95 * (len(latencies) - 1))]
    print(f"matcher: {matcher}; users: {users}; messages per phase: {messages}")
    print(f"saturation (50 senders at once): {throughput:.0f} messages/s")
    print(
        f"at {rate:.0f} messages/s offered: reply delivered after median "
        f"{statistics.median(latencies) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms"
        f" ({len(latencies)} replies)"
    )
    print(
        f"database: {size / 1e6:.1f} MB for {traffic.n} messages -> "
        f"{size / traffic.n * 10_000 / 1e6:.2f} MB per 10,000 messages"
    )


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--users", type=int, default=1000)
    p.add_argument("--messages", type=int, default=10000)
    p.add_argument("--rate", type=float, default=500.0)
    p.add_argument("--matcher", choices=["lexical", "default"], default="lexical")
    a = p.parse_args()
    asyncio.run(run(a.users, a.messages, a.rate, a.matcher))


if __name__ == "__main__":
    main()
