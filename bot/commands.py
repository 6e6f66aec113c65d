"""Recognising slash commands in any of the bot's languages."""

from __future__ import annotations

from dataclasses import dataclass

from bot.matching.normalize import fold

NEWCOMER = ("start", "language", "region", "help", "human", "delete")
DESK = ("claim", "close", "release", "note", "queue", "help")


@dataclass(frozen=True, slots=True)
class Command:
    """A recognised command: its canonical name, the rest of the line, and its language."""

    name: str
    args: str
    language: str | None


class CommandBook:
    """Maps folded command words to canonical names, for newcomers and for the desk."""

    def __init__(self, words: dict[str, dict[str, tuple[str, ...]]]) -> None:
        self.newcomer: dict[str, tuple[str, str | None]] = {n: (n, None) for n in NEWCOMER}
        self.desk: dict[str, tuple[str, str | None]] = {n: (n, None) for n in DESK}
        for name, by_lang in words.items():
            target, canonical = (
                (self.desk, name.removeprefix("desk_"))
                if name.startswith("desk_")
                else (self.newcomer, name)
            )
            for lang, phrases in by_lang.items():
                for phrase in phrases:
                    # English words do not say which language the user prefers.
                    target.setdefault(fold(phrase), (canonical, None if lang == "en" else lang))

    def parse(self, text: str, desk: bool = False) -> Command | None:
        """Return the command in ``text`` (``/word args``), or None if it is not one."""
        stripped = text.strip()
        if not stripped.startswith("/") or len(stripped) < 2:
            return None
        words = stripped[1:].split()
        # Telegram appends the bot's name in groups: /claim@lotse_bot 12
        words[0] = words[0].split("@", 1)[0]
        table = self.desk if desk else self.newcomer
        # Several-word commands ("dest pê bike") are tried before one word.
        for width in (3, 2, 1):
            if len(words) >= width:
                found = table.get(fold(" ".join(words[:width])))
                if found:
                    return Command(found[0], " ".join(words[width:]), found[1])
        return None

    def is_command(self, text: str) -> bool:
        """Tell whether text looks like a command at all (starts with a slash and a word)."""
        stripped = text.strip()
        return stripped.startswith("/") and len(stripped) > 1 and not stripped[1].isspace()
