"""Turning nio's returned error responses into exceptions a test can inspect."""

from __future__ import annotations

from typing import TypeVar

from nio import ErrorResponse

R = TypeVar("R")


class RequestFailed(AssertionError):
    """The homeserver refused a request; keeps nio's error response for inspection."""

    def __init__(self, action: str, response: object) -> None:
        super().__init__(f"{action} failed: {response}")
        self.response = response
        self.errcode = getattr(response, "status_code", None)
        self.retry_after_ms = getattr(response, "retry_after_ms", None)
        transport = getattr(response, "transport_response", None)
        self.http_status = getattr(transport, "status", None)


def expect(response: object, kind: type[R], action: str) -> R:
    """Return `response` if it is a `kind`, else raise RequestFailed (nio returns errors)."""
    if isinstance(response, ErrorResponse) or not isinstance(response, kind):
        raise RequestFailed(action, response)
    return response
