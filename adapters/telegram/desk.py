"""The staff desk group: its id (followed when Telegram migrates it), topics and members."""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path

from telegram import Bot
from telegram.constants import ChatMemberStatus
from telegram.error import BadRequest, TelegramError

from .bidi import strip_controls
from .errors import guarded, translate

log = logging.getLogger(__name__)
MEMBER_TTL = 300.0
TOPIC_NAME_LIMIT = 128
_MEMBERS = {ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.MEMBER}


class DeskChat:
    """Knows which chat is the desk, whether it is a forum, and who belongs to it."""

    def __init__(self, configured: int | None, state_file: Path) -> None:
        self.configured = configured
        self.state_file = state_file
        self.current = configured
        self.forum: bool | None = None
        self._members: dict[int, tuple[bool, float]] = {}
        # Seconds a membership answer is trusted before Telegram is asked again.
        self.member_ttl = MEMBER_TTL
        if configured is not None and state_file.exists():
            state = json.loads(state_file.read_text(encoding="utf-8"))
            if state.get("from") == configured:
                self.current = int(state["to"])

    def is_desk(self, chat_id: int) -> bool:
        """Tell whether a message in ``chat_id`` was written on the desk."""
        return self.configured is not None and chat_id in (self.configured, self.current)

    def moved(self, old: int, new: int) -> None:
        """Follow a desk group that Telegram turned into a supergroup with a new id."""
        if self.configured is None or old not in (self.configured, self.current):
            return
        log.info("the desk group has a new id; following it")
        self.current, self.forum = new, None
        self.state_file.parent.mkdir(parents=True, exist_ok=True)
        state = {"from": self.configured, "to": new}
        self.state_file.write_text(json.dumps(state), encoding="utf-8")

    async def check(self, bot: Bot) -> None:
        """Find out whether the desk is a forum; warn about missing rights (never raises)."""
        if self.current is None:
            return
        try:
            chat = await bot.get_chat(self.current)
            self.forum = bool(chat.is_forum)
            me = await bot.get_chat_member(self.current, bot.id)
        except TelegramError as exc:
            log.warning(
                "cannot see the desk group (%s); add the bot to it as an administrator",
                type(exc).__name__,
            )
            return
        if me.status != ChatMemberStatus.ADMINISTRATOR:
            log.warning(
                "the bot is not an administrator of the desk group: it then only sees "
                "commands and replies to its own messages (Telegram's privacy mode)"
            )
        elif self.forum and not getattr(me, "can_manage_topics", False):
            log.warning("the desk is a forum but the bot may not manage topics; using cards")

    async def open_topic(self, bot: Bot, chat_id: int, name: str) -> int | None:
        """Open a forum topic for a handover; None where the desk has no topics."""
        if self.forum is None:
            self.forum = bool((await guarded(bot.get_chat(chat_id))).is_forum)
        if not self.forum:
            return None
        title = strip_controls(name).strip()[:TOPIC_NAME_LIMIT] or "Lotse"
        try:
            topic = await bot.create_forum_topic(chat_id, title)
        except BadRequest as exc:
            # Not a forum (any more) or no right to manage topics: a card with replies instead.
            log.warning("cannot open a forum topic on the desk (%s); posting a card", exc.message)
            self.forum = False
            return None
        except TelegramError as exc:
            raise translate(exc) from exc
        return topic.message_thread_id

    async def is_member(self, bot: Bot, user_id: int) -> bool:
        """Whether ``user_id`` belongs to the desk group (owner, admin or member), cached."""
        if self.current is None:
            return False
        known = self._members.get(user_id)
        if known is not None and time.monotonic() - known[1] < self.member_ttl:
            return known[0]
        try:
            member = await bot.get_chat_member(self.current, user_id)
        except TelegramError as exc:
            log.warning("could not check a desk member (%s)", type(exc).__name__)
            # Fail closed, but keep an older answer rather than locking staff out.
            return known[0] if known else False
        is_member = member.status in _MEMBERS or (
            member.status == ChatMemberStatus.RESTRICTED
            and bool(getattr(member, "is_member", False))
        )
        self._members[user_id] = (is_member, time.monotonic())
        return is_member
