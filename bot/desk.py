"""The staff desk's side: claim, reply, note, release, close, and the queue."""

from __future__ import annotations

import logging
import re

from bot import handover
from bot.markdown import escape
from bot.messages import Incoming, Outgoing
from bot.settings import Settings
from bot.store.records import HandoverRecord
from bot.turn import Turn

log = logging.getLogger(__name__)
_NUMBER = re.compile(r"^#?(\d+)\b\s*(.*)$", re.S)


def is_staff(settings: Settings, msg: Incoming) -> bool:
    """Staff are named by network id in the configuration, or vouched for as desk members."""
    return msg.sender.key() in settings.staff or (settings.staff_by_membership and msg.desk_member)


async def _say(turn: Turn, msg: Incoming, text: str) -> None:
    assert turn.settings.desk is not None
    out = Outgoing(turn.settings.desk, text, turn.settings.desk_language, thread=msg.thread)
    await turn.send(out)


async def _context(turn: Turn, msg: Incoming) -> HandoverRecord | None:
    """The handover a desk message is about, from its thread or the message it replies to."""
    desk = turn.settings.desk
    assert desk is not None
    h = None
    # A desk that got a new id (a Telegram group migrated) has its newer threads and
    # messages recorded under the id the message came from, older ones under the first.
    for where in dict.fromkeys((msg.sender.chat_ref, desk)):
        if h is None and msg.thread:
            h = await turn.tx.handovers.by_thread(where, msg.thread)
        if h is None and msg.reply_to:
            number = await turn.tx.outbox.handover_of(where, msg.reply_to)
            h = await turn.tx.handovers.get(number) if number is not None else None
    return h


async def _relay(turn: Turn, msg: Incoming, h: HandoverRecord) -> None:
    name = msg.sender.name or msg.sender.user
    mine = h.state == "claimed" and h.staff == msg.sender.key()
    if not mine and not await handover.claim(turn, h, msg.sender.key(), name):
        return
    chat = await turn.tx.chats.by_id(h.chat_id)
    if chat is None:
        return
    lang = chat.language or turn.settings.default_language
    label = escape(handover.staff_label(turn, name, lang))
    text = f"**{label}:** {escape(msg.text.strip())}" if msg.text.strip() else f"**{label}:**"
    await handover.to_user(turn, chat, text, attachments=msg.attachments)
    await turn.tx.chats.add_message(
        chat.id,
        "staff",
        msg.text,
        turn.now,
        handover_id=h.id,
        author=label,
        attachments=msg.attachments,
    )


async def _queue(turn: Turn, msg: Incoming) -> None:
    lang = turn.settings.desk_language
    lines = []
    for h in await turn.tx.handovers.open_ones():
        chat = await turn.tx.chats.by_id(h.chat_id)
        state = (
            turn.t("state_queued", lang)
            if h.state == "queued"
            else turn.t("state_claimed", lang, name=escape(h.staff_name or "?"))
        )
        since = h.opened_at.astimezone(turn.now.tzinfo).strftime("%d.%m. %H:%M")
        language = chat.language if chat and chat.language else "?"
        lines.append(
            turn.t("desk_queue_line", lang, number=h.id, lang=language, state=state, since=since)
        )
    await _say(
        turn, msg, "\n".join(f"- {line}" for line in lines) or turn.t("desk_queue_empty", lang)
    )


async def handle(turn: Turn, msg: Incoming) -> None:
    """Handle one message in the staff desk inside the turn's transaction."""
    if not is_staff(turn.settings, msg):
        # Other members of the group (or anonymous admins) are never relayed.
        log.info("ignored a desk message from someone who is not staff (%s)", msg.sender.network)
        return
    lang = turn.settings.desk_language
    text = msg.text.strip()
    name = msg.sender.name or msg.sender.user
    if msg.choice is not None:
        kind, _, number = msg.choice.partition(":")
        h = (
            await turn.tx.handovers.get(int(number))
            if kind == "claim" and number.isdigit()
            else None
        )
        if h is None or h.state == "closed":
            await _say(turn, msg, turn.t("desk_unknown_conversation", lang, number=escape(number)))
        else:
            await handover.claim(turn, h, msg.sender.key(), name)
        return
    command = turn.brain.commands.parse(text, desk=True) if text else None
    if command is None and turn.brain.commands.is_command(text):
        await _say(turn, msg, turn.t("desk_help", lang))
        return
    context = await _context(turn, msg)
    if command is None:
        if context is not None and context.state != "closed":
            await _relay(turn, msg, context)
        return
    if command.name in ("queue", "help"):
        if command.name == "queue":
            await _queue(turn, msg)
        else:
            await _say(turn, msg, turn.t("desk_help", lang))
        return
    args = command.args
    explicit = _NUMBER.match(args)
    target = context
    if explicit:
        numbered = await turn.tx.handovers.get(int(explicit.group(1)))
        if numbered is not None and numbered.state != "closed":
            target, args = numbered, explicit.group(2)
        elif context is None:
            await _say(
                turn, msg, turn.t("desk_unknown_conversation", lang, number=explicit.group(1))
            )
            return
    if target is None or target.state == "closed":
        await _say(turn, msg, turn.t("desk_no_conversation", lang))
        return
    if command.name == "claim":
        await handover.claim(turn, target, msg.sender.key(), name)
    elif command.name == "release":
        await handover.release(turn, target)
    elif command.name == "close":
        await handover.close(turn, target)
    elif command.name == "note":
        await turn.tx.chats.add_message(
            target.chat_id, "note", args, turn.now, handover_id=target.id, author=name
        )
        await handover.to_desk(turn, target, turn.t("desk_note_saved", lang, number=target.id))
