"""Turning Telegram messages and button presses into the engine's Incoming messages."""

from __future__ import annotations

from telegram import Bot, CallbackQuery, Chat, Message, User

from bot.messages import Incoming, Sender

from .attachments import NETWORK, attachments_of
from .buttons import ButtonSigner
from .desk import DeskChat


def _sender(chat: Chat, user: User) -> Sender:
    # The display name is untrusted; the engine escapes it wherever it is shown.
    return Sender(NETWORK, str(chat.id), str(user.id), user.full_name, user.language_code)


def _thread(msg: object) -> str | None:
    # In a forum, a message inside a topic says so; in other supergroups message_thread_id
    # names a reply chain, which is not a desk thread.
    thread = getattr(msg, "message_thread_id", None)
    return str(thread) if thread and getattr(msg, "is_topic_message", False) else None


class Converter:
    """Reads updates; knows the desk and how to check a button's signature."""

    def __init__(self, bot: Bot, desk: DeskChat, signer: ButtonSigner) -> None:
        self.bot = bot
        self.desk = desk
        self.signer = signer

    async def message(self, msg: Message) -> Incoming | None:
        """A message from a newcomer's private chat or the desk; None for anything else."""
        text = msg.text or msg.caption or ""
        attachments = attachments_of(msg)
        if not text and not attachments:
            return None  # a service message: someone joined, a topic was renamed, ...
        msg_id = f"m{msg.chat.id}:{msg.message_id}"
        if msg.chat.type == Chat.PRIVATE and msg.from_user is not None:
            return Incoming(
                msg_id, _sender(msg.chat, msg.from_user), text, attachments, at=msg.date
            )
        if not self.desk.is_desk(msg.chat.id) or self._for_another_bot(text):
            return None  # the bot serves newcomers in private chats only
        if msg.sender_chat is not None or msg.from_user is None:
            # An anonymous admin (sender_chat = the group) or a channel: never staff, and
            # its "user" can never match a staff entry (telegram:<numeric user id>).
            who = f"chat{msg.sender_chat.id}" if msg.sender_chat else "unknown"
            sender = Sender(NETWORK, str(msg.chat.id), who)
            member = False
        elif msg.from_user.is_bot:
            return None
        else:
            sender = _sender(msg.chat, msg.from_user)
            member = await self.desk.is_member(self.bot, msg.from_user.id)
        reply = msg.reply_to_message
        return Incoming(
            msg_id,
            sender,
            text,
            attachments,
            desk=True,
            thread=_thread(msg),
            reply_to=str(reply.message_id) if reply is not None else None,
            desk_member=member,
            at=msg.date,
        )

    def _for_another_bot(self, text: str) -> bool:
        """A command like ``/close@other_bot`` in the desk group is not ours."""
        if not text.startswith("/"):
            return False
        _, at, name = text.split(maxsplit=1)[0].partition("@")
        return bool(at) and name.lower() != (self.bot.username or "").lower()

    async def press(self, query: CallbackQuery) -> Incoming | None:
        """A button press; a forged or foreign button becomes the choice the engine refuses."""
        msg = query.message
        if msg is None:
            return None
        chat = msg.chat
        choice = self.signer.verify(chat.id, query.data)
        sender = _sender(chat, query.from_user)
        msg_id = f"c{query.id}"
        if chat.type == Chat.PRIVATE:
            return Incoming(msg_id, sender, choice=choice)
        if not self.desk.is_desk(chat.id) or query.from_user.is_bot:
            return None
        member = await self.desk.is_member(self.bot, query.from_user.id)
        return Incoming(
            msg_id, sender, choice=choice, desk=True, thread=_thread(msg), desk_member=member
        )
