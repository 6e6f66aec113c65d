from pathlib import Path

import pytest

from bot.yamlfile import YamlError, read_yaml


def read(tmp_path: Path, text: str, max_bytes: int = 1 << 20) -> object:
    path = tmp_path / "f.yaml"
    path.write_text(text, encoding="utf-8")
    return read_yaml(path, max_bytes)


def test_lines_of_keys_and_items_are_kept(tmp_path: Path) -> None:
    data = read(tmp_path, "- id: a\n  title:\n    de: x\n- id: b\n")
    assert data.line == 1  # type: ignore[attr-defined]
    assert data[1].line == 4  # type: ignore[index]
    assert data[0].line_of("title") == 2  # type: ignore[index]
    assert data[0]["title"].line_of("de") == 3  # type: ignore[index]


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("a: 1\nb: 2\na: 3\n", 3, "duplicate key 'a' (first on line 1)"),
        ("a: &x [1, 2]\nb: *x\n", 2, "aliases"),
        ("a: !!python/object/apply:os.system [ls]\n", 1, "tag"),
        ("a: !custom 1\n", 1, "tag"),
        ("base: &b {x: 1}\nc:\n  <<: *b\n", 3, "aliases"),
        ("a: [1, 2\nb: 3\n", 2, "invalid YAML"),
        ("a:\n  - x\n - y\n", 3, "invalid YAML"),
    ],
)
def test_unsafe_or_broken_yaml_is_refused_with_a_line(
    tmp_path: Path, text: str, line: int, words: str
) -> None:
    with pytest.raises(YamlError) as info:
        read(tmp_path, text)
    assert info.value.line == line
    assert words in info.value.message


def test_billion_laughs_is_refused_before_it_grows(tmp_path: Path) -> None:
    bomb = 'a: &a ["x","x","x","x","x","x","x","x","x"]\n'
    for i, name in enumerate("bcdefghi"):
        prev = "abcdefghi"[i]
        bomb += (
            f"{name}: &{name} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"
        )
    with pytest.raises(YamlError, match="aliases"):
        read(tmp_path, bomb)


def test_size_cap_is_checked_before_parsing(tmp_path: Path) -> None:
    with pytest.raises(YamlError, match="more than the limit"):
        read(tmp_path, "a: " + "x" * 200 + "\n", max_bytes=100)


def test_non_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "f.yaml"
    path.write_bytes(b"a: 1\nb: \xff\xfe\n")
    with pytest.raises(YamlError) as info:
        read_yaml(path)
    assert info.value.line == 2
    assert "UTF-8" in info.value.message
