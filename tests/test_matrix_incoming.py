"""Matrix events (as the homeserver sends them, decrypted) turned into the engine's Incoming."""

from __future__ import annotations

import json
from typing import Any

from adapters.matrix.incoming import Where, convert, strip_reply_fallback
from adapters.matrix.menus import Menus
from bot.messages import Choice

DM = Where("!dm:x", False, lambda user: f"Name of {user}", lambda _user: False)
DESK = Where("!desk:x", True, lambda user: user, lambda user: user == "@sara:x")


def event(event_type: str, content: dict[str, Any], sender: str = "@amal:x") -> dict[str, Any]:
    return {
        "type": event_type,
        "event_id": "$ev1",
        "sender": sender,
        "origin_server_ts": 1_780_000_000_000,
        "content": content,
    }


def test_a_text_message() -> None:
    msg = convert(
        event("m.room.message", {"msgtype": "m.text", "body": "Wo ist das Amt?"}), DM, Menus({})
    )
    assert msg is not None
    assert (msg.id, msg.text, msg.choice, msg.desk) == ("$ev1", "Wo ist das Amt?", None, False)
    assert (msg.sender.network, msg.sender.chat, msg.sender.user) == ("matrix", "!dm:x", "@amal:x")
    assert msg.sender.name == "Name of @amal:x"
    assert msg.at is not None and msg.at.year == 2026


def test_notices_and_edits_and_other_events_mean_nothing() -> None:
    menus = Menus({})
    assert (
        convert(event("m.room.message", {"msgtype": "m.notice", "body": "bot"}), DM, menus) is None
    )
    edit = {
        "msgtype": "m.text",
        "body": "* neu",
        "m.new_content": {"msgtype": "m.text", "body": "neu"},
        "m.relates_to": {"rel_type": "m.replace", "event_id": "$old"},
    }
    assert convert(event("m.room.message", edit), DM, menus) is None
    assert convert(event("m.room.topic", {"topic": "x"}), DM, menus) is None
    assert convert({"type": "m.room.message"}, DM, menus) is None


def test_a_number_or_label_becomes_the_choice() -> None:
    menus = Menus({})
    menus.posted("!dm:x", "$menu", (Choice("Deutsch", "lang:de"), Choice("English", "lang:en")), 1)
    msg = convert(event("m.room.message", {"msgtype": "m.text", "body": "2"}), DM, menus)
    assert msg is not None and msg.choice == "lang:en"
    msg = convert(event("m.room.message", {"msgtype": "m.text", "body": "deutsch"}), DM, menus)
    assert msg is not None and msg.choice == "lang:de"


def test_images_plain_and_encrypted_carry_a_fetchable_handle() -> None:
    plain = {
        "msgtype": "m.image",
        "body": "brief.jpg",
        "url": "mxc://x/abc",
        "info": {"mimetype": "image/jpeg", "size": 1234},
    }
    msg = convert(event("m.room.message", plain), DM, Menus({}))
    assert msg is not None and msg.text == ""
    [a] = msg.attachments
    assert (a.kind, a.network, a.name, a.size, a.mime) == (
        "photo",
        "matrix",
        "brief.jpg",
        1234,
        "image/jpeg",
    )
    assert json.loads(a.handle) == {"url": "mxc://x/abc"}

    keys = {
        "url": "mxc://x/enc",
        "key": {"k": "K"},
        "iv": "IV",
        "hashes": {"sha256": "H"},
        "v": "v2",
    }
    encrypted = {
        "msgtype": "m.file",
        "body": "Bitte ansehen",
        "filename": "bescheid.pdf",
        "file": keys,
    }
    msg = convert(event("m.room.message", encrypted), DM, Menus({}))
    assert msg is not None and msg.text == "Bitte ansehen"  # a caption
    [a] = msg.attachments
    assert (a.kind, a.name) == ("document", "bescheid.pdf")
    assert json.loads(a.handle) == keys


def test_voice_location_and_stickers() -> None:
    voice = {
        "msgtype": "m.audio",
        "body": "Voice",
        "url": "mxc://x/v",
        "org.matrix.msc3245.voice": {},
    }
    msg = convert(event("m.room.message", voice), DM, Menus({}))
    assert msg is not None and msg.attachments[0].kind == "voice"
    where = {"msgtype": "m.location", "body": "Ort", "geo_uri": "geo:50.1,8.7"}
    msg = convert(event("m.room.message", where), DM, Menus({}))
    assert msg is not None and msg.attachments[0].handle == "geo:50.1,8.7"
    msg = convert(event("m.sticker", {"body": "hi", "url": "mxc://x/s"}), DM, Menus({}))
    assert msg is not None and msg.attachments[0].kind == "sticker"


def test_desk_thread_replies_and_staff_power() -> None:
    content = {
        "msgtype": "m.text",
        "body": "Wir rufen Sie an.",
        "m.relates_to": {
            "rel_type": "m.thread",
            "event_id": "$card",
            "is_falling_back": True,
            "m.in_reply_to": {"event_id": "$last"},
        },
    }
    msg = convert(event("m.room.message", content, "@sara:x"), DESK, Menus({}))
    assert msg is not None
    assert (msg.desk, msg.thread, msg.reply_to, msg.desk_member) == (True, "$card", "$last", True)
    assert msg.text == "Wir rufen Sie an."
    other = convert(event("m.room.message", content, "@guest:x"), DESK, Menus({}))
    assert other is not None and other.desk_member is False


def test_the_quote_of_a_plain_reply_is_dropped() -> None:
    content = {
        "msgtype": "m.text",
        "body": "> <@lotse:x> #4 · uk\n> Grund: ...\n\n/claim",
        "m.relates_to": {"m.in_reply_to": {"event_id": "$card"}},
    }
    msg = convert(event("m.room.message", content, "@sara:x"), DESK, Menus({}))
    assert msg is not None and (msg.text, msg.reply_to, msg.thread) == ("/claim", "$card", None)
    assert strip_reply_fallback("kein Zitat") == "kein Zitat"
    assert strip_reply_fallback("> nur Zitat") == ""


def test_reactions_pick_choices_and_a_card_reaction_sits_in_its_thread() -> None:
    menus = Menus({})
    menus.posted("!desk:x", "$card", (Choice("Übernehmen #4", "claim:4"),), 1, numbered=False)
    reaction = {"m.relates_to": {"rel_type": "m.annotation", "event_id": "$card", "key": "✋"}}
    msg = convert(event("m.reaction", reaction, "@sara:x"), DESK, menus)
    assert msg is not None
    assert (msg.choice, msg.thread, msg.desk_member) == ("claim:4", "$card", True)
    unrelated = {"m.relates_to": {"rel_type": "m.annotation", "event_id": "$other", "key": "✋"}}
    assert convert(event("m.reaction", unrelated, "@sara:x"), DESK, menus) is None


def test_a_redaction_in_a_dm_names_the_message_taken_back() -> None:
    for ev in (
        event("m.room.redaction", {"redacts": "$old"}),  # room version 11
        {**event("m.room.redaction", {}), "redacts": "$old"},  # older versions
    ):
        msg = convert(ev, DM, Menus({}))
        assert msg is not None and (msg.event, msg.reply_to, msg.text) == ("redacted", "$old", "")
    assert convert(event("m.room.redaction", {"redacts": "$old"}), DESK, Menus({})) is None
