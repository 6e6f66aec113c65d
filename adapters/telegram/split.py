"""Splitting a rendered reply into Telegram messages, counted in UTF-16 units as Telegram does."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, replace

# Characters that belong to the character before them: never start a message with one.
_JOINERS = frozenset({"\u200d", "\u200c", "\ufe0e", "\ufe0f"})


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units (characters outside the BMP count twice)."""
    return len(text) + sum(1 for c in text if ord(c) > 0xFFFF)


@dataclass(frozen=True, slots=True)
class Piece:
    """A run of visible text, maybe bold, maybe a link; rendered as one HTML element."""

    text: str
    bold: bool = False
    url: str | None = None


Line = tuple[Piece, ...]


@dataclass(frozen=True, slots=True)
class Row:
    """One line of a reply and what separates it from the line before ("\\n" or "\\n\\n")."""

    pieces: Line
    gap: str = "\n"

    @property
    def size(self) -> int:
        """Visible length of the line in UTF-16 units."""
        return sum(utf16_len(p.text) for p in self.pieces)


def _clings(char: str) -> bool:
    return char in _JOINERS or unicodedata.combining(char) != 0


def _prefix_within(text: str, room: int) -> int:
    """The number of code points of ``text`` that fit in ``room`` UTF-16 units."""
    used = 0
    for index, char in enumerate(text):
        used += 2 if ord(char) > 0xFFFF else 1
        if used > room:
            return index
    return len(text)


def _cut(text: str, room: int, line_start: bool) -> tuple[str, str]:
    """Split ``text`` so the head fits in ``room``: after a space, else between characters."""
    end = _prefix_within(text, room)
    space = max(text.rfind(" ", 0, end + 1), text.rfind("\n", 0, end + 1))
    if space > 0:
        return text[:space], text[space + 1 :]
    if not line_start:
        return "", text
    # One word longer than a message: cut between code points (so never inside a surrogate
    # pair), and not before a combining mark or joiner that belongs to the previous character.
    while 1 < end < len(text) and _clings(text[end]):
        end -= 1
    end = max(end, 1)
    return text[:end], text[end:]


def wrap(line: Line, limit: int) -> list[Line]:
    """Break one line that is longer than ``limit`` into lines that each fit."""
    out: list[Line] = []
    current: list[Piece] = []
    used = 0
    for piece in line:
        text = piece.text
        while text:
            size = utf16_len(text)
            if used + size <= limit:
                current.append(replace(piece, text=text))
                used += size
                break
            head, text = _cut(text, limit - used, line_start=used == 0)
            if head:
                current.append(replace(piece, text=head))
            out.append(tuple(current))
            current, used = [], 0
            text = text.lstrip(" ")
    if current:
        out.append(tuple(current))
    return [line for line in out if line]


def pack(rows: list[Row], limit: int) -> list[list[Row]]:
    """Group rows into messages of at most ``limit`` visible units, breaking only between rows.

    Rows must each fit (see :func:`wrap`); a message never starts with a gap.
    """
    messages: list[list[Row]] = []
    current: list[Row] = []
    used = 0
    for row in rows:
        extra = row.size + (len(row.gap) if current else 0)
        if current and used + extra > limit:
            messages.append(current)
            current, used = [], 0
            extra = row.size
        current.append(row)
        used += extra
    if current:
        messages.append(current)
    return messages
