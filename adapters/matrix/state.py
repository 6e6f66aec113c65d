"""What the adapter remembers between starts: the sync position, DM partners, menus."""

from __future__ import annotations

import json
import logging
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)
# Undecryptable events wait this long for their room key, then are given up.
PENDING_KEEP_MS = 15 * 60 * 1000


@dataclass
class AdapterState:
    """The adapter's small persistent memory, written atomically as one JSON file."""

    # The next_batch of the last sync whose events the engine has handled.
    sync_token: str | None = None
    # When the adapter first ran (ms): nothing older is answered (no backlog).
    started_ms: int = 0
    # Per room: the server time of the last event handed to the engine.
    last_ts: dict[str, int] = field(default_factory=dict)
    # Accepted one-to-one rooms and the person the bot talks to there.
    owners: dict[str, str] = field(default_factory=dict)
    # Rooms a third person joined: nothing is relayed from there any more.
    shared: list[str] = field(default_factory=list)
    # Numbered choices per room and choices per sent event (see menus.py).
    menus: dict[str, Any] = field(default_factory=dict)
    # Encrypted events whose room key had not arrived yet: room, raw event, first seen.
    pending: list[dict[str, Any]] = field(default_factory=list)

    def handled(self, room_id: str, ts: int) -> None:
        """Remember that an event of this server time was handed to the engine."""
        if ts > self.last_ts.get(room_id, 0):
            self.last_ts[room_id] = ts

    def is_old(self, room_id: str, ts: int) -> bool:
        """Tell whether an event predates the first start or the room's last handled event."""
        return ts < self.started_ms or ts < self.last_ts.get(room_id, 0)

    def forget_room(self, room_id: str) -> None:
        """Drop everything about a room the bot left."""
        self.last_ts.pop(room_id, None)
        self.owners.pop(room_id, None)
        if room_id in self.shared:
            self.shared.remove(room_id)
        self.pending = [p for p in self.pending if p.get("room") != room_id]


def load(path: Path) -> AdapterState:
    """Read the state file; a missing or unreadable one starts afresh (a first start)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        state = AdapterState(**data)
    except FileNotFoundError:
        state = AdapterState()
    except (OSError, ValueError, TypeError):
        log.warning("the Matrix state file is unreadable; starting without a sync position")
        state = AdapterState()
    if not state.started_ms:
        state.started_ms = int(time.time() * 1000)
    return state


def save(path: Path, state: AdapterState) -> None:
    """Write the state atomically (a kill never leaves half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(asdict(state), ensure_ascii=False), encoding="utf-8")
    tmp.replace(path)
