"""Numbered schema migrations; the database records how far it has been migrated."""

from __future__ import annotations

from bot.store.inline import Connection

# Append only: a migration that shipped is never edited, a change is a new one.
MIGRATIONS: tuple[str, ...] = (
    # 1: the first schema
    """
    CREATE TABLE chats (
        id INTEGER PRIMARY KEY,
        network TEXT NOT NULL,
        chat TEXT NOT NULL,
        user TEXT NOT NULL,
        language TEXT,
        language_chosen INTEGER NOT NULL DEFAULT 0,
        region TEXT,
        region_asked INTEGER NOT NULL DEFAULT 0,
        state TEXT NOT NULL DEFAULT 'bot',
        active INTEGER NOT NULL DEFAULT 1,
        misses INTEGER NOT NULL DEFAULT 0,
        offer_seq INTEGER NOT NULL DEFAULT 0,
        offer TEXT NOT NULL DEFAULT '{}',
        created_at TEXT NOT NULL,
        last_active_at TEXT NOT NULL,
        UNIQUE (network, chat)
    );
    CREATE TABLE handovers (
        id INTEGER PRIMARY KEY,
        chat_id INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
        reason TEXT NOT NULL,
        state TEXT NOT NULL,
        opened_at TEXT NOT NULL,
        claimed_at TEXT,
        closed_at TEXT,
        reminded_at TEXT,
        staff TEXT,
        staff_name TEXT,
        desk_network TEXT NOT NULL,
        desk_chat TEXT NOT NULL,
        desk_thread TEXT,
        desk_card TEXT
    );
    CREATE INDEX handovers_by_state ON handovers (state, id);
    CREATE INDEX handovers_by_chat ON handovers (chat_id);
    CREATE INDEX handovers_by_thread ON handovers (desk_network, desk_chat, desk_thread);
    CREATE TABLE messages (
        id INTEGER PRIMARY KEY,
        chat_id INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
        handover_id INTEGER REFERENCES handovers(id) ON DELETE SET NULL,
        direction TEXT NOT NULL,
        author TEXT,
        text TEXT NOT NULL,
        entry TEXT,
        attachments TEXT NOT NULL DEFAULT '[]',
        at TEXT NOT NULL
    );
    CREATE INDEX messages_by_chat ON messages (chat_id, id);
    CREATE TABLE processed (
        network TEXT NOT NULL,
        message_id TEXT NOT NULL,
        at TEXT NOT NULL,
        PRIMARY KEY (network, message_id)
    ) WITHOUT ROWID;
    CREATE INDEX processed_by_time ON processed (at);
    CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        lane TEXT NOT NULL,
        chat_id INTEGER REFERENCES chats(id) ON DELETE CASCADE,
        handover_id INTEGER,
        kind TEXT NOT NULL,
        action TEXT NOT NULL,
        created_at TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX outbox_by_lane ON outbox (lane, id);
    CREATE TABLE sent (
        network TEXT NOT NULL,
        chat TEXT NOT NULL,
        message_id TEXT NOT NULL,
        chat_id INTEGER REFERENCES chats(id) ON DELETE CASCADE,
        handover_id INTEGER,
        kind TEXT NOT NULL,
        at TEXT NOT NULL,
        PRIMARY KEY (network, chat, message_id)
    ) WITHOUT ROWID;
    CREATE INDEX sent_by_chat ON sent (chat_id);
    CREATE TABLE feedback (
        id INTEGER PRIMARY KEY,
        entry TEXT NOT NULL,
        helpful INTEGER NOT NULL,
        day TEXT NOT NULL
    );
    CREATE TABLE unanswered (
        id INTEGER PRIMARY KEY,
        chat_id INTEGER REFERENCES chats(id) ON DELETE CASCADE,
        text TEXT NOT NULL,
        language TEXT,
        region TEXT,
        at TEXT NOT NULL
    );
    CREATE TABLE stats (
        day TEXT NOT NULL,
        metric TEXT NOT NULL,
        key TEXT NOT NULL DEFAULT '',
        value INTEGER NOT NULL,
        PRIMARY KEY (day, metric, key)
    ) WITHOUT ROWID;
    CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    """,
    # 2: a newcomer's message remembers its network id, so taking it back
    # (a Matrix redaction) can delete the stored copy
    """
    ALTER TABLE messages ADD COLUMN source TEXT;
    CREATE INDEX messages_by_source ON messages (chat_id, source);
    """,
)


async def migrate(db: Connection) -> int:
    """Apply every migration the database lacks, each in its own transaction."""
    async with db.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    version = int(row[0]) if row else 0
    if version > len(MIGRATIONS):
        raise RuntimeError(
            f"the database is at schema {version}, newer than this Lotse ({len(MIGRATIONS)})"
        )
    for number in range(version + 1, len(MIGRATIONS) + 1):
        await db.execute("BEGIN IMMEDIATE")
        try:
            for statement in MIGRATIONS[number - 1].split(";"):
                if statement.strip():
                    await db.execute(statement)
            await db.execute(f"PRAGMA user_version = {number}")
            await db.commit()
        except BaseException:
            await db.rollback()
            raise
    return len(MIGRATIONS)
