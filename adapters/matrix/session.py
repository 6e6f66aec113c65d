"""Logging in once and keeping the device: a stored access token is reused on the next start."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

from nio import AsyncClient, ErrorResponse, LoginResponse, WhoamiResponse

from bot.transport import ConfigError

from .settings import MatrixSettings

log = logging.getLogger(__name__)
DEVICE_NAME = "Lotse"


def _read(path: Path) -> dict[str, str] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _write(path: Path, data: dict[str, str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    # The file holds an access token: only the bot's own user may read it.
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(data, out)
    tmp.replace(path)


async def _whoami(client: AsyncClient, token: str) -> WhoamiResponse | ErrorResponse:
    client.access_token = token
    resp = await client.whoami()
    client.access_token = ""
    return resp


async def _with_token(client: AsyncClient, settings: MatrixSettings, token: str) -> None:
    who = await _whoami(client, token)
    if not isinstance(who, WhoamiResponse):
        raise ConfigError(f"matrix.access_token: the homeserver refused it ({who.status_code})")
    if who.user_id != settings.user_id:
        raise ConfigError(f"matrix.access_token: it belongs to {who.user_id}, not matrix.user_id")
    if settings.device_id and who.device_id != settings.device_id:
        raise ConfigError(
            f"matrix.device_id: the access token belongs to device {who.device_id};"
            " set that or leave device_id out"
        )
    client.restore_login(settings.user_id, who.device_id, token)


async def _with_password(client: AsyncClient, settings: MatrixSettings, password: str) -> None:
    stored = _read(settings.session_file)
    if (
        stored
        and stored.get("user_id") == settings.user_id
        and stored.get("device_id") == settings.device_id
        and stored.get("homeserver") == settings.homeserver
    ):
        who = await _whoami(client, stored["access_token"])
        if isinstance(who, WhoamiResponse) and who.device_id == settings.device_id:
            client.restore_login(settings.user_id, who.device_id, stored["access_token"])
            return
        log.info("the stored Matrix login is no longer valid; logging in again")
    client.device_id = settings.device_id
    resp = await client.login(password, device_name=DEVICE_NAME)
    if not isinstance(resp, LoginResponse):
        code = getattr(resp, "status_code", None) or "no answer"
        raise ConfigError(f"matrix.password: the homeserver refused the login ({code})")
    _write(
        settings.session_file,
        {
            "homeserver": settings.homeserver,
            "user_id": settings.user_id,
            "device_id": resp.device_id,
            "access_token": resp.access_token,
        },
    )


async def log_in(client: AsyncClient, settings: MatrixSettings) -> None:
    """Log in (or restore the stored login) so the same device and keys are used every time."""
    if settings.access_token is not None:
        await _with_token(client, settings, settings.access_token)
    else:
        assert settings.password is not None
        await _with_password(client, settings, settings.password)
    log.info("logged in to Matrix as device %s", client.device_id)
