"""Rendering replies as m.notice: plain body, escaped HTML, numbered choices, long texts."""

from __future__ import annotations

import json

from adapters.matrix import render
from bot.markdown import escape
from bot.messages import Choice


def test_markdown_becomes_safe_html_and_plain_text() -> None:
    text = (
        "**Jobcenter** hilft.\nZimmer 3\n\n- [Termin](https://example.org/a?b=1&c=2)\n"
        "- Mail: [info@example.org](mailto:info@example.org)"
    )
    content = render.notice(text, "de")
    assert content["msgtype"] == "m.notice"
    assert content["format"] == "org.matrix.custom.html"
    assert content["formatted_body"] == (
        "<p><strong>Jobcenter</strong> hilft.<br>Zimmer 3</p>"
        '<ul><li><a href="https://example.org/a?b=1&amp;c=2">Termin</a></li>'
        '<li>Mail: <a href="mailto:info@example.org">info@example.org</a></li></ul>'
    )
    assert content["body"] == (
        "Jobcenter hilft.\nZimmer 3\n\n• Termin (https://example.org/a?b=1&c=2)\n"
        "• Mail: info@example.org"
    )


def test_user_text_and_hostile_links_stay_text() -> None:
    # What the engine relays: a user's words, escaped as Markdown data.
    words = '<img src=x onerror=alert(1)> **not bold** [click](javascript:alert(1)) & "q"'
    content = render.notice(f"**Amal (#3):** {escape(words)}", "de")
    html = content["formatted_body"]
    assert "<img" not in html and "href" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert html.count("<strong>") == 1  # only the name, not the user's ** **
    assert "<a " not in html
    assert content["body"].endswith(words)
    # A link target the subset refuses is shown as its label only.
    refused = render.notice("[Formular](javascript:void)", "de")
    assert refused["formatted_body"] == "<p>Formular</p>"
    quoted = render.notice('[x](https://example.org/"onmouseover=alert(1))', "de")
    assert 'href="https://example.org/&quot;onmouseover=alert(1"' in quoted["formatted_body"]


def test_choices_are_numbered_from_the_given_start() -> None:
    choices = (Choice("Kreis Offenbach", "region:ko"), Choice("<Weiß ich nicht>", "region:-"))
    content = render.notice("Wo wohnen Sie?", "de", choices, start=13)
    assert content["body"] == "Wo wohnen Sie?\n\n13. Kreis Offenbach\n14. <Weiß ich nicht>"
    assert content["formatted_body"].endswith(
        '<ol start="13"><li>Kreis Offenbach</li><li>&lt;Weiß ich nicht&gt;</li></ol>'
    )


def test_desk_choices_name_the_reaction_that_picks_them() -> None:
    one = render.notice("**#4** · uk", "de", (Choice("Übernehmen #4", "claim:4"),), numbered=False)
    assert one["body"].endswith("\n\n✋ Übernehmen #4")
    assert render.reactions_for((Choice("a", "a"),)) == ("✋",)
    assert render.reactions_for((Choice("a", "a"), Choice("b", "b"))) == ("1️⃣", "2️⃣")


def test_right_to_left_lines_start_with_a_right_to_left_mark() -> None:
    content = render.notice("مرحبا\n\n- أ", "ar", (Choice("English", "lang:en"),))
    assert all(line.startswith(render.RLM) for line in content["body"].split("\n") if line)
    assert render.notice("Hallo", "de")["body"] == "Hallo"


def test_a_long_text_is_split_into_events_that_fit() -> None:
    # 20,000 characters of Cyrillic: about 240 kB as JSON, far over Matrix's 64 KiB.
    line = "Я отримав лист від джобцентру і не розумію, що робити. " * 4
    text = "\n".join(f"{n} {line}" for n in range(90))
    assert len(text) > 20_000
    parts = render.split(text)
    assert len(parts) > 1
    assert "\n".join(parts) == text
    contents = render.notices(text, "uk", (Choice("Ja", "fb:1:y"),))
    assert len(contents) == len(parts)
    assert all(len(json.dumps(c)) <= render.MAX_CONTENT_BYTES + 500 for c in contents)
    assert contents[-1]["body"].endswith("1. Ja") and "1. Ja" not in contents[0]["body"]


def test_one_huge_line_is_cut_without_breaking_an_escape() -> None:
    text = "\\*" * 30_000
    parts = render.split(text)
    assert len(parts) > 1 and "".join(parts) == text
    assert all(not p.endswith("\\") or p.endswith("\\\\") for p in parts[:-1])
