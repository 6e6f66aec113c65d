"""Persistence: one SQLite file, numbered migrations, one write transaction per message."""
