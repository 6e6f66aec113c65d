"""Matrix adapter: newcomers in one-to-one rooms, the staff desk as a room with threads, e2e."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from bot.transport import Texts

from .settings import parse
from .transport import MatrixTransport

__all__ = ["MatrixTransport", "create"]


def create(
    section: Mapping[str, Any], desk_chat: str | None, data_dir: Path, texts: Texts
) -> MatrixTransport:
    """Build the adapter from the ``matrix:`` section (checked here; errors name the key)."""
    return MatrixTransport(parse(section, desk_chat, data_dir), texts)
