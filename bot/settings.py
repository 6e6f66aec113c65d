"""What the engine needs to know from the configuration, as one frozen value."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

from bot.messages import ChatRef


@dataclass(frozen=True, slots=True)
class Settings:
    """Engine settings; :mod:`bot.config` builds them from ``config.yaml``."""

    desk: ChatRef | None = None
    desk_language: str = "de"
    # Staff as "network:user-id" (e.g. "telegram:12345", "matrix:@sara:example.org").
    staff: frozenset[str] = frozenset()
    # Also accept anyone the adapter reports as a member of the desk chat.
    staff_by_membership: bool = False
    # How staff are named to newcomers: their first name, or only the team's role.
    staff_label: Literal["first_name", "role"] = "first_name"
    desk_hours: str | None = None
    remind_after: timedelta = timedelta(minutes=15)
    retention: timedelta = timedelta(days=90)
    card_history: int = 6
    # Longer messages are matched on their beginning (all of it is kept for staff).
    max_match_chars: int = 1500
    default_language: str = "de"
