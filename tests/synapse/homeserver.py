"""A real Synapse process on 127.0.0.1, owned by the test that starts it."""

from __future__ import annotations

import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from . import config


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class HomeserverError(RuntimeError):
    """Synapse failed to start or died; the message carries its log tail."""


class Homeserver:
    """One Synapse: writes its config into `data_dir`, starts, stops and restarts it."""

    def __init__(
        self,
        python: Path,
        data_dir: Path,
        overrides: Mapping[str, Any] | None = None,
        log_level: str = "WARNING",
    ) -> None:
        self.python = python
        self.data_dir = data_dir
        self.overrides = dict(overrides or {})
        self.log_level = log_level
        self.server_name = config.SERVER_NAME
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None
        self.start_seconds = 0.0
        data_dir.mkdir(parents=True, exist_ok=True)
        self.secrets = config.read_secrets(self.config_path) or config.new_secrets()

    @property
    def config_path(self) -> Path:
        """homeserver.yaml inside the data dir."""
        return self.data_dir / "homeserver.yaml"

    @property
    def log_path(self) -> Path:
        """Synapse's own log file."""
        return self.data_dir / "homeserver.log"

    @property
    def console_path(self) -> Path:
        """Synapse's stdout and stderr (tracebacks before logging is set up land here)."""
        return self.data_dir / "console.log"

    @property
    def base_url(self) -> str:
        """The client-server API base URL, e.g. http://127.0.0.1:41234."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def shared_secret(self) -> str:
        """The registration shared secret (for the admin register API)."""
        return self.secrets["registration_shared_secret"]

    @property
    def running(self) -> bool:
        """True while the Synapse process is alive."""
        return self.process is not None and self.process.poll() is None

    def user_id(self, localpart: str) -> str:
        """The full Matrix ID of a local user."""
        return f"@{localpart}:{self.server_name}"

    def write_config(self) -> None:
        """Write homeserver.yaml and the log config for the current port."""
        settings = config.homeserver_config(self.data_dir, self.port, self.secrets, self.overrides)
        config.write_yaml(self.config_path, settings)
        log_settings = config.log_config(self.log_path, self.log_level)
        config.write_yaml(Path(settings["log_config"]), log_settings)

    def _synapse(self, *args: str) -> list[str]:
        return [
            str(self.python),
            "-m",
            "synapse.app.homeserver",
            "-c",
            str(self.config_path),
            *args,
        ]

    def generate_keys(self) -> None:
        """Create the signing key (once per data dir) with Synapse's own generator."""
        if (self.data_dir / "signing.key").exists():
            return
        done = subprocess.run(
            self._synapse("--generate-keys"),
            cwd=self.data_dir,
            capture_output=True,
            check=False,
            timeout=120,
        )
        if done.returncode != 0:
            output = (done.stdout + done.stderr).decode(errors="replace")[-3000:]
            raise HomeserverError(f"synapse --generate-keys failed:\n{output}")

    def start(self, timeout: float = 90.0) -> None:
        """Start Synapse and return once GET /health answers OK."""
        if self.running:
            return
        started = time.monotonic()
        # A port picked by free_port() can be taken before Synapse binds it; a
        # first start may then pick another. A restart keeps its port (clients
        # hold the URL), so there it fails loudly instead.
        attempts = 1 if self.port else 3
        for attempt in range(1, attempts + 1):
            if attempts > 1:
                self.port = free_port()
            try:
                self._launch(started + timeout)
                break
            except HomeserverError as error:
                if attempt == attempts or "Address already in use" not in str(error):
                    raise
        self.start_seconds = time.monotonic() - started

    def _launch(self, deadline: float) -> None:
        self.write_config()
        self.generate_keys()
        with self.console_path.open("ab") as console:
            # Same process group as the test run: a Ctrl-C or a CI job kill of
            # the group also ends Synapse, so no orphan keeps a port and memory.
            self.process = subprocess.Popen(
                self._synapse(),
                cwd=self.data_dir,
                stdout=console,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        try:
            self._wait_healthy(deadline)
        except BaseException:
            self.stop()
            raise

    def _wait_healthy(self, deadline: float) -> None:
        url = f"{self.base_url}/health"
        while time.monotonic() < deadline:
            if not self.running:
                raise HomeserverError(f"Synapse exited at start-up.\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200 and response.read().strip() == b"OK":
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.05)
        raise HomeserverError(f"Synapse did not answer /health in time.\n{self.log_tail()}")

    def stop(self, timeout: float = 15.0) -> None:
        """SIGTERM, wait, then SIGKILL; safe to call twice."""
        process, self.process = self.process, None
        if process is None:
            return
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)

    def restart(self, overrides: Mapping[str, Any] | None = None) -> None:
        """Stop and start again on the same port and data dir (users, rooms, media survive)."""
        self.stop()
        if overrides is not None:
            self.overrides = dict(overrides)
        self.start()

    def rss_bytes(self) -> int:
        """Resident memory of the Synapse process (0 when not running)."""
        if self.process is None:
            return 0
        try:
            status = Path(f"/proc/{self.process.pid}/status").read_text()
        except OSError:
            return 0
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
        return 0

    def log_tail(self, lines: int = 40) -> str:
        """The end of Synapse's log and console output, for error messages."""
        parts = []
        for path in (self.console_path, self.log_path):
            if path.exists():
                text = path.read_text(errors="replace").splitlines()[-lines:]
                parts.append(f"--- {path.name}\n" + "\n".join(text))
        return "\n".join(parts) or "(no Synapse output)"

    def __enter__(self) -> Homeserver:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
