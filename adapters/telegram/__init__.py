"""Lotse on Telegram: newcomers in private chats, the staff desk in a (forum) supergroup."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from bot.transport import Texts

from .options import read_options
from .transport import TelegramTransport

__all__ = ["TelegramTransport", "create"]


def create(
    section: Mapping[str, Any], desk_chat: str | None, data_dir: Path, texts: Texts
) -> TelegramTransport:
    """Build the adapter from the ``telegram:`` section; raise ConfigError naming a bad key."""
    return TelegramTransport(read_options(section, desk_chat), data_dir, texts)
