"""Test harness: a real Synapse homeserver, admin helpers and simulated Matrix users."""
