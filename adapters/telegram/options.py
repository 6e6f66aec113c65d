"""The ``telegram:`` configuration section, checked and turned into typed options."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from bot.transport import ConfigError

_TOKEN = re.compile(r"^\d{3,20}:[A-Za-z0-9_-]{30,}$")
# Telegram allows 1-256 of these characters in a webhook's secret token.
_SECRET_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
TELEGRAM_API = "https://api.telegram.org/bot"
MIN_BUTTON_SECRET = 16


@dataclass(frozen=True, slots=True)
class WebhookOptions:
    """Where the bot listens for Telegram's webhook calls and what Telegram must send."""

    listen: str
    port: int
    url: str
    secret_token: str

    @property
    def path(self) -> str:
        """The path part of the public URL, which the local server answers on."""
        return urlsplit(self.url).path or "/"


@dataclass(frozen=True, slots=True)
class TelegramOptions:
    """Everything the Telegram adapter needs from the configuration."""

    token: str
    button_secret: bytes
    desk_chat: int | None = None
    mode: str = "polling"
    webhook: WebhookOptions | None = None
    api_url: str = TELEGRAM_API
    file_url: str | None = None
    poll_timeout: int = 30

    @property
    def bot_id(self) -> int:
        """The bot's numeric user id (the part of the token before the colon)."""
        return int(self.token.split(":", 1)[0])


def _fail(key: str, message: str) -> ConfigError:
    return ConfigError(f"telegram.{key}: {message}")


def _text(section: Mapping[str, Any], key: str, where: str) -> str:
    value = section.get(key)
    if not isinstance(value, str) or not value.strip():
        raise _fail(where, "missing; see config.example.yaml")
    return value.strip()


def _webhook(section: Mapping[str, Any]) -> WebhookOptions:
    raw = section.get("webhook")
    if not isinstance(raw, Mapping):
        raise _fail("webhook", "mode webhook needs a webhook section (listen, port, url)")
    url = _text(raw, "url", "webhook.url")
    if urlsplit(url).scheme not in ("https", "http"):
        raise _fail("webhook.url", "must be the public https:// address Telegram calls")
    secret = _text(raw, "secret_token", "webhook.secret_token")
    if not _SECRET_TOKEN.match(secret):
        raise _fail("webhook.secret_token", "use 1-256 characters A-Z, a-z, 0-9, _ and -")
    port = raw.get("port", 8443)
    if not isinstance(port, int) or not 0 < port < 65536:
        raise _fail("webhook.port", "must be a port number")
    return WebhookOptions(str(raw.get("listen", "127.0.0.1")), port, url, secret)


def read_options(section: Mapping[str, Any], desk_chat: str | None) -> TelegramOptions:
    """Check the section (``${ENV}`` already resolved); raise ConfigError naming the key."""
    known = {"token", "mode", "button_secret", "webhook", "api_url", "file_url", "poll_timeout"}
    for key in section:
        if key not in known:
            raise _fail(str(key), f"unknown key; known keys: {', '.join(sorted(known))}")
    token = _text(section, "token", "token")
    if not _TOKEN.match(token):
        # Never echo the value: it may be a real token with a typo.
        raise _fail("token", "does not look like a bot token from @BotFather (digits:letters)")
    secret = _text(section, "button_secret", "button_secret")
    if len(secret) < MIN_BUTTON_SECRET:
        raise _fail("button_secret", f"use at least {MIN_BUTTON_SECRET} random characters")
    mode = section.get("mode", "polling")
    if mode not in ("polling", "webhook"):
        raise _fail("mode", "must be polling or webhook")
    desk: int | None = None
    if desk_chat is not None:
        try:
            desk = int(desk_chat)
        except ValueError:
            raise ConfigError(
                "desk.chat: a Telegram desk is the group's numeric id, e.g. -1001234567890"
            ) from None
        if desk >= 0:
            raise ConfigError("desk.chat: a Telegram group id is negative (it starts with -100)")
    api_url = str(section.get("api_url") or TELEGRAM_API).rstrip("/")
    if urlsplit(api_url).scheme not in ("https", "http"):
        raise _fail("api_url", "must be an http(s) address ending in /bot")
    file_url = section.get("file_url")
    if file_url is None and api_url.endswith("/bot"):
        file_url = api_url.removesuffix("/bot") + "/file/bot"
    poll_timeout = section.get("poll_timeout", 30)
    if not isinstance(poll_timeout, int) or not 1 <= poll_timeout <= 50:
        raise _fail("poll_timeout", "must be whole seconds between 1 and 50")
    return TelegramOptions(
        token=token,
        button_secret=secret.encode(),
        desk_chat=desk,
        mode=mode,
        webhook=_webhook(section) if mode == "webhook" else None,
        api_url=api_url,
        file_url=str(file_url) if file_url else None,
        poll_timeout=poll_timeout,
    )
