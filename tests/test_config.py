"""The configuration: secrets from the environment, example values refused by key."""

from pathlib import Path

import pytest

from bot.config import load_config
from bot.transport import ConfigError

ROOT = Path(__file__).resolve().parent.parent

GOOD = """\
knowledge: kb
database: db/lotse.sqlite3
desk:
  network: matrix
  chat: "!desk:county.de"
  staff: [matrix:@sara:county.de, telegram:4242]
  hours: "Mo-Fr 09:00-16:00; PH off"
  staff_label: role
matrix:
  homeserver: https://matrix.county.de
  user_id: "@lotse:county.de"
  password: ${LOTSE_TEST_PASSWORD}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_config_reads_secrets_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOTSE_TEST_PASSWORD", "s3cret")
    config = load_config(write(tmp_path, GOOD))
    assert config.adapters["matrix"]["password"] == "s3cret"
    assert config.knowledge == tmp_path / "kb"
    assert config.settings.desk is not None and config.settings.desk.chat == "!desk:county.de"
    assert config.settings.staff == {"matrix:@sara:county.de", "telegram:4242"}
    assert config.settings.staff_label == "role"


def test_a_missing_secret_names_the_key_and_the_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LOTSE_TEST_PASSWORD", raising=False)
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, GOOD))
    assert (
        str(info.value)
        == f"{tmp_path}/config.yaml:12 matrix.password: set the environment variable LOTSE_TEST_PASSWORD"
    )


def test_the_example_config_is_refused_until_edited(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "LOTSE_TELEGRAM_TOKEN",
        "LOTSE_BUTTON_SECRET",
        "LOTSE_TELEGRAM_WEBHOOK_SECRET",
        "LOTSE_MATRIX_PASSWORD",
    ):
        monkeypatch.setenv(name, "x")
    with pytest.raises(ConfigError) as info:
        load_config(ROOT / "config.example.yaml")
    message = str(info.value)
    assert "desk.chat: still the example value '-1001234567890'" in message


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (("network: matrix", "network: signal"), "desk.network: must be one of telegram, matrix"),
        (("telegram:4242", "4242"), "desk.staff: '4242' must look like telegram:12345"),
        (('hours: "Mo-Fr 09:00-16:00; PH off"', 'hours: "Mo-Fx 9-16"'), "desk.hours:"),
        (
            ("staff_label: role", "staff_label: nickname"),
            "desk.staff_label: must be first_name or role",
        ),
        (
            ("homeserver: https://matrix.county.de", "homeserver: https://matrix.example.org"),
            "matrix.homeserver: still the example value",
        ),
        (
            ("matrix:\n  homeserver", "telegram_typo:\n  homeserver"),
            "desk.network: 'matrix' has no section of its own",
        ),
    ],
)
def test_each_mistake_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: tuple[str, str], words: str
) -> None:
    monkeypatch.setenv("LOTSE_TEST_PASSWORD", "s3cret")
    text = GOOD.replace(*change)
    assert text != GOOD
    with pytest.raises(ConfigError, match=words.replace("(", r"\(").replace(")", r"\)")):
        load_config(write(tmp_path, text))


def test_broken_yaml_names_the_line(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"config.yaml:3: invalid YAML"):
        load_config(write(tmp_path, "desk:\n  chat: [1\n"))


def test_run_without_an_adapter_says_what_to_set(tmp_path: Path) -> None:
    import subprocess
    import sys

    path = write(tmp_path, f"knowledge: {ROOT / 'knowledge'}\n")
    done = subprocess.run(
        [sys.executable, "-m", "bot", "run", "--config", str(path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    assert "no adapter configured; add a 'telegram:' or 'matrix:' section" in done.stderr
