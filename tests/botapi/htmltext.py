"""Telegram's ``parse_mode=HTML``: tags to entities, with Telegram's error messages.

Written from the behaviour of Telegram's own parser: it walks the UTF-8 bytes,
knows a fixed set of tags, decodes only ``&lt; &gt; &amp; &quot;`` and numeric
references (a ``;`` is optional; anything else stays literal), requires tags to
close in order, and reports errors with the byte offset of the offending tag.
Entity offsets and lengths are in UTF-16 code units.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .textutil import check_url, sort_entities, utf16_len

_TAGS = frozenset(
    [
        "a",
        "b",
        "strong",
        "i",
        "em",
        "s",
        "strike",
        "del",
        "u",
        "ins",
        "tg-spoiler",
        "tg-emoji",
        "span",
        "pre",
        "code",
        "blockquote",
    ]
)
_SIMPLE = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
}
_NAMED = {b"lt": "<", b"gt": ">", b"amp": "&", b"quot": '"'}
_SPACE = frozenset(b" \t\r\n\0\v")
_NAME_TOKEN = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-")


class EntityParseError(Exception):
    """The HTML could not be parsed; the message is Telegram's (without the prefix)."""


@dataclass
class _Open:
    tag: str
    argument: str
    offset: int  # UTF-16 offset where the entity starts
    piece: int  # index into the output pieces where its text starts


class _Bytes:
    """The input as bytes, reading 0 past the end like the C string Telegram walks."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def __getitem__(self, i: int) -> int:
        return self.data[i] if i < len(self.data) else 0


def _decode_reference(text: _Bytes, pos: int) -> tuple[str, int] | None:
    """Decode a character reference at ``pos`` (an ``&``); None keeps the ``&`` literal."""
    end = pos + 1
    if text[end] == ord("#"):
        end += 1
        value = 0
        base, digits = (10, b"0123456789")
        if text[end] == ord("x"):
            end += 1
            base, digits = (16, b"0123456789abcdefABCDEF")
        while text[end] and text[end] in digits:
            value = value * base + int(chr(text[end]), 16)
            end += 1
        if value == 0 or value >= 0x10FFFF or end - pos >= 10:
            return None
        char = chr(value)
    else:
        while chr(text[end]).isascii() and chr(text[end]).isalpha():
            end += 1
        named = _NAMED.get(text.data[pos + 1 : end])
        if named is None:
            return None
        char = named
    if text[end] == ord(";"):
        end += 1
    return char, end


def parse_html(
    source: str, find_user: Callable[[int], dict[str, Any] | None] = lambda _: None
) -> tuple[str, list[dict[str, Any]]]:
    """Parse ``source``; returns the plain text and its entities or raises EntityParseError."""
    text = _Bytes(source.encode("utf-8"))
    pieces: list[str] = []
    entities: list[dict[str, Any]] = []
    stack: list[_Open] = []
    offset = 0
    i = 0
    size = len(text.data)
    while i < size:
        c = text[i]
        if c == ord("&"):
            decoded = _decode_reference(text, i)
            if decoded is not None:
                pieces.append(decoded[0])
                offset += utf16_len(decoded[0])
                i = decoded[1]
                continue
        if c != ord("<"):
            stop = i + 1
            while stop < size and text[stop] not in (ord("<"), ord("&")):
                stop += 1
            chunk = text.data[i:stop].decode("utf-8", "replace")
            pieces.append(chunk)
            offset += utf16_len(chunk)
            i = stop
            continue
        begin = i
        i += 1
        if text[i] != ord("/"):
            i = _start_tag(text, begin, i, stack, offset, len(pieces))
        else:
            if not stack:
                raise EntityParseError(f"Unexpected end tag at byte offset {begin}")
            while text[i] not in _SPACE and text[i] != ord(">"):
                i += 1
            end_name = text.data[begin + 2 : i].decode("utf-8", "replace")
            while text[i] in _SPACE and text[i] != 0:
                i += 1
            if text[i] != ord(">"):
                raise EntityParseError(f"Unclosed end tag at byte offset {begin}")
            opened = stack.pop()
            if end_name and end_name != opened.tag:
                raise EntityParseError(
                    f"Unmatched end tag at byte offset {begin}, "
                    f'expected "</{opened.tag}>", found "</{end_name}>"'
                )
            if offset > opened.offset:
                inner = "".join(pieces[opened.piece :])
                _close(opened, offset - opened.offset, inner, entities, find_user)
        i += 1
    if stack:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].tag}"')
    for entity in entities:
        if entity["type"] == "code":
            entity.pop("language", None)  # a language only survives on <pre>
    result = "".join(pieces)
    try:
        result.encode("utf-8")
    except UnicodeEncodeError:
        raise EntityParseError(
            "Text contains invalid Unicode characters after decoding HTML entities, "
            "check for unmatched surrogate code units"
        ) from None
    return result, sort_entities(entities)


def _start_tag(text: _Bytes, begin: int, i: int, stack: list[_Open], offset: int, at: int) -> int:
    """Read a start tag from ``begin``; push it and return the index of its ``>``."""
    while text[i] not in _SPACE and text[i] != ord(">"):
        i += 1
    if text[i] == 0:
        raise EntityParseError(f"Unclosed start tag at byte offset {begin}")
    tag = text.data[begin + 1 : i].decode("utf-8", "replace").lower()
    if tag not in _TAGS:
        raise EntityParseError(f'Unsupported start tag "{tag}" at byte offset {begin}')
    argument = ""
    while text[i] != ord(">"):
        while text[i] != 0 and text[i] in _SPACE:
            i += 1
        if text[i] == ord(">"):
            break
        name_begin = i
        while text[i] not in _SPACE and text[i] not in (ord("="), ord(">")):
            i += 1
        name = text.data[name_begin:i].decode("utf-8", "replace")
        if not name:
            raise EntityParseError(
                f'Empty attribute name in the tag "{tag}" at byte offset {begin}'
            )
        while text[i] != 0 and text[i] in _SPACE:
            i += 1
        if text[i] != ord("="):
            if tag == "blockquote" and name == "expandable":
                argument = "1"
                continue
            raise EntityParseError(
                "Expected equal sign in declaration of an attribute of the tag "
                f'"{tag}" at byte offset {begin}'
            )
        i += 1
        while text[i] != 0 and text[i] in _SPACE:
            i += 1
        if text[i] == 0:
            raise EntityParseError(f'Unclosed start tag "{tag}" at byte offset {begin}')
        if text[i] not in (ord("'"), ord('"')):
            token_begin = i
            while text[i] != 0 and text[i] in _NAME_TOKEN:
                i += 1
            value = text.data[token_begin:i].decode("ascii").lower()
            if text[i] not in _SPACE and text[i] != ord(">"):
                raise EntityParseError(f"Unexpected end of name token at byte offset {token_begin}")
        else:
            quote = text[i]
            i += 1
            chars: list[str] = []
            raw_begin = i
            while text[i] != quote and text[i] != 0:
                if text[i] == ord("&"):
                    decoded = _decode_reference(text, i)
                    if decoded is not None:
                        chars.append(text.data[raw_begin:i].decode("utf-8", "replace"))
                        chars.append(decoded[0])
                        i = raw_begin = decoded[1]
                        continue
                i += 1
            chars.append(text.data[raw_begin:i].decode("utf-8", "replace"))
            value = "".join(chars)
            if text[i] == quote:
                i += 1
        if text[i] == 0:
            raise EntityParseError(f"Unclosed start tag at byte offset {begin}")
        if tag == "a" and name == "href":
            argument = value
        elif tag == "code" and name == "class" and value.startswith("language-"):
            argument = value.removeprefix("language-")
        elif tag == "span" and name == "class" and value.startswith("tg-"):
            argument = value.removeprefix("tg-")
        elif tag == "tg-emoji" and name == "emoji-id":
            argument = value
    if tag == "span" and argument != "spoiler":
        raise EntityParseError(f'Tag "span" must have class "tg-spoiler" at byte offset {begin}')
    if tag == "tg-emoji" and not argument.isdigit():
        raise EntityParseError(
            f'Tag "tg-emoji" must have attribute "emoji-id" at byte offset {begin}'
        )
    stack.append(_Open(tag, argument, offset, at))
    return i


def _close(
    opened: _Open,
    length: int,
    inner: str,
    entities: list[dict[str, Any]],
    find_user: Callable[[int], dict[str, Any] | None],
) -> None:
    """Turn a closed, non-empty tag into its entity (or into nothing, like a bad link)."""
    start = opened.offset
    entity: dict[str, Any] = {"offset": start, "length": length}
    last = entities[-1] if entities else None
    same_span = last is not None and last["offset"] == start and last["length"] == length
    if opened.tag in _SIMPLE:
        entity["type"] = _SIMPLE[opened.tag]
    elif opened.tag == "blockquote":
        entity["type"] = "expandable_blockquote" if opened.argument else "blockquote"
    elif opened.tag == "tg-emoji":
        entity.update(type="custom_emoji", custom_emoji_id=opened.argument)
    elif opened.tag == "a":
        url = opened.argument or inner
        if url.startswith("tg://user?id=") and url[13:].isdigit():
            user = find_user(int(url[13:]))
            if user is None:
                return
            entity.update(type="text_mention", user=user)
        else:
            checked = check_url(url)
            if checked is None:
                return
            entity.update(type="text_link", url=checked)
    elif opened.tag == "pre":
        if last is not None and same_span and last["type"] == "code" and last.get("language"):
            last["type"] = "pre"
            return
        entity["type"] = "pre"
    else:  # code
        if last is not None and same_span and last["type"] == "pre" and opened.argument:
            last["language"] = opened.argument
            return
        entity["type"] = "code"
        if opened.argument:
            entity["language"] = opened.argument  # dropped again unless a <pre> wraps it
    entities.append(entity)
