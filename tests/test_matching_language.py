"""Language identification on short texts, one test per rule and per language."""

from __future__ import annotations

import pytest

from bot.knowledge import load
from bot.matching.language import LanguageIdentifier
from bot.matching.signals import Reader


@pytest.fixture(scope="module")
def reader() -> Reader:
    return Reader(load("../shared/eval/knowledge"))


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Wo kann ich mich für einen Sprachkurs anmelden?", "de"),
        ("Where can I sign up for a language course?", "en"),
        ("أين يمكنني التسجيل في دورة اللغة؟", "ar"),
        ("کجا می‌توانم در کلاس زبان ثبت نام کنم؟", "fa"),
        ("زه چېرته د ژبې کورس ته نوم ولیکم؟", "ps"),
        ("Де можна записатися на мовні курси?", "uk"),
        ("Где можно записаться на языковые курсы?", "ru"),
        ("Dil kursuna nereden kayıt olabilirim?", "tr"),
        ("Ez li ku derê dikarim xwe ji bo kursa zimên tomar bikim?", "ku"),
        ("ኣበይ ንኮርስ ቋንቋ ክምዝገብ እኽእል?", "ti"),
        ("Halkee iska diiwaangelin karaa koorsada luqadda?", "so"),
        ("Où puis-je m'inscrire à un cours de langue ?", "fr"),
    ],
)
def test_questions_in_each_language(reader: Reader, text: str, lang: str) -> None:
    r = reader.read(text, None, None)
    assert r.language == lang
    assert r.certain


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Danke schön", "de"),
        ("thank you", "en"),
        ("شكرا", "ar"),
        ("خیلی ممنون", "fa"),
        ("ډیره مننه", "ps"),
        ("Дякую", "uk"),
        ("Спасибо", "ru"),
        ("Teşekkürler", "tr"),
        ("Spas", "ku"),
        ("የቐንየለይ", "ti"),
        ("Mahadsanid walaal", "so"),
        ("Merci beaucoup", "fr"),
    ],
)
def test_one_or_two_words_use_the_intent_words(reader: Reader, text: str, lang: str) -> None:
    assert reader.read(text, None, None).language == lang


def test_script_rules_decide_before_statistics() -> None:
    ident = LanguageIdentifier()
    assert ident.identify("ґанок").language == "uk"  # і ї є ґ are Ukrainian only
    assert ident.identify("мы").language == "ru"  # ы is Russian only
    assert ident.identify("ښه").language == "ps"  # Pashto-only letter
    assert ident.identify("ሰላም").language == "ti"


def test_german_words_inside_other_scripts_do_not_decide() -> None:
    ident = LanguageIdentifier()
    assert ident.identify("ኣብ Fiktionsbescheinigung Ausländerbehörde ክኸይድ").language == "ti"
    assert ident.identify("أين Ausländerbehörde Jobcenter Bürgerbüro؟").language == "ar"


def test_german_office_words_inside_turkish(reader: Reader) -> None:
    text = "jobcenter mitwirkungspflicht mektubu geldi ne yapmam gerekiyor acaba"
    assert reader.read(text, None, None).language == "tr"


def test_too_short_to_tell_is_uncertain_and_chosen_language_wins(reader: Reader) -> None:
    assert not reader.read("ok", None, None).certain
    assert not reader.read("xq", None, None).certain
    chosen = reader.read("ok", None, "fa")
    assert (chosen.language, chosen.certain) == ("fa", True)


def test_no_letters_no_language() -> None:
    guess = LanguageIdentifier().identify("😂 👍")
    assert guess.language is None
    assert not guess.certain
