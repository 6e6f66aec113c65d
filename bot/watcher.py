"""Reloading the knowledge folder while the bot runs; a broken change keeps the last good base."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Awaitable, Callable
from pathlib import Path

from bot.brain import Brain, BrainHolder
from bot.knowledge import load
from bot.markdown import escape
from bot.problem import KnowledgeError

log = logging.getLogger(__name__)
Snapshot = tuple[tuple[str, int, int], ...]
MAX_PROBLEMS_SHOWN = 20


def snapshot(root: Path) -> Snapshot:
    """Name, size and modification time of every YAML file (cheap to take every few seconds)."""
    found = []
    for current, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            if name.endswith((".yaml", ".yml")) and not name.startswith("."):
                path = Path(current) / name
                try:
                    stat = path.stat()
                except OSError:
                    continue
                found.append((str(path), stat.st_size, stat.st_mtime_ns))
    return tuple(sorted(found))


class Watcher:
    """Polls the folder; on a settled change loads it off the event loop and swaps the brain."""

    def __init__(
        self,
        root: Path,
        holder: BrainHolder,
        notify: Callable[[str], Awaitable[None]],
        texts: Callable[..., str],
        interval: float = 2.0,
    ) -> None:
        self.root = root
        self.holder = holder
        self.notify = notify
        self.texts = texts
        self.interval = interval
        self.seen = snapshot(root)

    async def run(self) -> None:
        """Watch until cancelled."""
        while True:
            await asyncio.sleep(self.interval)
            await self.check()

    async def check(self) -> bool:
        """Reload if the folder changed and has stopped changing; True when a reload was tried."""
        now = snapshot(self.root)
        if now == self.seen:
            return False
        # An editor may be half-way through saving: wait for the files to settle.
        await asyncio.sleep(min(self.interval, 0.5))
        if snapshot(self.root) != now:
            return False
        self.seen = now
        await self.reload()
        return True

    async def reload(self) -> None:
        """Load and swap in the folder, or report its problems and keep the old base."""
        try:
            knowledge = await asyncio.to_thread(load, self.root)
        except KnowledgeError as exc:
            log.warning(
                "knowledge change refused: %d problems; keeping the last good base",
                len(exc.problems),
            )
            shown = [f"- {escape(str(p))}" for p in exc.problems[:MAX_PROBLEMS_SHOWN]]
            more = len(exc.problems) - len(shown)
            if more > 0:
                shown.append(f"- … (+{more})")
            head = self.texts("desk_knowledge_error", count=len(exc.problems))
            await self.notify("\n".join([head, *shown]))
            return
        brain = await asyncio.to_thread(Brain.build, knowledge)
        self.holder.replace(brain)
        log.info("knowledge reloaded: %d entries", len(knowledge.entries))
        await self.notify(self.texts("desk_knowledge_reloaded", entries=len(knowledge.entries)))
