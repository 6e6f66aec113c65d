"""A handover seen from both sides: the newcomer's chat and its card on the staff desk."""

from __future__ import annotations

from bot import hours
from bot.languages import NATIVE_NAMES
from bot.markdown import escape
from bot.messages import Attachment, Choice, Outgoing
from bot.store.records import ChatRecord, HandoverRecord
from bot.turn import Turn

HANDOVER_FEEDBACK = "_handover"


def staff_label(turn: Turn, name: str, language: str) -> str:
    """How a staff member is named to a newcomer: first name, or the team's role."""
    first = name.split()[0] if name.strip() else ""
    if turn.settings.staff_label == "role" or not first:
        return turn.t("staff_role", language)
    return first


def _back_at(turn: Turn, language: str) -> str | None:
    expr = turn.settings.desk_hours
    if not expr:
        return None
    state = hours.state(expr, turn.now)
    if state.is_open or state.next_change is None:
        return None
    change = state.next_change
    day = turn.t(f"weekday_{change.weekday()}", language)
    return turn.t("handover_outside_hours", language, day=day, time=change.strftime("%H:%M"))


async def _card(turn: Turn, chat: ChatRecord, h: HandoverRecord) -> Outgoing:
    desk_lang = turn.settings.desk_language
    k = turn.knowledge
    lang = chat.language or "?"
    language = f"{NATIVE_NAMES.get(lang, lang)} ({lang})"
    region = k.region_name(chat.region, desk_lang) if chat.region else "–"
    lines = [
        turn.t(
            "desk_card",
            desk_lang,
            number=h.id,
            lang=escape(language),
            region=escape(region),
            reason=escape(h.reason),
        ),
    ]
    history = await turn.tx.chats.recent(chat.id, turn.settings.card_history)
    if history:
        lines.append(turn.t("desk_card_history", desk_lang))
        marks = {"in": "👤", "bot": "🤖", "staff": "🧑‍💼", "note": "📝"}
        lines += [f"- {marks.get(m.direction, '•')} {escape(m.text[:300])}" for m in history]
    lines.append(turn.t("desk_claim_hint", desk_lang, number=h.id))
    claim = Choice(turn.t("desk_claim_button", desk_lang, number=h.id), f"claim:{h.id}", "action")
    assert turn.settings.desk is not None
    return Outgoing(
        turn.settings.desk, "\n\n".join(lines), desk_lang, (claim,), new_thread=f"#{h.id} · {lang}"
    )


async def to_desk(
    turn: Turn,
    h: HandoverRecord,
    text: str,
    *,
    attachments: tuple[Attachment, ...] = (),
    choices: tuple[Choice, ...] = (),
) -> None:
    """Post on the desk inside a handover's thread (the courier finds the thread)."""
    out = Outgoing(h.desk, text, turn.settings.desk_language, choices, attachments)
    await turn.send(out, h.chat_id, h.id)


async def to_user(
    turn: Turn,
    chat: ChatRecord,
    text: str,
    *,
    choices: tuple[Choice, ...] = (),
    attachments: tuple[Attachment, ...] = (),
) -> None:
    """Send to the newcomer in their language."""
    out = Outgoing(
        chat.ref, text, chat.language or turn.settings.default_language, choices, attachments
    )
    await turn.send(out, chat.id)


async def open_handover(turn: Turn, chat: ChatRecord, reason: str, lead: str | None = None) -> None:
    """Queue the chat for staff, post its card on the desk and tell the newcomer."""
    lang = chat.language or turn.settings.default_language
    if turn.settings.desk is None:
        await to_user(
            turn, chat, "\n\n".join(filter(None, [lead, turn.t("handover_unavailable", lang)]))
        )
        return
    existing = await turn.tx.handovers.current(chat.id)
    if existing is not None:
        if existing.state == "queued":
            position = await turn.tx.handovers.position(existing)
            await to_user(turn, chat, turn.t("handover_waiting", lang, position=position))
        return
    h = await turn.tx.handovers.open(chat.id, reason, turn.settings.desk, turn.now)
    chat.state = "handover"
    await turn.send(await _card(turn, chat, h), chat.id, h.id)
    turn.count("handover_opened")
    position = await turn.tx.handovers.position(h)
    parts = [lead, turn.t("handover_queued", lang, position=position), _back_at(turn, lang)]
    await to_user(turn, chat, "\n\n".join(p for p in parts if p))


async def relay_to_desk(
    turn: Turn,
    chat: ChatRecord,
    h: HandoverRecord,
    text: str,
    attachments: tuple[Attachment, ...],
    name: str,
) -> None:
    """Pass a newcomer's message (and photos of letters) to the desk."""
    who = f"{escape(name.strip())} (#{h.id})" if name.strip() else f"#{h.id}"
    body = f"**{who}:** {escape(text)}" if text else f"**{who}**"
    await to_desk(turn, h, body, attachments=attachments)


async def claim(turn: Turn, h: HandoverRecord, staff: str, name: str) -> bool:
    """Give a handover to a staff member; False (and a desk note) if someone else has it."""
    desk_lang = turn.settings.desk_language
    if h.state == "claimed" and h.staff != staff:
        await to_desk(
            turn,
            h,
            turn.t(
                "desk_claimed_by_other", desk_lang, number=h.id, name=escape(h.staff_name or "?")
            ),
        )
        return False
    if h.state == "claimed":
        return True
    h.state, h.staff, h.staff_name, h.claimed_at = "claimed", staff, name, turn.now
    await turn.tx.handovers.save(h)
    waited = int((turn.now - h.opened_at).total_seconds())
    turn.count("handover_claimed")
    turn.count("handover_wait_seconds", by=waited)
    await to_desk(turn, h, turn.t("desk_claimed", desk_lang, number=h.id, name=escape(name)))
    chat = await turn.tx.chats.by_id(h.chat_id)
    if chat is not None:
        lang = chat.language or turn.settings.default_language
        label = escape(staff_label(turn, name, lang))
        await to_user(turn, chat, turn.t("handover_claimed", lang, name=label))
    return True


async def release(turn: Turn, h: HandoverRecord) -> None:
    """Put a claimed handover back in the queue."""
    h.state, h.staff, h.staff_name, h.claimed_at, h.reminded_at = "queued", None, None, None, None
    await turn.tx.handovers.save(h)
    await to_desk(turn, h, turn.t("desk_released", turn.settings.desk_language, number=h.id))
    chat = await turn.tx.chats.by_id(h.chat_id)
    if chat is not None:
        await to_user(turn, chat, turn.t("handover_released", chat.language or "de"))


async def close(turn: Turn, h: HandoverRecord) -> None:
    """End a handover: the bot answers again and asks whether the team helped."""
    h.state, h.closed_at = "closed", turn.now
    await turn.tx.handovers.save(h)
    await to_desk(turn, h, turn.t("desk_closed", turn.settings.desk_language, number=h.id))
    chat = await turn.tx.chats.by_id(h.chat_id)
    if chat is None:
        return
    chat.state, chat.misses = "bot", 0
    chat.offer_seq += 1
    chat.offer = {"kind": "handover", "entry": HANDOVER_FEEDBACK, "ids": []}
    lang = chat.language or turn.settings.default_language
    choices = (
        Choice(turn.t("feedback_yes", lang), f"fb:{chat.offer_seq}:y", "feedback"),
        Choice(turn.t("feedback_no", lang), f"fb:{chat.offer_seq}:n", "feedback"),
    )
    await to_user(turn, chat, turn.t("handover_closed", lang), choices=choices)
    await turn.tx.chats.save(chat)


async def remind(turn: Turn, h: HandoverRecord) -> None:
    """Tell the desk that a handover is still waiting."""
    minutes = int((turn.now - h.opened_at).total_seconds() // 60)
    h.reminded_at = turn.now
    await turn.tx.handovers.save(h)
    await to_desk(
        turn, h, turn.t("desk_reminder", turn.settings.desk_language, number=h.id, minutes=minutes)
    )
