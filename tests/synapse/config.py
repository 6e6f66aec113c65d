"""The homeserver.yaml and log config a test Synapse runs with."""

from __future__ import annotations

import copy
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

SERVER_NAME = "localhost"

# Tests and the bench send bursts far above a real server's defaults; these keep
# Synapse's limiter out of the way unless a test lowers one on purpose.
_GENEROUS = {"per_second": 1000, "burst_count": 10000}
RATE_LIMITS: dict[str, Any] = {
    "rc_message": _GENEROUS,
    "rc_registration": _GENEROUS,
    "rc_login": {"address": _GENEROUS, "account": _GENEROUS, "failed_attempts": _GENEROUS},
    "rc_joins": {"local": _GENEROUS, "remote": _GENEROUS},
    "rc_joins_per_room": _GENEROUS,
    "rc_invites": {"per_room": _GENEROUS, "per_user": _GENEROUS, "per_issuer": _GENEROUS},
    "rc_room_creation": _GENEROUS,
    "rc_key_requests": _GENEROUS,
    "rc_media_create": _GENEROUS,
    "rc_3pid_validation": _GENEROUS,
    "rc_admin_redaction": _GENEROUS,
}

SECRET_KEYS = ("macaroon_secret_key", "form_secret", "registration_shared_secret")


def new_secrets() -> dict[str, str]:
    """Fresh random secrets for a new data dir."""
    return {key: secrets.token_urlsafe(32) for key in SECRET_KEYS}


def read_secrets(config_path: Path) -> dict[str, str] | None:
    """The secrets of an existing homeserver.yaml, so a restart keeps tokens valid."""
    if not config_path.exists():
        return None
    data = yaml.safe_load(config_path.read_text())
    if not isinstance(data, dict) or not all(key in data for key in SECRET_KEYS):
        return None
    return {key: str(data[key]) for key in SECRET_KEYS}


def merge(base: Mapping[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    """Deep-merge `overrides` into a copy of `base`; a None value deletes the key."""
    merged = copy.deepcopy(dict(base))
    for key, value in overrides.items():
        if value is None:
            merged.pop(key, None)
        elif isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def homeserver_config(
    data_dir: Path,
    port: int,
    server_secrets: Mapping[str, str],
    overrides: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """A minimal, offline, loopback-only Synapse config (see shared notes/real-servers.md)."""
    base: dict[str, Any] = {
        "server_name": SERVER_NAME,
        "public_baseurl": f"http://127.0.0.1:{port}/",
        "pid_file": str(data_dir / "homeserver.pid"),
        "listeners": [
            {
                "port": port,
                "bind_addresses": ["127.0.0.1"],
                "type": "http",
                "tls": False,
                "x_forwarded": False,
                "resources": [{"names": ["client"], "compress": False}],
            }
        ],
        "database": {"name": "sqlite3", "args": {"database": str(data_dir / "homeserver.db")}},
        "log_config": str(data_dir / "log.config.yaml"),
        "media_store_path": str(data_dir / "media_store"),
        "signing_key_path": str(data_dir / "signing.key"),
        "trusted_key_servers": [],
        "suppress_key_server_warning": True,
        "federation_domain_whitelist": [],
        "report_stats": False,
        "enable_metrics": False,
        "enable_registration": False,
        # Low bcrypt cost: logins are ten times faster, and these are throwaway users.
        "bcrypt_rounds": 4,
        "presence": {"enabled": False},
        "url_preview_enabled": False,
        "max_upload_size": "10M",
        **RATE_LIMITS,
        **server_secrets,
    }
    return merge(base, overrides or {})


def log_config(log_file: Path, level: str = "WARNING") -> dict[str, Any]:
    """A Python logging dictConfig: Synapse's own log goes to one file at `level`."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"plain": {"format": "%(asctime)s %(name)s %(levelname)s %(message)s"}},
        "handlers": {
            "file": {
                "class": "logging.FileHandler",
                "formatter": "plain",
                "filename": str(log_file),
                "encoding": "utf8",
            }
        },
        "root": {"level": level, "handlers": ["file"]},
    }


def write_yaml(path: Path, data: Mapping[str, Any]) -> None:
    """Write `data` as YAML (block style, keys in the given order)."""
    path.write_text(yaml.safe_dump(dict(data), sort_keys=False))
