"""Every validation rule, each with a broken file: the message names file, line and field."""

from pathlib import Path

import pytest

from bot.knowledge import load
from bot.problem import KnowledgeError
from tests.kb import VALID_ENTRY, write


def problems_for(tmp_path: Path, text: str, name: str = "place/offices.yaml") -> list[str]:
    write(tmp_path, name, text)
    with pytest.raises(KnowledgeError) as info:
        load(tmp_path)
    return [str(p) for p in info.value.problems]


def broken(old: str, new: str) -> str:
    assert old in VALID_ENTRY
    return VALID_ENTRY.replace(old, new, 1)


def test_the_valid_entry_loads(tmp_path: Path) -> None:
    write(tmp_path, "place/offices.yaml", VALID_ENTRY)
    knowledge = load(tmp_path)
    assert [e.id for e in knowledge.entries] == ["abh-test", "mbe-test"]
    abh = knowledge.by_id["abh-test"]
    assert abh.contact is not None and abh.contact.languages == ("de", "en", "tr")
    assert abh.questions["de"] == ("Wo verlängere ich meinen Aufenthaltstitel?",)
    assert abh.source.endswith("place/offices.yaml") and abh.line == 1


CASES = [
    # (old, new, line, expected message after "file:line ")
    ("- id: abh-test", "- id: ABH_test", 1, "entry 'ABH_test': id: 'ABH_test' must use only"),
    (
        "  kind: office",
        "  kind: amt",
        2,
        "entry 'abh-test': kind: 'amt' is not one of office, offer, info",
    ),
    ("  kind: office\n", "", 1, "entry 'abh-test': kind: is required"),
    ("  region: testkreis", "  region: Test Kreis", 3, "region: 'Test Kreis' must use only"),
    ("    de: Ausländerbehörde Testkreis\n", "", 4, "title: must include a German ('de') text"),
    (
        "    en: Foreigners' Authority Testkreis",
        "    eng: Foreigners",
        6,
        "title.eng: is not a two-letter language code",
    ),
    (
        "    en: Foreigners' Authority Testkreis",
        '    en: ""',
        6,
        "title.en: must be a non-empty text",
    ),
    (
        "      - Wo verlängere ich meinen Aufenthaltstitel?",
        "      - {a: b}",
        9,
        "questions.de[1]: must be a non-empty text",
    ),
    (
        "    de: [Aufenthaltstitel, Visum]",
        "    de: {x: y}",
        11,
        "keywords.de: must be a list of texts",
    ),
    (
        "    de: Die Ausländerbehörde verlängert **Aufenthaltstitel**.",
        "    fr: x",
        12,
        "answer: must include a German ('de') text",
    ),
    (
        "**residence permits**",
        "[permits](javascript:alert(1))",
        14,
        "answer.en: link target 'javascript:alert(1' must start with https://",
    ),
    ("**residence permits**", "**residence permits", 14, "answer.en: unclosed '**'"),
    (
        "    address: Teststraße 1, 12345 Testdorf",
        "    adress: Teststraße 1",
        16,
        "contact.adress: unknown field",
    ),
    ('    phone: "+49 6074 000-0"', "    phone: 0607400", 17, "contact.phone: must be quoted"),
    (
        '    phone: "+49 6074 000-0"',
        '    phone: "call us"',
        17,
        "contact.phone: 'call us' is not a number",
    ),
    (
        "    email: abh@example.org",
        "    email: abh-at-example",
        18,
        "contact.email: 'abh-at-example' is not an address",
    ),
    (
        "    web: https://example.org/abh",
        "    web: example.org",
        19,
        "contact.web: must start with https://",
    ),
    (
        '    hours: "Mo,Tu,Fr 07:30-12:00; Th 13:00-18:00; PH off"',
        '    hours: "Mo-Fx 8-12"',
        20,
        "contact.hours: 'Mo-Fx 8-12' is not valid OpenStreetMap",
    ),
    (
        '    hours: "Mo,Tu,Fr 07:30-12:00; Th 13:00-18:00; PH off"',
        '    hours: "Mo-Fr 08:00-12:00; SH off"',
        20,
        "contact.hours: 'SH' (school holidays) is not supported",
    ),
    (
        "    languages: [de, en, tr]",
        "    languages: [de, english]",
        21,
        "contact.languages: 'english' is not a code",
    ),
    ("  related: [mbe-test]", "  related: [mbe-tset]", 1, "related: unknown id 'mbe-tset'"),
    (
        "  related: [mbe-test]",
        "  related: [abh-test]",
        1,
        "related: an entry cannot relate to itself",
    ),
    (
        "  handover: offer",
        "  handover: sometimes",
        23,
        "handover: 'sometimes' is not one of never, offer, always",
    ),
    (
        "  updated: 2026-10-01",
        "  updated: last week",
        24,
        "updated: must be a date like 2026-10-01",
    ),
    ("  updated: 2026-10-01", "  updated: 2999-01-01", 24, "updated: is in the future"),
    ("  handover: offer", "  handover: offer\n  anwser: {de: x}", 24, "anwser: unknown field"),
]


@pytest.mark.parametrize(("old", "new", "line", "message"), CASES)
def test_each_rule_names_file_line_and_field(
    tmp_path: Path, old: str, new: str, line: int, message: str
) -> None:
    found = problems_for(tmp_path, broken(old, new))
    prefix = f"{tmp_path}/place/offices.yaml:{line} "
    assert any(p.startswith(prefix) and message in p for p in found), found


def test_duplicate_ids_across_files_name_both_places(tmp_path: Path) -> None:
    write(tmp_path, "a/one.yaml", VALID_ENTRY)
    second = "- id: mbe-test\n  kind: info\n  title: {de: X}\n  answer: {de: Y}\n"
    found = problems_for(tmp_path, second, "b/two.yaml")
    assert found == [
        f"{tmp_path}/b/two.yaml:1 entry 'mbe-test': id: is already used at {tmp_path}/a/one.yaml:26"
    ]


def test_a_file_must_be_a_list_of_mappings(tmp_path: Path) -> None:
    assert problems_for(tmp_path, "id: x\n", "x.yaml") == [
        f"{tmp_path}/x.yaml:1: must be a list of entries ('- id: ...')"
    ]
    assert problems_for(tmp_path, "- just a text\n", "x.yaml") == [
        f"{tmp_path}/x.yaml:1: an entry must be a mapping starting with 'id:'"
    ]


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    text = broken("  kind: office", "  kind: amt").replace(
        "    de: [Aufenthaltstitel, Visum]", "    de: 3"
    )
    found = problems_for(tmp_path, text)
    assert len(found) == 2, found


def test_bot_files_are_checked_too(tmp_path: Path) -> None:
    write(tmp_path, "place/offices.yaml", VALID_ENTRY)
    write(tmp_path, "_bot/a.yaml", "texts:\n  see_also:\n    de: Siehe {x}\n    en: See also\n")
    write(tmp_path, "_bot/b.yaml", "texts:\n  see_also:\n    de: nochmal\ncolours: {}\n")
    with pytest.raises(KnowledgeError) as info:
        load(tmp_path)
    found = [str(p) for p in info.value.problems]
    assert f"{tmp_path}/_bot/a.yaml:3: texts.see_also.de: placeholders must be none" in found
    assert any(
        p.startswith(f"{tmp_path}/_bot/b.yaml:2: texts.see_also: is already defined in")
        for p in found
    )
    assert (
        f"{tmp_path}/_bot/b.yaml:4: colours: unknown section (known: texts, regions, intents, commands)"
        in found
    )
