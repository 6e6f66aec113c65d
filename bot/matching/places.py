"""Places named in a message: towns of the base's regions, and German cities outside them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rapidfuzz import fuzz

from bot.botfiles import Region
from bot.matching.normalize import latin, tokens

# German cities (and the Hessian ones) a newcomer may name when asking about
# somewhere the base does not cover. Names that are also common words
# (Essen, Halle, Hamm) are left out: a false "elsewhere" silences a real answer.
# A few large cities also in Arabic and Persian script, as people write them.
ELSEWHERE: tuple[str, ...] = (
    "Berlin", "Hamburg", "München", "Munich", "Köln", "Cologne", "Frankfurt",
    "Stuttgart", "Düsseldorf", "Leipzig", "Dortmund", "Bremen", "Dresden",
    "Hannover", "Nürnberg", "Duisburg", "Bochum", "Wuppertal", "Bielefeld", "Bonn",
    "Münster", "Mannheim", "Karlsruhe", "Augsburg", "Wiesbaden", "Mönchengladbach",
    "Gelsenkirchen", "Aachen", "Braunschweig", "Kiel", "Chemnitz", "Magdeburg",
    "Freiburg", "Krefeld", "Mainz", "Lübeck", "Erfurt", "Oberhausen", "Rostock",
    "Kassel", "Potsdam", "Saarbrücken", "Ludwigshafen", "Oldenburg", "Osnabrück",
    "Leverkusen", "Heidelberg", "Darmstadt", "Solingen", "Regensburg", "Ingolstadt",
    "Würzburg", "Wolfsburg", "Ulm", "Heilbronn", "Pforzheim", "Göttingen", "Bottrop",
    "Offenbach am Main", "Stadt Offenbach", "Hanau", "Marburg", "Fulda", "Wetzlar",
    "Bad Homburg", "Rüsselsheim", "Friedberg", "Limburg", "Bad Hersfeld", "Spandau",
    "Neukölln", "Kreuzberg", "Wien", "Zürich",
    "برلين", "هامبورغ", "ميونخ", "فرانكفورت", "فرانکفورت", "کلن", "كولونيا", "برلین",
    "هامبورگ", "مونیخ", "اشتوتگارت", "شتوتغارت",
)  # fmt: skip
# Inflected forms ("Gießens", "Dietzenbachê", Turkish "Giessende") and typed
# variants ("Berlinde", Ukrainian "берліні") still name the place.
_SUFFIX = 3
_FUZZY = 88.0


@dataclass(frozen=True, slots=True)
class Mentions:
    """Regions whose places a text names, and places it names outside them."""

    regions: frozenset[str]
    elsewhere: tuple[str, ...]


def _keys(name: str) -> tuple[str, ...]:
    return tuple(latin(t) for t in tokens(name))


def _word_matches(word: str, name: str) -> bool:
    if word == name:
        return True
    if len(name) >= 4 and word.startswith(name) and len(word) - len(name) <= _SUFFIX:
        return True
    return len(name) >= 6 and fuzz.ratio(word, name) >= _FUZZY


class PlaceFinder:
    """Finds place names in a message (Latin, Cyrillic spelled in Latin, some Arabic script)."""

    def __init__(self, regions: Mapping[str, Region], elsewhere: Iterable[str] = ELSEWHERE):
        self._inside: list[tuple[tuple[str, ...], str]] = []
        for rid, region in regions.items():
            names = {*region.places, *region.names.values(), rid.replace("-", " ")}
            for name in names:
                keys = _keys(name)
                # "Kreis Offenbach" is also named as plain "Offenbach"; the
                # generic words alone ("Kreis", "Stadt") name nothing.
                short = tuple(k for k in keys if k not in _GENERIC)
                for variant in {keys, short}:
                    if variant and any(k not in _GENERIC for k in variant):
                        self._inside.append((variant, rid))
        inside_keys = {k for k, _ in self._inside}
        self._outside = [
            (keys, name) for name in elsewhere if (keys := _keys(name)) and keys not in inside_keys
        ]

    @staticmethod
    def _find(words: list[str], keys: tuple[str, ...]) -> int:
        n = len(keys)
        for i in range(len(words) - n + 1):
            if all(_word_matches(words[i + j], keys[j]) for j in range(n)):
                return i
        return -1

    def find(self, text: str) -> Mentions:
        """Return the regions and outside places named in ``text``."""
        words = [latin(t) for t in tokens(text)]
        regions = {rid for keys, rid in self._inside if self._find(words, keys) >= 0}
        elsewhere: list[str] = []
        if not regions:
            # A covered place wins: "moving from Frankfurt to Erbach" is about Erbach.
            elsewhere = [name for keys, name in self._outside if self._find(words, keys) >= 0]
        return Mentions(frozenset(regions), tuple(elsewhere))


_GENERIC = frozenset(
    {"kreis", "stadt", "district", "city", "of", "universitatsstadt", "am", "im", "main", "bad"}
)
