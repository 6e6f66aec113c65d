"""A BM25 index over entries: stemmed terms in compact posting arrays, typo- and script-tolerant.

Postings are one array per column (term-sorted entry rows, float16 saturated
weights) rather than Python objects per entry, so a 10,000-entry base costs tens
of megabytes and a query touches only the postings of its own terms.
"""

from __future__ import annotations

import bisect
import math
import re
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from rapidfuzz import fuzz, process

from bot.entry import Entry
from bot.matching.normalize import fold, latin, tokens
from bot.matching.phonetic import foreign, key, keys
from bot.matching.stopwords import stopwords
from bot.matching.terms import is_latin, stem

# Field weights: a word in a title or keyword says more than one in an answer.
WEIGHTS = {"title": 3.0, "keywords": 3.0, "questions": 2.0, "answer": 1.0}
K1, B = 1.2, 0.75
# Only words this long are corrected: short words have too many neighbours.
FUZZY_MIN = 5
FUZZY_SCORE = 84.0
# Sound keys (consonant classes) match German office words spelled in Arabic or
# Cyrillic letters. Native words of three to four consonants collide with
# German ones all the time, so a key needs five classes to match, six to name
# the head of a compound ("اوسلندر" for Ausländerbehörde), eight to be off by one.
KEY_MIN = 5
KEY_PREFIX_MIN = 6
KEY_FUZZY_MIN = 8
KEY_FUZZY_SCORE = 88.0
# How much a match counts when the word was not found as written: a corrected
# spelling or a sound key may be the wrong word.
SPELLED = 0.8
# How alike a German word in Cyrillic letters must be to its Latin spelling to
# be shown to the model: sound keys alone pair "потрібні" with "Betrieb".
ALIKE_SCORE = 75.0
SOUNDED = 0.6
_WORD = re.compile(r"\w+")
# A term in more than this share of entries is a function word: idf zero.
_STOP_SHARE = 0.25


def entry_fields(entry: Entry) -> Iterable[tuple[str, str, str]]:
    """Yield ``(field, language, text)`` for every searchable text of an entry."""
    for lang, text in entry.title.items():
        yield "title", lang, text
    for lang, words in entry.keywords.items():
        yield "keywords", lang, " ".join(words)
    for lang, qs in entry.questions.items():
        for q in qs:
            yield "questions", lang, q
    for lang, text in entry.answer.items():
        yield "answer", lang, text


def entry_terms(entry: Entry, surfaces: dict[str, str] | None = None) -> dict[str, float]:
    """Return an entry's stems with field-weighted counts; Latin words go into ``surfaces``."""
    out: dict[str, float] = {}
    for name, lang, text in entry_fields(entry):
        for word in tokens(text):
            term = stem(word, lang)
            out[term] = out.get(term, 0.0) + WEIGHTS[name]
            if surfaces is not None and len(word) >= FUZZY_MIN and is_latin(word):
                surfaces.setdefault(word, term)
    return out


@dataclass(frozen=True, slots=True)
class LexicalHits:
    """Per-entry BM25 scores and the rarity (idf) mass of the query terms each entry holds."""

    scores: np.ndarray  # (n_entries,) BM25
    mass: np.ndarray  # (n_entries,) sum of idf of the query terms the entry contains
    query_mass: float  # sum of idf of the query terms found anywhere in the base
    unknown: int  # query words found nowhere in the base
    terms: tuple[str, ...]  # the base terms the query words resolved to


class BM25Index:
    """Term-sorted postings with idf; query words resolve by stem, spelling or sound."""

    def __init__(self, entries: Sequence[Entry]) -> None:
        surfaces: dict[str, str] = {}
        self._build([entry_terms(e, surfaces) for e in entries], surfaces)

    @classmethod
    def from_terms(
        cls, per_entry: Sequence[dict[str, float]], surfaces: dict[str, str] | None = None
    ) -> BM25Index:
        """Build from weighted terms per entry (the benchmark reuses them across copies)."""
        index = cls.__new__(cls)
        index._build(per_entry, surfaces or {})
        return index

    def _build(self, per_entry: Sequence[dict[str, float]], surfaces: dict[str, str]) -> None:
        self.size = len(per_entry)
        vocab: dict[str, int] = {}
        cols, rows, tfs = array("i"), array("i"), array("f")
        lengths = np.zeros(max(self.size, 1), dtype=np.float32)
        for row, terms in enumerate(per_entry):
            lengths[row] = sum(terms.values())
            for term, tf in terms.items():
                cols.append(vocab.setdefault(term, len(vocab)))
                rows.append(row)
                tfs.append(tf)
        col = np.frombuffer(cols, dtype=np.int32)
        order = np.argsort(col, kind="stable")
        row_arr = np.frombuffer(rows, dtype=np.int32)[order]
        counts = np.frombuffer(tfs, dtype=np.float32)[order]
        avg = float(lengths.mean()) or 1.0
        norm = K1 * (1 - B + B * lengths[row_arr] / avg)
        self.rows = np.ascontiguousarray(row_arr)
        self.weights = (counts * (K1 + 1) / (counts + norm)).astype(np.float16)
        df = np.bincount(col, minlength=len(vocab))
        self.indptr = np.concatenate([[0], np.cumsum(df)]).astype(np.int64)
        n = max(self.size, 1)
        idf = np.log1p((n - df + 0.5) / (df + 0.5))
        if n >= 8:
            idf[df > _STOP_SHARE * n] = 0.0
        self.idf = idf.astype(np.float32)
        self.vocab = vocab
        self._build_lookups(surfaces, df)

    def _build_lookups(self, surfaces: dict[str, str], df: np.ndarray) -> None:
        # Typos rarely hit the first letter; bucketing by it keeps correction
        # fast on a base with hundreds of thousands of terms.
        self._long_terms: dict[str, list[str]] = {}
        for t in self.vocab:
            if len(t) >= FUZZY_MIN:
                self._long_terms.setdefault(t[0], []).append(t)
        # Sound key -> the most common term spelled that way.
        by_key: dict[str, int] = {}
        for word, term in {**{t: t for t in self.vocab if is_latin(t)}, **surfaces}.items():
            col = self.vocab.get(term)
            if col is None or len(word) < FUZZY_MIN:
                continue
            for k in keys(word):
                if len(k) >= KEY_MIN and (k not in by_key or df[col] > df[by_key[k]]):
                    by_key[k] = col
        self._key_col = by_key
        # A base term's Latin spelling, to show the model a German word a
        # message wrote in Arabic or Cyrillic letters.
        self._spellings: dict[int, list[str]] = {}
        for word, term in surfaces.items():
            col = self.vocab.get(term)
            if col is not None:
                self._spellings.setdefault(col, []).append(word)
        self._sorted_keys = sorted(by_key)
        self._terms = list(self.vocab)
        self.resolve = lru_cache(maxsize=8192)(self._resolve)

    def _nearest(self, word: str) -> int | None:
        bucket = self._long_terms.get(word[0])
        if not bucket:
            return None
        hit = process.extractOne(word, bucket, scorer=fuzz.ratio, score_cutoff=FUZZY_SCORE)
        return self.vocab[hit[0]] if hit else None

    def _by_sound(self, word: str) -> int | None:
        for k in keys(word):
            if len(k) < KEY_MIN:
                continue
            if k in self._key_col:
                return self._key_col[k]
            if len(k) >= KEY_PREFIX_MIN:
                i = bisect.bisect_left(self._sorted_keys, k)
                if i < len(self._sorted_keys) and self._sorted_keys[i].startswith(k):
                    return self._key_col[self._sorted_keys[i]]
            if len(k) >= KEY_FUZZY_MIN:
                near = [c for c in self._sorted_keys if c[0] == k[0] and abs(len(c) - len(k)) <= 2]
                hit = process.extractOne(k, near, scorer=fuzz.ratio, score_cutoff=KEY_FUZZY_SCORE)
                if hit:
                    return self._key_col[hit[0]]
        return None

    def _resolve(self, word: str, lang: str) -> tuple[int, float] | None:
        """Return the base term (column) for ``word`` by stem, spelling or sound, and its trust."""
        for candidate in dict.fromkeys(
            (stem(word, lang), stem(word, "de"), stem(word, "en"), word)
        ):
            if candidate in self.vocab:
                return self.vocab[candidate], 1.0
        if len(word) < FUZZY_MIN:
            return None
        if foreign(word):
            # A German word in Cyrillic letters is looked up as German: its
            # stem ("анмельдунг" -> "anmeld"), not the rare unstemmed form.
            spelled = latin(word)
            if spelled != word:
                for candidate in dict.fromkeys((stem(spelled, "de"), spelled)):
                    if candidate in self.vocab:
                        return self.vocab[candidate], SPELLED
            col = self._by_sound(word)
            return None if col is None else (col, SOUNDED)
        col = self._nearest(stem(word, lang))
        return None if col is None else (col, SPELLED)

    def spelled_out(self, text: str, lang: str) -> str:
        """Return ``text`` with German words written in other letters spelled in Latin ones."""

        def latinise(m: re.Match[str]) -> str:
            word = fold(m.group())
            if len(word) < FUZZY_MIN or not foreign(word):
                return m.group()
            found = self.resolve(word, lang)
            for spelling in self._spellings.get(found[0], ()) if found else ():
                if _alike(word, spelling):
                    return f"{m.group()} ({spelling})"
            return m.group()

        return _WORD.sub(latinise, text)

    def postings(self, col: int) -> tuple[np.ndarray, np.ndarray]:
        """Return the entry rows and saturated weights of one term."""
        a, b = self.indptr[col], self.indptr[col + 1]
        return self.rows[a:b], self.weights[a:b]

    def search(self, words: Sequence[str], lang: str) -> LexicalHits:
        """Score every entry against folded query ``words`` written in ``lang``."""
        scores = np.zeros(self.size, dtype=np.float32)
        mass = np.zeros(self.size, dtype=np.float32)
        query_mass = 0.0
        unknown = 0
        seen: set[int] = set()
        skip = stopwords(lang)
        for word in dict.fromkeys(words):
            if word in skip:
                continue
            found = self.resolve(word, lang)
            if found is None:
                unknown += 1
                continue
            col, trust = found
            if col in seen:
                continue
            seen.add(col)
            idf = trust * float(self.idf[col])
            if idf <= 0:
                continue
            query_mass += idf
            rows, weights = self.postings(col)
            scores[rows] += idf * weights.astype(np.float32)
            mass[rows] += idf
        names = tuple(self._terms[c] for c in seen)
        return LexicalHits(scores, mass, query_mass, unknown, names)

    @property
    def nbytes(self) -> int:
        """Bytes held by the posting arrays."""
        return int(self.rows.nbytes + self.weights.nbytes + self.indptr.nbytes + self.idf.nbytes)


def _alike(word: str, spelling: str) -> bool:
    """Tell whether a foreign-script word is close enough to a Latin one to show the model."""
    spelled = latin(word)
    if spelled != word:  # Cyrillic: compare the spellings
        return fuzz.ratio(spelled, spelling) >= ALIKE_SCORE
    # Arabic script writes few vowels: the whole sound key must agree.
    whole = key(spelling)
    return len(whole) >= KEY_PREFIX_MIN and whole in keys(word)


def unseen_idf(size: int) -> float:
    """The idf a word found in no entry would have: how surprising an unknown word is."""
    n = max(size, 1)
    return math.log1p((n + 0.5) / 0.5)
