"""Shared pytest configuration: registers the test harness plugins."""

pytest_plugins = ["tests.synapse.fixtures"]
