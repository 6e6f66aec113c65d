"""Reading ``config.yaml``: secrets from the environment, placeholders refused by key."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from bot import hours
from bot.messages import ChatRef
from bot.settings import Settings
from bot.transport import ConfigError
from bot.yamlfile import LineDict, YamlError, read_yaml

_ENV = re.compile(r"^\$\{([A-Z_][A-Z0-9_]*)\}$")
# Values copied unchanged from config.example.yaml must not reach a network.
PLACEHOLDER = re.compile(r"CHANGE_ME|example\.org|-1001234567890|(?<!\d)123456789(?!\d)")
NETWORKS = ("telegram", "matrix")


@dataclass(frozen=True)
class Config:
    """The whole configuration: core settings plus one raw section per adapter."""

    path: Path
    knowledge: Path
    database: Path
    data_dir: Path
    log_level: str
    settings: Settings
    adapters: dict[str, dict[str, Any]] = field(default_factory=dict)


class _Reader:
    def __init__(self, path: Path, raw: LineDict) -> None:
        self.path, self.raw = path, raw

    def fail(self, node: LineDict, key: str, where: str, message: str) -> ConfigError:
        return ConfigError(f"{self.path}:{node.line_of(key)} {where}: {message}")

    def resolve(self, node: LineDict, key: str, where: str) -> Any:
        """Return a value with ``${VAR}`` taken from the environment, refusing placeholders."""
        value = node.get(key)
        if isinstance(value, LineDict):
            return {k: self.resolve(value, k, f"{where}.{k}") for k in value}
        if isinstance(value, list):
            return [self._scalar(node, key, where, v) for v in value]
        return self._scalar(node, key, where, value)

    def _scalar(self, node: LineDict, key: str, where: str, value: Any) -> Any:
        if isinstance(value, str):
            env = _ENV.match(value.strip())
            if env:
                name = env.group(1)
                if not os.environ.get(name):
                    raise self.fail(node, key, where, f"set the environment variable {name}")
                value = os.environ[name]
            if PLACEHOLDER.search(value):
                raise self.fail(
                    node, key, where, f"still the example value '{value}'; put yours here"
                )
        return value

    def section(self, key: str) -> LineDict:
        node = self.raw.get(key)
        if node is None:
            empty = LineDict()
            empty.line, empty.key_lines = self.raw.line_of(key), {}
            return empty
        if not isinstance(node, LineDict):
            raise self.fail(self.raw, key, key, "must be a mapping")
        return node


def _settings(r: _Reader) -> tuple[Settings, str | None]:
    desk = r.section("desk")
    network = r.resolve(desk, "network", "desk.network") if "network" in desk else None
    chat = r.resolve(desk, "chat", "desk.chat") if "chat" in desk else None
    if (network is None) != (chat is None):
        raise r.fail(
            desk, "network" if network is None else "chat", "desk", "needs both network and chat"
        )
    if network is not None and network not in NETWORKS:
        raise r.fail(desk, "network", "desk.network", f"must be one of {', '.join(NETWORKS)}")
    staff = r.resolve(desk, "staff", "desk.staff") or []
    for member in staff:
        if not isinstance(member, str) or member.split(":", 1)[0] not in NETWORKS:
            raise r.fail(desk, "staff", "desk.staff", f"'{member}' must look like telegram:12345")
    desk_hours = r.resolve(desk, "hours", "desk.hours")
    if desk_hours is not None:
        try:
            hours.check(str(desk_hours))
        except hours.HoursError as exc:
            raise r.fail(desk, "hours", "desk.hours", str(exc)) from None
    label = desk.get("staff_label", "first_name")
    if label not in ("first_name", "role"):
        raise r.fail(desk, "staff_label", "desk.staff_label", "must be first_name or role")
    settings = Settings(
        desk=ChatRef(str(network), str(chat)) if network is not None else None,
        desk_language=str(desk.get("language", "de")),
        staff=frozenset(str(s) for s in staff),
        staff_by_membership=bool(desk.get("staff_by_membership", False)),
        staff_label=label,
        desk_hours=str(desk_hours) if desk_hours else None,
        remind_after=timedelta(minutes=float(desk.get("remind_after_minutes", 15))),
        retention=timedelta(days=int(r.raw.get("retention_days", 90))),
        default_language=str(r.raw.get("default_language", "de")),
    )
    return settings, network


def load_config(path: Path | str) -> Config:
    """Read and check a configuration file; raise :class:`ConfigError` naming file, line and key."""
    path = Path(path)
    try:
        raw = read_yaml(path)
    except FileNotFoundError:
        raise ConfigError(f"{path}: not found; copy config.example.yaml and edit it") from None
    except YamlError as exc:
        raise ConfigError(f"{path}:{exc.line}: {exc.message}") from None
    if not isinstance(raw, LineDict):
        raise ConfigError(f"{path}:1: the configuration must be a mapping")
    r = _Reader(path, raw)
    base = path.parent
    settings, desk_network = _settings(r)
    adapters = {n: r.resolve(raw, n, n) for n in NETWORKS if raw.get(n) is not None}
    if desk_network is not None and desk_network not in adapters:
        raise r.fail(raw, "desk", "desk.network", f"'{desk_network}' has no section of its own")
    return Config(
        path=path,
        knowledge=base / str(raw.get("knowledge", "knowledge")),
        database=base / str(raw.get("database", "data/lotse.sqlite3")),
        data_dir=base / str(raw.get("data_dir", "data")),
        log_level=str(raw.get("log_level", "INFO")),
        settings=settings,
        adapters=adapters,
    )
