"""The ``matrix:`` configuration section, checked and turned into one frozen value."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from bot.transport import ConfigError

Trust = Literal["tofu", "all"]
TRUST_MODES: tuple[Trust, ...] = ("tofu", "all")
KEYS = ("homeserver", "user_id", "password", "access_token", "device_id", "trust")
_USER = re.compile(r"^@[^:\s]+:[^\s]+$")
# Room version 12 ids have no server part ("!abc"); older ones do ("!abc:example.org").
_ROOM = re.compile(r"^![^\s:]+(:[^\s]+)?$")
_DEVICE = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
DEFAULT_DEVICE = "LOTSEBOT"


@dataclass(frozen=True, slots=True)
class MatrixSettings:
    """Where and as whom the bot logs in, how it trusts devices, and where it keeps state."""

    homeserver: str
    user_id: str
    password: str | None
    access_token: str | None
    # None with an access token: the token already names its device.
    device_id: str | None
    trust: Trust
    desk_room: str | None
    data_dir: Path

    @property
    def store_dir(self) -> Path:
        """The encryption store (Olm account, Megolm sessions, device trust)."""
        return self.data_dir / "store"

    @property
    def session_file(self) -> Path:
        """The access token and device of a password login, reused on the next start."""
        return self.data_dir / "session.json"

    @property
    def state_file(self) -> Path:
        """The sync position and the adapter's small memory (menus, shared rooms)."""
        return self.data_dir / "state.json"


def _text(section: Mapping[str, Any], key: str) -> str | None:
    value = section.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"matrix.{key}: must be a non-empty text")
    return value.strip()


def parse(section: Mapping[str, Any], desk_chat: str | None, data_dir: Path) -> MatrixSettings:
    """Check the section; raise :class:`ConfigError` naming the key at fault."""
    if not isinstance(section, Mapping):
        raise ConfigError("matrix: must be a mapping (see config.example.yaml)")
    unknown = sorted(set(section) - set(KEYS))
    if unknown:
        raise ConfigError(f"matrix.{unknown[0]}: unknown key (known: {', '.join(KEYS)})")
    homeserver = _text(section, "homeserver")
    if homeserver is None or not homeserver.startswith(("https://", "http://")):
        raise ConfigError(
            "matrix.homeserver: the homeserver's URL, e.g. https://matrix.example.org"
        )
    user_id = _text(section, "user_id")
    if user_id is None or not _USER.match(user_id):
        raise ConfigError("matrix.user_id: the bot's full Matrix ID, e.g. @lotse:example.org")
    password, token = _text(section, "password"), _text(section, "access_token")
    if (password is None) == (token is None):
        raise ConfigError("matrix.password: set either password or access_token (one of them)")
    device_id = _text(section, "device_id")
    if device_id is not None and not _DEVICE.match(device_id):
        raise ConfigError("matrix.device_id: letters, digits, '_', '-' and '.' only")
    if device_id is None and password is not None:
        device_id = DEFAULT_DEVICE
    trust = section.get("trust", "tofu")
    if trust not in TRUST_MODES:
        raise ConfigError(f"matrix.trust: must be one of {', '.join(TRUST_MODES)}")
    if desk_chat is not None and not _ROOM.match(desk_chat):
        raise ConfigError("desk.chat: a Matrix room id, e.g. '!abc123:example.org'")
    return MatrixSettings(
        homeserver=homeserver.rstrip("/"),
        user_id=user_id,
        password=password,
        access_token=token,
        device_id=device_id,
        trust=trust,
        desk_room=desk_chat,
        data_dir=data_dir,
    )
