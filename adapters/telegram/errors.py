"""Telegram's errors, translated into what the courier knows how to handle."""

from __future__ import annotations

import warnings
from collections.abc import Awaitable
from datetime import timedelta
from typing import TypeVar

from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    RetryAfter,
    TelegramError,
)
from telegram.warnings import PTBDeprecationWarning

from bot.transport import (
    ChatMoved,
    DeliveryError,
    Rejected,
    RetryLater,
    TransientError,
    Unreachable,
)

T = TypeVar("T")


def retry_seconds(exc: RetryAfter) -> float:
    """The wait Telegram asked for, in seconds (PTB 22 warns about the attribute's type)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def description(exc: TelegramError) -> str:
    """Telegram's error text, lower-cased (PTB lower-cases some of them already)."""
    return str(exc.message).lower()


def is_thread_gone(exc: TelegramError) -> bool:
    """A forum topic that was deleted or closed: post outside it instead."""
    text = description(exc)
    return isinstance(exc, BadRequest) and ("thread not found" in text or "topic" in text)


def is_parse_error(exc: TelegramError) -> bool:
    """Telegram could not read the HTML; the text is sent again without formatting."""
    return isinstance(exc, BadRequest) and "can't parse entities" in description(exc)


def translate(exc: TelegramError) -> DeliveryError:
    """Map a python-telegram-bot error onto the core's delivery errors."""
    if isinstance(exc, RetryAfter):
        return RetryLater(retry_seconds(exc))
    if isinstance(exc, ChatMigrated):
        return ChatMoved(str(exc.new_chat_id))
    if isinstance(exc, Forbidden):
        # Blocked by the user, removed from the group, or the account was deleted.
        return Unreachable(description(exc))
    if isinstance(exc, BadRequest):
        text = description(exc)
        if "chat not found" in text or "user is deactivated" in text:
            return Unreachable(text)
        return Rejected(text)
    # Timeouts, dropped connections, 5xx, a revoked token: only the kind is kept (an
    # exception text could hold a URL, and URLs hold the token).
    return TransientError(type(exc).__name__)


async def guarded(call: Awaitable[T]) -> T:
    """Await a Bot API call, raising the core's delivery errors instead of PTB's."""
    try:
        return await call
    except TelegramError as exc:
        raise translate(exc) from exc
