"""What every sending method shares: the target chat, the reply, the topic, the text."""

from __future__ import annotations

from typing import Any

from .core import Core
from .errors import bad_request, chat_migrated, chat_not_found, forbidden
from .htmltext import EntityParseError, parse_html
from .messages import StoredMessage
from .model import Chat
from .params import Params
from .textutil import clean_entities, find_entities, sort_entities, trim, utf16_len

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024


def find_target(core: Core, p: Params, name: str = "chat_id") -> Chat:
    """The chat named by parameter ``name``, as far as the bot knows it."""
    ref = p.chat_id(name)
    chat = core.world.find_chat(ref)
    if chat is None:
        if isinstance(ref, int) and ref > 0 and core.world.find_user(ref) is not None:
            raise forbidden("bot can't initiate conversation with a user")
        raise chat_not_found()
    if chat.migrated_to is not None:
        raise chat_migrated(chat.migrated_to)
    return chat


def check_can_write(core: Core, chat: Chat) -> None:
    """Raise Telegram's 403 if the bot may not post into ``chat``."""
    if chat.type == "private":
        if chat.blocked:
            raise forbidden("bot was blocked by the user")
        if not chat.started:
            raise forbidden("bot can't initiate conversation with a user")
        return
    member = chat.member(core.bot.id)
    kind = "supergroup chat" if chat.type == "supergroup" else "group chat"
    if member is None or member.status == "left":
        raise forbidden(f"bot is not a member of the {kind}")
    if member.status == "kicked":
        raise forbidden(f"bot was kicked from the {kind}")


def writable_chat(core: Core, p: Params, name: str = "chat_id") -> Chat:
    """The target chat of a sending method, checked for write access."""
    chat = find_target(core, p, name)
    check_can_write(core, chat)
    return chat


def reply_target(chat: Chat, p: Params) -> StoredMessage | None:
    """The message to reply to, from ``reply_parameters`` or ``reply_to_message_id``."""
    params = p.obj("reply_parameters", "reply parameters")
    if params is not None:
        if not isinstance(params, dict) or not isinstance(params.get("message_id"), int):
            raise bad_request(
                'can\'t parse reply parameters: Field "message_id" must be a valid Number'
            )
        message_id = params["message_id"]
        allow = bool(params.get("allow_sending_without_reply"))
        other = params.get("chat_id")
        if other is not None and other not in (chat.id, chat.username and "@" + chat.username):
            raise bad_request("message to be replied not found")
    else:
        message_id = p.integer("reply_to_message_id")
        allow = p.flag("allow_sending_without_reply")
        if message_id is None:
            return None
    target = chat.messages.get(message_id)
    if target is None or target.deleted:
        if allow:
            return None
        raise bad_request("message to be replied not found")
    return target


def topic_for(
    core: Core, chat: Chat, p: Params, reply_to: StoredMessage | None
) -> tuple[int | None, StoredMessage | None]:
    """The topic a new message goes to, and the topic's first message (the implicit reply)."""
    thread_id = p.integer("message_thread_id")
    if not chat.is_forum:
        if thread_id is not None and thread_id not in chat.messages:
            raise bad_request("message thread not found")
        return None, None
    if thread_id is None and reply_to is not None:
        thread_id = reply_to.thread_id
    if thread_id is None:
        return None, None  # the General topic
    topic = chat.topics.get(thread_id)
    if topic is None or topic.deleted:
        raise bad_request("message thread not found")
    bot_member = chat.member(core.bot.id)
    if topic.closed and (bot_member is None or not bot_member.can("can_manage_topics")):
        raise bad_request("TOPIC_CLOSED")
    return thread_id, chat.messages.get(thread_id)


def placement(core: Core, chat: Chat, p: Params) -> dict[str, Any]:
    """The reply/topic fields of a new message in ``chat`` (keyword arguments for it)."""
    reply_to = reply_target(chat, p)
    thread_id, opener = topic_for(core, chat, p, reply_to)
    return {
        "reply_to": reply_to or opener,
        "explicit_reply": reply_to is not None,
        "thread_id": thread_id,
        "is_topic_message": thread_id is not None,
    }


def format_text(
    core: Core,
    p: Params,
    field: str,
    *,
    mode_field: str = "parse_mode",
    entities_field: str = "entities",
    limit: int = TEXT_LIMIT,
    required: bool = True,
) -> tuple[str | None, list[dict[str, Any]]]:
    """Parse a text or caption parameter like Telegram: entities, trimming, limits."""
    caption = field == "caption"
    empty = "message caption is empty" if caption else "message text is empty"
    raw = p.text(field)
    if raw is None:
        if required:
            raise bad_request(empty)
        return None, []
    mode = (p.text(mode_field) or "").lower()
    if mode == "html":
        try:
            text, entities = parse_html(raw, _user_lookup(core))
        except EntityParseError as error:
            raise bad_request(f"can't parse entities: {error}") from None
    elif mode == "":
        text, entities = raw, clean_entities(p.obj(entities_field, "entities"), raw)
    else:
        raise bad_request("unsupported parse_mode")
    text, entities = trim(text, entities)
    if not text:
        if required:
            raise bad_request(empty)
        return None, []
    if utf16_len(text) > limit:
        raise bad_request("message caption is too long" if caption else "message is too long")
    return text, sort_entities(entities + find_entities(text, entities))


def _user_lookup(core: Core) -> Any:
    """A function from user id to the Bot API ``User`` (for ``tg://user?id=`` links)."""

    def find(user_id: int) -> dict[str, Any] | None:
        user = core.world.find_user(user_id)
        return user.to_api() if user else None

    return find
