"""A guarded YAML reader that keeps line numbers for every mapping key and list item."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, SequenceNode

# The biggest real file we know (a converted website, 800 KB) fits easily;
# anything far larger is a mistake or an attack, and is refused before parsing.
MAX_FILE_BYTES = 4 * 1024 * 1024


class YamlError(Exception):
    """A file that cannot be read as knowledge YAML; carries its 1-based line."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


class LineDict(dict[Any, Any]):
    """A mapping that remembers its own line and the line of each key."""

    line: int = 0
    key_lines: dict[Any, int]

    def line_of(self, key: Any) -> int:
        """Return the line of ``key``, or of the mapping itself when the key is absent."""
        return self.key_lines.get(key, self.line)


class LineList(list[Any]):
    """A list that remembers its own line and the line of each item."""

    line: int = 0
    item_lines: list[int]

    def line_of(self, index: int) -> int:
        """Return the line of item ``index``."""
        return self.item_lines[index] if 0 <= index < len(self.item_lines) else self.line


class _Loader(yaml.SafeLoader):
    """SafeLoader that refuses aliases and duplicate keys and records lines."""

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        # Aliases are how "billion laughs" bombs grow; knowledge never needs them.
        if self.check_event(AliasEvent):
            event = self.peek_event()
            raise YamlError(
                "anchors and aliases (*name) are not allowed", event.start_mark.line + 1
            )
        return super().compose_node(parent, index)


def _construct_mapping(loader: _Loader, node: MappingNode) -> LineDict:
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            raise YamlError("merge keys (<<) are not allowed", key_node.start_mark.line + 1)
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise YamlError(
                "a mapping key must be a plain value", key_node.start_mark.line + 1
            ) from None
        line = key_node.start_mark.line + 1
        if key in result:
            raise YamlError(f"duplicate key '{key}' (first on line {result.key_lines[key]})", line)
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = line
    return result


def _construct_sequence(loader: _Loader, node: SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


def _refuse_tag(loader: _Loader, suffix: str, node: Node) -> Any:
    raise YamlError(f"the tag '{node.tag}' is not allowed", node.start_mark.line + 1)


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
_Loader.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)
_Loader.add_multi_constructor("", _refuse_tag)


def read_yaml(path: Path, max_bytes: int = MAX_FILE_BYTES) -> Any:
    """Read one YAML file safely; raise :class:`YamlError` with a line on any problem."""
    size = path.stat().st_size
    if size > max_bytes:
        raise YamlError(f"file is {size} bytes, more than the limit of {max_bytes}", 1)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise YamlError("file is not UTF-8", line) from None
    loader = _Loader(text)
    try:
        return loader.get_single_data()
    except YamlError:
        raise
    except ConstructorError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise YamlError(str(exc.problem or exc), (mark.line + 1) if mark else 1) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = exc.problem or "invalid YAML"
        raise YamlError(f"invalid YAML: {what}", (mark.line + 1) if mark else 1) from None
    except yaml.YAMLError as exc:
        raise YamlError(f"invalid YAML: {exc}", 1) from None
    finally:
        loader.dispose()
