"""A simulated Matrix user (a newcomer, a staff member) driving a real nio AsyncClient."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from nio import (
    AsyncClient,
    AsyncClientConfig,
    Event,
    JoinResponse,
    KeysClaimResponse,
    KeysQueryResponse,
    KeysUploadResponse,
    LoginResponse,
    MatrixRoom,
    MemoryDownloadResponse,
    RoomCreateResponse,
    RoomEncryptedMedia,
    RoomMessage,
    RoomMessageMedia,
    RoomMessagesResponse,
    RoomPreset,
    RoomSendResponse,
    SyncResponse,
    UploadResponse,
)

from . import admin, media
from .admin import Account
from .events import Predicate, joined_members
from .inbox import Inbox
from .responses import expect

MEGOLM = {"algorithm": "m.megolm.v1.aes-sha2"}


class Person:
    """One simulated user with its own device and e2e store; every call is real traffic."""

    def __init__(
        self,
        base_url: str,
        account: Account,
        store_dir: Path,
        device_id: str | None = None,
        max_limit_exceeded: int | None = 0,
    ) -> None:
        self.base_url = base_url
        self.account = account
        self.store_dir = store_dir
        self.device_id = device_id or f"{account.localpart.upper().replace('-', '')[:20]}DEV"
        # 0: a 429 comes back as an error at once; nio's default (None) would
        # silently sleep and retry forever, hiding rate limiting from a test.
        self.config = AsyncClientConfig(
            store_sync_tokens=True,
            encryption_enabled=True,
            max_limit_exceeded=max_limit_exceeded,
            max_timeouts=2,
            request_timeout=30,
        )
        self._client: AsyncClient | None = None
        self._access_token: str | None = None
        self._full_state_next = True
        self._inbox = Inbox(lambda event: self.client.decrypt_event(event))
        self._direct: dict[str, list[str]] = {}

    @property
    def user_id(self) -> str:
        """The full Matrix ID."""
        return self.account.user_id

    @property
    def client(self) -> AsyncClient:
        """The live nio client (after start())."""
        if self._client is None:
            raise RuntimeError(f"{self.user_id} is not started")
        return self._client

    @property
    def identity_key(self) -> str:
        """This device's Curve25519 identity key (changes only if the store is lost)."""
        olm = self.client.olm
        assert olm is not None
        key: str = olm.account.identity_keys["curve25519"]
        return key

    async def start(self) -> Person:
        """Log in with a password the first time; afterwards restore the login from the store."""
        self.store_dir.mkdir(parents=True, exist_ok=True)
        client = AsyncClient(
            self.base_url,
            self.user_id,
            device_id=self.device_id,
            store_path=str(self.store_dir),
            config=self.config,
        )
        self._client = client
        if self._access_token is None:
            login = await client.login(self.account.password, device_name="lotse-test")
            self._access_token = expect(login, LoginResponse, "login").access_token
        else:
            client.restore_login(self.user_id, self.device_id, self._access_token)
        # nio keeps no room state across restarts: the first sync must be full.
        self._full_state_next = True
        await self._maintain_keys()
        return self

    async def close(self) -> None:
        """Close the HTTP session (the store stays on disk)."""
        if self._client is not None:
            await self._client.close()
            self._client = None

    async def restart(self) -> None:
        """Simulate a process restart: new client object, same store and device."""
        await self.close()
        self._inbox.clear()
        await self.start()

    async def _maintain_keys(self) -> None:
        # What sync_forever would do between syncs; a manual sync loop must do it itself.
        client = self.client
        if client.should_upload_keys:
            expect(await client.keys_upload(), KeysUploadResponse, "keys_upload")
        if client.should_query_keys:
            expect(await client.keys_query(), KeysQueryResponse, "keys_query")
        if client.should_claim_keys:
            users = client.get_users_for_key_claiming()
            expect(await client.keys_claim(users), KeysClaimResponse, "keys_claim")
        await client.send_to_device_messages()

    async def sync(self, timeout_ms: int = 0) -> SyncResponse:
        """One sync (long-polling up to `timeout_ms`); new timeline events go to the inbox."""
        full_state = self._full_state_next
        response = await self.client.sync(
            timeout=0 if full_state else timeout_ms, full_state=full_state or None
        )
        sync = expect(response, SyncResponse, "sync")
        self._full_state_next = False
        for room_id, info in sync.rooms.join.items():
            self._inbox.add(room_id, info.timeline.events)
        await self._maintain_keys()
        return sync

    async def sync_until(self, condition: Callable[[], bool], within: float = 10.0) -> None:
        """Sync until `condition()` holds; TimeoutError after `within` seconds."""
        deadline = time.monotonic() + within
        while not condition():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"{self.user_id}: condition not met in {within} s")
            await self.sync(timeout_ms=int(min(remaining, 5.0) * 1000))

    def room(self, room_id: str) -> MatrixRoom:
        """nio's view of a joined room."""
        return self.client.rooms[room_id]

    async def create_dm(self, other: str, encrypted: bool = False) -> str:
        """Create a direct chat with `other` (is_direct invite, m.direct account data)."""
        initial_state = [{"type": "m.room.encryption", "state_key": "", "content": MEGOLM}]
        response = await self.client.room_create(
            is_direct=True,
            invite=[other],
            preset=RoomPreset.trusted_private_chat,
            initial_state=initial_state if encrypted else (),
        )
        room_id = expect(response, RoomCreateResponse, "room_create").room_id
        # Clients such as Element also record DMs in m.direct; a bot may look at either.
        self._direct.setdefault(other, []).append(room_id)
        path = f"/_matrix/client/v3/user/{self.user_id}/account_data/m.direct"
        await admin.call(self.base_url, "PUT", path, self._access_token, self._direct)
        await self.sync_until(lambda: room_id in self.client.rooms)
        return room_id

    async def dm_with(self, other: Person, encrypted: bool = False) -> str:
        """Create a DM, let `other` join, and wait until both see each other joined.

        Waiting matters for encryption: nio shares a room key only with joined
        members it knows of, so a message sent before the join stays unreadable.
        """
        room_id = await self.create_dm(other.user_id, encrypted=encrypted)
        await other.accept_invite(room_id)
        await self.wait_for_member(room_id, other.user_id)
        await other.wait_for_member(room_id, self.user_id)
        return room_id

    async def accept_invite(self, room_id: str | None = None, within: float = 10.0) -> str:
        """Wait for an invite (to `room_id`, or any), join it and return the room ID."""

        def invited() -> bool:
            rooms = self.client.invited_rooms
            return room_id in rooms if room_id else bool(rooms)

        await self.sync_until(invited, within)
        target = room_id or next(iter(self.client.invited_rooms))
        expect(await self.client.join(target), JoinResponse, "join")
        await self.sync_until(lambda: target in self.client.rooms, within)
        return target

    async def wait_for_member(self, room_id: str, user_id: str, within: float = 10.0) -> None:
        """Sync until `user_id` has joined (not merely been invited)."""

        def joined() -> bool:
            room = self.client.rooms.get(room_id)
            return room is not None and user_id in joined_members(room)

        await self.sync_until(joined, within)

    async def send(
        self,
        room_id: str,
        content: dict[str, Any],
        event_type: str = "m.room.message",
        tx_id: str | None = None,
        ignore_unverified: bool = True,
    ) -> str:
        """Send any event (encrypted when the room is); returns the event ID."""
        if room_id not in self.client.rooms:
            await self.sync()
        response = await self.client.room_send(
            room_id, event_type, content, tx_id=tx_id, ignore_unverified_devices=ignore_unverified
        )
        return expect(response, RoomSendResponse, f"send {event_type}").event_id

    async def send_text(
        self, room_id: str, body: str, notice: bool = False, tx_id: str | None = None
    ) -> str:
        """Send an m.text (or m.notice) message."""
        content = {"msgtype": "m.notice" if notice else "m.text", "body": body}
        return await self.send(room_id, content, tx_id=tx_id)

    async def send_thread_reply(self, room_id: str, root_event_id: str, body: str) -> str:
        """Reply inside the thread rooted at `root_event_id` (with the reply fallback)."""
        content = {
            "msgtype": "m.text",
            "body": body,
            "m.relates_to": {
                "rel_type": "m.thread",
                "event_id": root_event_id,
                "is_falling_back": True,
                "m.in_reply_to": {"event_id": root_event_id},
            },
        }
        return await self.send(room_id, content)

    async def send_reaction(self, room_id: str, event_id: str, key: str) -> str:
        """React to an event (nio sends reactions unencrypted, even in encrypted rooms)."""
        relates = {"rel_type": "m.annotation", "event_id": event_id, "key": key}
        return await self.send(room_id, {"m.relates_to": relates}, event_type="m.reaction")

    async def send_image(
        self,
        room_id: str,
        data: bytes,
        mimetype: str = "image/png",
        filename: str = "image.png",
        size: tuple[int, int] | None = None,
    ) -> str:
        """Upload an image (encrypted in encrypted rooms) and post it as m.image."""
        if room_id not in self.client.rooms:
            await self.sync()
        encrypted = self.room(room_id).encrypted
        response, keys = await self.client.upload(
            lambda _got_429, _got_timeouts: data,
            content_type=mimetype,
            filename=filename,
            encrypt=encrypted,
            filesize=len(data),
        )
        uri = expect(response, UploadResponse, "upload").content_uri
        content = media.image_content(uri, keys, mimetype, filename, len(data), size)
        return await self.send(room_id, content)

    async def download(self, event: RoomMessageMedia | RoomEncryptedMedia) -> bytes:
        """Fetch an image or file from a message, decrypting it when it was encrypted."""
        response = await self.client.download(mxc=event.url)
        body: bytes = expect(response, MemoryDownloadResponse, "download").body
        return media.plaintext(event, body)

    async def next_message(
        self,
        room_id: str,
        predicate: Predicate | None = None,
        within: float = 10.0,
        include_own: bool = False,
    ) -> Event:
        """Sync until an event matching `predicate` (default: any message) arrives; consume it."""
        wanted = predicate or (lambda event: isinstance(event, RoomMessage))

        def match(event: Event) -> bool:
            return (include_own or event.sender != self.user_id) and wanted(event)

        deadline = time.monotonic() + within
        while (found := self._inbox.take(room_id, match)) is None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                seen = self._inbox.kinds(room_id)
                raise TimeoutError(f"{self.user_id}: no matching event in {within} s; saw {seen}")
            await self.sync(timeout_ms=int(min(remaining, 5.0) * 1000))
        return found

    def drain(self, room_id: str) -> list[Event]:
        """Forget (and return) everything already received in a room."""
        return self._inbox.drain(room_id)

    async def history(self, room_id: str, limit: int = 50) -> list[Event]:
        """Read back a room's timeline from the server, newest first, decrypted where possible."""
        start = self.client.next_batch
        response = await self.client.room_messages(room_id, start=start, limit=limit)
        chunk: list[Event] = expect(response, RoomMessagesResponse, "room_messages").chunk
        return chunk

    def trust_devices(self, user_ids: list[str] | None = None) -> int:
        """Trust on first use: verify every known device (of `user_ids`); returns the count."""
        count = 0
        for device in self.client.device_store:
            if user_ids is not None and device.user_id not in user_ids:
                continue
            # Check `verified` first: the SQLite store's verify_device() says
            # True even for a device that was already verified.
            if device.user_id == self.user_id or device.verified:
                continue
            self.client.verify_device(device)
            count += 1
        return count

    async def __aenter__(self) -> Person:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()
