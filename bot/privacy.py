"""Keeping personal data out of logs and reports: masking, and log filters."""

from __future__ import annotations

import logging
import re

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_URLISH_TOKEN = re.compile(r"(?<!\d)\d{6,12}:[A-Za-z0-9_-]{30,}")
_MATRIX_TOKEN = re.compile(r"\bsy[td]_[A-Za-z0-9_=-]{10,}")
_PHONE = re.compile(r"(?<![\w])\+?\d[\d\s/().-]{5,}\d")
_NUMBER = re.compile(r"\d{3,}")
_MXID = re.compile(r"@[\w.=+/-]+:[\w.-]+")


def mask(text: str) -> str:
    """Mask e-mail addresses, phone numbers, Matrix ids and long numbers (file numbers, dates)."""
    text = _EMAIL.sub("[email]", text)
    text = _MXID.sub("[user]", text)
    text = _PHONE.sub("[phone]", text)
    return _NUMBER.sub("[number]", text)


def redact_secrets(text: str) -> str:
    """Replace anything that looks like a bot token or access token."""
    return _MATRIX_TOKEN.sub("[token]", _URLISH_TOKEN.sub("[token]", text))


class SecretFilter(logging.Filter):
    """Scrub tokens from every log record, whatever library wrote it."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's message without secrets; never drop it."""
        message = record.getMessage()
        clean = redact_secrets(message)
        if clean != message:
            record.msg, record.args = clean, None
        return True


def configure_logging(level: str = "INFO") -> None:
    """Log to stderr at ``level``, with tokens scrubbed and chatty HTTP loggers quiet."""
    handler = logging.StreamHandler()
    handler.addFilter(SecretFilter())
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # httpx logs every request URL at INFO, and Telegram's URLs contain the bot token.
    for name in (
        "httpx",
        "httpcore",
        "telegram.ext.Updater",
        "nio.rooms",
        "nio.crypto",
        "aiohttp.access",
    ):
        logging.getLogger(name).setLevel(max(logging.WARNING, root.level))
