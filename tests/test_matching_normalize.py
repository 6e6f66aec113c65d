"""Folding, transliteration, chunking and place finding: the text plumbing of matching."""

from __future__ import annotations

import pytest

from bot.botfiles import Region
from bot.matching.keyboard import mashed
from bot.matching.normalize import fold, latin, tokens
from bot.matching.passages import chunks, plain
from bot.matching.places import PlaceFinder


def test_umlauts_and_sharp_s_fold_to_what_people_type() -> None:
    assert tokens("Ausländerbehörde Straße") == ["auslanderbehorde", "strasse"]
    assert fold("AUSLÄNDERBEHÖRDE") == fold("auslanderbehorde")


def test_turkish_letters_fold_to_plain_latin() -> None:
    assert tokens("İkamet izni uzatılır mı? Çalışma") == [
        "ikamet",
        "izni",
        "uzatilir",
        "mi",
        "calisma",
    ]


def test_arabic_and_persian_letter_variants_meet() -> None:
    # Hamza forms, alef maqsura / Persian yeh, Arabic kaf / Persian keheh, ta marbuta.
    assert fold("أإآا") == "اااا"
    assert fold("ي") == fold("ی") == fold("ى")
    assert fold("ك") == fold("ک")
    assert fold("مدرسة") == fold("مدرسه")
    assert fold("٢٠٢٦") == "2026"


def test_cyrillic_spelling_of_german_words() -> None:
    assert latin("ауслендербехорде") == "auslenderbehorde"
    assert latin("hello") == "hello"


def test_chunks_follow_sentences_and_stay_short() -> None:
    text = " ".join(f"Satz {i} hat genau sechs Wörter hier." for i in range(40))
    parts = chunks(text, size=60)
    assert len(parts) > 3
    assert all(len(p.split()) <= 60 for p in parts)
    assert all(p.endswith(".") for p in parts)
    assert " ".join(parts).split() == text.split()


def test_markup_is_dropped_before_embedding() -> None:
    assert plain("**Termin** bei [der Behörde](https://example.org)") == "Termin bei der Behörde"


def test_places_inside_inflected_and_elsewhere() -> None:
    finder = PlaceFinder(
        {
            "kreis-offenbach": Region(
                "kreis-offenbach", {"de": "Kreis Offenbach"}, ("Dietzenbach",)
            ),
            "odenwaldkreis": Region("odenwaldkreis", {}, ("Erbach", "Höchst im Odenwald")),
        }
    )
    assert finder.find("Jobcenter in Dietzenbachê").regions == {"kreis-offenbach"}
    assert finder.find("wohne in hochst im odenwald").regions == {"odenwaldkreis"}
    assert finder.find("Ausländerbehörde Berlin Termin").elsewhere == ("Berlin",)
    assert finder.find("відомство в берліні").elsewhere == ("Berlin",)
    # A covered place wins over a city elsewhere: the message is about Erbach.
    moving = finder.find("ziehe von Frankfurt nach Erbach")
    assert moving.regions == {"odenwaldkreis"}
    assert moving.elsewhere == ()
    assert finder.find("wie ist das Wetter").regions == frozenset()


@pytest.mark.parametrize(
    ("text", "mash"),
    [
        ("ывапролд", True),
        ("asdfgh jkl", False),  # "jkl" is too short to tell
        ("qwertz 123", True),
        ("ضصثقفغ", True),
        ("سيبلات", True),
        ("привет", False),
        ("hallo danke", False),
        ("typewriter", False),
        ("пролог", False),
        ("", False),
    ],
)
def test_keyboard_runs_are_told_from_words(text: str, mash: bool) -> None:
    assert mashed(tokens(text)) is mash
