"""Cutting entries into the short texts that get embedded: titles, questions, answer chunks."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

from bot.entry import Entry
from bot.languages import best_language

Kind = Literal["title", "question", "keywords", "answer"]
KINDS: tuple[Kind, ...] = ("title", "question", "keywords", "answer")
# Words per answer chunk: e5-small reads 512 tokens, but one chunk per idea
# keeps a question's match from being averaged away by the rest of a long page.
CHUNK_WORDS = 60
_SENTENCE = re.compile(r"(?<=[.!?؟።])\s+|\n+")
_MARKUP = re.compile(r"\*\*|\[([^\]]*)\]\([^)]*\)|^\s*-\s+", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Passage:
    """One embeddable text of an entry; titles, questions and keywords read like queries."""

    row: int  # index of the entry in the base
    kind: Kind
    text: str

    @property
    def role(self) -> Literal["query", "passage"]:
        """How e5 should read it: short texts as queries (symmetric), answers as passages."""
        return "passage" if self.kind == "answer" else "query"


def plain(text: str) -> str:
    """Drop the Markdown subset's markup (bold, link targets, list dashes)."""
    return _MARKUP.sub(lambda m: m.group(1) or "", text)


def chunks(text: str, size: int = CHUNK_WORDS) -> list[str]:
    """Split text into chunks of about ``size`` words along sentence ends."""
    out: list[str] = []
    current: list[str] = []
    for sentence in _SENTENCE.split(plain(text)):
        words = sentence.split()
        while words:
            room = size - len(current)
            if current and len(words) > room and len(current) >= size // 2:
                out.append(" ".join(current))
                current = []
                continue
            take = words[: max(room, 1)] if len(words) > size else words
            current.extend(take)
            words = words[len(take) :]
            if len(current) >= size:
                out.append(" ".join(current))
                current = []
    if current:
        # A short tail is joined to the chunk before it rather than standing alone.
        if out and len(current) < size // 3:
            out[-1] = f"{out[-1]} {' '.join(current)}"
        else:
            out.append(" ".join(current))
    return out


def entry_passages(row: int, entry: Entry) -> Iterator[Passage]:
    """Yield every passage of one entry."""
    for title in entry.title.values():
        yield Passage(row, "title", title)
    for qs in entry.questions.values():
        for q in qs:
            yield Passage(row, "question", q)
    for words in entry.keywords.values():
        if words:
            yield Passage(row, "keywords", ", ".join(words))
    for lang, answer in entry.answer.items():
        # The title gives each chunk of a long page its topic.
        title = entry.title[best_language(entry.title, lang)]
        for chunk in chunks(answer):
            yield Passage(row, "answer", f"{title}: {chunk}")


def base_passages(entries: Sequence[Entry]) -> list[Passage]:
    """Return all passages of a base, grouped by entry in base order."""
    return [p for row, entry in enumerate(entries) for p in entry_passages(row, entry)]
