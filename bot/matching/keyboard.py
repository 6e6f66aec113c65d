"""Keyboard mash: words typed by running a finger along one row of a keyboard."""

from __future__ import annotations

from itertools import pairwise

from bot.matching.normalize import fold

# Letter rows of the layouts Lotse's users type on (QWERTY, QWERTZ, AZERTY,
# Russian and Ukrainian ЙЦУКЕН, Arabic, Persian), folded like messages are.
_ROWS = (
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
    "qwertzuiop",
    "yxcvbnm",
    "azertyuiop",
    "qsdfghjklm",
    "wxcvbn",
    "йцукенгшщзхъ",
    "фывапролджэ",
    "ячсмитьбю",
    "йцукенгшщзхї",
    "фівапролджє",
    "ضصثقفغعهخحجد",
    "شسيبلاتنمكط",
    "ئءؤرلاىةوزظ",
    "ضصثقفغعهخحجچ",
    "شسیبلاتنمکگ",
    "ظطزرذدپو",
)
# Short runs are real words too often ("were", "tree", "дом").
MIN_LETTERS = 5


def _neighbours() -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for row in _ROWS:
        letters = fold(row)
        for a, b in pairwise(letters):
            out.setdefault(a, set()).add(b)
            out.setdefault(b, set()).add(a)
    return out


_NEXT = _neighbours()


def row_run(word: str) -> bool:
    """Tell whether a folded word is five or more letters, each next to the one before on a row."""
    if len(word) < MIN_LETTERS:
        return False
    return all(b == a or b in _NEXT.get(a, ()) for a, b in pairwise(word))


def mashed(words: tuple[str, ...] | list[str]) -> bool:
    """Tell whether a message is nothing but keyboard runs (digits aside)."""
    letters = [w for w in words if not w.isdigit()]
    return bool(letters) and all(row_run(w) for w in letters)
