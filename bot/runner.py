"""``python -m bot run``: the engine, the adapters the configuration names, in one event loop."""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import logging
import signal
from collections.abc import Awaitable, Callable

from bot.brain import Brain, BrainHolder
from bot.config import Config
from bot.courier import Courier
from bot.engine import Engine, utcnow
from bot.knowledge import load
from bot.messages import Attachment
from bot.store.sqlite import Database
from bot.transport import ConfigError, Texts, Transport
from bot.watcher import Watcher

log = logging.getLogger(__name__)
TICK_SECONDS = 30.0


def build_transports(config: Config, texts: Texts) -> dict[str, Transport]:
    """Create one adapter per configured network (imported by name: the core imports none).

    Each ``adapters.<network>`` module offers
    ``create(section, desk_chat, data_dir, texts) -> Transport``.
    """
    transports: dict[str, Transport] = {}
    desk = config.settings.desk
    for network, section in config.adapters.items():
        module = importlib.import_module(f"adapters.{network}")
        desk_chat = desk.chat if desk is not None and desk.network == network else None
        transports[network] = module.create(section, desk_chat, config.data_dir / network, texts)
    return transports


async def _every(seconds: float, job: Callable[[], Awaitable[None]]) -> None:
    while True:
        await asyncio.sleep(seconds)
        try:
            await job()
        except Exception:
            log.exception("periodic job failed; trying again next time")


async def run(config: Config, stop: asyncio.Event | None = None) -> int:
    """Run until SIGINT/SIGTERM (or ``stop``); return the exit code."""
    if not config.adapters:
        raise ConfigError(
            f"{config.path}: no adapter configured; add a 'telegram:' or 'matrix:' section"
            " (see config.example.yaml), or try `python -m bot chat` for the terminal"
        )
    knowledge = load(config.knowledge)
    log.info("knowledge: %d entries; preparing the matcher", len(knowledge.entries))
    holder = BrainHolder(await asyncio.to_thread(Brain.build, knowledge))

    def texts(key: str, language: str) -> str:
        return holder().knowledge.texts.get(key, language)

    transports = build_transports(config, texts)
    db = Database(config.database)
    await db.open()
    courier = Courier(db, transports, utcnow, config.settings.desk)
    engine = Engine(db, holder, config.settings, on_queued=courier.wake)
    courier.on_unreachable = engine.user_unreachable
    watcher = Watcher(config.knowledge, holder, engine.notify_desk, engine.desk_text)

    async def fetch(attachment: Attachment) -> bytes:
        return await transports[attachment.network].fetch(attachment)

    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    tasks = [
        asyncio.create_task(courier.run(), name="courier"),
        asyncio.create_task(_every(TICK_SECONDS, engine.tick), name="tick"),
        asyncio.create_task(watcher.run(), name="watcher"),
    ]
    started: list[Transport] = []
    try:
        for transport in transports.values():
            await transport.start(engine.handle, fetch)
            started.append(transport)
            log.info("%s adapter started", transport.network)
        await stop.wait()
        log.info("stopping")
    finally:
        for transport in reversed(started):
            try:
                await transport.stop()
            except Exception:
                log.exception("stopping the %s adapter failed", transport.network)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await courier.stop()
        engine.close()
        await db.close()
    return 0
