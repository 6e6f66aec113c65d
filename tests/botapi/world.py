"""The registry of the fake Telegram: users and chats, with Telegram-shaped ids."""

from __future__ import annotations

import itertools
from collections.abc import Iterable

from .model import ADMIN_RIGHTS, Chat, Member, User


class World:
    """Users and chats by id (and @username), plus factories that build them."""

    def __init__(self, bot: User) -> None:
        self.bot = bot
        self.users: dict[int, User] = {bot.id: bot}
        self.chats: dict[int, Chat] = {}
        self._user_ids = itertools.count(111_000_001)
        self._group_ids = itertools.count(4_100_000_001)
        self._supergroup_ids = itertools.count(2_100_000_001)

    def add_user(
        self,
        first_name: str,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "de",
        is_bot: bool = False,
    ) -> User:
        """Create a Telegram account."""
        user = User(next(self._user_ids), first_name, last_name, username, language_code, is_bot)
        self.users[user.id] = user
        return user

    def find_user(self, user_id: int) -> User | None:
        """The user with ``user_id``, if known."""
        return self.users.get(user_id)

    def private_chat(self, user: User) -> Chat:
        """The private chat between ``user`` and the bot (its id is the user's id)."""
        chat = self.chats.get(user.id)
        if chat is None:
            chat = Chat(user.id, "private", peer=user)
            chat.members[user.id] = Member(user)
            chat.members[self.bot.id] = Member(self.bot)
            self.chats[user.id] = chat
        return chat

    def find_chat(self, ref: int | str) -> Chat | None:
        """A chat by id or by ``@username`` (groups only, like Telegram)."""
        if isinstance(ref, str):
            name = ref.removeprefix("@").lower()
            return next(
                (c for c in self.chats.values() if c.username and c.username.lower() == name),
                None,
            )
        return self.chats.get(ref)

    def add_group(
        self,
        title: str,
        members: Iterable[User] = (),
        admins: Iterable[User] = (),
        creator: User | None = None,
        bot_status: str | None = "member",
    ) -> Chat:
        """Create a basic group; ``bot_status`` None leaves the bot outside."""
        chat = Chat(-next(self._group_ids), "group", title=title)
        self._populate(chat, members, admins, (), creator, bot_status, None)
        return chat

    def add_supergroup(
        self,
        title: str,
        members: Iterable[User] = (),
        admins: Iterable[User] = (),
        anonymous_admins: Iterable[User] = (),
        creator: User | None = None,
        username: str | None = None,
        is_forum: bool = False,
        bot_status: str | None = "member",
        bot_rights: dict[str, bool] | None = None,
    ) -> Chat:
        """Create a supergroup (a forum if ``is_forum``); anonymous admins post as the group."""
        chat = Chat(
            -(1_000_000_000_000 + next(self._supergroup_ids)),
            "supergroup",
            title=title,
            username=username,
            is_forum=is_forum,
        )
        self._populate(chat, members, admins, anonymous_admins, creator, bot_status, bot_rights)
        return chat

    def _populate(
        self,
        chat: Chat,
        members: Iterable[User],
        admins: Iterable[User],
        anonymous_admins: Iterable[User],
        creator: User | None,
        bot_status: str | None,
        bot_rights: dict[str, bool] | None,
    ) -> None:
        """Fill a new group with its people and register it."""
        for user in members:
            chat.members[user.id] = Member(user)
        for user in admins:
            chat.members[user.id] = Member(user, "administrator")
        for user in anonymous_admins:
            chat.members[user.id] = Member(user, "administrator", is_anonymous=True)
        if creator is not None:
            chat.members[creator.id] = Member(creator, "creator")
        if bot_status is not None:
            rights = {right: True for right in ADMIN_RIGHTS} | (bot_rights or {})
            chat.members[self.bot.id] = Member(self.bot, bot_status, rights=rights)
        self.chats[chat.id] = chat

    def migrate(self, group: Chat) -> Chat:
        """Create the supergroup that ``group`` becomes, with the same people."""
        new = Chat(
            -(1_000_000_000_000 + next(self._supergroup_ids)), "supergroup", title=group.title
        )
        for user_id, member in group.members.items():
            new.members[user_id] = Member(
                member.user, member.status, member.is_anonymous, member.custom_title,
                dict(member.rights),
            )  # fmt: skip
        group.migrated_to = new.id
        self.chats[new.id] = new
        return new
