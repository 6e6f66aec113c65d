"""Loading a knowledge folder into an immutable :class:`Knowledge`, or naming every problem."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from bot.botfiles import BotData, BotFileReader, Region
from bot.entry import Entry
from bot.problem import KnowledgeError, Problem
from bot.texts import Texts
from bot.validation import check_entry
from bot.yamlfile import MAX_FILE_BYTES, LineList, YamlError, read_yaml

# The knowledge folder shipped with Lotse; its ``_`` files are the defaults a
# county's folder (or a test fixture without bot texts) builds on.
SHIPPED = Path(__file__).resolve().parent.parent / "knowledge"


@dataclass(frozen=True)
class Knowledge:
    """A loaded, valid knowledge base. Never mutated: a reload builds a new one."""

    root: Path
    entries: tuple[Entry, ...]
    texts: Texts
    regions: dict[str, Region]
    intents: dict[str, dict[str, tuple[str, ...]]]
    commands: dict[str, dict[str, tuple[str, ...]]]
    by_id: dict[str, Entry] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_id", {e.id: e for e in self.entries})

    def region_name(self, region: str, language: str) -> str:
        """Return a region's name in ``language`` (or the best fallback)."""
        known = self.regions.get(region)
        if known and known.names:
            from bot.languages import best_language

            return known.names[best_language(known.names, language)]
        return region.replace("-", " ").title()


def _is_hidden(name: str) -> bool:
    return name.startswith(".")


def _yaml_files(root: Path, shown: Path, problems: list[Problem]) -> list[tuple[Path, str]]:
    """Every ``*.yaml`` under ``root`` in sorted order, refusing anything outside it."""
    real_root = root.resolve()
    found: list[tuple[Path, str]] = []
    for current, dirs, files in os.walk(root, followlinks=False):
        here = Path(current)
        dirs[:] = sorted(d for d in dirs if not _is_hidden(d))
        for d in list(dirs):
            if (here / d).is_symlink():
                rel = str(shown / (here / d).relative_to(root))
                problems.append(
                    Problem(rel, 1, "folder links are not followed; move the folder here")
                )
                dirs.remove(d)
        for name in sorted(files):
            if _is_hidden(name) or not name.endswith((".yaml", ".yml")):
                continue
            path = here / name
            rel = str(shown / path.relative_to(root))
            if path.is_symlink() and not path.resolve().is_relative_to(real_root):
                problems.append(Problem(rel, 1, "is a link to a file outside the knowledge folder"))
                continue
            found.append((path, rel))
    return found


def _is_bot_file(path: Path, root: Path) -> bool:
    return any(part.startswith("_") for part in path.relative_to(root).parts)


def read_folder(
    root: Path, max_bytes: int = MAX_FILE_BYTES, bot_files_only: bool = False
) -> tuple[list[Entry], BotData, list[Problem]]:
    """Read entries and ``_`` files of one folder without cross-checks."""
    problems: list[Problem] = []
    entries: list[Entry] = []
    if not root.is_dir():
        raise KnowledgeError([Problem(str(root), 0, "is not a folder")])
    reader = BotFileReader()
    for path, rel in _yaml_files(root, root, problems):
        if bot_files_only and not _is_bot_file(path, root):
            continue
        try:
            document = read_yaml(path, max_bytes)
        except YamlError as exc:
            problems.append(Problem(rel, exc.line, exc.message))
            continue
        except OSError as exc:
            problems.append(Problem(rel, 0, f"cannot be read: {exc.strerror}"))
            continue
        if _is_bot_file(path, root):
            reader.read(rel, document)
            continue
        if document is None:
            continue
        if not isinstance(document, LineList):
            problems.append(Problem(rel, 1, "must be a list of entries ('- id: ...')"))
            continue
        for index, raw in enumerate(document):
            entry, found = check_entry(rel, raw, document.line_of(index))
            problems.extend(found)
            if entry is not None:
                entries.append(entry)
    problems.extend(reader.problems)
    return entries, reader.data, problems


def _cross_check(entries: list[Entry], problems: list[Problem]) -> None:
    seen: dict[str, Entry] = {}
    for entry in entries:
        if not entry.id:
            continue
        first = seen.get(entry.id)
        if first is not None:
            where = f"{first.source}:{first.line}"
            problems.append(
                Problem(entry.source, entry.line, f"is already used at {where}", entry.id, "id")
            )
        else:
            seen[entry.id] = entry
    for entry in entries:
        for rid in entry.related:
            if rid not in seen:
                problems.append(
                    Problem(entry.source, entry.line, f"unknown id '{rid}'", entry.id, "related")
                )
            elif rid == entry.id:
                problems.append(
                    Problem(
                        entry.source,
                        entry.line,
                        "an entry cannot relate to itself",
                        entry.id,
                        "related",
                    )
                )


def load(root: Path | str, defaults: Path | None = SHIPPED) -> Knowledge:
    """Load and validate a knowledge folder; raise :class:`KnowledgeError` listing every problem.

    The ``_`` files of ``defaults`` (the shipped folder) come first, so a folder
    only needs its own entries; its own ``_`` files override them key by key.
    """
    root = Path(root)
    entries, data, problems = read_folder(root)
    # Entry ids are checked even when entries had other problems, so an admin
    # sees every dangling ``related`` at once.
    _cross_check(entries, problems)
    if defaults is not None and defaults.is_dir() and defaults.resolve() != root.resolve():
        _, base, base_problems = read_folder(defaults, bot_files_only=True)
        problems.extend(base_problems)
        data = base.overlay(data)
    if problems:
        raise KnowledgeError(problems)
    regions = dict(data.regions)
    for entry in entries:
        if entry.region and entry.region not in regions:
            regions[entry.region] = Region(entry.region)
    return Knowledge(
        root=root,
        entries=tuple(entries),
        texts=Texts(data.texts),
        regions=regions,
        intents=data.intents,
        commands=data.commands,
    )
