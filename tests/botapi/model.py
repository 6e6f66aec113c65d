"""The people and places of the fake Telegram: users, chat members, forum topics, chats."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .messages import StoredMessage

# Every administrator right a ChatMemberAdministrator carries in Bot API 9.
ADMIN_RIGHTS = (
    "can_manage_chat",
    "can_delete_messages",
    "can_manage_video_chats",
    "can_restrict_members",
    "can_promote_members",
    "can_change_info",
    "can_invite_users",
    "can_post_stories",
    "can_edit_stories",
    "can_delete_stories",
    "can_pin_messages",
    "can_manage_topics",
)

# The six colours Telegram allows for a topic icon.
TOPIC_COLORS = (0x6FB9F0, 0xFFD67E, 0xCB86DB, 0x8EEE98, 0xFF93B2, 0xFB6F5F)


@dataclass(eq=False)
class User:
    """A Telegram account: a person or a bot."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None
    is_bot: bool = False

    def to_api(self) -> dict[str, Any]:
        """The Bot API ``User`` object."""
        out: dict[str, Any] = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        if self.last_name:
            out["last_name"] = self.last_name
        if self.username:
            out["username"] = self.username
        if self.language_code and not self.is_bot:
            out["language_code"] = self.language_code
        return out


# The placeholder sender Telegram puts into ``from`` for anonymous group admins.
GROUP_ANONYMOUS_BOT = User(1087968824, "Group", username="GroupAnonymousBot", is_bot=True)


@dataclass(eq=False)
class Member:
    """A user's membership in a group: status, anonymity, administrator rights."""

    user: User
    status: str = "member"  # creator | administrator | member | restricted | left | kicked
    is_anonymous: bool = False
    custom_title: str | None = None
    rights: dict[str, bool] = field(default_factory=dict)

    @property
    def present(self) -> bool:
        """True while the user is in the chat."""
        return self.status in {"creator", "administrator", "member", "restricted"}

    @property
    def is_admin(self) -> bool:
        """True for the creator and administrators."""
        return self.status in {"creator", "administrator"}

    def can(self, right: str) -> bool:
        """Whether the member holds administrator ``right`` (the creator holds all)."""
        if self.status == "creator":
            return True
        return self.status == "administrator" and self.rights.get(right, True)

    def to_api(self) -> dict[str, Any]:
        """The Bot API ``ChatMember`` object for this status."""
        out: dict[str, Any] = {"status": self.status, "user": self.user.to_api()}
        if self.status == "creator":
            out["is_anonymous"] = self.is_anonymous
        elif self.status == "administrator":
            out["can_be_edited"] = False
            out["is_anonymous"] = self.is_anonymous
            out.update({right: self.rights.get(right, True) for right in ADMIN_RIGHTS})
        elif self.status == "kicked":
            out["until_date"] = 0
        if self.custom_title and self.is_admin:
            out["custom_title"] = self.custom_title
        return out


@dataclass(eq=False)
class Topic:
    """A forum topic; its id is the id of the service message that created it."""

    thread_id: int
    name: str
    icon_color: int
    icon_custom_emoji_id: str | None = None
    closed: bool = False
    deleted: bool = False

    def to_api(self) -> dict[str, Any]:
        """The Bot API ``ForumTopic`` object."""
        out: dict[str, Any] = {
            "message_thread_id": self.thread_id,
            "name": self.name,
            "icon_color": self.icon_color,
        }
        if self.icon_custom_emoji_id:
            out["icon_custom_emoji_id"] = self.icon_custom_emoji_id
        return out


@dataclass(eq=False)
class Chat:
    """A private chat, group, supergroup (maybe a forum) or channel, with its messages."""

    id: int
    type: str  # private | group | supergroup | channel
    title: str | None = None
    username: str | None = None
    peer: User | None = None  # the other person of a private chat
    is_forum: bool = False
    members: dict[int, Member] = field(default_factory=dict)
    topics: dict[int, Topic] = field(default_factory=dict)
    messages: dict[int, StoredMessage] = field(default_factory=dict)
    next_message_id: int = 1
    migrated_to: int | None = None
    blocked: bool = False  # private: the user blocked the bot
    started: bool = False  # private: the user has written to the bot

    def member(self, user_id: int) -> Member | None:
        """The membership of ``user_id``, if the chat has seen them."""
        return self.members.get(user_id)

    def status_of(self, user_id: int) -> str:
        """Membership status of ``user_id``; ``left`` for strangers."""
        member = self.members.get(user_id)
        return member.status if member else "left"

    def take_message_id(self) -> int:
        """Allocate the next message id of this chat."""
        message_id = self.next_message_id
        self.next_message_id += 1
        return message_id

    def to_api(self) -> dict[str, Any]:
        """The short Bot API ``Chat`` object used inside messages."""
        out: dict[str, Any] = {"id": self.id, "type": self.type}
        if self.type == "private" and self.peer is not None:
            out["first_name"] = self.peer.first_name
            if self.peer.last_name:
                out["last_name"] = self.peer.last_name
            if self.peer.username:
                out["username"] = self.peer.username
        else:
            out["title"] = self.title or ""
            if self.username:
                out["username"] = self.username
        if self.is_forum:
            out["is_forum"] = True
        return out

    def full_info(self) -> dict[str, Any]:
        """The Bot API ``ChatFullInfo`` object returned by getChat."""
        out = self.to_api()
        out["accent_color_id"] = abs(self.id) % 7
        out["max_reaction_count"] = 11
        out["accepted_gift_types"] = {
            "unlimited_gifts": False,
            "limited_gifts": False,
            "unique_gifts": False,
            "premium_subscription": False,
            "gifts_from_channels": False,
        }
        if self.type in {"group", "supergroup"}:
            out["permissions"] = {"can_send_messages": True}
        return out
