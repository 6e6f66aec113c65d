"""Photos and documents: multipart upload, file_id reuse, getFile and download, copies."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import Bot, InputFile, MessageOriginUser
from telegram.error import BadRequest

from tests.botapi import BotApiServer, User, tiny_png


@pytest.fixture
async def bot(botapi: BotApiServer) -> AsyncIterator[Bot]:
    async with Bot(
        botapi.token, base_url=botapi.base_url, base_file_url=botapi.base_file_url
    ) as client:
        yield client


@pytest.fixture
def user(botapi: BotApiServer) -> User:
    person = botapi.add_user("Dawit", language_code="ti")
    botapi.send_command(person, None, "start")
    return person


async def test_photo_upload_get_file_and_download(
    botapi: BotApiServer, bot: Bot, user: User
) -> None:
    image = tiny_png(40, 30)
    sent = await bot.send_photo(user.id, image, caption="<b>Karte</b>", parse_mode="HTML")
    size = sent.photo[-1]
    assert (size.width, size.height, size.file_size) == (40, 30, len(image))
    assert sent.caption == "Karte" and sent.caption_entities[0].type == "bold"
    info = await bot.get_file(size.file_id)
    assert info.file_path is not None and info.file_path.startswith(
        f"{botapi.base_file_url}{botapi.token}/photos/"
    )
    assert bytes(await info.download_as_bytearray()) == image
    again = await bot.send_photo(user.id, size.file_id)
    assert again.photo[-1].file_unique_id == size.file_unique_id


async def test_photo_errors(bot: Bot, user: User) -> None:
    with pytest.raises(BadRequest, match="Image_process_failed"):
        await bot.send_photo(user.id, b"not an image at all")
    with pytest.raises(BadRequest, match="Wrong file identifier/http url specified"):
        await bot.send_photo(user.id, "AgACAgIAAxkBAAIBbogus")
    with pytest.raises(BadRequest, match="Message caption is too long"):
        await bot.send_photo(user.id, tiny_png(), caption="x" * 1025)


async def test_document_keeps_name_and_type(botapi: BotApiServer, bot: Bot, user: User) -> None:
    data = b"%PDF-1.4 Merkblatt"
    sent = await bot.send_document(user.id, InputFile(data, filename="merkblatt.pdf"))
    document = sent.document
    assert document is not None
    assert (document.file_name, document.mime_type, document.file_size) == (
        "merkblatt.pdf",
        "application/pdf",
        len(data),
    )
    photo = await bot.send_photo(user.id, tiny_png())
    with pytest.raises(BadRequest, match="Type of file mismatch"):
        await bot.send_document(user.id, photo.photo[-1].file_id)
    downloaded = await (await bot.get_file(document.file_id)).download_as_bytearray()
    assert bytes(downloaded) == data


async def test_user_photo_can_be_fetched_and_copied(
    botapi: BotApiServer, bot: Bot, user: User
) -> None:
    staff = botapi.add_user("Petra")
    desk = botapi.add_supergroup("Desk", members=[staff], bot_status="administrator")
    image = tiny_png(8, 8)
    incoming = botapi.send_photo(user, None, image, caption="Mein Bescheid")
    file_id = incoming.media["photo"][-1]["file_id"]
    assert bytes(await (await bot.get_file(file_id)).download_as_bytearray()) == image

    copied = await bot.copy_message(desk.id, user.id, incoming.message_id)
    copy = desk.messages[copied.message_id]
    assert copy.outgoing and copy.caption == "Mein Bescheid"
    assert copy.media["photo"][-1]["file_id"] == file_id
    assert copy.forward_origin is None
    forwarded = await bot.forward_message(desk.id, user.id, incoming.message_id)
    assert isinstance(forwarded.forward_origin, MessageOriginUser)
    assert forwarded.forward_origin.sender_user.id == user.id
    with pytest.raises(BadRequest, match="Message to copy not found"):
        await bot.copy_message(desk.id, user.id, 999)
