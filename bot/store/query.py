"""Reading rows in one round trip to the database thread."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import aiosqlite

# aiosqlite runs every call in its own thread; a cursor costs three round
# trips (execute, fetch, close), execute_fetchall one.


async def fetch_one(db: aiosqlite.Connection, sql: str, args: Iterable[Any] = ()) -> Any:
    """Return the first row of a query, or None."""
    rows = await db.execute_fetchall(sql, tuple(args))
    return next(iter(rows), None)


async def fetch_all(db: aiosqlite.Connection, sql: str, args: Iterable[Any] = ()) -> list[Any]:
    """Return every row of a query."""
    return list(await db.execute_fetchall(sql, tuple(args)))
