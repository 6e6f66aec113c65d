"""The knowledge base in use, with its matcher and command words, swapped whole on reload."""

from __future__ import annotations

from dataclasses import dataclass

from bot.commands import CommandBook
from bot.knowledge import Knowledge
from bot.matching.decision import Matcher
from bot.matching.factory import build_matcher


@dataclass(frozen=True, slots=True)
class Brain:
    """Everything that comes from one load of the knowledge folder."""

    knowledge: Knowledge
    matcher: Matcher
    commands: CommandBook

    @staticmethod
    def build(knowledge: Knowledge, matcher: Matcher | None = None) -> Brain:
        """Build the matcher and command book for a freshly loaded base."""
        return Brain(
            knowledge, matcher or build_matcher(knowledge), CommandBook(knowledge.commands)
        )


class BrainHolder:
    """Holds the current :class:`Brain`; a reload replaces it in one assignment."""

    def __init__(self, brain: Brain) -> None:
        self._brain = brain

    def __call__(self) -> Brain:
        """Return the brain in use now."""
        return self._brain

    def replace(self, brain: Brain) -> None:
        """Start using a new brain; messages already being handled finish with the old one."""
        self._brain = brain
