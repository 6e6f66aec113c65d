"""The knowledge Markdown subset."""

from bot.markdown import BulletList, Paragraph, Span, escape, parse, parse_line, problems, to_plain


def test_paragraphs_lists_bold_and_links() -> None:
    blocks = parse(
        "Intro **wichtig**\nzweite Zeile\n\n- eins\n- [BAMF](https://www.bamf.de)\n\nEnde"
    )
    assert blocks == (
        Paragraph(((Span("Intro "), Span("wichtig", bold=True)), (Span("zweite Zeile"),))),
        BulletList(((Span("eins"),), (Span("BAMF", url="https://www.bamf.de"),))),
        Paragraph(((Span("Ende"),),)),
    )


def test_escaped_data_stays_literal() -> None:
    hostile = "**x** [a](https://evil) \\ _y_"
    assert parse_line(escape(hostile)) == (Span(hostile),)


def test_unsafe_link_targets_become_plain_labels() -> None:
    assert parse_line("[click](javascript:alert(1))") == (Span("click)"),)
    assert parse_line("[x](data:text/html,hi)") == (Span("x"),)


def test_plain_rendering_shows_web_targets_but_not_mail_or_phone_twice() -> None:
    text = "[Web](https://a.example) [a@b.de](mailto:a@b.de) [0611 1](tel:06111)"
    assert to_plain(text) == "Web (https://a.example) a@b.de 0611 1"


def test_problems_are_named() -> None:
    assert problems("fine **bold** [x](https://a)") == []
    assert problems("[x](ftp://a)") == [
        "link target 'ftp://a' must start with https:// (or http://)"
    ]
    assert problems("**open") == ["unclosed '**' (bold needs a closing '**' on the same line)"]
