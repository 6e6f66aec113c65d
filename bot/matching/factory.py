"""Build the matcher the bot uses for a knowledge base."""

from __future__ import annotations

from bot.knowledge import Knowledge
from bot.matching.decision import Matcher
from bot.matching.lexical import LexicalMatcher


def build_matcher(knowledge: Knowledge) -> Matcher:
    """Return the best matcher available on this machine for ``knowledge``."""
    return LexicalMatcher(knowledge)
