"""``python -m bot chat``: the whole engine with SQLite, talking to this terminal."""

from __future__ import annotations

import asyncio
import importlib
import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TextIO

from bot.brain import Brain, BrainHolder
from bot.courier import Courier
from bot.engine import Engine
from bot.knowledge import Knowledge
from bot.messages import Attachment
from bot.settings import Settings
from bot.store.sqlite import Database


def default_database() -> Path:
    """Where the interactive terminal chat keeps its conversation between runs."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "lotse" / "terminal.sqlite3"


async def chat(
    knowledge: Knowledge,
    region: str | None,
    clock: Callable[[], datetime],
    stdin: TextIO,
    stdout: TextIO,
    database: str,
) -> int:
    """Chat until end of input; scripted input gets one reply block per line."""
    console = importlib.import_module("adapters.console").create(stdout)
    holder = BrainHolder(await asyncio.to_thread(Brain.build, knowledge))
    db = Database(database)
    await db.open()
    courier = Courier(db, {console.network: console}, clock)
    engine = Engine(db, holder, Settings(), clock, courier.wake)
    delivery = asyncio.create_task(courier.run())

    async def no_files(attachment: Attachment) -> bytes:
        raise LookupError("no files in the terminal")

    await console.start(engine.handle, no_files)
    interactive = stdin.isatty()
    try:
        if region or not interactive:
            # Scripts get answers only: the region is set and the welcome skipped.
            console.quiet = True
            await console.choose(f"region:{region or '-'}")
            await courier.wait_idle()
            console.quiet = False
        if interactive:
            print(holder().knowledge.texts.get("console_intro", "en"), file=stdout)
        while True:
            if interactive:
                print("> ", end="", file=stdout, flush=True)
            line = await asyncio.to_thread(stdin.readline)
            if not line:
                return 0
            if not line.strip():
                continue
            await console.submit(line.rstrip("\n"))
            await courier.wait_idle()
            print(file=stdout, flush=True)
    finally:
        delivery.cancel()
        await asyncio.gather(delivery, return_exceptions=True)
        await courier.stop()
        engine.close()
        await db.close()
