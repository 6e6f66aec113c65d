"""Test helpers that look at what happened: messages, waits, commands, logs."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

from .core import AnsweredCallback, ChatAction, Core, RequestRecord
from .messages import StoredMessage
from .methods_chat import scope_key
from .model import Chat

T = TypeVar("T")


class Inspection:
    """Mixin for :class:`BotApiServer`: read-only views and waiting helpers."""

    core: Core
    _cursors: dict[int, int]

    def messages_in(
        self, chat: Chat, thread_id: int | None = None, include_deleted: bool = False
    ) -> list[StoredMessage]:
        """Messages of ``chat`` in order (only those of topic ``thread_id`` if given)."""
        return [
            m
            for m in chat.messages.values()
            if (include_deleted or not m.deleted)
            and (thread_id is None or m.thread_id == thread_id)
        ]

    def bot_messages(self, chat: Chat, thread_id: int | None = None) -> list[StoredMessage]:
        """The bot's own non-service messages in ``chat`` (and topic)."""
        return [m for m in self.messages_in(chat, thread_id) if m.outgoing and not m.is_service]

    async def wait_for(
        self,
        predicate: Callable[[], T],
        timeout: float = 5.0,  # noqa: ASYNC109 - a deadline for the predicate, not for I/O
        what: str = "condition",
    ) -> T:
        """Wait until ``predicate()`` is truthy and return its value; TimeoutError otherwise."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            value = predicate()
            if value:
                return value
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"{what} not met within {timeout} s")
            await self.core.changed.wait(min(remaining, 0.25))

    async def next_bot_message(
        self,
        chat: Chat,
        timeout: float = 5.0,  # noqa: ASYNC109 - a deadline for the predicate, not for I/O
        thread_id: int | None = None,
    ) -> StoredMessage:
        """The bot's next message in ``chat`` after the one this helper returned last."""
        after = self._cursors.get(chat.id, 0)

        def find() -> StoredMessage | None:
            return next(
                (
                    m
                    for m in chat.messages.values()
                    if m.outgoing
                    and not m.is_service
                    and m.message_id > after
                    and (thread_id is None or m.thread_id == thread_id)
                ),
                None,
            )

        message = await self.wait_for(find, timeout, f"a bot message in chat {chat.id}")
        assert message is not None  # wait_for only returns truthy values
        self._cursors[chat.id] = message.message_id
        return message

    def commands(
        self, scope: dict[str, Any] | None = None, language: str = ""
    ) -> list[tuple[str, str]]:
        """The bot's commands for a BotCommandScope dict (None: default) and language."""
        key = (scope_key(self.core, scope), language)
        return [(c["command"], c["description"]) for c in self.core.commands.get(key, [])]

    def file_bytes(self, message: StoredMessage) -> bytes:
        """The bytes of the photo or document a stored message carries."""
        media = message.media
        file_id = (
            media["photo"][-1]["file_id"] if "photo" in media else media["document"]["file_id"]
        )
        stored = self.core.files.get(file_id)
        assert stored is not None
        return stored.data

    @property
    def answered_callbacks(self) -> list[AnsweredCallback]:
        """Every answerCallbackQuery Telegram accepted, in order."""
        return self.core.answered_callbacks

    @property
    def chat_actions(self) -> list[ChatAction]:
        """Every accepted sendChatAction, in order."""
        return self.core.chat_actions

    @property
    def request_log(self) -> list[RequestRecord]:
        """Every method call in arrival order, with its final HTTP status."""
        return self.core.request_log

    def calls(self, method: str) -> list[RequestRecord]:
        """The calls of one method (any case), in order."""
        return [r for r in self.core.request_log if r.method.lower() == method.lower()]

    @property
    def updates(self) -> list[dict[str, Any]]:
        """Every update ever queued for the bot, in order."""
        return self.core.updates.history
