"""Sound keys: German words as newcomers spell them in Arabic, Persian or Cyrillic letters.

"انملدونگ", "анмельдунг" and "Anmeldung" get the same key: their consonants,
each mapped to a coarse class (b/p, d/t, g/k/q, s/z/sch, f/v, ...), vowels and
letters that stand for vowels dropped, repeats collapsed. Keys are for matching
loanwords and place names across scripts; they are far too coarse for anything
else, so only keys of several consonants are ever compared.
"""

from __future__ import annotations

import re

# Latin spellings of one German sound, replaced before the letters are mapped.
_LATIN_SOUNDS = (
    ("tsch", "s"),
    ("sch", "s"),
    # The ich-sound is written as sh in Arabic and Cyrillic ("میشلشتات"),
    # the ach-sound as kh ("باخ").
    ("ich", "is"),
    ("ech", "es"),
    ("ch", "ħ"),
    ("ck", "k"),
    ("ph", "f"),
    ("th", "t"),
    ("qu", "kf"),
    ("tz", "s"),
    ("ts", "s"),
    ("ds", "s"),
    ("x", "ks"),
    ("ce", "se"),
    ("ci", "si"),
)
_CLASSES = {
    # Latin (folded, so no umlauts): vowels, j (a vowel-like y in German) and
    # h (silent after vowels) carry no class; German w sounds like v.
    "b": "B", "p": "B", "d": "T", "t": "T", "g": "K", "k": "K", "q": "K", "c": "K",
    "s": "S", "z": "S", "f": "F", "v": "F", "w": "F", "l": "L", "m": "M", "n": "N",
    "r": "R", "ħ": "H",
    # Arabic, Persian, Pashto.
    "ب": "B", "پ": "B", "ت": "T", "ط": "T", "د": "T", "ض": "T", "ټ": "T", "ډ": "T",
    "ث": "S", "س": "S", "ص": "S", "ز": "S", "ذ": "S", "ظ": "S", "ش": "S", "ژ": "S",
    "ښ": "S", "ږ": "S", "ج": "S", "چ": "S", "څ": "S", "ځ": "S",
    "ک": "K", "ك": "K", "گ": "K", "ګ": "K", "ق": "K", "غ": "K", "خ": "H", "ح": "H",
    "ف": "F", "ل": "L", "م": "M", "ن": "N", "ڼ": "N", "ر": "R", "ړ": "R",
    # Cyrillic (Ukrainian г is an h, Russian г a g: both are written for German g).
    "б": "B", "п": "B", "д": "T", "т": "T", "г": "K", "ґ": "K", "к": "K", "х": "H",
    "с": "S", "з": "S", "ц": "S", "ж": "S", "ш": "S", "щ": "S", "ч": "S",
    "в": "F", "ф": "F", "л": "L", "м": "M", "н": "N", "р": "R",
}  # fmt: skip
# Arabic-script clitics glued to the front of a word: "بغيسن" is "in Gießen".
_CLITICS = ("وبال", "بال", "وال", "لل", "ال", "و", "ب", "ل", "ف")
_ARABIC_LETTER = re.compile(r"[\u0600-\u06ff]")
# Keys shorter than this say too little to match on.
MIN_KEY = 3


def _latin_key(word: str) -> str:
    for spelled, sound in _LATIN_SOUNDS:
        word = word.replace(spelled, sound)
    # Only a word-initial h is heard ("Hilfe"); elsewhere it lengthens a vowel.
    head = "H" if word.startswith("h") else ""
    return head + "".join(_CLASSES.get(ch, "") for ch in word)


def key(word: str) -> str:
    """Return the sound key of one folded word (any script); empty when it has no consonant."""
    if _ARABIC_LETTER.search(word) or any("\u0400" <= ch <= "\u04ff" for ch in word):
        # A word-initial Arabic h is heard; a final one is a vowel. Cyrillic
        # "дж" is the English j of "Jobcenter".
        head = "H" if word.startswith("ه") else ""
        raw = head + "".join(_CLASSES.get(ch, "") for ch in word.replace("дж", "ж"))
    else:
        raw = _latin_key(word)
    return re.sub(r"(.)\1+", r"\1", raw)


def keys(word: str) -> tuple[str, ...]:
    """Return the word's key and, for Arabic script, the keys without a leading clitic."""
    found = [key(word)]
    if "j" in word and not foreign(word):
        # English j in "Jobcenter" is written "ج"/"дж"; German j in "Jugend" as a vowel.
        found.append(key(word.replace("j", "sch")))
    if _ARABIC_LETTER.match(word):
        for clitic in _CLITICS:
            if word.startswith(clitic) and len(word) - len(clitic) >= 3:
                found.append(key(word[len(clitic) :]))
    return tuple(dict.fromkeys(k for k in found if k))


def foreign(word: str) -> bool:
    """Tell whether a word is written in Arabic or Cyrillic letters."""
    return bool(_ARABIC_LETTER.search(word)) or any("\u0400" <= ch <= "\u04ff" for ch in word)
