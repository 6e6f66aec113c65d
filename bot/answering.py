"""Answering a newcomer's question from a matcher decision, with buttons to go on."""

from __future__ import annotations

from rapidfuzz import fuzz

from bot import handover, reply
from bot.matching.decision import Decision
from bot.messages import Choice
from bot.privacy import mask
from bot.store.records import ChatRecord
from bot.turn import Turn

# A free-text reply this similar to an offered title picks that option.
PICK_SIMILARITY = 85


def person_choice(turn: Turn, chat: ChatRecord, lang: str) -> tuple[Choice, ...]:
    """Offer a "talk to a person" button, when a staff desk is configured."""
    if turn.settings.desk is None:
        return ()
    return (Choice(turn.t("talk_to_person", lang), f"human:{chat.offer_seq}", "action"),)


async def answer_entry(
    turn: Turn, chat: ChatRecord, entry_id: str, note: str | None = None
) -> None:
    """Send one entry's answer, offer related entries, feedback and (maybe) a person."""
    lang = chat.language or turn.settings.default_language
    entry = turn.knowledge.by_id[entry_id]
    r = reply.answer(turn.knowledge, entry_id, lang, turn.now, chat.region)
    chat.offer_seq += 1
    chat.offer = {"kind": "answer", "entry": entry_id, "ids": [i for i, _ in r.options]}
    seq = chat.offer_seq
    choices = [Choice(title, f"o:{seq}:{n}", "option") for n, (_i, title) in enumerate(r.options)]
    choices += [
        Choice(turn.t("feedback_yes", lang), f"fb:{seq}:y", "feedback"),
        Choice(turn.t("feedback_no", lang), f"fb:{seq}:n", "feedback"),
    ]
    if entry.handover == "offer":
        choices += person_choice(turn, chat, lang)
    text = "\n\n".join(filter(None, [r.text, note]))
    await handover.to_user(turn, chat, text, choices=tuple(choices))
    title = reply.title(turn.knowledge, entry_id, turn.settings.desk_language)
    await turn.tx.chats.add_message(chat.id, "bot", title, turn.now, entry=entry_id)
    turn.count("answered", entry_id)
    if entry.handover == "always":
        reason = turn.t("reason_entry", turn.settings.desk_language, title=title)
        await handover.open_handover(turn, chat, reason)


async def _clarify(turn: Turn, chat: ChatRecord, candidates: tuple[str, ...]) -> None:
    lang = chat.language or turn.settings.default_language
    r = reply.clarify(turn.knowledge, candidates, lang)
    chat.offer_seq += 1
    chat.offer = {"kind": "clarify", "ids": list(candidates)}
    choices = tuple(
        Choice(title, f"o:{chat.offer_seq}:{n}", "option")
        for n, (_i, title) in enumerate(r.options)
    ) + person_choice(turn, chat, lang)
    await handover.to_user(turn, chat, r.text, choices=choices)
    titles = " / ".join(
        t
        for _i, t in reply.clarify(turn.knowledge, candidates, turn.settings.desk_language).options
    )
    await turn.tx.chats.add_message(chat.id, "bot", f"? {titles}", turn.now)


async def _not_understood(turn: Turn, chat: ChatRecord, text: str) -> None:
    lang = chat.language or turn.settings.default_language
    await turn.tx.stats.unanswered(chat.id, mask(text), lang, chat.region, turn.now)
    turn.count("unanswered", lang)
    chat.misses += 1
    if chat.misses >= 2:
        chat.misses = 0
        reason = turn.t("reason_misses", turn.settings.desk_language)
        await handover.open_handover(turn, chat, reason, lead=turn.t("handover_after_misses", lang))
        return
    chat.offer_seq += 1
    chat.offer = {"kind": "none", "ids": []}
    await handover.to_user(
        turn,
        chat,
        reply.not_understood(turn.knowledge, lang).text,
        choices=person_choice(turn, chat, lang),
    )
    await turn.tx.chats.add_message(chat.id, "bot", "–", turn.now)


def picked(turn: Turn, chat: ChatRecord, text: str) -> str | None:
    """Return the offered entry a reply means: its number ("2"), or its title in words."""
    ids = chat.offer.get("ids") or []
    if not ids:
        return None
    stripped = text.strip().rstrip(".)")
    if stripped.isdigit():
        n = int(stripped)
        return ids[n - 1] if 1 <= n <= len(ids) else None
    if chat.offer.get("kind") != "clarify":
        return None
    lang = chat.language or turn.settings.default_language
    best = max(ids, key=lambda i: fuzz.WRatio(text, reply.title(turn.knowledge, i, lang)))
    score = fuzz.WRatio(text, reply.title(turn.knowledge, best, lang))
    return best if score >= PICK_SIMILARITY else None


async def answer_question(turn: Turn, chat: ChatRecord, text: str, decision: Decision) -> None:
    """Act on the matcher's decision for a newcomer's question."""
    lang = chat.language or turn.settings.default_language
    if len(text) > turn.settings.max_match_chars:
        # Whatever follows, the user learns that only the beginning was read.
        await handover.to_user(turn, chat, turn.t("too_long", lang))
    turn.count("questions", lang)
    if decision.action == "answer" and decision.entry in turn.knowledge.by_id:
        chat.misses = 0
        await answer_entry(turn, chat, decision.entry)
    elif decision.action == "clarify" and decision.candidates:
        chat.misses = 0
        known = tuple(c for c in decision.candidates if c in turn.knowledge.by_id)[:3]
        await _clarify(turn, chat, known)
    elif decision.action == "smalltalk":
        await handover.to_user(
            turn, chat, reply.smalltalk(turn.knowledge, decision.intent, lang).text
        )
    elif decision.action == "handover":
        await handover.open_handover(
            turn, chat, turn.t("reason_asked", turn.settings.desk_language)
        )
    else:
        await _not_understood(turn, chat, text)
