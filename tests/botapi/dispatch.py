"""HTTP front: routes, token checks, method lookup, faults, flood limits, the request log."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from . import methods_chat, methods_edit, methods_forum, methods_send, methods_updates
from .core import Core, Described, RequestRecord
from .errors import ApiError, not_found, too_many_requests, unauthorized
from .params import Params, read_params

Handler = Callable[[Core, Params], Awaitable[Any]]
CORE_KEY = web.AppKey("core", Core)
_TOKEN_SHAPE = re.compile(r"^\d+:[A-Za-z0-9_-]{30,}$")

# Method names are case-insensitive in the Bot API; keep the canonical spelling for the log.
METHODS: dict[str, tuple[str, Handler]] = {
    name.lower(): (name, handler)
    for module in (methods_updates, methods_send, methods_edit, methods_chat, methods_forum)
    for name, handler in module.METHODS.items()
}


class Dropped(Exception):
    """A planned network failure: the connection closes without an answer."""


def _chat_key(p: Params) -> int | str | None:
    """The chat a call addresses, for per-chat flood limits."""
    try:
        return p.chat_id() if p.has("chat_id") else None
    except ApiError:
        return None


async def invoke(core: Core, name: str, p: Params, via: str = "http") -> Any:
    """Run method ``name`` (any case) with faults, flood limits and logging applied."""
    canonical, handler = METHODS[name.lower()]
    record = RequestRecord(canonical, p.loggable(), 0, via=via)
    core.request_log.append(record)
    try:
        fault = core.faults.take(name.lower(), p)
        if fault is not None and fault.hold is not None:
            fault.hold.arrived.set()
            core.notify()
            await fault.hold.released.wait()
        if fault is not None and fault.drop and not fault.after_processing:
            raise Dropped
        if fault is not None and fault.error is not None:
            raise fault.error
        retry_after = core.flood.check(name.lower(), _chat_key(p))
        if retry_after is not None:
            raise too_many_requests(retry_after)
        result = await handler(core, p)
        if fault is not None and fault.drop:
            raise Dropped
        record.status = 200
        return result
    except ApiError as error:
        record.status, record.description = error.status, error.description
        raise
    except Dropped:
        record.description = "connection dropped"
        raise
    except asyncio.CancelledError:
        record.description = "cancelled by the client"
        raise
    finally:
        core.notify()


def _answer(body: dict[str, Any], status: int = 200) -> web.Response:
    """A JSON answer the way Telegram sends it."""
    return web.Response(
        status=status, body=json.dumps(body).encode(), content_type="application/json"
    )


def success_body(result: Any) -> dict[str, Any]:
    """The ``{"ok": true, "result": ...}`` body, with a description where Telegram adds one."""
    if isinstance(result, Described):
        return {"ok": True, "result": result.result, "description": result.description}
    return {"ok": True, "result": result}


def _check_token(core: Core, token: str) -> ApiError | None:
    """None for the right token; else 401 for a well-formed token, 404 for garbage."""
    if token == core.token:
        return None
    return unauthorized() if _TOKEN_SHAPE.match(token) else not_found()


async def handle_method(request: web.Request) -> web.StreamResponse:
    """``/bot<token>/<method>``: every Bot API call."""
    core = request.app[CORE_KEY]
    error = _check_token(core, request.match_info["token"])
    name = request.match_info["method"]
    if error is None and name.lower() not in METHODS:
        error = not_found()
    if error is not None:
        return _answer(error.body(), error.status)
    try:
        params = await read_params(request)
        result = await invoke(core, name, params)
    except ApiError as failure:
        return _answer(failure.body(), failure.status)
    except Dropped:
        if request.transport is not None:
            request.transport.abort()
        raise asyncio.CancelledError from None
    return _answer(success_body(result))


async def handle_file(request: web.Request) -> web.StreamResponse:
    """``/file/bot<token>/<file_path>``: downloads of files published by getFile."""
    core = request.app[CORE_KEY]
    error = _check_token(core, request.match_info["token"])
    stored = core.files.by_path(request.match_info["path"]) if error is None else None
    if stored is None:
        failure = error or not_found()
        return _answer(failure.body(), failure.status)
    return web.Response(body=stored.data, content_type="application/octet-stream")


def build_app(core: Core) -> web.Application:
    """The aiohttp application serving the Bot API and file downloads."""
    app = web.Application(client_max_size=60 * 1024 * 1024)
    app[CORE_KEY] = core
    app.router.add_route("*", "/bot{token}/{method}", handle_method)
    app.router.add_get("/file/bot{token}/{path:.+}", handle_file)
    return app
