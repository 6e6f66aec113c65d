"""The knowledge Markdown subset as Telegram HTML: everything escaped, split to fit a message."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, replace
from urllib.parse import unquote

from bot.markdown import BulletList, Span, parse

from .bidi import has_rtl, isolate_ltr_runs, line_mark, strip_controls
from .split import Line, Piece, Row, pack, utf16_len, wrap

# Telegram allows 4,096 UTF-16 units of text and 1,024 of caption (after parsing the HTML);
# staying a little below leaves room for anything Telegram counts differently.
TEXT_LIMIT = 4000
CAPTION_LIMIT = 1000
_WEB = ("http://", "https://")
_DIGITS = re.compile(r"\D")


@dataclass(frozen=True, slots=True)
class Chunk:
    """One message's worth of a reply: HTML for parse_mode HTML, and the same as plain text."""

    html: str
    plain: str

    @property
    def size(self) -> int:
        """Visible length in UTF-16 units."""
        return utf16_len(self.plain)


def _address(url: str) -> str:
    return unquote(url.split(":", 1)[1].split("?", 1)[0])


def _piece(span: Span) -> Piece:
    text = strip_controls(span.text)
    url = span.url
    if url is not None and not url.lower().startswith(_WEB):
        # Telegram shows no mailto: or tel: links; the address itself is written out, and
        # Telegram's clients make e-mail addresses and phone numbers tappable on their own.
        address = strip_controls(_address(url))
        same_number = _DIGITS.sub("", address) and _DIGITS.sub("", address) == _DIGITS.sub("", text)
        if address and address not in text and not same_number:
            text = f"{text} ({address})"
        url = None
    return Piece(text, span.bold, url)


def _rows(markdown: str, language: str, limit: int) -> list[Row]:
    rows: list[Row] = []
    for block in parse(markdown):
        lines = block.items if isinstance(block, BulletList) else block.lines
        for index, line in enumerate(lines):
            pieces = tuple(_piece(span) for span in line)
            if isinstance(block, BulletList):
                pieces = (Piece("• "), *pieces)
            visible = "".join(p.text for p in pieces)
            mark = line_mark(visible, language)
            if has_rtl(visible):
                pieces = tuple(replace(p, text=isolate_ltr_runs(p.text)) for p in pieces)
            # A line too long for one message is broken up; each part keeps the mark.
            for part_index, part in enumerate(wrap(pieces, limit - len(mark))):
                gap = "\n\n" if rows and index == 0 and part_index == 0 else "\n"
                rows.append(Row((Piece(mark), *part) if mark else part, gap))
    return rows


def _html(line: Line) -> str:
    out = []
    for piece in line:
        text = html.escape(piece.text, quote=False)
        if piece.url:
            text = f'<a href="{html.escape(piece.url, quote=True)}">{text}</a>'
        if piece.bold:
            text = f"<b>{text}</b>"
        out.append(text)
    return "".join(out)


def render(markdown: str, language: str, limit: int = TEXT_LIMIT) -> list[Chunk]:
    """Render a reply as one or more messages of at most ``limit`` visible UTF-16 units."""
    chunks = []
    for rows in pack(_rows(markdown, language, limit), limit):
        html_parts: list[str] = []
        plain_parts: list[str] = []
        for n, row in enumerate(rows):
            gap = row.gap if n else ""
            html_parts.append(gap + _html(row.pieces))
            plain_parts.append(gap + "".join(p.text for p in row.pieces))
        chunks.append(Chunk("".join(html_parts), "".join(plain_parts)))
    return [c for c in chunks if c.plain.strip()]


def fits_caption(markdown: str, language: str) -> Chunk | None:
    """The reply as one media caption, or None if it needs more room than a caption has."""
    chunks = render(markdown, language, CAPTION_LIMIT)
    return chunks[0] if len(chunks) == 1 else None
