"""Deleting what the bot sent (``/delete``), within the 48 hours Telegram allows."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from telegram import Bot
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.messages import Deletion

from .desk import DeskChat
from .errors import translate

log = logging.getLogger(__name__)
# Telegram lets bots delete messages younger than 48 hours; a little margin for clock drift.
DELETE_WINDOW = timedelta(hours=48) - timedelta(minutes=5)


async def delete(bot: Bot, desk: DeskChat, deletion: Deletion, now: Callable[[], datetime]) -> bool:
    """Delete one message, or a whole desk forum topic; False where Telegram does not allow it."""
    chat = int(deletion.to.chat)
    try:
        if deletion.message_id is None:
            if deletion.thread is None or not desk.is_desk(chat) or not desk.forum:
                return False
            # A topic goes with all its messages, however old they are.
            return bool(await bot.delete_forum_topic(chat, int(deletion.thread)))
        if deletion.sent_at is not None and now() - deletion.sent_at > DELETE_WINDOW:
            return False
        return bool(await bot.delete_message(chat, int(deletion.message_id)))
    except (BadRequest, Forbidden) as exc:
        # Too old, already gone, no right to delete, or the user blocked the bot.
        log.info("Telegram did not delete a message (%s)", type(exc).__name__)
        return False
    except TelegramError as exc:
        raise translate(exc) from exc
