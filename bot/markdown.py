"""The knowledge Markdown subset: paragraphs, ``- `` lists, ``**bold**`` and links.

The core writes replies in this subset; adapters parse them with :func:`parse`
and render the blocks for their network, escaping every piece of text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_INLINE = re.compile(
    r"\\(?P<esc>[\\*\[\]()_`])"
    r"|\*\*(?P<bold>(?:\\.|[^*\\])+?)\*\*"
    r"|\[(?P<label>(?:\\.|[^\]\\])+)\]\((?P<url>[^)\s]+)\)"
)
_UNESCAPE = re.compile(r"\\([\\*\[\]()_`])")
_NEEDS_ESCAPE = re.compile(r"([\\*\[\]()_`])")
SAFE_SCHEMES = ("https://", "http://", "mailto:", "tel:")


@dataclass(frozen=True, slots=True)
class Span:
    """A run of text, maybe bold, maybe a link to ``url``."""

    text: str
    bold: bool = False
    url: str | None = None


Line = tuple[Span, ...]


@dataclass(frozen=True, slots=True)
class Paragraph:
    """Lines of text kept together; line breaks inside are meant (addresses, lists of times)."""

    lines: tuple[Line, ...]


@dataclass(frozen=True, slots=True)
class BulletList:
    """A ``- `` list; each item is one line of spans."""

    items: tuple[Line, ...]


Block = Paragraph | BulletList


def escape(text: str) -> str:
    """Escape data (an address, a user's words) so it stays literal inside Markdown."""
    return _NEEDS_ESCAPE.sub(r"\\\1", text)


def is_safe_url(url: str) -> bool:
    """Tell whether a link target may be shown to users (web, mail and phone only)."""
    return url.lower().startswith(SAFE_SCHEMES)


def parse_line(text: str) -> Line:
    """Parse the inline part of one line into spans."""
    spans: list[Span] = []
    pos = 0
    plain: list[str] = []

    def flush() -> None:
        if plain:
            spans.append(Span("".join(plain)))
            plain.clear()

    for m in _INLINE.finditer(text):
        plain.append(text[pos : m.start()])
        pos = m.end()
        if m.group("esc") is not None:
            plain.append(m.group("esc"))
        elif m.group("bold") is not None:
            flush()
            spans.append(Span(_UNESCAPE.sub(r"\1", m.group("bold")), bold=True))
        else:
            url = m.group("url")
            label = _UNESCAPE.sub(r"\1", m.group("label"))
            if is_safe_url(url):
                flush()
                spans.append(Span(label, url=url))
            else:
                # An unsafe target is shown as its label only, never as a link.
                plain.append(label)
    plain.append(text[pos:])
    flush()
    return tuple(s for s in spans if s.text)


def parse(markdown: str) -> tuple[Block, ...]:
    """Parse a whole text into paragraphs and lists."""
    blocks: list[Block] = []
    para: list[Line] = []
    items: list[Line] = []

    def close() -> None:
        if para:
            blocks.append(Paragraph(tuple(para)))
            para.clear()
        if items:
            blocks.append(BulletList(tuple(items)))
            items.clear()

    for raw in markdown.replace("\r\n", "\n").split("\n"):
        line = raw.strip()
        if not line:
            close()
        elif line.startswith(("- ", "* ")) or line in ("-", "*"):
            if para:
                close()
            items.append(parse_line(line[2:].strip()))
        else:
            if items:
                close()
            para.append(parse_line(line))
    close()
    return tuple(blocks)


def _plain_line(line: Line) -> str:
    parts = []
    for span in line:
        # Web links show their target; mail and phone links show their label,
        # which is the address or number itself.
        if span.url and span.url.startswith(("https://", "http://")) and span.url != span.text:
            parts.append(f"{span.text} ({span.url})")
        else:
            parts.append(span.text)
    return "".join(parts)


def to_plain(markdown: str) -> str:
    """Render Markdown as plain text for terminals and plain-text fallbacks."""
    out: list[str] = []
    for block in parse(markdown):
        if isinstance(block, Paragraph):
            out.append("\n".join(_plain_line(line) for line in block.lines))
        else:
            out.append("\n".join(f"• {_plain_line(item)}" for item in block.items))
    return "\n\n".join(out)


def problems(markdown: str) -> list[str]:
    """List what is wrong with a knowledge text: unsafe links, stray ``**``."""
    found: list[str] = []
    for m in re.finditer(r"\[(?:\\.|[^\]\\])+\]\(([^)\s]*)\)", markdown):
        if not is_safe_url(m.group(1)):
            found.append(f"link target '{m.group(1)}' must start with https:// (or http://)")
    stripped = _INLINE.sub("", markdown)
    if "**" in stripped:
        found.append("unclosed '**' (bold needs a closing '**' on the same line)")
    return found
