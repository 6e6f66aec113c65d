"""Rendering replies as Telegram HTML: escaping, links, splitting, right-to-left text.

Every chunk is read back with the local server's HTML parser, which follows Telegram's.
"""

from __future__ import annotations

import unicodedata

import pytest

from adapters.telegram.bidi import LRI, LRM, PDI, RLM
from adapters.telegram.render import CAPTION_LIMIT, TEXT_LIMIT, fits_caption, render
from adapters.telegram.split import utf16_len
from bot.markdown import escape
from tests.botapi.htmltext import parse_html

HOSTILE = "</b><a href=x>*_[ & <script>"


def telegram_reads(html: str) -> tuple[str, list[dict[str, object]]]:
    """What a Telegram client shows for this HTML (text and entities)."""
    return parse_html(html)


def test_hostile_text_is_shown_literally_and_creates_no_link() -> None:
    markdown = f"**{escape(HOSTILE)}** said: {escape(HOSTILE)}"
    [chunk] = render(markdown, "de")
    text, entities = telegram_reads(chunk.html)
    assert text == f"{HOSTILE} said: {HOSTILE}"
    assert [e["type"] for e in entities] == ["bold"]
    assert entities[0]["length"] == utf16_len(HOSTILE)


def test_links_bold_and_lists() -> None:
    markdown = 'Intro **wichtig**\n\n- [Termin](https://example.org/a?b=1&c="2")\n- zwei'
    [chunk] = render(markdown, "de")
    text, entities = telegram_reads(chunk.html)
    assert text == "Intro wichtig\n\n• Termin\n• zwei"
    link = next(e for e in entities if e["type"] == "text_link")
    assert link["url"] == 'https://example.org/a?b=1&c="2"'


def test_unsafe_links_are_only_their_label() -> None:
    [chunk] = render("[klick](javascript:alert(1)) hier", "de")
    text, entities = telegram_reads(chunk.html)
    assert "javascript" not in chunk.html and entities == []
    assert text.startswith("klick")


def test_mail_and_phone_links_are_written_out_since_telegram_has_no_such_links() -> None:
    markdown = "[Beratung](mailto:rat@example.org) oder [+49 6074 000-0](tel:+4960740000)"
    [chunk] = render(markdown, "de")
    text, entities = telegram_reads(chunk.html)
    assert text == "Beratung (rat@example.org) oder +49 6074 000-0"
    assert "href" not in chunk.html
    assert not any(e["type"] == "text_link" for e in entities)


def test_arabic_lines_run_right_to_left_and_numbers_keep_their_order() -> None:
    markdown = "**مكتب الأجانب**\n\nاتصلوا على +49 6074 000-101 من 07:30–12:00\n- WhatsApp مجاني"
    [chunk] = render(markdown, "ar")
    text, _ = telegram_reads(chunk.html)
    lines = text.split("\n")
    assert all(line.startswith(RLM) for line in lines if line)
    assert f"{LRI}+49 6074 000-101{PDI}" in text
    assert f"{LRI}07:30–12:00{PDI}" in text
    # The bullet line starts with a Latin word; the mark keeps it right to left.
    assert lines[-1].startswith(f"{RLM}• WhatsApp")


def test_an_english_fallback_in_an_arabic_reply_keeps_its_own_direction() -> None:
    [chunk] = render("Phone: +49 6074 000-101", "ar")
    assert chunk.plain == "Phone: +49 6074 000-101"


def test_brackets_around_numbers_stay_outside_the_isolate() -> None:
    [chunk] = render("أمل (#3) تكتب (069) 1234-5", "ar")
    assert "(#3)" in chunk.plain
    assert f"{LRI}(069) 1234-5{PDI}" in chunk.plain


def test_a_desk_line_starting_in_arabic_stays_left_to_right() -> None:
    [chunk] = render("**أمل (#3):** رقمي 0176 1234 567", "de")
    assert chunk.plain.startswith(LRM)
    assert f"{LRI}0176 1234 567{PDI}" in chunk.plain


def test_direction_overrides_from_users_are_removed() -> None:
    name = "\u202eevil\u2066name\u202c"
    [chunk] = render(f"**{escape(name)}:** hi", "de")
    assert not any(unicodedata.bidirectional(c) in ("RLO", "LRI", "PDF") for c in chunk.plain)
    assert "evilname" in chunk.plain


def _check_chunks(markdown: str, language: str, limit: int = TEXT_LIMIT) -> list[str]:
    chunks = render(markdown, language, limit)
    shown = []
    for chunk in chunks:
        text, entities = telegram_reads(chunk.html)  # raises if a tag was broken
        assert text == chunk.plain
        assert 0 < utf16_len(text) <= limit
        for e in entities:
            assert isinstance(e["offset"], int) and isinstance(e["length"], int)
            assert e["offset"] + e["length"] <= utf16_len(text)
        shown.append(text)
    return shown


def test_long_answers_split_between_lines_without_breaking_tags() -> None:
    para = " ".join(
        f"**Satz {n}** mit [Link](https://example.org/{n}) und Text." for n in range(40)
    )
    markdown = "\n\n".join([para] * 12)
    shown = _check_chunks(markdown, "de")
    assert len(shown) > 1
    assert all(utf16_len(s) <= 4096 for s in shown)
    words = sum(s.count("Satz") for s in shown)
    assert words == 40 * 12


def test_one_giant_line_is_cut_at_spaces_keeping_bold_open_across_messages() -> None:
    markdown = "**" + " ".join(["fett"] * 3000) + "**"
    shown = _check_chunks(markdown, "de")
    assert len(shown) == 4
    assert sum(s.count("fett") for s in shown) == 3000
    for chunk in render(markdown, "de"):
        assert chunk.html.startswith("<b>") and chunk.html.endswith("</b>")


def test_emoji_are_never_cut_in_half() -> None:
    # Each 😀 is two UTF-16 units; with no spaces to cut at, the cut falls between them.
    markdown = "a" + "😀" * 2500 + "é" * 10
    shown = _check_chunks(markdown, "de")
    joined = "".join(shown)
    assert joined == "a" + "😀" * 2500 + "é" * 10
    for text in shown:
        text.encode("utf-16-le")  # a lone surrogate would raise here


def test_combining_marks_stay_with_their_letter() -> None:
    letter = "e\u0301"  # e + combining acute
    # The odd first character puts a combining mark right at the 4,000-unit limit.
    markdown = "x" + letter * 3000
    shown = _check_chunks(markdown, "de")
    assert len(shown) == 2
    for text in shown:
        assert unicodedata.combining(text[0]) == 0


@pytest.mark.parametrize("language", ["ar", "fa", "ps"])
def test_rtl_splits_keep_the_mark_on_every_line(language: str) -> None:
    markdown = "\n".join(f"سطر رقم {n}: " + "كلمة " * 30 for n in range(300))
    shown = _check_chunks(markdown, language)
    assert len(shown) > 1
    for text in shown:
        assert all(line.startswith(RLM) for line in text.split("\n"))


def test_captions_fit_in_a_caption_or_are_refused() -> None:
    short = fits_caption("**Amal (#3):** ein Brief", "de")
    assert short is not None and telegram_reads(short.html)[0] == "Amal (#3): ein Brief"
    assert fits_caption("x " * CAPTION_LIMIT, "de") is None


def test_whitespace_only_text_renders_nothing() -> None:
    assert render("  \n\n ", "de") == []
