"""The server's HTML parse_mode parser, checked directly (no HTTP)."""

from __future__ import annotations

import html

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.botapi.htmltext import EntityParseError, parse_html
from tests.botapi.textutil import check_url, find_entities, utf16_len

_TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=40)


@given(_TEXT)
def test_escaped_text_comes_back_unchanged(text: str) -> None:
    assert parse_html(html.escape(text)) == (text, [])


@given(_TEXT, _TEXT)
def test_bold_entity_offsets_are_utf16(before: str, inside: str) -> None:
    plain, entities = parse_html(f"{html.escape(before)}<b>{html.escape(inside)}</b>")
    assert plain == before + inside
    if inside:
        assert entities == [
            {"type": "bold", "offset": utf16_len(before), "length": utf16_len(inside)}
        ]
    else:
        assert entities == []  # empty entities are dropped


@pytest.mark.parametrize(
    ("source", "text", "entities"),
    [
        ("&lt;b&gt; &amp;amp; &quot;", '<b> &amp; "', []),
        ("&#65;&#x42;&#67 &nbsp; &copy;", "ABC &nbsp; &copy;", []),
        ("<B>laut</B>", None, None),  # end tag names are compared as written
        ("<strong>s</strong><em>e</em><ins>i</ins><del>d</del>", "seid", None),
        ("<tg-spoiler>x</tg-spoiler>", "x", [{"type": "spoiler", "offset": 0, "length": 1}]),
        (
            "<blockquote expandable>lang</blockquote>",
            "lang",
            [{"type": "expandable_blockquote", "offset": 0, "length": 4}],
        ),
        (
            '<pre><code class="language-python">x = 1</code></pre>',
            "x = 1",
            [{"type": "pre", "offset": 0, "length": 5, "language": "python"}],
        ),
        ("<a href='javascript:alert(1)'>x</a>", "x", []),
        (
            "<a href=wir.hessen.de>WIR</a>",
            "WIR",
            [{"type": "text_link", "offset": 0, "length": 3, "url": "http://wir.hessen.de/"}],
        ),
        ("<b>a<i>b</></b>", "ab", None),  # an empty end tag closes the innermost tag
    ],
)
def test_html_cases(
    source: str, text: str | None, entities: list[dict[str, object]] | None
) -> None:
    if text is None:
        with pytest.raises(EntityParseError, match='expected "</b>", found "</B>"'):
            parse_html(source)
        return
    plain, found = parse_html(source)
    assert plain == text
    if entities is not None:
        assert found == entities


def test_unclosed_and_bad_attributes() -> None:
    cases = {
        "<b": "Unclosed start tag at byte offset 0",
        '<a href="x': "Unclosed start tag at byte offset 0",
        "<a href>x</a>": (
            'Expected equal sign in declaration of an attribute of the tag "a" at byte offset 0'
        ),
        "<b>x</b": "Unclosed end tag at byte offset 4",
        "<code class=a/b>x</code>": "Unexpected end of name token at byte offset 12",
    }
    for source, message in cases.items():
        with pytest.raises(EntityParseError) as raised:
            parse_html(source)
        assert str(raised.value) == message, source


def test_detected_entities_and_links() -> None:
    text = "/start@lotse_test_bot Termin: https://wir.hessen.de/kontakt. #hilfe an a.b@kreis.de"
    kinds = [
        (e["type"], text[e["offset"] : e["offset"] + e["length"]]) for e in find_entities(text, [])
    ]
    assert kinds == [
        ("bot_command", "/start@lotse_test_bot"),
        ("url", "https://wir.hessen.de/kontakt"),
        ("hashtag", "#hilfe"),
        ("email", "a.b@kreis.de"),
    ]
    assert check_url("https://Example.org") == "https://example.org/"
    assert check_url("mailto:x@y.de") == "http://mailto:x@y.de/"  # not an e-mail link
    assert check_url("tel:+496151123") is None
