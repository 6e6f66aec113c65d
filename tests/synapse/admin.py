"""Synapse admin API helpers: shared-secret registration, rate-limit overrides, room state."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import aiohttp

from .homeserver import Homeserver


class AdminApiError(RuntimeError):
    """A Synapse API call answered with an error status."""

    def __init__(self, method: str, path: str, status: int, body: Any) -> None:
        super().__init__(f"{method} {path} -> {status}: {body}")
        self.status = status
        self.body = body


@dataclass(frozen=True)
class Account:
    """A registered user: what a client needs to log in or restore a login."""

    user_id: str
    password: str
    access_token: str
    device_id: str
    admin: bool = False

    @property
    def localpart(self) -> str:
        """The part of the user ID between @ and the colon."""
        return self.user_id[1:].split(":", 1)[0]


async def call(
    base_url: str,
    method: str,
    path: str,
    token: str | None = None,
    body: Any = None,
    expect_ok: bool = True,
) -> tuple[int, Any]:
    """One JSON request; returns (status, body). A session per call works in any loop."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    timeout = aiohttp.ClientTimeout(total=30)
    async with (
        aiohttp.ClientSession(timeout=timeout) as session,
        session.request(method, base_url + path, json=body, headers=headers) as response,
    ):
        data = await response.json(content_type=None)
        if expect_ok and response.status >= 400:
            raise AdminApiError(method, path, response.status, data)
        return response.status, data


def registration_mac(secret: str, nonce: str, user: str, password: str, admin: bool) -> str:
    """HMAC-SHA1 over nonce, user, password and admin flag, NUL-separated, as Synapse wants it."""
    message = "\x00".join((nonce, user, password, "admin" if admin else "notadmin"))
    return hmac.new(secret.encode(), message.encode(), hashlib.sha1).hexdigest()


async def register(
    server: Homeserver,
    localpart: str,
    password: str | None = None,
    admin: bool = False,
    displayname: str | None = None,
) -> Account:
    """Register a user with the shared secret (no open registration needed)."""
    password = password or f"pw-{localpart}-secret"
    path = "/_synapse/admin/v1/register"
    _, nonce_body = await call(server.base_url, "GET", path)
    nonce = nonce_body["nonce"]
    body = {
        "nonce": nonce,
        "username": localpart,
        "password": password,
        "admin": admin,
        "displayname": displayname or localpart,
        "mac": registration_mac(server.shared_secret, nonce, localpart, password, admin),
    }
    _, data = await call(server.base_url, "POST", path, body=body)
    return Account(data["user_id"], password, data["access_token"], data["device_id"], admin)


def _user(user_id: str) -> str:
    return quote(user_id, safe="")


def _room(room_id: str) -> str:
    return quote(room_id, safe="")


class Admin:
    """Calls Synapse's admin API (and a few client APIs) as an admin user."""

    def __init__(self, server: Homeserver, account: Account) -> None:
        if not account.admin:
            raise ValueError("Admin needs an account registered with admin=True")
        self.server = server
        self.account = account

    async def _call(self, method: str, path: str, body: Any = None) -> Any:
        _, data = await call(self.server.base_url, method, path, self.account.access_token, body)
        return data

    async def override_ratelimit(
        self, user_id: str, messages_per_second: int, burst_count: int
    ) -> dict[str, int]:
        """Give one user its own message rate limit (0 and 0 means: not limited at all)."""
        path = f"/_synapse/admin/v1/users/{_user(user_id)}/override_ratelimit"
        body = {"messages_per_second": messages_per_second, "burst_count": burst_count}
        data: dict[str, int] = await self._call("POST", path, body)
        return data

    async def get_ratelimit(self, user_id: str) -> dict[str, int]:
        """The user's override ({} when the server's rc_message applies)."""
        path = f"/_synapse/admin/v1/users/{_user(user_id)}/override_ratelimit"
        data: dict[str, int] = await self._call("GET", path)
        return data

    async def delete_ratelimit(self, user_id: str) -> None:
        """Remove the user's override: the server's rc_message applies again."""
        path = f"/_synapse/admin/v1/users/{_user(user_id)}/override_ratelimit"
        await self._call("DELETE", path)

    async def room(self, room_id: str) -> dict[str, Any]:
        """Room details: name, encryption, joined_members, creator, ..."""
        data: dict[str, Any] = await self._call("GET", f"/_synapse/admin/v1/rooms/{_room(room_id)}")
        return data

    async def room_state(self, room_id: str) -> list[dict[str, Any]]:
        """All current state events of a room."""
        data = await self._call("GET", f"/_synapse/admin/v1/rooms/{_room(room_id)}/state")
        state: list[dict[str, Any]] = data["state"]
        return state

    async def room_members(self, room_id: str) -> list[str]:
        """User IDs currently joined to a room."""
        data = await self._call("GET", f"/_synapse/admin/v1/rooms/{_room(room_id)}/members")
        members: list[str] = data["members"]
        return members

    async def memberships(self, room_id: str) -> dict[str, str]:
        """Every member state in a room: user ID -> join, invite, leave, ban."""
        return {
            event["state_key"]: event["content"]["membership"]
            for event in await self.room_state(room_id)
            if event["type"] == "m.room.member"
        }

    async def user_devices(self, user_id: str) -> list[dict[str, Any]]:
        """The devices a user has (device_id, display_name, last_seen_ts)."""
        data = await self._call("GET", f"/_synapse/admin/v2/users/{_user(user_id)}/devices")
        devices: list[dict[str, Any]] = data["devices"]
        return devices

    async def user(self, user_id: str) -> dict[str, Any]:
        """The admin view of an account (admin flag, deactivated, displayname, ...)."""
        data: dict[str, Any] = await self._call("GET", f"/_synapse/admin/v2/users/{_user(user_id)}")
        return data


async def put_state(
    server: Homeserver,
    token: str,
    room_id: str,
    event_type: str,
    content: dict[str, Any],
    state_key: str = "",
) -> str:
    """Send a state event as the token's user (it needs the power level); returns the event ID."""
    path = (
        f"/_matrix/client/v3/rooms/{_room(room_id)}/state/{event_type}/{quote(state_key, safe='')}"
    )
    _, data = await call(server.base_url, "PUT", path, token, content)
    event_id: str = data["event_id"]
    return event_id


async def make_encrypted(server: Homeserver, token: str, room_id: str) -> str:
    """Turn on Megolm encryption in a room (cannot be turned off again)."""
    content = {"algorithm": "m.megolm.v1.aes-sha2"}
    return await put_state(server, token, room_id, "m.room.encryption", content)
