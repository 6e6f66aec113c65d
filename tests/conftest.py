"""Shared pytest configuration."""

pytest_plugins = ["tests.botapi.fixture"]
