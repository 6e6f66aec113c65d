"""Forum topic methods: create, edit, close, reopen, delete."""

from __future__ import annotations

from typing import Any

from .core import Core
from .errors import bad_request
from .model import TOPIC_COLORS, Chat, Topic
from .params import Params
from .sending import writable_chat


def _forum(core: Core, p: Params) -> Chat:
    """The target chat, which must be a forum supergroup."""
    chat = writable_chat(core, p)
    if not chat.is_forum:
        raise bad_request("the chat is not a forum")
    return chat


def _require_right(core: Core, chat: Chat, right: str, topic: Topic | None = None) -> None:
    """Raise unless the bot holds ``right`` (or opened ``topic`` itself)."""
    member = chat.member(core.bot.id)
    if member is not None and member.can(right):
        return
    opener = chat.messages.get(topic.thread_id) if topic else None
    if opener is not None and opener.outgoing and right == "can_manage_topics":
        return
    raise bad_request(f"not enough rights to {'manage topics' if topic else 'create a topic'}")


def _topic(core: Core, p: Params) -> tuple[Chat, Topic]:
    """The forum and the (live) topic named by message_thread_id."""
    chat = _forum(core, p)
    thread_id = p.integer("message_thread_id")
    topic = chat.topics.get(thread_id) if thread_id is not None else None
    if topic is None or topic.deleted:
        raise bad_request("message thread not found")
    return chat, topic


def _service(core: Core, chat: Chat, topic: Topic, content: dict[str, Any]) -> None:
    """Post a topic service message into the topic."""
    core.new_message(
        chat,
        core.bot,
        outgoing=True,
        service=content,
        thread_id=topic.thread_id,
        is_topic_message=True,
        reply_to=chat.messages.get(topic.thread_id),
    )


async def create_forum_topic(core: Core, p: Params) -> Any:
    """createForumTopic: a new topic; its id is the id of its service message."""
    chat = _forum(core, p)
    _require_right(core, chat, "can_manage_topics")
    name = p.text("name") or ""
    if not name.strip():
        raise bad_request("TOPIC_TITLE_EMPTY")
    if len(name) > 128:
        raise bad_request("TOPIC_TITLE_INVALID")
    color = p.integer("icon_color")
    if color is None:
        color = TOPIC_COLORS[0]
    if color not in TOPIC_COLORS:
        raise bad_request("invalid icon_color specified")
    emoji = p.text("icon_custom_emoji_id")
    created: dict[str, Any] = {"name": name, "icon_color": color}
    if emoji:
        created["icon_custom_emoji_id"] = emoji
    opener = core.new_message(
        chat, core.bot, outgoing=True, service={"forum_topic_created": created}
    )
    opener.thread_id = opener.message_id
    opener.is_topic_message = True
    topic = Topic(opener.message_id, name, color, emoji)
    chat.topics[topic.thread_id] = topic
    return topic.to_api()


async def edit_forum_topic(core: Core, p: Params) -> Any:
    """editForumTopic: rename a topic or change its icon."""
    chat, topic = _topic(core, p)
    _require_right(core, chat, "can_manage_topics", topic)
    name = p.text("name")
    emoji = p.text("icon_custom_emoji_id") if "icon_custom_emoji_id" in p.values else None
    if name is not None and len(name) > 128:
        raise bad_request("TOPIC_TITLE_INVALID")
    edited: dict[str, Any] = {}
    if name and name != topic.name:
        topic.name = edited["name"] = name
    if emoji is not None and emoji != (topic.icon_custom_emoji_id or ""):
        topic.icon_custom_emoji_id = emoji or None
        edited["icon_custom_emoji_id"] = emoji
    if not edited:
        raise bad_request("TOPIC_NOT_MODIFIED")
    _service(core, chat, topic, {"forum_topic_edited": edited})
    return True


async def _set_closed(core: Core, p: Params, closed: bool) -> Any:
    """Close or reopen a topic, with its service message."""
    chat, topic = _topic(core, p)
    _require_right(core, chat, "can_manage_topics", topic)
    if topic.closed == closed:
        raise bad_request("TOPIC_NOT_MODIFIED")
    topic.closed = closed
    _service(core, chat, topic, {"forum_topic_closed" if closed else "forum_topic_reopened": {}})
    return True


async def close_forum_topic(core: Core, p: Params) -> Any:
    """closeForumTopic: only topic managers may post afterwards."""
    return await _set_closed(core, p, True)


async def reopen_forum_topic(core: Core, p: Params) -> Any:
    """reopenForumTopic: everyone may post again."""
    return await _set_closed(core, p, False)


async def delete_forum_topic(core: Core, p: Params) -> Any:
    """deleteForumTopic: the topic and all its messages disappear."""
    chat, topic = _topic(core, p)
    _require_right(core, chat, "can_delete_messages")
    topic.deleted = True
    for message in chat.messages.values():
        if message.thread_id == topic.thread_id:
            message.deleted = True
    core.notify()
    return True


METHODS = {
    "createForumTopic": create_forum_topic,
    "editForumTopic": edit_forum_topic,
    "closeForumTopic": close_forum_topic,
    "reopenForumTopic": reopen_forum_topic,
    "deleteForumTopic": delete_forum_topic,
}
