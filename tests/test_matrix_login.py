"""Logging in on a real Synapse: the device is kept, tokens are stored privately, errors name keys."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from adapters.matrix import create
from adapters.matrix.state import AdapterState, load, save
from bot.transport import ConfigError
from tests.synapse.homeserver import Homeserver
from tests.synapse.users import Users
from tests.test_matrix_support import section


def texts(key: str, language: str) -> str:
    return f"{key}.{language}"


async def test_a_password_login_is_stored_and_reused(
    synapse: Homeserver, matrix_users: Users, tmp_path: Path
) -> None:
    account = await matrix_users.account("lotse")
    first = create(section(synapse, account), None, tmp_path, texts)
    await first.start(_nothing, _no_files)
    await first.stop()
    stored = tmp_path / "session.json"
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    session = json.loads(stored.read_text())
    assert session["device_id"] == "LOTSEBOT" and session["user_id"] == account.user_id

    again = create(section(synapse, account), None, tmp_path, texts)
    await again.start(_nothing, _no_files)
    try:
        assert again.client.access_token == session["access_token"]  # no new login
        assert again.client.device_id == "LOTSEBOT"
    finally:
        await again.stop()
    operator = await matrix_users.admin()
    devices = {d["device_id"] for d in await operator.user_devices(account.user_id)}
    assert devices == {account.device_id, "LOTSEBOT"}


async def test_an_access_token_names_its_device(
    synapse: Homeserver, matrix_users: Users, tmp_path: Path
) -> None:
    account = await matrix_users.account("lotse")
    matrix = {"homeserver": synapse.base_url, "user_id": account.user_id}
    bot = create({**matrix, "access_token": account.access_token}, None, tmp_path, texts)
    await bot.start(_nothing, _no_files)
    try:
        assert bot.client.device_id == account.device_id
    finally:
        await bot.stop()
    wrong = create(
        {**matrix, "access_token": account.access_token, "device_id": "OTHER"},
        None,
        tmp_path / "other",
        texts,
    )
    with pytest.raises(ConfigError, match=r"matrix\.device_id"):
        await wrong.start(_nothing, _no_files)
    await wrong.client.close()


async def test_a_refused_password_names_the_key(
    synapse: Homeserver, matrix_users: Users, tmp_path: Path
) -> None:
    account = await matrix_users.account("lotse")
    bot = create({**section(synapse, account), "password": "wrong"}, None, tmp_path, texts)
    with pytest.raises(ConfigError, match=r"matrix\.password.*M_FORBIDDEN"):
        await bot.start(_nothing, _no_files)
    await bot.client.close()


def test_the_state_file_survives_and_a_broken_one_starts_afresh(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    state = load(path)
    assert state.sync_token is None and state.started_ms > 0
    state.sync_token, state.owners = "s42", {"!r": "@amal:x"}
    save(path, state)
    assert load(path) == state
    path.write_text("{broken")
    fresh = load(path)
    assert isinstance(fresh, AdapterState) and fresh.sync_token is None


async def _nothing(_msg: object) -> None:
    raise AssertionError("no message expected")


async def _no_files(_attachment: object) -> bytes:
    raise AssertionError("no file expected")
