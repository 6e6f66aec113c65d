"""Running a python-telegram-bot Application against the server the way production does."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from telegram.ext import Application


@asynccontextmanager
async def polling(
    app: Application[Any, Any, Any, Any, Any, Any], poll_timeout: int = 1, **options: Any
) -> AsyncIterator[None]:
    """initialize(), start() and updater.start_polling(); stops and shuts down on exit.

    ``poll_timeout`` is the long-poll duration in seconds; short keeps shutdown quick.
    """
    await app.initialize()
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0.0, timeout=poll_timeout, **options)
    try:
        yield
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
