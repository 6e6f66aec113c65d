"""The Synapse test harness against a real homeserver: registration, DMs, e2e, media, limits."""

from __future__ import annotations

import asyncio
import os
import struct
import zlib

import pytest
from nio import (
    MegolmEvent,
    ReactionEvent,
    RoomEncryptedImage,
    RoomInviteResponse,
    RoomMessageImage,
    RoomMessageText,
    WhoamiResponse,
)
from nio.exceptions import OlmUnverifiedDeviceError

from tests.synapse import admin
from tests.synapse.events import from_user, joined_members, relation
from tests.synapse.fixtures import StartServer
from tests.synapse.homeserver import Homeserver
from tests.synapse.person import Person
from tests.synapse.responses import RequestFailed, expect
from tests.synapse.users import Users


def tiny_png(width: int = 4, height: int = 3) -> bytes:
    """A valid RGB PNG with random pixels, so every call gives different bytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + os.urandom(width * 3) for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


async def burst(person: Person, room_id: str, count: int) -> RequestFailed:
    """Send `count` messages at once (so a slow machine still bursts); return the refusal."""
    sends = [person.send_text(room_id, f"Nachricht {number}") for number in range(count)]
    outcomes = await asyncio.gather(*sends, return_exceptions=True)
    refusals = [outcome for outcome in outcomes if isinstance(outcome, RequestFailed)]
    assert refusals, f"no send of {count} was rate-limited: {outcomes}"
    return refusals[0]


async def test_register_and_login(synapse: Homeserver, matrix_users: Users) -> None:
    account = await matrix_users.account("newcomer")
    assert account.user_id == synapse.user_id(account.localpart)
    assert account.access_token and account.device_id
    _, me = await admin.call(
        synapse.base_url, "GET", "/_matrix/client/v3/account/whoami", account.access_token
    )
    assert me["user_id"] == account.user_id

    person = await matrix_users.person("staff")
    whoami = expect(await person.client.whoami(), WhoamiResponse, "whoami")
    assert (whoami.user_id, whoami.device_id) == (person.user_id, person.device_id)
    operator = await matrix_users.admin()
    devices = await operator.user_devices(person.user_id)
    assert person.device_id in {device["device_id"] for device in devices}
    assert (await operator.user(operator.account.user_id))["admin"] is True

    wrong = Person(
        synapse.base_url, admin.Account(person.user_id, "wrong", "", ""), person.store_dir
    )
    with pytest.raises(RequestFailed) as refused:
        await wrong.start()
    await wrong.close()
    assert refused.value.errcode == "M_FORBIDDEN"
    assert refused.value.http_status == 403


async def test_plain_dm_both_ways(matrix_users: Users) -> None:
    alice = await matrix_users.person("newcomer")
    bob = await matrix_users.person("staff")
    room_id = await alice.create_dm(bob.user_id)
    assert await bob.accept_invite(room_id) == room_id
    operator = await matrix_users.admin()
    member_events = [
        event
        for event in await operator.room_state(room_id)
        if event["type"] == "m.room.member" and event["state_key"] == bob.user_id
    ]
    assert member_events[0]["content"]["membership"] == "join"

    await alice.send_text(room_id, "Hallo, wo ist das Jobcenter?")
    got = await bob.next_message(room_id, from_user(alice.user_id))
    assert isinstance(got, RoomMessageText)
    assert got.body == "Hallo, wo ist das Jobcenter?"
    assert not got.decrypted
    await bob.send_text(room_id, "Im Rathaus.", notice=True)
    back = await alice.next_message(room_id, from_user(bob.user_id))
    assert back.source["content"]["msgtype"] == "m.notice"


async def test_dm_invite_is_marked_direct(synapse: Homeserver, matrix_users: Users) -> None:
    alice = await matrix_users.person("newcomer")
    bot = await matrix_users.person("bot")
    room_id = await alice.create_dm(bot.user_id)
    await bot.sync_until(lambda: room_id in bot.client.invited_rooms)
    operator = await matrix_users.admin()
    state = await operator.room_state(room_id)
    invite = next(
        event
        for event in state
        if event["type"] == "m.room.member" and event["state_key"] == bot.user_id
    )
    assert invite["content"] == {**invite["content"], "membership": "invite", "is_direct": True}
    assert (await operator.memberships(room_id))[bot.user_id] == "invite"
    path = f"/_matrix/client/v3/user/{alice.user_id}/account_data/m.direct"
    _, direct = await admin.call(synapse.base_url, "GET", path, alice.account.access_token)
    assert direct == {bot.user_id: [room_id]}


async def test_encrypted_dm_both_ways_survives_restart(matrix_users: Users) -> None:
    alice = await matrix_users.person("newcomer")
    bob = await matrix_users.person("staff")
    room_id = await alice.dm_with(bob, encrypted=True)
    assert alice.room(room_id).encrypted and bob.room(room_id).encrypted

    await alice.send_text(room_id, "Ich brauche einen Termin.")
    got = await bob.next_message(room_id, from_user(alice.user_id))
    assert isinstance(got, RoomMessageText) and got.decrypted
    assert got.body == "Ich brauche einen Termin."
    await bob.send_text(room_id, "Montag um 9 Uhr?")
    back = await alice.next_message(room_id, from_user(bob.user_id))
    assert isinstance(back, RoomMessageText) and back.decrypted
    assert back.body == "Montag um 9 Uhr?"

    key_before = bob.identity_key
    await bob.restart()
    assert bob.identity_key == key_before  # the olm account came back from the store
    assert bob.client.loaded_sync_token  # and so did the sync position

    await alice.send_text(room_id, "Ja, danke!")
    after = await bob.next_message(room_id, from_user(alice.user_id))
    assert isinstance(after, RoomMessageText) and after.body == "Ja, danke!"
    # The stored sync token means the restart did not replay older messages.
    replayed = [getattr(event, "body", None) for event in bob.drain(room_id)]
    assert "Ich brauche einen Termin." not in replayed
    await bob.send_text(room_id, "Bis Montag.")
    reply = await alice.next_message(room_id, from_user(bob.user_id))
    assert isinstance(reply, RoomMessageText) and reply.body == "Bis Montag."

    # Room keys from before the restart still decrypt the old history.
    history = await bob.history(room_id)
    bodies = [event.body for event in history if isinstance(event, RoomMessageText)]
    assert "Ich brauche einen Termin." in bodies
    assert not [event for event in history if isinstance(event, MegolmEvent)]


async def test_unverified_devices_need_trust_or_ignore(matrix_users: Users) -> None:
    alice = await matrix_users.person("newcomer")
    bob = await matrix_users.person("staff")
    room_id = await alice.dm_with(bob, encrypted=True)
    strict = {"msgtype": "m.text", "body": "nur für verifizierte Geräte"}
    with pytest.raises(OlmUnverifiedDeviceError):
        await alice.send(room_id, strict, ignore_unverified=False)
    assert alice.trust_devices([bob.user_id]) == 1
    assert alice.trust_devices([bob.user_id]) == 0
    await alice.send(room_id, strict, ignore_unverified=False)
    got = await bob.next_message(room_id, from_user(alice.user_id))
    assert isinstance(got, RoomMessageText) and got.body == strict["body"]


@pytest.mark.parametrize("encrypted", [False, True], ids=["plain", "encrypted"])
async def test_image_round_trip(matrix_users: Users, encrypted: bool) -> None:
    alice = await matrix_users.person("newcomer")
    bob = await matrix_users.person("staff")
    room_id = await alice.dm_with(bob, encrypted=encrypted)
    picture = tiny_png()
    await alice.send_image(room_id, picture, filename="bescheid.png", size=(4, 3))
    got = await bob.next_message(room_id, from_user(alice.user_id))
    kind = RoomEncryptedImage if encrypted else RoomMessageImage
    assert isinstance(got, kind)
    assert got.url.startswith("mxc://")
    assert await bob.download(got) == picture
    raw = await bob.client.download(mxc=got.url)
    assert (getattr(raw, "body", None) == picture) is not encrypted  # server holds ciphertext


@pytest.mark.parametrize("encrypted", [False, True], ids=["plain", "encrypted"])
async def test_thread_reply_and_reaction(matrix_users: Users, encrypted: bool) -> None:
    alice = await matrix_users.person("newcomer")
    bob = await matrix_users.person("staff")
    room_id = await alice.dm_with(bob, encrypted=encrypted)
    root = await alice.send_text(room_id, "Frage zur Kita-Anmeldung")
    await bob.next_message(room_id, from_user(alice.user_id))

    await bob.send_thread_reply(room_id, root, "Dazu brauchen Sie die Geburtsurkunde.")
    reply = await alice.next_message(room_id, from_user(bob.user_id))
    assert isinstance(reply, RoomMessageText)
    assert reply.body == "Dazu brauchen Sie die Geburtsurkunde."
    assert relation(reply)["rel_type"] == "m.thread"
    assert relation(reply)["event_id"] == root

    await alice.send_reaction(room_id, reply.event_id, "👍")
    reaction = await bob.next_message(room_id, lambda event: isinstance(event, ReactionEvent))
    assert isinstance(reaction, ReactionEvent)
    assert (reaction.reacts_to, reaction.key) == (reply.event_id, "👍")


async def test_same_transaction_id_sends_once(matrix_users: Users) -> None:
    alice = await matrix_users.person("newcomer")
    bob = await matrix_users.person("staff")
    room_id = await alice.dm_with(bob)
    first = await alice.send_text(room_id, "einmal", tx_id="lotse-retry-1")
    second = await alice.send_text(room_id, "einmal", tx_id="lotse-retry-1")
    assert first == second
    await alice.send_text(room_id, "Ende")
    await bob.next_message(room_id, from_user(alice.user_id, "Ende"))
    bodies = [getattr(event, "body", None) for event in await bob.history(room_id)]
    assert bodies.count("einmal") == 1


async def test_ratelimit_override_gives_429(matrix_users: Users) -> None:
    operator = await matrix_users.admin()
    alice = await matrix_users.person("newcomer")
    bob = await matrix_users.person("staff")
    room_id = await alice.dm_with(bob)
    assert await operator.get_ratelimit(alice.user_id) == {}
    await operator.override_ratelimit(alice.user_id, messages_per_second=1, burst_count=1)
    assert await operator.get_ratelimit(alice.user_id) == {
        "messages_per_second": 1,
        "burst_count": 1,
    }

    limited = await burst(alice, room_id, 5)
    assert limited.http_status == 429
    assert limited.errcode == "M_LIMIT_EXCEEDED"
    assert limited.retry_after_ms is not None and limited.retry_after_ms > 0
    for number in range(5):  # the override is per user: bob is not limited
        await bob.send_text(room_id, f"Antwort {number}")

    await operator.delete_ratelimit(alice.user_id)
    assert await operator.get_ratelimit(alice.user_id) == {}
    for number in range(5):
        await alice.send_text(room_id, f"wieder frei {number}")


async def test_third_member_join_is_visible(matrix_users: Users) -> None:
    alice = await matrix_users.person("newcomer")
    bob = await matrix_users.person("staff")
    carol = await matrix_users.person("interpreter")
    operator = await matrix_users.admin()
    room_id = await alice.dm_with(bob)
    expect(await alice.client.room_invite(room_id, carol.user_id), RoomInviteResponse, "invite")
    await alice.sync_until(lambda: carol.user_id in alice.room(room_id).invited_users)
    # nio lists invited users in room.users too, flagged `invited`.
    assert alice.room(room_id).users[carol.user_id].invited
    assert carol.user_id not in joined_members(alice.room(room_id))
    assert (await operator.memberships(room_id))[carol.user_id] == "invite"

    await carol.accept_invite(room_id)
    await alice.wait_for_member(room_id, carol.user_id)
    await bob.wait_for_member(room_id, carol.user_id)
    everyone = {alice.user_id, bob.user_id, carol.user_id}
    assert set(await operator.room_members(room_id)) == everyone
    assert joined_members(alice.room(room_id)) == everyone
    assert (await operator.memberships(room_id))[carol.user_id] == "join"


async def test_low_rc_message_server_restarts_with_its_data(
    synapse_factory: StartServer, tmp_path_factory: pytest.TempPathFactory
) -> None:
    server = synapse_factory({"rc_message": {"per_second": 0.2, "burst_count": 2}})
    async with Users(server, tmp_path_factory.mktemp("stores")) as users:
        alice = await users.person("newcomer")
        bob = await users.person("staff")
        room_id = await alice.dm_with(bob)
        limited = await burst(alice, room_id, 4)
        assert (limited.http_status, limited.errcode) == (429, "M_LIMIT_EXCEEDED")

        port = server.port
        # Blocking (subprocess + /health poll): keep it off the loop a bot may run on.
        await asyncio.to_thread(server.restart, {})  # back to the harness's generous limits
        assert server.port == port
        await bob.send_text(room_id, "nach dem Neustart")
        got = await alice.next_message(room_id, from_user(bob.user_id, "nach dem Neustart"))
        assert got.source["content"]["msgtype"] == "m.text"
        for number in range(4):
            await alice.send_text(room_id, f"jetzt ohne Limit {number}")
