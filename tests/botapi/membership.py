"""Test helpers for group life: people joining and leaving, groups becoming supergroups."""

from __future__ import annotations

from .core import Core
from .model import Chat, Member, User


class GroupActions:
    """Mixin for :class:`BotApiServer`: changes to who is in a group."""

    core: Core

    def join(self, user: User, chat: Chat, status: str = "member") -> None:
        """``user`` (or the bot) joins ``chat``: a new_chat_members message and member updates."""
        old = chat.member(user.id) or Member(user, "left")
        new = Member(user, status, rights=dict(old.rights))
        chat.members[user.id] = new
        message = self.core.new_message(chat, user, service={"new_chat_members": [user.to_api()]})
        self.core.deliver(message)
        self.core.member_update(chat, user, old, new)

    def leave(self, user: User, chat: Chat, by: User | None = None) -> None:
        """``user`` (or the bot) leaves ``chat``, or is removed ``by`` an admin (kicked)."""
        old = chat.member(user.id)
        if old is None or not old.present:
            raise ValueError(f"{user.first_name} is not in {chat.title!r}")
        new = Member(user, "kicked" if by is not None else "left")
        actor = by or user
        message = self.core.new_message(chat, actor, service={"left_chat_member": user.to_api()})
        if user is not self.core.bot:
            self.core.deliver(message)  # the bot is told about its own removal by my_chat_member
        chat.members[user.id] = new
        self.core.member_update(chat, actor, old, new)

    def migrate_to_supergroup(self, group: Chat, by: User | None = None) -> Chat:
        """Upgrade a basic group: sends to its old id then fail with migrate_to_chat_id."""
        if group.type != "group" or group.migrated_to is not None:
            raise ValueError(f"{group.title!r} is not a basic group")
        if by is None:
            admins = [m.user for m in group.members.values() if m.is_admin]
            people = [m.user for m in group.members.values() if m.present]
            by = (admins or people)[0]
        supergroup = self.core.world.migrate(group)
        old_note = self.core.new_message(group, by, service={"migrate_to_chat_id": supergroup.id})
        self.core.deliver(old_note)
        new_note = self.core.new_message(supergroup, by, service={"migrate_from_chat_id": group.id})
        self.core.deliver(new_note)
        return supergroup
