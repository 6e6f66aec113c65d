"""A newcomer's side of the conversation: first contact, commands, buttons, questions."""

from __future__ import annotations

from bot import answering, handover
from bot.languages import LANGUAGES, NATIVE_NAMES
from bot.matching.decision import Decision
from bot.messages import Choice, Deletion, Incoming, Outgoing
from bot.store.records import ChatRecord
from bot.turn import Turn


def _language_choices() -> tuple[Choice, ...]:
    return tuple(Choice(NATIVE_NAMES[code], f"lang:{code}", "language") for code in LANGUAGES)


async def _ask_region(turn: Turn, chat: ChatRecord) -> None:
    lang = chat.language or turn.settings.default_language
    regions = turn.knowledge.regions
    chat.region_asked = True
    if not regions:
        return
    choices = tuple(
        Choice(turn.knowledge.region_name(rid, lang), f"region:{rid}", "region") for rid in regions
    )
    choices += (Choice(turn.t("region_unknown", lang), "region:-", "region"),)
    await handover.to_user(turn, chat, turn.t("choose_region", lang), choices=choices)


async def _welcome(turn: Turn, chat: ChatRecord) -> None:
    lang = chat.language or turn.settings.default_language
    days = turn.settings.retention.days
    text = f"{turn.t('welcome', lang, days=days)}\n\n{turn.t('choose_language', lang)}"
    await handover.to_user(turn, chat, text, choices=_language_choices())
    if not chat.region_asked:
        await _ask_region(turn, chat)


async def _delete_all(turn: Turn, chat: ChatRecord) -> None:
    lang = chat.language or turn.settings.default_language
    current = await turn.tx.handovers.current(chat.id)
    if current is not None:
        # Queued without the chat, which is erased below (with its queued messages).
        text = turn.t("desk_user_deleted", turn.settings.desk_language, number=current.id)
        await turn.send(Outgoing(current.desk, text, turn.settings.desk_language))
    # Delete what the bot said, on the user's side and on the desk, where the network allows.
    for ref, message_id, sent_at in await turn.tx.outbox.sent_for_chat(chat.id):
        await turn.send(Deletion(ref, message_id, None, sent_at))
    if current is not None and current.desk_thread:
        await turn.send(Deletion(current.desk, None, current.desk_thread))
    await turn.tx.chats.delete(chat.id)
    chat.state = "deleted"
    turn.count("deleted")
    # The confirmation is not linked to the chat, which no longer exists.
    await turn.send(Outgoing(chat.ref, turn.t("delete_done", lang), lang))


async def _shared_room(turn: Turn, chat: ChatRecord) -> None:
    """A third person joined a one-to-one chat: say why the bot stops, and tell staff."""
    lang = chat.language or turn.settings.default_language
    current = await turn.tx.handovers.current(chat.id)
    if current is not None:
        text = turn.t("desk_shared_room", turn.settings.desk_language, number=current.id)
        await handover.to_desk(turn, current, text)
    await handover.to_user(turn, chat, turn.t("shared_room", lang))


async def _choice(turn: Turn, chat: ChatRecord, payload: str) -> bool:
    """Handle a button; False when it is unknown or stale (state unchanged)."""
    lang = chat.language or turn.settings.default_language
    kind, _, rest = payload.partition(":")
    if kind == "lang" and rest in LANGUAGES:
        chat.language, chat.language_chosen = rest, True
        await handover.to_user(turn, chat, turn.t("language_set", rest))
        if not chat.region_asked:
            await _ask_region(turn, chat)
        return True
    if kind == "region" and (rest == "-" or rest in turn.knowledge.regions):
        chat.region = None if rest == "-" else rest
        chat.region_asked = True
        text = (
            turn.t("region_skipped", lang)
            if chat.region is None
            else turn.t("region_set", lang, region=turn.knowledge.region_name(rest, lang))
        )
        await handover.to_user(turn, chat, text)
        return True
    seq, _, arg = rest.partition(":")
    if not seq.isdigit() or int(seq) != chat.offer_seq:
        return False
    if kind == "o" and arg.isdigit() and int(arg) < len(chat.offer.get("ids", [])):
        await answering.answer_entry(turn, chat, chat.offer["ids"][int(arg)])
        return True
    if kind == "fb" and arg in ("y", "n") and chat.offer.get("entry"):
        await turn.tx.stats.feedback(chat.offer["entry"], arg == "y", turn.now.date())
        chat.offer = {**chat.offer, "entry": None}
        if arg == "y":
            await handover.to_user(turn, chat, turn.t("feedback_thanks", lang))
        else:
            person = answering.person_choice(turn, chat, lang)
            await handover.to_user(turn, chat, turn.t("feedback_sorry", lang), choices=person)
        return True
    if kind == "human" and not arg:
        entry = chat.offer.get("entry")
        title = (
            turn.knowledge.by_id[entry].title.get(turn.settings.desk_language)
            if entry in turn.knowledge.by_id
            else None
        )
        reason = (
            turn.t("reason_after_answer", turn.settings.desk_language, title=title)
            if title
            else turn.t("reason_asked", turn.settings.desk_language)
        )
        await handover.open_handover(turn, chat, reason)
        return True
    if kind == "del" and arg in ("yes", "no"):
        if arg == "yes":
            await _delete_all(turn, chat)
            return True
        chat.offer = {}
        await handover.to_user(turn, chat, turn.t("delete_cancelled", lang))
        return True
    return False


async def _command(turn: Turn, chat: ChatRecord, name: str, language: str | None) -> None:
    if language and not chat.language_chosen:
        chat.language = language
    lang = chat.language or turn.settings.default_language
    if name == "start":
        await _welcome(turn, chat)
    elif name == "language":
        await handover.to_user(
            turn, chat, turn.t("which_language", lang), choices=_language_choices()
        )
    elif name == "region":
        await _ask_region(turn, chat)
    elif name == "help":
        await handover.to_user(turn, chat, turn.t("help", lang))
    elif name == "human":
        await handover.open_handover(
            turn, chat, turn.t("reason_asked", turn.settings.desk_language)
        )
    elif name == "delete":
        chat.offer_seq += 1
        chat.offer = {"kind": "delete", "ids": []}
        choices = (
            Choice(turn.t("delete_yes", lang), f"del:{chat.offer_seq}:yes", "action"),
            Choice(turn.t("delete_no", lang), f"del:{chat.offer_seq}:no", "action"),
        )
        await handover.to_user(turn, chat, turn.t("delete_confirm", lang), choices=choices)


def initial_language(turn: Turn, msg: Incoming, decision: Decision | None) -> str:
    """Guess a first contact's language: the text's, else the app's, else the default."""
    if decision is not None and decision.language_certain and decision.language in LANGUAGES:
        return decision.language
    hint = (msg.sender.language or "").split("-")[0].lower()
    return hint if hint in LANGUAGES else turn.settings.default_language


async def handle(turn: Turn, msg: Incoming, decision: Decision | None) -> None:
    """Handle one message from a newcomer inside the turn's transaction."""
    tx = turn.tx
    chat = await tx.chats.get(msg.sender.chat_ref)
    if msg.event == "redacted":
        # The user took a message back: forget our copy, say nothing.
        if chat is not None and msg.reply_to:
            await tx.chats.forget_message(chat.id, msg.reply_to)
        return
    first = chat is None
    if chat is None:
        chat = await tx.chats.create(msg.sender.chat_ref, msg.sender.user, turn.now)
        chat.language = initial_language(turn, msg, decision)
    chat.active, chat.last_active_at = True, turn.now
    if (
        decision is not None
        and decision.language_certain
        and not chat.language_chosen
        and decision.language in LANGUAGES
    ):
        chat.language = decision.language
    lang = chat.language or turn.settings.default_language
    text = msg.text.strip()
    if msg.event == "shared_room":
        await _shared_room(turn, chat)
        await tx.chats.save(chat)
        return
    command = turn.brain.commands.parse(text) if text else None
    if msg.choice is not None:
        if not await _choice(turn, chat, msg.choice):
            await handover.to_user(turn, chat, turn.t("button_expired", lang))
        if chat.state != "deleted":
            await tx.chats.save(chat)
        return
    if first and command is None:
        await _welcome(turn, chat)
    current = await tx.handovers.current(chat.id) if chat.state == "handover" else None
    if command is not None:
        await _command(turn, chat, command.name, command.language)
    elif turn.brain.commands.is_command(text):
        await handover.to_user(
            turn, chat, f"{turn.t('unknown_command', lang)}\n\n{turn.t('help', lang)}"
        )
    elif current is not None:
        await tx.chats.add_message(
            chat.id,
            "in",
            msg.text,
            turn.now,
            handover_id=current.id,
            attachments=msg.attachments,
            source=msg.id,
        )
        await handover.relay_to_desk(
            turn, chat, current, msg.text, msg.attachments, msg.sender.name
        )
    elif msg.attachments and not text:
        only_location = all(a.kind == "location" for a in msg.attachments)
        key = "location_received" if only_location else "attachment_outside_handover"
        await handover.to_user(turn, chat, turn.t(key, lang))
    elif not text:
        await handover.to_user(turn, chat, turn.t("empty_message", lang))
    else:
        await tx.chats.add_message(chat.id, "in", msg.text, turn.now, source=msg.id)
        pick = answering.picked(turn, chat, text)
        if pick is not None:
            await answering.answer_entry(turn, chat, pick)
        elif decision is not None and not (first and decision.action == "smalltalk"):
            await answering.answer_question(turn, chat, text, decision)
    if chat.state != "deleted":
        await tx.chats.save(chat)
