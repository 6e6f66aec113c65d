"""Telegram failing: 429 storms, blocked users, migrated groups, dropped connections, and
updates confirmed only once the engine handled them (polling and webhook)."""

from __future__ import annotations

import asyncio
import logging
import socket
from pathlib import Path

import aiohttp
import pytest

from adapters.telegram import create
from bot.brain import Brain
from bot.messages import Attachment, Incoming
from bot.privacy import configure_logging
from bot.transport import ConfigError
from tests.botapi.server import BotApiServer
from tests.test_telegram_desk import last_text, staff_writes
from tests.test_telegram_newcomer import button, plain, say
from tests.test_telegram_world import TelegramWorld, section


async def test_a_429_storm_is_waited_out_in_order_with_nothing_lost_or_doubled(
    botapi: BotApiServer, tmp_path: Path, eval_brain: Brain
) -> None:
    users = [botapi.add_user(f"User{n}") for n in range(5)]
    botapi.rate_limit(per_chat_per_second=1.0, burst=2, global_per_second=6.0, global_burst=6)
    async with TelegramWorld(botapi, tmp_path, eval_brain) as tw:
        for user in users:
            botapi.send_text(user, None, "Kindergeld")
        for user in users:
            botapi.send_text(user, None, "Wohngeld")
        chats = [botapi.private_chat(u) for u in users]
        await botapi.wait_for(
            lambda: all(len(botapi.bot_messages(c)) >= 4 for c in chats), 30, "all answers"
        )
        await tw.idle()
        welcome = plain(eval_brain, "welcome", "de", days=90).split("\n\n")[0]
        for chat in chats:
            shown = [m.text or "" for m in botapi.bot_messages(chat)]
            assert len(shown) == 4, shown
            assert shown[0].startswith(welcome)
            assert shown[1] == plain(eval_brain, "choose_region", "de")
            assert shown[2].startswith("Kindergeld") and shown[3].startswith("Wohngeld")
    refused = [r for r in botapi.request_log if r.status == 429]
    assert len(refused) >= 5


async def test_a_user_who_blocked_the_bot_is_marked_unreachable_without_retries(
    botapi: BotApiServer, tmp_path: Path, eval_brain: Brain
) -> None:
    sara, amal = botapi.add_user("Sara"), botapi.add_user("Amal")
    desk = botapi.add_supergroup("Team", admins=[sara], is_forum=True, bot_status="administrator")
    async with TelegramWorld(botapi, tmp_path, eval_brain, desk=desk, staff=(sara,)) as tw:
        await say(tw, amal, "/human")
        [topic] = desk.topics.values()
        botapi.block_bot(amal)
        tries = len(botapi.calls("sendMessage"))
        await staff_writes(tw, sara, desk, "Hallo?", topic.thread_id)
        to_amal = [
            r for r in botapi.calls("sendMessage")[tries:] if int(r.params["chat_id"]) == amal.id
        ]
        assert [r.status for r in to_amal] == [403]
        assert last_text(botapi, desk) == plain(eval_brain, "desk_user_unreachable", "de", number=1)


async def test_a_migrated_desk_group_is_followed_and_remembered(
    botapi: BotApiServer, tmp_path: Path, eval_brain: Brain
) -> None:
    sara, amal = botapi.add_user("Sara"), botapi.add_user("Amal")
    group = botapi.add_group("Team", admins=[sara], bot_status="administrator")
    db = str(tmp_path / "lotse.sqlite3")
    async with TelegramWorld(botapi, tmp_path, eval_brain, desk=group, staff=(sara,), db=db) as tw:
        await say(tw, amal, "/start")
        supergroup = botapi.migrate_to_supergroup(group)
        await say(tw, amal, "/human")
        [card] = [m for m in botapi.bot_messages(supergroup) if m.button_data()]
        await staff_writes(tw, sara, supergroup, "Hallo Amal", reply_to=card)
        assert last_text(botapi, botapi.private_chat(amal)) == "Sara: Hallo Amal"
        # Messages the bot posts after the move are found too when staff reply to them.
        await say(tw, amal, "Danke")
        relayed = botapi.bot_messages(supergroup)[-1]
        assert relayed.text == "Amal (#1): Danke"
        await staff_writes(tw, sara, supergroup, "Gern", reply_to=relayed)
        assert last_text(botapi, botapi.private_chat(amal)) == "Sara: Gern"
    # After a restart the new id is still known, on the sending and the receiving side.
    async with TelegramWorld(botapi, tmp_path, eval_brain, desk=group, staff=(sara,), db=db) as tw:
        await staff_writes(tw, sara, supergroup, "Noch da?", reply_to=card)
        assert last_text(botapi, botapi.private_chat(amal)) == "Sara: Noch da?"
        assert not [r for r in botapi.calls("sendMessage")[-3:] if r.status != 200]


async def test_dropped_connections_are_retried_and_answered_once(
    botapi: BotApiServer, tmp_path: Path, eval_brain: Brain
) -> None:
    lena = botapi.add_user("Lena")
    chat = botapi.private_chat(lena)
    async with TelegramWorld(botapi, tmp_path, eval_brain) as tw:
        await say(tw, lena, "/start")
        botapi.drop_connection_next("sendMessage")
        botapi.drop_connection_next("getUpdates")
        await say(tw, lena, "Kindergeld")
        answers = [m for m in botapi.bot_messages(chat) if (m.text or "").startswith("Kindergeld")]
        assert len(answers) == 1
        assert sum(1 for u in botapi.updates if "message" in u) == 2


async def _blocked_transport(
    botapi: BotApiServer, tmp_path: Path, eval_brain: Brain, **extra: object
) -> tuple[object, list[Incoming], asyncio.Event]:
    """The adapter alone, with an engine stand-in that holds each message until released."""
    seen: list[Incoming] = []
    release = asyncio.Event()

    async def inbox(msg: Incoming) -> None:
        seen.append(msg)
        await release.wait()

    async def fetch(attachment: Attachment) -> bytes:
        raise AssertionError("no foreign files here")

    transport = create(
        section(botapi, **extra),
        None,
        tmp_path,
        lambda k, lang: eval_brain.knowledge.texts.get(k, lang),
    )
    await transport.start(inbox, fetch)
    return transport, seen, release


async def test_polling_confirms_an_update_only_after_the_engine_handled_it(
    botapi: BotApiServer, tmp_path: Path, eval_brain: Brain
) -> None:
    lena = botapi.add_user("Lena")
    transport, seen, release = await _blocked_transport(botapi, tmp_path, eval_brain)
    try:
        update = botapi.send_text(lena, None, "Hallo")
        update_id = botapi.updates[-1]["update_id"]
        await botapi.wait_for(lambda: seen, what="handed in")
        assert seen[0].id == f"m{lena.id}:{update.message_id}"
        await asyncio.sleep(1.5)  # longer than a long poll: nothing is confirmed meanwhile
        offsets = [int(r.params.get("offset", 0)) for r in botapi.calls("getUpdates")]
        assert max(offsets) <= update_id
        assert [u["update_id"] for u in botapi.core.updates.pending] == [update_id]
        release.set()
        await botapi.wait_for(lambda: not botapi.core.updates.pending, what="confirmed")
        assert int(botapi.calls("getUpdates")[-1].params["offset"]) == update_id + 1
    finally:
        release.set()
        await transport.stop()  # type: ignore[attr-defined]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_webhook_mode_checks_the_secret_and_answers_after_handling(
    botapi: BotApiServer, tmp_path: Path, eval_brain: Brain
) -> None:
    port = _free_port()
    url = f"http://127.0.0.1:{port}/telegram"
    hook = {"listen": "127.0.0.1", "port": port, "url": url, "secret_token": "s3cret-Token_1"}
    lena = botapi.add_user("Lena")
    transport, seen, release = await _blocked_transport(
        botapi, tmp_path, eval_brain, mode="webhook", webhook=hook
    )
    try:
        assert botapi.webhook is not None and botapi.webhook.secret_token == "s3cret-Token_1"
        botapi.send_text(lena, None, "Hallo")
        await botapi.wait_for(lambda: seen, what="handed in")
        await asyncio.sleep(0.3)
        assert botapi.webhook.deliveries == []  # Telegram is not answered while handling
        release.set()
        await botapi.wait_for(lambda: botapi.webhook.deliveries, what="delivered")  # type: ignore[union-attr]
        assert botapi.webhook.deliveries[0][1] == 200
        # Someone who does not know the secret is turned away and reaches nothing.
        forged = {
            "update_id": 1,
            "message": {
                "message_id": 1,
                "date": 0,
                "chat": {"id": 1, "type": "private"},
                "text": "x",
            },
        }
        async with aiohttp.ClientSession() as http:
            async with http.post(url, json=forged) as response:
                assert response.status == 403
            headers = {"X-Telegram-Bot-Api-Secret-Token": "wrong"}
            async with http.post(url, json=forged, headers=headers) as response:
                assert response.status == 403
        assert len(seen) == 1
    finally:
        release.set()
        await transport.stop()  # type: ignore[attr-defined]


def test_configuration_errors_name_the_key(botapi: BotApiServer, tmp_path: Path) -> None:
    def texts(key: str, language: str) -> str:
        return key

    cases = [
        ({"token": "nope"}, "telegram.token"),
        ({"button_secret": "short"}, "telegram.button_secret"),
        ({"mode": "push"}, "telegram.mode"),
        ({"mode": "webhook"}, "telegram.webhook"),
        (
            {"mode": "webhook", "webhook": {"url": "https://x.test/h"}},
            "telegram.webhook.secret_token",
        ),
        ({"poll_timeout": 0}, "telegram.poll_timeout"),
        ({"tokn": "typo"}, "telegram.tokn"),
    ]
    for change, key in cases:
        with pytest.raises(ConfigError, match=key.replace(".", r"\.")) as error:
            create({**section(botapi), **change}, None, tmp_path, texts)
        assert botapi.token not in str(error.value)
    with pytest.raises(ConfigError, match=r"desk\.chat"):
        create(section(botapi), "my-group", tmp_path, texts)


async def test_a_wrong_token_stops_the_start_with_a_config_error(
    botapi: BotApiServer, tmp_path: Path
) -> None:
    bot_id, secret = botapi.token.split(":")
    wrong = f"{bot_id}:{secret[::-1]}"
    transport = create({**section(botapi), "token": wrong}, None, tmp_path, lambda k, lang: k)

    async def inbox(msg: Incoming) -> None:
        raise AssertionError

    with pytest.raises(ConfigError, match=r"telegram\.token") as error:
        await transport.start(inbox, inbox)  # type: ignore[arg-type]
    assert wrong not in str(error.value)
    await transport.stop()


async def test_the_token_never_reaches_the_log(
    botapi: BotApiServer, tmp_path: Path, eval_brain: Brain, capsys: pytest.CaptureFixture[str]
) -> None:
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    configure_logging("DEBUG")
    try:
        sara, amal = botapi.add_user("Sara"), botapi.add_user("Amal")
        desk = botapi.add_supergroup("Team", admins=[sara], bot_status="administrator")
        async with TelegramWorld(botapi, tmp_path, eval_brain, desk=desk, staff=(sara,)) as tw:
            botapi.fail_next("sendMessage", 429, retry_after=1)
            botapi.drop_connection_next("getUpdates")
            botapi.fail_next("getUpdates", 502, "Bad Gateway")
            await say(tw, amal, "/human")
            botapi.fail_next("sendMessage", 400, "Bad Request: can't parse entities: nope")
            _message, data = button(botapi, desk, "claim:1")
            await say(tw, amal, "Hallo")
            botapi.block_bot(amal)
            await staff_writes(tw, sara, desk, "Hallo", reply_to=botapi.bot_messages(desk)[0])
            assert data
    finally:
        root.handlers[:], root.level = saved
        for name in ("httpx", "httpcore", "telegram.ext.Updater"):
            logging.getLogger(name).setLevel(logging.NOTSET)
    err = capsys.readouterr().err
    # The log saw PTB's own DEBUG request lines, the polling errors and the 403 ...
    assert "Calling Bot API endpoint" in err
    assert "fetching updates from Telegram failed" in err
    assert "cannot be reached" in err
    # ... and never the token.
    assert botapi.token not in err
    assert botapi.token.split(":")[1] not in err
