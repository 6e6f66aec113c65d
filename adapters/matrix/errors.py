"""Turning matrix-nio's error responses and exceptions into the core's delivery errors."""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from typing import TypeVar

import aiohttp
from nio import ErrorResponse

from bot.transport import DeliveryError, Rejected, RetryLater, TransientError, Unreachable

R = TypeVar("R")
log = logging.getLogger(__name__)
# When a 429 names no wait (neither retry_after_ms nor a Retry-After header).
DEFAULT_RETRY_SECONDS = 5.0
GONE = ("M_FORBIDDEN", "M_NOT_FOUND", "M_UNKNOWN_ROOM")


def status(resp: ErrorResponse) -> int | None:
    """The HTTP status behind an error response, when nio kept it."""
    transport = getattr(resp, "transport_response", None)
    code = getattr(transport, "status", None)
    return code if isinstance(code, int) else None


def retry_seconds(resp: ErrorResponse) -> float:
    """How long the homeserver asked us to wait: retry_after_ms, else Retry-After, else 5 s."""
    ms = getattr(resp, "retry_after_ms", None)
    if isinstance(ms, int | float) and ms > 0:
        return ms / 1000
    transport = getattr(resp, "transport_response", None)
    header = getattr(transport, "headers", {}).get("Retry-After") if transport else None
    try:
        return max(float(header), 0.0) if header is not None else DEFAULT_RETRY_SECONDS
    except ValueError:
        return DEFAULT_RETRY_SECONDS


def is_rate_limit(resp: ErrorResponse) -> bool:
    """Tell whether the homeserver said "slow down"."""
    return resp.status_code == "M_LIMIT_EXCEEDED" or status(resp) == 429


def failure(resp: ErrorResponse, what: str) -> DeliveryError:
    """The delivery error for a refused request (``what`` names it for the log, no content)."""
    code, http = resp.status_code, status(resp)
    if is_rate_limit(resp):
        wait = retry_seconds(resp)
        log.info("the homeserver asks the bot to slow down (%s); waiting %.1f s", what, wait)
        return RetryLater(wait)
    if code in GONE or http in (403, 404):
        return Unreachable(f"{what}: {code or http}")
    if http is not None and (http >= 500 or http == 408):
        return TransientError(f"{what}: HTTP {http}")
    if code in ("M_UNKNOWN_TOKEN", "M_MISSING_TOKEN"):
        # A revoked token: nothing gets through until the admin fixes it.
        return TransientError(f"{what}: {code} (the bot's login is no longer valid)")
    if http is None and code is None:
        return TransientError(f"{what}: no answer")
    return Rejected(f"{what}: {code or http}")


async def call(request: Awaitable[R], what: str) -> R:
    """Await a nio request; raise a delivery error for error responses and network trouble."""
    try:
        resp = await request
    except (TimeoutError, aiohttp.ClientError, OSError) as exc:
        raise TransientError(f"{what}: {type(exc).__name__}") from None
    if isinstance(resp, ErrorResponse):
        raise failure(resp, what)
    return resp
