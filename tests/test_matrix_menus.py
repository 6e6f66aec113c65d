"""Numbered choices in a DM: numbers, labels and reactions mapped to the engine's payloads."""

from __future__ import annotations

from adapters.matrix.menus import Menus, lead_emoji, reaction_key
from bot.messages import Choice

LANGS = tuple(Choice(n, f"lang:{c}", "language") for c, n in [("de", "Deutsch"), ("en", "English")])
REGIONS = (Choice("Kreis Offenbach", "region:ko", "region"), Choice("Weiß ich nicht", "region:-"))
ANSWER = (
    Choice("Migrationsberatung", "o:3:0"),
    Choice("👍 Hat geholfen", "fb:3:y", "feedback"),
    Choice("👎 Hat nicht geholfen", "fb:3:n", "feedback"),
)


def test_menus_sent_one_after_another_are_numbered_on() -> None:
    menus = Menus({})
    assert menus.first_number("!r") == 1
    menus.posted("!r", "$welcome", LANGS, 1)
    assert menus.first_number("!r") == 3
    menus.posted("!r", "$regions", REGIONS, 3)
    assert menus.pick_text("!r", "2") == "lang:en"
    assert menus.pick_text("!r", " 3. ") == "region:ko"
    assert menus.pick_text("!r", "4)") == "region:-"
    assert menus.pick_text("!r", "5") is None
    assert menus.pick_text("!r", "0") is None


def test_after_the_user_writes_the_next_menu_starts_at_one() -> None:
    menus = Menus({})
    menus.posted("!r", "$welcome", LANGS, 1)
    menus.heard("!r")
    assert menus.pick_text("!r", "2") == "lang:en"  # still valid until a new menu comes
    assert menus.first_number("!r") == 1
    menus.posted("!r", "$answer", ANSWER, 1)
    assert menus.pick_text("!r", "2") == "fb:3:y"
    assert menus.pick_text("!other", "2") is None


def test_a_label_typed_out_picks_it() -> None:
    menus = Menus({})
    menus.posted("!r", "$answer", ANSWER, 1)
    assert menus.pick_text("!r", "hat geholfen") == "fb:3:y"
    assert menus.pick_text("!r", "Migrationsberatung!") == "o:3:0"
    assert menus.pick_text("!r", "Wo ist die Migrationsberatung?") is None


def test_reactions_pick_by_keycap_label_emoji_or_a_single_choice() -> None:
    menus = Menus({})
    menus.posted("!r", "$answer", ANSWER, 1)
    menus.posted("!desk", "$card", (Choice("Übernehmen #4", "claim:4", "action"),), 1, False)
    assert menus.pick_reaction("$answer", "1️⃣") == "o:3:0"
    assert menus.pick_reaction("$answer", "👍🏽") == "fb:3:y"
    assert menus.pick_reaction("$answer", "👎") == "fb:3:n"
    assert menus.pick_reaction("$answer", "🎉") is None
    assert menus.pick_reaction("$card", "✋") == "claim:4"
    assert menus.pick_reaction("$card", "👍") == "claim:4"
    assert menus.pick_reaction("$unknown", "👍") is None
    person = (Choice("🙋 Mit einem Menschen sprechen", "human:5", "action"),)
    menus.posted("!r", "$sorry", person, 1)
    assert menus.pick_reaction("$sorry", "❤️") is None  # a DM's one choice needs its emoji
    assert menus.pick_reaction("$sorry", "🙋") == "human:5"
    assert menus.pick_text("!desk", "1") is None  # the desk has no typed numbers


def test_menus_live_in_the_state_they_were_given() -> None:
    data: dict[str, object] = {}
    Menus(data).posted("!r", "$welcome", LANGS, 1)
    assert Menus(data).pick_text("!r", "1") == "lang:de"


def test_emoji_helpers() -> None:
    assert lead_emoji("👍 That helped") == "👍"
    assert lead_emoji("🙋 Talk to a person") == "🙋"
    assert lead_emoji("English") is None
    assert reaction_key("👍️") == "👍"
