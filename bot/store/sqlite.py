"""The SQLite database: connection settings, transactions and consistent backups."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import aiosqlite

from bot.store.chats import Chats
from bot.store.handovers import Handovers
from bot.store.inline import Connection, InlineConnection
from bot.store.migrations import migrate
from bot.store.outbox import Outbox
from bot.store.stats import Stats

BUSY_TIMEOUT_MS = 5000


@dataclass(frozen=True, slots=True)
class Tx:
    """One transaction, with a repository per kind of record."""

    chats: Chats
    handovers: Handovers
    outbox: Outbox
    stats: Stats


class Database:
    """One SQLite file (or ``:memory:``), WAL, migrated on open, one writer at a time."""

    def __init__(self, path: str | Path, *, threaded: bool = False) -> None:
        self.path = str(path)
        # threaded: aiosqlite, each statement in its own thread (for a file
        # that another writing process shares); else statements run in place.
        self.threaded = threaded
        self._db: Connection | None = None
        # One connection serves the whole process; this lock keeps one
        # transaction at a time on it so readers never see half a write.
        self._lock = asyncio.Lock()

    async def open(self) -> None:
        """Connect, set the pragmas and apply migrations."""
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        db: Connection = (
            await aiosqlite.connect(self.path, isolation_level=None)
            if self.threaded
            else InlineConnection(self.path)
        )
        db.row_factory = sqlite3.Row
        await db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        await db.execute("PRAGMA journal_mode = WAL")
        await db.execute("PRAGMA synchronous = NORMAL")
        await db.execute("PRAGMA foreign_keys = ON")
        try:
            await migrate(db)
        except BaseException:
            await db.close()
            raise
        self._db = db

    async def close(self) -> None:
        """Close the connection."""
        if self._db is not None:
            await self._db.close()
            self._db = None

    @property
    def db(self) -> Connection:
        """Return the open connection."""
        if self._db is None:
            raise RuntimeError("the database is not open")
        return self._db

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Tx]:
        """Run a write transaction (BEGIN IMMEDIATE): all of it commits, or none."""
        async with self._lock:
            db = self.db
            await db.execute("BEGIN IMMEDIATE")
            try:
                yield Tx(Chats(db), Handovers(db), Outbox(db), Stats(db))
            except BaseException:
                await db.rollback()
                raise
            await db.commit()

    @asynccontextmanager
    async def read(self) -> AsyncIterator[Tx]:
        """Read without a write transaction (one statement sees one consistent state)."""
        async with self._lock:
            db = self.db
            yield Tx(Chats(db), Handovers(db), Outbox(db), Stats(db))

    async def backup(self, target: str | Path) -> None:
        """Write a consistent copy of the live database to ``target``."""
        target = Path(target)
        if target.exists():
            raise FileExistsError(f"{target} exists; choose a new file name")
        async with self._lock:
            await self.db.execute("VACUUM INTO ?", (str(target),))
