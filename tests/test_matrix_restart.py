"""Kill -9 mid-handover and start again: nothing lost, nothing answered twice.

The bot runs as `python -m bot run --config FILE` in a subprocess against the
session's Synapse, with an encrypted DM and an encrypted desk room.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
import yaml
from nio import Event, RoomMessage

from bot.brain import Brain
from bot.messages import ChatRef, Outgoing
from tests.kb import EVAL_KNOWLEDGE
from tests.synapse.admin import Account
from tests.synapse.homeserver import Homeserver
from tests.synapse.person import Person
from tests.synapse.users import Users
from tests.test_matrix_support import (
    Lotse,
    bot_says,
    both,
    create_desk,
    in_thread,
    replies,
    section,
)

ROOT = Path(__file__).resolve().parent.parent


class BotProcess:
    """`python -m bot run` as a child process; its log goes to a file."""

    def __init__(self, config: Path, password: str) -> None:
        self.config = config
        self.env = {**os.environ, "LOTSE_TEST_MATRIX_PASSWORD": password}
        self.log = config.parent / "bot.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "bot", "run", "--config", str(self.config)],
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> int:
        if self.proc is None or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else 0
        self.proc.terminate()
        return self.proc.wait(15)

    def tail(self) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-40:])


def write_config(
    folder: Path, server: Homeserver, account: Account, desk: str, staff: Person
) -> Path:
    config = {
        "knowledge": str(EVAL_KNOWLEDGE),
        "database": "data/lotse.sqlite3",
        "data_dir": "data",
        "log_level": "INFO",
        "desk": {"network": "matrix", "chat": desk, "staff": [f"matrix:{staff.user_id}"]},
        "matrix": {
            "homeserver": server.base_url,
            "user_id": account.user_id,
            "password": "${LOTSE_TEST_MATRIX_PASSWORD}",
            "device_id": "LOTSEBOT",
        },
    }
    path = folder / "config.yaml"
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


def body_is(text: str) -> Callable[[Event], bool]:
    return lambda e: isinstance(e, RoomMessage) and text in e.source["content"].get("body", "")


async def leftovers(person: Person, room: str) -> list[str]:
    """Bodies of messages that arrived but nobody expected (a duplicate would be one)."""
    await asyncio.sleep(1.5)
    await person.sync()
    return [
        str(e.source["content"].get("body"))
        for e in person.drain(room)
        if isinstance(e, RoomMessage) and e.sender != person.user_id
    ]


@pytest.fixture
async def running(tmp_path: Path) -> AsyncIterator[list[BotProcess]]:
    started: list[BotProcess] = []
    yield started
    for bot in started:
        bot.stop()


async def test_kill_and_restart_mid_handover_loses_nothing_and_repeats_nothing(
    synapse: Homeserver, matrix_users: Users, tmp_path: Path, running: list[BotProcess]
) -> None:
    account = await matrix_users.account("lotse")
    sara = await matrix_users.person("sara")
    desk = await create_desk(sara, account.user_id, encrypted=True)
    bot = BotProcess(
        write_config(tmp_path / "lotse", synapse, account, desk, sara), account.password
    )
    running.append(bot)
    bot.start()
    try:
        await sara.wait_for_member(desk, account.user_id, within=60)
        newcomer = await matrix_users.person("newcomer")
        room = await newcomer.create_dm(account.user_id, encrypted=True)
        await newcomer.wait_for_member(room, account.user_id, within=30)
        await newcomer.send_text(room, "/human")
        card = await sara.next_message(desk, bot_says(account.user_id, "#1"), within=30)
        thread = both(bot_says(account.user_id), in_thread(card.event_id))
        await sara.send_thread_reply(desk, card.event_id, "/claim")
        await sara.next_message(desk, thread, within=15)
        await newcomer.next_message(room, bot_says(account.user_id), within=15)  # queued
        await newcomer.next_message(room, bot_says(account.user_id), within=15)  # claimed

        for round_, pause in enumerate((0.0, 0.03, 0.08), start=1):
            # Kill while the events may be arriving, being handled or being sent.
            ask, answer = f"Frage {round_}", f"Antwort {round_}"
            await newcomer.send_text(room, ask)
            await sara.send_thread_reply(desk, card.event_id, answer)
            await asyncio.sleep(pause)
            bot.kill()
            # Written while the bot is down: must be picked up after the restart.
            late_ask, late_answer = f"Nachtrag {round_}", f"Ergänzung {round_}"
            await newcomer.send_text(room, late_ask)
            await sara.send_thread_reply(desk, card.event_id, late_answer)
            bot.start()
            for text in (ask, late_ask):
                await sara.next_message(desk, both(thread, body_is(text)), within=30)
            for text in (answer, late_answer):
                await newcomer.next_message(
                    room, both(bot_says(account.user_id), body_is(text)), within=30
                )

        assert await leftovers(sara, desk) == []
        assert await leftovers(newcomer, room) == []

        operator = await matrix_users.admin()
        devices = await operator.user_devices(account.user_id)
        # One device for the bot, reused by every start (beside the registration's).
        assert {d["device_id"] for d in devices} == {account.device_id, "LOTSEBOT"}
    except BaseException:
        print(bot.tail())
        raise
    assert bot.stop() == 0


async def test_a_batch_handled_before_a_crash_is_not_answered_again(
    synapse: Homeserver, matrix_users: Users, eval_brain: Brain, tmp_path: Path
) -> None:
    account = await matrix_users.account("lotse")
    bot = await Lotse(tmp_path / "bot", eval_brain, section(synapse, account)).start()
    newcomer = await matrix_users.person("newcomer")
    room = await newcomer.create_dm(account.user_id, encrypted=True)
    await newcomer.wait_for_member(room, account.user_id)
    await newcomer.send_text(room, "Hallo")
    await replies(newcomer, room, account.user_id, 2)
    await bot.stop()
    state_file = tmp_path / "bot" / "matrix" / "state.json"
    before = state_file.read_text()

    bot = await Lotse(tmp_path / "bot", eval_brain, section(synapse, account)).start()
    await newcomer.send_text(room, "Kita")
    [answer] = await replies(newcomer, room, account.user_id, 1)
    await bot.stop()
    # As if the process died after the engine handled "Kita" but before the
    # sync position was saved: the same events come again.
    state_file.write_text(before)
    bot = await Lotse(tmp_path / "bot", eval_brain, section(synapse, account)).start()
    try:
        await newcomer.send_text(room, "Danke")
        [thanks] = await replies(newcomer, room, account.user_id, 1)
        assert thanks != answer
        assert await leftovers(newcomer, room) == []
        assert await bot.rows("SELECT count(*) FROM messages WHERE text = 'Kita'") == [(1,)]
    finally:
        await bot.stop()


async def test_the_same_transaction_posts_once_also_after_a_restart(
    synapse: Homeserver, matrix_users: Users, eval_brain: Brain, tmp_path: Path
) -> None:
    account = await matrix_users.account("lotse")
    bot = await Lotse(tmp_path / "bot", eval_brain, section(synapse, account)).start()
    newcomer = await matrix_users.person("newcomer")
    room = await newcomer.create_dm(account.user_id, encrypted=True)
    await newcomer.wait_for_member(room, account.user_id)
    await newcomer.send_text(room, "Hallo")
    await replies(newcomer, room, account.user_id, 2)
    out = Outgoing(ChatRef("matrix", room), "Einmal, bitte.", txn="lotse-retry-test")
    assert bot.matrix is not None
    first = await bot.matrix.send(out)
    await bot.stop()
    # The courier resends what it had not marked as sent: same txn, new process.
    bot = await Lotse(tmp_path / "bot", eval_brain, section(synapse, account)).start()
    try:
        assert bot.matrix is not None
        again = await bot.matrix.send(out)
        assert again.message_id == first.message_id
        assert await replies(newcomer, room, account.user_id, 1) == ["Einmal, bitte."]
        assert await leftovers(newcomer, room) == []
    finally:
        await bot.stop()


async def test_a_first_start_answers_no_backlog(
    synapse: Homeserver, matrix_users: Users, eval_brain: Brain, tmp_path: Path
) -> None:
    account = await matrix_users.account("lotse")
    newcomer = await matrix_users.person("newcomer")
    # Written before the bot ever ran: the invite waits, and so does this.
    room = await newcomer.create_dm(account.user_id)
    await newcomer.send_text(room, "Wo ist die Ausländerbehörde?")
    bot = await Lotse(tmp_path / "bot", eval_brain, section(synapse, account)).start()
    try:
        await newcomer.wait_for_member(room, account.user_id)
        await newcomer.send_text(room, "Hallo")
        _welcome, regions = await replies(newcomer, room, account.user_id, 2)
        assert regions.split("\n")[-1].startswith("16. ")
        assert await leftovers(newcomer, room) == []
        stored = await bot.rows("SELECT text FROM messages WHERE direction = 'in'")
        assert stored == [("Hallo",)]
    finally:
        await bot.stop()
