"""Methods about chats and the bot's profile: getChat, members, chat actions, commands, files."""

from __future__ import annotations

import re
from typing import Any

from .core import ChatAction, Core
from .errors import bad_request, chat_not_found
from .files import DOWNLOAD_LIMIT
from .model import Member
from .params import Params
from .sending import find_target, writable_chat

CHAT_ACTIONS = frozenset(
    [
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    ]
)
_COMMAND = re.compile(r"^[a-z0-9_]{1,32}$")
_SCOPES = {
    "default": (),
    "all_private_chats": (),
    "all_group_chats": (),
    "all_chat_administrators": (),
    "chat": ("chat_id",),
    "chat_administrators": ("chat_id",),
    "chat_member": ("chat_id", "user_id"),
}

ScopeKey = tuple[str, int | None, int | None]


async def get_chat(core: Core, p: Params) -> Any:
    """getChat: the ChatFullInfo of a chat the bot knows."""
    return find_target(core, p).full_info()


async def get_chat_member(core: Core, p: Params) -> Any:
    """getChatMember: a user's status in a chat (``left`` if never a member)."""
    chat = find_target(core, p)
    user_id = p.integer("user_id", "invalid user_id specified")
    assert user_id is not None
    user = core.world.find_user(user_id)
    if user is None:
        raise bad_request("user not found")
    member = chat.member(user_id) or Member(user, "left")
    return member.to_api()


async def get_chat_administrators(core: Core, p: Params) -> Any:
    """getChatAdministrators: the creator and administrators of a group."""
    chat = find_target(core, p)
    if chat.type == "private":
        raise bad_request("there are no administrators in the private chat")
    return [m.to_api() for m in chat.members.values() if m.is_admin]


async def get_chat_member_count(core: Core, p: Params) -> Any:
    """getChatMemberCount: how many people are in the chat."""
    chat = find_target(core, p)
    return sum(1 for m in chat.members.values() if m.present)


async def send_chat_action(core: Core, p: Params) -> Any:
    """sendChatAction: accept a known action, remember it for inspection."""
    chat = writable_chat(core, p)
    action = p.text("action", 'parameter "action" is required')
    if action not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    thread_id = p.integer("message_thread_id")
    if thread_id is not None and chat.is_forum and thread_id not in chat.topics:
        raise bad_request("message thread not found")
    core.chat_actions.append(ChatAction(chat.id, action, thread_id, core.clock.now()))
    core.notify()
    return True


def scope_key(core: Core, raw: Any) -> ScopeKey:
    """The storage key of a BotCommandScope (default when absent)."""
    if raw is None:
        return ("default", None, None)
    if not isinstance(raw, dict) or raw.get("type") not in _SCOPES:
        raise bad_request("unsupported bot command scope type specified")
    kind: str = raw["type"]
    chat_id = user_id = None
    if "chat_id" in _SCOPES[kind]:
        chat = core.world.find_chat(raw.get("chat_id", 0))
        if chat is None:
            raise chat_not_found()
        chat_id = chat.id
    if "user_id" in _SCOPES[kind]:
        user_id = raw.get("user_id")
        if not isinstance(user_id, int) or core.world.find_user(user_id) is None:
            raise bad_request("user not found")
    return (kind, chat_id, user_id)


def _language(p: Params) -> str:
    """The language_code parameter: empty or a two-letter ISO 639-1 code."""
    code = p.text("language_code") or ""
    if code and not re.fullmatch(r"[a-z]{2}", code):
        raise bad_request("invalid language code specified")
    return code


async def set_my_commands(core: Core, p: Params) -> Any:
    """setMyCommands: store the command list for one (scope, language_code)."""
    raw = p.obj("commands", "commands")
    if not isinstance(raw, list):
        raise bad_request('parameter "commands" is required')
    if len(raw) > 100:
        raise bad_request("BOT_COMMANDS_TOO_MUCH")
    commands = []
    for item in raw:
        if not isinstance(item, dict):
            raise bad_request("can't parse BotCommand: expected an Object")
        for name in ("command", "description"):
            if not isinstance(item.get(name), str):
                raise bad_request(f"can't parse BotCommand: Can't find field \"{name}\"")
        command = item["command"].removeprefix("/")
        if not _COMMAND.match(command):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(item["description"].strip()) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        commands.append({"command": command, "description": item["description"]})
    key = (scope_key(core, p.obj("scope", "bot command scope")), _language(p))
    if commands:
        core.commands[key] = commands
    else:
        core.commands.pop(key, None)
    core.notify()
    return True


async def get_my_commands(core: Core, p: Params) -> Any:
    """getMyCommands: the list stored for exactly this (scope, language_code)."""
    key = (scope_key(core, p.obj("scope", "bot command scope")), _language(p))
    return list(core.commands.get(key, []))


async def delete_my_commands(core: Core, p: Params) -> Any:
    """deleteMyCommands: forget the list for this (scope, language_code)."""
    key = (scope_key(core, p.obj("scope", "bot command scope")), _language(p))
    core.commands.pop(key, None)
    core.notify()
    return True


async def get_file(core: Core, p: Params) -> Any:
    """getFile: a File with a download path under /file/bot<token>/."""
    file_id = p.text("file_id", "invalid file_id")
    assert file_id is not None
    stored = core.files.get(file_id)
    if stored is None:
        raise bad_request("invalid file_id")
    if len(stored.data) > DOWNLOAD_LIMIT:
        raise bad_request("file is too big")
    core.files.publish(stored)
    return stored.to_file()


METHODS = {
    "getChat": get_chat,
    "getChatMember": get_chat_member,
    "getChatAdministrators": get_chat_administrators,
    "getChatMemberCount": get_chat_member_count,
    "sendChatAction": send_chat_action,
    "setMyCommands": set_my_commands,
    "getMyCommands": get_my_commands,
    "deleteMyCommands": delete_my_commands,
    "getFile": get_file,
}
