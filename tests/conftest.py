"""Shared fixtures: the fixture knowledge base and the engine harness."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.brain import Brain
from bot.knowledge import load
from tests.fakes import World, db_file
from tests.kb import EVAL_KNOWLEDGE

pytest_plugins = ["tests.botapi.fixture", "tests.synapse.fixtures"]


@pytest.fixture(scope="session")
def eval_brain() -> Brain:
    """The fixture knowledge base with the real matcher, built once per test session."""
    return Brain.build(load(EVAL_KNOWLEDGE))


@pytest.fixture
async def world(tmp_path: Path, eval_brain: Brain) -> AsyncIterator[World]:
    """The engine on a fresh database file with fake Telegram and Matrix networks."""
    w = await World(db_file(tmp_path), eval_brain).start()
    yield w
    await w.stop()
