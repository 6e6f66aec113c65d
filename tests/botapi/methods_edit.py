"""Methods that change or remove messages, and answerCallbackQuery."""

from __future__ import annotations

from typing import Any

from .core import AnsweredCallback, Core
from .errors import bad_request
from .keyboards import has_inline_markup, parse_markup
from .messages import StoredMessage
from .model import Chat
from .params import Params
from .sending import find_target, format_text, writable_chat

DELETE_WINDOW = 48 * 3600.0
_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
# Service messages that nobody can delete.
_UNDELETABLE = {"forum_topic_created", "group_chat_created", "supergroup_chat_created"}


def _message_to_edit(core: Core, p: Params) -> StoredMessage:
    """The bot's own message named by chat_id and message_id."""
    if p.has("inline_message_id"):
        raise bad_request("MESSAGE_ID_INVALID")  # this server has no inline mode
    chat = writable_chat(core, p)
    message_id = p.integer("message_id")
    if message_id is None:
        raise bad_request("message identifier is not specified")
    message = chat.messages.get(message_id)
    if message is None or message.deleted:
        raise bad_request("message to edit not found")
    if not message.outgoing:
        raise bad_request("message can't be edited")
    return message


def _new_markup(p: Params) -> dict[str, Any] | None:
    """The inline keyboard an edit sets; leaving it out removes the old one, as in Telegram."""
    raw = p.obj("reply_markup", "reply keyboard markup")
    if raw is not None and not has_inline_markup(raw):
        raise bad_request("inline keyboard expected")
    return parse_markup(raw)[0]


async def edit_message_text(core: Core, p: Params) -> Any:
    """editMessageText: new text (and keyboard) for one of the bot's text messages."""
    message = _message_to_edit(core, p)
    text, entities = format_text(core, p, "text")
    markup = _new_markup(p)
    if message.text is None:
        raise bad_request("there is no text in the message to edit")
    if (text, entities, markup) == (message.text, message.entities, message.reply_markup):
        raise bad_request(_NOT_MODIFIED)
    message.text, message.entities, message.reply_markup = text, entities, markup
    preview = p.obj("link_preview_options", "link preview options")
    if isinstance(preview, dict):
        message.link_preview_options = preview
    message.edit_date = core.clock.stamp()
    core.notify()
    return message.to_api()


async def edit_message_reply_markup(core: Core, p: Params) -> Any:
    """editMessageReplyMarkup: replace or remove the inline keyboard of a bot message."""
    message = _message_to_edit(core, p)
    markup = _new_markup(p)
    if markup == message.reply_markup:
        raise bad_request(_NOT_MODIFIED)
    message.reply_markup = markup
    message.edit_date = core.clock.stamp()
    core.notify()
    return message.to_api()


def _deletable(core: Core, chat: Chat, message: StoredMessage) -> bool:
    """Telegram's deleteMessage rules (48 hours; own messages; admins in groups)."""
    if core.clock.now() - message.date >= DELETE_WINDOW:
        return False
    if _UNDELETABLE & message.service.keys():
        return False
    if chat.type == "private" or message.outgoing:
        return True
    member = chat.member(core.bot.id)
    if member is None:
        return False
    if chat.type == "group":
        return member.is_admin
    return member.can("can_delete_messages")


async def delete_message(core: Core, p: Params) -> Any:
    """deleteMessage: remove one message if the rules allow it."""
    chat = find_target(core, p)
    message_id = p.integer("message_id")
    if message_id is None:
        raise bad_request("message identifier is not specified")
    message = chat.messages.get(message_id)
    if message is None or message.deleted:
        raise bad_request("message to delete not found")
    if not _deletable(core, chat, message):
        raise bad_request("message can't be deleted")
    message.deleted = True
    core.notify()
    return True


async def delete_messages(core: Core, p: Params) -> Any:
    """deleteMessages: remove 1-100 messages, skipping those not found."""
    chat = find_target(core, p)
    ids = p.obj("message_ids", "message identifiers")
    if not isinstance(ids, list) or not 1 <= len(ids) <= 100:
        raise bad_request("message identifiers are not specified")
    found = [chat.messages.get(i) for i in ids if isinstance(i, int)]
    targets = [m for m in found if m is not None and not m.deleted]
    if any(not _deletable(core, chat, m) for m in targets):
        raise bad_request("message can't be deleted")
    for message in targets:
        message.deleted = True
    core.notify()
    return True


async def answer_callback_query(core: Core, p: Params) -> Any:
    """answerCallbackQuery: once per press, within the allowed age, text up to 200 chars."""
    query_id = p.text("callback_query_id", 'parameter "callback_query_id" is required')
    assert query_id is not None
    query = core.callbacks.get(query_id)
    too_old = query is None or core.clock.now() - query.created > core.callback_max_age
    if query is None or query.answered or too_old:
        raise bad_request("query is too old and response timeout expired or query ID is invalid")
    text = p.text("text")
    if text is not None and len(text) > 200:
        raise bad_request("MESSAGE_TOO_LONG")
    query.answered = True
    core.answered_callbacks.append(
        AnsweredCallback(
            query_id=query.id,
            data=query.data,
            user=query.user,
            text=text,
            show_alert=p.flag("show_alert"),
            url=p.text("url"),
            cache_time=p.integer("cache_time") or 0,
        )
    )
    core.notify()
    return True


METHODS = {
    "editMessageText": edit_message_text,
    "editMessageReplyMarkup": edit_message_reply_markup,
    "deleteMessage": delete_message,
    "deleteMessages": delete_messages,
    "answerCallbackQuery": answer_callback_query,
}
