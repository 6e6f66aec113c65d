"""Images and files: attachment handles, downloads (decrypted) and uploads (encrypted)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from nio import AsyncClient, MemoryDownloadResponse, UploadError, UploadResponse
from nio.crypto.attachments import decrypt_attachment

from bot.messages import Attachment, AttachmentKind
from bot.transport import Rejected

from .errors import call

NETWORK = "matrix"
# Downloads and uploads have no timeout of their own in nio.
TRANSFER_SECONDS = 120.0
KINDS: dict[str, AttachmentKind] = {
    "m.image": "photo",
    "m.file": "document",
    "m.audio": "audio",
    "m.video": "video",
}
MSGTYPES: dict[str, str] = {
    "photo": "m.image",
    "sticker": "m.image",
    "video": "m.video",
    "audio": "m.audio",
    "voice": "m.audio",
}
DEFAULT_NAMES: dict[str, str] = {"m.image": "image", "m.video": "video", "m.audio": "audio"}


def handle_of(content: dict[str, Any]) -> str | None:
    """The opaque handle of a media event: its mxc URI and, when encrypted, the keys."""
    encrypted = content.get("file")
    if isinstance(encrypted, dict) and isinstance(encrypted.get("url"), str):
        keep = ("url", "key", "iv", "hashes", "v")
        return json.dumps({k: encrypted[k] for k in keep if k in encrypted}, sort_keys=True)
    url = content.get("url")
    return json.dumps({"url": url}) if isinstance(url, str) else None


def attachment_of(content: dict[str, Any], event_type: str = "m.room.message") -> Attachment | None:
    """The attachment in an m.room.message (or m.sticker) content, if it carries one."""
    msgtype = content.get("msgtype")
    raw_info = content.get("info")
    info: dict[str, Any] = raw_info if isinstance(raw_info, dict) else {}
    if msgtype == "m.location" and isinstance(content.get("geo_uri"), str):
        return Attachment("location", NETWORK, content["geo_uri"])
    handle = handle_of(content)
    if handle is None:
        return None
    if event_type == "m.sticker":
        kind: AttachmentKind = "sticker"
    elif msgtype == "m.audio" and "org.matrix.msc3245.voice" in content:
        kind = "voice"
    elif isinstance(msgtype, str) and msgtype in KINDS:
        kind = KINDS[msgtype]
    else:
        return None
    name = content.get("filename") or content.get("body")
    size = info.get("size")
    mime = info.get("mimetype")
    return Attachment(
        kind,
        NETWORK,
        handle,
        name if isinstance(name, str) else None,
        size if isinstance(size, int) else None,
        mime if isinstance(mime, str) else None,
    )


async def download(client: AsyncClient, handle: str) -> bytes:
    """Fetch a file by its handle (authenticated media) and decrypt it if it was encrypted."""
    try:
        ref = json.loads(handle)
    except ValueError:
        raise Rejected("not a Matrix media handle") from None
    resp = await call(
        asyncio.wait_for(client.download(mxc=ref["url"]), TRANSFER_SECONDS), "download"
    )
    if not isinstance(resp, MemoryDownloadResponse):
        raise Rejected("download: unexpected response")
    body: bytes = resp.body
    if "key" in ref:
        plain: bytes = decrypt_attachment(body, ref["key"]["k"], ref["hashes"]["sha256"], ref["iv"])
        return plain
    return body


async def upload(
    client: AsyncClient, data: bytes, attachment: Attachment, encrypt: bool
) -> dict[str, Any]:
    """Upload bytes (encrypted for encrypted rooms); return the message content to post."""
    mime = attachment.mime or "application/octet-stream"
    msgtype = MSGTYPES.get(attachment.kind, "m.file")
    name = attachment.name or DEFAULT_NAMES.get(msgtype, "file")
    keys: dict[str, Any] = {}

    async def send_file() -> UploadResponse | UploadError:
        resp, decryption = await client.upload(
            lambda _got_429, _got_timeouts: data,
            content_type=mime,
            filename=name,
            encrypt=encrypt,
            filesize=len(data),
        )
        keys.update(decryption or {})
        return resp

    resp = await call(asyncio.wait_for(send_file(), TRANSFER_SECONDS), "upload")
    if not isinstance(resp, UploadResponse):
        raise Rejected("upload: unexpected response")
    content: dict[str, Any] = {
        "msgtype": msgtype,
        "body": name,
        "filename": name,
        "info": {"mimetype": mime, "size": len(data)},
    }
    if encrypt and keys:
        content["file"] = {"url": resp.content_uri, **keys}
    else:
        content["url"] = resp.content_uri
    return content


def location(attachment: Attachment) -> dict[str, Any] | None:
    """An m.location content for a geo: URI handle (from this or another network)."""
    if attachment.kind != "location" or not attachment.handle.startswith("geo:"):
        return None
    return {"msgtype": "m.location", "body": attachment.handle, "geo_uri": attachment.handle}
