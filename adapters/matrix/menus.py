"""Numbered choices: what a typed number, a typed label or a reaction means in a room."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import Any

from bot.messages import Choice

KEYCAPS = ("1️⃣", "2️⃣", "3️⃣", "4️⃣", "5️⃣", "6️⃣", "7️⃣", "8️⃣", "9️⃣", "🔟")
# Reactions remembered for this many sent events (oldest forgotten first).
EVENTS_KEPT = 500
_NUMBER = re.compile(r"^\s*(\d{1,3})\s*[.)]?\s*$")
# Skin tones and emoji presentation selectors do not change what a reaction means.
_EMOJI_NOISE = re.compile("[\ufe0e\ufe0f\U0001f3fb-\U0001f3ff]")


def _fold(text: str) -> str:
    """Compare labels by their words: case, emoji and punctuation around them do not matter."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in text if ch.isalnum() or ch.isspace()).strip()


def reaction_key(key: str) -> str:
    """A reaction without skin tone or variation selectors."""
    return _EMOJI_NOISE.sub("", key).strip()


def lead_emoji(label: str) -> str | None:
    """The emoji a label starts with ("👍 That helped" -> "👍"), if any."""
    head = label.strip().split(" ", 1)[0]
    if head and not any(ch.isalnum() for ch in head):
        return reaction_key(head)
    return None


class Menus:
    """The choices on offer per room, numbered across the bot's messages since the user spoke.

    A welcome with 12 languages and then a region list reads 1-12 and 13-15, so
    "2" is never ambiguous. When the user writes, the next menu starts at 1
    again; the old numbers stay valid until then.
    """

    def __init__(self, data: dict[str, Any]) -> None:
        # Lives inside the adapter state, so it is saved with it.
        self.data = data
        self.rooms: dict[str, dict[str, Any]] = data.setdefault("rooms", {})
        # Sent event id -> its choices; "any" marks a desk card, where any reaction claims.
        self.events: dict[str, dict[str, Any]] = data.setdefault("events", {})

    def first_number(self, room_id: str) -> int:
        """The number the next menu in this room starts with."""
        menu = self.rooms.get(room_id)
        if menu is None or menu.get("heard"):
            return 1
        return len(menu["items"]) + 1

    def posted(
        self,
        room_id: str,
        event_id: str,
        choices: Sequence[Choice],
        start: int,
        numbered: bool = True,
    ) -> None:
        """Remember a sent menu (numbered from ``start``) and its event, for reactions."""
        items = [[c.payload, c.label] for c in choices]
        menu = self.rooms.get(room_id)
        if not numbered:
            pass  # the desk: reactions only, typed numbers are messages to the newcomer
        elif start == 1 or menu is None:
            self.rooms[room_id] = {"items": items, "heard": False}
        else:
            menu["items"] = menu["items"][: start - 1] + items
        self.events[event_id] = {"items": items, "any": not numbered and len(items) == 1}
        while len(self.events) > EVENTS_KEPT:
            del self.events[next(iter(self.events))]

    def heard(self, room_id: str) -> None:
        """The user wrote: the next menu starts at 1 again."""
        menu = self.rooms.get(room_id)
        if menu is not None:
            menu["heard"] = True

    def pick_text(self, room_id: str, text: str) -> str | None:
        """The payload a typed number ("2", "2.") or a label ("English") stands for."""
        menu = self.rooms.get(room_id)
        if menu is None or not text.strip():
            return None
        items = menu["items"]
        number = _NUMBER.match(text)
        if number:
            n = int(number.group(1))
            return items[n - 1][0] if 1 <= n <= len(items) else None
        wanted = _fold(text)
        matches = [payload for payload, label in items if wanted and _fold(label) == wanted]
        return matches[-1] if matches else None

    def pick_reaction(self, event_id: str, key: str) -> str | None:
        """The payload a reaction on a sent menu stands for.

        A keycap picks by position, an emoji that starts a label picks that
        label (👍 / 👎 for feedback), and on the desk any reaction picks the
        only choice of a card (its claim). A newcomer's ❤️ picks nothing.
        """
        entry = self.events.get(event_id)
        if not entry:
            return None
        items = entry["items"]
        key = reaction_key(key)
        keycaps = [reaction_key(k) for k in KEYCAPS]
        if key in keycaps and keycaps.index(key) < len(items):
            return items[keycaps.index(key)][0]
        for payload, label in items:
            if lead_emoji(label) == key:
                return payload
        return items[0][0] if entry["any"] else None

    def forget_room(self, room_id: str) -> None:
        """Drop a room's menu (the bot left it)."""
        self.rooms.pop(room_id, None)
