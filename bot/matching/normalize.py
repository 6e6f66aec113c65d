"""Text normalisation shared by matchers: case, accents, umlauts, Arabic-script variants."""

from __future__ import annotations

import re
import unicodedata

# Arabic-script letters people type interchangeably (keyboard layouts differ
# between Arabic, Persian and Pashto), folded to one form each.
_ARABIC_FOLD = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ى": "ی",
        "ي": "ی",
        "ئ": "ی",
        "ې": "ی",
        "ۍ": "ی",
        "ك": "ک",
        "ة": "ه",
        "ۀ": "ه",
        "ؤ": "و",
        "ـ": None,  # tatweel
        "\u200c": " ",  # zero-width non-joiner splits Persian words
    }
)
_LATIN_FOLD = str.maketrans({"ß": "ss", "ı": "i", "İ": "i", "ø": "o", "æ": "ae", "œ": "oe"})
_TOKEN = re.compile(r"\w+", re.UNICODE)
# Digits of every script become ASCII so "٢" and "2" match.
_DIGITS = {ord(c): str(unicodedata.digit(c)) for c in "٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹"}


def fold(text: str) -> str:
    """Lowercase and fold accents, umlauts and Arabic-script variants."""
    text = unicodedata.normalize("NFKC", text).translate(_LATIN_FOLD).lower()
    text = text.translate(_ARABIC_FOLD).translate(_DIGITS)
    decomposed = unicodedata.normalize("NFD", text)
    # Drop combining marks (accents, Arabic harakat) but keep Ethiopic and
    # other scripts whose letters are not decomposed.
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped)


def tokens(text: str) -> list[str]:
    """Split folded text into word tokens."""
    return _TOKEN.findall(fold(text))


# Cyrillic spelled the way a German word sounds, so "ауслендербехорде" can be
# matched to the base's "auslanderbehorde" by spelling distance.
_CYRILLIC_LATIN = str.maketrans(
    {
        "а": "a", "б": "b", "в": "w", "г": "g", "ґ": "g", "д": "d", "е": "e", "є": "je",
        "ё": "jo", "ж": "sch", "з": "s", "и": "i", "і": "i", "ї": "ji", "й": "j", "к": "k",
        "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
        "у": "u", "ф": "f", "х": "h", "ц": "z", "ч": "tsch", "ш": "sch", "щ": "schtsch",
        "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "ju", "я": "ja", "'": "", "ʼ": "",
    }
)  # fmt: skip


def latin(word: str) -> str:
    """Spell a folded Cyrillic word in Latin letters; other words are returned unchanged."""
    return word.translate(_CYRILLIC_LATIN)
