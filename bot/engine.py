"""The conversation engine: every incoming message in, outbox entries out, one transaction each."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from bot import desk, handover, newcomer
from bot.brain import Brain
from bot.keyedlock import KeyedLock
from bot.markdown import escape
from bot.matching.decision import Decision
from bot.messages import ChatRef, Choice, Incoming, Outgoing
from bot.settings import Settings
from bot.store.sqlite import Database
from bot.turn import Turn

log = logging.getLogger(__name__)
# Incoming ids are kept this long to answer redeliveries once.
PROCESSED_KEEP = timedelta(days=7)


def utcnow() -> datetime:
    """The real clock; tests pass their own."""
    return datetime.now(UTC)


class Engine:
    """Handles messages from every network; knows no network itself."""

    def __init__(
        self,
        db: Database,
        brain: Callable[[], Brain],
        settings: Settings,
        clock: Callable[[], datetime] = utcnow,
        on_queued: Callable[[dict[str, int] | None], None] = lambda lanes: None,
    ) -> None:
        self.db = db
        self.brain = brain
        self.settings = settings
        self.clock = clock
        self.on_queued = on_queued
        self._locks = KeyedLock()
        # Matching is CPU work: one worker thread keeps it off the event loop
        # without letting several queries fight over the cores.
        self._matching = ThreadPoolExecutor(max_workers=1, thread_name_prefix="lotse-match")

    def close(self) -> None:
        """Stop the matching thread."""
        self._matching.shutdown(wait=True)

    async def handle(self, msg: Incoming) -> None:
        """Handle one incoming message; never raises (one error boundary per message)."""
        key = (
            f"desk:{msg.sender.network}:{msg.sender.chat}"
            if msg.desk
            else msg.sender.chat_ref.key()
        )
        async with self._locks(key):
            try:
                lanes = await self._handle(msg)
            except Exception:
                # No message text here: it may hold personal data.
                log.exception("could not handle a message from %s", msg.sender.network)
                lanes = await self._apologise(msg)
        if lanes:
            self.on_queued(lanes)

    async def _decision(self, msg: Incoming, brain: Brain) -> Decision | None:
        text = msg.text.strip()
        if msg.desk or msg.choice is not None or not text or brain.commands.is_command(text):
            return None
        async with self.db.read() as tx:
            chat = await tx.chats.get(msg.sender.chat_ref)
        if chat is not None and chat.state == "handover":
            return None
        if chat is not None and text.rstrip(".)").isdigit() and chat.offer.get("ids"):
            return None
        chosen = chat.language if chat is not None and chat.language_chosen else None
        region = chat.region if chat is not None else None
        cut = text[: self.settings.max_match_chars]
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._matching, brain.matcher.decide, cut, region, chosen)

    async def _handle(self, msg: Incoming) -> dict[str, int]:
        brain = self.brain()
        decision = await self._decision(msg, brain)
        async with self.db.transaction() as tx:
            now = self.clock()
            # The id is stored in the same transaction as the effects: a
            # redelivered message finds it and is answered once.
            if not await tx.outbox.first_time(msg.sender.network, msg.id, now):
                log.debug("redelivered message %s ignored", msg.id)
                return {}
            turn = Turn(tx, now, brain, self.settings)
            if msg.desk:
                if self.settings.desk is not None:
                    await desk.handle(turn, msg)
            else:
                await newcomer.handle(turn, msg, decision)
            return await turn.flush()

    async def _apologise(self, msg: Incoming) -> dict[str, int]:
        try:
            async with self.db.transaction() as tx:
                now = self.clock()
                await tx.outbox.first_time(msg.sender.network, msg.id, now)
                turn = Turn(tx, now, self.brain(), self.settings)
                if msg.desk:
                    if self.settings.desk is not None:
                        text = turn.t("desk_error", self.settings.desk_language)
                        desk_lang = self.settings.desk_language
                        await turn.send(
                            Outgoing(self.settings.desk, text, desk_lang, thread=msg.thread)
                        )
                else:
                    await self._apology_to_user(turn, msg)
                return await turn.flush()
        except Exception:
            log.exception("could not even apologise to a user on %s", msg.sender.network)
            return {}

    async def _apology_to_user(self, turn: Turn, msg: Incoming) -> None:
        chat = await turn.tx.chats.get(msg.sender.chat_ref)
        lang = (chat.language if chat else None) or newcomer.initial_language(turn, msg, None)
        choices: tuple[Choice, ...] = ()
        if chat is not None and self.settings.desk is not None:
            chat.offer_seq += 1
            chat.offer = {"kind": "error", "ids": []}
            await turn.tx.chats.save(chat)
            person = Choice(turn.t("talk_to_person", lang), f"human:{chat.offer_seq}", "action")
            choices = (person,)
        apology = Outgoing(msg.sender.chat_ref, turn.t("error_apology", lang), lang, choices)
        await turn.send(apology, chat.id if chat else None)

    async def tick(self) -> None:
        """Periodic work: reminders for waiting handovers, and deleting expired data."""
        now = self.clock()
        if self.settings.desk is not None:
            async with self.db.transaction() as tx:
                turn = Turn(tx, now, self.brain(), self.settings)
                for h in await tx.handovers.due_reminders(now - self.settings.remind_after):
                    await handover.remind(turn, h)
                lanes = await turn.flush()
            self.on_queued(lanes)
        async with self.db.transaction() as tx:
            purged = await tx.stats.purge(now - self.settings.retention, now - PROCESSED_KEEP)
        if any(purged.values()):
            log.info("retention: deleted %s", purged)

    async def notify_desk(self, text: str) -> None:
        """Post a notice from the bot itself (e.g. knowledge errors) on the desk."""
        if self.settings.desk is None:
            return
        async with self.db.transaction() as tx:
            turn = Turn(tx, self.clock(), self.brain(), self.settings)
            await turn.send(Outgoing(self.settings.desk, text, self.settings.desk_language))
            lanes = await turn.flush()
        self.on_queued(lanes)

    async def user_unreachable(self, chat_ref: ChatRef) -> None:
        """Tell the desk when a newcomer in a handover can no longer be reached."""
        async with self.db.transaction() as tx:
            chat = await tx.chats.get(chat_ref)
            h = await tx.handovers.current(chat.id) if chat is not None else None
            if h is None:
                return
            turn = Turn(tx, self.clock(), self.brain(), self.settings)
            text = turn.t("desk_user_unreachable", self.settings.desk_language, number=h.id)
            await handover.to_desk(turn, h, text)
            lanes = await turn.flush()
        self.on_queued(lanes)

    def desk_text(self, key: str, **params: object) -> str:
        """Return one of the bot's texts in the desk's language, parameters escaped."""
        safe = {k: escape(str(v)) for k, v in params.items()}
        return self.brain().knowledge.texts.get(key, self.settings.desk_language, **safe)
