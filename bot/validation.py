"""Check one knowledge entry against the format and build it, collecting every problem."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from bot import hours, markdown
from bot.entry import HANDOVERS, KINDS, Contact, Entry
from bot.languages import is_language_code
from bot.problem import Problem
from bot.yamlfile import LineDict, LineList

ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"^\+?[0-9][0-9 ()/.\-]*[0-9]$")
FIELDS = frozenset(
    {"id", "kind", "region", "title", "questions", "keywords", "answer", "contact"}
    | {"audience", "related", "handover", "updated"}
)
CONTACT_FIELDS = frozenset({"address", "phone", "email", "web", "hours", "languages"})


class EntryChecker:
    """Validates one entry mapping; ``problems`` collects what is wrong."""

    def __init__(self, path: str, raw: LineDict, entry_id: str | None) -> None:
        self.path = path
        self.raw = raw
        self.entry_id = entry_id
        self.problems: list[Problem] = []

    def problem(self, line: int, field: str | None, message: str) -> None:
        """Record a problem at ``line`` in ``field``."""
        self.problems.append(Problem(self.path, line, message, self.entry_id, field))

    def text(self, node: Any, line: int, field: str, required: bool = False) -> str | None:
        """Return a non-empty string, or record why it is not one."""
        if node is None:
            if required:
                self.problem(line, field, "is required")
            return None
        if not isinstance(node, str) or not node.strip():
            self.problem(line, field, "must be a non-empty text")
            return None
        return node.strip()

    def strings(self, node: Any, line: int, field: str) -> tuple[str, ...]:
        """Return a list of non-empty strings (a single string is accepted too)."""
        if node is None:
            return ()
        if isinstance(node, str):
            node = [node]
        if not isinstance(node, list):
            self.problem(line, field, "must be a list of texts")
            return ()
        out = []
        for i, item in enumerate(node):
            at = node.line_of(i) if isinstance(node, LineList) else line
            value = self.text(item, at, f"{field}[{i + 1}]")
            if value is not None:
                out.append(value)
        return tuple(out)

    def by_language(self, field: str, required: bool, as_list: bool) -> dict[str, Any]:
        """Validate a mapping from language code to text (or to a list of texts)."""
        node = self.raw.get(field)
        line = self.raw.line_of(field)
        if node is None:
            if required:
                self.problem(line, field, "is required (with at least a 'de' text)")
            return {}
        if not isinstance(node, LineDict):
            self.problem(line, field, "must map language codes to texts, e.g. 'de: ...'")
            return {}
        out: dict[str, Any] = {}
        for lang, value in node.items():
            at = node.line_of(lang)
            if not is_language_code(lang):
                self.problem(at, f"{field}.{lang}", "is not a two-letter language code")
                continue
            if as_list:
                out[lang] = self.strings(value, at, f"{field}.{lang}")
            else:
                text = self.text(value, at, f"{field}.{lang}", required=True)
                if text is not None:
                    out[lang] = text
        if required and "de" not in node:
            self.problem(line, field, "must include a German ('de') text")
        return out

    def answers(self) -> dict[str, str]:
        """Validate the answer texts, including their Markdown."""
        out = self.by_language("answer", required=True, as_list=False)
        node = self.raw.get("answer")
        for lang, text in out.items():
            at = node.line_of(lang) if isinstance(node, LineDict) else self.raw.line
            for message in markdown.problems(text):
                self.problem(at, f"answer.{lang}", message)
        return out

    def choice(self, field: str, allowed: tuple[str, ...], default: str | None) -> str | None:
        """Validate a value from a closed list."""
        value = self.raw.get(field, default)
        if value is None and default is None:
            self.problem(
                self.raw.line_of(field), field, f"is required: one of {', '.join(allowed)}"
            )
            return None
        if value not in allowed:
            self.problem(
                self.raw.line_of(field), field, f"'{value}' is not one of {', '.join(allowed)}"
            )
            return None
        return str(value)

    def contact(self) -> Contact | None:
        """Validate the contact block."""
        node = self.raw.get("contact")
        if node is None:
            return None
        if not isinstance(node, LineDict):
            self.problem(self.raw.line_of("contact"), "contact", "must be a mapping")
            return None
        for key in node:
            if key not in CONTACT_FIELDS:
                known = ", ".join(sorted(CONTACT_FIELDS))
                self.problem(node.line_of(key), f"contact.{key}", f"unknown field (known: {known})")
        values: dict[str, str | None] = {}
        for key in ("address", "phone", "email", "web", "hours"):
            raw = node.get(key)
            if isinstance(raw, int | float) and key == "phone":
                # YAML reads an unquoted number, losing leading zeros.
                self.problem(node.line_of(key), "contact.phone", 'must be quoted, e.g. "+49 …"')
                raw = None
            values[key] = self.text(raw, node.line_of(key), f"contact.{key}")
        line = node.line_of
        if values["email"] and not EMAIL.match(values["email"]):
            self.problem(line("email"), "contact.email", f"'{values['email']}' is not an address")
        if values["phone"] and not PHONE.match(values["phone"]):
            self.problem(line("phone"), "contact.phone", f"'{values['phone']}' is not a number")
        if values["web"] and not values["web"].startswith(("https://", "http://")):
            self.problem(line("web"), "contact.web", "must start with https://")
        if values["hours"]:
            try:
                hours.check(values["hours"])
            except hours.HoursError as exc:
                self.problem(line("hours"), "contact.hours", str(exc))
                values["hours"] = None
        langs = self.strings(node.get("languages"), line("languages"), "contact.languages")
        for code in langs:
            if not is_language_code(code):
                self.problem(line("languages"), "contact.languages", f"'{code}' is not a code")
        return Contact(languages=langs, **values)

    def updated(self) -> date | None:
        """Validate the ISO date the entry was last checked."""
        value = self.raw.get("updated")
        if value is None:
            return None
        if isinstance(value, date):
            if value > date.today():
                self.problem(self.raw.line_of("updated"), "updated", "is in the future")
            return value
        self.problem(self.raw.line_of("updated"), "updated", "must be a date like 2026-10-01")
        return None


def check_entry(path: str, raw: Any, line: int) -> tuple[Entry | None, list[Problem]]:
    """Validate one raw entry; return it (built as far as it could be) and its problems.

    An entry with problems is still returned so that cross-checks (duplicate
    ids, ``related``) see it and report no follow-up errors; the loader never
    serves a base that had problems.
    """
    if not isinstance(raw, LineDict):
        return None, [Problem(path, line, "an entry must be a mapping starting with 'id:'")]
    entry_id = raw.get("id") if isinstance(raw.get("id"), str) else None
    c = EntryChecker(path, raw, entry_id)
    if raw.get("id") is None:
        c.problem(raw.line, "id", "is required")
    elif entry_id is None or not ID.match(entry_id):
        c.problem(raw.line_of("id"), "id", f"'{raw.get('id')}' must use only a-z, 0-9 and '-'")
    for key in raw:
        if key not in FIELDS:
            c.problem(
                raw.line_of(key), str(key), f"unknown field (known: {', '.join(sorted(FIELDS))})"
            )
    kind = c.choice("kind", KINDS, None)
    region = c.text(raw.get("region"), raw.line_of("region"), "region")
    if region is not None and not ID.match(region):
        c.problem(raw.line_of("region"), "region", f"'{region}' must use only a-z, 0-9 and '-'")
    entry = Entry(
        id=entry_id or "",
        kind=kind or "info",  # type: ignore[arg-type]
        title=c.by_language("title", required=True, as_list=False),
        answer=c.answers(),
        region=region,
        questions=c.by_language("questions", required=False, as_list=True),
        keywords=c.by_language("keywords", required=False, as_list=True),
        contact=c.contact(),
        audience=c.strings(raw.get("audience"), raw.line_of("audience"), "audience"),
        related=c.strings(raw.get("related"), raw.line_of("related"), "related"),
        handover=c.choice("handover", HANDOVERS, "offer") or "offer",  # type: ignore[arg-type]
        updated=c.updated(),
        source=path,
        line=raw.line,
    )
    return entry, c.problems
