"""A knowledge entry and its contact block, as the rest of the core sees them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

Kind = Literal["office", "offer", "info"]
Handover = Literal["never", "offer", "always"]
KINDS: tuple[Kind, ...] = ("office", "offer", "info")
HANDOVERS: tuple[Handover, ...] = ("never", "offer", "always")


@dataclass(frozen=True, slots=True)
class Contact:
    """How to reach an office: every field optional, never invented."""

    address: str | None = None
    phone: str | None = None
    email: str | None = None
    web: str | None = None
    hours: str | None = None
    languages: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Entry:
    """One answerable topic of the knowledge base, with texts by language."""

    id: str
    kind: Kind
    title: dict[str, str]
    answer: dict[str, str]
    region: str | None = None
    questions: dict[str, tuple[str, ...]] = field(default_factory=dict)
    keywords: dict[str, tuple[str, ...]] = field(default_factory=dict)
    contact: Contact | None = None
    audience: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    handover: Handover = "offer"
    updated: date | None = None
    # Where the entry was read from, for messages that point an admin to it.
    source: str = ""
    line: int = 0

    def languages(self) -> frozenset[str]:
        """Return the languages this entry has an answer in."""
        return frozenset(self.answer)
