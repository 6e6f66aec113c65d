"""The server's state in one place, and the rules for which updates the bot sees."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .clock import Clock
from .faults import FaultPlan, FloodLimiter
from .files import FileStore
from .messages import StoredMessage
from .model import Chat, Member, User
from .updates import Signal, UpdateQueue
from .world import World


@dataclass
class RequestRecord:
    """One method call as the server saw it."""

    method: str
    params: dict[str, Any]
    status: int
    description: str | None = None
    via: str = "http"  # http | webhook-reply


@dataclass
class CallbackQuery:
    """A button press, until and after the bot answers it."""

    id: str
    user: User
    message: StoredMessage
    data: str
    created: float
    answered: bool = False


@dataclass
class AnsweredCallback:
    """The bot's answerCallbackQuery for a button press."""

    query_id: str
    data: str
    user: User
    text: str | None
    show_alert: bool
    url: str | None
    cache_time: int


@dataclass
class ChatAction:
    """A sendChatAction call that Telegram accepted."""

    chat_id: int
    action: str
    thread_id: int | None
    date: float


@dataclass
class WebhookState:
    """The webhook the bot set, and what Telegram reports about it."""

    url: str
    secret_token: str | None = None
    max_connections: int = 40
    allowed_updates: list[str] | None = None
    last_error_date: int | None = None
    last_error_message: str | None = None
    deliveries: list[tuple[int, int]] = field(default_factory=list)  # (update_id, HTTP status)


class Core:
    """Everything the method handlers and the test helpers share."""

    def __init__(
        self,
        token: str,
        bot: User,
        privacy_mode: bool = True,
        callback_max_age: float = 15.0,
    ) -> None:
        self.token = token
        self.clock = Clock()
        self.world = World(bot)
        self.updates = UpdateQueue()
        self.files = FileStore()
        self.faults = FaultPlan()
        self.flood = FloodLimiter()
        self.changed = Signal()
        self.privacy_mode = privacy_mode
        self.callback_max_age = callback_max_age
        self.request_log: list[RequestRecord] = []
        self.callbacks: dict[str, CallbackQuery] = {}
        self.answered_callbacks: list[AnsweredCallback] = []
        self.chat_actions: list[ChatAction] = []
        self.commands: dict[tuple[tuple[str, int | None, int | None], str], list[dict[str, str]]]
        self.commands = {}
        self.webhook: WebhookState | None = None

    @property
    def bot(self) -> User:
        """The bot under test."""
        return self.world.bot

    def notify(self) -> None:
        """Tell waiting test helpers that something changed."""
        self.changed.fire()

    def new_message(
        self, chat: Chat, sender: User | None, *, outgoing: bool = False, **fields: Any
    ) -> StoredMessage:
        """Store a new message in ``chat`` with the next id and the current date."""
        message = StoredMessage(
            chat, chat.take_message_id(), self.clock.stamp(), sender, outgoing=outgoing, **fields
        )
        chat.messages[message.message_id] = message
        self.notify()
        return message

    def deliver(self, message: StoredMessage, kind: str = "message") -> dict[str, Any] | None:
        """Queue the update for an incoming (or edited) message if the bot gets to see it."""
        if message.outgoing or not self.bot_sees(message):
            return None
        update = self.updates.push(kind, message.to_api())
        self.notify()
        return update

    def bot_sees(self, message: StoredMessage) -> bool:
        """Telegram's privacy rules: which group messages reach a bot."""
        chat = message.chat
        if chat.type == "private":
            return True
        joined = message.service.get("new_chat_members", [])
        if any(user["id"] == self.bot.id for user in joined):
            return True
        member = chat.member(self.bot.id)
        if member is None or not member.present:
            return False
        if not self.privacy_mode or member.is_admin or message.is_service:
            return True
        if message.reply_to is not None and message.reply_to.outgoing:
            return True  # replies to the bot, and messages in topics the bot opened
        command = next(
            (e for e in message.entities if e["type"] == "bot_command" and e["offset"] == 0),
            None,
        )
        if command is None or message.text is None:
            return False
        addressed = message.text[: command["length"]].partition("@")[2]
        return not addressed or addressed.lower() == (self.bot.username or "").lower()

    def member_update(self, chat: Chat, actor: User, old: Member, new: Member) -> None:
        """Queue my_chat_member (for the bot) or chat_member (for others) after a change."""
        kind = "my_chat_member" if new.user.id == self.bot.id else "chat_member"
        if kind == "chat_member":
            bot_member = chat.member(self.bot.id)
            if bot_member is None or not bot_member.is_admin:
                return  # only administrators get chat_member updates
        payload = {
            "chat": chat.to_api(),
            "from": actor.to_api(),
            "date": self.clock.stamp(),
            "old_chat_member": old.to_api(),
            "new_chat_member": new.to_api(),
        }
        self.updates.push(kind, payload)
        self.notify()


@dataclass
class Described:
    """A method result that Telegram sends with a ``description`` (e.g. setWebhook)."""

    result: Any
    description: str
