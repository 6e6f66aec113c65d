"""The Synapse test harness against a real homeserver: registration, DMs, e2e, media, limits."""

from __future__ import annotations

from nio import RoomMessageText

from tests.synapse.person import from_user
from tests.synapse.users import Users


async def test_plain_dm_both_ways(matrix_users: Users) -> None:
    alice = await matrix_users.person("newcomer")
    bob = await matrix_users.person("staff")
    room_id = await alice.create_dm(bob.user_id)
    assert await bob.accept_invite(room_id) == room_id
    await alice.send_text(room_id, "Hallo, wo ist das Jobcenter?")
    got = await bob.next_message(room_id, from_user(alice.user_id))
    assert isinstance(got, RoomMessageText)
    assert got.body == "Hallo, wo ist das Jobcenter?"
    await bob.send_text(room_id, "Im Rathaus.", notice=True)
    back = await alice.next_message(room_id, from_user(bob.user_id))
    assert back.source["content"]["msgtype"] == "m.notice"
