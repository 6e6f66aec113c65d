"""Installs a pinned Synapse into its own virtualenv under `.cache/`, once."""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

# Pinned exactly: the newest 1.x that installed here. Bump deliberately and run
# the harness tests; the stamp below makes every checkout reinstall on a bump.
SYNAPSE_VERSION = "1.163.2"

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_VENV = PROJECT_ROOT / ".cache" / "synapse-venv"
STAMP_NAME = ".lotse-synapse-stamp"

Progress = Callable[[str], None]


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def venv_python(venv: Path) -> Path:
    """The interpreter inside a virtualenv (POSIX layout)."""
    return venv / "bin" / "python"


def wanted_stamp() -> str:
    """What the stamp file must say for a venv to be reused."""
    py = f"{sys.version_info.major}.{sys.version_info.minor}"
    return f"matrix-synapse=={SYNAPSE_VERSION} python{py}\n"


def is_ready(venv: Path) -> bool:
    """True when `venv` holds a finished install of the pinned version."""
    stamp = venv / STAMP_NAME
    try:
        return stamp.read_text() == wanted_stamp() and venv_python(venv).exists()
    except OSError:
        return False


@contextmanager
def _install_lock(venv: Path) -> Iterator[None]:
    """Serialise installers (parallel pytest workers, a bench run) on one lock file."""
    venv.parent.mkdir(parents=True, exist_ok=True)
    with (venv.parent / f"{venv.name}.lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _run(cmd: list[str], log: Path) -> None:
    with log.open("a") as out:
        out.write(f"$ {' '.join(cmd)}\n")
        out.flush()
        done = subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT, check=False)
    if done.returncode != 0:
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-30:])
        raise RuntimeError(f"Synapse install step failed ({done.returncode}): {cmd}\n{tail}")


def ensure_synapse(venv: Path | None = None, progress: Progress = _stderr) -> Path:
    """Return the Python of a venv holding the pinned Synapse, installing it if needed."""
    venv = venv or Path(os.environ.get("LOTSE_SYNAPSE_VENV", DEFAULT_VENV))
    if is_ready(venv):
        return venv_python(venv)
    with _install_lock(venv):
        if is_ready(venv):  # another process finished it while we waited
            return venv_python(venv)
        started = time.monotonic()
        progress(f"[synapse] installing matrix-synapse=={SYNAPSE_VERSION} into {venv} (once)")
        # Whatever is there is a half-finished or outdated install: start clean.
        if venv.exists():
            shutil.rmtree(venv)
        log = venv.parent / f"{venv.name}.install.log"
        log.write_text("")
        progress("[synapse] creating virtualenv")
        _run([sys.executable, "-m", "venv", str(venv)], log)
        progress("[synapse] pip install (about 20-40 s on a cold machine)")
        pip = [str(venv_python(venv)), "-m", "pip", "--disable-pip-version-check", "--no-input"]
        _run([*pip, "install", "--quiet", f"matrix-synapse=={SYNAPSE_VERSION}"], log)
        _run([str(venv_python(venv)), "-c", "import synapse.app.homeserver"], log)
        (venv / STAMP_NAME).write_text(wanted_stamp())
        progress(f"[synapse] installed in {time.monotonic() - started:.0f} s")
    return venv_python(venv)


if __name__ == "__main__":
    print(ensure_synapse())
