"""The loader's guards and the fixture bases."""

import os
from pathlib import Path

import pytest

from bot.knowledge import SHIPPED, load, read_folder
from bot.problem import KnowledgeError
from tests.kb import EVAL, EVAL_KNOWLEDGE, VALID_ENTRY, write


def test_the_fixture_base_loads_clean() -> None:
    knowledge = load(EVAL_KNOWLEDGE)
    assert len(knowledge.entries) == 64
    assert {e.region for e in knowledge.entries} == {
        None,
        "giessen",
        "kreis-offenbach",
        "odenwaldkreis",
    }


def test_the_integreat_base_loads_clean() -> None:
    assert len(load(EVAL / "integreat" / "knowledge").entries) == 494


def test_a_link_to_a_file_outside_the_root_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "kb"
    write(root, "place/offices.yaml", VALID_ENTRY)
    secret = write(tmp_path, "outside/secret.yaml", "- id: leaked\n")
    os.symlink(secret, root / "place" / "evil.yaml")
    with pytest.raises(KnowledgeError) as info:
        load(root, defaults=None)
    assert [str(p) for p in info.value.problems] == [
        f"{root}/place/evil.yaml:1: is a link to a file outside the knowledge folder"
    ]


def test_a_dotdot_link_escaping_the_root_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "kb"
    write(root, "place/offices.yaml", VALID_ENTRY)
    write(tmp_path, "other.yaml", "- id: leaked\n")
    os.symlink("../../other.yaml", root / "place" / "up.yaml")
    with pytest.raises(KnowledgeError, match="1 problem"):
        load(root, defaults=None)


def test_folder_links_are_not_followed(tmp_path: Path) -> None:
    root = tmp_path / "kb"
    write(root, "place/offices.yaml", VALID_ENTRY)
    write(tmp_path, "elsewhere/more.yaml", "- id: leaked\n")
    os.symlink(tmp_path / "elsewhere", root / "linked")
    with pytest.raises(KnowledgeError) as info:
        load(root, defaults=None)
    assert "folder links are not followed" in str(info.value.problems[0])


def test_a_link_inside_the_root_is_read(tmp_path: Path) -> None:
    write(tmp_path, "real/offices.yaml", VALID_ENTRY)
    (tmp_path / "alias").mkdir()
    os.symlink(tmp_path / "real" / "offices.yaml", tmp_path / "alias" / "again.yaml")
    # Read twice: the duplicate ids prove the linked file was read.
    with pytest.raises(KnowledgeError, match="2 problem"):
        load(tmp_path, defaults=None)


def test_an_oversized_file_is_refused_by_name(tmp_path: Path) -> None:
    write(tmp_path, "big.yaml", "- id: x\n  kind: info\n  title: {de: '" + "x" * (5 << 20) + "'}\n")
    with pytest.raises(KnowledgeError) as info:
        load(tmp_path, defaults=None)
    assert str(info.value.problems[0]).startswith(f"{tmp_path}/big.yaml:1: file is")


def test_hidden_and_non_yaml_files_are_ignored(tmp_path: Path) -> None:
    write(tmp_path, "place/offices.yaml", VALID_ENTRY)
    write(tmp_path, ".git/config.yaml", "not: [valid")
    write(tmp_path, "place/notes.txt", "not yaml at all: [")
    assert len(load(tmp_path).entries) == 2


def test_shipped_bot_texts_are_layered_under_a_folder(tmp_path: Path) -> None:
    write(tmp_path, "place/offices.yaml", VALID_ENTRY)
    write(
        tmp_path,
        "_local/texts.yaml",
        "texts:\n  see_also:\n    de: 'Mehr dazu:'\n    en: 'More:'\n",
    )
    knowledge = load(tmp_path)
    assert knowledge.texts.get("see_also", "de") == "Mehr dazu:"
    # Keys the folder does not define come from the shipped defaults.
    _, shipped, _ = read_folder(SHIPPED, bot_files_only=True)
    assert knowledge.texts.get("label_phone", "de") == shipped.texts["label_phone"]["de"]


def test_a_missing_folder_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    with pytest.raises(KnowledgeError, match="1 problem"):
        load(tmp_path / "nope")
