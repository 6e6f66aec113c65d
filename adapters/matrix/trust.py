"""Which devices get the room keys of the bot's encrypted messages (``matrix.trust``)."""

from __future__ import annotations

import logging

from nio import AsyncClient, MatrixRoom

from .rooms import joined
from .settings import Trust

log = logging.getLogger(__name__)


class DeviceTrust:
    """Applies the trust mode to a room's devices before the bot encrypts for it.

    ``tofu`` (the default): every device of a *joined* member (the newcomer in
    a DM, the staff in the desk room) is trusted the first time the bot sees
    it, pinned to the keys it had then (nio refuses a device whose signing key
    changes). Devices of people who are only invited are blacklisted until
    they join, so nothing posted before they join can be read by them.
    ``all``: every device of every member and invitee gets the keys, unverified.
    """

    def __init__(self, mode: Trust) -> None:
        self.mode = mode

    @property
    def ignore_unverified(self) -> bool:
        """What to pass to ``room_send(ignore_unverified_devices=...)``."""
        return self.mode == "all"

    def prepare(self, client: AsyncClient, room: MatrixRoom) -> int:
        """Trust or blacklist the room's devices per the mode; return how many changed."""
        if self.mode == "all" or client.olm is None:
            return 0
        present = joined(room)
        changed = 0
        for user_id in room.users:
            for device in client.device_store.active_user_devices(user_id):
                if user_id == client.user_id and device.id == client.device_id:
                    continue
                if user_id in present:
                    if not device.verified:
                        client.verify_device(device)
                        changed += 1
                elif not device.blacklisted:
                    client.blacklist_device(device)
                    changed += 1
        if changed:
            log.info("trust on first use: %d device(s) newly trusted or held back", changed)
        return changed
