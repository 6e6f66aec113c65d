"""Inline keyboards whose callback data is signed, so forged or foreign presses are refused."""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.messages import Choice

log = logging.getLogger(__name__)
# Telegram carries at most 64 bytes of callback data.
MAX_DATA = 64
_TAG_BYTES = 8
TAG_LENGTH = 11  # base64 of 8 bytes without padding
# What the engine receives for a press it must refuse: no handler knows this payload, so the
# user is told the button has expired and nothing else changes.
EXPIRED = "expired"
# Buttons with labels up to this long share a row (languages, short place names).
PAIR_LABEL = 18


class ButtonSigner:
    """Signs a choice's payload together with the chat it is shown in (HMAC-SHA256)."""

    def __init__(self, secret: bytes) -> None:
        self._key = hashlib.sha256(b"lotse-telegram-buttons\0" + secret).digest()

    def _tag(self, chat_id: int, payload: str) -> str:
        mac = hmac.new(self._key, f"{chat_id}\0{payload}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(mac[:_TAG_BYTES]).decode().rstrip("=")

    def sign(self, chat_id: int, payload: str) -> str | None:
        """Callback data for a button in ``chat_id``; None if the payload is too long."""
        data = self._tag(chat_id, payload) + payload
        return data if len(data.encode()) <= MAX_DATA else None

    def verify(self, chat_id: int, data: str | None) -> str:
        """The payload of a pressed button, or :data:`EXPIRED` if it was not signed by us here."""
        if not data or len(data) <= TAG_LENGTH:
            return EXPIRED
        tag, payload = data[:TAG_LENGTH], data[TAG_LENGTH:]
        if hmac.compare_digest(tag.encode(), self._tag(chat_id, payload).encode()):
            return payload
        return EXPIRED


def _label(choice: Choice, number: int | None) -> str:
    # Options are numbered so a user can also type the number ("2") instead of pressing.
    return f"{number}. {choice.label}" if number is not None else choice.label


def _rows(choices: Sequence[Choice]) -> list[list[tuple[Choice, int | None]]]:
    """Lay buttons out: languages and short regions two per row, feedback side by side."""
    rows: list[list[tuple[Choice, int | None]]] = []
    number = 0
    for choice in choices:
        if choice.kind == "option":
            number += 1
            rows.append([(choice, number)])
            continue
        last = rows[-1] if rows else None
        same = last is not None and last[0][0].kind == choice.kind
        short = len(choice.label) <= PAIR_LABEL and all(
            len(c.label) <= PAIR_LABEL for c, _ in last or []
        )
        if (
            last is not None
            and same
            and (
                choice.kind == "feedback"
                or (choice.kind in ("language", "region") and short and len(last) == 1)
            )
        ):
            last.append((choice, None))
        else:
            rows.append([(choice, None)])
    return rows


def keyboard(
    choices: Sequence[Choice], chat_id: int, signer: ButtonSigner
) -> InlineKeyboardMarkup | None:
    """The inline keyboard for ``choices`` in ``chat_id`` (None when there are none)."""
    rows = []
    for row in _rows(choices):
        buttons = []
        for choice, number in row:
            data = signer.sign(chat_id, choice.payload)
            if data is None:
                log.error("a %s button's payload is too long for Telegram; left out", choice.kind)
                continue
            buttons.append(InlineKeyboardButton(_label(choice, number), callback_data=data))
        if buttons:
            rows.append(buttons)
    return InlineKeyboardMarkup(rows) if rows else None


def after_press(
    markup: InlineKeyboardMarkup | None, payload: str, chat_id: int, signer: ButtonSigner
) -> InlineKeyboardMarkup | None:
    """The keyboard left on a message once one of its buttons was pressed.

    Feedback ("did this help?") only takes its own two buttons away, since the related
    entries offered with it stay valid; any other press makes the whole keyboard stale.
    """
    if markup is None or not payload.startswith("fb:"):
        return None
    rows = []
    for row in markup.inline_keyboard:
        kept = [
            b
            for b in row
            if isinstance(b.callback_data, str)
            and not signer.verify(chat_id, b.callback_data).startswith("fb:")
        ]
        if kept:
            rows.append(kept)
    return InlineKeyboardMarkup(rows) if rows else None
