"""The Matrix network adapter: one nio client, the sync loop, sending and fetching."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from nio import AsyncClient, AsyncClientConfig

from bot.messages import Attachment, Deletion, Outgoing, Sent
from bot.transport import Fetch, Inbox, Rejected, Texts, TransientError

from . import media, session
from .menus import Menus
from .outbound import Poster
from .receiver import Receiver
from .rooms import RoomPolicy
from .settings import MatrixSettings
from .state import AdapterState, load, save
from .trust import DeviceTrust

log = logging.getLogger(__name__)
# How long a send waits for the first sync after a (re)start.
READY_SECONDS = 60.0


def client_config() -> AsyncClientConfig:
    """nio settings: errors come back to us instead of being retried inside nio."""
    return AsyncClientConfig(
        encryption_enabled=True,
        # The sync position is saved by the adapter after the engine handled a batch.
        store_sync_tokens=False,
        # A 429 returns at once: the courier waits and retries in order.
        max_limit_exceeded=0,
        max_timeouts=1,
        request_timeout=60,
    )


class MatrixTransport:
    """Newcomers in one-to-one rooms and the staff desk in a room, end-to-end encrypted."""

    network = media.NETWORK

    def __init__(self, settings: MatrixSettings, texts: Texts) -> None:
        self.settings = settings
        self.texts = texts
        self.state: AdapterState = load(settings.state_file)
        self.menus = Menus(self.state.menus)
        settings.store_dir.mkdir(parents=True, exist_ok=True)
        self.client = AsyncClient(
            settings.homeserver,
            settings.user_id,
            device_id=settings.device_id or "",
            store_path=str(settings.store_dir),
            config=client_config(),
        )
        self.policy = RoomPolicy(settings.user_id, settings.desk_room, self.state)
        self.poster = Poster(
            self.client,
            settings.desk_room,
            self.state,
            self.menus,
            DeviceTrust(settings.trust),
            lambda language: texts("shared_room", language),
        )
        self.receiver = Receiver(
            self.client, self.policy, self.state, self.menus, self.poster.crypto, self.save
        )
        self._task: asyncio.Task[None] | None = None

    def save(self) -> None:
        """Write the adapter state (sync position, menus, DM partners)."""
        save(self.settings.state_file, self.state)

    async def start(self, inbox: Inbox, fetch: Fetch) -> None:
        """Log in, catch up from the saved position, then keep syncing in the background."""
        self.receiver.inbox = inbox
        self.poster.fetch_foreign = fetch
        await session.log_in(self.client, self.settings)
        await self.receiver.maintain_keys()
        await self.receiver.first_sync()
        desk = self.settings.desk_room
        if desk and desk not in self.client.rooms:
            log.warning("the bot is not in the desk room yet; invite it there")
            await self.client.join(desk)
        self._task = asyncio.create_task(self.receiver.run(), name="matrix-sync")

    async def stop(self) -> None:
        """Stop syncing, save the state and close the HTTP session (the keys stay on disk)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self.save()
        await self.client.close()

    async def _ready(self) -> None:
        try:
            await asyncio.wait_for(self.receiver.ready.wait(), READY_SECONDS)
        except TimeoutError:
            raise TransientError("the Matrix adapter has not synced yet") from None

    async def send(self, out: Outgoing) -> Sent:
        """Send one message (see :class:`Poster`)."""
        await self._ready()
        sent = await self.poster.send(out)
        if out.choices:
            self.save()  # numbered choices must survive a restart
        return sent

    async def delete(self, deletion: Deletion) -> bool:
        """Redact one of the bot's messages (or a desk thread's messages)."""
        await self._ready()
        return await self.poster.delete(deletion)

    async def fetch(self, attachment: Attachment) -> bytes:
        """Download (and decrypt) a file a Matrix user sent, to relay it elsewhere."""
        if attachment.network != self.network:
            raise Rejected("not a Matrix file")
        await self._ready()
        return await media.download(self.client, attachment.handle)
