"""The ``_``-prefixed knowledge files: the bot's texts, regions, intents and commands."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.languages import is_language_code
from bot.problem import Problem
from bot.texts import placeholders
from bot.validation import ID
from bot.yamlfile import LineDict, LineList

SECTIONS = ("texts", "regions", "intents", "commands")


@dataclass(frozen=True, slots=True)
class Region:
    """A place the base covers: its name by language and the towns inside it."""

    id: str
    names: dict[str, str] = field(default_factory=dict)
    places: tuple[str, ...] = ()


@dataclass(slots=True)
class BotData:
    """Everything read from ``_`` files, merged; later layers override by key."""

    texts: dict[str, dict[str, str]] = field(default_factory=dict)
    regions: dict[str, Region] = field(default_factory=dict)
    intents: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)
    commands: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)
    origin: dict[tuple[str, str], str] = field(default_factory=dict)

    def overlay(self, other: BotData) -> BotData:
        """Return this layer with every key of ``other`` replacing its own."""
        return BotData(
            texts={**self.texts, **other.texts},
            regions={**self.regions, **other.regions},
            intents={**self.intents, **other.intents},
            commands={**self.commands, **other.commands},
            origin={**self.origin, **other.origin},
        )


class BotFileReader:
    """Reads ``_`` files one by one into a :class:`BotData`, collecting problems."""

    def __init__(self) -> None:
        self.data = BotData()
        self.problems: list[Problem] = []

    def _problem(self, path: str, line: int, where: str, message: str) -> None:
        self.problems.append(Problem(path, line, message, None, where))

    def _claim(self, path: str, line: int, section: str, key: str) -> bool:
        # The same key in two files of one folder is a mistake an admin must see.
        first = self.data.origin.get((section, key))
        if first is not None:
            self._problem(path, line, f"{section}.{key}", f"is already defined in {first}")
            return False
        self.data.origin[(section, key)] = f"{path}:{line}"
        return True

    def _lang_map(
        self, path: str, node: Any, line: int, where: str, as_list: bool
    ) -> dict[str, Any]:
        if not isinstance(node, LineDict):
            self._problem(path, line, where, "must map language codes to texts")
            return {}
        out: dict[str, Any] = {}
        for lang, value in node.items():
            at = node.line_of(lang)
            if not is_language_code(lang):
                self._problem(path, at, f"{where}.{lang}", "is not a two-letter language code")
            elif as_list:
                items = [value] if isinstance(value, str) else value
                if not isinstance(items, LineList | list) or not all(
                    isinstance(i, str) and i.strip() for i in items
                ):
                    self._problem(path, at, f"{where}.{lang}", "must be a list of texts")
                else:
                    out[lang] = tuple(i.strip() for i in items)
            elif not isinstance(value, str) or not value.strip():
                self._problem(path, at, f"{where}.{lang}", "must be a non-empty text")
            else:
                out[lang] = value.strip()
        return out

    def _texts(self, path: str, node: LineDict) -> None:
        for key, value in node.items():
            at = node.line_of(key)
            if not self._claim(path, at, "texts", str(key)):
                continue
            variants = self._lang_map(path, value, at, f"texts.{key}", as_list=False)
            reference = variants.get("en") or variants.get("de")
            if reference is not None:
                wanted = placeholders(reference)
                for lang, text in variants.items():
                    if placeholders(text) != wanted:
                        line = value.line_of(lang) if isinstance(value, LineDict) else at
                        names = ", ".join("{" + p + "}" for p in sorted(wanted)) or "none"
                        self._problem(
                            path, line, f"texts.{key}.{lang}", f"placeholders must be {names}"
                        )
            self.data.texts[str(key)] = variants

    def _regions(self, path: str, node: LineDict) -> None:
        for key, value in node.items():
            at = node.line_of(key)
            if not isinstance(key, str) or not ID.match(key):
                self._problem(path, at, f"regions.{key}", "must use only a-z, 0-9 and '-'")
                continue
            if not self._claim(path, at, "regions", key):
                continue
            if not isinstance(value, LineDict):
                self._problem(path, at, f"regions.{key}", "must have 'name' and 'places'")
                continue
            for extra in set(value) - {"name", "places"}:
                self._problem(path, value.line_of(extra), f"regions.{key}.{extra}", "unknown field")
            names = self._lang_map(
                path, value.get("name"), value.line_of("name"), f"regions.{key}.name", False
            )
            places = value.get("places") or []
            if not isinstance(places, list) or not all(isinstance(p, str) for p in places):
                self._problem(
                    path, value.line_of("places"), f"regions.{key}.places", "must be a list"
                )
                places = []
            self.data.regions[key] = Region(key, names, tuple(places))

    def _phrases(self, path: str, section: str, node: LineDict) -> None:
        target = self.data.intents if section == "intents" else self.data.commands
        for key, value in node.items():
            at = node.line_of(key)
            if self._claim(path, at, section, str(key)):
                target[str(key)] = self._lang_map(path, value, at, f"{section}.{key}", as_list=True)

    def read(self, path: str, document: Any) -> None:
        """Merge one parsed ``_`` file."""
        if not isinstance(document, LineDict):
            self._problem(
                path, 1, "", f"a '_' file must be a mapping with sections {', '.join(SECTIONS)}"
            )
            return
        for section, node in document.items():
            at = document.line_of(section)
            if section not in SECTIONS:
                self._problem(
                    path, at, str(section), f"unknown section (known: {', '.join(SECTIONS)})"
                )
            elif not isinstance(node, LineDict):
                self._problem(path, at, str(section), "must be a mapping")
            elif section == "texts":
                self._texts(path, node)
            elif section == "regions":
                self._regions(path, node)
            else:
                self._phrases(path, section, node)
