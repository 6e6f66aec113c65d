"""Answers in the user's language, fallbacks that say so, and the contact block."""

from datetime import datetime
from pathlib import Path

import pytest

from bot import reply
from bot.hours import BERLIN
from bot.knowledge import Knowledge, load
from bot.markdown import parse, to_plain
from tests.kb import write

ENTRIES = """\
- id: abh
  kind: office
  title: {de: Ausländerbehörde, en: Foreigners' Authority, ar: دائرة الأجانب}
  answer: {de: Deutsch., en: English., ar: عربي.}
  contact:
    address: "Haupt*straße [1]"
    phone: "+49 6074 123-0"
    email: abh@example.org
    web: https://example.org/abh
    hours: "Mo-Fr 08:00-12:00; PH off"
    languages: [de, ar]
  related: [mbe, kurs]
- id: mbe
  kind: offer
  title: {de: Migrationsberatung, en: Migration counselling}
  answer: {de: Nur Deutsch und Englisch., en: Only German and English.}
- id: kurs
  kind: info
  title: {de: Integrationskurs}
  answer: {de: Nur Deutsch.}
"""

TEXTS = """\
texts:
  fallback_note_en: {de: "DE-note-en", en: "EN-note-en", ar: "AR-note-en"}
  fallback_note_de: {de: "DE-note-de", en: "EN-note-de", ar: "AR-note-de"}
  see_also: {de: "Siehe auch:", en: "See also:", ar: "انظر أيضا:"}
  open_now_until: {de: "offen bis {time}", en: "open until {time}", ar: "مفتوح حتى {time}"}
  closed_opens_on: {de: "zu, öffnet {day} {time}", en: "closed, opens {day} {time}", ar: "مغلق، يفتح {day} {time}"}
  weekday_0: {de: Montag, en: Monday, ar: الاثنين}
"""


@pytest.fixture
def knowledge(tmp_path: Path) -> Knowledge:
    write(tmp_path, "x/entries.yaml", ENTRIES)
    write(tmp_path, "_bot/texts.yaml", TEXTS)
    return load(tmp_path)


MONDAY_10 = datetime(2026, 6, 1, 10, 0, tzinfo=BERLIN)
SATURDAY = datetime(2026, 6, 6, 10, 0, tzinfo=BERLIN)


def test_an_answer_in_the_users_language_has_no_note(knowledge: Knowledge) -> None:
    r = reply.answer(knowledge, "abh", "ar", MONDAY_10)
    assert r.language == "ar"
    assert "عربي." in r.text and "note" not in r.text
    assert r.text.startswith("**دائرة الأجانب**")


def test_a_missing_translation_falls_back_to_english_and_says_so_in_arabic(
    knowledge: Knowledge,
) -> None:
    r = reply.answer(knowledge, "mbe", "ar", MONDAY_10)
    assert r.text.split("\n\n")[:3] == [
        "AR-note-en",
        "**Migration counselling**",
        "Only German and English.",
    ]


def test_without_english_the_answer_is_german_with_the_german_note(knowledge: Knowledge) -> None:
    r = reply.answer(knowledge, "kurs", "ar", MONDAY_10)
    assert r.text.split("\n\n")[:3] == ["AR-note-de", "**Integrationskurs**", "Nur Deutsch."]


def test_related_entries_are_offered_with_titles_in_the_best_language(knowledge: Knowledge) -> None:
    r = reply.answer(knowledge, "abh", "ar", MONDAY_10)
    assert r.options == (("mbe", "Migration counselling"), ("kurs", "Integrationskurs"))
    assert "انظر أيضا:" in r.text


def test_contact_block_is_escaped_and_says_open_now_in_the_users_language(
    knowledge: Knowledge,
) -> None:
    r = reply.answer(knowledge, "abh", "ar", MONDAY_10)
    plain = to_plain(r.text)
    assert "Haupt*straße [1]" in plain  # data stays literal, not bold or a link
    assert "مفتوح حتى 12:00" in plain
    links = [
        s.url
        for block in parse(r.text)
        for line in block.lines
        if hasattr(block, "lines")
        for s in line
        if s.url
    ]
    assert links == ["tel:+4960741230", "mailto:abh@example.org", "https://example.org/abh"]
    assert "Deutsch, العربية" in plain


def test_closed_on_the_weekend_names_the_next_opening_day(knowledge: Knowledge) -> None:
    plain = to_plain(reply.answer(knowledge, "abh", "de", SATURDAY).text)
    assert "zu, öffnet Montag 08:00" in plain


def test_clarify_offers_the_candidates(knowledge: Knowledge) -> None:
    r = reply.clarify(knowledge, ("mbe", "kurs"), "en")
    assert r.options == (("mbe", "Migration counselling"), ("kurs", "Integrationskurs"))
