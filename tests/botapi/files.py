"""Stored files: ids, sizes and paths as Telegram hands them out, and their bytes."""

from __future__ import annotations

import base64
import hashlib
import itertools
import struct
from dataclasses import dataclass
from typing import Any

# Telegram's limits: getFile serves files up to 20 MB; uploads of photos up to 10 MB.
DOWNLOAD_LIMIT = 20 * 1024 * 1024
PHOTO_LIMIT = 10 * 1024 * 1024
DOCUMENT_LIMIT = 50 * 1024 * 1024
_FOLDERS = {
    "photo": ("photos", ".jpg"),
    "document": ("documents", ""),
    "sticker": ("stickers", ".webp"),
    "voice": ("voice", ".oga"),
}


@dataclass(eq=False)
class StoredFile:
    """One file: its ids, kind, bytes and metadata."""

    file_id: str
    file_unique_id: str
    kind: str  # photo | document | sticker | voice
    data: bytes
    mime_type: str | None = None
    file_name: str | None = None
    width: int = 0
    height: int = 0
    duration: int = 0
    file_path: str | None = None

    def photo_size(self) -> dict[str, Any]:
        """The Bot API ``PhotoSize`` object."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "width": self.width,
            "height": self.height,
            "file_size": len(self.data),
        }

    def document(self) -> dict[str, Any]:
        """The Bot API ``Document`` object."""
        out: dict[str, Any] = {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.data),
        }
        if self.file_name:
            out["file_name"] = self.file_name
        if self.mime_type:
            out["mime_type"] = self.mime_type
        return out

    def to_file(self) -> dict[str, Any]:
        """The Bot API ``File`` object returned by getFile."""
        out: dict[str, Any] = {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.data),
        }
        if self.file_path:
            out["file_path"] = self.file_path
        return out


def image_size(data: bytes) -> tuple[int, int] | None:
    """Width and height of a PNG, GIF, JPEG or WebP image; None if it is none of them."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return width, height
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return width, height
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP" and data[12:16] == b"VP8X":
        width = int.from_bytes(data[24:27], "little") + 1
        height = int.from_bytes(data[27:30], "little") + 1
        return width, height
    if data[:2] == b"\xff\xd8":
        i = 2
        while i + 9 < len(data):
            if data[i] != 0xFF:
                return None
            marker = data[i + 1]
            length = struct.unpack(">H", data[i + 2 : i + 4])[0]
            if marker in (0xC0, 0xC1, 0xC2):
                height, width = struct.unpack(">HH", data[i + 5 : i + 9])
                return width, height
            i += 2 + length
    return None


class FileStore:
    """All files known to the server, by file_id and by download path."""

    def __init__(self) -> None:
        self._by_id: dict[str, StoredFile] = {}
        self._by_path: dict[str, StoredFile] = {}
        self._counter = itertools.count(1)

    def add(self, kind: str, data: bytes, **meta: Any) -> StoredFile:
        """Store ``data`` as a new file of ``kind`` and return it."""
        serial = next(self._counter)
        digest = hashlib.sha256(data).digest()
        prefix = {"photo": b"\x02", "document": b"\x05", "sticker": b"\x08", "voice": b"\x03"}
        raw_id = prefix.get(kind, b"\x00") + serial.to_bytes(4, "big") + digest[:18]
        file_id = base64.urlsafe_b64encode(raw_id).decode().rstrip("=")
        unique = base64.urlsafe_b64encode(b"\x01" + digest[:8]).decode().rstrip("=")
        stored = StoredFile(file_id, unique, kind, data, **meta)
        self._by_id[file_id] = stored
        return stored

    def get(self, file_id: str) -> StoredFile | None:
        """The file with ``file_id``, if any."""
        return self._by_id.get(file_id)

    def publish(self, stored: StoredFile) -> str:
        """Give ``stored`` a download path (getFile does this) and return it."""
        if stored.file_path is None:
            folder, suffix = _FOLDERS.get(stored.kind, ("documents", ""))
            if stored.kind == "document" and stored.file_name and "." in stored.file_name:
                suffix = "." + stored.file_name.rsplit(".", 1)[1]
            stored.file_path = f"{folder}/file_{len(self._by_path)}{suffix}"
            self._by_path[stored.file_path] = stored
        return stored.file_path

    def by_path(self, path: str) -> StoredFile | None:
        """The file published at ``path``, if any."""
        return self._by_path.get(path)
