"""A SQLite connection run on the event loop's own thread, with aiosqlite's async surface."""

from __future__ import annotations

import sqlite3
from collections.abc import Generator, Iterable, Sequence
from types import TracebackType
from typing import Any, TypeAlias

import aiosqlite

# Why: aiosqlite hands every statement to its own thread and back, about 100 µs
# a hop on two cores, and a message costs ~20 statements: the hops, not SQLite,
# capped the engine near 470 messages/s. Indexed statements on a WAL file with
# synchronous=NORMAL take 10-50 µs and never wait for the disk at commit, so
# running them in place blocks the loop less than the hops did. Only a second
# writer process (busy_timeout) could stall the loop; Lotse has none.


class Cursor:
    """The few cursor methods the store uses, awaitable like aiosqlite's."""

    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor

    @property
    def rowcount(self) -> int:
        """Rows changed by the last statement."""
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        """Row id of the last inserted row."""
        return self._cursor.lastrowid

    async def fetchone(self) -> Any:
        """Return the next row or None."""
        return self._cursor.fetchone()

    async def fetchall(self) -> list[Any]:
        """Return the remaining rows."""
        return self._cursor.fetchall()


class Result:
    """What ``execute`` returns: await it, or use it as ``async with``."""

    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = Cursor(cursor)

    def __await__(self) -> Generator[Any, None, Cursor]:
        return self._done().__await__()

    async def _done(self) -> Cursor:
        return self._cursor

    async def __aenter__(self) -> Cursor:
        return self._cursor

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._cursor._cursor.close()


class InlineConnection:
    """sqlite3 behind the async methods the store calls on an aiosqlite connection."""

    def __init__(self, path: str) -> None:
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)

    @property
    def row_factory(self) -> Any:
        """The row type of query results."""
        return self._db.row_factory

    @row_factory.setter
    def row_factory(self, factory: Any) -> None:
        self._db.row_factory = factory

    def execute(self, sql: str, args: Iterable[Any] = ()) -> Result:
        """Run one statement."""
        return Result(self._db.execute(sql, tuple(args)))

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> Cursor:
        """Run one statement for each row."""
        return Cursor(self._db.executemany(sql, rows))

    async def execute_fetchall(self, sql: str, args: Iterable[Any] = ()) -> list[Any]:
        """Run a query and return every row."""
        return self._db.execute(sql, tuple(args)).fetchall()

    async def commit(self) -> None:
        """Commit the open transaction."""
        self._db.commit()

    async def rollback(self) -> None:
        """Roll the open transaction back."""
        self._db.rollback()

    async def close(self) -> None:
        """Close the connection."""
        self._db.close()


# What the repositories run on: either connection has the methods they call.
Connection: TypeAlias = aiosqlite.Connection | InlineConnection
