"""Rate limiting on a real Synapse: the bot waits as told and keeps every reply in order."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import pytest

from bot.brain import Brain
from tests.synapse.homeserver import Homeserver
from tests.synapse.users import Users
from tests.test_matrix_support import Lotse, replies, section

QUESTIONS = ("Kita", "Arzt", "deutschkurs", "Kindergeld")


async def test_m_limit_exceeded_waits_and_keeps_the_order(
    synapse: Homeserver,
    matrix_users: Users,
    eval_brain: Brain,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    account = await matrix_users.account("lotse")
    operator = await matrix_users.admin()
    # One message per second after a burst of two, for the bot only.
    await operator.override_ratelimit(account.user_id, messages_per_second=1, burst_count=2)
    expected = []
    for question in QUESTIONS:
        decision = eval_brain.matcher.decide(question, None, None)
        assert decision.action == "answer" and decision.entry, question
        expected.append(eval_brain.knowledge.by_id[decision.entry].title["de"])

    bot = await Lotse(tmp_path / "bot", eval_brain, section(synapse, account)).start()
    try:
        newcomer = await matrix_users.person("newcomer")
        room = await newcomer.create_dm(account.user_id, encrypted=True)
        await newcomer.wait_for_member(room, account.user_id)
        caplog.set_level(logging.INFO, logger="adapters.matrix")
        started = time.monotonic()
        await newcomer.send_text(room, "/start")
        for question in QUESTIONS:
            await newcomer.send_text(room, question)
        got = await replies(newcomer, room, account.user_id, 2 + len(QUESTIONS), within=30)
        elapsed = time.monotonic() - started
    finally:
        await bot.stop()
    answers = got[2:]
    assert [a.split("\n")[0] for a in answers] == expected  # in order, each once
    waits = [r for r in caplog.records if "slow down" in r.getMessage()]
    assert waits, "Synapse never said M_LIMIT_EXCEEDED"
    assert elapsed >= len(got) - 2 - 0.5  # about one message per second after the burst
