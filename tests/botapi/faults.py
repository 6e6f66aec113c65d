"""Fault injection: planned errors, dropped connections and Telegram-like flood limits."""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from .errors import ApiError, describe
from .params import Params

# Methods that count against Telegram's flood limits (sending or changing messages).
LIMITED_METHODS = frozenset(
    {
        "sendmessage",
        "sendphoto",
        "senddocument",
        "copymessage",
        "forwardmessage",
        "editmessagetext",
        "editmessagereplymarkup",
    }
)


@dataclass
class Hold:
    """A call held before it takes effect, until the test releases it or the client leaves.

    A client that goes away meanwhile (a killed bot) cancels the call: it never happens.
    """

    arrived: asyncio.Event = field(default_factory=asyncio.Event)
    released: asyncio.Event = field(default_factory=asyncio.Event)

    def release(self) -> None:
        """Let the held call go on."""
        self.released.set()


@dataclass
class PlannedFault:
    """An error or a dropped connection waiting for the next calls of a method."""

    method: str  # lower-case method name, or "*" for any
    count: int
    error: ApiError | None = None
    drop: bool = False
    after_processing: bool = False  # drop only after the call took effect
    hold: Hold | None = None
    # Only calls whose parameters pass this test are affected (None: every call).
    when: Callable[[Params], bool] | None = None


class FaultPlan:
    """Faults queued by tests, consumed in order by matching calls."""

    def __init__(self) -> None:
        self._planned: list[PlannedFault] = []

    def fail_next(
        self,
        method: str,
        status: int,
        description: str | None = None,
        retry_after: int | None = None,
        count: int = 1,
        migrate_to_chat_id: int | None = None,
    ) -> None:
        """Make the next ``count`` calls of ``method`` fail with ``status``."""
        parameters: dict[str, int] = {}
        if retry_after is not None:
            parameters["retry_after"] = retry_after
            if description is None:
                description = f"Too Many Requests: retry after {retry_after}"
        if migrate_to_chat_id is not None:
            parameters["migrate_to_chat_id"] = migrate_to_chat_id
        error = ApiError(status, describe(status, description), parameters or None)
        self._planned.append(PlannedFault(method.lower(), count, error=error))

    def drop_connection_next(
        self, method: str, count: int = 1, after_processing: bool = False
    ) -> None:
        """Close the connection without an answer on the next ``count`` calls of ``method``."""
        self._planned.append(
            PlannedFault(method.lower(), count, drop=True, after_processing=after_processing)
        )

    def hold_next(
        self, method: str, count: int = 1, when: Callable[[Params], bool] | None = None
    ) -> Hold:
        """Hold the next ``count`` calls of ``method`` (that pass ``when``) until released."""
        hold = Hold()
        self._planned.append(PlannedFault(method.lower(), count, hold=hold, when=when))
        return hold

    def take(self, method: str, params: Params | None = None) -> PlannedFault | None:
        """The fault for this call of ``method`` (lower-case), if one is planned."""
        for fault in self._planned:
            if fault.when is not None and (params is None or not fault.when(params)):
                continue
            if fault.method in (method, "*"):
                fault.count -= 1
                if fault.count <= 0:
                    self._planned.remove(fault)
                return fault
        return None

    def clear(self) -> None:
        """Forget every planned fault."""
        self._planned.clear()


class _Bucket:
    """A token bucket: ``rate`` tokens a second, at most ``burst`` saved up."""

    def __init__(self, rate: float, burst: float) -> None:
        self.rate = rate
        self.burst = burst
        self.tokens = burst
        self.stamp = time.monotonic()

    def wait_needed(self, now: float) -> float:
        """Refill; returns 0.0 if a token is there, else the seconds until there is one."""
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        return 0.0 if self.tokens >= 1.0 else (1.0 - self.tokens) / self.rate


class FloodLimiter:
    """Telegram's flood control, off until a test switches it on with :meth:`configure`."""

    def __init__(self) -> None:
        self.enabled = False
        self._per_chat: tuple[float, float] = (1.0, 1.0)
        self._global: _Bucket | None = None
        self._chats: dict[int | str, _Bucket] = {}

    def configure(
        self,
        per_chat_per_second: float = 1.0,
        burst: int = 3,
        global_per_second: float | None = 30.0,
        global_burst: int | None = None,
    ) -> None:
        """Switch on limits: per chat (with ``burst`` saved up) and for the whole bot."""
        self.enabled = True
        self._per_chat = (per_chat_per_second, float(burst))
        self._chats.clear()
        self._global = None
        if global_per_second is not None:
            self._global = _Bucket(global_per_second, float(global_burst or global_per_second))

    def off(self) -> None:
        """Switch flood limits off again."""
        self.enabled = False

    def check(self, method: str, chat_key: int | str | None) -> int | None:
        """None if the call may pass, else the whole seconds of ``retry_after``."""
        if not self.enabled or method not in LIMITED_METHODS:
            return None
        now = time.monotonic()
        buckets = [] if self._global is None else [self._global]
        if chat_key is not None:
            buckets.append(self._chats.setdefault(chat_key, _Bucket(*self._per_chat)))
        wait = max((bucket.wait_needed(now) for bucket in buckets), default=0.0)
        if wait > 0.0:
            return max(1, math.ceil(wait))
        for bucket in buckets:
            bucket.tokens -= 1.0
        return None
