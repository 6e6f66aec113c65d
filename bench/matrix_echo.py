"""Baseline DM round trip through a real Synapse with a bare nio echo bot (plain and e2e).

    .venv/bin/python bench/matrix_echo.py [-n 50]

Starts a throwaway homeserver with the test harness, registers a person and an
echo bot, and times send -> echo seen for N messages per room kind. The Matrix
adapter's own benchmark is compared with these numbers.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

# Run as a script, Python puts bench/ first on sys.path; the harness lives in tests/.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nio import (
    AsyncClient,
    AsyncClientConfig,
    InviteMemberEvent,
    LoginResponse,
    MatrixRoom,
    RoomMessageText,
)

from tests.synapse.admin import Account
from tests.synapse.events import from_user
from tests.synapse.fixtures import start_homeserver
from tests.synapse.person import Person
from tests.synapse.users import Users


class EchoBot:
    """What a minimal nio bot does: sync_forever, join invites, answer each text."""

    def __init__(self, base_url: str, account: Account, store: Path) -> None:
        store.mkdir(parents=True, exist_ok=True)
        config = AsyncClientConfig(store_sync_tokens=True, encryption_enabled=True)
        self.client = AsyncClient(
            base_url, account.user_id, device_id="ECHOBOT", store_path=str(store), config=config
        )
        self.account = account
        self.task: asyncio.Task[None] | None = None

    async def on_invite(self, room: MatrixRoom, event: InviteMemberEvent) -> None:
        if event.state_key == self.client.user_id and event.membership == "invite":
            await self.client.join(room.room_id)

    async def on_text(self, room: MatrixRoom, event: RoomMessageText) -> None:
        if event.sender == self.client.user_id:
            return
        content = {"msgtype": "m.notice", "body": event.body}
        await self.client.room_send(
            room.room_id, "m.room.message", content, ignore_unverified_devices=True
        )

    async def start(self) -> None:
        login = await self.client.login(self.account.password, device_name="echo-bot")
        if not isinstance(login, LoginResponse):
            raise RuntimeError(f"echo bot login failed: {login}")
        self.client.add_event_callback(self.on_invite, InviteMemberEvent)
        self.client.add_event_callback(self.on_text, RoomMessageText)
        # First sync without old timeline events: a restarted bot must not answer history.
        skip_history = {"room": {"timeline": {"limit": 0}}}
        self.task = asyncio.create_task(
            self.client.sync_forever(timeout=30_000, first_sync_filter=skip_history)
        )

    async def stop(self) -> None:
        if self.task:
            self.task.cancel()
            await asyncio.gather(self.task, return_exceptions=True)
        await self.client.close()


async def round_trips(person: Person, room_id: str, bot_id: str, count: int) -> list[float]:
    """Milliseconds from send to seeing the echo, for `count` messages."""
    times = []
    for number in range(count):
        body = f"ping {number} {time.monotonic_ns()}"
        started = time.perf_counter()
        await person.send_text(room_id, body)
        await person.next_message(room_id, from_user(bot_id, body), within=30)
        times.append((time.perf_counter() - started) * 1000)
    return times


def summary(label: str, times: list[float]) -> str:
    p95 = statistics.quantiles(times, n=20)[18] if len(times) >= 2 else times[0]
    return (
        f"{label:<10} n={len(times):<4} median {statistics.median(times):7.1f} ms   "
        f"p95 {p95:7.1f} ms   min {min(times):6.1f}   max {max(times):7.1f}"
    )


async def bench(count: int, warmup: int, data: Path) -> None:
    started = time.perf_counter()
    server = start_homeserver(data / "synapse", report=print)
    print(f"homeserver ready after {time.perf_counter() - started:.1f} s (install check included)")
    bot: EchoBot | None = None
    try:
        async with Users(server, data / "stores") as users:
            bot = EchoBot(server.base_url, await users.account("echobot"), data / "bot-store")
            await bot.start()
            person = await users.person("newcomer")
            for label, encrypted in (("plain", False), ("encrypted", True)):
                room_id = await person.create_dm(bot.account.user_id, encrypted=encrypted)
                await person.wait_for_member(room_id, bot.account.user_id, within=30)
                await round_trips(person, room_id, bot.account.user_id, warmup)
                print(
                    summary(label, await round_trips(person, room_id, bot.account.user_id, count))
                )
            print(f"Synapse RSS {server.rss_bytes() / 2**20:.0f} MiB")
    finally:
        if bot:
            await bot.stop()
        server.stop()


def cli(
    description: str, prefix: str, run: Callable[[int, int, Path], Coroutine[Any, Any, None]]
) -> None:
    """Parse -n/--warmup and run a round-trip benchmark in a temporary folder."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("-n", "--count", type=int, default=50, help="timed messages per room")
    parser.add_argument("--warmup", type=int, default=3, help="untimed messages first")
    args = parser.parse_args()
    # nio warns once per new Olm session ("Missing session for device"): expected here.
    logging.getLogger("nio").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory(prefix=prefix) as data:
        asyncio.run(run(args.count, args.warmup, Path(data)))


def main() -> None:
    cli(__doc__.splitlines()[0], "lotse-matrix-echo-", bench)


if __name__ == "__main__":
    main()
