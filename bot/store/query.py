"""Reading rows in one round trip to the database thread."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from bot.store.inline import Connection

# On aiosqlite every call is a round trip to its thread; a cursor costs three
# (execute, fetch, close), execute_fetchall one.


async def fetch_one(db: Connection, sql: str, args: Iterable[Any] = ()) -> Any:
    """Return the first row of a query, or None."""
    rows = await db.execute_fetchall(sql, tuple(args))
    return next(iter(rows), None)


async def fetch_all(db: Connection, sql: str, args: Iterable[Any] = ()) -> list[Any]:
    """Return every row of a query."""
    return list(await db.execute_fetchall(sql, tuple(args)))
