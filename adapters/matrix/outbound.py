"""Sending the engine's messages into rooms and threads, and redacting them on request."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import uuid
from collections.abc import Callable
from typing import Any

from nio import AsyncClient, MatrixRoom, RoomSendResponse, SendRetryError
from nio.exceptions import EncryptionError, LocalProtocolError, OlmUnverifiedDeviceError

from bot.messages import Attachment, Deletion, Outgoing, Sent
from bot.transport import DeliveryError, Fetch, Rejected, TransientError, Unreachable

from . import media, render
from .errors import call
from .menus import Menus
from .rooms import joined
from .state import AdapterState
from .trust import DeviceTrust

log = logging.getLogger(__name__)


class Poster:
    """Posts ``Outgoing`` messages (text, choices, files) and redacts the bot's messages."""

    def __init__(
        self,
        client: AsyncClient,
        desk: str | None,
        state: AdapterState,
        menus: Menus,
        trust: DeviceTrust,
        shared_notice: Callable[[str], str],
    ) -> None:
        self.client = client
        self.desk = desk
        self.state = state
        self.menus = menus
        self.trust = trust
        # The one text the bot still sends into a shared room: why it stops.
        self.shared_notice = shared_notice
        self.fetch_foreign: Fetch | None = None
        # Encryption state (key sharing, device trust) is changed by one task at a time.
        self.crypto = asyncio.Lock()

    async def _room(self, room_id: str) -> MatrixRoom:
        room = self.client.rooms.get(room_id)
        if room is not None:
            return room
        if room_id == self.desk:
            # Not (yet) in the desk room: join if invited, and retry later either
            # way (giving up on the desk would drop every card queued for it).
            try:
                await call(self.client.join(room_id), "join desk")
            except DeliveryError as exc:
                raise TransientError(f"the bot is not in the desk room: {exc}") from None
            raise TransientError("joined the desk room; its state arrives with the next sync")
        raise Unreachable("the bot is not in that room")

    def _check_dm(self, room: MatrixRoom, out: Outgoing) -> None:
        if room.room_id == self.desk:
            return
        if room.room_id in self.state.shared and out.text != self.shared_notice(out.language):
            raise Unreachable("a third person joined this one-to-one room")
        if not joined(room) - {self.client.user_id}:
            raise Unreachable("nobody else is in this room any more")

    async def post(self, room: MatrixRoom, content: dict[str, Any], tx_id: str) -> str:
        """Send one event (encrypted in encrypted rooms); the same tx_id posts it once."""
        if not room.encrypted:
            resp = await call(
                self.client.room_send(room.room_id, "m.room.message", content, tx_id=tx_id),
                "send",
            )
        else:
            async with self.crypto:
                resp = await self._encrypted(room, content, tx_id)
        assert isinstance(resp, RoomSendResponse)
        return str(resp.event_id)

    async def _encrypted(self, room: MatrixRoom, content: dict[str, Any], tx_id: str) -> Any:
        try:
            return await self._encrypt_and_send(room, content, tx_id)
        except OlmUnverifiedDeviceError:
            pass  # a device appeared while sending: judge it and try once more
        try:
            return await self._encrypt_and_send(room, content, tx_id)
        except OlmUnverifiedDeviceError:
            raise TransientError("a new device could not be judged yet") from None

    async def _encrypt_and_send(self, room: MatrixRoom, content: dict[str, Any], tx_id: str) -> Any:
        if self.client.should_query_keys:
            # Learn new devices first, so the trust mode can judge them.
            await call(self.client.keys_query(), "keys query")
        self.trust.prepare(self.client, room)
        try:
            return await call(
                self.client.room_send(
                    room.room_id,
                    "m.room.message",
                    content,
                    tx_id=tx_id,
                    ignore_unverified_devices=self.trust.ignore_unverified,
                ),
                "send",
            )
        except (EncryptionError, LocalProtocolError, SendRetryError) as exc:
            raise TransientError(f"encrypting failed: {type(exc).__name__}") from None

    async def react(self, room_id: str, event_id: str, key: str, tx_id: str) -> str:
        """Add a reaction (never encrypted: nio sends reactions in the clear)."""
        relates = {"rel_type": "m.annotation", "event_id": event_id, "key": key}
        resp = await call(
            self.client.room_send(room_id, "m.reaction", {"m.relates_to": relates}, tx_id=tx_id),
            "react",
        )
        assert isinstance(resp, RoomSendResponse)
        return str(resp.event_id)

    async def _attachment(self, room: MatrixRoom, attachment: Attachment) -> dict[str, Any]:
        content = media.location(attachment)
        if content is not None:
            return content
        if attachment.network == media.NETWORK:
            data = await media.download(self.client, attachment.handle)
        elif self.fetch_foreign is not None:
            data = await self.fetch_foreign(attachment)
        else:
            raise Rejected("no way to fetch a file from another network")
        return await media.upload(self.client, data, attachment, encrypt=room.encrypted)

    async def send(self, out: Outgoing) -> Sent:
        """Send text (split if long), then each file; return the first id and the others."""
        room = await self._room(out.to.chat)
        self._check_dm(room, out)
        desk = room.room_id == self.desk
        txn = out.txn or f"lotse-{uuid.uuid4().hex}"
        start = 1 if desk else self.menus.first_number(room.room_id)
        contents: list[dict[str, Any]] = []
        if out.text.strip() or out.choices:
            contents = render.notices(out.text, out.language, out.choices, start, not desk)
        thread, reply_to = out.thread, out.reply_to
        ids: list[str] = []
        for index, content in enumerate(contents):
            event_id = await self.post(room, _related(content, thread, reply_to), f"{txn}.{index}")
            ids.append(event_id)
            if out.new_thread and thread is None:
                # The first event is the card: everything after it goes into its thread.
                thread = reply_to = event_id
        text_event = ids[-1] if ids else None
        for index, attachment in enumerate(out.attachments):
            try:
                content = await self._attachment(room, attachment)
            except Rejected as refused:
                # One file that cannot be copied must not hold back the conversation.
                log.warning("a %s could not be passed on: %s", attachment.kind, refused)
                continue
            ids.append(
                await self.post(room, _related(content, thread, reply_to), f"{txn}.f{index}")
            )
            if out.new_thread and thread is None:
                thread = reply_to = ids[0]
        if not ids:
            raise Rejected("nothing to send")
        if out.choices and text_event is not None:
            self.menus.posted(room.room_id, text_event, out.choices, start, numbered=not desk)
            if desk:
                for index, key in enumerate(render.reactions_for(out.choices)):
                    ids.append(await self.react(room.room_id, text_event, key, f"{txn}.r{index}"))
        return Sent(ids[0], thread if desk else None, tuple(ids[1:]))

    async def delete(self, deletion: Deletion) -> bool:
        """Redact one of the bot's messages, or (thread only) everything in a desk thread."""
        room = self.client.rooms.get(deletion.to.chat)
        if room is None:
            return False
        if deletion.message_id:
            return await self._redact(room.room_id, deletion.message_id)
        if not deletion.thread:
            return False
        redacted = 0
        try:
            async for event in self.client.room_get_event_relations(room.room_id, deletion.thread):
                redacted += await self._redact(room.room_id, event.event_id)
        except (AttributeError, KeyError, TypeError):
            log.warning("could not list a desk thread to erase it")
        return redacted > 0

    async def _redact(self, room_id: str, event_id: str) -> bool:
        # A stable id: a retried redaction of the same event is one redaction.
        tx_id = "lotse-redact-" + hashlib.sha256(event_id.encode()).hexdigest()[:24]
        try:
            await call(self.client.room_redact(room_id, event_id, tx_id=tx_id), "redact")
        except Unreachable:
            return False  # not allowed (someone else's message) or already gone
        return True


def _related(content: dict[str, Any], thread: str | None, reply_to: str | None) -> dict[str, Any]:
    """Put a content into a thread (with the reply fallback clients expect) or a reply."""
    if thread:
        relates: dict[str, Any] = {
            "rel_type": "m.thread",
            "event_id": thread,
            "is_falling_back": True,
            "m.in_reply_to": {"event_id": reply_to or thread},
        }
        return {**content, "m.relates_to": relates}
    if reply_to:
        return {**content, "m.relates_to": {"m.in_reply_to": {"event_id": reply_to}}}
    return content
