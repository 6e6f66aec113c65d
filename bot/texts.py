"""The bot's own words (welcome, "did you mean", contact labels, ...) in every language."""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from dataclasses import dataclass

from bot.languages import best_language

_FIELD = re.compile(r"\{([a-z_]+)\}")


def placeholders(template: str) -> frozenset[str]:
    """Return the ``{name}`` placeholders a template uses."""
    return frozenset(_FIELD.findall(template))


class _Strict(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


@dataclass(frozen=True, slots=True)
class Texts:
    """Look up the bot's texts by key and language, with the usual fallback."""

    by_key: Mapping[str, Mapping[str, str]]

    def has(self, key: str) -> bool:
        """Tell whether a text with this key exists in any language."""
        return key in self.by_key

    def language_for(self, key: str, language: str) -> str:
        """Return the language :meth:`get` will use for ``key``."""
        return best_language(self.by_key.get(key, {}), language)

    def get(self, key: str, language: str, **params: object) -> str:
        """Return text ``key`` in ``language`` (else English, else German) with params filled."""
        variants = self.by_key.get(key)
        if not variants:
            # A missing key is a bug in a release, not a reason to crash a chat.
            return key
        template = variants[best_language(variants, language)]
        values = _Strict({k: str(v) for k, v in params.items()})
        return string.Formatter().vformat(template, (), values)

    def languages_of(self, key: str) -> frozenset[str]:
        """Return the languages text ``key`` exists in."""
        return frozenset(self.by_key.get(key, {}))
