"""Timeline events a Person has received but no test has consumed yet."""

from __future__ import annotations

from collections.abc import Callable

from nio import Event, MegolmEvent
from nio.exceptions import EncryptionError

from .events import Predicate

Decrypt = Callable[[MegolmEvent], Event]


class Inbox:
    """Per-room queues; a predicate takes the first match and leaves the rest in order."""

    def __init__(self, decrypt: Decrypt) -> None:
        self._rooms: dict[str, list[Event]] = {}
        self._decrypt = decrypt

    def add(self, room_id: str, events: list[Event]) -> None:
        """Queue newly synced timeline events."""
        self._rooms.setdefault(room_id, []).extend(events)

    def _decrypt_pending(self, events: list[Event]) -> None:
        # A message can arrive before its room key; retry once keys came in later syncs.
        for index, event in enumerate(events):
            if isinstance(event, MegolmEvent):
                try:
                    events[index] = self._decrypt(event)
                except EncryptionError:
                    continue

    def take(self, room_id: str, predicate: Predicate) -> Event | None:
        """Remove and return the oldest queued event matching `predicate`."""
        events = self._rooms.get(room_id, [])
        self._decrypt_pending(events)
        for index, event in enumerate(events):
            if predicate(event):
                return events.pop(index)
        return None

    def kinds(self, room_id: str) -> list[str]:
        """Type names of what is queued (for timeout messages)."""
        return [type(event).__name__ for event in self._rooms.get(room_id, [])]

    def drain(self, room_id: str) -> list[Event]:
        """Remove and return everything queued for a room."""
        return self._rooms.pop(room_id, [])

    def clear(self) -> None:
        """Forget everything (a restarted client starts empty)."""
        self._rooms.clear()
