"""Which rooms the bot talks in: the desk, and one-to-one rooms with exactly one newcomer."""

from __future__ import annotations

from enum import Enum

from nio import MatrixRoom

from .state import AdapterState

# Members at or above this power level count as desk members ("moderators").
STAFF_POWER_LEVEL = 50


class Kind(Enum):
    """What a joined room is to the bot."""

    DESK = "desk"
    DM = "dm"
    SHARED = "shared"
    LEAVE = "leave"


def joined(room: MatrixRoom) -> set[str]:
    """Who has joined: nio's ``room.users`` also holds invited users."""
    return {uid for uid, user in room.users.items() if not user.invited}


def power(room: MatrixRoom, user_id: str) -> int:
    """A member's power level in the room."""
    level: int = room.power_levels.get_user_level(user_id)
    return level


def display_name(room: MatrixRoom, user_id: str) -> str:
    """The member's display name (untrusted, for showing only), else the Matrix ID."""
    return room.user_name(user_id) or user_id


class RoomPolicy:
    """Decides what each joined room is, remembering DM partners in the adapter state."""

    def __init__(self, me: str, desk: str | None, state: AdapterState) -> None:
        self.me = me
        self.desk = desk
        self.state = state

    def is_desk(self, room_id: str) -> bool:
        """Tell whether this is the staff desk."""
        return room_id == self.desk

    def owner(self, room_id: str) -> str | None:
        """The newcomer of an accepted one-to-one room."""
        return self.state.owners.get(room_id)

    def third_person(self, room_id: str, user_id: str) -> bool:
        """Tell whether a joining user makes a one-to-one room shared."""
        owner = self.owner(room_id)
        return owner is not None and user_id not in (self.me, owner)

    def mark_shared(self, room_id: str) -> bool:
        """Stop relaying from a room; True the first time (the engine is told once)."""
        if room_id in self.state.shared:
            return False
        self.state.shared.append(room_id)
        return True

    def classify(self, room: MatrixRoom) -> Kind:
        """Look at the members now: desk, a DM, a DM a third person joined, or not for the bot."""
        if self.is_desk(room.room_id):
            return Kind.DESK
        others = set(room.users) - {self.me}
        present = joined(room) - {self.me}
        owner = self.owner(room.room_id)
        if owner is None:
            # Not a DM yet (just joined, or the state file was lost): only a
            # room with exactly one other person, who has joined, becomes one.
            if len(others) != 1 or others != present:
                return Kind.LEAVE
            owner = self.state.owners[room.room_id] = next(iter(present))
        if room.room_id in self.state.shared:
            return Kind.SHARED
        if owner not in present:
            # The newcomer left: nobody to talk to.
            return Kind.LEAVE
        if present - {owner}:
            return Kind.SHARED
        return Kind.DM

    def forget(self, room_id: str) -> None:
        """Forget a room the bot left."""
        self.state.forget_room(room_id)
