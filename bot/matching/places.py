"""Places named in a message: towns of the base's regions, and German cities outside them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.botfiles import Region
from bot.matching.normalize import latin, tokens
from bot.matching.phonetic import foreign
from bot.matching.phonetic import keys as sound_keys

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
# Place names in Arabic script are matched by sound ("بغيسن" is "in Gießen");
# keys this long are specific enough, and may be a prefix of the name this long.
_SOUND_MIN = 3
_SOUND_PREFIX = 5


@dataclass(frozen=True, slots=True)
class Mentions:
    """Regions whose places a text names, and places it names outside them."""

    regions: frozenset[str]
    elsewhere: tuple[str, ...]
    # Indexes (into ``tokens(text)``) of the words that name a place: they
    # choose the region, never the entry.
    positions: frozenset[int] = frozenset()


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
        # Sound keys of the German place and region names -> region. Translated
        # region names hold generic words ("مقاطعة", district) that name no place.
        self._sounds: dict[str, str] = {}
        for rid, region in regions.items():
            german = (*region.places, region.names.get("de", ""), rid.replace("-", " "))
            for word in (w for name in german for w in _keys(name)):
                if word not in _GENERIC and word.isascii():
                    for k in sound_keys(word):
                        if len(k) >= _SOUND_MIN:
                            self._sounds.setdefault(k, rid)
        self._sound_list = sorted(self._sounds)
        # Names by their first word: a message is read word by word against
        # these (exact, inflected or misspelt first word), not name by name
        # against every word (4 ms a message with 160 names).
        self._by_head: dict[str, list[tuple[str, ...]]] = {}
        for spelled in {*(k for k, _ in self._inside), *(k for k, _ in self._outside)}:
            self._by_head.setdefault(spelled[0], []).append(spelled)
        self._long_heads = [h for h in self._by_head if len(h) >= 6]

    def _heads(self, word: str) -> set[str]:
        """First words of names that ``word`` may be (as written, inflected or misspelt)."""
        out = {word} if word in self._by_head else set()
        for cut in range(max(4, len(word) - _SUFFIX), len(word)):
            if word[:cut] in self._by_head:
                out.add(word[:cut])
        hits = process.extract(
            word, self._long_heads, scorer=fuzz.ratio, score_cutoff=_FUZZY, limit=None
        )
        out.update(h for h, _score, _i in hits)
        return out

    def _found(self, words: list[str]) -> dict[tuple[str, ...], int]:
        """Each name the words hold, at its first position."""
        at: dict[tuple[str, ...], int] = {}
        for i, word in enumerate(words):
            for head in self._heads(word):
                for names in self._by_head[head]:
                    n = len(names)
                    if names in at or i + n > len(words):
                        continue
                    if all(
                        _word_matches(w, name)
                        for w, name in zip(words[i : i + n], names, strict=True)
                    ):
                        at[names] = i
        return at

    def _sounded(self, word: str) -> str | None:
        for k in sound_keys(word):
            if k in self._sounds:
                return self._sounds[k]
            if len(k) >= _SOUND_PREFIX:
                for name in self._sound_list:
                    if name.startswith(k):
                        return self._sounds[name]
        return None

    def find(self, text: str) -> Mentions:
        """Return the regions and outside places named in ``text``, and where."""
        folded = tokens(text)
        words = [latin(t) for t in folded]
        regions: set[str] = set()
        positions: set[int] = set()
        found = self._found(words)
        for names, rid in self._inside:
            at = found.get(names, -1)
            if at >= 0:
                regions.add(rid)
                positions.update(range(at, at + len(names)))
        for i, word in enumerate(folded):
            sounded = self._sounded(word) if foreign(word) and i not in positions else None
            if sounded:
                regions.add(sounded)
                positions.add(i)
        elsewhere: list[str] = []
        for names, name in self._outside:
            at = found.get(names, -1)
            if at >= 0:
                positions.update(range(at, at + len(names)))
                # A covered place wins: "moving from Frankfurt to Erbach" is about Erbach.
                if not regions:
                    elsewhere.append(name)
        return Mentions(frozenset(regions), tuple(elsewhere), frozenset(positions))


_GENERIC = frozenset(
    {"kreis", "stadt", "district", "city", "of", "universitatsstadt", "am", "im", "main", "bad"}
)
