"""Reloading the knowledge while running: good changes swap in, broken ones keep the last good base."""

from pathlib import Path

from bot.brain import Brain, BrainHolder
from bot.knowledge import load
from tests.kb import VALID_ENTRY, write


async def test_a_good_change_is_swapped_in_and_a_broken_one_keeps_the_old_base(
    tmp_path: Path,
) -> None:
    from bot.watcher import Watcher

    write(tmp_path, "place/offices.yaml", VALID_ENTRY)
    holder = BrainHolder(Brain.build(load(tmp_path)))
    notices: list[str] = []

    async def notify(text: str) -> None:
        notices.append(text)

    def texts(key: str, **params: object) -> str:
        return holder().knowledge.texts.get(key, "en", **params)

    watcher = Watcher(tmp_path, holder, notify, texts, interval=0.01)
    assert await watcher.check() is False

    added = VALID_ENTRY + "\n- id: neu\n  kind: info\n  title: {de: Neu}\n  answer: {de: Neu.}\n"
    write(tmp_path, "place/offices.yaml", added)
    assert await watcher.check() is True
    assert "neu" in holder().knowledge.by_id
    assert notices[-1] == "✅ Knowledge base reloaded: 3 entries."

    good = holder()
    write(tmp_path, "place/offices.yaml", added.replace("kind: info", "kind: amt"))
    assert await watcher.check() is True
    assert holder() is good  # the last good base is still in use
    assert notices[-1].startswith("⚠️ The changed knowledge base has 1 problems")
    assert "offices.yaml:35 entry 'neu': kind: 'amt' is not one of" in notices[-1]
