"""A local Telegram Bot API server for tests: real HTTP, a world of users and chats."""

from .actors import tiny_png
from .core import AnsweredCallback, ChatAction, RequestRecord, WebhookState
from .messages import StoredMessage
from .model import GROUP_ANONYMOUS_BOT, Chat, Member, Topic, User
from .server import BotApiServer

__all__ = [
    "GROUP_ANONYMOUS_BOT",
    "AnsweredCallback",
    "BotApiServer",
    "Chat",
    "ChatAction",
    "Member",
    "RequestRecord",
    "StoredMessage",
    "Topic",
    "User",
    "WebhookState",
    "tiny_png",
]
