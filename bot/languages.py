"""The languages Lotse speaks, their native names and writing direction."""

from __future__ import annotations

import re
from collections.abc import Iterable

# Order matters: it is the order of language buttons and coverage columns.
LANGUAGES: tuple[str, ...] = (
    "de",
    "en",
    "ar",
    "fa",
    "ps",
    "uk",
    "ru",
    "tr",
    "ku",
    "ti",
    "so",
    "fr",
)

# Where an entry lacks the user's language: English first (most newcomers read
# some), then German (every entry has it).
FALLBACK: tuple[str, ...] = ("en", "de")

RTL: frozenset[str] = frozenset({"ar", "fa", "ps"})

NATIVE_NAMES: dict[str, str] = {
    "de": "Deutsch",
    "en": "English",
    "ar": "العربية",
    "fa": "فارسی / دری",
    "ps": "پښتو",
    "uk": "Українська",
    "ru": "Русский",
    "tr": "Türkçe",
    "ku": "Kurmancî",
    "ti": "ትግርኛ",
    "so": "Soomaali",
    "fr": "Français",
}

_CODE = re.compile(r"^[a-z]{2}$")


def is_language_code(code: object) -> bool:
    """Tell whether ``code`` looks like an ISO 639-1 code (two lowercase letters)."""
    return isinstance(code, str) and bool(_CODE.match(code))


def best_language(available: Iterable[str], wanted: str) -> str:
    """Pick the language to show: the wanted one, else English, else German, else any."""
    codes = list(available)
    if wanted in codes:
        return wanted
    for code in FALLBACK:
        if code in codes:
            return code
    return codes[0] if codes else wanted
