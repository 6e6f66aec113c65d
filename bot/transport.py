"""What an adapter implements so the core can send through it, and the errors it raises."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol

from bot.messages import Attachment, Deletion, Incoming, Outgoing, Sent

Inbox = Callable[[Incoming], Awaitable[None]]
# Fetches an attachment from whichever network it came from (for relays across networks).
Fetch = Callable[[Attachment], Awaitable[bytes]]
# The bot's texts by key and language (e.g. command descriptions for a menu).
Texts = Callable[[str, str], str]


class ConfigError(Exception):
    """A configuration problem, worded for the admin: file, line, key and what to do."""


class DeliveryError(Exception):
    """A send failed; subclasses say what the courier should do about it."""


class RetryLater(DeliveryError):
    """The network asked to slow down (429 / M_LIMIT_EXCEEDED): retry after ``seconds``."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"retry after {seconds:.1f} s")
        self.seconds = seconds


class Unreachable(DeliveryError):
    """The chat cannot be reached any more (blocked the bot, left, kicked): do not retry."""


class ChatMoved(DeliveryError):
    """The chat has a new id (a Telegram group became a supergroup): send there instead."""

    def __init__(self, new_chat: str) -> None:
        super().__init__("chat moved")
        self.new_chat = new_chat


class Rejected(DeliveryError):
    """The network refused this message for good (bad request): do not retry it."""


class TransientError(DeliveryError):
    """A network error that may pass: retry with back-off."""


class Transport(Protocol):
    """A network adapter, seen from the core."""

    network: str

    async def start(self, inbox: Inbox, fetch: Fetch) -> None:
        """Start receiving; hand every message to ``inbox``; use ``fetch`` for foreign files."""
        ...

    async def stop(self) -> None:
        """Stop receiving and release connections."""
        ...

    async def send(self, out: Outgoing) -> Sent:
        """Send one message, raising a :class:`DeliveryError` on failure."""
        ...

    async def delete(self, deletion: Deletion) -> bool:
        """Delete or redact a message the bot sent; False where the network does not allow it."""
        ...

    async def fetch(self, attachment: Attachment) -> bytes:
        """Download an attachment this adapter handed in (to relay it to another network)."""
        ...
