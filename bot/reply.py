"""Turning a matcher decision into what the user reads, in their language."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.contact import contact_block
from bot.knowledge import Knowledge
from bot.languages import best_language
from bot.markdown import escape


@dataclass(frozen=True, slots=True)
class Reply:
    """A reply in the Markdown subset, and entries the user may pick next."""

    text: str
    language: str
    # (entry id, title in the user's language): follow-ups or clarify choices.
    options: tuple[tuple[str, str], ...] = ()


def title(knowledge: Knowledge, entry_id: str, language: str) -> str:
    """Return an entry's title in ``language`` or its best fallback."""
    entry = knowledge.by_id[entry_id]
    return entry.title[best_language(entry.title, language)]


def answer(
    knowledge: Knowledge, entry_id: str, language: str, now: datetime, region: str | None = None
) -> Reply:
    """The answer of one entry, with its contact block and related entries of the user's region."""
    entry = knowledge.by_id[entry_id]
    texts = knowledge.texts
    shown = best_language(entry.answer, language)
    parts = []
    if shown != language:
        # Say it in the user's own language, so they know why it looks foreign.
        parts.append(texts.get(f"fallback_note_{shown}", language))
    parts.append(f"**{escape(entry.title[best_language(entry.title, shown)])}**")
    parts.append(entry.answer[shown])
    if entry.contact:
        block = contact_block(entry.contact, texts, language, now)
        if block:
            parts.append(block)
    related = tuple(
        (rid, title(knowledge, rid, language))
        for rid in entry.related
        if rid in knowledge.by_id and knowledge.by_id[rid].region in (None, region or entry.region)
    )
    if related:
        parts.append(texts.get("see_also", language))
    return Reply("\n\n".join(parts), language, related)


def clarify(knowledge: Knowledge, candidates: tuple[str, ...], language: str) -> Reply:
    """Ask which of two or three close entries the user means."""
    options = tuple((cid, title(knowledge, cid, language)) for cid in candidates)
    return Reply(knowledge.texts.get("did_you_mean", language), language, options)


def not_understood(knowledge: Knowledge, language: str) -> Reply:
    """Say what Lotse can help with and that a person is available."""
    return Reply(knowledge.texts.get("not_understood", language), language)


def smalltalk(knowledge: Knowledge, intent: str, language: str) -> Reply:
    """Answer a greeting, thanks or goodbye briefly."""
    key = (
        f"smalltalk_{intent}"
        if knowledge.texts.has(f"smalltalk_{intent}")
        else "smalltalk_greeting"
    )
    return Reply(knowledge.texts.get(key, language), language)
