"""Matrix media message content: building m.image events and reading attachments back."""

from __future__ import annotations

from typing import Any

from nio import RoomEncryptedMedia, RoomMessageMedia
from nio.crypto.attachments import decrypt_attachment


def image_content(
    uri: str,
    keys: dict[str, Any] | None,
    mimetype: str,
    filename: str,
    length: int,
    size: tuple[int, int] | None = None,
) -> dict[str, Any]:
    """An m.image content: `url` for plain uploads, `file` (with the keys) for encrypted ones."""
    info: dict[str, Any] = {"mimetype": mimetype, "size": length}
    if size:
        info["w"], info["h"] = size
    content: dict[str, Any] = {"msgtype": "m.image", "body": filename, "info": info}
    if keys is not None:
        content["file"] = {"url": uri, **keys}
    else:
        content["url"] = uri
    return content


def plaintext(event: RoomMessageMedia | RoomEncryptedMedia, body: bytes) -> bytes:
    """The attachment's bytes: decrypted (and hash-checked) when the event was encrypted."""
    if isinstance(event, RoomEncryptedMedia):
        plain: bytes = decrypt_attachment(body, event.key["k"], event.hashes["sha256"], event.iv)
        return plain
    return body
