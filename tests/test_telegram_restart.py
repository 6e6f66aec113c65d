"""``python -m bot run`` against the local Bot API server, killed with SIGKILL mid-handover
at the moments that matter and started again: nothing is lost, nothing is said twice."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import sys
from contextlib import closing
from pathlib import Path

from bot.brain import Brain
from bot.markdown import to_plain
from tests.botapi.messages import StoredMessage
from tests.botapi.model import Chat
from tests.botapi.server import BotApiServer
from tests.kb import EVAL_KNOWLEDGE
from tests.test_telegram_newcomer import button
from tests.test_telegram_world import BUTTON_SECRET

ROOT = Path(__file__).resolve().parent.parent


class BotProcess:
    """One run of ``python -m bot run --config ...``, its log in a file."""

    def __init__(self, botapi: BotApiServer, config: Path, log: Path) -> None:
        self.botapi = botapi
        self.config = config
        self.log = log
        self.proc: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        env = {
            **os.environ,
            "LOTSE_TELEGRAM_TOKEN": self.botapi.token,
            "LOTSE_BUTTON_SECRET": BUTTON_SECRET,
        }
        polls = len(self.botapi.calls("getUpdates"))
        with self.log.open("ab") as out:
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "run", "--config", str(self.config),
                cwd=ROOT, env=env, stdout=out, stderr=out,
            )  # fmt: skip
        # Ready once it polls: the engine and the adapter are up.
        await self.botapi.wait_for(
            lambda: len(self.botapi.calls("getUpdates")) > polls, 60, "the bot polling"
        )

    async def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        assert await self.proc.wait() == -signal.SIGKILL

    async def terminate(self) -> int:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        return await asyncio.wait_for(self.proc.wait(), 30)


def write_config(path: Path, botapi: BotApiServer, desk: Chat, staff_id: int) -> None:
    path.write_text(
        f"""
knowledge: {EVAL_KNOWLEDGE}
database: lotse.sqlite3
data_dir: data
log_level: DEBUG
desk:
  network: telegram
  chat: "{desk.id}"
  language: de
  staff:
    - telegram:{staff_id}
telegram:
  token: ${{LOTSE_TELEGRAM_TOKEN}}
  button_secret: ${{LOTSE_BUTTON_SECRET}}
  api_url: {botapi.base_url}
  poll_timeout: 1
""",
        encoding="utf-8",
    )


def outbox_empty(database: Path) -> bool:
    """Whether the bot has recorded every send (read beside the running bot; WAL allows it)."""
    with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as db:
        return db.execute("SELECT COUNT(*) FROM outbox").fetchone()[0] == 0


def texts_in(messages: list[StoredMessage]) -> list[str]:
    return [m.body or "" for m in messages]


async def test_a_kill_at_any_moment_of_a_handover_loses_nothing_and_repeats_nothing(
    botapi: BotApiServer, tmp_path: Path, eval_brain: Brain
) -> None:
    sara, amal = botapi.add_user("Sara"), botapi.add_user("Amal")
    desk = botapi.add_supergroup("Team", admins=[sara], is_forum=True, bot_status="administrator")
    user = botapi.private_chat(amal)
    config = tmp_path / "config.yaml"
    write_config(config, botapi, desk, sara.id)
    bot = BotProcess(botapi, config, tmp_path / "bot.log")

    def plain(key: str, **params: object) -> str:
        return to_plain(eval_brain.knowledge.texts.get(key, "de", **params))

    def said_to_user(text: str) -> int:
        return texts_in(botapi.bot_messages(user)).count(text)

    def in_topic(text: str) -> int:
        return texts_in(botapi.bot_messages(desk)).count(text)

    await bot.start()
    botapi.send_command(amal, None, "human")
    await botapi.wait_for(lambda: desk.topics, 20, "a topic")
    [topic] = desk.topics.values()
    card, claim = await botapi.wait_for(lambda: _claim_button(botapi, desk), 20, "the card")
    database = tmp_path / "lotse.sqlite3"

    async def settled() -> None:
        # A kill in the milliseconds between Telegram taking a message and the outbox noting
        # it sends that message again (no Bot API method makes a send idempotent); the kills
        # below aim at the other moments.
        await botapi.wait_for(lambda: outbox_empty(database), 20, "outbox done")

    claimed_user = plain("handover_claimed", name="Sara")
    claimed_desk = plain("desk_claimed", number=1, name="Sara")

    # 1. Fetched, but killed before the engine committed (while asking Telegram whether
    #    the one who pressed "claim" belongs to the desk group).
    await settled()
    member_check = botapi.hold_next("getChatMember")
    botapi.press_button(sara, card, claim)
    await asyncio.wait_for(member_check.arrived.wait(), 20)
    # Stuck in handling a while: time enough to confirm the update, were it confirmed early.
    await asyncio.sleep(0.5)
    await bot.kill()
    member_check.release()
    await bot.start()
    await botapi.wait_for(lambda: said_to_user(claimed_user), 20, "claimed")

    # 2. Handled and answered, but the confirming getUpdates never got through.
    eins = botapi.send_text(sara, desk, "Eins", thread_id=topic.thread_id)
    update_id = botapi.updates[-1]["update_id"]
    confirm = botapi.hold_next("getUpdates", when=lambda p: (p.integer("offset") or 0) > update_id)
    await botapi.wait_for(lambda: said_to_user("Sara: Eins"), 20, "relay one")
    await asyncio.wait_for(confirm.arrived.wait(), 20)
    await settled()
    await bot.kill()
    confirm.release()
    # 3. While the bot is down, both sides go on writing.
    botapi.send_text(amal, None, "Während der Pause")
    botapi.send_text(sara, desk, "Zwei", thread_id=topic.thread_id)
    await bot.start()
    await botapi.wait_for(lambda: said_to_user("Sara: Zwei"), 20, "relay two")
    await botapi.wait_for(lambda: in_topic("Amal (#1): Während der Pause"), 20, "relay pause")

    # 4. Killed while the relay to the desk was on its way to Telegram.
    await settled()
    relay = botapi.hold_next("sendMessage")
    botapi.send_text(amal, None, "Drei")
    await asyncio.wait_for(relay.arrived.wait(), 20)
    await bot.kill()
    relay.release()
    await bot.start()
    await botapi.wait_for(lambda: in_topic("Amal (#1): Drei"), 20, "relay three")

    botapi.send_command(sara, desk, "close", thread_id=topic.thread_id)
    await botapi.wait_for(lambda: _closed(botapi, user), 20, "closed")
    await asyncio.sleep(1.5)  # room for anything that would wrongly come twice
    assert await bot.terminate() == 0

    assert said_to_user(claimed_user) == 1 and in_topic(claimed_desk) == 1
    assert said_to_user(plain("handover_queued", position=1)) == 1
    for text in ("Amal (#1): Während der Pause", "Amal (#1): Drei"):
        assert in_topic(text) == 1, text
    relays = [t for t in texts_in(botapi.bot_messages(user)) if t.startswith("Sara: ")]
    assert relays == ["Sara: Eins", "Sara: Zwei"]
    assert len(desk.topics) == 1
    assert eins.text == "Eins"
    log = (tmp_path / "bot.log").read_text(encoding="utf-8")
    assert log.count("telegram adapter started") == 4
    assert botapi.token not in log and botapi.token.split(":")[1] not in log


def _claim_button(botapi: BotApiServer, desk: Chat) -> tuple[StoredMessage, str] | None:
    try:
        return button(botapi, desk, "claim:1")
    except AssertionError:
        return None


def _closed(botapi: BotApiServer, user: Chat) -> bool:
    return any(m.button_data() for m in botapi.bot_messages(user)[-1:])
