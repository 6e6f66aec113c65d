"""Rendering the knowledge Markdown subset as an m.notice: plain ``body``, safe HTML, choices."""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from typing import Any

from bot.languages import RTL
from bot.markdown import BulletList, Line, Paragraph, is_safe_url, parse, to_plain
from bot.messages import Choice

from .menus import KEYCAPS

# Content JSON above this is split into several events: Matrix refuses events
# over 64 KiB, and encryption adds about a third (base64) plus its envelope.
MAX_CONTENT_BYTES = 24_000
# Right-to-left mark: plain-text clients then lay out ar/fa/ps lines from the right.
RLM = "\u200f"
CLAIM_REACTION = "✋"


def _line_html(line: Line) -> str:
    parts = []
    for span in line:
        text = html.escape(span.text, quote=False)
        if span.bold:
            text = f"<strong>{text}</strong>"
        # parse() keeps only web, mail and phone links; checked again because
        # a link is the one place where text becomes an attribute.
        if span.url and is_safe_url(span.url):
            text = f'<a href="{html.escape(span.url, quote=True)}">{text}</a>'
        parts.append(text)
    return "".join(parts)


def to_html(markdown: str, mark: str = "") -> str:
    """HTML for the Markdown subset: every piece of text escaped, only p/br/ul/li/strong/a."""
    out = []
    for block in parse(markdown):
        if isinstance(block, Paragraph):
            lines = "<br>".join(mark + _line_html(line) for line in block.lines)
            out.append(f"<p>{lines}</p>")
        elif isinstance(block, BulletList):
            items = "".join(f"<li>{mark}{_line_html(item)}</li>" for item in block.items)
            out.append(f"<ul>{items}</ul>")
    return "".join(out)


def reactions_for(choices: Sequence[Choice]) -> tuple[str, ...]:
    """The reactions that pick a desk message's choices (✋ for one, keycaps for several)."""
    if len(choices) == 1:
        return (CLAIM_REACTION,)
    return KEYCAPS[: len(choices)]


def _choices(choices: Sequence[Choice], start: int, numbered: bool, mark: str) -> tuple[str, str]:
    if numbered:
        plain = "\n".join(f"{mark}{start + n}. {c.label}" for n, c in enumerate(choices))
        items = "".join(f"<li>{mark}{html.escape(c.label, quote=False)}</li>" for c in choices)
        return plain, f'<ol start="{start}">{items}</ol>'
    keys = reactions_for(choices)
    lines = [f"{mark}{key} {c.label}" for key, c in zip(keys, choices, strict=False)]
    body = "<br>".join(html.escape(line, quote=False) for line in lines)
    return "\n".join(lines), f"<p>{body}</p>"


def notice(
    markdown: str,
    language: str,
    choices: Sequence[Choice] = (),
    start: int = 1,
    numbered: bool = True,
) -> dict[str, Any]:
    """One m.notice content; choices as a numbered list (DMs) or with reactions (the desk)."""
    mark = RLM if language in RTL else ""
    body = to_plain(markdown)
    if mark:
        body = "\n".join(mark + line if line else line for line in body.split("\n"))
    formatted = to_html(markdown, mark)
    if choices:
        plain, rich = _choices(choices, start, numbered, mark)
        body = f"{body}\n\n{plain}" if body else plain
        formatted += rich
    return {
        "msgtype": "m.notice",
        "body": body,
        "format": "org.matrix.custom.html",
        "formatted_body": formatted,
    }


def _size(content: dict[str, Any]) -> int:
    # nio serialises with ASCII escapes: measure the same way.
    return len(json.dumps(content))


def _halves(markdown: str) -> tuple[str, str]:
    lines = markdown.split("\n")
    if len(lines) > 1:
        middle = len(lines) // 2
        return "\n".join(lines[:middle]), "\n".join(lines[middle:])
    cut = len(markdown) // 2
    # Never cut between a backslash and the character it escapes.
    while cut > 1 and markdown[cut - 1] == "\\":
        cut -= 1
    return markdown[:cut], markdown[cut:]


def split(markdown: str, fits: int = MAX_CONTENT_BYTES) -> list[str]:
    """Cut a long text into parts that each fit one event (at line breaks where possible)."""
    if len(markdown) < 2 or _size(notice(markdown, "de")) <= fits:
        return [markdown]
    first, second = _halves(markdown)
    return split(first, fits) + split(second, fits)


def notices(
    markdown: str,
    language: str,
    choices: Sequence[Choice] = (),
    start: int = 1,
    numbered: bool = True,
) -> list[dict[str, Any]]:
    """The contents to send for one text: usually one; the choices go with the last."""
    parts = [p for p in split(markdown) if p.strip()] or [""]
    last = len(parts) - 1
    return [
        notice(part, language, choices if i == last else (), start, numbered)
        for i, part in enumerate(parts)
    ]
