"""pytest fixtures: one Synapse per session, fresh users per test, extra servers on demand.

Registered from tests/conftest.py with `pytest_plugins = ["tests.synapse.fixtures"]`.
All async fixtures are function-scoped; the session-scoped server is synchronous
(a subprocess plus a blocking /health poll), so it needs no session event loop.
"""

from __future__ import annotations

import os
import sys
from collections.abc import AsyncIterator, Callable, Generator, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from .homeserver import Homeserver
from .install import ensure_synapse
from .users import Users

Report = Callable[[str], None]
StartServer = Callable[..., Homeserver]


def reporter(config: pytest.Config) -> Report:
    """Print progress past pytest's output capture (a cold install takes a while)."""
    capture = config.pluginmanager.getplugin("capturemanager")
    terminal = config.pluginmanager.getplugin("terminalreporter")

    def report(message: str) -> None:
        if capture is None or terminal is None:
            print(message, file=sys.stderr, flush=True)
            return
        with capture.global_and_fixture_disabled():
            # write_line starts a fresh line when a row of test dots is open.
            terminal.write_line(message)

    return report


def start_homeserver(
    data_dir: Path, overrides: Mapping[str, Any] | None = None, report: Report | None = None
) -> Homeserver:
    """Install Synapse if needed, then start one on a free loopback port with `overrides`."""
    python = ensure_synapse(progress=report) if report else ensure_synapse()
    # LOTSE_SYNAPSE_LOG_LEVEL=INFO shows every request in homeserver.log when debugging.
    level = os.environ.get("LOTSE_SYNAPSE_LOG_LEVEL", "WARNING")
    server = Homeserver(python, data_dir, overrides, log_level=level)
    server.start()
    if report:
        report(f"[synapse] homeserver up at {server.base_url} in {server.start_seconds:.1f} s")
    return server


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Attach the shared homeserver's log tail to a failed test's report."""
    report: pytest.TestReport = yield
    server = getattr(item, "funcargs", {}).get("synapse")
    if report.failed and isinstance(server, Homeserver):
        report.sections.append(("synapse log", server.log_tail()))
    return report


@pytest.fixture(scope="session")
def synapse(
    pytestconfig: pytest.Config, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Homeserver]:
    """The session's shared homeserver, started the first time a test asks for it."""
    server = start_homeserver(tmp_path_factory.mktemp("synapse"), report=reporter(pytestconfig))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
async def matrix_users(synapse: Homeserver, tmp_path: Path) -> AsyncIterator[Users]:
    """Fresh accounts and started Persons on the shared homeserver, closed after the test."""
    async with Users(synapse, tmp_path / "stores") as users:
        yield users


@contextmanager
def homeserver_pool(config: pytest.Config, tmp: pytest.TempPathFactory) -> Iterator[StartServer]:
    """A `start(overrides)` callable; every server it started is stopped on exit."""
    started: list[Homeserver] = []

    def start(overrides: Mapping[str, Any] | None = None) -> Homeserver:
        server = start_homeserver(tmp.mktemp("synapse-extra"), overrides, reporter(config))
        started.append(server)
        return server

    try:
        yield start
    finally:
        for server in started:
            server.stop()


@pytest.fixture
def synapse_factory(
    pytestconfig: pytest.Config, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[StartServer]:
    """Extra homeservers with config overrides (e.g. a low rc_message), stopped after the test."""
    with homeserver_pool(pytestconfig, tmp_path_factory) as start:
        yield start


@pytest.fixture(scope="module")
def module_synapse_factory(
    pytestconfig: pytest.Config, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[StartServer]:
    """Like synapse_factory, but the servers live until the test module ends."""
    with homeserver_pool(pytestconfig, tmp_path_factory) as start:
        yield start
