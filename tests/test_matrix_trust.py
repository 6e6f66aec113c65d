"""matrix.trust on a real Synapse: who gets the room keys of the bot's desk messages."""

from __future__ import annotations

from pathlib import Path

import pytest
from nio import MegolmEvent, RoomMessage

from bot.brain import Brain
from tests.synapse.homeserver import Homeserver
from tests.synapse.users import Users
from tests.test_matrix_support import (
    Lotse,
    bot_says,
    create_desk,
    desk_settings,
    replies,
    section,
)


@pytest.mark.parametrize("trust", ["tofu", "all"])
async def test_someone_only_invited_to_the_desk_gets_keys_only_with_trust_all(
    trust: str, synapse: Homeserver, matrix_users: Users, eval_brain: Brain, tmp_path: Path
) -> None:
    account = await matrix_users.account("lotse")
    sara = await matrix_users.person("sara")
    omar = await matrix_users.person("omar")
    desk = await create_desk(sara, account.user_id, encrypted=True)
    await sara.client.room_invite(desk, omar.user_id)  # invited, not joined yet
    settings = desk_settings(desk, sara)
    matrix = section(synapse, account, trust=trust)
    bot = await Lotse(tmp_path / "bot", eval_brain, matrix, settings).start()
    try:
        await sara.wait_for_member(desk, account.user_id)
        newcomer = await matrix_users.person("newcomer")
        room = await newcomer.create_dm(account.user_id, encrypted=True)
        await newcomer.wait_for_member(room, account.user_id)
        await newcomer.send_text(room, "/human")
        await replies(newcomer, room, account.user_id, 1)
        card = await sara.next_message(desk, bot_says(account.user_id, "#1"), within=15)
        assert isinstance(card, RoomMessage)  # staff always read it

        await omar.accept_invite(desk)
        await omar.sync()
        [seen] = [e for e in await omar.history(desk) if e.event_id == card.event_id]
        if trust == "tofu":
            assert isinstance(seen, MegolmEvent)  # no key was shared before he joined
        else:
            assert isinstance(seen, RoomMessage) and seen.decrypted

        # Once joined, his devices are trusted on first use: he reads what follows.
        await omar.wait_for_member(desk, omar.user_id)
        await sara.send_text(desk, "/queue")
        queue = await omar.next_message(desk, bot_says(account.user_id, "#1"), within=15)
        assert isinstance(queue, RoomMessage) and queue.decrypted
    finally:
        await bot.stop()
