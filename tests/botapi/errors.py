"""Bot API errors in the exact shape Telegram sends them."""

from __future__ import annotations

from typing import Any

_PREFIX = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
}


class ApiError(Exception):
    """A failed method call: HTTP status, Telegram's description, optional parameters."""

    def __init__(
        self, status: int, description: str, parameters: dict[str, Any] | None = None
    ) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def body(self) -> dict[str, Any]:
        """The JSON body Telegram answers with."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def describe(status: int, message: str | None) -> str:
    """Telegram's description for ``status``: the prefix, then the message if any."""
    prefix = _PREFIX.get(status, "Bad Request")
    if not message:
        return prefix
    if message.startswith(prefix):
        return message
    return f"{prefix}: {message}"


def bad_request(message: str) -> ApiError:
    """A 400 error, e.g. ``bad_request("chat not found")``."""
    return ApiError(400, describe(400, message))


def forbidden(message: str) -> ApiError:
    """A 403 error, e.g. ``forbidden("bot was blocked by the user")``."""
    return ApiError(403, describe(403, message))


def conflict(message: str) -> ApiError:
    """A 409 error, as for getUpdates while a webhook is set."""
    return ApiError(409, describe(409, message))


def too_many_requests(retry_after: int) -> ApiError:
    """A 429 flood-wait error with ``parameters.retry_after``."""
    return ApiError(
        429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
    )


def chat_migrated(new_chat_id: int) -> ApiError:
    """The 400 error for sends to a group that became a supergroup."""
    return ApiError(
        400,
        "Bad Request: group chat was upgraded to a supergroup chat",
        {"migrate_to_chat_id": new_chat_id},
    )


def not_found() -> ApiError:
    """The 404 answer for unknown methods and malformed tokens."""
    return ApiError(404, "Not Found")


def unauthorized() -> ApiError:
    """The 401 answer for a well-formed but wrong token."""
    return ApiError(401, "Unauthorized")


def chat_not_found() -> ApiError:
    """The 400 error for a chat the bot does not know."""
    return bad_request("chat not found")
