"""Methods that post messages: sendMessage, sendPhoto, sendDocument, copyMessage, forwardMessage."""

from __future__ import annotations

import mimetypes
from typing import Any

from .core import Core
from .errors import bad_request
from .files import DOCUMENT_LIMIT, PHOTO_LIMIT, StoredFile, image_size
from .keyboards import parse_markup
from .messages import StoredMessage
from .model import Chat
from .params import Params, Upload
from .sending import CAPTION_LIMIT, find_target, format_text, placement, writable_chat


def _common(core: Core, chat: Chat, p: Params) -> dict[str, Any]:
    """Fields every sent message takes from the request: markup, place, flags."""
    inline, other = parse_markup(p.obj("reply_markup", "reply keyboard markup"))
    fields = placement(core, chat, p)
    fields.update(
        reply_markup=inline,
        keyboard=other,
        silent=p.flag("disable_notification"),
        protect_content=p.flag("protect_content"),
    )
    return fields


async def send_message(core: Core, p: Params) -> Any:
    """sendMessage: a text message, with entities parsed and limits enforced."""
    chat = writable_chat(core, p)
    text, entities = format_text(core, p, "text")
    fields = _common(core, chat, p)
    preview = p.obj("link_preview_options", "link preview options")
    if preview is None and p.flag("disable_web_page_preview"):
        preview = {"is_disabled": True}
    message = core.new_message(
        chat,
        core.bot,
        outgoing=True,
        text=text,
        entities=entities,
        link_preview_options=preview if isinstance(preview, dict) else None,
        **fields,
    )
    return message.to_api()


def _existing_file(core: Core, ref: str, kind: str) -> StoredFile:
    """A file sent by file_id; URLs cannot be fetched here, offline."""
    if ref.startswith(("http://", "https://")):
        raise bad_request("failed to get HTTP URL content")
    stored = core.files.get(ref)
    if stored is None:
        raise bad_request("wrong file identifier/HTTP URL specified")
    if stored.kind != kind:
        raise bad_request("type of file mismatch")
    return stored


async def send_photo(core: Core, p: Params) -> Any:
    """sendPhoto: an uploaded image (its real size is read) or an existing photo file_id."""
    chat = writable_chat(core, p)
    photo = p.file("photo")
    if photo is None:
        raise bad_request("there is no photo in the request")
    if isinstance(photo, Upload):
        if len(photo.data) > PHOTO_LIMIT:
            raise bad_request("file is too big")
        size = image_size(photo.data)
        if size is None:
            raise bad_request("IMAGE_PROCESS_FAILED")
        stored = core.files.add(
            "photo", photo.data, width=size[0], height=size[1], mime_type="image/jpeg"
        )
    else:
        stored = _existing_file(core, photo, "photo")
    caption, caption_entities = _caption(core, p)
    message = core.new_message(
        chat,
        core.bot,
        outgoing=True,
        media={"photo": [stored.photo_size()]},
        caption=caption,
        caption_entities=caption_entities,
        **_common(core, chat, p),
    )
    return message.to_api()


async def send_document(core: Core, p: Params) -> Any:
    """sendDocument: an uploaded file (name and MIME type kept) or a document file_id."""
    chat = writable_chat(core, p)
    document = p.file("document")
    if document is None:
        raise bad_request("there is no document in the request")
    if isinstance(document, Upload):
        if len(document.data) > DOCUMENT_LIMIT:
            raise bad_request("file is too big")
        mime = document.content_type
        if mime in (None, "application/octet-stream") and document.filename:
            mime = mimetypes.guess_type(document.filename)[0] or mime
        stored = core.files.add(
            "document", document.data, mime_type=mime, file_name=document.filename
        )
    else:
        stored = _existing_file(core, document, "document")
    caption, caption_entities = _caption(core, p)
    message = core.new_message(
        chat,
        core.bot,
        outgoing=True,
        media={"document": stored.document()},
        caption=caption,
        caption_entities=caption_entities,
        **_common(core, chat, p),
    )
    return message.to_api()


def _caption(core: Core, p: Params) -> tuple[str | None, list[dict[str, Any]]]:
    """The optional caption with its entities."""
    return format_text(
        core,
        p,
        "caption",
        entities_field="caption_entities",
        limit=CAPTION_LIMIT,
        required=False,
    )


def _source(core: Core, p: Params, verb: str) -> StoredMessage:
    """The message that copyMessage or forwardMessage takes from ``from_chat_id``."""
    source = find_target(core, p, "from_chat_id")
    message_id = p.integer("message_id")
    original = source.messages.get(message_id) if message_id is not None else None
    if original is None or original.deleted:
        raise bad_request(f"message to {verb} not found")
    if original.is_service:
        raise bad_request(f"message can't be {'copied' if verb == 'copy' else 'forwarded'}")
    if original.protect_content:
        raise bad_request("message has protected content and can't be forwarded")
    return original


async def copy_message(core: Core, p: Params) -> Any:
    """copyMessage: the same content, without a link to the original; returns MessageId."""
    chat = writable_chat(core, p)
    original = _source(core, p, "copy")
    caption, caption_entities = original.caption, original.caption_entities
    if original.media and p.has("caption"):
        caption, caption_entities = _caption(core, p)
    message = core.new_message(
        chat,
        core.bot,
        outgoing=True,
        text=original.text,
        entities=list(original.entities),
        media=dict(original.media),
        caption=caption,
        caption_entities=list(caption_entities),
        **_common(core, chat, p),
    )
    return {"message_id": message.message_id}


async def forward_message(core: Core, p: Params) -> Any:
    """forwardMessage: the same content with ``forward_origin``; returns the Message."""
    chat = writable_chat(core, p)
    original = _source(core, p, "forward")
    if original.sender_chat is not None:
        origin: dict[str, Any] = {
            "type": "chat",
            "date": original.date,
            "sender_chat": original.sender_chat.to_api(),
        }
    else:
        sender = original.sender or core.bot
        origin = {"type": "user", "date": original.date, "sender_user": sender.to_api()}
    fields = placement(core, chat, p)
    message = core.new_message(
        chat,
        core.bot,
        outgoing=True,
        text=original.text,
        entities=list(original.entities),
        media=dict(original.media),
        caption=original.caption,
        caption_entities=list(original.caption_entities),
        forward_origin=original.forward_origin or origin,
        silent=p.flag("disable_notification"),
        protect_content=p.flag("protect_content"),
        **fields,
    )
    return message.to_api()


METHODS = {
    "sendMessage": send_message,
    "sendPhoto": send_photo,
    "sendDocument": send_document,
    "copyMessage": copy_message,
    "forwardMessage": forward_message,
}
