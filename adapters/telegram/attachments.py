"""Attachments of incoming Telegram messages, and the handles that find them again."""

from __future__ import annotations

from telegram import Message

from bot.messages import Attachment, AttachmentKind

NETWORK = "telegram"
# Media Telegram lets a message carry a caption on.
CAPTIONED: frozenset[str] = frozenset({"photo", "document", "audio", "video", "voice"})


def make_handle(chat_id: int, message_id: int, file_id: str = "") -> str:
    """An opaque handle: where the message is (to copy it) and its file (to download it)."""
    return f"{chat_id}:{message_id}:{file_id}"


def read_handle(handle: str) -> tuple[int, int, str]:
    """Chat id, message id and file id from a handle made by :func:`make_handle`."""
    chat, message, file_id = handle.split(":", 2)
    return int(chat), int(message), file_id


def _one(
    msg: Message,
    kind: AttachmentKind,
    file_id: str = "",
    name: str | None = None,
    size: int | None = None,
    mime: str | None = None,
) -> Attachment:
    return Attachment(
        kind, NETWORK, make_handle(msg.chat.id, msg.message_id, file_id), name, size, mime
    )


def attachments_of(msg: Message) -> tuple[Attachment, ...]:
    """What a message carries besides its text, as the engine's attachments."""
    if msg.photo:
        largest = msg.photo[-1]
        return (_one(msg, "photo", largest.file_id, None, largest.file_size, "image/jpeg"),)
    if msg.document:
        d = msg.document
        return (_one(msg, "document", d.file_id, d.file_name, d.file_size, d.mime_type),)
    if msg.voice:
        v = msg.voice
        return (_one(msg, "voice", v.file_id, None, v.file_size, v.mime_type),)
    if msg.audio:
        a = msg.audio
        return (_one(msg, "audio", a.file_id, a.file_name, a.file_size, a.mime_type),)
    video = msg.video or msg.animation
    if video:
        return (
            _one(msg, "video", video.file_id, video.file_name, video.file_size, video.mime_type),
        )
    if msg.video_note:
        n = msg.video_note
        return (_one(msg, "video", n.file_id, None, n.file_size, "video/mp4"),)
    if msg.sticker:
        s = msg.sticker
        return (_one(msg, "sticker", s.file_id, None, s.file_size, None),)
    place = msg.location or (msg.venue.location if msg.venue else None)
    if place is not None:
        # No file to fetch; the coordinates are in the name for networks that show them.
        return (_one(msg, "location", name=f"geo:{place.latitude},{place.longitude}"),)
    if msg.contact:
        return (_one(msg, "contact"),)
    if msg.poll or msg.dice or msg.game or msg.story or msg.checklist:
        return (_one(msg, "other"),)
    return ()
