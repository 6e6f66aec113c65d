"""The lexical side: sound keys, stems, rare-word evidence, place words, keyword-only messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.knowledge import Knowledge, load
from bot.matching.bm25 import BM25Index
from bot.matching.normalize import tokens
from bot.matching.phonetic import key, keys
from bot.matching.signals import Reader, personal

BASE = """
- id: gesundheitsamt
  kind: office
  region: sued
  title: {de: Gesundheitsamt Südkreis, en: Public Health Office South District}
  answer:
    de: Die Belehrung nach dem Infektionsschutzgesetz brauchen alle, die mit Lebensmitteln arbeiten. Termine gibt es jeden Dienstag.
    en: Everyone who works with food needs the instruction under the Infection Protection Act. Appointments every Tuesday.
- id: abh
  kind: office
  title: {de: Ausländerbehörde, en: Foreigners' Authority}
  keywords: {de: [Fiktionsbescheinigung, Aufenthaltstitel], tr: [oturma izni]}
  answer:
    de: Die Ausländerbehörde verlängert Aufenthaltstitel und stellt Fiktionsbescheinigungen aus.
    en: The Foreigners' Authority renews residence permits and issues Fiktionsbescheinigungen.
    tr: Yabancılar Dairesi oturma izinlerini uzatır.
- id: buergerbuero
  kind: office
  region: sued
  title: {de: Bürgerbüro Lindenau, en: Citizens' Office Lindenau}
  answer:
    de: Die Anmeldung Ihrer Wohnung machen Sie im Bürgerbüro Lindenau. Bringen Sie die Wohnungsgeberbestätigung mit.
    en: Register your flat at the citizens' office in Lindenau. Bring the landlord's confirmation.
- id: kita
  kind: info
  title: {de: Kitaplatz, en: Day-care place, uk: Місце в дитячому садку}
  answer:
    de: Einen Kitaplatz beantragen Sie bei der Gemeinde. In Lindenau gibt es drei Kitas.
    en: Apply for a day-care place at your municipality. Lindenau has three.
    uk: Місце в дитячому садку подають у громаді.
- id: kindergeld
  kind: info
  title: {de: Kindergeld, en: Child benefit}
  answer:
    de: Kindergeld beantragen Sie bei der Familienkasse der Agentur für Arbeit.
    en: You apply for child benefit at the Familienkasse of the employment agency.
"""
REGIONS = """
regions:
  sued: {name: {de: Südkreis}, places: [Lindenau, Gießen]}
"""


@pytest.fixture(scope="module")
def knowledge(tmp_path_factory: pytest.TempPathFactory) -> Knowledge:
    root: Path = tmp_path_factory.mktemp("words")
    (root / "entries.yaml").write_text(BASE, encoding="utf-8")
    (root / "_regions.yaml").write_text(REGIONS, encoding="utf-8")
    return load(root)


@pytest.fixture(scope="module")
def index(knowledge: Knowledge) -> BM25Index:
    return BM25Index(knowledge.entries)


def ids(knowledge: Knowledge, index: BM25Index, text: str, lang: str) -> list[str]:
    hits = index.search(tokens(text), lang)
    order = hits.scores.argsort()[::-1]
    return [knowledge.entries[i].id for i in order if hits.scores[i] > 0]


@pytest.mark.parametrize(
    ("written", "german"),
    [
        ("انملدونگ", "Anmeldung"),  # Persian letters
        ("انملډونګ", "Anmeldung"),  # Pashto letters
        ("анмельдунг", "Anmeldung"),  # Cyrillic
        ("کیندرگلد", "Kindergeld"),
        ("آوسبیلدونگ", "Ausbildung"),
        ("фіктіонсбешайнігунг", "Fiktionsbescheinigung"),
        ("گیسن", "Gießen"),
        ("میشلشتات", "Michelstadt"),  # the ich-sound written as sh
        ("джобцентр", "Jobcenter"),  # English j
    ],
)
def test_sound_keys_meet_across_scripts(written: str, german: str) -> None:
    assert set(keys(tokens(written)[0])) & set(keys(tokens(german)[0]))


def test_sound_keys_strip_arabic_clitics_and_stay_apart_otherwise() -> None:
    # "بغيسن" is "in Gießen"; the key without the clitic is Gießen's.
    assert key("giessen") in keys(tokens("بغيسن")[0])
    assert key("anmeldung") != key("kindergeld")
    assert key("ausbildung") != key("anmeldung")


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("بدي اشتغل بمطعم وطلبوا مني Belehrung، من وين بجيبها؟", "ar"),
        ("لازم اعمل Belehrung", "ar"),
        ("Restoranda çalışmak için Belehrung lazımmış, nereden alırım acaba?", "tr"),
    ],
)
def test_one_rare_german_word_decides_whatever_else_is_said(
    knowledge: Knowledge, index: BM25Index, text: str, lang: str
) -> None:
    # The word is a small share of the message, but only one entry has it.
    hits = index.search(tokens(text), lang)
    best = int(hits.scores.argmax())
    assert knowledge.entries[best].id == "gesundheitsamt"
    # It counts with its full rarity (idf), however long the message around it.
    col, trust = index.resolve("belehrung", "de")
    assert trust == 1.0
    assert hits.mass[best] == pytest.approx(float(index.idf[col]), rel=1e-3)


def test_german_words_spelled_in_other_letters_are_found(
    knowledge: Knowledge, index: BM25Index
) -> None:
    assert ids(knowledge, index, "фіктіонсбешайнігунг скільки чекати", "uk")[0] == "abh"
    assert ids(knowledge, index, "وين لازم اعمل انملدونگ؟", "fa")[0] == "buergerbuero"
    assert ids(knowledge, index, "پول اولاد (کیندرگلد) را چطور بگیرم؟", "fa")[0] == "kindergeld"


def test_native_words_do_not_pass_for_german_ones(knowledge: Knowledge, index: BM25Index) -> None:
    # Short Arabic and Ukrainian words share consonants with German ones by
    # chance; without five consonant classes they must not match by sound.
    assert ids(knowledge, index, "ما هو الدعم المتوفر للعائلات", "ar") == []
    assert ids(knowledge, index, "можна отримати", "uk") == []


@pytest.mark.parametrize(
    ("text", "lang", "entry"),
    [
        ("oturma iznimi uzatmak istiyorum", "tr", "abh"),  # Turkish suffixes
        ("Fiktionsbescheinigungen", "de", "abh"),  # German plural
        ("де подати на місце в садочку", "uk", "kita"),  # Ukrainian case endings
        ("kitaplatzes", "de", "kita"),
    ],
)
def test_inflected_words_meet_their_stem(
    knowledge: Knowledge, index: BM25Index, text: str, lang: str, entry: str
) -> None:
    assert ids(knowledge, index, text, lang)[0] == entry


def test_place_words_choose_the_region_not_the_entry(knowledge: Knowledge) -> None:
    reader = Reader(knowledge)
    r = reader.read("ساكن بليندناو، بدي كيندرغلد لولادي", None, None)
    assert r.region == "sued"
    assert all("لیندناو" not in w for w in r.content)  # the town is not ranked on
    r = reader.read("Kitaplatz in Lindenau?", None, "de")
    assert r.region == "sued" and "lindenau" not in r.content
    assert r.content == ("kitaplatz", "in")


def test_keyword_only_messages_leave_the_language_open(knowledge: Knowledge) -> None:
    reader = Reader(knowledge)
    assert not reader.read("Ausländerbehörde Fiktionsbescheinigung", None, None).certain
    assert not reader.read("Kindergeld Lindenau", None, None).certain
    assert reader.read("Wo ist die Ausländerbehörde, bitte?", None, None).certain
    # A chosen language is never doubted.
    assert reader.read("Ausländerbehörde", None, "uk").certain


def test_personal_data_is_not_matched_on() -> None:
    text = personal("ruf mich an: +49 170 1234567, amal@example.com, https://x.example/a")
    assert "1234567" not in text and "@" not in text and "https" not in text
    # Short emergency numbers stay: "112" is a topic.
    assert "112" in personal("was ist 112?")


def test_an_unknown_region_or_empty_query_finds_nothing(
    knowledge: Knowledge, index: BM25Index
) -> None:
    hits = index.search([], "de")
    assert hits.query_mass == 0 and not hits.scores.any()
    reader = Reader(knowledge)
    assert not reader.allowed("nowhere")[0]  # a regional entry outside an unknown region
    assert reader.allowed("nowhere")[1]  # an entry valid everywhere


def small_index(*entries: dict[str, float]) -> BM25Index:
    """An index over hand-made term counts, padded with unrelated entries."""
    filler = [{f"thema{i}": 1.0, "amt": 1.0} for i in range(8)]
    return BM25Index.from_terms([*entries, *filler])


def test_a_german_word_in_cyrillic_letters_is_read_as_german() -> None:
    # "Anmeldung" left unstemmed in one entry (a Turkish keyword, say) must
    # not capture "анмельдунг": the German stem is the word most entries have.
    index = small_index({"anmeld": 3.0}, {"anmeldung": 1.0}, {"anmeld": 1.0})
    col, trust = index.resolve("анмельдунг", "ru")
    assert index.vocab["anmeld"] == col
    assert trust == pytest.approx(0.8)


@pytest.mark.parametrize(
    ("text", "lang", "function"),
    [
        ("как сделать анмельдунг, что брать с собой", "ru", {"что": 2.0, "как": 2.0, "с": 1.0}),
        ("انملدونگ را کجا کنیم و چه مدارکی لازم است", "fa", {"را": 2.0, "چه": 1.0, "است": 2.0}),
        (
            "où faire l'anmeldung, est-ce que c'est payant",
            "fr",
            {"est": 2.0, "ce": 2.0, "que": 1.0},
        ),
    ],
)
def test_function_words_of_a_partly_translated_language_count_for_nothing(
    text: str, lang: str, function: dict[str, float]
) -> None:
    # Only one entry has a translation, so its function words are "rare" in
    # the base; they must not outweigh the one word that names the topic.
    index = small_index({"anmeld": 3.0}, function)
    hits = index.search(tokens(text), lang)
    assert int(hits.scores.argmax()) == 0
    assert hits.scores[1] == 0.0


@pytest.mark.parametrize(
    ("text", "lang", "shown"),
    [
        ("де робити белерунг?", "uk", "де робити белерунг (belehrung)?"),
        ("фіктіонсбешайнігунг", "uk", "фіктіонсбешайнігунг (fiktionsbescheinigung)"),
        ("وين لازم اعمل انملدونگ؟", "fa", "وين لازم اعمل انملدونگ (anmeldung)؟"),
        # Native words that share consonants with German ones stay as written.
        ("потрібні документи для садочка", "uk", "потрібні документи для садочка"),
        ("ما هو الدعم المتوفر للعائلات", "ar", "ما هو الدعم المتوفر للعائلات"),
    ],
)
def test_german_words_in_other_letters_are_spelled_out_for_the_model(
    index: BM25Index, text: str, lang: str, shown: str
) -> None:
    # The model reads "белерунг" as noise; "belehrung" it knows.
    assert index.spelled_out(text, lang) == shown


def test_a_sound_match_alone_does_not_rewrite_a_native_word() -> None:
    index = BM25Index.from_terms(
        [{"betrieb": 2.0}, *({f"thema{i}": 1.0} for i in range(8))], {"betrieben": "betrieb"}
    )
    # Words alone may take the chance (with less trust); the model is not told.
    assert index.resolve("потрібні", "uk") is not None
    assert index.spelled_out("потрібні документи", "uk") == "потрібні документи"
