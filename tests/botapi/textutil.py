"""Message text as Telegram treats it: UTF-16 lengths, trimming, links, detected entities."""

from __future__ import annotations

import re
from typing import Any

_TLDS = "com|org|net|de|eu|info|io|dev|app|me|gov|edu|int|ru|ua|uk|fr|tr|at|ch|nl|it|es|pl"
_URL = re.compile(
    r"(?<![\w@/.:-])(?:https?://[^\s<>\"]+"
    r"|(?:[A-Za-z0-9-]+\.)+(?:" + _TLDS + r")\b(?:/[^\s<>\"]*)?)",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_COMMAND = re.compile(r"(?<![^\s])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\w/])")
_MENTION = re.compile(r"(?<![\w@])@[A-Za-z0-9_]{3,32}(?!\w)")
_HASHTAG = re.compile(r"(?<![\w#])#\w*[^\W\d_]\w*")
_TRAILING = ".,;:!?)]}'\""
# Detected entities are not looked for inside these (Telegram keeps code literal).
_OPAQUE = {"code", "pre", "text_link", "text_mention", "custom_emoji"}
_URL_SCHEMES = {"http", "https", "ftp", "tg", "ton", "tonsite"}
_HOST = re.compile(r"^(?:[A-Za-z0-9_-]+\.)*[A-Za-z0-9_-]+(?::\d{1,5})?$")


def utf16_len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units, the unit of every Telegram offset."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def sort_entities(entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Order entities as Telegram does: by offset, the longer (outer) one first."""
    return sorted(entities, key=lambda e: (e["offset"], -e["length"]))


def check_url(url: str) -> str | None:
    """Telegram's link check: None for a bad link, else the normalised URL."""
    url = url.strip()
    match = re.match(r"^([A-Za-z][A-Za-z0-9+.-]*):(//)?", url)
    if match and (match.group(2) or match.group(1).lower() in _URL_SCHEMES):
        scheme = match.group(1).lower()
        if scheme not in _URL_SCHEMES:
            return None
        rest = url[match.end() :]
        if scheme in {"tg", "ton", "tonsite"}:
            return f"{scheme}://{rest}" if rest else None
    else:
        scheme, rest = "http", url
    host = re.split(r"[/?#]", rest, maxsplit=1)[0]
    tail = rest[len(host) :]
    # Without "//" a "mailto:" or "tel:" prefix is read as user info of an http URL, as
    # Telegram does: mailto:a@b.de becomes http://mailto:a@b.de/, tel:+49... is no link.
    userinfo, _, host = host.rpartition("@")
    if not host or not _HOST.match(host) or ("." not in host and host != "localhost"):
        return None
    if not tail.startswith("/"):
        tail = "/" + tail
    return f"{scheme}://{userinfo + '@' if userinfo else ''}{host.lower()}{tail}"


def trim(text: str, entities: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """Strip surrounding whitespace like Telegram, moving and clipping the entities."""
    stripped_left = text.lstrip()
    shift = utf16_len(text) - utf16_len(stripped_left)
    result = stripped_left.rstrip()
    size = utf16_len(result)
    kept = []
    for entity in entities:
        start = max(entity["offset"] - shift, 0)
        end = min(entity["offset"] + entity["length"] - shift, size)
        if end > start:
            kept.append({**entity, "offset": start, "length": end - start})
    return result, kept


def find_entities(text: str, existing: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Entities Telegram detects by itself: commands, mentions, hashtags, URLs, e-mails."""
    taken = [(e["offset"], e["offset"] + e["length"]) for e in existing if e["type"] in _OPAQUE]
    found: list[dict[str, Any]] = []
    for kind, pattern in (
        ("email", _EMAIL),
        ("url", _URL),
        ("bot_command", _COMMAND),
        ("mention", _MENTION),
        ("hashtag", _HASHTAG),
    ):
        for match in pattern.finditer(text):
            value = match.group(0)
            if kind == "url":
                value = value.rstrip(_TRAILING)
            start = utf16_len(text[: match.start()])
            end = start + utf16_len(value)
            if any(start < b and a < end for a, b in taken):
                continue
            taken.append((start, end))
            found.append({"type": kind, "offset": start, "length": end - start})
    return sort_entities(found)


def clean_entities(raw: Any, text: str) -> list[dict[str, Any]]:
    """Entities passed explicitly (the ``entities`` parameter), clipped to the text."""
    if not isinstance(raw, list):
        return []
    size = utf16_len(text)
    kept = []
    for item in raw:
        if not isinstance(item, dict) or not isinstance(item.get("type"), str):
            continue
        offset, length = item.get("offset"), item.get("length")
        if not isinstance(offset, int) or not isinstance(length, int) or length <= 0:
            continue
        if offset < 0 or offset >= size:
            continue
        kept.append({**item, "length": min(length, size - offset)})
    return sort_entities(kept)
