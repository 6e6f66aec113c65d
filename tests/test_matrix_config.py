"""The matrix: section is checked with messages naming the key; errors map to delivery errors."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from nio import AsyncClient, AsyncClientConfig, RoomSendError

from adapters.matrix import create
from adapters.matrix.errors import call, failure
from adapters.matrix.settings import parse
from bot.transport import ConfigError, Rejected, RetryLater, TransientError, Unreachable

GOOD = {"homeserver": "https://matrix.kreis.de", "user_id": "@lotse:kreis.de", "password": "pw"}


def test_a_good_section(tmp_path: Path) -> None:
    settings = parse(GOOD, "!desk:kreis.de", tmp_path)
    assert (settings.device_id, settings.trust, settings.desk_room) == (
        "LOTSEBOT",
        "tofu",
        "!desk:kreis.de",
    )
    assert settings.store_dir == tmp_path / "store"
    token = parse({**GOOD, "password": None, "access_token": "syt_x"}, None, tmp_path)
    assert token.device_id is None and token.access_token == "syt_x"
    transport = create({**GOOD, "trust": "all"}, None, tmp_path, lambda key, lang: key)
    assert transport.network == "matrix"


@pytest.mark.parametrize(
    ("change", "key"),
    [
        ({"homeserver": "matrix.kreis.de"}, "matrix.homeserver"),
        ({"user_id": "lotse"}, "matrix.user_id"),
        ({"password": None}, "matrix.password"),
        ({"access_token": "syt_x"}, "matrix.password"),
        ({"device_id": "bad id!"}, "matrix.device_id"),
        ({"trust": "nobody"}, "matrix.trust"),
        ({"passwort": "x"}, "matrix.passwort"),
        ({"password": ""}, "matrix.password"),
    ],
)
def test_a_bad_section_names_the_key(change: dict[str, Any], key: str, tmp_path: Path) -> None:
    section = {k: v for k, v in {**GOOD, **change}.items() if v is not None}
    with pytest.raises(ConfigError, match=key.replace(".", r"\.")):
        parse(section, None, tmp_path)


def test_the_desk_must_be_a_room_id(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"desk\.chat"):
        parse(GOOD, "#desk:kreis.de", tmp_path)


def test_error_responses_become_delivery_errors() -> None:
    limited = RoomSendError.from_dict(
        {"errcode": "M_LIMIT_EXCEEDED", "error": "x", "retry_after_ms": 1500}, "!r:x"
    )
    retry = failure(limited, "send")
    assert isinstance(retry, RetryLater) and retry.seconds == 1.5
    assert isinstance(
        failure(RoomSendError.from_dict({"errcode": "M_FORBIDDEN", "error": "x"}, "!r:x"), "s"),
        Unreachable,
    )
    assert isinstance(
        failure(RoomSendError.from_dict({"errcode": "M_TOO_LARGE", "error": "x"}, "!r:x"), "s"),
        Rejected,
    )
    assert isinstance(
        failure(RoomSendError.from_dict({"errcode": "M_UNKNOWN_TOKEN", "error": "x"}, "!r:x"), "s"),
        TransientError,
    )


@pytest.fixture
async def homeserver_stub() -> AsyncIterator[str]:
    """A server that answers every send with 429 and only a Retry-After header (as proxies do)."""

    async def limited(_request: web.Request) -> web.Response:
        return web.json_response(
            {"errcode": "M_LIMIT_EXCEEDED"}, status=429, headers={"Retry-After": "7"}
        )

    async def broken(_request: web.Request) -> web.Response:
        return web.json_response({"errcode": "M_UNKNOWN"}, status=502)

    app = web.Application()
    app.router.add_put("/_matrix/client/v3/rooms/{room}/send/{kind}/{txn}", limited)
    app.router.add_put("/_matrix/client/v3/rooms/{room}/redact/{event}/{txn}", broken)
    runner = web.AppRunner(app, handler_cancellation=True, shutdown_timeout=1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield f"http://127.0.0.1:{port}"
    await runner.cleanup()


async def test_retry_after_header_and_server_errors_through_nio(homeserver_stub: str) -> None:
    config = AsyncClientConfig(max_limit_exceeded=0, max_timeouts=0, encryption_enabled=False)
    client = AsyncClient(homeserver_stub, "@lotse:x", config=config)
    client.restore_login("@lotse:x", "DEV", "token")
    try:
        with pytest.raises(RetryLater) as waited:
            await call(
                client.room_send("!r:x", "m.room.message", {"body": "x"}, tx_id="t1"), "send"
            )
        assert waited.value.seconds == 7
        with pytest.raises(TransientError):
            await call(client.room_redact("!r:x", "$e", tx_id="t2"), "redact")
    finally:
        await client.close()
    unreachable = AsyncClient("http://127.0.0.1:9", "@lotse:x", config=config)
    unreachable.restore_login("@lotse:x", "DEV", "token")
    try:
        with pytest.raises(TransientError):
            await call(unreachable.room_send("!r:x", "m.room.message", {}, tx_id="t3"), "send")
    finally:
        await unreachable.close()
