"""The matcher's decision and the one interface every matcher implements."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

Action = Literal["answer", "clarify", "handover", "smalltalk", "none"]
ACTIONS: tuple[Action, ...] = ("answer", "clarify", "handover", "smalltalk", "none")


@dataclass(frozen=True, slots=True)
class Decision:
    """What to do with one message: the action, the entry and the close candidates."""

    action: Action
    entry: str | None
    candidates: tuple[str, ...]
    language: str
    score: float
    # False when the text was too short to tell its language and no language
    # was chosen: the conversation then asks the user instead of guessing.
    language_certain: bool = True
    # A smalltalk decision names its kind ("greeting", "thanks", "bye") so the
    # reply fits; other actions leave it empty.
    intent: str = field(default="")

    def to_json(self) -> dict[str, Any]:
        """Return the stable JSON form used by ``python -m bot match``."""
        return {
            "action": self.action,
            "entry": self.entry,
            "candidates": list(self.candidates),
            "language": self.language,
            "score": round(float(self.score), 4),
        }


class Matcher(Protocol):
    """Anything that turns a text into a decision."""

    def decide(self, text: str, region: str | None, language: str | None) -> Decision:
        """Decide what to do with ``text`` from a user in ``region`` who chose ``language``."""
        ...
