"""The command menu Telegram shows next to the text field, in every language Lotse speaks."""

from __future__ import annotations

import asyncio
import logging

from telegram import (
    Bot,
    BotCommand,
    BotCommandScope,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
)
from telegram.error import RetryAfter, TelegramError

from bot.languages import LANGUAGES
from bot.transport import Texts

from .errors import retry_seconds

log = logging.getLogger(__name__)
NEWCOMER = ("start", "language", "region", "help", "human", "delete")
DESK = ("claim", "close", "release", "note", "queue", "help")
# Users whose app language Lotse does not speak see these.
DEFAULT_LANGUAGE = "en"
DESCRIPTION_LIMIT = 256


def _describe(texts: Texts, key: str, language: str) -> str | None:
    text = texts(key, language).strip()
    # A missing text comes back as its key.
    return None if not text or text == key else text[:DESCRIPTION_LIMIT]


def commands(texts: Texts, names: tuple[str, ...], prefix: str, language: str) -> list[BotCommand]:
    """The menu entries for ``names`` whose description text exists."""
    found = []
    for name in names:
        description = _describe(texts, f"{prefix}{name}", language)
        if description is not None:
            found.append(BotCommand(name, description))
    return found


async def _set(bot: Bot, entries: list[BotCommand], scope: BotCommandScope, language: str) -> None:
    for _attempt in range(3):
        try:
            await bot.set_my_commands(entries, scope=scope, language_code=language or None)
            return
        except RetryAfter as exc:
            await asyncio.sleep(retry_seconds(exc))


async def publish(bot: Bot, texts: Texts, desk_chat: int | None) -> None:
    """Register the newcomers' menu (private chats) and the staff menu (desk group).

    Each language gets its own list (Telegram picks it by the app's ``language_code``);
    a failure is logged and the bot runs on without a menu.
    """
    private = BotCommandScopeAllPrivateChats()
    try:
        await _set(bot, commands(texts, NEWCOMER, "cmd_", DEFAULT_LANGUAGE), private, "")
        for language in LANGUAGES:
            await _set(bot, commands(texts, NEWCOMER, "cmd_", language), private, language)
        if desk_chat is None:
            return
        desk = BotCommandScopeChat(desk_chat)
        entries = commands(texts, DESK, "cmd_desk_", DEFAULT_LANGUAGE)
        if len(entries) < len(DESK):
            log.info("no desk command menu: texts cmd_desk_* are missing")
            return
        await _set(bot, entries, desk, "")
        for language in LANGUAGES:
            await _set(bot, commands(texts, DESK, "cmd_desk_", language), desk, language)
    except TelegramError as exc:
        log.warning("could not register the command menu (%s)", type(exc).__name__)
