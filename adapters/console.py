"""The terminal as a network: prints replies as plain text with numbered choices."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from typing import TextIO

from bot.markdown import to_plain
from bot.messages import Attachment, Choice, Deletion, Incoming, Outgoing, Sender, Sent
from bot.transport import Fetch, Inbox, Rejected

NETWORK = "terminal"


class ConsoleTransport:
    """One local user talking to the bot through stdin and stdout."""

    network = NETWORK

    def __init__(self, out: TextIO, user: str = "local", language: str | None = None) -> None:
        self.out = out
        self.user = user
        self.language = language
        self.choices: list[Choice] = []
        self.quiet = False
        self._ids = itertools.count(1)

    async def start(self, inbox: Inbox, fetch: Fetch) -> None:
        """Remember where to hand typed lines."""
        self.inbox = inbox

    async def stop(self) -> None:
        """Nothing to release."""

    async def send(self, out: Outgoing) -> Sent:
        """Print a reply; its choices are numbered from 1 and replace the previous ones."""
        if out.choices:
            self.choices = list(out.choices)
        if not self.quiet:
            lines = [to_plain(out.text)]
            lines += [f"  {n}) {c.label}" for n, c in enumerate(out.choices, start=1)]
            print("\n".join(lines), file=self.out, flush=True)
        return Sent(str(next(self._ids)))

    async def delete(self, deletion: Deletion) -> bool:
        """A terminal cannot take back what it printed."""
        return False

    async def fetch(self, attachment: Attachment) -> bytes:
        """The terminal never hands in files."""
        raise Rejected("the terminal has no files")

    def incoming(self, line: str) -> Incoming:
        """Turn a typed line into a message; a number picks one of the last choices."""
        stripped = line.strip()
        sender = Sender(NETWORK, self.user, self.user, "", self.language)
        msg_id = f"{datetime.now(UTC).timestamp()}-{next(self._ids)}"
        if stripped.isdigit() and 1 <= int(stripped) <= len(self.choices):
            return Incoming(msg_id, sender, choice=self.choices[int(stripped) - 1].payload)
        return Incoming(msg_id, sender, text=line)

    async def submit(self, line: str) -> None:
        """Hand a typed line to the engine."""
        await self.inbox(self.incoming(line))

    async def choose(self, payload: str) -> None:
        """Press a button (for presets like the region); set ``quiet`` to hide the reply."""
        sender = Sender(NETWORK, self.user, self.user, "", self.language)
        await self.inbox(Incoming(f"preset-{next(self._ids)}", sender, choice=payload))


def create(out: TextIO, user: str = "local", language: str | None = None) -> ConsoleTransport:
    """Build the terminal adapter."""
    return ConsoleTransport(out, user, language)
