"""The ``botapi`` pytest fixture: a started BotApiServer per test, stopped afterwards."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from .server import BotApiServer


@pytest.fixture
async def botapi() -> AsyncIterator[BotApiServer]:
    """A running local Bot API server with an empty world."""
    server = BotApiServer()
    await server.start()
    try:
        yield server
    finally:
        await server.stop()
