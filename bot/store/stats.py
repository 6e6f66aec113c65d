"""What the bot learns without personal data: feedback, unanswered questions, daily counts."""

from __future__ import annotations

from datetime import date, datetime

from bot.store.inline import Connection
from bot.store.query import fetch_all, fetch_one
from bot.store.records import moment, stamp


class Stats:
    """Queries on ``feedback``, ``unanswered``, ``stats`` and ``settings``."""

    def __init__(self, db: Connection) -> None:
        self.db = db

    async def bump(self, day: date, metric: str, key: str = "", by: int = 1) -> None:
        """Add to a daily counter (kept after conversations are purged)."""
        await self.db.execute(
            "INSERT INTO stats (day, metric, key, value) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (day, metric, key) DO UPDATE SET value = value + excluded.value",
            (day.isoformat(), metric, key, by),
        )

    async def bump_many(self, rows: list[tuple[date, str, str, int]]) -> None:
        """Add to several daily counters in one statement."""
        if rows:
            await self.db.executemany(
                "INSERT INTO stats (day, metric, key, value) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (day, metric, key) DO UPDATE SET value = value + excluded.value",
                [(d.isoformat(), m, k, n) for d, m, k, n in rows],
            )

    async def feedback(self, entry: str, helpful: bool, day: date) -> None:
        """Store whether an answer helped; no user is linked to it."""
        await self.db.execute(
            "INSERT INTO feedback (entry, helpful, day) VALUES (?, ?, ?)",
            (entry, int(helpful), day.isoformat()),
        )

    async def unanswered(
        self, chat_id: int, text: str, language: str, region: str | None, now: datetime
    ) -> None:
        """Store a question the bot could not answer (masked; deleted with its chat)."""
        await self.db.execute(
            "INSERT INTO unanswered (chat_id, text, language, region, at) VALUES (?, ?, ?, ?, ?)",
            (chat_id, text, language, region, stamp(now)),
        )

    async def setting(self, key: str) -> str | None:
        """Return a stored setting (e.g. a desk id that moved)."""
        row = await fetch_one(self.db, "SELECT value FROM settings WHERE key = ?", (key,))
        return str(row[0]) if row else None

    async def set_setting(self, key: str, value: str) -> None:
        """Store a setting."""
        await self.db.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    async def moved(self) -> dict[str, str]:
        """Return chats that got a new id: ``network:old`` -> new id."""
        rows = await fetch_all(self.db, "SELECT key, value FROM settings WHERE key LIKE 'moved:%'")
        return {str(r[0]).removeprefix("moved:"): str(r[1]) for r in rows}

    async def unanswered_since(self, since: datetime) -> list[tuple[str, str | None, datetime]]:
        """Return unanswered questions (text, language, time) since a moment."""
        rows = await fetch_all(
            self.db,
            "SELECT text, language, at FROM unanswered WHERE at >= ? ORDER BY at",
            (stamp(since),),
        )
        return [(r[0], r[1], moment(r[2])) for r in rows]  # type: ignore[misc]

    async def feedback_since(self, since: date) -> list[tuple[str, int, int]]:
        """Return (entry, helpful, not helpful) counts since a day."""
        rows = await fetch_all(
            self.db,
            "SELECT entry, SUM(helpful), SUM(1 - helpful) FROM feedback WHERE day >= ?"
            " GROUP BY entry ORDER BY SUM(1 - helpful) DESC, entry",
            (since.isoformat(),),
        )
        return [(r[0], int(r[1]), int(r[2])) for r in rows]

    async def daily(self, since: date, metric: str) -> list[tuple[str, str, int]]:
        """Return (day, key, value) rows of one metric since a day."""
        rows = await fetch_all(
            self.db,
            "SELECT day, key, value FROM stats WHERE metric = ? AND day >= ? ORDER BY day, key",
            (
                metric,
                since.isoformat(),
            ),
        )
        return [(r[0], r[1], int(r[2])) for r in rows]

    async def purge(self, closed_before: datetime, processed_before: datetime) -> dict[str, int]:
        """Delete chats idle since before a moment (with no open handover) and old ids."""
        cur = await self.db.execute(
            "DELETE FROM chats WHERE last_active_at < ? AND NOT EXISTS (SELECT 1 FROM handovers h"
            " WHERE h.chat_id = chats.id AND h.state IN ('queued', 'claimed'))",
            (stamp(closed_before),),
        )
        chats = cur.rowcount
        cur = await self.db.execute(
            "DELETE FROM processed WHERE at < ?", (stamp(processed_before),)
        )
        processed = cur.rowcount
        cur = await self.db.execute("DELETE FROM sent WHERE at < ?", (stamp(closed_before),))
        return {"chats": chats, "processed": processed, "sent": cur.rowcount}
