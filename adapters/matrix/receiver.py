"""The sync loop: events in, handed to the engine room by room, then the position saved."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any

import aiohttp
from nio import (
    AsyncClient,
    Event,
    InviteMemberEvent,
    MegolmEvent,
    SyncError,
    SyncResponse,
)
from nio.exceptions import EncryptionError, LocalProtocolError

from bot.messages import Incoming, Sender
from bot.transport import Inbox

from .incoming import Where, convert
from .media import NETWORK
from .menus import Menus
from .rooms import STAFF_POWER_LEVEL, Kind, RoomPolicy, display_name, power
from .state import PENDING_KEEP_MS, AdapterState

log = logging.getLogger(__name__)
LONG_POLL_MS = 30_000
# Enough for a bot that was down a while; Synapse's default is 10 per room.
TIMELINE = {"room": {"timeline": {"limit": 100}}}
# A first start answers nothing old: no timeline at all in the first sync.
FIRST_START = {"room": {"timeline": {"limit": 0}}}
MAX_BACKOFF = 30.0


class Receiver:
    """Syncs, keeps encryption keys flowing, joins DM invites and feeds the engine."""

    def __init__(
        self,
        client: AsyncClient,
        policy: RoomPolicy,
        state: AdapterState,
        menus: Menus,
        crypto: asyncio.Lock,
        save: Callable[[], None],
    ) -> None:
        self.client = client
        self.policy = policy
        self.state = state
        self.menus = menus
        self.crypto = crypto
        self.save = save
        self.inbox: Inbox | None = None
        self.ready = asyncio.Event()

    async def first_sync(self) -> None:
        """Catch up from the stored position (full room state: nio keeps none across starts)."""
        since = self.state.sync_token
        resp = await self.client.sync(
            timeout=0,
            since=since,
            full_state=True,
            sync_filter=TIMELINE if since else FIRST_START,
        )
        if not isinstance(resp, SyncResponse):
            raise ConnectionError(f"the first Matrix sync failed ({resp.status_code})")
        await self.batch(resp)
        self.ready.set()

    async def run(self) -> None:
        """Long-poll until cancelled; network trouble waits and tries again."""
        backoff = 1.0
        while True:
            try:
                resp = await self.client.sync(
                    timeout=LONG_POLL_MS, since=self.state.sync_token, sync_filter=TIMELINE
                )
            except (aiohttp.ClientError, TimeoutError, OSError) as exc:
                resp = SyncError(type(exc).__name__)
            if isinstance(resp, SyncResponse):
                try:
                    await self.batch(resp)
                    backoff = 1.0
                    continue
                except Exception:
                    # The position was not saved: the batch comes again (the engine
                    # answers each event once).
                    log.exception("handling a Matrix sync batch failed")
            else:
                log.warning("Matrix sync failed (%s)", resp.status_code or resp.message)
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, MAX_BACKOFF)

    async def batch(self, resp: SyncResponse) -> None:
        """Handle one sync response; only then remember its position."""
        await self.maintain_keys()
        for room_id, info in resp.rooms.invite.items():
            await self._invited(room_id, info.invite_state)
        for room_id in resp.rooms.leave:
            self._forget(room_id)
        rooms = [
            self._room(room_id, info.timeline.events) for room_id, info in resp.rooms.join.items()
        ]
        # Rooms are handled side by side; a failure in one lets the others finish
        # before the batch is given up (and comes again).
        for outcome in await asyncio.gather(*rooms, return_exceptions=True):
            if isinstance(outcome, BaseException):
                raise outcome
        await self._retry_pending()
        self.state.sync_token = resp.next_batch
        self.save()

    async def maintain_keys(self) -> None:
        """What nio's sync_forever does between syncs: upload, query and claim keys."""
        client = self.client
        if client.olm is None:
            return
        async with self.crypto:
            try:
                if client.should_upload_keys:
                    await client.keys_upload()
                if client.should_query_keys:
                    await client.keys_query()
                if client.should_claim_keys:
                    await client.keys_claim(client.get_users_for_key_claiming())
                await client.send_to_device_messages()
            except (LocalProtocolError, aiohttp.ClientError, TimeoutError, OSError) as exc:
                log.warning("Matrix key maintenance failed (%s); trying after the next sync", exc)

    async def _invited(self, room_id: str, invite_state: list[Any]) -> None:
        for_me = any(
            isinstance(e, InviteMemberEvent)
            and e.state_key == self.client.user_id
            and e.membership == "invite"
            for e in invite_state
        )
        if not for_me:
            return
        # Who else is in the room only shows after joining: see RoomPolicy.classify.
        resp = await self.client.join(room_id)
        if getattr(resp, "room_id", None) != room_id:
            log.warning("could not join a room the bot was invited to")

    def _forget(self, room_id: str) -> None:
        self.policy.forget(room_id)
        self.menus.forget_room(room_id)

    async def _leave(self, room_id: str) -> None:
        log.info("leaving a room that is not a one-to-one chat with a newcomer")
        self._forget(room_id)
        await self.client.room_leave(room_id)

    def _where(self, room_id: str) -> Where:
        room = self.client.rooms[room_id]
        return Where(
            room_id,
            self.policy.is_desk(room_id),
            lambda user: display_name(room, user),
            lambda user: power(room, user) >= STAFF_POWER_LEVEL,
        )

    async def _room(self, room_id: str, events: list[Event]) -> None:
        room = self.client.rooms.get(room_id)
        if room is None:
            return
        kind = self.policy.classify(room)
        if kind is Kind.LEAVE:
            await self._leave(room_id)
            return
        where = self._where(room_id)
        for event in events:
            if not where.desk and room_id in self.state.shared:
                return
            if not where.desk and self._third_person(room_id, event):
                await self._shared(room_id, event.source.get("event_id"))
                return
            await self._event(room_id, event, where)
        if kind is Kind.SHARED:
            await self._shared(room_id, None)

    def _third_person(self, room_id: str, event: Event) -> bool:
        source = event.source
        if source.get("type") != "m.room.member":
            return False
        content = source.get("content") or {}
        return content.get("membership") == "join" and self.policy.third_person(
            room_id, str(source.get("state_key"))
        )

    async def _shared(self, room_id: str, event_id: str | None) -> None:
        owner = self.policy.owner(room_id)
        if owner is None or not self.policy.mark_shared(room_id):
            return
        log.info("a third person joined a one-to-one room; no more relaying from there")
        room = self.client.rooms.get(room_id)
        name = display_name(room, owner) if room else owner
        sender = Sender(NETWORK, room_id, owner, name)
        await self._hand_in(Incoming(event_id or f"shared:{room_id}", sender, event="shared_room"))

    async def _event(self, room_id: str, event: Event, where: Where, late: bool = False) -> None:
        if isinstance(event, MegolmEvent):
            # Its room key has not arrived yet: kept and tried again after later syncs.
            source = dict(event.source)
            self.state.pending.append({"room": room_id, "source": source, "seen": _now_ms()})
            return
        source = event.source
        sender, ts = source.get("sender"), source.get("origin_server_ts", 0)
        if sender == self.client.user_id or not isinstance(ts, int):
            return
        if (source.get("unsigned") or {}).get("redacted_because"):
            return
        too_old = ts < self.state.started_ms if late else self.state.is_old(room_id, ts)
        if too_old:
            return
        msg = convert(source, where, self.menus)
        if msg is None:
            return
        if not where.desk and msg.event is None:
            self.menus.heard(room_id)
        await self._hand_in(msg)
        self.state.handled(room_id, ts)

    async def _hand_in(self, msg: Incoming) -> None:
        if self.inbox is None:
            raise RuntimeError("the Matrix adapter was not started")
        # Returns once the engine committed its effects.
        await self.inbox(msg)

    async def _retry_pending(self) -> None:
        waiting, self.state.pending = self.state.pending, []
        now = _now_ms()
        for item in waiting:
            room_id, source = item["room"], item["source"]
            if room_id not in self.client.rooms or now - item["seen"] > PENDING_KEEP_MS:
                log.info("gave up an encrypted message whose key never arrived")
                continue
            event = Event.parse_event(source)
            if not isinstance(event, MegolmEvent):
                continue
            event.room_id = room_id
            try:
                decrypted = self.client.decrypt_event(event)
            except (EncryptionError, LocalProtocolError):
                self.state.pending.append(item)
                continue
            if isinstance(decrypted, Event):
                await self._event(room_id, decrypted, self._where(room_id), late=True)


def _now_ms() -> int:
    return int(time.time() * 1000)
