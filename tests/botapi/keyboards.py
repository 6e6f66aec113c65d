"""``reply_markup`` validation: inline keyboards, reply keyboards, remove and force_reply."""

from __future__ import annotations

from typing import Any

from .errors import bad_request
from .textutil import check_url

_BUTTON_KINDS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)


def _inline_button(button: Any) -> dict[str, Any]:
    """One inline button, checked like Telegram checks it."""
    prefix = "can't parse inline keyboard button: "
    if not isinstance(button, dict):
        raise bad_request(prefix + "InlineKeyboardButton must be an Object")
    if not isinstance(button.get("text"), str):
        raise bad_request(prefix + 'Field "text" must be of type String')
    kinds = [kind for kind in _BUTTON_KINDS if kind in button]
    if not kinds:
        raise bad_request(prefix + "Text buttons are unallowed in the inline keyboard")
    if "callback_data" in button:
        data = button["callback_data"]
        if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= 64:
            raise bad_request("BUTTON_DATA_INVALID")
    if "url" in button:
        url = button["url"]
        if not isinstance(url, str) or check_url(url) is None:
            raise bad_request(f"inline keyboard button URL '{url}' is invalid: Wrong HTTP URL")
    return dict(button)


def _rows(raw: Any, field: str) -> list[list[Any]]:
    """The button rows of a keyboard field, which must be an array of arrays."""
    if not isinstance(raw, list) or not all(isinstance(row, list) for row in raw):
        raise bad_request(f'field "{field}" must be an Array of Arrays')
    return raw


def parse_markup(raw: Any) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """Validate ``reply_markup``: returns (inline keyboard, other markup), either may be None.

    An inline keyboard stays attached to the message; the other kinds only change
    what the user's client shows, so they are kept apart for inspection.
    """
    if raw is None:
        return None, None
    if not isinstance(raw, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in raw:
        rows = _rows(raw["inline_keyboard"], "inline_keyboard")
        keyboard = [[_inline_button(b) for b in row] for row in rows]
        return {"inline_keyboard": [row for row in keyboard if row]}, None
    if "keyboard" in raw:
        for row in _rows(raw["keyboard"], "keyboard"):
            for button in row:
                if not isinstance(button, str | dict):
                    raise bad_request(
                        "can't parse keyboard button: KeyboardButton must be a String or an Object"
                    )
                if isinstance(button, dict) and not isinstance(button.get("text"), str):
                    raise bad_request(
                        'can\'t parse keyboard button: Field "text" must be of type String'
                    )
        return None, dict(raw)
    if raw.get("remove_keyboard") is True or raw.get("force_reply") is True:
        return None, dict(raw)
    raise bad_request("can't parse reply keyboard markup JSON object")


def has_inline_markup(raw: Any) -> bool:
    """True if ``raw`` is an inline keyboard (editMessageReplyMarkup accepts only those)."""
    return isinstance(raw, dict) and "inline_keyboard" in raw
