"""Webhook delivery: POST each pending update in order, retry until the bot answers 2xx."""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any

import aiohttp

from .core import Core, WebhookState
from .dispatch import METHODS, Dropped, invoke
from .errors import ApiError
from .params import Params

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class WebhookPusher:
    """A background task that delivers pending updates while a webhook is set."""

    def __init__(self, core: Core, retry_delay: float = 0.05, timeout: float = 10.0) -> None:
        self.core = core
        self.retry_delay = retry_delay
        self.timeout = timeout
        self._task: asyncio.Task[None] | None = None
        self._session: aiohttp.ClientSession | None = None

    def start(self) -> None:
        """Start delivering (idle while no webhook is set)."""
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.timeout))
        self._task = asyncio.create_task(self._run(), name="botapi-webhook")

    async def stop(self) -> None:
        """Stop delivering and close the HTTP client."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def _run(self) -> None:
        """Deliver the oldest pending update whenever there is one and a webhook is set."""
        queue = self.core.updates
        while True:
            hook = self.core.webhook
            if hook is None or not queue.pending:
                await queue.signal.wait(1.0)
                continue
            update = queue.pending[0]
            status = await self._post(hook, update)
            hook.deliveries.append((update["update_id"], status))
            if 200 <= status < 300:
                if queue.pending and queue.pending[0] is update:
                    queue.pop_first()
            else:
                await asyncio.sleep(self.retry_delay)
            self.core.notify()

    async def _post(self, hook: WebhookState, update: dict[str, Any]) -> int:
        """POST one update; returns the HTTP status, 0 when the connection failed."""
        assert self._session is not None
        headers = {"Content-Type": "application/json"}
        if hook.secret_token:
            headers[SECRET_HEADER] = hook.secret_token
        try:
            async with self._session.post(
                hook.url, data=json.dumps(update), headers=headers
            ) as response:
                body = await response.read()
                if 200 <= response.status < 300:
                    await self._reply_call(response.content_type, body)
                    return response.status
                message = f"Wrong response from the webhook: {response.status} {response.reason}"
                status = response.status
        except TimeoutError:
            message, status = "Read timeout expired", 0
        except aiohttp.ClientError as error:
            message, status = f"Connection failed: {error.__class__.__name__}", 0
        hook.last_error_date = self.core.clock.stamp()
        hook.last_error_message = message
        return status

    async def _reply_call(self, content_type: str, body: bytes) -> None:
        """Run a method the bot put into its webhook answer, as Telegram allows."""
        if content_type != "application/json" or not body:
            return
        try:
            call = json.loads(body)
        except ValueError:
            return
        if not isinstance(call, dict) or str(call.get("method", "")).lower() not in METHODS:
            return
        params = Params({k: v for k, v in call.items() if k != "method"})
        with contextlib.suppress(ApiError, Dropped):
            await invoke(self.core, str(call["method"]), params, via="webhook-reply")
